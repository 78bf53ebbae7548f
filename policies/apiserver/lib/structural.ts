// What the API server requires of a v1 CustomResourceDefinition's openAPIV3Schema on create (Kubernetes 1.31):
// kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/
// - pkg/apis/apiextensions/validation/validation.go validateCustomResourceDefinitionValidation (requireStructuralSchema,
//   requireValidPropertyType, requireAtomicSetType, requireMapListKeysMapSetValidation: all true on create) and
//   ValidateCustomResourceDefinitionOpenAPISchema with specStandardValidatorV3.validate and validateMapListKeysMapSet;
// - pkg/apiserver/schema/convert.go NewStructural (which schemas can be read as structural at all),
//   validation.go ValidateStructural (validateStructuralInvariants, validateStructuralMetadataInvariants,
//   validateExtensions, validateValueValidation, validateNestedValueValidation) and complete.go
//   validateStructuralCompleteness, with ValidationOptions all false as ValidateStructural sets them for CRDs.
// The schema is walked as written (v1 JSON) rather than converted to upstream's Structural: the "skeleton" is a node's
// type, items, properties, additionalProperties and extensions; anyOf/allOf/oneOf/not are value validation, which may
// only restrict what the skeleton declares.
// Defaults are checked against the schema once it passes (defaults.ts, structuraldefaulting.ValidateDefaults).
// Not ported: CEL (x-kubernetes-validations rules compiled, their cost, oldSelf correlation, a rule's fieldPath
// resolved against the schema), building
// the schema validator (NewSchemaValidator), and externalDocs inside anyOf/allOf/oneOf/not (a later release forbids
// it; 1.31's NewStructural drops it). An empty `required: []` or `enum: []` on the root metadata counts as unset.
import { compileGoRegexp } from '../../../kube/go-regexp.ts';
import { validateDefault, validateMetaDefault, type MetaPlace } from './defaults.ts';
import { arr, at, forbidden, has, invalid, isObj, metaFields, notSupported, required, str, type Errs, type FieldError } from './field.ts';

type Schema = Record<string, any>;

/** A field path kept as a chain and written out only for an error: our form (lib/field.ts `at`) and upstream's. */
interface Path {
  readonly up?: Path;
  readonly k: string | number;
  /** `properties[foo]` in upstream's rendering (field.Path.Key), where `at` writes `properties.foo`. */
  readonly key?: boolean;
}
const child = (up: Path, k: string | number, key = false): Path => ({ up, k, key });
// a field name (x-kubernetes-list-type, $ref) after a dot as upstream writes it: locate.ts parsePath reads it so
const ours = (p: Path): string => (!p.up ? String(p.k) : p.key || typeof p.k === 'number' ? at(ours(p.up), p.k) : `${ours(p.up)}.${p.k}`);
/** field.Path.String(), for the texts that quote a path ("because it is defined in …"). */
const upstream = (p: Path): string => (!p.up ? String(p.k) : p.key || typeof p.k === 'number' ? `${upstream(p.up)}[${p.k}]` : `${upstream(p.up)}.${p.k}`);
const prop = (p: Path, k: string): Path => child(child(p, 'properties'), k, true);

// openapiV3Types (sets.NewString: sorted when listed)
const openapiV3Types = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
// supportedValidationReason (sorted)
const validationReasons = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];
const missingTypeHint = 'give it a type (object, array, string, integer, number or boolean), or x-kubernetes-preserve-unknown-fields: true if it is free-form';

const t = (s: Schema): string => str(s.type);
const nonEmpty = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : isObj(v) ? Object.keys(v).length > 0 : typeof v === 'string' ? v.length > 0 : has(v));
const schemaOf = (v: unknown): Schema | undefined => (isObj(v) ? v : undefined);
const noNames: readonly string[] = [];
/**
 * The properties of `s` whose schemas are objects, in Object.entries' order (the walks below visit every node of a
 * CRD's schema, tens of thousands in a large one, on every CRD checked: names only, no entry pairs, no callback).
 */
function propNames(s: Schema): readonly string[] {
  const ps = s.properties;
  if (!isObj(ps)) return noNames;
  const out: string[] = [];
  for (const k in ps) if (Object.hasOwn(ps, k) && isObj(ps[k])) out.push(k);
  return out;
}
/**
 * The keys of a schema node that none of the walks below judges by themselves (they only recurse into properties and
 * items, and judge type): most nodes of a CRD's schema hold nothing else (`{description, type}`, `{type, items}`).
 */
const plainKeys = new Set([
  'type', 'properties', 'items', 'description', 'title', 'example', 'externalDocs', 'format', 'enum', 'required', 'nullable',
  'maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum', 'maxLength', 'minLength', 'maxItems', 'minItems', 'multipleOf', 'maxProperties', 'minProperties',
]);
/**
 * Does `s` hold only plainKeys? Then each walk skips the checks of the keys it lacks: a lookup of each of the thirty
 * keys a walk asks about costs far more, on a node of a shape of its own, than one pass over its few keys.
 */
function plain(s: Schema): boolean {
  for (const k in s) if (!plainKeys.has(k)) return false;
  return true;
}

/** The property `k` of `s` when its schema is an object. */
const propOf = (s: Schema, k: string): Schema | undefined => (isObj(s.properties) && Object.hasOwn(s.properties, k) && isObj(s.properties[k]) ? s.properties[k] : undefined);
/** Has `s` a property whose schema is an object? */
const hasProps = (s: Schema): boolean => propNames(s).length > 0;

/**
 * validateCustomResourceDefinitionValidation's schema rules for one version: `path` is
 * `spec.versions[i].schema.openAPIV3Schema`. Structural errors first (upstream sorts them by their text), then those
 * of ValidateCustomResourceDefinitionOpenAPISchema; when NewStructural cannot read the schema, ValidateStructural is
 * not run and NewStructural's error is reported only if nothing else is.
 */
export function validateStructuralSchema(schema: Schema, path: string): Errs {
  const root: Path = { k: path };
  const w: Walk = { openAPI: [], structural: [], unreadable: false, defaults: [], clean: new Map() };
  validateOpenAPISchema(schema, root, { allowDefaults: true, insideResourceMeta: false }, true, w, 'root', DEFAULTS);
  // NewStructural's error, when the walk met a node that may have one (exactly which, the walk of its own says)
  const unreadable = w.unreadable ? newStructuralError(schema) : undefined;
  if (unreadable !== undefined) return w.openAPI.length ? w.openAPI : [invalid(path, '', unreadable, 'NewStructural')];
  const structural = w.structural;
  validateValueValidationCompleteness(schema, schema, root, root, structural);
  const text = (e: FieldError) => `${e.path}: ${e.type}: ${e.detail}`;
  structural.sort((a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
  // ValidateDefaults runs on a schema ValidateStructural accepts (defaults.ts)
  const defaults = () =>
    w.defaults.flatMap((d) => {
      const pathOf = () => ours(child(d.p, 'default'));
      return d.meta ? validateMetaDefault(d.s, pathOf, d.meta) : validateDefault(d.s, pathOf, d.embedded);
    });
  return [...structural, ...w.openAPI, ...(structural.length ? [] : defaults())];
}

/**
 * What one walk of a schema gathers. Upstream walks it three times (ValidateCustomResourceDefinitionOpenAPISchema,
 * NewStructural, ValidateStructural), each over every node of the skeleton; a large CRD's schema has tens of thousands
 * of nodes, and every CRD is checked. Here validateOpenAPISchema, which visits every node the other two do, also
 * judges each skeleton node as validateStructuralInvariants would (into `structural`), and notes whether a node holds
 * anything NewStructural refuses (`unreadable`): only then is newStructuralError walked, for its exact text.
 */
interface Walk {
  readonly openAPI: Errs;
  /** ValidateStructural's errors (validateStructuralInvariants, node by node), used when NewStructural reads the schema */
  readonly structural: Errs;
  /** some node holds a field NewStructural refuses, or items as a list (a superset of newStructuralError's cases) */
  unreadable: boolean;
  /** the nodes whose default ValidateDefaults judges (Reach): whether each is an embedded resource, or where in metadata it is */
  readonly defaults: { readonly s: Schema; readonly p: Path; readonly embedded: boolean; readonly meta?: MetaPlace }[];
  /**
   * The walks of a node with properties that found nothing (no error, nothing NewStructural refuses), each by what it
   * ran in (contextOf): only that, a number, when it noted no default (most nodes: no object made), else with the
   * defaults it noted below the node (CleanWalk). The nodes of a CRD's schema written out twice in one file are one
   * object (native/yaml-block SharedNodes: about two thirds of the keys of the real-manifests corpus's CRDs), and a node walked
   * again in what it ran in finds nothing again, wherever it stands: its walk is only its defaults, noted at their
   * places. A node that found anything is walked again, for errors that name its place. One walk's: a WeakMap kept
   * from walk to walk held each CRD's nodes past the young generation (docs/benchmarks.md, files mode, the nineteenth
   * session).
   */
  readonly clean: Map<Schema, number | CleanWalk>;
}

/**
 * Where a node stands for ValidateDefaults (defaults.ts), which walks from the root through properties and items only:
 * off that path (additionalProperties, junctors, definitions, items as a list), on it, or on it inside the metadata,
 * apiVersion or kind of the root or of an embedded resource (where: defaults.ts MetaPlace), whose defaults it judges
 * in an object of that resource. Found in the one walk of the schema: a walk of its own cost as much again as the
 * rest of a CRD's checks.
 */
type Reach = 0 | 1 | MetaPlace;
const UNREACHED: Reach = 0;
const DEFAULTS: Reach = 1;
/** The Reach of property `k` of node `s` (an embedded resource, or the root) that stands at `here`. */
function reachOf(here: Reach, embedded: boolean, k: string, s: Schema, isRoot: boolean): Reach {
  if (here === UNREACHED) return UNREACHED;
  if (embedded && metaFields.has(k)) return { root: isRoot ? { ...s, 'x-kubernetes-embedded-resource': true } : s, steps: [k] };
  return propertyReach(here, k);
}
/** The Reach of the items of a node that stands at `here` (surroundingobject.go Index: the first item). */
const itemsReach = (here: Reach): Reach => (typeof here === 'object' ? { root: here.root, steps: [...here.steps, 0] } : here);
/** The Reach of property `k` of a node that is no embedded resource. */
const propertyReach = (here: Reach, k: string): Reach => (typeof here === 'object' ? { root: here.root, steps: [...here.steps, k] } : here);

// ---- convert.go NewStructural: the fields it refuses (validateUnsupportedFields), items as a list, and
// x-kubernetes-preserve-unknown-fields: false (newExtensions). ValidateCustomResourceDefinitionOpenAPISchema reports
// all of them but `$schema`.

function newStructuralError(s: Schema | undefined): string | undefined {
  if (!s) return undefined;
  let e: string | undefined;
  if (plain(s)) {
    if (Array.isArray(s.items) && s.items.length) return "OpenAPIV3Schema 'items' must be a schema, but is an array";
    e = newStructuralError(schemaOf(s.items));
    for (const k of propNames(s)) if ((e = newStructuralError(s.properties[k])) !== undefined) return e;
    return e;
  }
  if (nonEmpty(s.id)) return "OpenAPIV3Schema 'id' is not supported";
  if (nonEmpty(s.$schema)) return "OpenAPIV3Schema 'schema' is not supported";
  if (nonEmpty(s.$ref)) return "OpenAPIV3Schema '$ref' is not supported";
  if (nonEmpty(s.patternProperties)) return "OpenAPIV3Schema 'patternProperties' is not supported";
  if (nonEmpty(s.dependencies)) return "OpenAPIV3Schema 'dependencies' is not supported";
  if (has(s.additionalItems)) return "OpenAPIV3Schema 'additionalItems' is not supported";
  if (nonEmpty(s.definitions)) return "OpenAPIV3Schema 'definitions' is not supported";
  e = newStructuralError(schemaOf(s.not));
  for (const j of ['allOf', 'anyOf', 'oneOf'])
    for (const x of arr(s[j])) {
      if (e !== undefined) return e;
      e = newStructuralError(schemaOf(x));
    }
  e ??= newStructuralError(schemaOf(s.additionalProperties));
  if (e !== undefined) return e;
  if (s['x-kubernetes-preserve-unknown-fields'] === false) return "internal error: 'x-kubernetes-preserve-unknown-fields' must be true or undefined";
  if (Array.isArray(s.items) && s.items.length) return "OpenAPIV3Schema 'items' must be a schema, but is an array";
  e = newStructuralError(schemaOf(s.items));
  if (e !== undefined) return e;
  for (const k of propNames(s)) if ((e = newStructuralError(s.properties[k])) !== undefined) return e;
  return undefined;
}

/**
 * Could newStructuralError find something at `s` itself? Every case it has (a superset: `has` where it asks
 * `nonEmpty`), so a schema in which no node answers yes is one NewStructural reads.
 */
function mayBeUnreadable(s: Schema, simple: boolean): boolean {
  if (Array.isArray(s.items) && s.items.length) return true;
  if (simple) return false;
  return has(s.id) || has(s.$schema) || has(s.$ref) || has(s.patternProperties) || has(s.dependencies) || has(s.additionalItems) || has(s.definitions) || s['x-kubernetes-preserve-unknown-fields'] === false;
}

// ---- schema/validation.go

type Level = 'root' | 'item' | 'field';
const fn = 'ValidateStructural';

/** validateStructuralInvariants' error for an array without items (plainSchema's too). */
const itemsMissing = (p: Path): FieldError => required(ours(child(p, 'items')), 'must be specified', fn, 'an array says what its items are: items: {type: …}');
/** validateStructuralInvariants' words for a node of the skeleton without a type, by where it stands. */
const typeMissing: Record<Level, string> = { root: 'must not be empty at the root', item: 'must not be empty for specified array items', field: 'must not be empty for specified object fields' };

/**
 * validateStructuralInvariants at one node of the skeleton (`lvl` says where it stands); validateOpenAPISchema, which
 * calls it, walks on into the same children upstream's recursion does (items, properties, additionalProperties).
 */
function validateStructuralInvariants(s: Schema, lvl: Level, p: Path, out: Errs, simple: boolean): void {
  const type = t(s);
  const items = schemaOf(s.items);
  // a plain node has no extension, additionalProperties or value validation of its own
  const embedded = !simple && s['x-kubernetes-embedded-resource'] === true;
  const intOrString = !simple && s['x-kubernetes-int-or-string'] === true;
  const preserve = !simple && s['x-kubernetes-preserve-unknown-fields'] === true;
  if (type === 'array' && !items) out.push(itemsMissing(p));
  if (!simple && has(s.additionalProperties) && lvl === 'root') out.push(forbidden(ours(child(p, 'additionalProperties')), 'must not be used at the root', fn));
  // validateExtensions
  if (intOrString && preserve) out.push(invalid(ours(child(p, 'x-kubernetes-preserve-unknown-fields')), true, 'must be false if x-kubernetes-int-or-string is true', 'validateExtensions'));
  if (intOrString && embedded) out.push(invalid(ours(child(p, 'x-kubernetes-embedded-resource')), true, 'must be false if x-kubernetes-int-or-string is true', 'validateExtensions'));

  if (!simple) validateValueValidation(s, isIntOrStringAnyOfPattern(s), isIntOrStringAllOfPattern(s), lvl, p, out);

  const checkMetadata = lvl === 'root' || embedded;
  const typePath = () => ours(child(p, 'type'));
  if (embedded && type !== 'object') {
    const detail = 'must be object if x-kubernetes-embedded-resource is true';
    out.push(type ? invalid(typePath(), type, detail, fn) : required(typePath(), detail, fn));
  } else if (!type && !intOrString && !preserve) {
    out.push(required(typePath(), typeMissing[lvl], fn, lvl === 'root' ? 'write type: object at the root of the schema' : missingTypeHint));
  }
  if (embedded && has(s.additionalProperties)) out.push(forbidden(ours(child(p, 'additionalProperties')), 'must not be used if x-kubernetes-embedded-resource is set', fn));
  if (lvl === 'root' && type && type !== 'object') out.push(invalid(typePath(), type, 'must be object at the root', fn));
  // (validateStructuralMetadataInvariants judges nothing below the root but an embedded resource's metadata)
  if (!checkMetadata) return;
  for (const k of ['kind', 'apiVersion']) {
    const x = propOf(s, k);
    if (x && t(x) !== 'string') out.push(invalid(ours(child(prop(p, k), 'type')), t(x), 'must be string', fn));
  }
  const metadata = propOf(s, 'metadata');
  if (metadata) validateStructuralMetadataInvariants(metadata, checkMetadata, lvl, prop(p, 'metadata'), out);
  if (embedded && !preserve && !hasProps(s))
    out.push(required(ours(child(p, 'properties')), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields', fn));
}

// What a root `metadata` schema may hold besides type, properties name/generateName and default: nothing the
// Structural type keeps (Generic, Extensions, ValidationExtensions, ValueValidation). Keys NewStructural drops
// (example, externalDocs) are allowed.
const structuralKeys = [
  'description', 'title', 'nullable', 'additionalProperties', 'items',
  'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string', 'x-kubernetes-list-map-keys',
  'x-kubernetes-list-type', 'x-kubernetes-map-type', 'x-kubernetes-validations',
  'format', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems',
  'uniqueItems', 'multipleOf', 'enum', 'maxProperties', 'minProperties', 'required', 'allOf', 'oneOf', 'anyOf', 'not',
];
/** Unset as far as the check goes: absent, null, false, "" or an empty list. */
const isZero = (v: unknown): boolean => !has(v) || v === false || v === '' || (Array.isArray(v) && !v.length);

/** validateStructuralMetadataInvariants */
function validateStructuralMetadataInvariants(s: Schema, checkMetadata: boolean, lvl: Level, p: Path, out: Errs): void {
  if (checkMetadata && t(s) !== 'object') out.push(invalid(ours(child(p, 'type')), t(s), 'must be object', 'validateStructuralMetadataInvariants'));
  if (lvl === 'root') {
    const names = propNames(s);
    const onlyNames = names.every((k) => k === 'name' || k === 'generateName');
    // properties count only if there are some (NewStructural keeps none of an empty map)
    const other = (!onlyNames && names.length > 0) || structuralKeys.some((k) => !isZero(s[k]));
    if (other)
      out.push(
        forbidden(ours(p), 'must not specify anything other than name and generateName, but metadata is implicitly specified', 'validateStructuralMetadataInvariants', 'a custom resource\'s metadata is the API server\'s ObjectMeta: write metadata: {type: object} and nothing more (name and generateName may be restricted)'),
      );
  }
}

/** An anyOf entry that is exactly `type: integer` (or string): NestedValueValidation{ForbiddenGenerics: {Type}}. */
function isOnlyType(x: unknown, type: string): boolean {
  if (!isObj(x) || x.type !== type) return false;
  for (const k in x) {
    if (!Object.hasOwn(x, k) || k === 'type' || k === 'example' || k === 'externalDocs') continue;
    const v = x[k];
    if (!(v === false || v === '' || !has(v))) return false;
  }
  return true;
}
const isIntOrStringAnyOf = (anyOf: unknown): boolean => Array.isArray(anyOf) && anyOf.length === 2 && isOnlyType(anyOf[0], 'integer') && isOnlyType(anyOf[1], 'string');
/** isIntOrStringAnyOfPattern */
const isIntOrStringAnyOfPattern = (s: Schema): boolean => isIntOrStringAnyOf(s.anyOf);
/** isIntOrStringAllOfPattern */
const isIntOrStringAllOfPattern = (s: Schema): boolean => arr(s.allOf).length >= 1 && isObj(s.allOf[0]) && isIntOrStringAnyOf(s.allOf[0].anyOf);

/** validateValueValidation */
function validateValueValidation(v: Schema, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, lvl: Level, p: Path, out: Errs): void {
  if (!skipAnyOf) arr(v.anyOf).forEach((x, i) => validateNestedValueValidation(schemaOf(x), false, lvl, child(child(p, 'anyOf'), i), out));
  arr(v.allOf).forEach((x, i) => validateNestedValueValidation(schemaOf(x), skipFirstAllOfAnyOf && i === 0, lvl, child(child(p, 'allOf'), i), out));
  arr(v.oneOf).forEach((x, i) => validateNestedValueValidation(schemaOf(x), false, lvl, child(child(p, 'oneOf'), i), out));
  validateNestedValueValidation(schemaOf(v.not), false, lvl, child(p, 'not'), out);
  const pattern = str(v.pattern);
  if (pattern)
    try {
      compileGoRegexp(pattern);
    } catch (e) {
      out.push(invalid(ours(child(p, 'pattern')), pattern, `must be a valid regular expression, but isn't: ${(e as Error).message}`, 'validateValueValidation', 'the API server compiles pattern with Go\'s regexp (RE2 syntax)'));
    }
}

/** validateNestedValueValidation: under anyOf/allOf/oneOf/not only value validation, no skeleton. */
function validateNestedValueValidation(v: Schema | undefined, skipAnyOf: boolean, lvl: Level, p: Path, out: Errs): void {
  if (!v) return;
  const f = 'validateNestedValueValidation';
  validateValueValidation(v, skipAnyOf, false, lvl, p, out);
  if (isObj(v.items)) validateNestedValueValidation(v.items, false, lvl, child(p, 'items'), out);
  for (const k of propNames(v)) validateNestedValueValidation(v.properties[k], false, 'field', prop(p, k), out);
  const no = (k: string, detail: string) => out.push(forbidden(ours(child(p, k)), detail, f, `move ${k} out of anyOf/allOf/oneOf/not into the schema of the field itself`));
  if (t(v)) no('type', 'must be empty to be structural');
  if (has(v.additionalProperties)) no('additionalProperties', 'must be undefined to be structural');
  if (has(v.default)) no('default', 'must be undefined to be structural');
  if (str(v.title)) no('title', 'must be empty to be structural');
  if (str(v.description)) no('description', 'must be empty to be structural');
  if (v.nullable === true) no('nullable', 'must be false to be structural');
  if (v['x-kubernetes-preserve-unknown-fields'] === true) no('x-kubernetes-preserve-unknown-fields', 'must be false to be structural');
  if (v['x-kubernetes-embedded-resource'] === true) no('x-kubernetes-embedded-resource', 'must be false to be structural');
  if (v['x-kubernetes-int-or-string'] === true) no('x-kubernetes-int-or-string', 'must be false to be structural');
  if (arr(v['x-kubernetes-list-map-keys']).length) no('x-kubernetes-list-map-keys', 'must be empty to be structural');
  if (has(v['x-kubernetes-list-type'])) no('x-kubernetes-list-type', 'must be undefined to be structural');
  if (has(v['x-kubernetes-map-type'])) no('x-kubernetes-map-type', 'must be undefined to be structural');
  if (arr(v['x-kubernetes-validations']).length) no('x-kubernetes-validations', 'must be empty to be structural');
  // forbid reasoning about metadata: it could restrict metadata in ways not wanted
  if (propOf(v, 'metadata')) out.push(forbidden(ours(prop(p, 'metadata')), 'must not be specified in a nested context', f));
}

// ---- complete.go: what value validation names must be in the skeleton too. Only the root's anyOf/allOf/oneOf/not
// are followed (validateStructuralCompleteness starts from the root's value validation).

function validateValueValidationCompleteness(v: Schema, s: Schema | undefined, sPath: Path, vPath: Path, out: Errs): void {
  if (!s) {
    out.push(required(ours(sPath), `because it is defined in ${upstream(vPath)}`, 'validateStructuralCompleteness'));
    return;
  }
  validateNestedValueValidationCompleteness(schemaOf(v.not), s, sPath, child(vPath, 'not'), out);
  for (const j of ['allOf', 'anyOf', 'oneOf']) arr(v[j]).forEach((x, i) => validateNestedValueValidationCompleteness(schemaOf(x), s, sPath, child(child(vPath, j), i), out));
}

function validateNestedValueValidationCompleteness(v: Schema | undefined, s: Schema | undefined, sPath: Path, vPath: Path, out: Errs): void {
  if (!v) return;
  const fnc = 'validateStructuralCompleteness';
  if (!s) {
    out.push(required(ours(sPath), `because it is defined in ${upstream(vPath)}`, fnc));
    return;
  }
  validateValueValidationCompleteness(v, s, sPath, vPath, out);
  validateNestedValueValidationCompleteness(schemaOf(v.items), schemaOf(s.items), child(sPath, 'items'), child(vPath, 'items'), out);
  for (const k of propNames(v)) {
    const x = v.properties[k];
    const sk = propOf(s, k);
    if (!sk) out.push(required(ours(prop(sPath, k)), `because it is defined in ${upstream(prop(vPath, k))}`, fnc, `declare ${k} under properties too: anyOf/allOf/oneOf/not may only restrict fields the schema declares`));
    else validateNestedValueValidationCompleteness(x, sk, prop(sPath, k), prop(vPath, k), out);
  }
}

// ---- pkg/apis/apiextensions/validation/validation.go

interface Ssv {
  readonly allowDefaults: boolean;
  readonly disallowDefaultsReason?: string;
  readonly insideResourceMeta: boolean;
}

/** specStandardValidatorV3.validate */
function specStandardValidate(s: Schema, p: Path, ssv: Ssv, out: Errs, simple: boolean): void {
  const f = 'specStandardValidatorV3';
  const type = t(s);
  if (simple) return plainSpecStandardValidate(type, s.items, p, out);
  if (type && !openapiV3Types.includes(type)) out.push(notSupported(ours(child(p, 'type')), type, openapiV3Types, f));
  if (has(s.default) && !ssv.allowDefaults) out.push(forbidden(ours(child(p, 'default')), `must not be set${ssv.disallowDefaultsReason ? ` ${ssv.disallowDefaultsReason}` : ''}`, f));
  if (str(s.id)) out.push(forbidden(ours(child(p, 'id')), 'id is not supported', f));
  if (has(s.additionalItems)) out.push(forbidden(ours(child(p, 'additionalItems')), 'additionalItems is not supported', f));
  if (nonEmpty(s.patternProperties)) out.push(forbidden(ours(child(p, 'patternProperties')), 'patternProperties is not supported', f, 'write additionalProperties with a schema for the values (keys cannot be restricted by pattern)'));
  if (nonEmpty(s.definitions)) out.push(forbidden(ours(child(p, 'definitions')), 'definitions is not supported', f));
  if (has(s.dependencies)) out.push(forbidden(ours(child(p, 'dependencies')), 'dependencies is not supported', f));
  if (has(s.$ref)) out.push(forbidden(ours(child(p, '$ref')), '$ref is not supported', f, 'inline the referenced schema'));
  if (type === 'null') out.push(forbidden(ours(child(p, 'type')), 'type cannot be set to null, use nullable as an alternative', f));
  if (Array.isArray(s.items) && s.items.length) out.push(forbidden(ours(child(p, 'items')), 'items must be a schema object and not an array', f));
  if (ssv.insideResourceMeta && s['x-kubernetes-embedded-resource'] === true) out.push(forbidden(ours(child(p, 'x-kubernetes-embedded-resource')), 'must not be used inside of resource meta', f));
}

/** specStandardValidatorV3.validate of a plain node, given its type and items: all it can find there. */
function plainSpecStandardValidate(type: string, items: unknown, p: Path, out: Errs): void {
  const f = 'specStandardValidatorV3';
  if (type && !openapiV3Types.includes(type)) out.push(notSupported(ours(child(p, 'type')), type, openapiV3Types, f));
  if (type === 'null') out.push(forbidden(ours(child(p, 'type')), 'type cannot be set to null, use nullable as an alternative', f));
  if (Array.isArray(items) && items.length) out.push(forbidden(ours(child(p, 'items')), 'items must be a schema object and not an array', f));
}

/**
 * ValidateCustomResourceDefinitionOpenAPISchema, without CEL (see the header), into `w.openAPI`; where `lvl` is given
 * the node belongs to the skeleton (the root, and below it only items, properties and additionalProperties), and
 * validateStructuralInvariants judges it too (see Walk). A node with properties walked before in the same context and
 * found clean is not walked again (Walk.clean).
 */
function validateOpenAPISchema(s: Schema | undefined, p: Path, ssv: Ssv, isRoot: boolean, w: Walk, lvl?: Level, reach: Reach = UNREACHED): void {
  if (!s) return;
  if (typeof reach === 'object' || w.unreadable || !isObj(s.properties)) return walkNode(s, p, ssv, isRoot, w, lvl, reach);
  const context = contextOf(ssv, isRoot, lvl, reach);
  const c = w.clean.get(s);
  if (c === context && ssv.disallowDefaultsReason === undefined) return;
  if (c !== undefined && typeof c === 'object' && c.context === context && c.disallowDefaultsReason === ssv.disallowDefaultsReason) {
    for (const d of c.defaults) w.defaults.push(d.meta ? { s: d.s, p: below(p, d.steps), embedded: d.embedded, meta: d.meta } : { s: d.s, p: below(p, d.steps), embedded: d.embedded });
    return;
  }
  const errors = w.openAPI.length + w.structural.length;
  const defaultsFrom = w.defaults.length;
  walkNode(s, p, ssv, isRoot, w, lvl, reach);
  if (w.unreadable || w.openAPI.length + w.structural.length !== errors) return;
  if (w.defaults.length === defaultsFrom && ssv.disallowDefaultsReason === undefined) w.clean.set(s, context);
  else w.clean.set(s, { context, disallowDefaultsReason: ssv.disallowDefaultsReason, defaults: w.defaults.slice(defaultsFrom).map((d) => ({ s: d.s, steps: stepsFrom(p, d.p), embedded: d.embedded, meta: d.meta })) });
}

/** A clean walk (Walk.clean) that noted defaults, or ran where defaults are refused for a reason. */
interface CleanWalk {
  readonly context: number;
  readonly disallowDefaultsReason: string | undefined;
  readonly defaults: readonly { readonly s: Schema; readonly steps: readonly Path[]; readonly embedded: boolean; readonly meta?: MetaPlace }[];
}
const LEVELS: Readonly<Record<Level, number>> = { root: 1, item: 2, field: 3 };
/** What a walk of a node runs in, but the reason defaults are refused, as bits: ssv's flags, isRoot, the level and the reach (0 or 1). */
const contextOf = (ssv: Ssv, isRoot: boolean, lvl: Level | undefined, reach: 0 | 1): number =>
  (ssv.allowDefaults ? 1 : 0) | (ssv.insideResourceMeta ? 2 : 0) | (isRoot ? 4 : 0) | ((lvl ? LEVELS[lvl] : 0) << 3) | (reach << 5);
/** The steps from `top` down to `p` (a path below it), top first: each a Path whose `up` is to be replaced. */
function stepsFrom(top: Path, p: Path): Path[] {
  const steps: Path[] = [];
  for (let q: Path | undefined = p; q !== top; q = q.up) {
    if (!q) throw new Error('structural: a default noted outside the node walked');
    steps.push(q);
  }
  return steps.reverse();
}
/** `steps` (stepsFrom) below `p`. */
const below = (p: Path, steps: readonly Path[]): Path => steps.reduce((up, q) => child(up, q.k, q.key), p);

/** validateOpenAPISchema of a node, walked. */
function walkNode(s: Schema, p: Path, ssv: Ssv, isRoot: boolean, w: Walk, lvl: Level | undefined, reach: Reach): void {
  const simple = plainNode(s);
  if (simple && !isRoot) return plainSchema(nodeType, nodeProperties, nodeItems, p, ssv, w, lvl, reach);
  // ValidateDefaults: an embedded resource (the root always) starts outside metadata again
  const embedded = isRoot || s['x-kubernetes-embedded-resource'] === true;
  const here: Reach = reach === UNREACHED ? UNREACHED : embedded ? DEFAULTS : reach;
  if (here !== UNREACHED && s.default !== undefined && s.default !== null) w.defaults.push(typeof here === 'object' ? { s, p, embedded, meta: here } : { s, p, embedded });
  const out = w.openAPI;
  specStandardValidate(s, p, ssv, out, simple);
  if (!w.unreadable && mayBeUnreadable(s, simple)) w.unreadable = true;
  if (lvl) validateStructuralInvariants(s, lvl, p, w.structural, simple);
  // the skeleton's children: items and additionalProperties are its items and fields, properties its fields
  const fields: Level | undefined = lvl && 'field';
  const itemLevel: Level | undefined = lvl && 'item';
  if (simple) {
    // nothing of its own to judge: its properties (metadata's rules at the root) and items
    for (const k of propNames(s)) validateOpenAPISchema(s.properties[k], prop(p, k), isRoot && metaFields.has(k) ? { ...ssv, insideResourceMeta: true, allowDefaults: false, disallowDefaultsReason: `in top-level ${k}` } : ssv, false, w, fields, reachOf(here, embedded, k, s, isRoot));
    if (isObj(s.items)) validateOpenAPISchema(s.items, child(p, 'items'), ssv, false, w, itemLevel, itemsReach(here));
    else if (Array.isArray(s.items)) s.items.forEach((x, i) => validateOpenAPISchema(schemaOf(x), child(child(p, 'items'), i), ssv, false, w));
    return;
  }
  nonPlainChildren(s, p, ssv, isRoot, w, lvl, here, embedded);
  validateListAndMapTypes(s, p, out);
  validateMapListKeysMapSet(s, p, out);
  validateXValidations(s, p, out);
}

// The rest of validateOpenAPISchema for a node that is not plain, in two functions of their own: the walk visits tens of
// thousands of nodes a CRD and is compiled by the optimizing compiler on every thread that checks CRDs; kept apart, the
// checks few nodes reach neither make that compilation longer nor throw the walk's compiled code away when one first
// meets a value of a new shape (docs/benchmarks.md, files mode, the eighteenth session).

/** validateOpenAPISchema's uniqueItems check and its walk into the children of `s`, a node that is not plain. */
function nonPlainChildren(s: Schema, p: Path, ssv: Ssv, isRoot: boolean, w: Walk, lvl: Level | undefined, here: Reach, embedded: boolean): void {
  const out = w.openAPI;
  const f = 'ValidateCustomResourceDefinitionOpenAPISchema';
  const fields: Level | undefined = lvl && 'field';
  const itemLevel: Level | undefined = lvl && 'item';
  if (s.uniqueItems === true) out.push(forbidden(ours(child(p, 'uniqueItems')), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic', f, 'write x-kubernetes-list-type: set instead'));
  if (has(s.additionalProperties)) {
    // properties are for structs, additionalProperties for maps: together they contradict pruning of unknown fields
    if (hasProps(s) && (s.additionalProperties === false || isObj(s.additionalProperties)))
      out.push(forbidden(ours(child(p, 'additionalProperties')), 'additionalProperties and properties are mutual exclusive', f, 'keep properties (a struct) or additionalProperties (a map), not both'));
    const sub = ssv.insideResourceMeta ? { ...ssv, allowDefaults: false, disallowDefaultsReason: 'inside additionalProperties applying to object metadata' } : ssv;
    validateOpenAPISchema(schemaOf(s.additionalProperties), child(p, 'additionalProperties'), sub, false, w, fields);
  }
  for (const k of propNames(s)) {
    const x = s.properties[k];
    let sub = ssv;
    if ((isRoot || s['x-kubernetes-embedded-resource'] === true) && metaFields.has(k)) {
      sub = { ...sub, insideResourceMeta: true };
      if (isRoot) sub = { ...sub, allowDefaults: false, disallowDefaultsReason: `in top-level ${k}` };
    }
    validateOpenAPISchema(x, prop(p, k), sub, false, w, fields, reachOf(here, embedded, k, s, isRoot));
  }
  validateOpenAPISchema(schemaOf(s.not), child(p, 'not'), ssv, false, w);
  for (const j of ['allOf', 'oneOf', 'anyOf']) arr(s[j]).forEach((x, i) => validateOpenAPISchema(schemaOf(x), child(child(p, j), i), ssv, false, w));
  if (isObj(s.definitions)) for (const [k, x] of Object.entries(s.definitions)) validateOpenAPISchema(schemaOf(x), child(child(p, 'definitions'), k, true), ssv, false, w);
  if (isObj(s.items)) validateOpenAPISchema(s.items, child(p, 'items'), ssv, false, w, itemLevel, itemsReach(here));
  else if (Array.isArray(s.items)) s.items.forEach((x, i) => validateOpenAPISchema(schemaOf(x), child(child(p, 'items'), i), ssv, false, w));
  if (isObj(s.dependencies)) for (const [k, x] of Object.entries(s.dependencies)) validateOpenAPISchema(schemaOf(x), child(child(p, 'dependencies'), k, true), ssv, false, w);
}

/** validateOpenAPISchema's checks of x-kubernetes-preserve-unknown-fields, -map-type, -list-type and -list-map-keys. */
function validateListAndMapTypes(s: Schema, p: Path, out: Errs): void {
  const f = 'ValidateCustomResourceDefinitionOpenAPISchema';
  const type = t(s);
  const typePath = () => ours(child(p, 'type'));
  if (s['x-kubernetes-preserve-unknown-fields'] === false)
    out.push(invalid(ours(child(p, 'x-kubernetes-preserve-unknown-fields')), false, 'must be true or undefined', f, 'remove x-kubernetes-preserve-unknown-fields: false (unknown fields are pruned unless it is true)'));
  const mapType = s['x-kubernetes-map-type'];
  if (has(mapType) && type !== 'object') {
    const detail = 'must be object if x-kubernetes-map-type is specified';
    out.push(type ? invalid(typePath(), type, detail, f) : required(typePath(), detail, f));
  }
  if (has(mapType) && mapType !== 'atomic' && mapType !== 'granular') out.push(notSupported(ours(child(p, 'x-kubernetes-map-type')), mapType, ['atomic', 'granular'], f));
  const listType = s['x-kubernetes-list-type'];
  const items = schemaOf(s.items);
  if (has(listType) && type !== 'array') {
    const detail = 'must be array if x-kubernetes-list-type is specified';
    out.push(type ? invalid(typePath(), type, detail, f) : required(typePath(), detail, f));
  } else if (listType === 'set' && items) {
    // requireAtomicSetType: the items of a set are compared whole
    const detail = 'must be atomic as item of a list with x-kubernetes-list-type=set';
    if (t(items) === 'array' && has(items['x-kubernetes-list-type']) && items['x-kubernetes-list-type'] !== 'atomic')
      out.push(invalid(ours(child(child(p, 'items'), 'x-kubernetes-list-type')), items['x-kubernetes-list-type'], detail, f));
    // upstream quotes the items' list type here, not their map type
    else if (t(items) === 'object' && items['x-kubernetes-map-type'] !== 'atomic')
      out.push(invalid(ours(child(child(p, 'items'), 'x-kubernetes-map-type')), items['x-kubernetes-list-type'] ?? null, detail, f, 'set x-kubernetes-map-type: atomic on the items, or make the list x-kubernetes-list-type: map'));
  }
  if (has(listType) && !['atomic', 'set', 'map'].includes(listType)) out.push(notSupported(ours(child(p, 'x-kubernetes-list-type')), listType, ['atomic', 'set', 'map'], f));
  const keys = arr(s['x-kubernetes-list-map-keys']);
  if (keys.length) {
    const detail = 'must be map if x-kubernetes-list-map-keys is non-empty';
    if (!has(listType)) out.push(required(ours(child(p, 'x-kubernetes-list-type')), detail, f));
    else if (listType !== 'map') out.push(invalid(ours(child(p, 'x-kubernetes-list-type')), listType, detail, f));
  }
  if (listType === 'map') {
    if (!keys.length) out.push(required(ours(child(p, 'x-kubernetes-list-map-keys')), 'must not be empty if x-kubernetes-list-type is map', f));
    if (!has(s.items)) out.push(required(ours(child(p, 'items')), 'must have a schema if x-kubernetes-list-type is map', f));
    else if (!items) out.push(invalid(ours(child(p, 'items')), s.items, 'must only have a single schema if x-kubernetes-list-type is map', f));
    else if (t(items) !== 'object') out.push(invalid(ours(child(child(p, 'items'), 'type')), t(items), "must be object if parent array's x-kubernetes-list-type is map", f));
    else {
      const seen = new Set<string>();
      for (const k of keys.map(str)) {
        const x = propOf(items, k);
        // upstream quotes the items' type here
        if (x && (t(x) === 'array' || t(x) === 'object')) out.push(invalid(ours(child(prop(child(p, 'items'), k), 'type')), t(items), "must be a scalar type if parent array's x-kubernetes-list-type is map", f));
        else if (!x) out.push(invalid(ours(child(p, 'x-kubernetes-list-map-keys')), keys, 'entries must all be names of item properties', f));
        if (seen.has(k)) out.push(invalid(ours(child(p, 'x-kubernetes-list-map-keys')), keys, 'must not contain duplicate entries', f));
        seen.add(k);
      }
    }
  }
}

// A plain node's type, properties and items, as plainNode read them: most of a large CRD's nodes are plain, and reading
// their fields by name, on objects of as many shapes as a CRD's schemas have (JSON.parse gives each order of keys its
// own), cost more than the checks themselves; the one for-in pass that tells a plain node reads them through its
// enumeration instead.
let nodeType: unknown;
let nodeProperties: unknown;
let nodeItems: unknown;

/** plain(s), reading type, properties and items into nodeType, nodeProperties and nodeItems on the way. */
function plainNode(s: Schema): boolean {
  nodeType = nodeProperties = nodeItems = undefined;
  for (const k in s) {
    if (k === 'type') nodeType = s[k];
    else if (k === 'properties') nodeProperties = s[k];
    else if (k === 'items') nodeItems = s[k];
    else if (!plainKeys.has(k)) return false;
  }
  return true;
}

/**
 * validateOpenAPISchema of a plain node below the root, given its type, properties and items: what
 * specStandardValidate, mayBeUnreadable and validateStructuralInvariants judge of a plain node (its type, and items as
 * a list or missing), then its properties and items, as the general path walks them.
 */
function plainSchema(typeValue: unknown, properties: unknown, itemsValue: unknown, p: Path, ssv: Ssv, w: Walk, lvl: Level | undefined, reach: Reach): void {
  const type = str(typeValue);
  plainSpecStandardValidate(type, itemsValue, p, w.openAPI);
  const itemList = Array.isArray(itemsValue);
  // mayBeUnreadable of a plain node
  if (itemList && itemsValue.length) w.unreadable = true;
  const items = isObj(itemsValue) ? itemsValue : undefined;
  if (lvl) {
    // validateStructuralInvariants of a plain node below the root (no extension, no metadata to judge)
    if (type === 'array' && !items) w.structural.push(itemsMissing(p));
    if (!type) w.structural.push(required(ours(child(p, 'type')), typeMissing[lvl], fn, missingTypeHint));
  }
  const fields: Level | undefined = lvl && 'field';
  if (isObj(properties))
    for (const k in properties) {
      const x = properties[k];
      if (isObj(x) && Object.hasOwn(properties, k)) plainChild(x, p, k, ssv, w, fields, propertyReach(reach, k));
    }
  if (items) plainChild(items, p, null, ssv, w, lvl && 'item', itemsReach(reach));
  else if (itemList) itemsValue.forEach((x, i) => validateOpenAPISchema(schemaOf(x), child(child(p, 'items'), i), ssv, false, w));
}

/** The types a plain leaf may have and hold nothing any walk here refuses (an array needs its items). */
const leafTypes: ReadonlySet<string> = new Set(['boolean', 'integer', 'number', 'object', 'string']);

/**
 * validateOpenAPISchema of property `k` (null: the items) of plain node at `p`, its path made only when visited. A plain leaf (no
 * properties, no items) of a type of leafTypes is not visited: plainSchema would find nothing in it (its type is
 * supported and given, it holds no list of items, no default, nothing below). Most nodes of a large CRD's schema are
 * such leaves (`{description, type: string}`). Another plain child goes to plainSchema with what plainNode read.
 */
function plainChild(x: Schema, p: Path, k: string | null, ssv: Ssv, w: Walk, lvl: Level | undefined, reach: Reach): void {
  // (a node with properties: its walk may be one done before, Walk.clean)
  if (!plainNode(x) || isObj(nodeProperties)) return validateOpenAPISchema(x, k === null ? child(p, 'items') : prop(p, k), ssv, false, w, lvl, reach);
  if (nodeProperties === undefined && nodeItems === undefined && typeof nodeType === 'string' && leafTypes.has(nodeType)) return;
  plainSchema(nodeType, nodeProperties, nodeItems, k === null ? child(p, 'items') : prop(p, k), ssv, w, lvl, reach);
}

/** validateMapListKeysMapSet (requireMapListKeysMapSetValidation) */
function validateMapListKeysMapSet(s: Schema, p: Path, out: Errs): void {
  const items = schemaOf(s.items);
  const listType = s['x-kubernetes-list-type'];
  if (!items || (listType !== 'set' && listType !== 'map')) return;
  const f = 'validateMapListKeysMapSet';
  const ip = child(p, 'items');
  if (items.nullable === true) out.push(forbidden(ours(child(ip, 'nullable')), `cannot be nullable when x-kubernetes-list-type is ${listType}`, f));
  if (listType === 'map') {
    const req = new Set(arr(items.required).map(str));
    for (const k of arr(s['x-kubernetes-list-map-keys']).map(str)) {
      const x = propOf(items, k);
      if (!x) continue;
      if (!req.has(k) && !has(x.default))
        out.push(required(ours(child(prop(ip, k), 'default')), 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property', f, `list ${k} in the items' required, or give it a default`));
      if (x.nullable === true) out.push(forbidden(ours(child(prop(ip, k), 'nullable')), 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable', f));
    }
  }
}

const newlines = /[\n\r]+/;

/** The x-kubernetes-validations rules of ValidateCustomResourceDefinitionOpenAPISchema that need no CEL. */
function validateXValidations(s: Schema, p: Path, out: Errs): void {
  const f = 'ValidateCustomResourceDefinitionOpenAPISchema';
  arr(s['x-kubernetes-validations']).forEach((r: any, i: number) => {
    const rp = child(child(p, 'x-kubernetes-validations'), i);
    const rule = str(r?.rule);
    const message = str(r?.message);
    const messageExpression = str(r?.messageExpression);
    const fieldPath = str(r?.fieldPath);
    const trimmedRule = rule.trim();
    const trimmedMsg = message.trim();
    if (!trimmedRule) out.push(required(ours(child(rp, 'rule')), 'rule is not specified', f));
    else if (message.length && !trimmedMsg) out.push(invalid(ours(child(rp, 'message')), message, 'message must be non-empty if specified', f));
    else if (newlines.test(trimmedMsg)) out.push(invalid(ours(child(rp, 'message')), message, 'message must not contain line breaks', f));
    else if (newlines.test(trimmedRule) && !trimmedMsg) out.push(required(ours(child(rp, 'message')), 'message must be specified if rule contains line breaks', f, 'give the rule a one-line message'));
    if (messageExpression.length && !messageExpression.trim()) out.push(required(ours(child(rp, 'messageExpression')), 'messageExpression must be non-empty if specified', f));
    if (has(r?.reason) && !validationReasons.includes(str(r.reason))) out.push(notSupported(ours(child(rp, 'reason')), r.reason, validationReasons, f));
    if (fieldPath.length && !fieldPath.trim()) out.push(invalid(ours(child(rp, 'fieldPath')), fieldPath, 'fieldPath must be non-empty if specified', f));
    if (newlines.test(fieldPath)) out.push(invalid(ours(child(rp, 'fieldPath')), fieldPath, 'fieldPath must not contain line breaks', f));
  });
}
