// The Node images' V8 heap settings (ENV NODE_OPTIONS in apps/node.Dockerfile) against the
// memory limits the rendered overlays give the containers that run them: the heap V8 may grow
// to, plus node itself, must fit every limit, or the kernel kills the pod before V8 collects.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { services, type ServiceName } from '@marquee/contract';
import { imageOf } from '../bench/lib/image-env.ts';
import { previews } from '../generators/argocd/delivery.ts';
import { environments } from '../generators/environments.ts';
import { quantity } from '../kube/index.ts';
import { kustomizeBuild } from '../scripts/lib/kustomize/index.ts';
import { repoRoot } from './helpers/repo-copy.ts';

/** node's own resident memory beside the heap: binary text (~44 MB), code space, malloc and buffers
 *  (docs/benchmarks.md, "services: RSS under load"). */
const nodeBaselineMiB = 60;

/** The V8 heap flags of the node image a container runs, or undefined for any other image. */
function heapOf(image: string): { dockerfile: string; semiSpaceMiB: number; oldSpaceMiB: number } | undefined {
  const name = (Object.keys(services) as ServiceName[]).find((n) => image.startsWith(`${services[n].image}:`) || image.startsWith(`${services[n].image}@`));
  const img = name && imageOf(name);
  if (!img || !img.runsNode) return undefined;
  const flag = (f: string) => Number(new RegExp(`--${f}=(\\d+)`).exec(img.env.NODE_OPTIONS!)?.[1] ?? NaN);
  return { dockerfile: img.dockerfile, semiSpaceMiB: flag('max-semi-space-size'), oldSpaceMiB: flag('max-old-space-size') };
}

test('every Node container in every environment and the PR preview has room for the heap its image lets V8 grow to', async () => {
  let checked = 0;
  const overlays = [...Object.values(environments).map((e) => ({ name: e.name, overlay: e.overlay })), { name: 'preview', overlay: previews.overlay }];
  for (const env of overlays) {
    const r = await kustomizeBuild(join(repoRoot, env.overlay));
    assert.ok(r.ok, `${env.overlay}: ${r.error}`);
    for (const doc of parseAllDocuments(r.yaml)) {
      const o = doc.toJS();
      const pod = o?.spec?.template?.spec ?? o?.spec?.jobTemplate?.spec?.template?.spec;
      for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
        const heap = heapOf(String(c.image));
        if (!heap) continue;
        const where = `${env.name}: ${o.kind}/${o.metadata.name} container ${c.name} (${heap.dockerfile})`;
        assert.ok(!(c.env ?? []).some((e: { name: string }) => e.name === 'NODE_OPTIONS'), `${where}: runs with the image's NODE_OPTIONS (the container does not override it)`);
        assert.ok(heap.semiSpaceMiB > 0 && heap.oldSpaceMiB > 0, `${where}: NODE_OPTIONS sets --max-semi-space-size and --max-old-space-size`);
        const limitMiB = quantity(c.resources?.limits?.memory) / 2 ** 20;
        assert.ok(limitMiB > 0, `${where}: has a memory limit`);
        const needMiB = nodeBaselineMiB + 2 * heap.semiSpaceMiB + heap.oldSpaceMiB;
        assert.ok(needMiB <= limitMiB, `${where}: node ${nodeBaselineMiB} + young ${2 * heap.semiSpaceMiB} + old ${heap.oldSpaceMiB} MiB = ${needMiB} MiB > limit ${limitMiB} MiB`);
        checked++;
      }
    }
  }
  // the gateway, inventory, billing API and worker in three environments and the preview (16), plus the migration steps
  assert.ok(checked >= 16, `checked ${checked} containers`);
});
