// What the API server requires of the defaults in a v1 CustomResourceDefinition's structural schema (Kubernetes 1.31):
// kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema/
// - defaulting/validation.go ValidateDefaults (isResourceRoot true, requirePrunedDefaults true, as
//   validateCustomResourceDefinitionValidation calls it for a v1 CRD once NewStructural reads the schema and
//   ValidateStructural passes; structural.ts finds the defaults it judges in its own walk of the schema): from the root
//   through items and properties (never additionalProperties), each node's default, where the default is not null,
//   - outside metadata: must survive pruning by the node's schema unchanged (pruning/algorithm.go Prune): "must not
//     have unknown fields"; then its embedded resources must coerce (objectmeta/algorithm.go Coerce: apiVersion and kind
//     strings, metadata an ObjectMeta) and validate (objectmeta/validation.go: apiVersion and kind given and well
//     formed, metadata by ValidateObjectMeta); else it must validate against the node's schema
//     (validation.ValidateCustomResource), then against its x-kubernetes-validations rules;
//   - inside the metadata, apiVersion or kind of the root or of an embedded resource: the default is put in its place
//     in an object of that resource (surroundingobject.go, TypeMeta validation/v1 Validation where the default sets
//     none), which must coerce and validate as above ("must result in valid metadata: …"); then the schema and rules.
// The node's schema and rules are policies/lib/crd-schema.ts validateStructural, without pruning and without defaulting
// (create semantics for CEL: a rule that reads oldSelf is skipped, where upstream evaluates it with the default as the
// old value too). Not ported: ownerReferences and managedFields of an embedded ObjectMeta, the finalizer names'
// standard set, and the CEL cost budget.
import { valueAt } from '../../../kube/object.ts';
import { fixFor } from '../../../kube/value-fix.ts';
import { validateStructural, type PathSegment } from '../../lib/crd-schema.ts';
import { ValidateAnnotations } from '../core.ts';
import { at, invalid, isObj, metaFields, notSupported, required, ValidateLabels, type Errs, type FieldError } from './field.ts';
import { IsDNS1035Label, IsDNS1123Label, IsQualifiedName, IsValidPathSegmentName } from './validation.ts';

type Schema = Record<string, any>;

const fn = 'ValidateDefaults';
const fix = 'make the default a value the schema accepts';
/** validateStructural's options for a default: as kube-openapi judges it, not pruned and not defaulted. */
const asValidated = { defaulting: false, unknownFields: false, once: true } as const;

/** Where a default inside metadata sits: the embedded resource's schema (the root's, embedded), and the steps to it. */
export interface MetaPlace {
  readonly root: Schema;
  /** property names, and 0 for items (surroundingobject.go Index: the focus as the list's first item) */
  readonly steps: readonly (string | 0)[];
}

/**
 * The errors of the default of schema node `s` outside metadata, in upstream's order: pruning, then the embedded
 * resources in it, else the node's schema and its rules. `pathOf` writes the default's own path (only for an error: a
 * large CRD has hundreds of defaults, nearly all fine). `embedded`: the node is an embedded resource (the root always is).
 */
export function validateDefault(s: Schema, pathOf: () => string, embedded: boolean): Errs {
  const value = s.default;
  const out: Errs = [];
  if (prunes(value, s, embedded)) out.push(invalid(pathOf(), value, 'must not have unknown fields', fn, 'declare the field in the schema, or remove it from the default'));
  // scalars hold no embedded resource
  if (value !== null && typeof value === 'object') {
    const node = embedded ? { ...s, 'x-kubernetes-embedded-resource': true } : s;
    const coerced = coerce(value, node, pathOf());
    if (coerced) return [...out, coerced];
    const meta = metaErrors(value, node, pathOf());
    if (meta.length) return [...out, ...meta];
  }
  return schemaErrors(s, value, pathOf, out);
}

/** The errors of the default of schema node `s` inside metadata (`place`): the surrounding object's, else the schema's. */
export function validateMetaDefault(s: Schema, pathOf: () => string, place: MetaPlace): Errs {
  const value = s.default;
  let obj: unknown = value;
  for (let i = place.steps.length - 1; i >= 0; i--) {
    const k = place.steps[i]!;
    obj = k === 0 ? [obj] : { [k]: obj };
  }
  // NewRootObjectFunc().WithTypeMeta: the TypeMeta of the surrounding object, where the default does not set it
  const surrounding = { ...(obj as Record<string, unknown>) };
  if (!('kind' in surrounding)) surrounding.kind = 'Validation';
  if (!('apiVersion' in surrounding)) surrounding.apiVersion = 'validation/v1';
  const coerced = coerce(surrounding, place.root, '');
  const meta = coerced ? [coerced] : metaErrors(surrounding, place.root, '');
  if (meta.length) return [invalid(pathOf(), value, `must result in valid metadata: ${aggregate(meta)}`, fn, fix)];
  return schemaErrors(s, value, pathOf, []);
}

/** ValidateCustomResource and the CEL rules: the node's schema judges the bare default (its errors added to `out`). */
function schemaErrors(s: Schema, value: unknown, pathOf: () => string, out: Errs): Errs {
  const issues = validateStructural(s, value, asValidated);
  if (!issues.length) return out;
  const path = pathOf();
  for (const issue of issues) {
    if (issue.severity) continue; // what could not be checked (an unsupported CEL function) is no error
    const where = issue.path.reduce<string>((p, k: PathSegment) => at(p, k), path);
    const v = valueAt(value, issue.path);
    const hint = fixFor(issue, v) ?? fix;
    // kube-openapi's enum error is NotSupported (the others Invalid, a wrong type TypeInvalid, which reads the same)
    if (issue.allowed) out.push(notSupported(where, v, issue.allowed.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))), fn, hint));
    else out.push(invalid(where, v, issue.message, fn, hint));
  }
  return out;
}

/** utilerrors.NewAggregate(...).Error(): one error as it is, several in brackets. */
function aggregate(errs: readonly FieldError[]): string {
  const text = (e: FieldError) => `${e.path ? `${e.path}: ` : ''}${e.type}${e.value !== undefined ? `: ${JSON.stringify(e.value)}` : ''}${e.detail ? `: ${e.detail}` : ''}`;
  return errs.length === 1 ? text(errs[0]!) : `[${errs.map(text).join(', ')}]`;
}

const child = (path: string, k: string | number): string => (path ? at(path, k) : String(k));

// ---- pruning/algorithm.go Prune(obj, s, root): does it remove anything? (requirePrunedDefaults compares the pruned
// copy with the default: they differ exactly when a field is removed.)

function prunes(x: unknown, s: Schema | undefined, root: boolean): boolean {
  return prune(x, root ? { ...(s ?? {}), 'x-kubernetes-embedded-resource': true } : s);
}

/** The structural schema of additionalProperties: its schema, or none for a boolean (StructuralOrBool.Structural nil). */
const additional = (s: Schema): Schema | undefined => (isObj(s.additionalProperties) ? s.additionalProperties : undefined);
const hasAdditional = (s: Schema): boolean => s.additionalProperties !== undefined && s.additionalProperties !== null;
const propertyOf = (s: Schema, k: string): Schema | undefined | false =>
  isObj(s.properties) && Object.hasOwn(s.properties, k) ? (isObj(s.properties[k]) ? s.properties[k] : undefined) : false;

function prune(x: unknown, s: Schema | undefined): boolean {
  return prunesFields(x, s, s?.['x-kubernetes-preserve-unknown-fields'] === true);
}

/**
 * prune (`keep` false) or, under x-kubernetes-preserve-unknown-fields, skipPrune (`keep` true: the node's own unknown
 * fields stay, what is below its declared ones is pruned as usual): does either remove a field?
 */
function prunesFields(x: unknown, s: Schema | undefined, keep: boolean): boolean {
  if (keep && !s) return false;
  if (Array.isArray(x)) {
    const items = s && isObj(s.items) ? s.items : undefined;
    return x.some((v) => (keep ? prunesFields(v, items, true) : prune(v, items)));
  }
  if (!isObj(x)) return false;
  if (!s) return Object.keys(x).length > 0;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  for (const k of Object.keys(x)) {
    if (embedded && metaFields.has(k)) continue;
    const prop = propertyOf(s, k);
    if (prop !== false) {
      if (prune(x[k], prop)) return true;
    } else if (hasAdditional(s)) {
      if (prune(x[k], additional(s))) return true;
    } else if (!keep) return true;
  }
  return false;
}

// ---- objectmeta/algorithm.go Coerce (dropInvalidFields false): the first embedded apiVersion, kind or metadata of the
// wrong type, as the one error it returns.

function coerce(x: unknown, s: Schema | undefined, path: string): FieldError | undefined {
  if (!s) return undefined;
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      const e = coerce(x[i], isObj(s.items) ? s.items : undefined, child(path, i));
      if (e) return e;
    }
    return undefined;
  }
  if (!isObj(x)) return undefined;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  for (const k of Object.keys(x)) {
    const v = x[k];
    if (embedded && (k === 'apiVersion' || k === 'kind') && typeof v !== 'string') return invalid(child(path, k), v, 'must be a string', 'Coerce', fix);
    if (embedded && k === 'metadata') {
      const bad = objectMetaTypeError(v);
      if (bad) return invalid(child(path, 'metadata'), v, bad, 'GetObjectMeta', 'metadata holds ObjectMeta fields of their types (name a string, labels a map of strings, …)');
    }
    const prop = propertyOf(s, k);
    const e = prop !== false ? coerce(v, prop, child(path, k)) : hasAdditional(s) ? coerce(v, additional(s), child(path, k)) : undefined;
    if (e) return e;
  }
  return undefined;
}

/** JSON's types of metav1.ObjectMeta's fields (unknown fields are ignored by the decoder; null is each type's zero value). */
type Json = 'string' | 'int64' | 'time' | 'strings map' | 'string list' | 'object list' | 'object';
const objectMetaFields: Record<string, Json> = {
  name: 'string',
  generateName: 'string',
  namespace: 'string',
  selfLink: 'string',
  uid: 'string',
  resourceVersion: 'string',
  generation: 'int64',
  creationTimestamp: 'time',
  deletionTimestamp: 'time',
  deletionGracePeriodSeconds: 'int64',
  labels: 'strings map',
  annotations: 'strings map',
  ownerReferences: 'object list',
  finalizers: 'string list',
  managedFields: 'object list',
};
/** metav1.Time's JSON: RFC 3339 (time.RFC3339 as Go parses it: seconds, optional fraction, Z or an offset). */
const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function fitsJson(v: unknown, type: Json): boolean {
  if (v === null) return true;
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'int64':
      return typeof v === 'number' && Number.isSafeInteger(v);
    case 'time':
      return typeof v === 'string' && rfc3339.test(v) && !Number.isNaN(Date.parse(v));
    case 'strings map':
      return isObj(v) && Object.values(v).every((x) => x === null || typeof x === 'string');
    case 'string list':
      return Array.isArray(v) && v.every((x) => x === null || typeof x === 'string');
    case 'object list':
      return Array.isArray(v) && v.every((x) => x === null || isObj(x));
    case 'object':
      return isObj(v);
  }
}

/** GetObjectMeta(x, false)'s error: metadata that does not decode into an ObjectMeta. */
function objectMetaTypeError(v: unknown): string | undefined {
  if (v === null) return undefined;
  if (!isObj(v)) return `must be an object (ObjectMeta), not ${Array.isArray(v) ? 'a list' : typeof v}`;
  for (const [k, type] of Object.entries(objectMetaFields)) if (Object.hasOwn(v, k) && !fitsJson(v[k], type)) return `metadata.${k} cannot be read as ObjectMeta's ${type}`;
  return undefined;
}

// ---- objectmeta/validation.go Validate: each embedded resource's TypeMeta and ObjectMeta.

function metaErrors(x: unknown, s: Schema | undefined, path: string): Errs {
  const out: Errs = [];
  metaWalk(x, s, path, out);
  return out;
}

function metaWalk(x: unknown, s: Schema | undefined, path: string, out: Errs): void {
  if (!s) return;
  if (Array.isArray(x)) {
    x.forEach((v, i) => metaWalk(v, isObj(s.items) ? s.items : undefined, child(path, i), out));
    return;
  }
  if (!isObj(x)) return;
  if (s['x-kubernetes-embedded-resource'] === true) out.push(...embeddedResource(x, path));
  for (const k of Object.keys(x)) {
    const prop = propertyOf(s, k);
    if (prop !== false) metaWalk(x[k], prop, child(path, k), out);
    else if (hasAdditional(s)) metaWalk(x[k], additional(s), child(path, k), out);
  }
}

/** validateEmbeddedResource: apiVersion and kind required and well formed, metadata by ValidateObjectMeta. */
function embeddedResource(x: Record<string, any>, path: string): Errs {
  const out: Errs = [];
  const f = 'validateEmbeddedResource';
  if (!('apiVersion' in x)) out.push(required(child(path, 'apiVersion'), '', f, 'an embedded resource says its apiVersion'));
  if (!('kind' in x)) out.push(required(child(path, 'kind'), '', f, 'an embedded resource says its kind'));
  for (const k of Object.keys(x)) {
    const v = x[k];
    if (k === 'apiVersion') {
      if (typeof v !== 'string') out.push(invalid(child(path, k), v, 'must be a string', f));
      else if (!v) out.push(required(child(path, k), '', f));
      else if (v !== '/' && v.split('/').length > 2) out.push(invalid(child(path, k), v, `unexpected GroupVersion string: ${v}`, f));
    } else if (k === 'kind') {
      if (typeof v !== 'string') out.push(invalid(child(path, k), v, 'must be a string', f));
      else if (!v) out.push(required(child(path, k), '', f));
      else {
        const errs = IsDNS1035Label(v.toLowerCase());
        if (errs.length) out.push(invalid(child(path, k), v, `may have mixed case, but should otherwise match: ${errs.join(',')}`, f));
      }
    } else if (k === 'metadata') {
      const bad = objectMetaTypeError(v);
      if (bad) out.push(invalid(child(path, k), v, bad, 'GetObjectMeta'));
      else if (isObj(v)) out.push(...objectMeta(v, child(path, k)));
    }
  }
  return out;
}

/**
 * metavalidation.ValidateObjectMeta with path.ValidatePathSegmentName, as validateEmbeddedResource calls it (an empty
 * name taken as "fakename"; a namespace required only where one is given): generateName, name, namespace, generation,
 * labels, annotations and finalizer names.
 */
function objectMeta(md: Record<string, any>, path: string): Errs {
  const out: Errs = [];
  const f = 'ValidateObjectMeta';
  const s = (v: unknown) => (typeof v === 'string' ? v : '');
  const generateName = s(md.generateName);
  // ValidatePathSegmentName(prefix): a prefix may end in '.', so only '/' and '%' are refused
  if (generateName) for (const msg of IsValidPathSegmentName(generateName).filter((m) => m.startsWith('may not contain'))) out.push(invalid(child(path, 'generateName'), generateName, msg, f));
  const name = s(md.name) || 'fakename';
  for (const msg of IsValidPathSegmentName(name)) out.push(invalid(child(path, 'name'), name, msg, f));
  const namespace = s(md.namespace);
  if (namespace) for (const msg of IsDNS1123Label(namespace)) out.push(invalid(child(path, 'namespace'), namespace, msg, 'ValidateNamespaceName'));
  if (typeof md.generation === 'number' && md.generation < 0) out.push(invalid(child(path, 'generation'), md.generation, 'must be greater than or equal to 0', 'ValidateNonnegativeField'));
  out.push(...ValidateLabels(md.labels, child(path, 'labels')));
  out.push(...ValidateAnnotations(md.annotations, child(path, 'annotations')));
  if (Array.isArray(md.finalizers))
    md.finalizers.forEach((x: unknown, i: number) => {
      for (const msg of IsQualifiedName(s(x))) out.push(invalid(at(child(path, 'finalizers'), i), x, msg, 'ValidateFinalizerName'));
    });
  return out;
}
