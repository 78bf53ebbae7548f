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
