// One file of files mode, parsed once: by the C++ plain-block reader from the file's bytes, else the JavaScript one
// from its text, else js-yaml (the fast paths: the `yaml` library's documents cost several times more); the `yaml`
// documents are built only when they are needed — a finding to place on a line, a syntax error to describe exactly, an
// anchor or merge key to resolve with an alias limit, a YAML 1.1 boolean to point at.
import { addInputCrds, sourcesOfSpec, type SchemaSpec } from './schema-sources.ts';
import type { Document, LineCounter, Node as YamlNode } from 'yaml';
import { Y } from '../../../kube/yaml-lazy.ts';
import { objectRef, type Finding, type RenderedObject, type Target } from '../../../kube/index.ts';
import { lineCounterOf, parsePath, walk, walkBlock } from './locate.ts';
import { loadFieldTree } from './field-tree.ts';
import { SchemaValidator, type PathSegment } from './schema.ts';
import { schemaFinding } from './schema-findings.ts';
import { duplicateKeyFinding, parseYamlFile, yaml11Bool, yaml11BooleanWords, yamlFindingsOfParsed } from './sources.ts';
import { looksLikeTemplate, nonManifestReason } from './files-kinds.ts';
import { jsonDuplicateKeys, jsonSyntaxFinding, jsonTooDeepAt, lineColumn } from './json-syntax.ts';
import { binaryFinding, excessiveAliasing, firstAlias, looksDeep, MAX_DEPTH, mayAlias } from '../plumbing/yaml-limits.ts';
import { loadManifestBytes, loadManifestsLocated, loadManifestsNoting, ManifestYamlError } from '../../../kube/yaml-schema.ts';
import type { NodePositions } from '../../../kube/yaml-block.ts';
import { piecesOf, textOf, type FileReader } from '../../../kube/file-reader.ts';

export { excessiveAliasing, MAX_DEPTH } from '../plumbing/yaml-limits.ts';

/** What the checker needs beyond the file: the schema validator and the policies' entry point. */
export interface CheckContext {
  readonly validator: SchemaValidator;
  readonly kubernetesVersion: string;
  /** the API server's own checks (the policies of category apiserver) */
  readonly apiServerChecks: (rendered: readonly RenderedObject[]) => { findings: Finding[] };
  /** keep the objects in the result (small inputs checked in-process; a worker never sends them back) */
  readonly keepObjects?: boolean;
  /**
   * The input's CRD files, when they are found while the checking starts (files mode's first pass): a file with a kind
   * a CRD may serve waits for them; the others are checked meanwhile.
   */
  readonly inputCrds?: { ready: boolean; readonly wait: () => Promise<void> };
}

export interface FileResult {
  readonly file: string;
  readonly findings: Finding[];
  /** objects validated (List items counted one by one) */
  readonly objects: number;
  /** set when the file is recognised as YAML that is not a Kubernetes manifest: why it was skipped */
  readonly skipped?: string;
  readonly rendered?: RenderedObject[];
}

interface Located {
  readonly docs: Document.Parsed[];
  readonly lines: LineCounter;
}

const syntaxError = (file: string, message: string, line?: number, column?: number, hint?: string): Finding => ({
  rule: 'yaml/syntax',
  severity: 'error',
  file,
  ...(line ? { line, column } : {}),
  message,
  hint: hint ?? 'fix the YAML syntax (indentation, quoting, colons)',
});

/** A `v1` List (`kind: ...List` with `items`): files mode checks and counts its items one by one. */
export const isList = (o: any): boolean => typeof o?.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items) && o.apiVersion === 'v1';

/**
 * Validate one file's text (a string, FileReader.pieces' pieces, or its bytes): YAML findings, schema findings and the
 * API server's own checks, each with its line.
 * A thin async shell over two synchronous stages (readText, checkObjects); it awaits only when a kind's schema module
 * is still to be imported.
 */
export async function checkText(file: string, source: string | readonly string[] | Buffer, ctx: CheckContext): Promise<FileResult> {
  const read = readText(file, source, !ctx.keepObjects);
  if (!('values' in read)) return read;
  const kinds = kindsOf(read.values);
  if (ctx.inputCrds && !ctx.inputCrds.ready && ctx.validator.mayBeCustom(kinds)) {
    // as below: the bytes may be a FileReader's buffer
    read.keep();
    await ctx.inputCrds.wait();
  }
  if (ctx.validator.unprepared(kinds)) {
    // bytes may be a FileReader's buffer, valid until its next read: kept now, before anything else runs
    read.keep();
    await ctx.validator.prepare(kinds);
  }
  return checkObjects(read, ctx);
}

/** A file's text read: its values and the findings about the text itself, for checkObjects. */
interface ReadText {
  readonly file: string;
  /** the whole text, joined from its pieces when first asked for (to place a finding, mostly) */
  readonly text: () => string;
  /**
   * Copy the bytes, when they are a FileReader's buffer (valid until its next read), before the check awaits: a copy
   * costs a fraction of decoding them (a large file's text took a thread ~10 ms, on fresh pages of its own).
   */
  readonly keep: () => void;
  readonly values: unknown[];
  readonly findings: Finding[];
  /** the `yaml` library's documents, when a stage already needed them */
  exact: Located | undefined;
  /** the plain-block reader took the text (and no stage changed its values): walkBlock can place findings */
  readonly block: boolean;
}

/**
 * The first stage of checkText: the file's values and its YAML findings, or the whole result when the text ends it.
 * Values that are only checked (`onlyChecked`: none is kept for the caller) may lack the descriptions of a CRD's schema
 * that no check reads, and may hold one schema node in several places (loadManifestBytes): nothing changes them here
 * but asKubectlReads, which runs only where a YAML 1.1 word stands plain, and then the reader shares nothing.
 */
function readText(file: string, source: string | readonly string[] | Buffer, onlyChecked: boolean): ReadText | FileResult {
  let bytes = Buffer.isBuffer(source) ? source : undefined;
  let pieces = typeof source === 'string' ? [source] : bytes ? undefined : (source as readonly string[]);
  let whole: string | undefined;
  const text = (): string => (whole ??= bytes ? textOf(bytes) : pieces!.length === 1 ? pieces![0]! : pieces!.join(''));
  let kept = false;
  const keep = () => {
    if (bytes && whole === undefined && !kept) bytes = Buffer.from(bytes);
    kept = true;
  };
  if (bytes ? bytes.indexOf(0) >= 0 : pieces!.some((piece) => piece.indexOf('\0') >= 0)) return { file, objects: 0, findings: [binaryFinding(file, text())!] };
  // a byte-order mark goes (U+FEFF, in UTF-8 EF BB BF)
  if (bytes && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  else if (pieces && pieces.length > 0 && pieces[0]!.charCodeAt(0) === 0xfeff) pieces = [pieces[0]!.slice(1), ...pieces.slice(1)];
  const json = /\.json$/i.test(file);
  let values: unknown[];
  /** the YAML 1.1 boolean words standing unquoted, when the reader could tell */
  let plainWords: ReadonlySet<string> | undefined;
  let exact: Located | undefined;
  try {
    if (json) values = [JSON.parse(text())];
    else ({ values, plain: plainWords } = (bytes && loadManifestBytes(bytes, MAX_DEPTH, yaml11BooleanWords, onlyChecked)) || loadManifestsNoting((pieces ??= piecesOf(bytes!)), MAX_DEPTH, yaml11BooleanWords));
  } catch (err) {
    return unreadable(file, text(), json, err);
  }

  const findings: Finding[] = [];
  // JSON has no aliases but no depth bound in JSON.parse either: the same walk bounds its nesting. The plain-block
  // reader (plainWords known) takes no anchors.
  if (json || (!plainWords && mayAlias(text()))) {
    for (let d = 0; d < values.length; d++) {
      const why = excessiveAliasing(values[d]);
      if (!why) continue;
      const at = json ? jsonDeepAt(text()) : firstAlias((exact ??= parseYamlFile(file, text())), d);
      if (json) return { file, objects: 0, findings: [syntaxError(file, `nests deeper than ${MAX_DEPTH} levels`, at?.line, at?.column, 'no Kubernetes object nests this deep; is the file generated wrongly?')] };
      return { file, objects: 0, findings: [{ ...syntaxError(file, `document ${d + 1} ${why}`, at?.line, at?.column, 'write the values out, or use fewer anchors: kubectl and kustomize (go-yaml) refuse it as well'), rule: 'yaml/alias-limit' }] };
    }
  }
  // Past the limits above no YAML reader takes the file (go-yaml refuses it), manifest or not; short of them, YAML that
  // is not a Kubernetes manifest is skipped with a note.
  const skipped = nonManifestReason(values);
  if (skipped) return { file, objects: 0, findings: [], skipped };

  // JSON.parse kept the last of a key given twice: say so (a YAML parser refuses it, above)
  if (json)
    for (const d of jsonDuplicateKeys(text())) {
      const at = lineColumn(text(), d.offset);
      findings.push(duplicateKeyFinding(file, at.line, at.column, d.key));
    }
  if (!json && (plainWords ? plainWords.size > 0 : yaml11WordsUnquoted(text(), values))) {
    // A YAML 1.1 boolean word, perhaps unquoted: the `yaml` library's documents say exactly where.
    exact = parseYamlFile(file, text());
    const found = yamlFindingsOfParsed(exact, file, text(), 'kubectl');
    findings.push(...found);
    // A plain file goes to the cluster through `kubectl apply -f`, which reads YAML 1.1 (sigs.k8s.io/yaml on
    // goyaml.v2): the objects are judged with the booleans it sends, not the strings js-yaml (YAML 1.2) read.
    if (found.some((f) => f.rule === 'yaml/yaml11-boolean')) for (let d = 0; d < values.length; d++) asKubectlReads(exact.docs[d]?.contents, values[d]);
  }
  return { file, text, keep, values, findings, exact, block: !!plainWords && !exact };
}

/**
 * Replace, in `value` (js-yaml's reading of `node`), each value written as an unquoted YAML 1.1 boolean word by the
 * boolean kubectl reads. Keys stay as they are (goyaml.v2 would make `on:` the key "true"; the warning says so).
 */
function asKubectlReads(node: YamlNode | null | undefined, value: unknown): void {
  if (!value || typeof value !== 'object') return;
  if (Y.isMap(node))
    for (const pair of node.items) {
      if (!Y.isScalar(pair.key) || !Y.isNode(pair.value)) continue;
      const key = String(pair.key.value);
      const v = pair.value;
      if (Y.isScalar(v) && v.type === 'PLAIN' && typeof v.value === 'string' && v.value in yaml11Bool) {
        if ((value as Record<string, unknown>)[key] === v.value) (value as Record<string, unknown>)[key] = yaml11Bool[v.value];
      } else asKubectlReads(v, (value as Record<string, unknown>)[key]);
    }
  else if (Y.isSeq(node) && Array.isArray(value))
    node.items.forEach((item, i) => {
      if (Y.isScalar(item) && item.type === 'PLAIN' && typeof item.value === 'string' && item.value in yaml11Bool) {
        if (value[i] === item.value) value[i] = yaml11Bool[item.value];
      } else asKubectlReads(item as YamlNode, value[i]);
    });
}

/** The result of a text neither JSON.parse nor the YAML reader took: one finding that says why, or a note for a template. */
function unreadable(file: string, text: string, json: boolean, err: unknown): FileResult {
  if (json) return { file, objects: 0, findings: [jsonSyntaxFinding(file, text, err as Error)] };
  if (!(err instanceof ManifestYamlError)) throw err;
  const mark = err.mark;
  // Too deep for js-yaml's bound: never hand it to a parser without one (the `yaml` library's
  // recursion and regular expressions run out of memory on a few thousand levels).
  if (/maxDepth/.test(err.message))
    return { file, objects: 0, findings: [syntaxError(file, `nesting deeper than ${MAX_DEPTH} levels (${err.reason ?? err.message})`, mark ? mark.line + 1 : undefined, mark ? mark.column + 1 : undefined, 'no Kubernetes object nests this deep; is the file generated wrongly?')] };
  if (looksLikeTemplate(text, mark?.line, mark?.column))
    return { file, objects: 0, findings: [], skipped: 'holds {{ }} template actions and is not YAML as it stands: a Helm or Go template; render it first (helm template) and validate the output' };
  // The `yaml` library words the error as the rest of validate does (duplicate keys by name, the
  // first syntax error) — unless the text nests deeply past the error, where js-yaml's own words do.
  const deep = looksDeep(text);
  const found = deep ? [] : yamlFindingsOfParsed(parseYamlFile(file, text), file, text, 'kubectl');
  if (found.length) return { file, objects: 0, findings: found };
  return { file, objects: 0, findings: [syntaxError(file, `invalid YAML: ${err.reason ?? err.message.split('\n')[0]}`, mark ? mark.line + 1 : undefined, mark ? mark.column + 1 : undefined)] };
}

/** `apiVersion/kind` of every document and List item: the schemas checkObjects will ask for. */
const kindsOf = (values: unknown[]): string[] => values.flatMap((o: any) => (Array.isArray(o?.items) ? [o, ...o.items] : [o])).map((o: any) => `${o?.apiVersion}/${o?.kind}`);

/** The second stage of checkText: every object of the file against its schema and the API server's checks. */
function checkObjects(read: ReadText, ctx: CheckContext): FileResult {
  const { file, text, values, findings } = read;
  const located = (): Located => (read.exact ??= parseYamlFile(file, text()));
  // A text the plain-block reader took: its positions place a finding (walkBlock), read once the first finding asks;
  // the `yaml` library's documents only where they give no node to point at. For a large file they cost many times
  // the file's whole check (docs/benchmarks.md, files mode, the thirteenth session).
  let block: { values: unknown[]; positions: NodePositions; lines: LineCounter } | null | undefined = read.block ? undefined : null;
  const blockAt = (d: number, path: readonly PathSegment[], value: Record<string, any>) => {
    if (block === undefined) {
      const whole = text();
      const got = loadManifestsLocated(whole, MAX_DEPTH);
      block = got ? { ...got, lines: lineCounterOf(whole) } : null;
    }
    return block ? walkBlock(block.values[d], block.positions.docs[d] ?? -1, block.positions, path, value, block.lines, file) : undefined;
  };
  const target: Target = { name: file, kind: 'files', path: file };
  const rendered: RenderedObject[] = [];
  let objects = 0;
  for (let d = 0; d < values.length; d++) {
    const o = values[d] as Record<string, any> | null | undefined;
    if (o === null || o === undefined) continue;
    // a List's items one by one, each at its own path
    const list = isList(o);
    const count: number = list ? o.items.length : 1;
    for (let k = 0; k < count; k++) {
      const object: Record<string, any> = list ? o.items[k] : o;
      const prefix: PathSegment[] = list ? ['items', k] : [];
      objects++;
      const r: RenderedObject = { target, object, origin: file, index: rendered.length };
      if (ctx.keepObjects) rendered.push(r);
      // Placed by the document's position in the file, never by name: same-named objects in
      // two namespaces, or generateName objects, each get their own lines.
      const at = (path: readonly PathSegment[]) => blockAt(d, [...prefix, ...path], o) ?? positionAt(located(), d, [...prefix, ...path], o, file);
      const issues = ctx.validator.validate(object, ctx.kubernetesVersion);
      for (let i = 0; i < issues.length; i++) findings.push(schemaFinding(r, issues[i]!, at(issues[i]!.path)));
      if (!object || typeof object !== 'object' || Array.isArray(object)) continue;
      const checked = ctx.apiServerChecks([r]).findings;
      for (let i = 0; i < checked.length; i++) {
        const f = checked[i]!;
        const pos = f.path && !f.line ? at(parsePath(f.path)) : undefined;
        findings.push(pos ? { ...f, file: pos.file, line: pos.line, column: pos.column } : { ...f, file: f.file ?? file, object: f.object ?? objectRef(object) });
      }
    }
  }
  return { file, objects, findings, ...(ctx.keepObjects ? { rendered } : {}) };
}

/**
 * checkText for each of `jobs` in turn, its text read by `reader`; `starting(k)` is told before the k-th, so a caller
 * knows which file was being checked when one throws.
 */
export async function checkFiles(jobs: readonly { file: string; abs: string; size?: number }[], reader: FileReader, ctx: CheckContext, starting?: (k: number) => void): Promise<FileResult[]> {
  const results: FileResult[] = [];
  for (let k = 0; k < jobs.length; k++) {
    starting?.(k);
    // the size the listing found (the bytes crdFilesOf read): no second stat of the file
    results.push(await checkText(jobs[k]!.file, reader.bytes(jobs[k]!.abs, jobs[k]!.size), ctx));
  }
  return results;
}

/** The line of `path` in document `docIndex` (its value `value`, compared along the path by walk). */
function positionAt(parsed: Located, docIndex: number, path: readonly PathSegment[], value: Record<string, any>, file: string) {
  const doc = parsed.docs[docIndex];
  return doc ? walk(doc.contents, path, value, parsed.lines, file) : undefined;
}

/**
 * For a text js-yaml read (which does not tell plain scalars from quoted ones): is one of the YAML 1.1 boolean words a
 * value here, and could it be written unquoted?
 * Both tests are supersets of the exact one (sources.ts yaml11Booleans), so a file they
 * pass over has no such warning; a file they catch is read by the exact check.
 */
function yaml11WordsUnquoted(text: string, values: unknown[]): boolean {
  const found = new Set<string>();
  const stack: unknown[] = [...values];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.length <= 3 && yaml11BooleanWords.has(v)) found.add(v);
    } else if (Array.isArray(v)) for (const x of v) stack.push(x);
    else if (v && typeof v === 'object') for (const k in v) stack.push((v as Record<string, unknown>)[k]);
  }
  if (!found.size) return false;
  return new RegExp(`(^|[\\s:[{,-])(${[...found].join('|')})(?=[ \\t]*($|#|[,\\]}]))`, 'm').test(text);
}

/** Line and column of the bracket that opens the level past MAX_DEPTH in a JSON text. */
function jsonDeepAt(text: string): { line: number; column: number } | undefined {
  const offset = jsonTooDeepAt(text, MAX_DEPTH);
  return offset === undefined ? undefined : lineColumn(text, offset);
}

/**
 * The validator and policies a checker needs, loaded once per thread; `schema` may come later than the call. Given
 * `inputCrds` (the input's CRD files, still being found), the checker starts without them, and the first file with a
 * kind a CRD may serve waits for them; they rank below --crd's, as when they are known at once.
 */
export async function checkContext(kubernetesVersion: string, keepObjects = false, schema?: SchemaSpec | Promise<SchemaSpec>, inputCrds?: Promise<readonly string[]>): Promise<CheckContext> {
  // The field tree and the API server's checks alone (policies/apiserver, not the registry of every policy and its
  // modules) load while the spec may still be coming: a worker gets it once the main thread has found the input's
  // CRDs, and the main thread while the C++ scanner finds them.
  const [tree, { apiserverPolicies }, { policyRunnerOf }, { exemptions }] = await Promise.all([loadFieldTree(), import('../../../policies/apiserver/index.ts'), import('../../../policies/runner.ts'), import('../../../policies/exemptions.ts')]);
  const spec = await schema;
  const sources = spec ? sourcesOfSpec(spec) : {};
  const validator = await SchemaValidator.create(tree, [], sources);
  // Files mode reads only the findings of the API server's checks: exemptions of other policies cannot match them,
  // so they are left out once here rather than judged again for every object.
  const apiserver = new Set(apiserverPolicies.map((p) => p.id));
  const relevant = exemptions.filter((e) => apiserver.has(e.policy));
  let added: Promise<void> | undefined;
  const later = inputCrds && {
    ready: false,
    wait: () =>
      (added ??= inputCrds.then((files) => {
        if (sources.crds) addInputCrds(sources.crds, spec!.cwd, files);
        later!.ready = true;
      })),
  };
  return { validator, kubernetesVersion, apiServerChecks: policyRunnerOf(apiserverPolicies, apiserver, { only: ['apiserver'], exemptions: relevant }), keepObjects, ...(later ? { inputCrds: later } : {}) };
}
