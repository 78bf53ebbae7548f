// Kubernetes resource quantities (`512Mi`, `250m`) as numbers.

/** Parse a Kubernetes quantity to a number (cores, bytes). NaN when unparsable. */
export function quantity(q: unknown): number {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return NaN;
  const m = /^([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(q.trim());
  if (!m) return NaN;
  const mult: Record<string, number> = {
    n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  };
  return Number(m[1]) * (m[2] ? mult[m[2]]! : 1);
}

const decimal: Readonly<Record<string, string>> = { k: 'k', m: 'M', g: 'G', t: 'T', p: 'P', e: 'E' };
const unitName: Readonly<Record<string, [string, string]>> = {
  k: ['kibibytes', 'kilobytes'], m: ['mebibytes', 'megabytes'], g: ['gibibytes', 'gigabytes'],
  t: ['tebibytes', 'terabytes'], p: ['pebibytes', 'petabytes'], e: ['exbibytes', 'exabytes'],
};

/**
 * What a person who wrote an unparsable quantity most likely meant: `512mb` →
 * `512Mi` (mebibytes) or `512M` (megabytes); `1gib` → `1Gi`; `512 Mi` → `512Mi`.
 * Undefined when the value does not look like a number with a unit.
 */
export function quantityAdvice(q: string): string | undefined {
  const m = /^\s*([+-]?[0-9.]+(?:[eE][+-]?[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(q);
  if (!m) return undefined;
  const [, n, unit] = m as unknown as [string, string, string];
  const u = unit.toLowerCase();
  if (!Number.isFinite(Number(n))) return undefined;
  if (!Number.isNaN(quantity(`${n}${unit}`))) return /\s/.test(q.trim()) ? `write ${n}${unit} without the space` : undefined;
  if (u === 'b' || u === 'bytes') return `write ${n} (bytes: a quantity without a unit)`;
  const prefix = u[0] ?? '';
  if (!(prefix in decimal)) return undefined;
  const binary = `${prefix.toUpperCase()}i`;
  if (u === `${prefix}i` || u === `${prefix}ib`) return `write ${n}${binary} (${unitName[prefix]![0]})`;
  if (u === prefix || u === `${prefix}b`) return `write ${n}${binary} (${unitName[prefix]![0]}) or ${n}${decimal[prefix]} (${unitName[prefix]![1]}); suffixes are case-sensitive and have no B`;
  return undefined;
}
