// How tests start Debian's Chromium: headless, no sandbox (root), and none of the
// background traffic this machine's closed network would refuse.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

type ContextOptions = NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>;

/** A running Chromium with its own profile folder; `close` closes it and removes the folder. */
export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium (as above) on a fresh profile in a temporary folder, with `options` (viewport, timeout) added. */
export async function launchChromium(options: Omit<ContextOptions, 'executablePath' | 'headless' | 'args'>): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'marquee-chromium-'));
  const removeProfile = () => rmSync(profile, { recursive: true, force: true });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath, headless: true, args: chromiumArgs, ...options });
  } catch (e) {
    removeProfile();
    throw e;
  }
  return {
    context,
    async close() {
      try {
        await context.close();
      } finally {
        removeProfile();
      }
    },
  };
}

/** What the pages of a context did that a test forbids; both lists should stay empty. */
export interface PageWatch {
  /** console errors (and warnings, when asked) and uncaught page errors */
  readonly problems: string[];
  /** requests to anything `allowed` refuses: recorded and aborted, so a page never reaches the internet */
  readonly offsite: string[];
}

/** Watch every page of `context` from now on: console errors, page errors, and requests outside `allowed`. */
export async function watchPages(context: BrowserContext, o: { allowed: (url: URL) => boolean; warnings?: boolean }): Promise<PageWatch> {
  const watch: PageWatch = { problems: [], offsite: [] };
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (o.allowed(url)) return route.continue();
    watch.offsite.push(url.href);
    return route.abort('blockedbyclient');
  });
  context.on('console', (m) => {
    if (m.type() === 'error' || (o.warnings && m.type() === 'warning')) watch.problems.push(`console ${m.type()}: ${m.text()}`);
  });
  context.on('weberror', (e) => watch.problems.push(`page error: ${e.error().message}`));
  return watch;
}
