// The policy runner: policies over rendered objects, exemptions applied. Apart from the registry (index.ts), so that a
// caller running some policies (files mode: the API server's checks) loads those and not every policy's modules.
import { objectRef, type Finding, type RenderedObject } from '../kube/index.ts';
import { applyExemptions, type AppliedExemption, type RawFinding } from './lib/exemptions.ts';
import { ObjectIndex, namespaceOf } from './lib/index-objects.ts';
import { exemptions as declaredExemptions } from './exemptions.ts';
import { previewProfile } from '../generators/environments.ts';
import { isObjectPolicy, isRepoPolicy, isSetPolicy, type DeclaredExemption, type ObjectPolicy, type Policy, type PolicyContext, type Violation } from './types.ts';

export interface RunOptions {
  /** Day exemptions are judged against. @default new Date() */
  readonly today?: Date;
  /** Only these policy ids, or categories (`security`). @default every policy */
  readonly only?: readonly string[];
  /** Exemptions to apply. @default the declared ones (policies/exemptions.ts) */
  readonly exemptions?: readonly DeclaredExemption[];
  /**
   * The targets rendered, when only some were (validate --env): an exemption is judged
   * "unmatched" only where every target it names was checked. @default every target was
   */
  readonly checkedTargets?: ReadonlySet<string>;
}

export interface PolicyRun {
  /** Violations not covered by an exemption. */
  readonly findings: Finding[];
  /** Problems with exemptions themselves: expired (error), invalid (error), unmatched and expiring (warning). */
  readonly exemptionFindings: Finding[];
  /** Every declared exemption with its status and the findings it covered. */
  readonly applied: AppliedExemption[];
}

const selected = (only: readonly string[] | undefined) => (p: Policy) =>
  !only?.length || only.some((o) => p.id === o || p.category === o);

/** Policies a preview is not held to: its profile in the environment contract (generators/environments.ts). */
const previewRelaxes: ReadonlySet<string> = new Set(Object.keys(previewProfile.relaxes));

function applies(p: Policy, r: RenderedObject): boolean {
  // A preview is checked by every policy, environment-scoped ones included, but those its profile relaxes.
  if (r.target.kind === 'preview') return !previewRelaxes.has(p.id);
  if (!p.envs) return true;
  return r.target.kind === 'env' && !!r.target.env && p.envs.includes(r.target.env);
}

function toRaw(p: Policy, subject: RenderedObject, v: Violation): RawFinding {
  const o = subject.object;
  const namespace = namespaceOf(subject);
  return {
    rule: p.id,
    severity: v.severity ?? p.severity,
    message: v.message,
    hint: v.hint ?? p.hint,
    target: subject.target.name,
    object: objectRef(o),
    ...(subject.origin ? { file: subject.origin } : {}),
    ...(v.path ? { path: v.path } : {}),
    kind: String(o?.kind ?? '?'),
    ...(namespace !== undefined ? { namespace } : {}),
    name: String(o?.metadata?.name ?? '?'),
    ...(v.container ? { container: v.container } : {}),
    ...(v.within ? { within: v.within } : {}),
    ...(v.against?.length ? { against: v.against } : {}),
  };
}

/**
 * A runner of `registry`'s policies (those `opts.only` selects, but the repository-file ones), its options fixed and
 * the policies worked out once: for a caller that runs the same policies over object after object (files mode checks
 * each object on its own, tens of thousands of them). `policyIds`: every policy id there is, for judging exemptions.
 */
export function policyRunnerOf(registry: readonly Policy[], policyIds: ReadonlySet<string>, opts: RunOptions = {}): (rendered: readonly RenderedObject[]) => PolicyRun {
  const run = registry.filter(selected(opts.only)).filter((p) => !isRepoPolicy(p));
  const ran = new Set(run.map((p) => p.id));
  const declared = opts.exemptions ?? declaredExemptions;
  const { checkedTargets } = opts;
  // per policy of listed kinds, how often each kind is listed: one object is its subject that many times
  const kindCounts = run.map((p) => {
    if (!isObjectPolicy(p) || p.kinds === '*') return undefined;
    const counts = new Map<string, number>();
    for (const k of p.kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
    return counts;
  });
  return (rendered) => {
    const ctx = new RunContext(rendered);
    const raw: RawFinding[] = [];
    // One object (files mode checks each on its own): it is a subject once for each time a policy lists its kind (as
    // index.ofKind keys it), and no index is built unless a policy reads one.
    const single = rendered.length === 1 ? rendered[0]! : undefined;
    const singleKind = single ? String(single.object?.kind ?? '') : '';
    for (let i = 0; i < run.length; i++) {
      const p = run[i]!;
      if (isObjectPolicy(p)) {
        if (p.kinds === '*') for (const s of rendered) checkSubject(p, s, ctx, raw);
        else if (single) {
          for (let n = kindCounts[i]!.get(singleKind) ?? 0; n > 0; n--) checkSubject(p, single, ctx, raw);
        } else for (const k of p.kinds) for (const s of ctx.index.ofKind(k)) checkSubject(p, s, ctx, raw);
      } else if (isSetPolicy(p)) {
        for (const v of p.checkAll(ctx)) if (applies(p, v.subject)) raw.push(toRaw(p, v.subject, v));
      }
    }
    // nothing to match, expire or report: files mode's usual object, checked without exemptions, finding nothing
    if (!raw.length && !declared.length) return { findings: [], exemptionFindings: [], applied: [] };
    if (raw.length > 1) raw.sort(compareFindings);
    const today = opts.today ?? new Date();
    return applyExemptions(raw, declared, checkedTargets ? { today, policyIds, ran, checkedTargets } : { today, policyIds, ran });
  };
}

/** The context of one run; its index is built when a policy first reads it. */
class RunContext implements PolicyContext {
  private built: ObjectIndex | undefined;
  constructor(readonly objects: readonly RenderedObject[]) {}
  get index(): ObjectIndex {
    return (this.built ??= new ObjectIndex(this.objects));
  }
}

/** An object policy's violations of one subject (when the policy applies to it), as raw findings. */
function checkSubject(p: ObjectPolicy, s: RenderedObject, ctx: PolicyContext, raw: RawFinding[]): void {
  if (!applies(p, s)) return;
  for (const v of p.check(s, ctx)) raw.push(toRaw(p, v.subject ?? s, v));
}

/** Stable, locale-independent order: target, object, rule, path. */
function compareFindings(a: Finding, b: Finding): number {
  return cmp(a.target, b.target) || cmp(a.object, b.object) || cmp(a.rule, b.rule) || cmp(a.path, b.path);
}

const cmp = (a: string | undefined, b: string | undefined): number => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);
