// Assemble the storefront for serving: copy apps/web/public to an output directory,
// renaming every file under assets/ to name.<hash>.ext and rewriting index.html to match,
// so nginx can cache assets forever and only index.html revalidates.
// Only node: built-ins and ./policy.ts, so the image build runs it with plain Node 22
// (type stripping) and no npm install:  node apps/web/src/assemble.ts <out-dir>
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assetsPrefix } from './policy.ts';

/** apps/web/public: the hand-written storefront. */
export const publicDir = fileURLToPath(new URL('../public/', import.meta.url));

export interface Assembled {
  readonly outDir: string;
  /** Logical asset path → hashed path, e.g. `/assets/app.js` → `/assets/app.3f9c0a1b2d.js`. */
  readonly assets: ReadonlyMap<string, string>;
}

const hashLength = 10;

/**
 * Write the servable site to `outDir` (replaced if it exists). Throws, naming the file,
 * when index.html references an asset that does not exist or an asset is unreferenced.
 */
export function assembleSite(outDir: string, from: string = publicDir): Assembled {
  const src = resolve(from);
  const out = resolve(outDir);
  const indexPath = join(src, 'index.html');
  let index: string;
  try {
    index = readFileSync(indexPath, 'utf8');
  } catch {
    throw new Error(`assemble: ${indexPath} is missing: the storefront needs an index.html`);
  }
  const assetDir = join(src, assetsPrefix);
  const assets = new Map<string, string>();
  const staged = new Map<string, Buffer>();
  for (const name of readdirSync(assetDir).sort()) {
    if (!statSync(join(assetDir, name)).isFile()) continue;
    const body = readFileSync(join(assetDir, name));
    const hash = createHash('sha256').update(body).digest('hex').slice(0, hashLength);
    const ext = extname(name);
    const hashed = `${assetsPrefix}${basename(name, ext)}.${hash}${ext}`;
    assets.set(`${assetsPrefix}${name}`, hashed);
    staged.set(hashed, body);
  }
  const referenced = new Set<string>();
  index = index.replace(/(["'])(\/assets\/[^"']+)\1/g, (_m, q: string, path: string) => {
    const hashed = assets.get(path);
    if (!hashed) throw new Error(`assemble: ${indexPath} references ${path}, which is not in ${assetDir}`);
    referenced.add(path);
    return `${q}${hashed}${q}`;
  });
  for (const path of assets.keys())
    if (!referenced.has(path)) throw new Error(`assemble: ${join(src, path)} is not referenced by index.html; remove it or link it`);

  // Everything is validated: only now touch the output directory.
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, assetsPrefix), { recursive: true });
  for (const entry of readdirSync(src)) {
    if (entry === 'index.html' || `/${entry}/` === assetsPrefix) continue;
    cpSync(join(src, entry), join(out, entry), { recursive: true });
  }
  for (const [hashed, body] of staged) writeFileSync(join(out, hashed), body);
  writeFileSync(join(out, 'index.html'), index);
  return { outDir: out, assets };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2];
  if (!outDir) {
    console.error('usage: node apps/web/src/assemble.ts <out-dir>');
    process.exit(2);
  }
  try {
    const { assets } = assembleSite(outDir);
    for (const [from, to] of assets) console.log(`  ${from} -> ${to}`);
    console.log(`assemble: wrote ${resolve(outDir)}`);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
