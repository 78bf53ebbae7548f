// The names namePrefix / nameSuffix and the content hash wrap an object in, undone
// (scripts/lib/kustomize/names.ts). Expected names worked by hand from kustomize 4.5.4's
// output: `kustomize build` of an overlay with namePrefix dev- and nameSuffix -v2 over the
// base's ConfigMap marquee-config prints dev-marquee-config-v2-h588hdc8kc.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashVariants, namesInside, renderedNames } from '../../../scripts/lib/kustomize/index.ts';

test('the hash comes off a generated ConfigMap or Secret only, and the name as it is stays a candidate', () => {
  assert.deepEqual(hashVariants('dev-marquee-config-v2-h588hdc8kc'), ['dev-marquee-config-v2-h588hdc8kc', 'dev-marquee-config-v2']);
  assert.deepEqual(renderedNames({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'marquee-config-h588hdc8kc' } }), ['marquee-config-h588hdc8kc', 'marquee-config']);
  assert.deepEqual(renderedNames({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web-abcdefghij' } }), ['web-abcdefghij']);
});

test('each kustomization from the target inwards takes its prefix and suffix off, the outer ones first', () => {
  const target = { namePrefix: 'prod-' };
  const shared = { namePrefix: 'eu-', nameSuffix: '-v2' };
  const base = {};
  assert.deepEqual(namesInside('prod-eu-web-v2', [target, shared, base]), ['eu-web-v2', 'web', 'web']);
});

test('a prefix or suffix that is not there ends the way: the object was not built under that kustomization', () => {
  assert.deepEqual(namesInside('web', [{ namePrefix: 'dev-' }, {}]), []);
  assert.deepEqual(namesInside('dev-web', [{ namePrefix: 'dev-' }, { nameSuffix: '-v2' }]), ['web']);
  // a name shorter than prefix and suffix together cannot carry both, even where they overlap
  assert.deepEqual(namesInside('a-b', [{ namePrefix: 'a-b', nameSuffix: '-b' }]), []);
});
