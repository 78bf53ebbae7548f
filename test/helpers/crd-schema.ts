// Validate objects against a vendored CRD's openAPIV3Schema with ajv, the way the API server's
// structural schema treats them: a field the schema does not declare is an error (the API server
// would prune it silently) unless the node says x-kubernetes-preserve-unknown-fields or declares
// additionalProperties; x-kubernetes-int-or-string accepts both. CEL rules
// (x-kubernetes-validations) are not evaluated here.
// Semantics ported from kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/schema
// (pruning/algorithm.go: prune; objectmeta: metadata is validated by the API server, not the schema).
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';

type Schema = Record<string, any>;

function strict(s: Schema): Schema {
  if (!s || typeof s !== 'object') return s;
  const out: Schema = {};
  for (const [k, v] of Object.entries(s)) {
    if (k.startsWith('x-kubernetes-')) continue;
    if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as Schema).map(([p, sub]) => [p, strict(sub as Schema)]));
    else if (k === 'items' || k === 'additionalProperties' || k === 'not') out[k] = typeof v === 'object' ? strict(v as Schema) : v;
    else if (k === 'allOf' || k === 'anyOf' || k === 'oneOf') out[k] = (v as Schema[]).map(strict);
    else out[k] = v;
  }
  if (s['x-kubernetes-int-or-string']) {
    delete out.type;
    if (!out.anyOf) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined && !s['x-kubernetes-preserve-unknown-fields'])
    out.additionalProperties = false;
  return out;
}

export interface CrdValidator {
  (obj: unknown): string[];
}

/** A validator for `kind` from the CRD file(s); returns ajv errors as `path: message` lines. */
export function crdValidator(file: string, kind: string): CrdValidator {
  const crds = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Schema).filter((d) => d?.kind === 'CustomResourceDefinition');
  const crd = crds.find((c) => c.spec.names.kind === kind);
  if (!crd) throw new Error(`${file}: no CustomResourceDefinition for ${kind}`);
  const version = (crd.spec.versions as Schema[]).find((v) => v.storage) ?? crd.spec.versions[0];
  const schema = strict(version.schema.openAPIV3Schema as Schema);
  // metadata is ObjectMeta, checked by the API server itself: accept any mapping there.
  schema.properties.metadata = { type: 'object' };
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajvFormats.default(ajv);
  const validate = ajv.compile(schema);
  return (obj) => (validate(obj) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${e.params.additionalProperty})` : ''}`));
}
