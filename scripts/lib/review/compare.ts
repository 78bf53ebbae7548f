// Field-level comparison of two versions of one Kubernetes object: JSON paths
// with old → new values, named list items matched by name (containers, env,
// ports), multi-line strings (config files in ConfigMaps) as line diffs.

export interface FieldChange {
  /** e.g. `spec.template.spec.containers[inventory].image`, `data["default.conf"]` */
  readonly path: string;
  /** Absent when the field was added. */
  readonly before?: unknown;
  /** Absent when the field was removed. */
  readonly after?: unknown;
  /** For multi-line strings: a unified diff of the lines (`-`, `+`, ` ` prefixes). */
  readonly lines?: readonly string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

const segment = (key: string): string => (/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

const join = (path: string, key: string): string => {
  const s = segment(key);
  return path ? path + s : s.replace(/^\./, '');
};

/** Lists whose items all have a distinct string `name` are matched by name, not position. */
function namedItems(list: readonly unknown[]): Map<string, unknown> | undefined {
  const m = new Map<string, unknown>();
  for (const item of list) {
    if (!isObject(item) || typeof item.name !== 'string' || m.has(item.name)) return undefined;
    m.set(item.name, item);
  }
  return m;
}

export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && equal(a[k], b[k]));
  }
  return false;
}

/** Every difference between `before` and `after`, in document order. */
export function compare(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (equal(before, after)) return [];
  if (isObject(before) && isObject(after)) {
    const out: FieldChange[] = [];
    const keys = [...Object.keys(before), ...Object.keys(after).filter((k) => !(k in before))];
    for (const k of keys) {
      const p = join(path, k);
      if (!(k in after)) out.push({ path: p, before: before[k] });
      else if (!(k in before)) out.push({ path: p, after: after[k] });
      else out.push(...compare(before[k], after[k], p));
    }
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const a = namedItems(before);
    const b = namedItems(after);
    if (a && b && (a.size || b.size)) {
      const out: FieldChange[] = [];
      for (const [name, item] of a) {
        const p = `${path}[${name}]`;
        out.push(...(b.has(name) ? compare(item, b.get(name), p) : [{ path: p, before: item }]));
      }
      for (const [name, item] of b) if (!a.has(name)) out.push({ path: `${path}[${name}]`, after: item });
      return out;
    }
    // Lists of scalars (args, hosts, verbs) read best as one value.
    if (![...before, ...after].some((v) => v && typeof v === 'object')) return [{ path, before, after }];
    const out: FieldChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const p = `${path}[${i}]`;
      if (i >= after.length) out.push({ path: p, before: before[i] });
      else if (i >= before.length) out.push({ path: p, after: after[i] });
      else out.push(...compare(before[i], after[i], p));
    }
    return out;
  }
  if (typeof before === 'string' && typeof after === 'string' && (before.includes('\n') || after.includes('\n'))) {
    return [{ path, before, after, lines: lineDiff(before, after) }];
  }
  return [{ path, before, after }];
}

/**
 * Unified line diff (longest common subsequence), changed lines with `context`
 * lines around them; `…` marks skipped unchanged runs.
 */
export function lineDiff(before: string, after: string, context = 1): string[] {
  const a = before.replace(/\n$/, '').split('\n');
  const b = after.replace(/\n$/, '').split('\n');
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = LCS length of a[i..], b[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      ops.push(` ${a[i]}`);
      i++;
      j++;
    } else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push(`-${a[i++]}`);
    else ops.push(`+${b[j++]}`);
  }
  const keep = ops.map((op, k) => ops.slice(Math.max(0, k - context), k + context + 1).some((o) => !o.startsWith(' ')));
  const out: string[] = [];
  ops.forEach((op, k) => {
    if (keep[k]) out.push(op);
    else if (out[out.length - 1] !== '…') out.push('…');
  });
  return out;
}
