// Which file each rendered object came from, without kustomize's help.
//
// kustomize can annotate every object with its origin (buildMetadata:
// [originAnnotations]), but that costs kustomize CPU per environment (docs/benchmarks.md), a
// third of a render. The same answer is cheap to compute for the kustomizations
// people write: walk resources/components/bases, read the kind and name of each
// resource file, and note each configMapGenerator/secretGenerator. A rendered
// object then matches one source by group, kind and name (generated names lose
// their content-hash suffix). Anything this walk cannot account for exactly —
// namePrefix/nameSuffix, generator plugins, Helm charts, an object with no or
// several candidates — makes `originsFor` return undefined, and the caller
// renders again with kustomize's own annotations. test/scripts/kustomize/render.test.ts
// checks that both give the same origins for every object of every target.
import { kustomizationFileNames, withoutContentHash } from '../../../kube/index.ts';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, normalize, relative, resolve } from 'node:path';
import { contentHash, KeyedCache } from '../plumbing/cache.ts';
import { excessiveAliasing, MAX_DEPTH, mayAlias } from '../plumbing/yaml-limits.ts';
import { loadManifests } from '../../../kube/yaml-schema.ts';

/** Fields that create or rename objects in ways this walk does not model. */
const UNMODELLED = ['namePrefix', 'nameSuffix', 'generators', 'transformers', 'helmCharts', 'helmChartInflationGenerator'] as const;

/**
 * Parsed YAML by content hash, kept between runs: the first document of a
 * kustomization, or the group|kind|name keys of a resource file (null when it
 * holds a List). Most runs then parse nothing but the files that changed.
 */
const parsed = new KeyedCache<unknown>('origins.json', import.meta.url);
export const saveOriginCache = (): void => parsed.save();

function readParsed<T>(abs: string, kind: 'k' | 'r', parse: (docs: unknown[]) => T): T {
  const text = readFileSync(abs, 'utf8');
  return parsed.memo(`${kind}:${contentHash(text)}`, () => {
    const docs = loadManifests(text, MAX_DEPTH);
    // js-yaml shares an alias's value; the cache's JSON would expand an alias bomb (validate's
    // source pre-pass reports it at its line): refuse it as invalid YAML.
    if (mayAlias(text)) for (const d of docs) if (excessiveAliasing(d)) throw new Error(`${abs}: excessive aliasing`);
    return parse(docs);
  }) as T;
}

/** A kustomization file's first document (parsed once per content, kept between runs). Throws on invalid YAML. */
export const kustomizationOf = (abs: string): Record<string, any> | null => readParsed(abs, 'k', (docs) => docs[0] ?? null) as Record<string, any> | null;

const groupOf = (apiVersion: unknown): string => (typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const keyOf = (apiVersion: unknown, kind: unknown, name: unknown): string => `${groupOf(apiVersion)}|${String(kind)}|${String(name)}`;

export interface SourceIndex {
  /** group|kind|name → the repo-relative files that declare it. */
  readonly byKey: Map<string, string[]>;
  /** Some kustomization sets `namespace:`, which also renames Namespace objects. */
  readonly setsNamespace: boolean;
}

/** Source index of one target. Undefined when its kustomizations use something not modelled here. */
export function sourceIndex(root: string, targetPath: string): SourceIndex | undefined {
  const index = new Map<string, string[]>();
  let setsNamespace = false;
  const add = (key: string, file: string): void => {
    const files = index.get(key) ?? [];
    if (!files.includes(file)) files.push(file);
    index.set(key, files);
  };
  const seen = new Set<string>();
  const visit = (dir: string): boolean => {
    if (seen.has(dir)) return true;
    seen.add(dir);
    const name = kustomizationFileNames.find((f) => existsSync(join(root, dir, f)));
    if (!name) return false;
    const file = join(dir, name);
    const k = kustomizationOf(join(root, file));
    if (!k || typeof k !== 'object') return false;
    if (UNMODELLED.some((f) => k[f] !== undefined)) return false;
    if (k.namespace !== undefined) setsNamespace = true;
    for (const field of ['resources', 'components', 'bases']) {
      for (const entry of (Array.isArray(k[field]) ? k[field] : []) as unknown[]) {
        if (typeof entry !== 'string' || entry.includes('://') || entry.startsWith('git@')) return false;
        const path = normalize(relative(root, resolve(root, dir, entry)));
        const abs = join(root, path);
        if (!existsSync(abs)) return false;
        if (statSync(abs).isDirectory()) {
          if (!visit(path)) return false;
          continue;
        }
        const keys = readParsed(abs, 'r', (docs) => {
          const out: string[] = [];
          for (const doc of docs as Record<string, any>[]) {
            if (!doc || typeof doc !== 'object') continue;
            if (doc.kind === 'List' || Array.isArray(doc.items)) return null;
            out.push(keyOf(doc.apiVersion, doc.kind, doc.metadata?.name));
          }
          return out;
        });
        if (!keys) return false;
        for (const key of keys) add(key, path);
      }
    }
    // Generated objects: kustomize names the kustomization that configured them.
    // merge/replace only change an object a base already generated.
    for (const [field, kind] of [['configMapGenerator', 'ConfigMap'], ['secretGenerator', 'Secret']] as const) {
      for (const g of (Array.isArray(k[field]) ? k[field] : []) as Record<string, any>[]) {
        if (!g?.name) return false;
        if (g.behavior === 'merge' || g.behavior === 'replace') continue;
        add(keyOf('v1', kind, g.name), file);
      }
    }
    return true;
  };
  try {
    return visit(normalize(targetPath)) ? { byKey: index, setsNamespace } : undefined;
  } catch {
    return undefined; // unreadable YAML: kustomize renders (or reports) it with its own annotations
  }
}

/**
 * The origin of every object, in order, or undefined if any object has no
 * single source (render again with kustomize's origin annotations).
 */
export function originsFor(index: SourceIndex, objects: readonly Record<string, any>[]): string[] | undefined {
  const out: string[] = [];
  const namespaces = [...index.byKey].filter(([k]) => k.startsWith('|Namespace|')).flatMap(([, files]) => files);
  for (const o of objects) {
    const name = String(o.metadata?.name);
    let files = index.byKey.get(keyOf(o.apiVersion, o.kind, name));
    // configMapGenerator/secretGenerator names carry a content-hash suffix.
    if (!files && (o.kind === 'ConfigMap' || o.kind === 'Secret') && o.apiVersion === 'v1')
      files = index.byKey.get(keyOf(o.apiVersion, o.kind, withoutContentHash(name)));
    // `namespace: x` renames the Namespace object too: it is the one Namespace source.
    if (!files && o.kind === 'Namespace' && o.apiVersion === 'v1' && index.setsNamespace) files = namespaces;
    if (files?.length !== 1) return undefined;
    out.push(files[0]!);
  }
  return out;
}
