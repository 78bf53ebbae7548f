// validate's Argo CD step: expand argocd/ offline for the working tree and check
// every generated Application and every rendered object against its AppProject.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, RenderedObject, Target } from '../../../kube/index.ts';
import { kustomizeBuild } from '../kustomize/index.ts';
import { currentHead } from '../plumbing/git.ts';

/**
 * Expand argocd/ offline for the working tree (scripts/lib/argocd/preview.ts) and
 * check every generated Application. Paths inside an overlay validate already
 * rendered are not built again; any other Application path gets its own
 * kustomize build (the preview overlay, for instance).
 */
export async function checkWorkingTree(root: string, rendered: readonly Target[]): Promise<(objects: readonly RenderedObject[]) => Finding[]> {
  const [mod, head] = await Promise.all([import('./preview.ts'), currentHead(root)]);
  const result = await mod.previewApplicationSets({ root, branch: head.branch, head: head.commit, worktree: true, kustomize: false });
  const covered = (path: string) => rendered.some((t) => path === t.path || path.startsWith(`${t.path}/`));
  const extra = new Map<string, string>();
  for (const a of result.applications) {
    const sources = [a.application.spec?.source, ...(a.application.spec?.sources ?? [])].filter(Boolean);
    for (const src of sources) {
      const path = typeof src.path === 'string' ? src.path.replace(/\/$/, '') : undefined;
      if (path && !covered(path) && existsSync(join(root, path)) && !extra.has(path)) extra.set(path, a.name);
    }
  }
  const builds = await Promise.all(
    [...extra].map(async ([path, app]) => ({ path, app, r: await kustomizeBuild(join(root, path)) })),
  );
  const out = [...result.findings];
  for (const b of builds.filter((b) => !b.r.ok))
    out.push({ rule: 'argocd/kustomize-failed', severity: 'error', target: 'argocd', file: `${b.path}/kustomization.yaml`, message: `Application ${b.app}: kustomize build ${b.path} failed: ${b.r.error.split(root + '/').join('')}` });
  // Every rendered object against the AppProject of the Application that deploys it.
  return (objects) => [...out, ...mod.checkRenderedObjects(result, objects)];
}

