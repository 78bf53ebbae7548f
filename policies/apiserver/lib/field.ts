// A field error as the API server reports it (k8s.io/apimachinery/pkg/util/validation/field),
// tagged with the upstream function that raises it, and small helpers shared by the rules.
import { closest } from '../../../kube/closest.ts';
import { selectorOperators, type Against } from '../../../kube/index.ts';
import { IsQualifiedName, IsValidLabelValue } from './validation.ts';

export type ErrorType = 'Invalid value' | 'Required value' | 'Forbidden' | 'Duplicate value' | 'Not found' | 'Unsupported value' | 'Too long';

export interface FieldError {
  /** JSON path in the object (`spec.ports[0].port`), where the finding is located. */
  readonly path: string;
  readonly type: ErrorType;
  /** The value the API server would quote, when it quotes one. */
  readonly value?: unknown;
  /** Upstream detail text (`must be between 1 and 65535, inclusive`). */
  readonly detail: string;
  /** Upstream function that raises it (`validateServicePort`). */
  readonly fn: string;
  /** A one-line fix. */
  readonly hint?: string;
  /** Plain-words summary put before the API server's text (`memory request 512Mi exceeds limit 256Mi`). */
  readonly summary?: string;
  /** Other fields of the object the value was judged against (Finding.against). */
  readonly against?: readonly Against[];
}

export type Errs = FieldError[];

/** Child path: `a.b`, `a[0]`, `a["x.y/z"]` (the form scripts/lib/validate/locate.ts parses; kube/workload.ts key). */
export const at = (path: string, k: string | number): string =>
  typeof k === 'number' ? `${path}[${k}]` : isIdentifier(typeof k === 'string' ? k : String(k)) ? (path === '' ? k : `${path}.${k}`) : `${path}[${JSON.stringify(k)}]`;

/** `^[A-Za-z_][A-Za-z0-9_]*$`, the keys written after a dot: tested for every field the rules walk, so without a regex. */
function isIdentifier(k: string): boolean {
  const n = k.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = k.charCodeAt(i);
    // a-z, A-Z, _, and 0-9 after the first
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (i > 0 && c >= 48 && c <= 57))) return false;
  }
  return true;
}

/** The properties of a resource (the root of a CRD's schema, an embedded resource) that are its TypeMeta and ObjectMeta. */
export const metaFields: ReadonlySet<string> = new Set(['metadata', 'kind', 'apiVersion']);
export const isObj = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);
export const arr = (v: unknown): any[] => (Array.isArray(v) ? v : []);
export const has = (v: unknown): boolean => v !== undefined && v !== null;
export const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

export function invalid(path: string, value: unknown, detail: string, fn: string, hint?: string): FieldError {
  return { path, type: 'Invalid value', value, detail, fn, ...(hint ? { hint } : {}) };
}
export const required = (path: string, detail: string, fn: string, hint?: string): FieldError => ({ path, type: 'Required value', detail, fn, ...(hint ? { hint } : {}) });
export const forbidden = (path: string, detail: string, fn: string, hint?: string): FieldError => ({ path, type: 'Forbidden', detail, fn, ...(hint ? { hint } : {}) });
export const duplicate = (path: string, value: unknown, fn: string, hint?: string): FieldError => ({ path, type: 'Duplicate value', value, detail: '', fn, ...(hint ? { hint } : {}) });
export const notFound = (path: string, value: unknown, fn: string, hint?: string): FieldError => ({ path, type: 'Not found', value, detail: '', fn, ...(hint ? { hint } : {}) });
export const notSupported = (path: string, value: unknown, valid: readonly string[], fn: string, hint?: string): FieldError => ({
  path,
  type: 'Unsupported value',
  value,
  detail: `supported values: ${valid.map((v) => `"${v}"`).join(', ')}`,
  fn,
  ...(hint ? { hint } : {}),
});

/** Several upstream messages about one value become one error (one finding per field). */
/** The fix for an int-or-string written as a quoted number (`"8080"`), which the API server reads as a string. */
export const quotedNumberHint = (v: string, as: 'port name' | 'percent'): string | undefined =>
  /^[0-9]+$/.test(v) ? `write ${v} without quotes: quoted, it is a string, which the API server reads as a ${as}, not the number ${v}` : undefined;

export function invalidAll(path: string, value: unknown, msgs: readonly string[], fn: string, hint?: string): Errs {
  return msgs.length ? [invalid(path, value, msgs.join('; '), fn, hint)] : [];
}

/** The API server's wording: `spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive`. */
export function apiServerText(e: FieldError): string {
  const shown = e.value === undefined ? '' : ` ${typeof e.value === 'string' ? JSON.stringify(e.value) : JSON.stringify(e.value)}`;
  return `${e.path}: ${e.type}:${shown}${e.detail ? `${shown ? ':' : ''} ${e.detail}` : ''}`.replace(/: :/, ':');
}

// ---- metav1 validation (staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go)

/** ValidateLabelName */
export const ValidateLabelName = (name: string, path: string): Errs => invalidAll(path, name, IsQualifiedName(name), 'ValidateLabelName', labelNameHint);
const labelNameHint = 'label keys are [prefix/]name: name at most 63 characters of [A-Za-z0-9-_.], prefix a DNS subdomain';

/** ValidateLabels: every key a qualified name, every value a valid label value. */
export function ValidateLabels(labels: unknown, path: string): Errs {
  const out: Errs = [];
  if (!isObj(labels)) return out;
  const keys = Object.keys(labels);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const nameMsgs = IsQualifiedName(k);
    const value = str(labels[k]);
    const msgs = IsValidLabelValue(value);
    // the label's path only for a finding: most labels have none
    if (!nameMsgs.length && !msgs.length) continue;
    const p = at(path, k);
    if (nameMsgs.length) out.push(invalid(p, k, nameMsgs.join('; '), 'ValidateLabelName', labelNameHint));
    if (msgs.length)
      out.push({
        ...invalid(p, value, msgs.join('; '), 'ValidateLabels', 'label values are empty or at most 63 characters of [A-Za-z0-9-_.], starting and ending with a letter or digit (no spaces); put free text in an annotation'),
        summary: `label ${k}=${JSON.stringify(value)} is not a valid label value`,
      });
  }
  return out;
}

/** ValidateLabelSelector and ValidateLabelSelectorRequirement */
export function ValidateLabelSelector(sel: unknown, path: string): Errs {
  if (!isObj(sel)) return [];
  const out: Errs = [...ValidateLabels(sel.matchLabels, at(path, 'matchLabels'))];
  arr(sel.matchExpressions).forEach((e: any, i: number) => {
    const p = at(at(path, 'matchExpressions'), i);
    const values = arr(e?.values);
    switch (e?.operator) {
      case 'In':
      case 'NotIn':
        if (!values.length) out.push(required(at(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'", 'ValidateLabelSelectorRequirement'));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length) out.push(forbidden(at(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'", 'ValidateLabelSelectorRequirement'));
        break;
      default: {
        const meant = typeof e?.operator === 'string' ? closest(e.operator, selectorOperators) : undefined;
        out.push(invalid(at(p, 'operator'), e?.operator, 'not a valid selector operator', 'ValidateLabelSelectorRequirement', meant ? `write ${meant} (the operators are ${selectorOperators.join(', ')})` : `use one of ${selectorOperators.join(', ')}`));
      }
    }
    out.push(...ValidateLabelName(str(e?.key), at(p, 'key')));
    // AllowInvalidLabelValueInSelector is false for new objects: values must be label values.
    values.forEach((v: unknown, j: number) => out.push(...invalidAll(at(at(p, 'values'), j), str(v), IsValidLabelValue(str(v)), 'ValidateLabelSelectorRequirement')));
  });
  return out;
}

/** Non-negative integer fields (ValidateNonnegativeField). */
export function ValidateNonnegativeField(v: unknown, path: string): Errs {
  return typeof v === 'number' && v < 0 ? [invalid(path, v, 'must be greater than or equal to 0', 'ValidateNonnegativeField')] : [];
}
