// Alertmanager refuses a configuration it cannot load: at start-up it exits, on reload it keeps the
// old one; either way the change that was meant to page someone does not.
import { key } from '../../kube/index.ts';
import { objectPolicy } from '../lib/define.ts';
import { checkAlertmanagerConfig, mountedBy } from '../lib/prometheus.ts';

export default objectPolicy(
  {
    id: 'correctness/alertmanager-config',
    title: 'The Alertmanager configuration loads: routes name defined receivers, durations parse',
    rationale:
      'A route to an undefined receiver or a `group_wait: 30 s` makes Alertmanager refuse the whole file: a new pod crash-loops, a running one keeps its old routes. `amtool check-config` says so, nothing in a render does.',
    hint: 'fix alertmanager.yml (amtool check-config <file> shows the same error)',
    kinds: ['ConfigMap'],
    references: ['prometheus/alertmanager config/config.go', 'prometheus/common model/time.go ParseDuration'],
  },
  (subject, ctx) => {
    const data: Record<string, unknown> = subject.object.data ?? {};
    // a key is an Alertmanager configuration when it is YAML with `route:` in a ConfigMap an Alertmanager pod mounts
    const files = Object.entries(data).filter(([k, v]) => /\.ya?ml$/.test(k) && typeof v === 'string' && /^route:/m.test(v));
    if (!files.length || !mountedBy(subject, ctx, 'alertmanager')) return [];
    return files.flatMap(([k, v]) =>
      checkAlertmanagerConfig(v as string).map((p) => ({ message: `${k} line ${p.line}: ${p.message}`, path: key('data', k), within: { line: p.line, column: p.column } })),
    );
  },
);
