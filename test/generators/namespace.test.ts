// base/namespace (generators/namespace.ts): the namespace-wide baseline every service policy
// builds on — deny everything in both directions for every pod, then allow DNS to kube-dns only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headerFor, renderComponent, type FileMap } from '../../generators/lib/component.ts';
import { namespaceComponent } from '../../generators/namespace.ts';
import type { KubeObject } from '../../kube/index.ts';

type Obj = KubeObject;
const objs = (): Obj[] => namespaceComponent().objects.map((o) => JSON.parse(JSON.stringify(o.toJSON())) as Obj);
const one = (kind: string, name: string): Obj => {
  const found = objs().filter((o) => o.kind === kind && o.metadata.name === name);
  assert.equal(found.length, 1, `expected one ${kind}/${name}`);
  return found[0]!;
};
/** An empty podSelector ({} or {matchLabels: {}}) selects every pod in the namespace. */
const selectsAllPods = (sel: any): boolean =>
  sel !== undefined && Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;

describe('base/namespace', () => {
  it('declares the namespace (renamed per environment by the overlay) with part-of labels', () => {
    const ns = one('Namespace', 'marquee');
    assert.equal(ns.apiVersion, 'v1');
    assert.equal(ns.metadata.labels?.['app.kubernetes.io/part-of'], 'marquee');
  });

  it('default-deny selects every pod and denies Ingress and Egress (no rules at all)', () => {
    const np = one('NetworkPolicy', 'default-deny');
    assert.ok(selectsAllPods(np.spec.podSelector), `podSelector ${JSON.stringify(np.spec.podSelector)} must be empty`);
    assert.deepEqual([...np.spec.policyTypes].sort(), ['Egress', 'Ingress']);
    assert.equal((np.spec.ingress ?? []).length, 0, 'no ingress rule');
    assert.equal((np.spec.egress ?? []).length, 0, 'no egress rule');
  });

  it('allow-dns lets every pod reach kube-dns in kube-system on port 53 (UDP and TCP) and nothing else', () => {
    const np = one('NetworkPolicy', 'allow-dns');
    assert.ok(selectsAllPods(np.spec.podSelector));
    // Egress only: listing Ingress here would make this policy an ingress policy for every pod too.
    assert.deepEqual(np.spec.policyTypes, ['Egress']);
    assert.equal(np.spec.ingress, undefined);
    assert.equal(np.spec.egress.length, 1);
    const [rule] = np.spec.egress;
    assert.equal(rule.to.length, 1, 'one peer: namespace AND pod selector together (two peers would mean OR)');
    const [peer] = rule.to;
    assert.deepEqual(peer.namespaceSelector, { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } });
    assert.deepEqual(peer.podSelector, { matchLabels: { 'k8s-app': 'kube-dns' } });
    assert.equal(peer.ipBlock, undefined);
    assert.deepEqual(
      (rule.ports as { protocol: string; port: number }[]).map((p) => `${p.protocol}/${p.port}`).sort(),
      ['TCP/53', 'UDP/53'],
    );
    for (const p of rule.ports) assert.equal(p.endPort, undefined, 'a single port, not a range');
  });

  it('has nothing else: exactly the Namespace and the two baseline policies', () => {
    assert.deepEqual(objs().map((o) => `${o.kind}/${o.metadata.name}`).sort(), ['Namespace/marquee', 'NetworkPolicy/allow-dns', 'NetworkPolicy/default-deny']);
  });

  it('every object validates; renders deterministically with the generator header; kustomization lists exactly the files', () => {
    const c = namespaceComponent();
    for (const o of c.objects) assert.doesNotThrow(() => o.validate(), `${o.kind}/${o.metadata?.name}`);
    const render = (): FileMap => {
      const out: FileMap = new Map();
      renderComponent(namespaceComponent(), out);
      return out;
    };
    const a = render();
    assert.deepEqual([...render()], [...a], 'byte-equal across two renders');
    const header = headerFor('generators/namespace.ts');
    for (const [path, content] of a) {
      assert.ok(path.startsWith('base/namespace/'), path);
      assert.ok(content.startsWith(header), `${path} starts with the header naming generators/namespace.ts`);
    }
    const resources = [...a.get('base/namespace/kustomization.yaml')!.matchAll(/^ {2}- (.+)$/gm)].map((m) => m[1]);
    const written = [...a.keys()].filter((p) => !p.endsWith('/kustomization.yaml')).map((p) => p.slice('base/namespace/'.length));
    assert.deepEqual([...resources].sort(), [...written].sort());
    assert.equal(written.length, c.objects.length);
  });
});
