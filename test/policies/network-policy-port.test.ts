// correctness/network-policy-port on prod's rendered services: egress named ports are looked up on the peer pods,
// and pods are selected by matchExpressions as well as matchLabels (kube/workload.ts selectorMatches).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runPolicies } from '../../policies/index.ts';
import type { RenderedObject } from '../../kube/index.ts';
import { mutate, platformTarget, withObjects, world } from './fixtures/world.ts';

const id = 'correctness/network-policy-port';
const findings = (objects: readonly RenderedObject[]) => runPolicies(objects, { only: [id], exemptions: [] }).findings.map((f) => [f.object, f.path, f.message]);
/** api-gateway's policy: its first egress rule goes to the inventory pods, whose one container port is named http. */
const gateway = (fn: (spec: Record<string, any>) => void) => mutate(world('prod'), 'NetworkPolicy', 'api-gateway', (o) => fn(o.spec));
const inventory = { matchLabels: { 'app.kubernetes.io/name': 'inventory', 'app.kubernetes.io/part-of': 'marquee' } };

describe('correctness/network-policy-port: egress rules name ports of the peer pods', () => {
  it('prod as rendered has no finding', () => assert.deepEqual(findings(world('prod')), []));
  it('a port name the peer pods declare passes', () => assert.deepEqual(findings(gateway((s) => (s.egress[0].ports[0].port = 'http'))), []));
  it('a port name no peer pod declares is one finding at that port', () =>
    assert.deepEqual(findings(gateway((s) => (s.egress[0].ports[0].port = 'https'))), [
      ['NetworkPolicy/marquee-prod/api-gateway', 'spec.egress[0].ports[0].port', 'egress[0] allows port "https" to its peers, which no container of the peer pods declares (they name http)'],
    ]));
  it('the port of the selected pods does not count for an egress rule (api-gateway declares http, the peers do not declare "gateway")', () =>
    assert.deepEqual(findings(gateway((s) => (s.egress[0].ports[0].port = 'gateway'))).map((f) => f[1]), ['spec.egress[0].ports[0].port']));
  it('a peer in a namespace named by kubernetes.io/metadata.name is looked up there', () => {
    const peer = (ns: string) => gateway((s) => {
      s.egress[0].ports[0].port = 'https';
      s.egress[0].to[0].namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': ns } };
    });
    assert.deepEqual(findings(peer('marquee-prod')).map((f) => f[1]), ['spec.egress[0].ports[0].port']);
    assert.deepEqual(findings(peer('kube-system')), [], 'a namespace marquee does not render is not judged');
  });
  it('rules whose peers the render does not settle are not judged: an ipBlock, a namespaceSelector by other labels, no `to`, an empty podSelector, pods an operator makes', () => {
    const unjudged: ((s: Record<string, any>) => void)[] = [
      (s) => s.egress[0].to.push({ ipBlock: { cidr: '10.0.0.0/8' } }),
      (s) => (s.egress[0].to[0].namespaceSelector = { matchLabels: { team: 'shop' } }),
      (s) => (s.egress[0].to[0].namespaceSelector = {}),
      (s) => delete s.egress[0].to,
      (s) => (s.egress[0].to = [{ podSelector: {} }]),
      (s) => (s.egress[0].to = [{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'postgres' } } }]),
    ];
    for (const fn of unjudged) assert.deepEqual(findings(gateway((s) => { s.egress[0].ports[0].port = 'https'; fn(s); })), [], fn.toString());
  });
  it('peers selected by matchExpressions', () => {
    const exprs = (values: string[]) => gateway((s) => {
      s.egress[0].ports[0].port = 'https';
      s.egress[0].to = [{ podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values }] } }];
    });
    assert.deepEqual(findings(exprs(['inventory', 'billing-api'])).map((f) => f[1]), ['spec.egress[0].ports[0].port']);
    assert.deepEqual(findings(exprs(['no-such-service'])), [], 'a selector that finds no rendered pod is not judged');
  });
});

describe('correctness/network-policy-port: the policy selects pods by matchExpressions', () => {
  const inv = (fn: (spec: Record<string, any>) => void) => mutate(world('prod'), 'NetworkPolicy', 'inventory', (o) => fn(o.spec));
  const byExpressions = (operator: string, values?: string[]) => (s: Record<string, any>) => {
    s.ingress[0].ports[0].port = 'https';
    s.podSelector = { matchExpressions: [{ key: 'app.kubernetes.io/name', operator, ...(values ? { values } : {}) }, { key: 'app.kubernetes.io/part-of', operator: 'Exists' }] };
  };
  it('In: the named port is looked up on the pods the expressions select', () =>
    assert.deepEqual(findings(inv(byExpressions('In', ['inventory']))), [
      ['NetworkPolicy/marquee-prod/inventory', 'spec.ingress[0].ports[0].port', 'ingress[0] allows port "https", which no selected container declares (they name http)'],
    ]));
  it('NotIn and Exists select pods too', () => {
    assert.deepEqual(findings(inv(byExpressions('NotIn', ['web']))).map((f) => f[1]), ['spec.ingress[0].ports[0].port']);
    assert.deepEqual(findings(inv(byExpressions('Exists'))).map((f) => f[1]), ['spec.ingress[0].ports[0].port']);
  });
  it('a declared name passes; DoesNotExist on a label every pod has selects no rendered pod and is not judged', () => {
    assert.deepEqual(findings(inv((s) => { byExpressions('In', ['inventory'])(s); s.ingress[0].ports[0].port = 'http'; })), []);
    assert.deepEqual(findings(inv(byExpressions('DoesNotExist'))), []);
  });
  it('matchLabels and matchExpressions together: both must hold', () =>
    assert.deepEqual(
      findings(inv((s) => {
        s.ingress[0].ports[0].port = 'https';
        s.podSelector = { ...inventory, matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'NotIn', values: ['inventory'] }] };
      })),
      [],
      'no pod is both inventory and not inventory: nothing is selected, nothing judged',
    ));
});

describe('correctness/network-policy-port: peers in the namespaces a namespaceSelector selects by their labels', () => {
  /**
   * prod and its cluster's platform overlay: Namespace monitoring, labelled part-of marquee as base/monitoring renders
   * it, and grafana's pods there (port http). api-gateway's first egress rule goes to inventory's pods in every marquee
   * namespace (NetworkPolicyPeer: the pods matching podSelector in the namespaces namespaceSelector selects).
   */
  const peers = (namespaceSelector: Record<string, unknown>, port: string, podSelector: Record<string, unknown> = inventory) =>
    findings(
      withObjects(
        gateway((s) => {
          s.egress[0].ports[0].port = port;
          s.egress[0].to = [{ namespaceSelector, podSelector }];
        }),
        platformTarget('prod'),
        [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring', labels: { 'app.kubernetes.io/part-of': 'marquee' } } },
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: 'grafana', namespace: 'monitoring' },
            spec: {
              selector: { matchLabels: { 'app.kubernetes.io/name': 'grafana' } },
              template: { metadata: { labels: { 'app.kubernetes.io/name': 'grafana', 'app.kubernetes.io/part-of': 'marquee' } }, spec: { containers: [{ name: 'grafana', image: 'grafana', ports: [{ name: 'grafana-http', containerPort: 3000 }] }] } },
            },
          },
        ],
      ),
    );
  const partOf = { matchLabels: { 'app.kubernetes.io/part-of': 'marquee' } };

  it('a port no peer pod in the selected namespaces declares is one finding at that port', () =>
    assert.deepEqual(peers(partOf, 'https'), [
      ['NetworkPolicy/marquee-prod/api-gateway', 'spec.egress[0].ports[0].port', 'egress[0] allows port "https" to its peers, which no container of the peer pods declares (they name http)'],
    ]));
  it('a port the peer pods declare passes; the peer pods are looked up in every namespace selected (grafana in monitoring)', () => {
    assert.deepEqual(peers(partOf, 'http'), []);
    // every marquee pod of every marquee namespace
    assert.deepEqual(peers(partOf, 'grafana-http', partOf), []);
    assert.deepEqual(peers(partOf, 'https', partOf).map((f) => f[2]), ['egress[0] allows port "https" to its peers, which no container of the peer pods declares (they name grafana-http, http)']);
  });
  it('matchExpressions on namespace labels, kubernetes.io/metadata.name included (the API server sets it)', () => {
    assert.deepEqual(peers({ matchExpressions: [{ key: 'app.kubernetes.io/part-of', operator: 'Exists' }] }, 'https').map((f) => f[1]), ['spec.egress[0].ports[0].port']);
    assert.deepEqual(peers({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['marquee-prod', 'monitoring'] }] }, 'https').map((f) => f[1]), ['spec.egress[0].ports[0].port']);
  });
  it('not judged where the selected namespaces are not all rendered: {}, labels no rendered Namespace carries, a name not rendered beside rendered ones, only exclusions', () => {
    const unjudged: Record<string, unknown>[] = [
      {},
      { matchLabels: { team: 'shop' } },
      { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['marquee-prod', 'kube-system'] }] },
      { matchLabels: { 'app.kubernetes.io/part-of': 'marquee', 'kubernetes.io/metadata.name': 'kube-system' } },
      { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['monitoring'] }] },
      { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] },
      { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'Exists' }] },
      // a selector the API server refuses is its own finding (apiserver/*)
      { matchExpressions: [{ key: 'app.kubernetes.io/part-of', operator: 'In' }] },
    ];
    for (const sel of unjudged) assert.deepEqual(peers(sel, 'https'), [], JSON.stringify(sel));
  });
  it('selected namespaces where the podSelector finds no rendered pod are not judged', () =>
    assert.deepEqual(peers(partOf, 'https', { matchLabels: { 'app.kubernetes.io/name': 'no-such-service' } }), []));
});
