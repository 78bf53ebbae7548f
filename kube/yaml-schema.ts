// YAML as the Kubernetes tools read it (kustomize's kyaml: go-yaml v3; kubectl: sigs.k8s.io/yaml, go-yaml v2), for
// js-yaml: the YAML 1.2 core schema with merge keys (`<<: *base`) and `!!binary`, and numbers as go-yaml resolves them
// (goNumber: `0644` is octal, `1_000` a number). One definition for every reader of manifests and CRDs.
// Every reader of objects uses loadManifests (render, origins, no-ops, the source pre-pass, files mode, the CRD
// reader): the plain-block reader of yaml-block.ts for the texts it takes (every manifest of the corpus, about twice
// as fast), js-yaml 4 for the rest, with the same values either way (docs/benchmarks.md, bench/yaml-parse.ts). Files
// mode reads a file's bytes with the same reader in C++ first (native/yaml-block, built by npm ci; loadManifestBytes),
// which takes the texts the plain-block reader takes, or fewer, and gives the same values. The `yaml` library reads
// hand-written files for their lines.
import nativeReader from '@marquee/yaml-block-native';
import { FAILSAFE_SCHEMA, loadAll, Type, types, YAMLException } from 'js-yaml';
import { BlockReader, type NodePositions } from './yaml-block.ts';

/**
 * `!!binary` as go-yaml decodes it into a string or an interface{} (yaml.v3 decode.go, scalar: binaryTag): the
 * base64 text decoded; kustomize and kubectl accept it. Text that is not base64 is an error there and here.
 */
function binaryText(source: string): string | undefined {
  const input = source.replace(/\s/g, '');
  return input.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(input) ? Buffer.from(input, 'base64').toString('utf8') : undefined;
}

/**
 * A plain scalar's number as go-yaml resolves it (yaml.v3 and yaml.v2 resolve.go, the same for ints and floats): a
 * text that starts with a digit or a sign loses its underscores, then strconv.ParseInt(plain, 0, 64) reads it, base
 * prefixes (0x, 0o, 0b, either case) and a leading 0 (octal: `0644` is 420, where YAML 1.2's core schema reads 644)
 * included; else, if it is a float as YAML writes one (yamlStyleFloat), strconv.ParseFloat. A text that starts with a
 * dot is a float as ParseFloat reads it, underscores kept (`.5`; `.inf` and `.nan` are js-yaml's float type's). Ints
 * past int64 go to ParseUint, then to the float; here every number is a double, as JSON.parse makes it either way.
 * Undefined for a string.
 */
export function goNumber(text: string): number | undefined {
  const c = text.charCodeAt(0);
  if (c === 0x2e /* . */) return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? Number.parseFloat(text) : undefined;
  if (!((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d)) return undefined;
  const plain = text.includes('_') ? text.replaceAll('_', '') : text;
  const m = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]*)|([1-9][0-9]*))$/.exec(plain);
  if (m) {
    const [, sign, hex, oct, bin, leadingZero, dec] = m;
    const magnitude = hex !== undefined ? Number.parseInt(hex, 16) : oct !== undefined ? Number.parseInt(oct, 8) : bin !== undefined ? Number.parseInt(bin, 2) : dec !== undefined ? Number(dec) : leadingZero ? Number.parseInt(leadingZero, 8) : 0;
    // ParseInt gives no negative zero
    return sign === '-' && magnitude !== 0 ? -magnitude : magnitude;
  }
  return /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(plain) ? Number.parseFloat(plain) : undefined;
}

/** `!!int` of plain scalars as go-yaml reads them (goNumber), in the place of YAML 1.2 core's int and float types. */
const goNumberType = new Type('tag:yaml.org,2002:int', { kind: 'scalar', resolve: (s: string | null) => s !== null && goNumber(s) !== undefined, construct: (s: string) => goNumber(s) });

/**
 * The js-yaml schema of manifests: YAML 1.2 core's null and bool, numbers as go-yaml reads them (goNumber; js-yaml's
 * float type only for .inf and .nan, which goNumber leaves), merge keys (resolved implicitly) and `!!binary` (when
 * tagged), as kustomize and kubectl read them.
 */
export const kubernetesYamlSchema = FAILSAFE_SCHEMA.extend({
  implicit: [types.null, types.bool, goNumberType, types.float, types.merge],
  explicit: [new Type('tag:yaml.org,2002:binary', { kind: 'scalar', resolve: (s: string | null) => s !== null && binaryText(s) !== undefined, construct: (s: string) => binaryText(s) })],
});

/** The error loadManifests throws for text that is not YAML: `reason`, and `mark` (0-based line and column) where known. */
export const ManifestYamlError = YAMLException;

/**
 * Every document of a manifest text, as kustomize and kubectl read it; nesting past `maxDepth` (js-yaml's own default
 * is 100) is an error (ManifestYamlError, its message naming maxDepth). An alias is the same object in each place it
 * stands: callers that walk the result bound that themselves.
 */
export function loadManifests(text: string, maxDepth = 100): unknown[] {
  return blockReader(maxDepth).read(text) ?? jsYaml(text, maxDepth);
}

/** js-yaml's reading of what the plain-block reader leaves. */
const jsYaml = (text: string, maxDepth: number): unknown[] => loadAll(text, undefined, { schema: kubernetesYamlSchema, maxDepth });

/**
 * loadManifests, and which of `words` stand as plain (unquoted) scalar values in the text: known when the plain-block
 * reader read it, undefined when js-yaml did (it does not tell a plain scalar from a quoted one). The text may come as
 * pieces cut after newlines (FileReader.pieces).
 */
export function loadManifestsNoting(text: string | readonly string[], maxDepth: number, words: ReadonlySet<string>): { values: unknown[]; plain?: ReadonlySet<string> } {
  const reader = blockReader(maxDepth, words);
  const values = typeof text === 'string' ? reader.read(text) : reader.readPieces(text);
  if (values) return { values, plain: new Set(reader.noted) };
  return { values: jsYaml(typeof text === 'string' ? text : text.join(''), maxDepth) };
}

/**
 * The plain-block reader's reading of `text` with where its nodes start (BlockReader.readLocated), or undefined when
 * the text is not plain enough for it (the `yaml` library's documents place findings then).
 */
export function loadManifestsLocated(text: string, maxDepth: number): { values: unknown[]; positions: NodePositions } | undefined {
  return blockReader(maxDepth).readLocated(text);
}

/** Is the C++ reader built (native/yaml-block)? Without it loadManifestBytes always leaves the text to the callers' readers. */
export const nativeReaderBuilt = nativeReader !== undefined;

/** The word set the C++ reader was last given (in this thread), as a list: its `noted()` bits index it. */
let nativeWords: { set: ReadonlySet<string>; list: readonly string[] } | undefined;

/**
 * loadManifestsNoting of a file's UTF-8 bytes (a byte-order mark already dropped) by the C++ plain-block reader, or
 * undefined when it is not built or leaves the text (anything the plain-block reader leaves, and a little more): the
 * caller then decodes the bytes and calls loadManifestsNoting. The values are JSON.parse's reading of the reader's
 * JSON text, the same values the plain-block reader gives (test/kube/yaml-block.test.ts). With `leaveOutSchemaDocs`, a
 * CustomResourceDefinition's schema has no descriptions where no check reads one (native/yaml-block Reader::inSchemaNode:
 * the objects are only checked, never shown): most of a large CRD's bytes, whose strings and objects JSON.parse then does
 * not make; and a schema node written out twice in the file is one object in both places (native/yaml-block
 * SharedNodes), unless a watched word stands plain in it (`plain` not empty). Such values must not be changed.
 */
export function loadManifestBytes(bytes: Uint8Array, maxDepth: number, words: ReadonlySet<string>, leaveOutSchemaDocs = false): { values: unknown[]; plain: ReadonlySet<string> } | undefined {
  if (!nativeReader) return undefined;
  if (nativeWords?.set !== words) {
    nativeWords = { set: words, list: [...words] };
    nativeReader.words(nativeWords.list);
  }
  const values = nativeReader.read(bytes, maxDepth, leaveOutSchemaDocs);
  if (values === undefined) return undefined;
  const bits = nativeReader.noted();
  const plain = new Set<string>();
  for (let i = 0; i < nativeWords.list.length; i++) if (bits & (1 << i)) plain.add(nativeWords.list[i]!);
  return { values, plain };
}

/**
 * loadManifests, and whether an alias may stand in the values (one mapping or list in two places): never when the
 * plain-block reader read the text, which takes no anchors; perhaps when js-yaml did.
 */
export function loadManifestsAliased(text: string, maxDepth = 100): { values: unknown[]; mayAlias: boolean } {
  const values = blockReader(maxDepth).read(text);
  return values ? { values, mayAlias: false } : { values: jsYaml(text, maxDepth), mayAlias: true };
}

/** The implicit types of the schema, in js-yaml's order (Schema.compiledImplicit: null, bool, int, float, merge). */
export const implicitTypes: readonly Type[] = (kubernetesYamlSchema as unknown as { compiledImplicit: Type[] }).compiledImplicit;

/** No watched words (loadManifestBytes): one set, so readers that watch none do not send the C++ reader a new list. */
export const noWords: ReadonlySet<string> = new Set();
const readers = new Map<ReadonlySet<string>, Map<number, BlockReader>>();
/** The plain-block reader (yaml-block.ts): js-yaml's values for the texts it takes, faster; one per bound and word set. */
const blockReader = (maxDepth: number, words = noWords): BlockReader => {
  let byDepth = readers.get(words);
  if (!byDepth) readers.set(words, (byDepth = new Map()));
  let r = byDepth.get(maxDepth);
  if (!r) byDepth.set(maxDepth, (r = new BlockReader(implicitTypes, maxDepth, words)));
  return r;
};
