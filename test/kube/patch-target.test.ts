// kustomize's selector rule (kube/patch-target.ts) against kustomize's own tables.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { patchTargetMatches, type PatchTarget } from '../../kube/index.ts';

const obj = (apiVersion: string, kind: string, name = 'x', namespace?: string, labels?: Record<string, string>) => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}), ...(labels ? { labels } : {}) },
});

// kubernetes-sigs/kustomize api/types/selector_test.go TestSelectorRegexMatchGvk
describe('MatchGvk (selector_test.go TestSelectorRegexMatchGvk)', () => {
  const cases: [PatchTarget, string, string, boolean][] = [
    [{ group: 'group', version: 'version', kind: 'kind' }, 'group/version', 'kind', true],
    [{ group: 'group' }, 'group/version', 'kind', true],
    [{ group: 'group', version: 'version', kind: 'kind' }, 'group/version', '', false],
    [{ group: 'group', version: 'version', kind: 'kind' }, 'group/version', 'kind2', false],
    [{ group: 'g.*', version: '\\d+', kind: '.{4}' }, 'group/123', 'abcd', true],
    [{ group: 'g.*', version: '\\d+', kind: '.{4}' }, 'group/123', 'abc', false],
  ];
  for (const [sel, apiVersion, kind, want] of cases)
    test(`${JSON.stringify(sel)} ${apiVersion} ${kind || '(no kind)'} → ${want}`, () => assert.equal(patchTargetMatches(sel, obj(apiVersion, kind)), want));
  test('the core group is empty: group "apps" does not select a v1 object', () => assert.equal(patchTargetMatches({ group: 'apps' }, obj('v1', 'Service')), false));
});

// selector_test.go TestSelectorRegexMatchName
describe('MatchName (selector_test.go TestSelectorRegexMatchName)', () => {
  const cases: [PatchTarget, string, boolean][] = [
    [{ name: 'foo', namespace: 'bar' }, 'foo', true],
    [{ name: 'foo', namespace: 'bar' }, 'bar', false],
    [{ name: 'f.*' }, 'foo', true],
    [{ name: 'b.*' }, 'foo', false],
  ];
  for (const [sel, name, want] of cases)
    test(`${JSON.stringify(sel)} name ${name} → ${want}`, () => assert.equal(patchTargetMatches({ name: sel.name }, obj('v1', 'ConfigMap', name)), want));
  // kustomize compiles the pattern with Go's regexp.Compile (selector.go NewSelectorRegex): RE2 syntax, not JavaScript's.
  test('Go syntax: "(?i)API-gateway" selects "api-gateway"', () => assert.equal(patchTargetMatches({ name: '(?i)API-gateway' }, obj('apps/v1', 'Deployment', 'api-gateway')), true));
  test('Go syntax: a look-ahead does not compile, so it selects nothing', () => assert.equal(patchTargetMatches({ name: 'api(?=-gateway).*' }, obj('apps/v1', 'Deployment', 'api-gateway')), false));
  test('anchored: "inv" does not select "inventory" (anchorRegex)', () => assert.equal(patchTargetMatches({ name: 'inv' }, obj('apps/v1', 'Deployment', 'inventory')), false));
  test('the original name also matches (reswrangler.go Select: OrgId or CurId)', () =>
    assert.equal(patchTargetMatches({ name: 'cfg' }, obj('v1', 'ConfigMap', 'cfg-5hb8m4f2kt'), { name: 'cfg' }), true));
});

// selector_test.go TestSelectorRegexMatchNamespace
describe('MatchNamespace (selector_test.go TestSelectorRegexMatchNamespace)', () => {
  const cases: [string, string, boolean][] = [
    ['foo', 'foo', true],
    ['bar', 'foo', false],
    ['f.*', 'foo', true],
    ['b.*', 'foo', false],
  ];
  for (const [ns, has, want] of cases)
    test(`namespace ${ns} vs ${has} → ${want}`, () => assert.equal(patchTargetMatches({ namespace: ns }, obj('v1', 'ConfigMap', 'x', has)), want));
  test('an object without a namespace is in "default" (ResId.EffectiveNamespace)', () => assert.equal(patchTargetMatches({ namespace: 'default' }, obj('v1', 'ConfigMap')), true));
});

describe('label and annotation selectors', () => {
  test('labelSelector selects by label', () => assert.equal(patchTargetMatches({ labelSelector: 'tier=api' }, obj('v1', 'Service', 's', undefined, { tier: 'api' })), true));
  test('a label selector that does not hold excludes', () => assert.equal(patchTargetMatches({ labelSelector: 'tier=api' }, obj('v1', 'Service', 's', undefined, { tier: 'web' })), false));
  test('a malformed selector selects nothing', () => assert.equal(patchTargetMatches({ labelSelector: 'tier===api' }, obj('v1', 'Service', 's', undefined, { tier: 'api' })), false));
  test('an invalid regex selects nothing (kustomize refuses it)', () => assert.equal(patchTargetMatches({ name: '(' }, obj('v1', 'Service', '(')), false));
});
