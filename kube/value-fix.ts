// The fix in words for a value a schema refuses: the same words for a built-in kind's field (validate's schema step,
// kubernetes-models' schemas), a custom resource's (its CRD) and a CRD's own default (policies/apiserver/lib/defaults.ts).
import { closest } from './closest.ts';
import { quantityAdvice } from './quantity.ts';

/** What the problem is, as data (scripts/lib/validate/schema.ts SchemaIssue, policies/lib/crd-schema.ts CrdIssue). */
export interface FixFacts {
  readonly path: readonly (string | number)[];
  /** A field indented one level too little: the path of the sibling it belongs under. */
  readonly belongsUnder?: readonly (string | number)[];
  /** An unknown field that is a misspelling of a known one: that one. */
  readonly meant?: string;
  /** An unknown field with no near name: the fields known beside it. */
  readonly known?: readonly string[];
  /** A value of the wrong type: the types the schema takes. */
  readonly expected?: readonly string[];
  /** A value outside the schema's enum: the values it takes. */
  readonly allowed?: readonly unknown[];
  /** A string the schema's pattern does not match. */
  readonly pattern?: string;
  /** A string not in the schema's format (`quantity`, `int-or-string`…). */
  readonly format?: string;
}

/** The pattern controller-gen writes for a resource.Quantity field of a CRD (every vendored CRD's `resources`). */
const quantityPattern = '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';
/** The DNS-1123 label and subdomain patterns of CRDs (names of objects they refer to), as the API server words them. */
const namePatterns: Record<string, { what: string; dots: boolean }> = {
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$': { what: "a DNS-1123 label: lower-case letters, digits and '-', a letter or digit at each end", dots: false },
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$': { what: "a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', a letter or digit at each end", dots: true },
};

const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

/**
 * The fix in words for a problem the schema step found, from the issue's data and the value written: the same words
 * for a built-in kind's field (kubernetes-models' schemas) and a custom resource's (its CRD).
 */
export function fixFor(i: FixFacts, value: unknown): string | undefined {
  const field = i.path[i.path.length - 1];
  if (i.belongsUnder) return `indent ${field}: under ${i.belongsUnder[i.belongsUnder.length - 1]}:`;
  if (i.meant) return `did you mean "${i.meant}"? (or is it indented under the wrong parent?)`;
  if (i.known) return `known fields here: ${i.known.join(', ')}`;
  if (i.expected) return typeFix(i.expected, value);
  if (i.allowed) {
    if (typeof value !== 'string') return undefined;
    const words = i.allowed.filter((a): a is string => typeof a === 'string');
    // a near spelling (imagePullPolicy: always), or the value the written one begins (strategy type: Rolling)
    const starts = words.filter((a) => a.toLowerCase().startsWith(value.toLowerCase()) && value.length >= 3);
    const near = closest(value, words) ?? (starts.length === 1 ? starts[0] : undefined);
    return near ? `write ${near}` : 'write one of the values listed, spelt as listed';
  }
  if (typeof value !== 'string') return undefined;
  if (i.format === 'quantity' || i.pattern === quantityPattern) return quantityAdvice(value);
  const name = i.pattern ? namePatterns[i.pattern] : undefined;
  if (name) {
    const fixed = value
      .toLowerCase()
      .replace(name.dots ? /[^a-z0-9.-]+/g : /[^a-z0-9-]+/g, '-')
      .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
    return `${fixed && fixed !== value ? `write ${fixed}: ` : ''}${name.what}`;
  }
  return undefined;
}

/** What to write instead of a value of the wrong type. */
function typeFix(expected: readonly string[], value: unknown): string | undefined {
  const numeric = typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
  if (expected.includes('integer') || expected.includes('number')) {
    if (numeric && (expected.includes('number') || Number.isInteger(Number(value)))) return `write ${value.trim()} without quotes (a number, not a string)`;
    if (typeof value === 'number') return 'write a whole number';
    return `write ${article(expected.includes('integer') ? 'integer' : 'number')}`;
  }
  if (expected.includes('boolean')) return typeof value === 'string' && /^(true|false)$/i.test(value.trim()) ? `write ${value.trim().toLowerCase()} without quotes` : 'write true or false';
  if (expected.includes('string') && (typeof value === 'number' || typeof value === 'boolean')) return 'quote the value as written, so YAML reads a string';
  if (expected.includes('object')) return 'write a mapping (key: value lines indented under it)';
  if (expected.includes('array')) return 'write a list (- item lines under it)';
  return undefined;
}
