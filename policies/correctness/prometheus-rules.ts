// A rule file Prometheus cannot load is skipped with an error in its log: every alert of the file
// stops evaluating, silently for whoever waits for a page.
import { key } from '../../kube/index.ts';
import { objectPolicy } from '../lib/define.ts';
import { checkRuleFile, mountedBy } from '../lib/prometheus.ts';

export default objectPolicy(
  {
    id: 'correctness/prometheus-rules',
    title: 'Prometheus rule files load: PromQL parses, durations are Prometheus durations',
    rationale:
      'Prometheus refuses a whole rule file for one expression that does not parse, a `for: 10 m` or two groups of one name, and keeps running without those alerts; `promtool check rules` says so, nothing in a render does.',
    hint: 'fix the rule file (promtool check rules <file> shows the same error)',
    kinds: ['ConfigMap'],
    references: ['prometheus/prometheus model/rulefmt/rulefmt.go', 'prometheus/common model/time.go ParseDuration'],
  },
  (subject, ctx) => {
    const data: Record<string, unknown> = subject.object.data ?? {};
    // a key is a rule file when it is YAML with `groups:` in a ConfigMap a Prometheus pod mounts
    const files = Object.entries(data).filter(([k, v]) => /\.ya?ml$/.test(k) && typeof v === 'string' && /^groups:/m.test(v));
    if (!files.length || !mountedBy(subject, ctx, 'prometheus')) return [];
    return files.flatMap(([k, v]) =>
      checkRuleFile(v as string).map((p) => ({ message: `${k} line ${p.line}: ${p.message}`, path: key('data', k), within: { line: p.line, column: p.column } })),
    );
  },
);
