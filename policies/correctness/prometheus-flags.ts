// Prometheus parses its flags before anything else and exits on one it cannot read: the pod
// crash-loops and the cluster has no metrics and no alerts until the argument is fixed.
import { containerLabel, containerPolicy } from '../lib/define.ts';
import { checkDurationFlags, programOf } from '../lib/prometheus.ts';

export default containerPolicy(
  {
    id: 'correctness/prometheus-flags',
    title: "Prometheus' duration flags are Prometheus durations",
    rationale:
      'Prometheus exits at start-up on `--storage.tsdb.retention.time=30days` ("not a valid duration string"): the StatefulSet rolls out a pod that never becomes ready, and monitoring is down for the cluster.',
    hint: 'write the duration with units y w d h m s ms, biggest first, no spaces (30d, 1h30m)',
    init: false,
    references: ['prometheus/prometheus cmd/prometheus/main.go', 'prometheus/common model/time.go ParseDuration'],
  },
  (c) => {
    if (programOf(c.container.image) !== 'prometheus') return [];
    const args = Array.isArray(c.container.args) ? c.container.args : [];
    return checkDurationFlags(args).map((p) => ({ message: `${containerLabel(c)}: ${p.message}`, path: `${c.path}.args[${p.index}]` }));
  },
);
