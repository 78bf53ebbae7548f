// With duplicate env names the last one silently wins, and patches land on the wrong one.
import { containerLabel, containerPolicy } from '../lib/define.ts';
import type { Violation } from '../types.ts';

export default containerPolicy(
  {
    id: 'correctness/no-duplicate-env',
    title: 'No duplicate environment variable names in a container',
    rationale: 'The kubelet keeps the last duplicate; a strategic-merge patch keyed by name updates only one of them. The value a service sees is then not the one reviewers read.',
    hint: 'remove the duplicate env entry',
    references: ['kube-linter duplicate-env-var'],
  },
  (c) => {
    const out: Violation[] = [];
    const seen = new Map<string, number>();
    (Array.isArray(c.container.env) ? c.container.env : []).forEach((e: any, i: number) => {
      const name = e?.name;
      if (typeof name !== 'string') return;
      const first = seen.get(name);
      if (first !== undefined) out.push({ message: `${containerLabel(c)} sets env ${name} twice (env[${first}] and env[${i}])`, path: `${c.path}.env[${i}].name` });
      else seen.set(name, i);
    });
    return out;
  },
);
