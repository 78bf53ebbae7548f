// A remote base is code from outside the repository that changes without a commit here.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Node as YamlNode } from 'yaml';
import { Y } from '../../scripts/lib/plumbing/yaml.ts';
import { contentHash, KeyedCache } from '../../scripts/lib/plumbing/cache.ts';
import type { RepoPolicy, RepoViolation } from '../types.ts';

/** remoteRefsIn is a pure function of the file's text: remembered between runs. */
const byContent = new KeyedCache<RepoViolation[]>('remote-refs.json', 'v1');

const kustomizationNames = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);
const skipDirs = new Set(['node_modules', '.git', '.cache', 'dist', 'coverage']);

/** Remote references as kustomize understands them: URLs, git/ssh specs, hosted-git shorthands, ?ref= pins. */
export function isRemoteRef(s: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ||
    /^(git@|git::|ssh:|file:)/.test(s) ||
    /^(github\.com|gitlab\.com|bitbucket\.org|dev\.azure\.com)[/:]/.test(s) ||
    /[?&](ref|version|submodules|timeout)=/.test(s) ||
    /\.git(\/\/|$)/.test(s)
  );
}

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

const policy: RepoPolicy = {
  id: 'gitops/no-remote-bases',
  title: 'Kustomizations use no remote bases, components or charts',
  severity: 'error',
  category: 'gitops',
  rationale:
    'A remote base (a URL, a git ref, a chart repository) is fetched at render time: what Argo CD applies can change with no commit here, the render needs the network, and review never sees the diff. Vendor it into the repository instead.',
  hint: 'vendor the upstream manifests under base/ (or generate them) and reference the local path',
  references: ['kustomize remote targets', 'Argo CD / Flux: render from the repository only'],
  *checkRepo(root) {
    for (const file of kustomizationFiles(root)) {
      const rel = relative(root, join(root, file));
      const text = readFileSync(join(root, file), 'utf8');
      yield* byContent.memo(`${rel}:${contentHash(text)}`, () => remoteRefsIn(rel, text));
    }
    byContent.save();
  },
};

export default policy;
