// What validate, diff and report render: the targets of a checkout (environments,
// platform overlays, the preview, argocd/) and the parts a target renders as.
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { clusters, environments, type ClusterName, type EnvName } from '../../../generators/environments.ts';
import { isRemoteRef, type Target } from '../../../kube/index.ts';
import { previews } from '../../../generators/argocd/delivery.ts';
import { kustomizationOf } from './origins.ts';
import type { RenderResult } from './render.ts';

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
  // The pull-request preview overlay: deployed next to dev (it builds on overlays/dev), namespace set by Argo CD.
  if (existsSync(join(root, 'overlays/preview/kustomization.yaml')))
    targets.push({ name: 'preview', kind: 'preview', path: 'overlays/preview', cluster: environments[previews.env].cluster, namespace: previews.renderNamespace });
  if (existsSync(join(root, 'argocd', 'kustomization.yaml'))) targets.push({ name: 'argocd', kind: 'argocd', path: 'argocd', namespace: 'argocd' });
  return only?.length ? targets.filter((t) => only.includes(t.name) || only.includes(t.env ?? '')) : targets;
}

/**
 * The targets policies may judge exemptions by (policies/index.ts RunOptions.checkedTargets): those of `expected` that
 * rendered with no finding. A target left out (validate --env), refused by kustomize or not rendered for its sources'
 * errors has no objects, so an exemption for it matching nothing says nothing. undefined when every expected target
 * rendered: every exemption is judged.
 */
export function checkedTargets(expected: readonly Target[], results: readonly RenderResult[]): ReadonlySet<string> | undefined {
  const clean = new Set(results.filter((r) => !r.findings.length).map((r) => r.target.name));
  return expected.every((t) => clean.has(t.name)) ? undefined : clean;
}

/**
 * The parts a target renders as. overlays/<env>/kustomization.yaml only lists
 * data/ and services/, which Argo CD syncs as separate Applications: when a
 * kustomization is such a plain list of local kustomization directories (no
 * other field), kustomize's build of it is the parts' builds together, sorted.
 * Rendering (and caching) the parts one by one means an edit in services/
 * re-renders services/ alone. Anything else renders as a whole.
 */
export function partsOf(root: string, target: Target): Target[] | undefined {
  let k: Record<string, any> | null;
  try {
    const file = join(root, target.path, 'kustomization.yaml');
    k = existsSync(file) ? kustomizationOf(file) : null;
  } catch {
    return undefined;
  }
  if (!k || typeof k !== 'object' || Object.keys(k).some((f) => !['apiVersion', 'kind', 'resources'].includes(f))) return undefined;
  const entries: unknown = k.resources;
  if (!Array.isArray(entries) || entries.length < 2) return undefined;
  const parts: Target[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string' || isRemoteRef(entry)) return undefined;
    const path = relative(root, resolve(root, target.path, entry));
    if (path.startsWith('..') || !existsSync(join(root, path, 'kustomization.yaml')) || parts.some((p) => p.path === path)) return undefined;
    parts.push({ ...target, path });
  }
  return parts;
}

