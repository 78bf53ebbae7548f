// An `{{args.x}}` the AnalysisRun cannot resolve fails the run at creation ("args.x was not
// resolved"): the Rollout aborts on its first analysis step, for every release.
import { setPolicy } from '../lib/define.ts';
import type { Violation } from '../types.ts';
import type { RenderedObject } from '../../kube/index.ts';
import { argsUsed, templateFor, templateUses } from '../lib/rollouts.ts';

export default setPolicy(
  {
    id: 'rollouts/analysis-args-bound',
    title: 'Every {{args.*}} of an analysis template is declared and bound by each Rollout using it',
    rationale:
      'Argo Rollouts resolves template arguments when it creates the AnalysisRun; an argument that is neither given by the Rollout nor defaulted by the template errors the run and aborts the release.',
    hint: 'declare the arg in the template spec.args and pass it (value or valueFrom) in every Rollout analysis that uses the template',
    references: ['Argo Rollouts utils/analysis ResolveArgs'],
  },
  function* (ctx) {
    for (const t of [...ctx.index.ofKind('AnalysisTemplate'), ...ctx.index.ofKind('ClusterAnalysisTemplate')]) {
      const declared = new Set((t.object.spec?.args ?? []).map((a: any) => a?.name));
      for (const [name, path] of argsUsed(t.object))
        if (!declared.has(name)) yield { subject: t, message: `uses {{args.${name}}} but spec.args does not declare ${name}`, path };
    }
    for (const r of ctx.index.ofKind('Rollout'))
      for (const use of templateUses(r.object)) {
        const t = templateFor(r, use, ctx);
        if (!t) continue; // rollouts/references-exist reports it
        for (const v of unbound(r, t, use.args, use.path)) yield v;
      }
  },
);

function* unbound(rollout: RenderedObject, template: RenderedObject, given: ReadonlyMap<string, string>, path: string): Iterable<Violation & { subject: RenderedObject }> {
  const used = argsUsed(template.object);
  for (const a of template.object.spec?.args ?? []) {
    const name = a?.name;
    if (!name || !used.has(name)) continue;
    const defaulted = a.value !== undefined || a.valueFrom !== undefined;
    if (!defaulted && !given.has(name))
      yield { subject: rollout, message: `${template.object.kind}/${template.object.metadata?.name} needs arg ${name} ({{args.${name}}}), which this analysis does not pass and the template does not default`, path: path.replace(/\.templates\[\d+\]\.templateName$/, '.args') };
  }
}
