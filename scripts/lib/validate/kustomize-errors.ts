// kustomize's own errors in words: the nested "accumulating resources … accumulation err="
// chain becomes one finding at the file and line the person wrote, with the fix. The
// rewritten findings of two targets that share the broken directory are identical, so
// they group into one (findings.ts).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize, relative } from 'node:path';
import type { Node as YamlNode } from 'yaml';
import type { Finding } from '../../../kube/index.ts';
import { closest, kustomizationFileNames } from '../../../kube/index.ts';
import { Y } from '../../../kube/yaml-lazy.ts';
import { parseYamlFile, yamlFindingsOfParsed } from './sources.ts';

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

/** The fields of a patch's target, kustomize's api/types/selector.go (Selector: ResId's group, version, kind, name, namespace, and the two selectors). */
const selectorFields: readonly string[] = ['group', 'version', 'kind', 'name', 'namespace', 'labelSelector', 'annotationSelector'];

/** A resource id as kustomize prints it, `ServiceAccount.v1.[noGrp]/web.[noNs]`: captures the kind and the name. */
const resId = String.raw`(\w+)\.[^/\s]*\/([^\s]+?)\.(?:\[noNs\]|[^.\s]+)(?:\s|$)`;

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

  // A generator's envs or files entry whose file is not there. kustomize's api/kv/kv.go (loader.Load) wraps the
  // loader's failure as "env source files: [a.env]" or "file sources: [k=a.json]"; the loader (api/loader/fileloader.go)
  // fails with an evalsymlink failure on the path it resolved against the kustomization's directory. Checked before
  // the missing directory below, whose message it would otherwise get.
  const kv = /loading KV pairs: (env source files|file sources): \[[^\]]*\]: evalsymlink failure on '([^']+)'/.exec(m);
  const kvDir = kv && innermostDir(m);
  const kvFile = kvDir && kustomizationFile(root, kvDir);
  const kvSource = kv && kvDir && kvFile ? generatorSource(root, kvDir, kvFile, kv[1] === 'file sources' ? ['files'] : ['envs', 'env'], relativeTo(root, kv[2]!)) : undefined;
  if (kvSource && kvDir && kvFile) {
    const near = closest(kvSource.path, readdirSync(join(root, kvDir)).filter((n) => !kustomizationFileNames.includes(n)));
    return {
      ...base,
      file: kvFile,
      line: kvSource.line,
      column: kvSource.column,
      message: `${kvSource.generator} ${kvSource.name} ${kvSource.field}: ${kvSource.path} does not exist (next to this kustomization), so kustomize cannot generate ${kvSource.name}`,
      hint: `${near ? `did you mean ${near}? ` : ''}create ${join(kvDir, kvSource.path)}, or fix the entry (its path is relative to ${kvDir})`,
    };
  }

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
    // Go's json decoder names the field, not where it is: a top-level field or an entry's, in a flow map
    // (`target: { kinds: Deployment }`) too. The first key of that name, with the key of the map holding it.
    const key = keyNamed(root, file, unknown);
    const fields = key?.under === 'target' ? selectorFields : kustomizationFields;
    const guess = closest(unknown, fields);
    return {
      ...base,
      file,
      ...(key ? { line: key.line, column: key.column } : {}),
      message: `unknown kustomization field "${unknown}"${key?.under ? ` (in ${key.under}:)` : ''}: kustomize refuses the whole file`,
      hint: guess ? `did you mean "${guess}"?` : `use one of the ${key?.under === 'target' ? 'target' : 'Kustomization'} fields (${fields.join(', ')})`,
    };
  }

  // A Component listed under resources:, or a Kustomization under components: (api/internal/target/kusttarget.go,
  // accumulateDirectory: "expected kind != 'Component' for path …" / "expected kind 'Component' for path … but got …").
  const kindMismatch = /expected kind (!= )?'Component' for path '([^']+)'(?: but got '(\w+)')?/.exec(m);
  if (kindMismatch && file && dir) {
    const isComponent = !!kindMismatch[1];
    const path = relativeTo(root, kindMismatch[2]!);
    const entry = listEntryResolving(root, dir, file, isComponent ? ['resources', 'bases'] : ['components'], path);
    return {
      ...base,
      file,
      ...(entry ? { line: entry.line, column: entry.column } : {}),
      message: isComponent
        ? `${path} is a Component: list it under components: (kustomize takes a kind: Component only from components:)`
        : `${path} is a ${kindMismatch[3] ?? 'Kustomization'}, not a Component: list it under resources:`,
      hint: `move ${entry?.value ?? path} to ${isComponent ? 'components: (add the components: line if the file has none)' : 'resources:'}`,
    };
  }

  // A value of the wrong kind (Go's encoding/json UnmarshalTypeError: `json: cannot unmarshal object into Go struct
  // field ConfigMapArgs.configMapGenerator.literals of type string`, the field named by its path from the root).
  const wrong = /json: cannot unmarshal (\w+) into Go struct field \w+\.([\w.]+) of type (\S+)/.exec(m);
  if (wrong && file) {
    const [, got, field, type] = wrong as unknown as [string, string, string, string];
    const at = wrongKind(root, file, field.split('.'), got);
    const pair = at && Y.isMap(at.node) && at.node.items.length === 1 ? at.node.items[0]! : undefined;
    const keyValue = pair && Y.isScalar(pair.key) && Y.isScalar(pair.value) ? `${String(pair.key.value)}=${String(pair.value.value)}` : undefined;
    const last = field.split('.').at(-1)!;
    return {
      ...base,
      file,
      ...(at ? { line: at.line, column: at.column } : {}),
      message: `${at?.item ? 'an entry of ' : ''}${field} must be ${kindInWords(type)}, not ${got === 'array' ? 'a list' : got === 'object' ? 'a map' : `a ${got}`}: kustomize refuses the whole file`,
      hint:
        keyValue && type === 'string' && ['literals', 'files', 'envs'].includes(last)
          ? `write the entry as one string, "${keyValue}" (kustomize's KEY=VALUE), not as KEY: VALUE`
          : `write ${last} as ${kindInWords(type)}`,
    };
  }

  // One object twice (api/resmap reswrangler Append: `may not add resource with an already registered id:
  // ServiceAccount.v1.[noGrp]/web.[noNs]`): most often one resources entry listed twice, maybe spelt differently.
  const twice = new RegExp(`may not add resource with an already registered id: ${resId}`).exec(m);
  if (twice && file && dir) {
    const [, kind, name] = twice as unknown as [string, string, string];
    const repeat = repeatedResource(root, dir, file);
    return {
      ...base,
      file,
      ...(repeat ? { line: repeat.line, column: repeat.column } : {}),
      message: repeat
        ? `resources lists ${repeat.entry} again (line ${repeat.first} already has it): kustomize refuses the second copy of ${kind} ${name}`
        : `two entries of ${file} produce ${kind} ${name}: kustomize refuses the second copy`,
      hint: repeat ? 'remove this entry' : `keep one source of ${kind} ${name}: remove the entry that repeats it, or rename one of the two`,
    };
  }

  // A replacement whose source lacks the field (api/filters/replacement: "fieldPath `data.X` is missing for
  // replacement source ConfigMap.[noVer].[noGrp]/name.[noNs]").
  const source = new RegExp(`fieldPath \`([^\`]+)\` is missing for replacement source ${resId}`).exec(m);
  if (source && file) {
    const [, fieldPath, kind, name] = source as unknown as [string, string, string, string];
    return {
      ...base,
      file,
      ...lineAt(root, file, new RegExp(`fieldPath:\\s*["']?${escape(fieldPath)}["']?\\s*[,}]?\\s*$`)),
      message: `replacements: the source ${kind} ${name} has no ${fieldPath}: kustomize refuses the build`,
      hint: `point fieldPath at a field ${kind} ${name} has (kustomize build of its kustomization shows it), or add ${fieldPath} to it`,
    };
  }

  // A generator making an object a base already has, without behavior merge or replace (api/resmap reswrangler:
  // `id resid.ResId{… Kind:"ConfigMap" … Name:"marquee-config" …} exists; behavior must be merge or replace`).
  const exists = /Kind:"(ConfigMap|Secret)".*?Name:"([^"]+)".*exists; behavior must be merge or replace/.exec(m);
  if (exists && file) {
    const [, kind, name] = exists as unknown as [string, string, string];
    const field = kind === 'ConfigMap' ? 'configMapGenerator' : 'secretGenerator';
    const entry = generatorNamed(root, file, field, name);
    const written = entry?.behavior;
    return {
      ...base,
      file,
      ...(entry ? { line: entry.line, column: entry.column } : {}),
      message: `${field} ${name} makes a ${kind} a base already has${written === undefined ? '' : ` (behavior: ${written})`}: kustomize refuses the build`,
      hint: `${written && closest(written, ['merge', 'replace']) ? `did you mean behavior: ${closest(written, ['merge', 'replace'])}? ` : ''}write behavior: merge to add to the base's keys, or replace to take its place`,
    };
  }

  // A patch kustomize could read as neither a strategic-merge patch nor a JSON 6902 one
  // (api/internal/builtins/PatchTransformer.go, plugin.Config: a path: entry's file is loaded into p.Patch, a patch:
  // entry's text is p.Patch as written; then both parsers fail: "unable to parse SM or JSON patch from [<p.Patch>]").
  const unparsable = /unable to parse SM or JSON patch from \[([\s\S]*)\]\s*$/.exec(m);
  if (unparsable && file && dir) {
    const text = unparsable[1]!.trim();
    const items = patchItems(root, file);
    // patch: holding a file's name: kustomize parsed the name itself as the patch.
    const named = items.find((e) => e.patch?.trim() === text && !/\s/.test(text) && existsSync(join(root, dir, text)));
    if (named)
      return {
        ...base,
        file,
        line: named.patchLine ?? named.line,
        ...(named.patchColumn ? { column: named.patchColumn } : {}),
        message: `patch: ${text} is read as the patch itself, not as a file name, and is no patch: kustomize refuses the build`,
        hint: `patch: takes the patch's text inline; for a file write path: ${text}`,
      };
    // path: a file that is not YAML kustomize can read (an alias with no anchor, say): the file's line.
    for (const e of items) {
      const patchFile = e.path === undefined ? undefined : normalize(join(dir, e.path));
      if (!patchFile || !existsSync(join(root, patchFile))) continue;
      const content = readFileSync(join(root, patchFile), 'utf8');
      const bad = content.trim() === text ? yamlProblem(root, patchFile, content) : undefined;
      if (bad)
        return {
          ...base,
          file: patchFile,
          line: bad.line,
          column: bad.column,
          message: `${bad.message}: kustomize cannot parse ${patchFile} (the patch at ${file}:${e.line}) and refuses the build`,
          hint: bad.hint,
        };
    }
  }

  // A JSON 6902 patch without target (PatchTransformer.go, transformJson6902: "must specify a target for patch
  // <p.Patch>"): a strategic-merge patch names its object itself, a list of ops does not.
  const untargeted = /must specify a target for patch ([\s\S]*)$/.exec(m);
  if (untargeted && file && dir) {
    const text = untargeted[1]!.trim();
    const items = patchItems(root, file).filter((e) => !e.target);
    const content = (e: PatchItem): string | undefined =>
      e.patch ?? (e.path !== undefined && existsSync(join(root, dir, e.path)) ? readFileSync(join(root, dir, e.path), 'utf8') : undefined);
    const entry = items.find((e) => content(e)?.trim() === text) ?? (items.length === 1 ? items[0] : undefined);
    return {
      ...base,
      file,
      ...(entry ? { line: entry.line, column: entry.column } : {}),
      message: `${entry?.path ?? 'an inline patch'} is a list of JSON 6902 ops with no target: a JSON 6902 patch needs target: (kind, name or labelSelector) to know which objects to change`,
      hint: `add target: under the entry, e.g. target: { kind: Deployment } for every Deployment, with name: or labelSelector: for some (${selectorFields.join(', ')})`,
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

/** A Go type as kustomize's error names it, in words: `[]string` → a list of strings. */
function kindInWords(type: string): string {
  if (type.startsWith('[]')) return `a list of ${kindInWords(type.slice(2)).replace(/^an? /, '')}s`;
  if (type.startsWith('map[')) return 'a map';
  if (type === 'bool') return 'true or false';
  if (/^u?int\d*$|^float\d*$/.test(type)) return 'a number';
  if (type === 'string') return 'a string';
  return `a ${type.replace(/^\*?(\w+\.)?/, '')}`;
}

/** A repository YAML file parsed with positions, and where a node of it starts (1-based line, column). */
function parsedAt(root: string, file: string): { doc: ReturnType<typeof Y.parseDocument>; at: (node: unknown) => { line: number; column: number } | undefined } {
  const lines = new Y.LineCounter();
  const doc = Y.parseDocument(readFileSync(join(root, file), 'utf8'), { lineCounter: lines });
  const at = (node: unknown) => {
    const offset = (node as YamlNode | undefined)?.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  return { doc, at };
}

/** The node of JSON kind `got` (object, array, string, number, bool) at `path` in a YAML file, lists crossed, first one. */
function wrongKind(root: string, file: string, path: readonly string[], got: string): { node: YamlNode; item: boolean; line: number; column: number } | undefined {
  const { doc, at } = parsedAt(root, file);
  const kindOf = (n: unknown): string | undefined =>
    Y.isMap(n) ? 'object' : Y.isSeq(n) ? 'array' : Y.isScalar(n) ? (n.value === null ? 'null' : typeof n.value === 'boolean' ? 'bool' : typeof n.value === 'number' ? 'number' : 'string') : undefined;
  let nodes: unknown[] = [doc.contents];
  for (const key of path) nodes = nodes.flatMap((n) => (Y.isSeq(n) ? n.items : [n])).flatMap((n) => (Y.isMap(n) && n.has(key) ? [n.get(key, true)] : []));
  const found = nodes.flatMap((n) => (kindOf(n) === got ? [{ n, item: false }] : Y.isSeq(n) ? n.items.filter((i) => kindOf(i) === got).map((i) => ({ n: i, item: true })) : []))[0];
  const place = found && at(found.n);
  return found && place ? { node: found.n as YamlNode, item: found.item, ...place } : undefined;
}

/** The first entry of the kustomization's resources that names the same path as an earlier one (`base/web` and `base/web/`). */
function repeatedResource(root: string, dir: string, file: string): { entry: string; line: number; column: number; first: number } | undefined {
  const { doc, at } = parsedAt(root, file);
  const resources = Y.isMap(doc.contents) ? doc.contents.get('resources', true) : undefined;
  if (!Y.isSeq(resources)) return undefined;
  const seen = new Map<string, number>();
  for (const item of resources.items) {
    const place = at(item);
    if (!Y.isScalar(item) || typeof item.value !== 'string' || !place) continue;
    const path = normalize(join(dir, item.value)).replace(/\/$/, '');
    const first = seen.get(path);
    if (first !== undefined) return { entry: item.value, ...place, first };
    seen.set(path, place.line);
  }
  return undefined;
}

/** The generator entry named `name` in a kustomization: the line of its behavior (else of its name), and that behavior. */
function generatorNamed(root: string, file: string, field: string, name: string): { line: number; column: number; behavior?: string } | undefined {
  const { doc, at } = parsedAt(root, file);
  const list = Y.isMap(doc.contents) ? doc.contents.get(field, true) : undefined;
  if (!Y.isSeq(list)) return undefined;
  const entry = list.items.find((g) => Y.isMap(g) && g.get('name') === name);
  if (!Y.isMap(entry)) return undefined;
  const behavior = entry.get('behavior', true);
  const place = at(behavior ?? entry.get('name', true));
  return place && { ...place, ...(Y.isScalar(behavior) && typeof behavior.value === 'string' ? { behavior: behavior.value } : {}) };
}

interface PatchItem {
  readonly line: number;
  readonly column: number;
  readonly path?: string;
  readonly patch?: string;
  readonly patchLine?: number;
  readonly patchColumn?: number;
  readonly target: boolean;
}

/** The map entries of patches: and patchesJson6902: (path:, patch:, target:), each at its first line. */
function patchItems(root: string, file: string): PatchItem[] {
  const { doc, at } = parsedAt(root, file);
  if (!Y.isMap(doc.contents)) return [];
  const out: PatchItem[] = [];
  for (const field of ['patches', 'patchesJson6902']) {
    const list = doc.contents.get(field, true);
    if (!Y.isSeq(list)) continue;
    for (const item of list.items) {
      const place = at(item);
      if (!Y.isMap(item) || !place) continue;
      const path = item.get('path');
      const patch = item.get('patch', true);
      const patchAt = Y.isScalar(patch) ? at(item.items.find((p) => Y.isScalar(p.key) && p.key.value === 'patch')?.key) : undefined;
      out.push({
        ...place,
        ...(typeof path === 'string' ? { path } : {}),
        ...(Y.isScalar(patch) && typeof patch.value === 'string' ? { patch: patch.value } : {}),
        ...(patchAt ? { patchLine: patchAt.line, patchColumn: patchAt.column } : {}),
        target: item.has('target'),
      });
    }
  }
  return out;
}

/** A path from kustomize's message relative to the repository (the render relativises most, not all). */
const relativeTo = (root: string, path: string): string => normalize(isAbsolute(path) ? relative(root, path) : path).replace(/\/$/, '');

/** The entry of one of `fields` (lists of paths) that resolves to the repository path `path`. */
function listEntryResolving(root: string, dir: string, file: string, fields: readonly string[], path: string): { value: string; line: number; column: number } | undefined {
  const { doc, at } = parsedAt(root, file);
  if (!Y.isMap(doc.contents)) return undefined;
  for (const field of fields) {
    const list = doc.contents.get(field, true);
    if (!Y.isSeq(list)) continue;
    for (const item of list.items) {
      if (!Y.isScalar(item) || typeof item.value !== 'string') continue;
      const place = at(item);
      if (place && normalize(join(dir, item.value)).replace(/\/$/, '') === path) return { value: item.value, ...place };
    }
  }
  return undefined;
}

/**
 * Why a patch file is not YAML kustomize reads, with its place. A syntax error (a tab in the indentation, a duplicate
 * key) is worded as the sources step words it (sources.ts yamlFindingsOfParsed: one wording for one mistake). kyaml
 * parses with go-yaml v3, which also refuses an alias whose anchor it has not met earlier in the same document
 * ("unknown anchor 'max' referenced"); the yaml package parses such an alias without an error and fails only when it
 * resolves it, so aliases are checked here.
 */
function yamlProblem(root: string, file: string, text: string): { line: number; column: number; message: string; hint: string } | undefined {
  const parsed = parseYamlFile(join(root, file), text);
  const syntax = yamlFindingsOfParsed(parsed, file, text).find((f) => f.severity === 'error');
  if (syntax) return { line: syntax.line ?? 1, column: syntax.column ?? 1, message: syntax.message, hint: syntax.hint ?? 'fix the YAML of the patch' };
  const where = (offset: number) => {
    const { line, col } = parsed.lines.linePos(offset);
    return { line, column: col };
  };
  for (const doc of parsed.docs) {
    const anchors = new Set<string>();
    let alias: { source: string; offset: number } | undefined;
    Y.visit(doc, {
      Node(_, node) {
        if (Y.isAlias(node)) {
          if (anchors.has(node.source)) return undefined;
          alias = { source: node.source, offset: node.range?.[0] ?? 0 };
          return Y.visit.BREAK;
        }
        if (node.anchor) anchors.add(node.anchor);
        return undefined;
      },
    });
    if (alias)
      return {
        ...where(alias.offset),
        message: `alias *${alias.source} has no anchor (&${alias.source}) in this file`,
        hint: `write the value itself, or put &${alias.source} on the value it repeats, earlier in the same document (an anchor reaches only its own file and document)`,
      };
  }
  return undefined;
}

/** The generator (configMapGenerator, secretGenerator) entry of `fields` (envs, env, files) whose file is `missing`. */
function generatorSource(root: string, dir: string, file: string, fields: readonly string[], missing: string): { generator: string; name: string; field: string; path: string; line: number; column: number } | undefined {
  const { doc, at } = parsedAt(root, file);
  if (!Y.isMap(doc.contents)) return undefined;
  for (const generator of ['configMapGenerator', 'secretGenerator']) {
    const list = doc.contents.get(generator, true);
    if (!Y.isSeq(list)) continue;
    for (const g of list.items) {
      if (!Y.isMap(g)) continue;
      for (const field of fields) {
        const v = g.get(field, true);
        for (const item of Y.isSeq(v) ? v.items : v ? [v] : []) {
          if (!Y.isScalar(item) || typeof item.value !== 'string') continue;
          // files: entries may be key=path (api/kv/kv.go, ParseFileSource)
          const path = field === 'files' && item.value.includes('=') ? item.value.slice(item.value.indexOf('=') + 1) : item.value;
          const place = at(item);
          if (place && normalize(join(dir, path)) === missing) return { generator, name: String(g.get('name') ?? ''), field, path, ...place };
        }
      }
    }
  }
  return undefined;
}

/** The first map key named `name` anywhere in a YAML file, with the key of the map holding it (`target` for a patch's target). */
function keyNamed(root: string, file: string, name: string): { line: number; column: number; under?: string } | undefined {
  const { doc, at } = parsedAt(root, file);
  let found: { line: number; column: number; under?: string } | undefined;
  Y.visit(doc, {
    Pair(_, pair, path) {
      const place = Y.isScalar(pair.key) && pair.key.value === name ? at(pair.key) : undefined;
      if (!place) return undefined;
      const outer = [...path].reverse().find((p) => Y.isPair(p));
      const under = Y.isPair(outer) && Y.isScalar(outer.key) ? String(outer.key.value) : undefined;
      found = { ...place, ...(under ? { under } : {}) };
      return Y.visit.BREAK;
    },
  });
  return found;
}
