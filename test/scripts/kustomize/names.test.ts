// The names namePrefix / nameSuffix and the content hash wrap an object in, undone
// (scripts/lib/kustomize/names.ts). Expected names worked by hand from kustomize 4.5.4's
// output: `kustomize build` of an overlay with namePrefix dev- and nameSuffix -v2 over the
// base's ConfigMap marquee-config prints dev-marquee-config-v2-h588hdc8kc.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashVariants, namesInside, renderedNames } from '../../../scripts/lib/kustomize/index.ts';
import { beforeRenames, nameAffixes, pluginRenames } from '../../../scripts/lib/kustomize/names.ts';

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

// A PrefixSuffixTransformer in `transformers:` (plugin/builtin/prefixsuffixtransformer, kustomize 4.5.4): it renames
// through fieldSpecs of path metadata/name only, for the kinds they select, never a CustomResourceDefinition,
// APIService or Namespace (prefixSuffixFieldSpecsToSkip), and after the kustomization's own namePrefix/nameSuffix.
test('transformers: a PrefixSuffixTransformer renames after namePrefix, for the kinds its metadata/name fieldSpecs select', () => {
  const dir = mkdtempSync(join(tmpdir(), 'names-'));
  try {
    writeFileSync(join(dir, 'prefixer.yaml'), 'apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata: { name: p }\nprefix: eu-\nsuffix: -x\nfieldSpecs:\n  - { path: metadata/name, kind: Deployment }\n');
    writeFileSync(join(dir, 'labels.yaml'), 'apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata: { name: q }\nprefix: no-\nfieldSpecs:\n  - { path: metadata/labels }\n');
    const inline = 'apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata: { name: r }\nprefix: all-\nfieldSpecs:\n  - path: metadata/name\n';
    // the labels-only transformer renames nothing; an entry that is neither YAML nor a file is left to kustomize
    assert.deepEqual(pluginRenames(dir, '.', ['prefixer.yaml', 'labels.yaml', 'missing.yaml', inline]), [
      { prefix: 'eu-', suffix: '-x', kinds: ['Deployment'] },
      { prefix: 'all-', suffix: '' },
    ]);
    const k = nameAffixes(dir, '.', { namePrefix: 'prod-', transformers: ['prefixer.yaml', inline] });
    // Deployment web: prod-web (namePrefix), eu-prod-web-x (prefixer), all-eu-prod-web-x (inline)
    assert.deepEqual(namesInside('all-eu-prod-web-x', [k, {}], 'Deployment'), ['web', 'web']);
    // patchesJson6902 and replacements ran before the transformers: they saw prod-web
    assert.equal(beforeRenames('all-eu-prod-web-x', k, 'Deployment'), 'prod-web');
    // a Service is renamed by the inline transformer only; a Namespace by none of them (all-shop is its own name)
    assert.deepEqual(namesInside('all-prod-web', [k], 'Service'), ['web']);
    assert.deepEqual(namesInside('all-shop', [nameAffixes(dir, '.', { transformers: [inline] })], 'Namespace'), ['all-shop']);
    // a Deployment name without the prefixer's affixes was not built under this kustomization
    assert.deepEqual(namesInside('all-prod-web', [k], 'Deployment'), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
