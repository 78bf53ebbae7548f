// YAML that is not a Kubernetes manifest, recognised so files mode skips it with a note
// instead of reporting it broken: Helm chart files and templates, GitHub workflows,
// kustomizations, kustomize patches and transformer configurations.
import { existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { FileReader, textOf } from '../../../kube/file-reader.ts';
import { kustomizationFileNames } from '../../../kube/index.ts';
import { MAX_DEPTH } from '../plumbing/yaml-limits.ts';
import { loadManifestBytes, loadManifests, noWords } from '../../../kube/yaml-schema.ts';

/** Fields of kustomize's transformer configuration files (`configurations:`; api/konfig/builtinpluginconsts). */
const transformerConfigKeys = new Set(['namePrefix', 'nameSuffix', 'nameReference', 'commonLabels', 'commonAnnotations', 'labels', 'templateLabels', 'varReference', 'namespace', 'images', 'replicas']);

/** Kustomization entries whose files are inputs to kustomize, not manifests (api/types/kustomization.go). */
const helperEntries = ['patches', 'patchesStrategicMerge', 'patchesJson6902', 'transformers', 'generators', 'validators', 'configurations', 'replacements'] as const;

/**
 * Why a file is skipped, judged from its path alone (before it is read): a kustomization,
 * a file a kustomization in `root` uses as a patch or transformer configuration, a Helm chart's
 * own files and templates, a GitHub workflow. `files` are all the paths given, relative to `root`.
 */
export function pathReasons(root: string, files: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const given = new Set(files);
  const reader = new FileReader();
  for (const f of files) {
    if (kustomizationNames.has(baseOf(f))) {
      out.set(f, 'a kustomization: run npm run validate (without paths) or kustomize build on its directory');
      for (const [used, entry] of usedBy(root, f, reader)) if (given.has(used) && !out.has(used)) out.set(used, `used by ${f} (${entry}): checked when that kustomization is built, not a manifest of its own`);
    }
  }
  for (const f of files) {
    if (out.has(f)) continue;
    const chart = chartOf(root, f);
    if (chart !== undefined) out.set(f, `part of the Helm chart in ${chart || '.'}: render it first (helm template) and validate the output`);
    else if (/(^|\/)\.github\/workflows\/[^/]+$/.test(f)) out.set(f, 'a GitHub Actions workflow');
  }
  return out;
}

// A path's last segment and the folder before it ('' for none), as path.basename and path.dirname give them for the
// paths listed here (relative, no trailing slash), without their cost: pathReasons runs once on every path of a large
// input before any file is checked, in code not yet compiled.
const baseOf = (f: string): string => f.slice(f.lastIndexOf('/') + 1);
const dirOf = (f: string): string => f.slice(0, Math.max(0, f.lastIndexOf('/')));
const kustomizationNames: ReadonlySet<string> = new Set(kustomizationFileNames);

/** The chart directory a file belongs to (Chart.yaml itself, values*.yaml beside it, anything under templates/), if any. */
function chartOf(root: string, file: string): string | undefined {
  const base = baseOf(file);
  const dir = dirOf(file);
  if (/^Chart\.(ya?ml|lock)$/.test(base) || (/^values.*\.ya?ml$/i.test(base) && existsSync(join(root, dir, 'Chart.yaml')))) return dir;
  if (!`/${dir}/`.includes('/templates/')) return undefined;
  const parts = dir.split('/');
  for (let i = parts.lastIndexOf('templates'); i >= 0; i = parts.lastIndexOf('templates', i - 1)) {
    const chart = parts.slice(0, i).join('/');
    if (existsSync(join(root, chart, 'Chart.yaml'))) return chart;
    if (i === 0) break;
  }
  return undefined;
}

/**
 * Files a kustomization names as patches, transformers, generators or configurations, with the entry. Read as files
 * mode reads a file (the C++ reader, else the JavaScript readers): a large input holds a kustomization in every copy of
 * a tree, and this runs before any file is checked.
 */
function usedBy(root: string, kfile: string, reader: FileReader): [string, string][] {
  let k: any;
  try {
    const bytes = reader.bytes(join(root, kfile));
    k = (loadManifestBytes(bytes, MAX_DEPTH, noWords)?.values ?? loadManifests(textOf(bytes), MAX_DEPTH))[0];
  } catch {
    return []; // a broken kustomization is reported when its directory is built
  }
  if (!k || typeof k !== 'object') return [];
  const dir = dirname(kfile);
  const out: [string, string][] = [];
  for (const entry of helperEntries) {
    const list = k[entry];
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      const path = typeof item === 'string' ? item : typeof item?.path === 'string' ? item.path : undefined;
      // an inline patch (a YAML string holding a newline) is not a file
      if (path && !path.includes('\n')) out.push([normalize(join(dir, path)), entry]);
    }
  }
  // a generator's input files become ConfigMap or Secret data (`files:` entries may be `key=path`; `envs:` are
  // env files): whatever they hold, they are data, not manifests
  for (const entry of ['configMapGenerator', 'secretGenerator'] as const) {
    const list = k[entry];
    if (!Array.isArray(list)) continue;
    for (const g of list)
      for (const field of ['files', 'envs', 'env'] as const)
        for (const item of [g?.[field]].flat())
          if (typeof item === 'string' && item) out.push([normalize(join(dir, item.slice(item.indexOf('=') + 1))), `${entry} ${field}`]);
  }
  return out;
}

/** Why a parsed file is not a Kubernetes manifest, judged from its content; undefined when it is one (or may be). */
export function nonManifestReason(values: readonly unknown[]): string | undefined {
  const docs = values.filter((v) => v !== null && v !== undefined);
  if (!docs.length) return undefined;
  if (docs.some((d) => Array.isArray(d) && d.length > 0 && d.every((op) => op && typeof op === 'object' && 'op' in op && 'path' in op)))
    return 'a JSON 6902 patch (kustomize patches:): checked when the overlay that uses it is built';
  const maps = docs.filter((d): d is Record<string, unknown> => typeof d === 'object' && !Array.isArray(d));
  if (maps.length !== docs.length) return undefined;
  const isKustomization = (d: Record<string, unknown>) => typeof d.apiVersion === 'string' && d.apiVersion.startsWith('kustomize.config.k8s.io/');
  if (maps.every(isKustomization)) return 'a kustomization or kustomize component: build its directory instead';
  if (maps.every((d) => d.apiVersion === 'builtin')) return 'a kustomize builtin plugin configuration (transformers:/generators:)';
  if (maps.some((d) => 'apiVersion' in d || 'kind' in d)) return undefined;
  // From here no document has apiVersion or kind.
  if (maps.every((d) => 'jobs' in d && ('on' in d || 'true' in d))) return 'a GitHub Actions workflow';
  if (maps.every((d) => Object.keys(d).length > 0 && Object.keys(d).every((k) => transformerConfigKeys.has(k) || k === 'fieldSpecs')))
    return 'a kustomize transformer configuration (configurations:)';
  return 'no document has apiVersion or kind: not a Kubernetes manifest';
}

/**
 * A file that does not parse because of its template actions: one at the start of a line, or one the parser
 * stumbled on (opened at or before the error's column, or opened on the line before and left open). An action
 * elsewhere (Argo Rollouts' `{{args.x}}` or Prometheus's `{{ $labels.x }}` in a quoted string) does not excuse a
 * syntax error of its own: that is reported, not skipped as a template.
 */
export function looksLikeTemplate(text: string, errorLine?: number, errorColumn?: number): boolean {
  if (/^[ \t]*\{\{/m.test(text)) return true;
  if (errorLine === undefined) return false;
  const lines = text.split('\n');
  const here = lines[errorLine] ?? '';
  const open = here.indexOf('{{');
  if (open >= 0 && (errorColumn === undefined || open <= errorColumn)) return true;
  const before = lines[errorLine - 1] ?? '';
  return before.lastIndexOf('{{') > before.lastIndexOf('}}');
}
