// The contract family: checks of rendered environments against what the contracts
// promise (generators/environments.ts, apps/contract) rather than general rules. Not
// exemptable: a contract is changed where it is written, not waived in an overlay.
import { objectRef, type Finding, type RenderedObject, type Target } from '../../kube/index.ts';
import { dataTierIssues } from './data-tier.ts';
import { environmentFindings } from './environment.ts';
import { serviceConfigFindings } from './service-config.ts';

export { serviceConfigFindings, serviceConfigIssues } from './service-config.ts';
export { dataTierFindings, dataTierIssues, type DataTierIssue, type Rendered } from './data-tier.ts';

/** One target's render as the checks see it (validate's RenderResult has this shape). */
export interface RenderedTarget {
  readonly target: Target;
  readonly objects: readonly RenderedObject[];
  /** Render errors: a target that failed is not judged. */
  readonly findings: readonly unknown[];
}

/** Every contract finding for the rendered targets. */
export function contractFindings(results: readonly RenderedTarget[]): Finding[] {
  const out = [...environmentFindings(results.flatMap((r) => r.objects)), ...serviceConfigFindings(results)];
  for (const r of results) {
    const env = r.target.env;
    if (!env || r.findings.length) continue;
    const objects = r.objects.map((o) => o.object as any);
    const find = (ref: { kind: string; name: string }) => objects.find((x) => x.kind === ref.kind && x.metadata?.name === ref.name);
    for (const issue of dataTierIssues(env, objects)) {
      const o = issue.object && find(issue.object);
      const reads = (issue.reads ?? []).flatMap((ref) => find(ref) ?? []).map(objectRef);
      out.push({
        rule: 'contract/data-tier',
        severity: 'error',
        target: r.target.name,
        // With the object and field, validate points at the line that set it (a patch, the base);
        // otherwise (an object that is missing, a PGHOST) at the environment's data kustomization.
        // An absent value is placed at its nearest present parent (findings.ts locateLate).
        ...(o && issue.path ? { object: objectRef(o), path: issue.path, ...(issue.absent ? { absent: true as const } : {}) } : { file: `${r.target.path}/data/kustomization.yaml` }),
        message: issue.message,
        hint: issue.hint ?? `fix ${r.target.path}/data (sizes, replicas, storage class), see docs/data.md`,
        ...(reads.length ? { reads } : {}),
      });
    }
  }
  return out;
}
