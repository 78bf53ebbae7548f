// Offline ApplicationSet preview timings on this repository:
//   npx tsx bench/appset-preview.ts [runs=3]
// validate mode (working tree, no kustomize) and full mode (working tree, kustomize build per Application).
import { fileURLToPath } from 'node:url';
import { previewApplicationSets } from '../scripts/lib/argocd/preview.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.argv[2] ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

for (const [label, kustomize] of [['validate mode (kustomize: false)', false], ['full (kustomize build per Application)', true]] as const) {
  const times: number[] = [];
  let apps = 0;
  let findings = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = await previewApplicationSets({ root, branch: 'HEAD', worktree: true, kustomize });
    times.push(performance.now() - t);
    apps = r.applications.length;
    findings = r.findings.length;
  }
  console.log(`${label}: ${apps} Applications, ${findings} findings, median ${(median(times) / 1000).toFixed(2)} s wall over ${runs} runs (min ${(Math.min(...times) / 1000).toFixed(2)} s)`);
}
