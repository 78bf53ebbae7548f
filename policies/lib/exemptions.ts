// Exemptions: declared in policies/exemptions.ts, validated, matched against findings,
// expired ones fail, unmatched ones are reported. There is no other way to silence a policy.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relative, resolve } from 'node:path';
import { closest, type Finding } from '../../kube/index.ts';
import type { DeclaredExemption, Exemption } from '../types.ts';

export const exemptionsFile = 'policies/exemptions.ts';
const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * Declare an exemption; records the line it is written on (from the call stack) so
 * expired or unmatched ones are reported at their declaration.
 */
export function exempt(e: Exemption): DeclaredExemption {
  // The first stack frame outside this module is the declaration site.
  const frame = (new Error().stack ?? '').split('\n').slice(1).find((l) => /\.ts:\d+/.test(l) && !l.includes('/policies/lib/exemptions.ts'));
  const m = frame && /(?:file:\/\/)?(\/[^():]+\.ts):(\d+)/.exec(frame);
  // In policies/exemptions.ts the line is found in its text: the line naming the object (an entry of a list the call is
  // mapped over), and each field's line. Bundled (npm run validate runs esbuild's bundle), the frames name the bundle.
  const file = m ? relative(repoRoot, m[1]!) : exemptionsFile;
  const declaredAt = file === exemptionsFile ? { file, ...lineInText(e) } : { file, line: Number(m![2]) };
  return { ...e, declaredAt };
}

/** policies/exemptions.ts as lines, with each `exempt({` call's first line and the line after its closing `})`. */
let exemptionText: { lines: string[]; calls: number[]; ends: number[] } | undefined;

function readExemptionText(): typeof exemptionText {
  let lines: string[];
  try {
    lines = readFileSync(resolve(repoRoot, exemptionsFile), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const calls = lines.flatMap((l, i) => (/\bexempt\(\{/.test(l) ? [i] : []));
  const ends = calls.map((start, c) => {
    const close = lines.findIndex((l, i) => i > start && /^\s*\}\)/.test(l));
    return close < 0 ? (calls[c + 1] ?? lines.length) : close + 1;
  });
  return { lines, calls, ends };
}

/**
 * Where policies/exemptions.ts declares `e`: the line naming its object (`['StatefulSet', 'prometheus']`, or
 * `name: '…'`) in or just before an `exempt({` call for its policy, else that call's line; and the line of each field
 * written in the call (`policy:`, `owner:`, …), so a problem is reported where it is written; a field written as a
 * shared constant (`owner: platform`) is at the constant's declaration, where one edit fixes every entry using it.
 */
type TextPlace = { line?: number; fields?: Record<string, number>; shared?: Record<string, { name: string; line: number }> };

function lineInText(e: Exemption): TextPlace {
  exemptionText ??= readExemptionText();
  if (!exemptionText) return {};
  const { lines, calls, ends } = exemptionText;
  const policy = typeof e?.policy === 'string' ? `'${e.policy}'` : undefined;
  const name = typeof e?.object?.name === 'string' ? `'${e.object.name}'` : undefined;
  const fieldsOf = (start: number, end: number) =>
    Object.fromEntries(lines.slice(start, end).flatMap((l, i) => { const k = /^\s*(policy|object|targets|reason|owner|expires):/.exec(l)?.[1]; return k ? [[k, start + i + 1]] : []; }));
  // a field written as a constant (`owner: platform,`): the line declaring it (`const platform = …`), where it is fixed
  const sharedOf = (start: number, end: number) => {
    const out: Record<string, { name: string; line: number }> = {};
    for (const l of lines.slice(start, end)) {
      const m = /^\s*(policy|reason|owner|expires):\s*([A-Za-z_$][\w$]*)\s*,?\s*$/.exec(l);
      const at = m ? lines.findIndex((d) => new RegExp(`^\\s*(?:export\\s+)?const\\s+${m[2]!.replace(/\$/g, '\\$')}\\b`).test(d)) : -1;
      if (m && at >= 0) out[m[1]!] = { name: m[2]!, line: at + 1 };
    }
    return Object.keys(out).length ? { shared: out } : {};
  };
  let fallback: TextPlace | undefined;
  for (let c = 0; c < calls.length; c++) {
    const start = calls[c]!;
    const end = ends[c]!;
    if (!policy || !lines.slice(start, end).some((l) => l.includes(`policy: ${policy}`))) continue;
    const fields = fieldsOf(start, end);
    const shared = sharedOf(start, end);
    fallback ??= { line: start + 1, fields, ...shared };
    // the object's name: inside the call, or in the list the call is mapped over (after the previous call's end)
    const from = c > 0 ? ends[c - 1]! : 0;
    const named = name ? lines.slice(from, end).findIndex((l) => l.includes(name)) : -1;
    if (named >= 0) return { line: from + named + 1, fields, ...shared };
  }
  return fallback ?? {};
}

export type ExemptionStatus = 'active' | 'unmatched' | 'expired' | 'invalid';

export interface AppliedExemption {
  readonly exemption: DeclaredExemption;
  readonly status: ExemptionStatus;
  /** Findings it suppressed (none unless active). */
  readonly matched: readonly Finding[];
  /** Days from `today` to the expiry date (negative once expired). */
  readonly daysLeft: number;
  /** Why it is invalid. */
  readonly problems?: readonly string[];
}

/** Warn this many days before an exemption expires. */
export const expiryWarningDays = 14;

const DAY = 86_400_000;
export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

function parseDay(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return isoDay(new Date(t)) === s ? t : undefined; // rejects 2026-02-30
}

export const exemptionRef = (e: Exemption): string =>
  `${e.policy} for ${[e.object.kind, e.object.namespace, e.object.name].filter(Boolean).join('/')}${e.object.container ? ` container ${e.object.container}` : ''}${e.targets ? ` in ${e.targets.join(', ')}` : ''}`;

const ownerProblem = 'owner must be a GitHub @user or @org/team';

/** Problems with the declaration itself (unknown policy, bad date, no reason). */
export function validateExemption(e: Exemption, policyIds: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  if (!policyIds.has(e.policy)) {
    const near = typeof e.policy === 'string' ? closest(e.policy, [...policyIds]) : undefined;
    problems.push(`policy ${JSON.stringify(e.policy)} does not exist${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}`);
  }
  // The API server refuses these objects whatever we declare: an exemption would only hide a failed sync.
  else if (e.policy.startsWith('apiserver/')) problems.push(`policy ${e.policy} mirrors the API server's own validation and cannot be exempted (the cluster refuses the object)`);
  if (!e.object?.kind || !e.object?.name) problems.push('object.kind and object.name are required');
  if (typeof e.reason !== 'string' || e.reason.trim().length < 20) problems.push('reason is required (say why, and what ends the exemption)');
  if (typeof e.owner !== 'string' || !/^@[\w.-]+(\/[\w.-]+)?$/.test(e.owner)) problems.push(ownerProblem);
  if (parseDay(String(e.expires)) === undefined) problems.push(`expires ${JSON.stringify(e.expires)} is not a valid YYYY-MM-DD date`);
  return problems;
}

/** Internal finding with what matching needs. */
export interface RawFinding extends Finding {
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly container?: string;
}

const matches = (e: Exemption, f: RawFinding): boolean =>
  e.policy === f.rule &&
  e.object.kind === f.kind &&
  e.object.name === f.name &&
  (e.object.namespace ?? undefined) === (f.namespace ?? undefined) &&
  (e.object.container === undefined || e.object.container === f.container) &&
  (!e.targets || (f.target !== undefined && e.targets.includes(f.target)));

const strip = ({ kind: _k, namespace: _n, name: _m, container: _c, ...f }: RawFinding): Finding => f;

/**
 * Apply exemptions to raw findings. `ran` limits unmatched-reporting to policies that ran
 * (with --only, an exemption for a policy that did not run is not "unmatched"), and
 * `checkedTargets` to exemptions whose every target was rendered (validate --env prod
 * does not see dev: an exemption without `targets` may match anywhere and is not judged).
 */
export function applyExemptions(
  raw: readonly RawFinding[],
  exemptions: readonly DeclaredExemption[],
  opts: { today: Date; policyIds: ReadonlySet<string>; ran: ReadonlySet<string>; checkedTargets?: ReadonlySet<string> },
): { findings: Finding[]; exemptionFindings: Finding[]; applied: AppliedExemption[] } {
  // none declared (files mode's API-server checks, once per object): nothing to match, expire or report
  if (!exemptions.length) return { findings: raw.map(strip), exemptionFindings: [], applied: [] };
  const today = parseDay(isoDay(opts.today))!;
  const suppressed = new Set<RawFinding>();
  const byObject = new Map<string, RawFinding[]>();
  for (const f of raw) {
    const k = `${f.rule}\0${f.kind}\0${f.name}`;
    const list = byObject.get(k);
    if (list) list.push(f);
    else byObject.set(k, [f]);
  }
  const exemptionFindings: Finding[] = [];
  const applied: AppliedExemption[] = [];
  const objectOf = (e: Exemption) => [e.object?.kind, e.object?.namespace, e.object?.name].filter(Boolean).join('/');
  const problemsOf = new Map(exemptions.map((e) => [e, validateExemption(e, opts.policyIds)]));
  /** the problems reported at the entry itself (a wrong shared owner is reported at its constant) */
  const ownProblems = new Map(problemsOf);
  // An owner written as a shared constant that is wrong is one mistake: one finding at the constant, naming every
  // entry it makes invalid and carrying the violations they no longer cover. Those entries' own findings leave it out.
  const byConstant = new Map<string, DeclaredExemption[]>();
  for (const e of exemptions) {
    const shared = e.declaredAt?.shared?.['owner'];
    if (shared && problemsOf.get(e)!.includes(ownerProblem)) byConstant.set(`${e.declaredAt!.file}\0${shared.line}`, [...(byConstant.get(`${e.declaredAt!.file}\0${shared.line}`) ?? []), e]);
  }
  for (const entries of byConstant.values()) {
    const { file } = entries[0]!.declaredAt!;
    const { name, line } = entries[0]!.declaredAt!.shared!['owner']!;
    exemptionFindings.push({
      rule: 'exemption/invalid',
      severity: 'error',
      file,
      line,
      message: `owner constant ${name} is ${JSON.stringify(entries[0]!.owner)}: an owner must be a GitHub @user or @org/team; it is the owner of ${entries.length} exemption(s), all invalid: ${entries.map(exemptionRef).join('; ')}`,
      hint: (() => {
        const o = entries[0]!.owner as unknown;
        return typeof o === 'string' && !o.startsWith('@') && /^@[\w.-]+(\/[\w.-]+)?$/.test(`@${o}`) ? `write '@${o}' in const ${name} (${file})` : `fix const ${name} in ${file}: a GitHub @user or @org/team`;
      })(),
      covers: entries.flatMap((e) => (opts.policyIds.has(e.policy) && objectOf(e) ? [{ rule: e.policy, object: objectOf(e), ...(Array.isArray(e.targets) ? { targets: e.targets } : {}) }] : [])),
    });
    for (const e of entries) ownProblems.set(e, problemsOf.get(e)!.filter((p) => p !== ownerProblem));
  }
  for (const e of exemptions) {
    const object = objectOf(e);
    const problems = ownProblems.get(e)!;
    if (!problems.length && problemsOf.get(e)!.length) {
      // invalid through its shared owner only: reported at the constant, and it suppresses nothing
      applied.push({ exemption: e, status: 'invalid', matched: [], daysLeft: 0, problems: problemsOf.get(e)! });
      continue;
    }
    // an invalid entry at the line of the field at fault (policy:, owner:, expires:, …), when known; else the entry's line
    const field = problems.length ? /^(policy|object|reason|owner|expires)\b/.exec(problems[0]!.replace(/^object\.\w+/, 'object'))?.[1] : undefined;
    const line = (field && e.declaredAt?.fields?.[field]) || e.declaredAt?.line;
    const where = { file: e.declaredAt?.file ?? exemptionsFile, ...(line ? { line } : {}) };
    const expires = parseDay(String(e.expires));
    const daysLeft = expires === undefined ? 0 : Math.round((expires - today) / DAY);
    if (problems.length) {
      // validate folds the violations it was written for (under the policy it names, or the one it misspells) into
      // this finding: one mistake, one finding
      const meant = opts.policyIds.has(e.policy) ? e.policy : typeof e.policy === 'string' ? closest(e.policy, [...opts.policyIds]) : undefined;
      exemptionFindings.push({
        rule: 'exemption/invalid',
        severity: 'error',
        object,
        ...where,
        message: `exemption ${exemptionRef(e)}: ${problems.join('; ')}`,
        hint: 'fix the entry in policies/exemptions.ts',
        ...(meant && object ? { covers: [{ rule: meant, object, ...(Array.isArray(e.targets) ? { targets: e.targets } : {}) }] } : {}),
      });
      applied.push({ exemption: e, status: 'invalid', matched: [], daysLeft, problems: problemsOf.get(e)! });
      continue;
    }
    const hits = (byObject.get(`${e.policy}\0${e.object.kind}\0${e.object.name}`) ?? []).filter((f) => matches(e, f));
    if (daysLeft < 0) {
      exemptionFindings.push({
        rule: 'exemption/expired',
        severity: 'error',
        object,
        ...where,
        ...(e.declaredAt?.fields?.['expires'] ? { line: e.declaredAt.fields['expires'] } : {}),
        message: `exemption ${exemptionRef(e)} expired on ${e.expires} (owner ${e.owner}); its ${hits.length} finding(s) are reported again`,
        hint: 'fix the violation, or renew the exemption with a new reason and date after review',
        covers: [{ rule: e.policy, object, ...(e.targets ? { targets: e.targets } : {}) }],
      });
      applied.push({ exemption: e, status: 'expired', matched: [], daysLeft });
      continue;
    }
    if (!hits.length) {
      const judged = !opts.checkedTargets || (!!e.targets?.length && e.targets.every((t) => opts.checkedTargets!.has(t)));
      if (opts.ran.has(e.policy) && judged)
        exemptionFindings.push({
          rule: 'exemption/unmatched',
          severity: 'warning',
          object,
          ...where,
          message: `exemption ${exemptionRef(e)} matches no finding`,
          hint: 'delete it if the violation is gone, or fix the object/container name',
        });
      applied.push({ exemption: e, status: 'unmatched', matched: [], daysLeft });
      continue;
    }
    for (const h of hits) suppressed.add(h);
    if (daysLeft <= expiryWarningDays)
      exemptionFindings.push({
        rule: 'exemption/expiring',
        severity: 'warning',
        object,
        ...where,
        message: `exemption ${exemptionRef(e)} expires on ${e.expires} (in ${daysLeft} day(s)), owner ${e.owner}`,
        hint: 'fix the violation before the date, or renew the exemption after review',
      });
    applied.push({ exemption: e, status: 'active', matched: hits.map(strip), daysLeft });
  }
  return { findings: raw.filter((f) => !suppressed.has(f)).map(strip), exemptionFindings, applied };
}
