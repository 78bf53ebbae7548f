// The contract family: checks of rendered environments against what the contracts
// promise (generators/environments.ts, apps/contract) rather than general rules. Not
// exemptable: a contract is changed where it is written, not waived in an overlay.
import type { Finding, RenderedObject, Target } from '../../kube/index.ts';
import { dataTierFindings } from './data-tier.ts';
import { environmentFindings } from './environment.ts';

export { dataTierFindings, type Rendered } from './data-tier.ts';

/** One target's render as the checks see it (validate's RenderResult has this shape). */
export interface RenderedTarget {
  readonly target: Target;
  readonly objects: readonly RenderedObject[];
  /** Render errors: a target that failed is not judged. */
  readonly findings: readonly unknown[];
}

/** Every contract finding for the rendered targets. */
export function contractFindings(results: readonly RenderedTarget[]): Finding[] {
  const out = environmentFindings(results.flatMap((r) => r.objects));
  for (const r of results) {
    const env = r.target.env;
    if (!env || r.findings.length) continue;
    for (const message of dataTierFindings(env, r.objects.map((o) => o.object as any)))
      out.push({
        rule: 'contract/data-tier',
        severity: 'error',
        target: r.target.name,
        file: `${r.target.path}/data/kustomization.yaml`,
        message,
        hint: `fix ${r.target.path}/data (sizes, replicas, storage class), see docs/data.md`,
      });
  }
  return out;
}
