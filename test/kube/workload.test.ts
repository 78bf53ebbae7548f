// The helpers every policy leans on: image references, quantities, label selectors, PDB arithmetic.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseImage, parseLabelSelector, quantity, selectorMatches, splitImage } from '../../kube/index.ts';
import { allowedDisruptions } from '../../policies/lib/workloads.ts';
import { allowedImage } from '../../policies/gitops/allowed-registries.ts';

describe('parseImage (Docker normalisation)', () => {
  it('official images live under docker.io/library', () => {
    assert.deepEqual(parseImage('postgres:16.6-bookworm'), { registry: 'docker.io', repository: 'library/postgres', name: 'docker.io/library/postgres', written: 'postgres', tag: '16.6-bookworm' });
    assert.equal(parseImage('amazon/aws-cli:2.22.35').name, 'docker.io/amazon/aws-cli');
  });
  it('registry hosts, ports and digests', () => {
    assert.deepEqual(parseImage('localhost:5000/team/app'), { registry: 'localhost:5000', repository: 'team/app', name: 'localhost:5000/team/app', written: 'localhost:5000/team/app' });
    const d = `sha256:${'a'.repeat(64)}`;
    assert.deepEqual(parseImage(`ghcr.io/marquee-shop/web:0.1.0@${d}`), { registry: 'ghcr.io', repository: 'marquee-shop/web', name: 'ghcr.io/marquee-shop/web', written: 'ghcr.io/marquee-shop/web', tag: '0.1.0', digest: d });
  });
  it('splitImage: the name as written and the version (digest over tag, latest when neither)', () => {
    const d = `sha256:${'b'.repeat(64)}`;
    assert.deepEqual(splitImage(`ghcr.io/marquee-shop/web:0.1.0@${d}`), { repository: 'ghcr.io/marquee-shop/web', version: d });
    assert.deepEqual(splitImage('localhost:5000/team/app'), { repository: 'localhost:5000/team/app', version: 'latest' });
    assert.deepEqual(splitImage('nginx:1.27'), { repository: 'nginx', version: '1.27' });
  });
  it('the allow-list matches whole repository names, not prefixes of names', () => {
    assert.ok(allowedImage('postgres:16.6'));
    assert.ok(!allowedImage('postgresql-evil:1'));
    assert.ok(allowedImage('registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0'));
    assert.ok(!allowedImage('ghcr.io/someone-else/web:1'));
  });
});

describe('quantity', () => {
  it('parses Kubernetes quantities', () => {
    assert.equal(quantity('250m'), 0.25);
    assert.equal(quantity('2'), 2);
    assert.equal(quantity('192Mi'), 192 * 2 ** 20);
    assert.equal(quantity('1G'), 1e9);
    assert.ok(Number.isNaN(quantity('lots')));
  });
});

describe('selectorMatches', () => {
  const labels = { app: 'web', tier: 'frontend' };
  it('matchLabels and every operator', () => {
    assert.ok(selectorMatches({ matchLabels: { app: 'web' } }, labels));
    assert.ok(!selectorMatches({ matchLabels: { app: 'api' } }, labels));
    assert.ok(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend', 'edge'] }] }, labels));
    assert.ok(!selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['frontend'] }] }, labels));
    assert.ok(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, labels));
    assert.ok(!selectorMatches({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels));
    assert.ok(selectorMatches({}, labels), 'an empty selector selects everything');
    assert.ok(!selectorMatches(undefined, labels), 'no selector selects nothing');
  });
});

// kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/labels/selector_test.go TestSelectorMatches (its rows
// written as selector strings, read by parseLabelSelector into matchExpressions; the Gt/Lt rows `x>1`, `x<1` are left
// out: a LabelSelector has no such operator), and pkg/apis/meta/v1/helpers_test.go TestLabelSelectorAsSelector.
describe('selectorMatches: labels/selector_test.go TestSelectorMatches', () => {
  const match: [string, Record<string, string>][] = [
    ['', { x: 'y' }], ['x=y', { x: 'y' }], ['x=y,z=w', { x: 'y', z: 'w' }], ['x!=y,z!=w', { x: 'z', z: 'a' }], ['notin=in', { notin: 'in' }],
    ['x', { x: 'z' }], ['!x', { y: 'z' }],
    ['foo=bar', { foo: 'bar', baz: 'blah' }], ['baz=blah', { foo: 'bar', baz: 'blah' }], ['foo=bar,baz=blah', { foo: 'bar', baz: 'blah' }],
  ];
  const noMatch: [string, Record<string, string>][] = [
    ['x=z', {}], ['x=y', { x: 'z' }], ['x=y,z=w', { x: 'w', z: 'w' }], ['x!=y,z!=w', { x: 'z', z: 'w' }], ['x', { y: 'z' }], ['!x', { x: 'z' }],
    ['foo=blah', { foo: 'bar', baz: 'blah' }], ['baz=bar', { foo: 'bar', baz: 'blah' }], ['foo=bar,foobar=bar,baz=blah', { foo: 'bar', baz: 'blah' }],
  ];
  for (const [sel, set] of match) it(`"${sel}" matches ${JSON.stringify(set)}`, () => assert.ok(selectorMatches(parseLabelSelector(sel), set)));
  for (const [sel, set] of noMatch) it(`"${sel}" does not match ${JSON.stringify(set)}`, () => assert.ok(!selectorMatches(parseLabelSelector(sel), set)));
});

describe('selectorMatches: meta/v1/helpers_test.go TestLabelSelectorAsSelector', () => {
  const matchLabels = { foo: 'bar' };
  const matchExpressions = [{ key: 'baz', operator: 'In', values: ['qux', 'norf'] }];
  it('nil is labels.Nothing(), {} is labels.Everything()', () => {
    assert.ok(!selectorMatches(undefined, {}));
    assert.ok(!selectorMatches(null, { foo: 'bar' }));
    assert.ok(selectorMatches({}, {}));
    assert.ok(selectorMatches({}, { any: 'label' }));
  });
  it('matchLabels is "foo=bar"', () => {
    assert.ok(selectorMatches({ matchLabels }, { foo: 'bar', x: 'y' }));
    assert.ok(!selectorMatches({ matchLabels }, { foo: 'baz' }));
  });
  it('an In expression is "baz in (norf,qux)"', () => {
    assert.ok(selectorMatches({ matchExpressions }, { baz: 'norf' }));
    assert.ok(selectorMatches({ matchExpressions }, { baz: 'qux' }));
    assert.ok(!selectorMatches({ matchExpressions }, { baz: 'other' }));
    assert.ok(!selectorMatches({ matchExpressions }, {}), 'In needs the key (selector.go Requirement.Matches: !ls.Has(key) → false)');
  });
  it('both are "baz in (norf,qux),foo=bar": every requirement must hold', () => {
    assert.ok(selectorMatches({ matchLabels, matchExpressions }, { foo: 'bar', baz: 'qux' }));
    assert.ok(!selectorMatches({ matchLabels, matchExpressions }, { foo: 'bar' }));
    assert.ok(!selectorMatches({ matchLabels, matchExpressions }, { baz: 'qux' }));
  });
  it('NotIn holds where the key is absent (selector.go Requirement.Matches: NotIn, !ls.Has(key) → true)', () => {
    assert.ok(selectorMatches({ matchExpressions: [{ key: 'baz', operator: 'NotIn', values: ['qux'] }] }, {}));
    assert.ok(!selectorMatches({ matchExpressions: [{ key: 'baz', operator: 'NotIn', values: ['qux'] }] }, { baz: 'qux' }));
  });
  it('an operator LabelSelectorAsSelector refuses selects nothing', () => assert.ok(!selectorMatches({ matchExpressions: [{ key: 'x', operator: 'Gt', values: ['1'] }] }, { x: '2' })));
});

describe('allowedDisruptions', () => {
  it('rounds percentages up like the disruption controller', () => {
    assert.equal(allowedDisruptions({ spec: { maxUnavailable: 1 } }, 3), 1);
    assert.equal(allowedDisruptions({ spec: { maxUnavailable: '10%' } }, 3), 1);
    assert.equal(allowedDisruptions({ spec: { minAvailable: '50%' } }, 3), 1);
    assert.equal(allowedDisruptions({ spec: { minAvailable: '100%' } }, 3), 0);
    assert.equal(allowedDisruptions({ spec: { minAvailable: 3 } }, 3), 0);
    assert.equal(allowedDisruptions({ spec: {} }, 3), undefined);
  });
});
