// Renders kept between runs under node_modules/.cache/marquee/render, keyed by
// inputKey (the content of everything the render reads), never by where the checkout lives.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Target } from '../../../kube/index.ts';
import { cacheFile } from '../plumbing/cache.ts';
import type { RenderResult } from './render.ts';

const renderCacheDir = (): string => cacheFile('render');

export const renderCacheFile = (key: string): string => join(renderCacheDir(), `${key}.json`);

export function readCache(key: string, target: Target): RenderResult | undefined {
  const file = renderCacheFile(key);
  if (!existsSync(file)) return undefined;
  try {
    const { objects } = JSON.parse(readFileSync(file, 'utf8')) as { objects: { object: Record<string, any>; origin?: string }[] };
    // a hit counts as a use: the trim below drops the least recently used renders, not the oldest written
    try {
      const now = new Date();
      utimesSync(file, now, now);
    } catch {
      /* removed meanwhile by another process's trim: the copy read is still whole */
    }
    return { target, findings: [], objects: objects.map((o, index) => ({ target, object: o.object, origin: o.origin, index })) };
  } catch {
    return undefined;
  }
}

export function writeCache(key: string, r: RenderResult): void {
  const dir = renderCacheDir();
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `${key}.${process.pid}.tmp`);
  writeFileSync(tmp, JSON.stringify({ objects: r.objects.map((o) => ({ object: o.object, origin: o.origin })) }));
  renameSync(tmp, join(dir, `${key}.json`));
  const entries = readdirSync(dir);
  if (entries.length > 300) {
    // Keep the cache small: drop the least recently used renders.
    const byAge = entries.map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs })).sort((a, b) => a.t - b.t);
    for (const { f } of byAge.slice(0, entries.length - 200)) rmSync(join(dir, f), { force: true });
  }
}

