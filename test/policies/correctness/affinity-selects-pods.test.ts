// correctness/affinity-selects-pods beyond its fixtures: which terms are judged, and the severity of each.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runPolicies } from '../../../policies/index.ts';
import { mutate, world } from '../fixtures/world.ts';

const id = 'correctness/affinity-selects-pods';
const withAffinity = (affinity: Record<string, unknown>) =>
  runPolicies(mutate(world('prod'), 'Deployment', 'inventory', (o) => (o.spec.template.spec.affinity = affinity)), { only: [id], exemptions: [] }).findings;
const term = (labelSelector: unknown, extra: Record<string, unknown> = {}) => ({ topologyKey: 'kubernetes.io/hostname', labelSelector, ...extra });

describe(id, () => {
  // kube-scheduler interpodaffinity/filtering.go satisfyPodAffinity: with no matching pod, only a pod matching its own terms passes
  test('a required podAffinity term that matches no pod, not even its own: an error (the pods stay Pending)', () => {
    const [f, ...more] = withAffinity({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ matchLabels: { 'app.kubernetes.io/name': 'billing-apu' } })] } });
    assert.deepEqual(more, []);
    assert.equal(f?.severity, 'error');
    assert.match(f!.message, /app\.kubernetes\.io\/name=billing-apu that no pod rendered in namespace marquee-prod carries: .*Pending/);
    assert.match(f!.hint ?? '', /this workload's own pods carry app\.kubernetes\.io\/name=inventory; pods there carry app\.kubernetes\.io\/name = .*billing-api/);
  });
  test('affinity to another workload that is rendered (billing-api), and anti-affinity to its own pods: nothing', () =>
    assert.deepEqual(
      withAffinity({
        podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: term({ matchLabels: { 'app.kubernetes.io/name': 'billing-api' } }) }] },
        podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['inventory'] }] })] },
      }),
      [],
    ));
  test('a preferred anti-affinity term with a typo: a warning at its matchLabels pair', () => {
    const [f] = withAffinity({ podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term({ matchLabels: { 'app.kubernetes.io/name': 'inventry', 'app.kubernetes.io/part-of': 'marquee' } }) }] } });
    assert.equal(f?.severity, 'warning');
    assert.equal(f!.path, 'spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchLabels["app.kubernetes.io/name"]');
  });
  test('a label key no rendered pod template carries (an operator adds it: cnpg.io/cluster), or other namespaces: not judged', () => {
    assert.deepEqual(withAffinity({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ matchLabels: { 'cnpg.io/cluster': 'postgres' } })] } }), []);
    assert.deepEqual(withAffinity({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ matchLabels: { 'app.kubernetes.io/name': 'x' } }, { namespaces: ['other'] })] } }), []);
  });
  test('a term without labelSelector matches no pod (PodAffinityTerm: "null … matches with no Pods")', () => {
    const [f] = withAffinity({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname' }] } });
    assert.equal(f?.severity, 'warning');
    assert.match(f!.message, /has no labelSelector: it matches no pod and does nothing/);
  });
});
