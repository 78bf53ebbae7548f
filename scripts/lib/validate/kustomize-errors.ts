// kustomize's own errors in words: the nested "accumulating resources … accumulation err="
// chain becomes one finding at the file and line the person wrote, with the fix. The
// rewritten findings of two targets that share the broken directory are identical, so
// they group into one (findings.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../../kube/index.ts';
import { kustomizationFileNames } from '../../../kube/index.ts';
import { closest } from './schema.ts';

/**
 * The fields of a Kustomization, from kustomize's api/types/kustomization.go (struct
 * Kustomization, its json tags; Unmarshal decodes with DisallowUnknownFields, which is
 * where `json: unknown field "patchs"` comes from), plus TypeMeta's apiVersion and kind.
 */
export const kustomizationFields: readonly string[] = [
  'apiVersion', 'kind', 'metadata', 'openapi', 'namePrefix', 'nameSuffix', 'namespace', 'commonLabels', 'labels',
  'commonAnnotations', 'patchesStrategicMerge', 'patchesJson6902', 'patches', 'images', 'imageTags', 'replacements',
  'replicas', 'vars', 'sortOptions', 'resources', 'components', 'crds', 'bases', 'configMapGenerator', 'secretGenerator',
  'helmGlobals', 'helmCharts', 'helmChartInflationGenerator', 'generatorOptions', 'configurations', 'generators',
  'transformers', 'validators', 'inventory', 'buildMetadata',
];

const isKustomizeBuildFailure = (f: Finding) => f.rule === 'kustomize' && f.message.startsWith('kustomize build ');

/** The innermost kustomization directory kustomize names in its chain of errors. */
function innermostDir(message: string): string | undefined {
  const dirs = [...message.matchAll(/(?:couldn't make target for path|recursed accumulation of path) '([^']+)'/g)].map((m) => m[1]!);
  return dirs.at(-1);
}

function kustomizationFile(root: string, dir: string): string | undefined {
  const name = kustomizationFileNames.find((n) => existsSync(join(root, dir, n)));
  return name && join(dir, name);
}

/** 1-based line of the first line matching `re` in a repository file. */
function lineOf(root: string, file: string, re: RegExp): number | undefined {
  const i = readFileSync(join(root, file), 'utf8').split('\n').findIndex((l) => re.test(l));
  return i < 0 ? undefined : i + 1;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function explainKustomize(f: Finding, root: string): Finding {
  if (!isKustomizeBuildFailure(f)) return f;
  const m = f.message;
  const base = { rule: 'kustomize', severity: f.severity, ...(f.target ? { target: f.target } : {}) };

  // A directory that is not there (kustomize: evalsymlink failure / lstat … no such file or directory).
  const missing = /evalsymlink failure on '([^']+)'/.exec(m)?.[1] ?? /lstat ([^:]+): no such file or directory/.exec(m)?.[1];
  if (missing && !existsSync(join(root, missing)))
    return {
      ...base,
      file: missing,
      message: `${missing} does not exist: there is no kustomization to render`,
      hint: `restore ${missing} (git checkout -- ${missing}), or, if the environment moved, change its overlay path in generators/environments.ts and run npm run generate`,
    };

  const dir = innermostDir(m);
  const file = dir && kustomizationFile(root, dir);

  // A field kustomize does not know: `json: unknown field "patchs"`.
  const unknown = /json: unknown field "([^"]+)"/.exec(m)?.[1];
  if (unknown && file) {
    const guess = closest(unknown, kustomizationFields);
    return {
      ...base,
      file,
      ...lineAt(root, file, new RegExp(`^\\s*${escape(unknown)}\\s*:`)),
      message: `unknown kustomization field "${unknown}": kustomize refuses the whole file`,
      hint: guess ? `did you mean "${guess}"?` : `use one of the Kustomization fields (${kustomizationFields.join(', ')})`,
    };
  }

  // A patch whose object is not in the overlay (`no matches for Id …`) was placed on its entry already, where the
  // entries are parsed (kustomize/no-ops.ts locateKustomizeError); what it could not place gets kustomize's own words.

  // Anything else: kustomize's own last words, without the accumulation chain, at the innermost kustomization.
  const last = m.split(/': |: (?=[a-z])/).at(-1)?.trim() ?? m;
  return {
    ...base,
    file: file ?? f.file,
    message: `kustomize cannot build ${dir ?? f.file}: ${last}`,
    hint: `fix ${file ?? f.file} (kustomize says: ${last})`,
  };
}

const lineAt = (root: string, file: string, re: RegExp): { line?: number } => {
  const line = lineOf(root, file, re);
  return line ? { line } : {};
};
