// The vendored CustomResourceDefinitions (vendor/crds/<project>/) as validators of one object:
// each served version's openAPIV3Schema, walked directly (a structural schema is a plain tree:
// type, properties, additionalProperties, items, required, enum, nullable,
// x-kubernetes-int-or-string, x-kubernetes-preserve-unknown-fields). Strict like
// `kubeconform -strict`: an object schema with `properties` and no preserve-unknown-fields rejects
// unknown keys, which the API server would prune silently. Compiling these schemas with a code
// generator (ajv) costs seconds per run; the walk costs what the object costs. The one CEL rule
// in the Argo Rollouts CRDs (`self == oldSelf` on spec.selector) is a transition rule, not
// checkable on one object.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface SchemaError {
  /** `spec.strategy.canary.steps[0]` */
  readonly path: string;
  readonly message: string;
}

type Schema = Record<string, any>;

const kindOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;

/** Walk `value` against a structural schema; every error with its JSON path. */
export function validateStructural(schema: Schema, value: unknown, path = ''): SchemaError[] {
  const out: SchemaError[] = [];
  const walk = (s: Schema, v: unknown, p: string): void => {
    if (v === null) {
      if (!s.nullable && s.type) out.push({ path: p, message: `must not be null` });
      return;
    }
    if (s['x-kubernetes-int-or-string']) {
      if (kindOf(v) !== 'integer' && typeof v !== 'string') out.push({ path: p, message: `must be an integer or a string, got ${kindOf(v)}` });
      return;
    }
    const k = kindOf(v);
    if (s.type && !(s.type === k || (s.type === 'number' && k === 'integer'))) {
      out.push({ path: p, message: `must be ${s.type}, got ${k}` });
      return;
    }
    if (s.enum && !s.enum.includes(v)) out.push({ path: p, message: `must be one of ${s.enum.map((e: unknown) => JSON.stringify(e)).join(', ')}` });
    if (k === 'array' && s.items) (v as unknown[]).forEach((x, i) => walk(s.items, x, `${p}[${i}]`));
    if (k === 'object') {
      const o = v as Record<string, unknown>;
      for (const r of s.required ?? []) if (!(r in o)) out.push({ path: p, message: `required field "${r}" is missing` });
      for (const [key, x] of Object.entries(o)) {
        const at = p ? `${p}.${key}` : key;
        if (s.properties?.[key]) walk(s.properties[key], x, at);
        else if (s.additionalProperties && typeof s.additionalProperties === 'object') walk(s.additionalProperties, x, at);
        else if (s.properties && !s['x-kubernetes-preserve-unknown-fields'] && s.additionalProperties !== true) out.push({ path: at, message: `unknown field "${key}"` });
      }
    }
  };
  walk(schema, value, path);
  return out;
}

export interface CrdSchema {
  /** `vendor/crds/<project>/<file>` */
  readonly file: string;
  readonly schema: Schema;
}

/** kind → the CRD files that may define it (found by text, parsed only when an object of that kind is checked). */
let filesByKind: Map<string, string[]> | undefined;
const parsed = new Map<string, Map<string, CrdSchema>>();

function candidates(kind: string): string[] {
  if (!filesByKind) {
    filesByKind = new Map();
    const dir = join(root, 'vendor/crds');
    for (const project of readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()))
      for (const f of readdirSync(join(dir, project.name)).filter((n) => n.endsWith('.yaml'))) {
        const rel = `vendor/crds/${project.name}/${f}`;
        for (const m of readFileSync(join(root, rel), 'utf8').matchAll(/^ {2}names:\n(?: {4}\w+: .*\n)*? {4}kind: (\w+)$/gm))
          filesByKind.set(m[1]!, [...(filesByKind.get(m[1]!) ?? []), rel]);
      }
  }
  return filesByKind.get(kind) ?? [];
}

/** `group/version/Kind` → the served version's schema, from one vendored CRD file (parsed once). */
function schemasOf(rel: string): Map<string, CrdSchema> {
  let out = parsed.get(rel);
  if (out) return out;
  out = new Map();
  for (const crd of loadAll(readFileSync(join(root, rel), 'utf8')) as any[]) {
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    for (const v of crd.spec.versions ?? []) {
      if (!v.served || !v.schema?.openAPIV3Schema) continue;
      const schema = { ...v.schema.openAPIV3Schema, properties: { ...v.schema.openAPIV3Schema.properties } };
      // metadata is the API server's to check, not the CRD schema's.
      schema.properties.metadata = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
      out.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, { file: rel, schema });
    }
  }
  parsed.set(rel, out);
  return out;
}

/** Errors of one object against the vendored CRD serving its apiVersion and kind; undefined when none serves it. */
export function validateAgainstCrd(o: Record<string, any>): { file: string; errors: SchemaError[] } | undefined {
  const [group, version] = String(o.apiVersion ?? '').split('/');
  for (const rel of candidates(String(o.kind ?? ''))) {
    const crd = schemasOf(rel).get(`${group}/${version}/${o.kind}`);
    if (crd) return { file: crd.file, errors: validateStructural(crd.schema, o) };
  }
  return undefined;
}
