// validate's Argo CD step: expand argocd/ offline for the working tree and check
// every generated Application and every rendered object against its AppProject.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, RenderedObject, Target } from '../../../kube/index.ts';
import { defaultTargets, partsOf, renderTargets } from '../kustomize/index.ts';
import { currentHead } from '../plumbing/git.ts';

/**
 * The target an Application path renders as. A part of a default target (overlays/dev/data
 * of dev) is that target narrowed to the path, exactly as validate renders its parts, so
 * the render cache entry (keyed by the target) is shared with validate's own renders.
 */
function targetFor(root: string, path: string, all: readonly Target[]): Target {
  for (const t of all) {
    if (t.path === path) return t;
    const part = partsOf(root, t)?.find((p) => p.path === path);
    if (part) return part;
  }
  return { name: path, kind: 'files', path };
}

/**
 * Expand argocd/ offline for the working tree (scripts/lib/argocd/preview.ts) and
 * check every generated Application. Paths inside an overlay validate already
 * rendered are not built again; a path inside a default target this run did not
 * select (`--env prod` leaves dev and test out) is out of scope: its Application is
 * still expanded and checked, but not built. Any other Application path (outside
 * every default target) is built through validate's render cache.
 */
export async function checkWorkingTree(root: string, rendered: readonly Target[]): Promise<(objects: readonly RenderedObject[]) => Finding[]> {
  const [mod, head] = await Promise.all([import('./preview.ts'), currentHead(root)]);
  const result = await mod.previewApplicationSets({ root, branch: head.branch, head: head.commit, worktree: true, kustomize: false });
  const inside = (path: string, t: Target) => path === t.path || path.startsWith(`${t.path}/`);
  const all = defaultTargets(root);
  const extra = new Map<string, string>();
  for (const a of result.applications) {
    const sources = [a.application.spec?.source, ...(a.application.spec?.sources ?? [])].filter(Boolean);
    for (const src of sources) {
      const path = typeof src.path === 'string' ? src.path.replace(/\/$/, '') : undefined;
      if (!path || rendered.some((t) => inside(path, t)) || all.some((t) => inside(path, t))) continue;
      if (existsSync(join(root, path)) && !extra.has(path)) extra.set(path, a.name);
    }
  }
  const paths = [...extra.keys()];
  const builds = paths.length ? await renderTargets(root, paths.map((p) => targetFor(root, p, all)), { cache: true }) : [];
  const out = [...result.findings];
  builds.forEach((b, i) => {
    const path = paths[i]!;
    for (const f of b.findings)
      out.push({ rule: 'argocd/kustomize-failed', severity: 'error', target: 'argocd', file: f.file ?? `${path}/kustomization.yaml`, message: `Application ${extra.get(path)}: ${f.message}` });
  });
  // Every rendered object against the AppProject of the Application that deploys it.
  return (objects) => [...out, ...mod.checkRenderedObjects(result, objects)];
}
