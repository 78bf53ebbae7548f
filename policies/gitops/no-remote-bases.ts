// A remote base is code from outside the repository that changes without a commit here.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import type { Node as YamlNode } from 'yaml';
import { isRemoteRef, kustomizationFileNames } from '../../kube/index.ts';
import { repoPolicy } from '../lib/define.ts';
import type { RepoViolation } from '../types.ts';

const kustomizationNames = new Set(kustomizationFileNames);
const skipDirs = new Set(['node_modules', '.git', '.cache', 'dist', 'coverage']);

export { isRemoteRef } from '../../kube/index.ts';

/** Every kustomization file below `root` (repository-relative), skipping dependencies and caches. */
export function kustomizationFiles(root: string, dir = ''): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.isDirectory()) {
      if (!skipDirs.has(e.name)) out.push(...kustomizationFiles(root, join(dir, e.name)));
    } else if (kustomizationNames.has(e.name)) out.push(join(dir, e.name));
  }
  return out;
}

/** Findings for one kustomization file's text. Exported for tests. */
export function remoteRefsIn(file: string, text: string): RepoViolation[] {
  // yaml is loaded only when a kustomization's text is new to the caller's memo
  const Y = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  const lines = new Y.LineCounter();
  const doc = Y.parseDocument(text, { lineCounter: lines });
  const out: RepoViolation[] = [];
  if (!Y.isMap(doc.contents)) return out;
  const at = (node: YamlNode | null | undefined) => {
    const off = node?.range?.[0];
    return off === undefined ? {} : { line: lines.linePos(off).line, column: lines.linePos(off).col };
  };
  for (const field of ['resources', 'components', 'bases'] as const) {
    const seq = doc.contents.get(field, true);
    if (!Y.isSeq(seq)) continue;
    seq.items.forEach((item, i) => {
      if (Y.isScalar(item) && typeof item.value === 'string' && isRemoteRef(item.value))
        out.push({ file, ...at(item), path: `${field}[${i}]`, message: `${field} entry ${item.value} is a remote base` });
    });
  }
  const charts = doc.contents.get('helmCharts', true);
  if (Y.isSeq(charts))
    charts.items.forEach((chart, i) => {
      if (!Y.isMap(chart)) return;
      const repo = chart.get('repo', true);
      if (Y.isScalar(repo) && typeof repo.value === 'string' && repo.value)
        out.push({ file, ...at(repo), path: `helmCharts[${i}].repo`, message: `helm chart ${String(chart.get('name'))} is pulled from ${repo.value} at build time` });
    });
  return out;
}

export default repoPolicy(
  {
    id: 'gitops/no-remote-bases',
    title: 'Kustomizations use no remote bases, components or charts',
    rationale:
      'A remote base (a URL, a git ref, a chart repository) is fetched at render time: what Argo CD applies can change with no commit here, the render needs the network, and review never sees the diff. Vendor it into the repository instead.',
    hint: 'vendor the upstream manifests under base/ (or generate them) and reference the local path',
    references: ['kustomize remote targets', 'Argo CD / Flux: render from the repository only'],
  },
  function* (root, memo) {
    for (const file of kustomizationFiles(root)) {
      const rel = relative(root, join(root, file));
      const text = readFileSync(join(root, file), 'utf8');
      yield* memo(rel, text, () => remoteRefsIn(rel, text));
    }
  },
);
