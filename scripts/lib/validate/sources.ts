// Checks on the YAML sources themselves, before kustomize sees them: syntax,
// duplicate keys (kustomize would silently keep one), and kustomization entries
// that point at missing files or remote URLs.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { Document, LineCounter, Node as YamlNode, Scalar } from 'yaml';
import { Y } from '../../../kube/yaml-lazy.ts';
import { contentHash, KeyedCache } from '../plumbing/cache.ts';
import { closest, kustomizationFileNames, type Finding, isRemoteRef } from '../../../kube/index.ts';
import { jsonSyntaxFinding } from './json-syntax.ts';
import { binaryFinding, excessiveAliasing, firstAlias, looksDeep, MAX_DEPTH, mayAlias } from '../plumbing/yaml-limits.ts';
import { loadManifests } from '../../../kube/yaml-schema.ts';

export interface ParsedYaml {
  readonly docs: Document.Parsed[];
  readonly lines: LineCounter;
  /** the text parsed (what offsets and lines refer to) */
  readonly text: string;
}

const parsedFiles = new Map<string, ParsedYaml>();

/**
 * Parse a YAML file once per validate run (the pre-pass, the kustomization walk
 * and the locator all read the same overlay files). `clearParsedYaml()` starts a run.
 */
export function parseYamlFile(abs: string, text?: string): ParsedYaml {
  const hit = text === undefined ? parsedFiles.get(abs) : undefined;
  if (hit) return hit;
  const lines = new Y.LineCounter();
  const source = text ?? readFileSync(abs, 'utf8');
  // merge: `<<: *base` is resolved as kustomize (kyaml) and kubectl resolve it, not kept as a `<<` key.
  const docs = Y.parseAllDocuments(source, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, merge: true });
  const parsed = { docs: Array.isArray(docs) ? docs : [], lines, text: source };
  if (text === undefined) parsedFiles.set(abs, parsed);
  return parsed;
}

export const clearParsedYaml = (): void => parsedFiles.clear();

/**
 * Per-file results that depend on nothing but the file's text, kept between
 * runs by content hash (scripts/lib/cache.ts): an unchanged file is not parsed.
 */
const byContent = new KeyedCache<unknown>('sources.json', import.meta.url);
export const saveSourcesCache = (): void => byContent.save();

/** A key a mapping holds twice (YAML or JSON), at the second one. */
export const duplicateKeyFinding = (file: string, line: number, column: number, key: string): Finding => ({
  rule: 'yaml/duplicate-key',
  severity: 'error',
  file,
  line,
  column,
  message: `duplicate key ${JSON.stringify(key)}: the mapping has it twice`,
  hint: `keep one ${key}: key; kustomize and kubectl would silently keep only one`,
});

/** Syntax errors and duplicate keys of one YAML (or JSON) file, with line and column. */
export function yamlFindings(root: string, file: string, text?: string): Finding[] {
  if (text !== undefined) return yamlFindingsOf(root, file, text);
  const content = readFileSync(join(root, file), 'utf8');
  return byContent.memo(`yaml:${file}:${contentHash(content)}`, () => yamlFindingsOf(root, file, content)) as Finding[];
}

function yamlFindingsOf(root: string, file: string, text: string): Finding[] {
  const binary = binaryFinding(file, text);
  if (binary) return [binary];
  // A .json file is JSON first (kubectl and Grafana read it as JSON, not as YAML's superset):
  // its syntax error with the line; a valid one is then checked as YAML is (duplicate keys).
  if (/\.json$/i.test(file)) {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    try {
      JSON.parse(body);
    } catch (err) {
      const f = jsonSyntaxFinding(file, body, err as Error);
      return [body === text || f.line !== 1 ? f : { ...f, column: f.column! + 1 }];
    }
  }
  const bounded = boundedFindings(file, text);
  if (bounded) return bounded;
  return yamlFindingsOfParsed(parseYamlFile(join(root, file), text), file, text);
}

/**
 * Is a source file one that kustomize must not be handed (binary bytes, an alias bomb, thousands
 * of nesting levels)? A cheap test first: most files have no NUL byte, alias or deep nesting.
 */
export function unreadableSource(root: string, file: string): boolean {
  const text = readFileSync(join(root, file), 'utf8');
  if (binaryFinding(file, text)) return true;
  return !!boundedFindings(file, text)?.length;
}

/**
 * An alias bomb or thousands of nesting levels, found before the `yaml` library parses the text
 * (and before kustomize, which takes minutes to refuse a bomb in a patch): js-yaml reads it with a
 * depth bound and shares aliased values, and go-yaml's alias rule judges them. Undefined when
 * neither is possible or found: the `yaml` library's findings follow.
 */
function boundedFindings(file: string, text: string): Finding[] | undefined {
  const deep = looksDeep(text);
  if (!deep && !mayAlias(text)) return undefined;
  let values: unknown[];
  try {
    values = loadManifests(text, MAX_DEPTH);
  } catch (err) {
    const mark = (err as { mark?: { line: number; column: number } }).mark;
    const at = mark ? { line: mark.line + 1, column: mark.column + 1 } : {};
    if (/maxDepth/.test((err as Error).message))
      return [{ rule: 'yaml/syntax', severity: 'error', file, ...at, message: `nesting deeper than ${MAX_DEPTH} levels`, hint: 'no Kubernetes object nests this deep; is the file generated wrongly?' }];
    // A syntax error: the `yaml` library words it, unless the text is too deep to hand it.
    if (!deep) return undefined;
    return [{ rule: 'yaml/syntax', severity: 'error', file, ...at, message: `invalid YAML: ${(err as { reason?: string }).reason ?? (err as Error).message.split('\n')[0]}`, hint: 'fix the YAML syntax (indentation, quoting, colons)' }];
  }
  for (let d = 0; d < values.length; d++) {
    const why = excessiveAliasing(values[d]);
    if (!why) continue;
    const at = firstAlias(parseYamlFile(file, text), d);
    return [{ rule: 'yaml/alias-limit', severity: 'error', file, ...(at ? { line: at.line, column: at.column } : {}), message: `document ${d + 1} ${why}`, hint: 'write the values out, or use fewer anchors: kustomize and kubectl (go-yaml) refuse it as well, kustomize only after minutes' }];
  }
  return undefined;
}

/**
 * Who reads the file on its way to the cluster: kustomize (repository mode: kyaml, YAML 1.2, except JSON 6902 patch
 * files) or `kubectl apply -f` (files mode: sigs.k8s.io/yaml on goyaml.v2, YAML 1.1).
 */
export type YamlReader = 'kustomize' | 'kubectl';

/** The same findings for a file already parsed (files mode parses each file once). */
export function yamlFindingsOfParsed({ docs, lines }: Pick<ParsedYaml, 'docs' | 'lines'>, file: string, text: string, reader: YamlReader = 'kustomize'): Finding[] {
  const out: Finding[] = [];
  for (const doc of docs) {
    // One clear message per problem: the first syntax error, and every duplicate key.
    const errors = doc.errors.filter((e, i) => e.code === 'DUPLICATE_KEY' || doc.errors.findIndex((x) => x.code !== 'DUPLICATE_KEY') === i);
    // The parser's DUPLICATE_KEY position is not always the key's (after `labels:` with no value it is the end of
    // that line): the keys themselves are found in the document, where each pair keeps its key node.
    const duplicates = errors.some((e) => e.code === 'DUPLICATE_KEY') ? duplicateKeys(doc) : [];
    for (const key of duplicates) {
      const { line, col } = lines.linePos(key.range![0]);
      out.push(duplicateKeyFinding(file, line, col, String(key.value)));
    }
    for (const e of errors) {
      const { line, col } = lines.linePos(e.pos[0]);
      if (e.code === 'DUPLICATE_KEY') {
        if (duplicates.length) continue;
        // a key the walk does not compare (a collection as a key): the parser's position and words
        const key = /^("[^"\n]*"|'[^'\n]*'|[^:\n#]+?)\s*:/.exec(text.slice(e.pos[0]))?.[1] ?? firstLine(e.message);
        out.push(duplicateKeyFinding(file, line, col, key));
        continue;
      }
      // The parser's message for a tab is about what it expected next; say what is wrong.
      const tab = tabIndented(text, line);
      out.push(
        tab
          ? { rule: 'yaml/syntax', severity: 'error', file, line: tab, column: 1, message: 'invalid YAML: a tab indents this line; YAML indentation must be spaces', hint: 'replace the tab with spaces' }
          : { rule: 'yaml/syntax', severity: 'error', file, line, column: col, message: `invalid YAML: ${firstLine(e.message)}`, hint: 'fix the YAML syntax (indentation, quoting, colons)' },
      );
    }
    if (!errors.length) out.push(...yaml11Booleans(doc, lines, file, reader));
  }
  return out;
}

/**
 * The scalar keys of a document that repeat an earlier key of their mapping, each at its second (third …) place:
 * equal as the `yaml` library's uniqueKeys compares them (same value: `a` and `"a"` are one key). Merge keys (`<<`)
 * may repeat.
 */
function duplicateKeys(doc: Document.Parsed): Scalar[] {
  const out: Scalar[] = [];
  Y.visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!Y.isScalar(key) || !key.range || (key.value === '<<' && key.type === 'PLAIN')) continue;
        if (seen.has(key.value)) out.push(key);
        else seen.add(key.value);
      }
    },
  });
  return out;
}

/** The YAML 1.1 booleans that YAML 1.2 (and so `yaml`, kyaml) reads as strings; true/false mean the same in both. */
export const yaml11Bool: Readonly<Record<string, boolean>> = Object.fromEntries([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON'].map((v) => [v, true]),
  ...['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF'].map((v) => [v, false]),
]);
export const yaml11BooleanWords: ReadonlySet<string> = new Set(Object.keys(yaml11Bool));

/**
 * Unquoted yes/no/on/off/y/n values read differently by the tools between Git and the cluster.
 * kustomize 4.5.4 reads resources and strategic-merge patches with kyaml (YAML 1.2: the string
 * "on") but JSON 6902 patch files with sigs.k8s.io/yaml (YAML 1.1: the boolean true); kubectl
 * apply -f and Helm read YAML 1.1. The warning says what the cluster receives from this file: in files mode, where
 * the file is applied as it stands, what kubectl sends.
 */
function yaml11Booleans(doc: Document.Parsed, lines: LineCounter, file: string, reader: YamlReader): Finding[] {
  const out: Finding[] = [];
  const contents = doc.contents;
  const jsonPatch = Y.isSeq(contents) && contents.items.length > 0 && contents.items.every((it) => Y.isMap(it) && it.has('op') && it.has('path'));
  Y.visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || node.type !== 'PLAIN' || typeof node.value !== 'string' || !(node.value in yaml11Bool) || !node.range) return;
      const v = node.value;
      const bool = yaml11Bool[v]!;
      const { line, col } = lines.linePos(node.range[0]);
      out.push({
        rule: 'yaml/yaml11-boolean',
        severity: 'warning',
        file,
        line,
        column: col,
        message: reader === 'kubectl'
          ? `unquoted ${v}: kubectl apply reads YAML 1.1, so the cluster receives the boolean ${bool}; kustomize would read the string "${v}"`
          : jsonPatch
          ? `unquoted ${v} in a JSON 6902 patch: kustomize reads patch files as YAML 1.1, so the cluster receives the boolean ${bool}, not the string "${v}"`
          : `unquoted ${v}: kustomize reads this file as YAML 1.2, so the cluster receives the string "${v}"; YAML 1.1 readers (kubectl apply -f, Helm) would send the boolean ${bool} instead`,
        hint: `write "${v}" (quoted) for a string, or ${bool} for a boolean, so every tool sends the same value`,
      });
    },
  });
  return out;
}

/** The first line up to `upTo` (1-based) whose indentation holds a tab, if any. */
function tabIndented(text: string, upTo: number): number | undefined {
  const lines = text.split('\n', upTo);
  const i = lines.findIndex((l) => /^[ ]*\t/.test(l) && l.trim() !== '');
  return i < 0 ? undefined : i + 1;
}

const firstLine = (s: string): string => s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');


/** Entries of a kustomization that name files or directories. */
const PATH_FIELDS = ['resources', 'components', 'bases', 'patchesStrategicMerge', 'crds', 'configurations'] as const;

interface PathEntry {
  readonly value: string;
  readonly field: string;
  readonly line: number;
  readonly col: number;
}

/** The entries of a kustomization that name paths, with their positions; null if it does not parse. */
function pathEntries(root: string, file: string, text: string): PathEntry[] | null {
  const { docs, lines } = parseYamlFile(join(root, file), text);
  const doc = docs[0];
  if (!doc || doc.errors.length || !Y.isMap(doc.contents)) return null;
  const entries: PathEntry[] = [];
  const add = (value: string, node: YamlNode, field: string) => {
    const { line, col } = node.range ? lines.linePos(node.range[0]) : { line: 1, col: 1 };
    entries.push({ value, field, line, col });
  };
  for (const field of PATH_FIELDS) {
    const seq = doc.contents.get(field, true);
    if (!Y.isSeq(seq)) continue;
    for (const item of seq.items) if (Y.isScalar(item) && typeof item.value === 'string') add(item.value, item, field);
  }
  for (const field of ['patches', 'patchesJson6902'] as const) {
    const seq = doc.contents.get(field, true);
    if (!Y.isSeq(seq)) continue;
    for (const item of seq.items) {
      const p = Y.isMap(item) ? item.get('path', true) : undefined;
      if (Y.isScalar(p) && typeof p.value === 'string') add(p.value, p, field);
    }
  }
  return entries;
}

/**
 * The entry as it was probably meant, when one name of its path is a typo of a name that is there
 * (`../../../base/rollout/prod` for base/rollouts/prod): the first missing name is replaced by the nearest in its
 * directory, and the result must exist.
 */
function nearPath(root: string, dir: string, entry: string): string | undefined {
  const parts = entry.split('/');
  for (let i = 0; i < parts.length; i++) {
    if (!parts[i] || parts[i] === '.' || parts[i] === '..') continue;
    const parent = normalize(join(dir, ...parts.slice(0, i)));
    if (existsSync(join(root, parent, parts[i]!))) continue;
    let names: string[];
    try {
      names = statSync(join(root, parent)).isDirectory() ? readdirSync(join(root, parent)) : [];
    } catch {
      return undefined;
    }
    const near = closest(parts[i]!, names);
    if (!near) return undefined;
    const fixed = [...parts.slice(0, i), near, ...parts.slice(i + 1)].join('/');
    return existsSync(join(root, normalize(join(dir, fixed)))) ? `did you mean "${fixed}"?` : undefined;
  }
  return undefined;
}

/**
 * Walk a kustomization and everything it includes: missing local paths are
 * reported with the line of the entry (remote ones are a policy's business).
 */
export function kustomizationFindings(root: string, dir: string, seen = new Set<string>()): Finding[] {
  if (seen.has(dir)) return [];
  seen.add(dir);
  const name = kustomizationFileNames.find((f) => existsSync(join(root, dir, f)));
  if (!name) return [];
  const file = join(dir, name);
  const text = readFileSync(join(root, file), 'utf8');
  const entries = byContent.memo(`kustomization:${contentHash(text)}`, () => pathEntries(root, file, text)) as PathEntry[] | null;
  if (!entries) return [];
  const out: Finding[] = [];
  for (const e of entries) {
    const { line, col } = e;
    // Remote bases are policies' gitops/no-remote-bases (checkKustomizations), which knows every form.
    if (isRemoteRef(e.value)) continue;
    const target = normalize(join(dir, e.value));
    if (!existsSync(join(root, target))) {
      out.push({
        rule: 'kustomize/missing-path',
        severity: 'error',
        file,
        line,
        column: col,
        path: e.field,
        message: `${e.field} entry "${e.value}" does not exist (${target})`,
        hint: nearPath(root, dir, e.value) ?? 'fix the path, or run npm run generate if it is a generated base',
      });
      continue;
    }
    if (e.field === 'resources' || e.field === 'components' || e.field === 'bases') out.push(...kustomizationFindings(root, target, seen));
  }
  return out;
}
