// Render findings as text (humans, pre-commit), JSON (tools), JUnit (CI test
// tabs) or SARIF 2.1.0 (code scanning, with real regions).
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, RelatedFinding } from '../../../kube/index.ts';

export type Format = 'text' | 'json' | 'junit' | 'sarif';
export const formats: readonly Format[] = ['text', 'json', 'junit', 'sarif'];

export interface Summary {
  /** What `targets` counts when there are no environments: `files` for loose-file mode. @default targets */
  readonly unit?: string;
  readonly environments: number;
  readonly targets: number;
  readonly resources: number;
  readonly errors: number;
  readonly warnings: number;
  readonly seconds: number;
}

export function summaryLine(s: Summary): string {
  const parts = [
    s.environments
      ? `${s.environments} environment${s.environments === 1 ? '' : 's'}`
      : `${s.targets} ${(s.unit ?? 'target').replace(/s$/, '')}${s.targets === 1 ? '' : 's'}`,
    `${s.resources} resource${s.resources === 1 ? '' : 's'}`,
    `${s.errors} error${s.errors === 1 ? '' : 's'}`,
  ];
  if (s.warnings) parts.push(`${s.warnings} warning${s.warnings === 1 ? '' : 's'}`);
  parts.push(`${s.seconds.toFixed(1)} s`);
  return parts.join(' · ');
}

const where = (f: Finding): string => (f.file ? `${f.file}${f.line ? `:${f.line}${f.column ? `:${f.column}` : ''}` : ''}` : '(repository)');

/** Past this many warnings of one rule, text output shows the first few and a count (errors are always listed). */
export const WARNINGS_SHOWN_PER_RULE = 3;

/**
 * Whether text output is coloured: FORCE_COLOR (https://force-color.org) set and not empty
 * forces colour (except node's own off values 0/false), else NO_COLOR (https://no-color.org)
 * set and not empty turns it off, else colour only on a terminal that is not `dumb`.
 */
export function useColor(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY && env.TERM !== 'dumb';
}

/** At most this many objects are named in text output; the count says the rest. */
const OBJECTS_SHOWN = 5;

const list = (xs: readonly string[], shown: number): string =>
  xs.length > shown ? `${xs.slice(0, shown).join(', ')} … and ${xs.length - shown} more` : xs.join(', ');

const uniq = (xs: readonly (string | undefined)[]): string[] => [...new Set(xs.filter((x): x is string => !!x))];

/** The lines under a finding: the objects it covers, its fix, the consequences folded into it. */
function details(f: Finding): string[] {
  const out: string[] = [];
  if (f.objects && f.objects.length > 1) out.push(`    ${f.objects.length} objects: ${list(f.objects, OBJECTS_SHOWN)}`);
  if (f.hint) out.push(`    fix: ${f.hint}`);
  const byRule = new Map<string, RelatedFinding[]>();
  for (const r of (f.related ?? []) as readonly RelatedFinding[]) byRule.set(r.rule, [...(byRule.get(r.rule) ?? []), r]);
  // where a consequence sits, when that is another file than the cause's
  const at = (r: RelatedFinding): string => (r.file && r.file !== f.file ? ` (${r.file}${r.line ? `:${r.line}` : ''})` : '');
  const causeTargets = new Set(uniq(f.targets ?? [f.target]));
  for (const [rule, rs] of byRule) {
    const first = rs[0]!;
    // About no object (a target left unrendered), each one.
    if (!rs.some((r) => r.object)) {
      for (const r of rs) out.push(`    also: ${rule}: ${r.message}${at(r)}`);
      continue;
    }
    // Per rule, one example, and every object and target it was seen on as the finding's own line names them.
    const objects = uniq(rs.flatMap((r): readonly (string | undefined)[] => r.objects ?? [r.object]));
    // its environments when they are not the finding's own
    const targets = uniq(rs.flatMap((r): readonly (string | undefined)[] => r.targets ?? [r.target]));
    const elsewhere = targets.some((t) => !causeTargets.has(t)) || targets.length < causeTargets.size;
    const subject = objects.length > 1 ? `${first.object ?? objects[0]} (+${objects.length - 1})` : objects[0];
    out.push(`    also: ${rule}: ${subject}: ${first.message}${at(first)}${targets.length && elsewhere ? ` [${targets.join(', ')}]` : ''}`);
    // (the finding's own objects are listed above it)
    const same = objects.length === (f.objects ?? [f.object]).length && objects.every((o) => (f.objects ?? [f.object]).includes(o));
    if (objects.length > 1 && !same) out.push(`      ${objects.length} objects: ${list(objects, OBJECTS_SHOWN)}`);
  }
  return out;
}

const context = (f: Finding): string => {
  const targets = f.targets ?? (f.target ? [f.target] : []);
  return targets.length ? ` [${targets.join(', ')}]` : '';
};

export function toText(findings: readonly Finding[], summary: Summary, color = false, verbose = false): string {
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const lines: string[] = [];
  const perRule = new Map<string, number>();
  for (const f of findings) if (f.severity === 'warning') perRule.set(f.rule, (perRule.get(f.rule) ?? 0) + 1);
  const shown = new Map<string, number>();
  for (const f of findings) {
    if (f.severity === 'warning' && !verbose) {
      const n = (shown.get(f.rule) ?? 0) + 1;
      shown.set(f.rule, n);
      if (n > WARNINGS_SHOWN_PER_RULE) {
        if (n === perRule.get(f.rule)) lines.push(paint('2', `… ${n - WARNINGS_SHOWN_PER_RULE} more ${f.rule} warnings (--verbose lists every finding)`));
        continue;
      }
    }
    const sev = f.severity === 'error' ? paint('31', 'error') : paint('33', 'warning');
    const subject = [f.object && f.objects && f.objects.length > 1 ? `${f.object} (+${f.objects.length - 1})` : f.object, f.path].filter(Boolean).join(' ');
    lines.push(`${where(f)}  ${sev}  ${f.rule}  ${subject ? `${subject}: ` : ''}${f.message}${context(f)}`);
    lines.push(...details(f));
  }
  lines.push(summaryLine(summary));
  return lines.join('\n') + '\n';
}

/**
 * Everything text output shows: the summary (and its line), every finding with its fix,
 * objects, targets and folded consequences, the notes. `extra.branches`: validate
 * --branches' per-environment data (waiting paths and commits, hotfixes).
 */
export function toJson(findings: readonly Finding[], summary: Summary, extra: { branches?: unknown; notes?: readonly string[] } = {}): string {
  return (
    JSON.stringify(
      { summary: { ...summary, line: summaryLine(summary) }, findings, notes: extra.notes ?? [], ...(extra.branches ? { branches: extra.branches } : {}) },
      null,
      2,
    ) + '\n'
  );
}

const xml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '');

/**
 * One test suite per target; each finding is a test case, failing (errors) or skipped with a
 * message (warnings); a clean target is one passing case. A finding without a target goes to
 * the suite of its file when that is a target (files mode: YAML errors beside schema findings),
 * else to `repository`. The totals are the sums of the suites'.
 */
export function toJunit(findings: readonly Finding[], summary: Summary, targets: readonly string[]): string {
  const byTarget = new Map<string, Finding[]>(targets.map((t) => [t, []]));
  for (const f of findings) {
    const t = f.target ?? (f.file && byTarget.has(f.file) ? f.file : 'repository');
    byTarget.set(t, [...(byTarget.get(t) ?? []), f]);
  }
  const totals = { tests: 0, failures: 0, skipped: 0 };
  const suites = [...byTarget].map(([t, fs]) => {
    const cases = fs.map((f) => {
      const name = xml(`${f.rule} ${[f.object, f.path].filter(Boolean).join(' ')}`.trim());
      const body = xml(`${where(f)}: ${f.message}${context(f)}\n${details(f).map((l) => l.trim()).join('\n')}`.trim());
      return f.severity === 'error'
        ? `    <testcase classname="${xml(t)}" name="${name}" file="${xml(f.file ?? '')}"><failure message="${xml(f.message)}" type="${xml(f.rule)}">${body}</failure></testcase>`
        : `    <testcase classname="${xml(t)}" name="${name}" file="${xml(f.file ?? '')}"><skipped message="warning: ${xml(f.message)}"/></testcase>`;
    });
    if (!cases.length) cases.push(`    <testcase classname="${xml(t)}" name="${xml(t)} renders and validates"/>`);
    const failures = fs.filter((f) => f.severity === 'error').length;
    const skipped = fs.length - failures;
    totals.tests += cases.length;
    totals.failures += failures;
    totals.skipped += skipped;
    return `  <testsuite name="${xml(t)}" tests="${cases.length}" failures="${failures}" skipped="${skipped}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="marquee validate" tests="${totals.tests}" failures="${totals.failures}" skipped="${totals.skipped}" time="${summary.seconds.toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/**
 * Where a finding's file is, for SARIF: a URI reference relative to %SRCROOT% (`root`, the directory paths are relative
 * to), each segment percent-encoded (spaces, %, #, non-ASCII); a file outside the root (`../../tmp/x.yaml` in files
 * mode) is an absolute file:// URI without a base, since `..` past %SRCROOT% names nothing a code-scanning upload can show.
 */
function artifactLocation(file: string, root: string): { uri: string; uriBaseId?: string } {
  if (isAbsolute(file) || file === '..' || file.startsWith('../')) return { uri: pathToFileURL(resolve(root, file)).href };
  return { uri: file.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

/** SARIF 2.1.0: one rule per distinct rule id; results carry physical locations with regions when known. */
export function toSarif(findings: readonly Finding[], ruleDocs: ReadonlyMap<string, { title: string; help?: string }> = new Map(), root = process.cwd()): string {
  const ruleIds = [...new Set(findings.map((f) => f.rule))].sort();
  const rules = ruleIds.map((id) => ({
    id,
    shortDescription: { text: ruleDocs.get(id)?.title ?? id },
    ...(ruleDocs.get(id)?.help ? { help: { text: ruleDocs.get(id)!.help! } } : {}),
  }));
  const results = findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: ruleIds.indexOf(f.rule),
    level: f.severity === 'error' ? 'error' : 'warning',
    message: { text: `${[f.object, f.path].filter(Boolean).join(' ')}${f.object || f.path ? ': ' : ''}${f.message}${f.hint ? ` (fix: ${f.hint})` : ''}${context(f)}${f.objects && f.objects.length > 1 ? ` (${f.objects.length} objects: ${f.objects.join(', ')})` : ''}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(f.file ?? 'package.json', root),
          ...(f.line ? { region: { startLine: f.line, ...(f.column ? { startColumn: f.column } : {}) } } : {}),
        },
      },
    ],
    // The consequences folded into this finding, each where it was seen (SARIF §3.27.22).
    ...(f.related?.some((r) => r.file)
      ? {
          relatedLocations: f.related
            .filter((r) => r.file)
            .map((r, id) => ({
              id,
              message: { text: `${r.rule}: ${r.object ? `${(r as RelatedFinding).objects?.join(', ') ?? r.object}: ` : ''}${r.message}` },
              physicalLocation: { artifactLocation: artifactLocation(r.file!, root), ...(r.line ? { region: { startLine: r.line } } : {}) },
            })),
        }
      : {}),
  }));
  return (
    JSON.stringify(
      {
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        version: '2.1.0',
        runs: [{ tool: { driver: { name: 'marquee-validate', informationUri: 'https://github.com/marquee-shop/marquee', rules } }, results }],
      },
      null,
      2,
    ) + '\n'
  );
}
