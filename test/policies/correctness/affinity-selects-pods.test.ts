// correctness/affinity-selects-pods beyond its fixtures: which terms are judged, and the severity of each.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runPolicies } from '../../../policies/index.ts';
import { mutate, platformTarget, withObjects, world } from '../fixtures/world.ts';

const id = 'correctness/affinity-selects-pods';
const withAffinity = (affinity: Record<string, unknown>) =>
  runPolicies(mutate(world('prod'), 'Deployment', 'inventory', (o) => (o.spec.template.spec.affinity = affinity)), { only: [id], exemptions: [] }).findings;
const term = (labelSelector: unknown, extra: Record<string, unknown> = {}) => ({ topologyKey: 'kubernetes.io/hostname', labelSelector, ...extra });
/** prod and its cluster's platform overlay: Namespace monitoring (labelled) and grafana's pods there. */
const withPlatform = (affinity: Record<string, unknown>) =>
  runPolicies(
    withObjects(mutate(world('prod'), 'Deployment', 'inventory', (o) => (o.spec.template.spec.affinity = affinity)), platformTarget('prod'), [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring', labels: { 'marquee.io/cluster': 'prod' } } },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'grafana', namespace: 'monitoring' },
        spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'grafana' } }, template: { metadata: { labels: { 'app.kubernetes.io/name': 'grafana' } }, spec: { containers: [{ name: 'grafana', image: 'grafana' }] } } },
      },
    ]),
    { only: [id], exemptions: [] },
  ).findings;
const grafana = (name: string, extra: Record<string, unknown>) => ({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ matchLabels: { 'app.kubernetes.io/name': name } }, extra)] } });

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
  test('a label key no rendered pod template carries (an operator adds it: cnpg.io/cluster), or a namespace no overlay renders: not judged', () => {
    assert.deepEqual(withAffinity({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ matchLabels: { 'cnpg.io/cluster': 'postgres' } })] } }), []);
    assert.deepEqual(withAffinity({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ matchLabels: { 'app.kubernetes.io/name': 'x' } }, { namespaces: ['other'] })] } }), []);
  });
  // kube-scheduler framework/types.go newAffinityTerm / AffinityTerm.Matches: namespaces ∪ the namespaceSelector's namespaces
  describe('terms that name namespaces: judged against the pods of the namespaces they read', () => {
    test('a namespaces list of rendered namespaces: grafana in monitoring is found, a typo is a warning naming the namespace', () => {
      assert.deepEqual(withPlatform(grafana('grafana', { namespaces: ['monitoring'] })), []);
      const [f, ...more] = withPlatform(grafana('grafna', { namespaces: ['monitoring'] }));
      assert.deepEqual(more, []);
      assert.equal(f?.severity, 'warning');
      assert.match(f!.message, /app\.kubernetes\.io\/name=grafna that no pod rendered in namespace monitoring carries/);
      // inventory's own pods are not read by this term: their labels are no hint
      assert.equal(f!.hint, 'pods there carry app.kubernetes.io/name = grafana');
    });
    test('a namespaceSelector on labels rendered Namespaces carry, kubernetes.io/metadata.name included', () => {
      assert.deepEqual(withPlatform(grafana('grafana', { namespaceSelector: { matchLabels: { 'marquee.io/cluster': 'prod' } } })), []);
      const [f] = withPlatform(grafana('grafna', { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }));
      assert.match(f?.message ?? '', /that no pod rendered in namespace monitoring carries/);
    });
    test('namespaces and namespaceSelector together read the union', () => {
      assert.deepEqual(withPlatform(grafana('grafana', { namespaces: ['marquee-prod'], namespaceSelector: { matchLabels: { 'marquee.io/cluster': 'prod' } } })), []);
      const [f] = withPlatform(grafana('grafna', { namespaces: ['marquee-prod'], namespaceSelector: { matchLabels: { 'marquee.io/cluster': 'prod' } } }));
      assert.match(f?.message ?? '', /in namespaces marquee-prod, monitoring carries/);
    });
    test('an empty namespaceSelector reads every namespace of the cluster, kube-system\'s too: not judged', () => {
      // a term aimed at pods no overlay renders (CoreDNS in kube-system) is right, and must not read as a typo
      assert.deepEqual(withPlatform(grafana('grafana', { namespaceSelector: {} })), []);
      assert.deepEqual(withPlatform(grafana('inventry', { namespaceSelector: {} })), []);
    });
    test('a null namespaceSelector and no namespaces: the pod\'s own namespace', () => {
      const [f] = withPlatform(grafana('grafana', { namespaces: [], namespaceSelector: null }));
      assert.match(f?.message ?? '', /in namespace marquee-prod carries/);
    });
    test('namespaces this repository does not render: not judged (their pods are unknown here)', () => {
      // a selector on labels no rendered Namespace carries
      assert.deepEqual(withPlatform(grafana('grafna', { namespaceSelector: { matchLabels: { team: 'payments' } } })), []);
      // a listed namespace with no Namespace rendered on the cluster, even beside a rendered one
      assert.deepEqual(withPlatform(grafana('grafna', { namespaces: ['monitoring', 'kube-system'] })), []);
      // without the platform overlay in the render, monitoring is unknown
      assert.deepEqual(withAffinity(grafana('grafna', { namespaces: ['monitoring'] })), []);
      // a selector reaching an unrendered namespace beside rendered ones: by name, or by excluding names only
      assert.deepEqual(withPlatform(grafana('grafna', { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['monitoring', 'kube-system'] }] } })), []);
      assert.deepEqual(withPlatform(grafana('grafna', { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['marquee-prod'] }] } })), []);
    });
  });
  test('a term without labelSelector matches no pod (PodAffinityTerm: "null … matches with no Pods")', () => {
    const [f] = withAffinity({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname' }] } });
    assert.equal(f?.severity, 'warning');
    assert.match(f!.message, /has no labelSelector: it matches no pod and does nothing/);
  });
});
