// Rendering several targets in one kustomize process must give exactly what
// rendering each overlay alone gives (grouping is a speed-up, never a change).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultTargets, inputKey, kustomizeBuild, partsOf, renderTargets, type RenderResult } from '../../../scripts/lib/kustomize/index.ts';
import { originsFor, sourceIndex } from '../../../scripts/lib/kustomize/origins.ts';
import { applyEdits, repoRoot, withRepoCopy } from '../../helpers/repo-copy.ts';
import { parseAllDocuments } from 'yaml';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Every target of this checkout, rendered once each way and shared by the tests that compare them.
const allTargets = defaultTargets(repoRoot);
let groupedRender: Promise<RenderResult[]> | undefined;
let singleRender: Promise<RenderResult[]> | undefined;
const renderGrouped = () => (groupedRender ??= renderTargets(repoRoot, allTargets, { group: true }));
const renderSingle = () => (singleRender ??= renderTargets(repoRoot, allTargets, { group: false }));

test('grouped render equals one-process-per-overlay render, origins stripped', async () => {
  const targets = allTargets;
  assert.ok(targets.length >= 4, 'expected environments, platform overlays and argocd/');
  const [grouped, single] = await Promise.all([renderGrouped(), renderSingle()]);
  for (let i = 0; i < targets.length; i++) {
    assert.deepEqual(grouped[i]!.findings, [], `${targets[i]!.name}: ${JSON.stringify(grouped[i]!.findings)}`);
    assert.deepEqual(
      grouped[i]!.objects.map((o) => [o.origin, o.object]),
      single[i]!.objects.map((o) => [o.origin, o.object]),
      `${targets[i]!.name} differs when grouped`,
    );
  }
  const text = JSON.stringify(grouped.flatMap((r) => r.objects.map((o) => o.object)));
  assert.ok(!text.includes('config.kubernetes.io/origin'), 'origin annotations leak into objects');
  assert.ok(!text.includes('marquee.validate/target'), 'grouping annotation leaks into objects');
});

test('every target renders exactly what a plain kustomize build gives (what Argo CD applies)', async () => {
  // validate renders through a wrapper (origin annotations, the slim OpenAPI
  // document); a plain build uses kustomize's defaults. The objects must match.
  const targets = allTargets;
  const [ours, plain] = await Promise.all([
    renderSingle(),
    Promise.all(targets.map((t) => kustomizeBuild(join(repoRoot, t.path)))),
  ]);
  targets.forEach((t, i) => {
    assert.ok(plain[i]!.ok, plain[i]!.error);
    const objects = parseAllDocuments(plain[i]!.yaml).map((d) => d.toJS());
    assert.ok(objects.length > 0, `${t.name}: nothing rendered`);
    assert.deepEqual(ours[i]!.objects.map((o) => o.object), objects, `${t.name} differs from a plain kustomize build`);
    assert.ok(ours[i]!.objects.every((o) => o.origin && !o.origin.startsWith('..')), `${t.name}: every object has a repo-relative origin`);
  });
});

test('the render cache returns what a fresh render returns, and any input change misses it', async () => {
  await withRepoCopy(async (dir) => {
    const [target] = defaultTargets(dir, ['dev']);
    const before = inputKey(dir, target!);
    const fresh = await renderTargets(dir, [target!], { cache: false });
    await renderTargets(dir, [target!], { cache: true }); // fills the cache
    const cached = await renderTargets(dir, [target!], { cache: true });
    assert.deepEqual(cached[0]!.objects.map((o) => [o.origin, o.object]), fresh[0]!.objects.map((o) => [o.origin, o.object]));
    applyEdits(dir, [{ file: 'base/inventory/service.yaml', replace: ['type: ClusterIP', 'type: NodePort'] }]);
    assert.notEqual(inputKey(dir, target!), before, 'a change in a base the overlay includes must change the key');
    const after = await renderTargets(dir, [target!], { cache: true });
    const svc = after[0]!.objects.find((o) => o.object.kind === 'Service' && o.object.metadata.name === 'inventory');
    assert.equal(svc?.object.spec.type, 'NodePort', 'stale render served from the cache');
  });
});

test('origins computed from the sources equal kustomize origin annotations, for every object of every target', async () => {
  const targets = allTargets;
  const annotated = await renderGrouped(); // one process per cluster: kustomize's own annotations
  targets.forEach((t, i) => {
    const index = sourceIndex(repoRoot, t.path);
    // Platform overlays rename cluster-scoped objects with a transformer: not modelled, kustomize annotates them.
    if (t.kind === 'platform') return assert.equal(index, undefined, `${t.name}: transformers are not modelled`);
    assert.ok(index, `${t.name}: the source walk should model this repository's kustomizations`);
    const ours = originsFor(index!, annotated[i]!.objects.map((o) => o.object));
    assert.ok(ours, `${t.name}: some object has no single source`);
    assert.deepEqual(ours, annotated[i]!.objects.map((o) => o.origin), `${t.name}: origins differ from kustomize's`);
  });
});

test('origins: unmodelled kustomizations fall back to kustomize annotations', async () => {
  await withRepoCopy(async (dir) => {
    applyEdits(dir, [{ file: 'overlays/dev/services/kustomization.yaml', replace: ['namespace: marquee-dev', 'namespace: marquee-dev\nnamePrefix: x-'] }]);
    assert.equal(sourceIndex(dir, 'overlays/dev'), undefined, 'namePrefix is not modelled');
    const [dev] = await renderTargets(dir, defaultTargets(dir, ['dev']), { cache: false });
    const gw = dev!.objects.find((o) => o.object.kind === 'Deployment' && o.object.metadata.name === 'x-api-gateway');
    assert.equal(gw?.origin, 'base/api-gateway/deployment.yaml');
  });
});

test('an environment renders as its parts (data/, services/), joined in kustomize order; only the edited part re-renders', async () => {
  await withRepoCopy(async (dir) => {
    const [dev] = defaultTargets(dir, ['dev']);
    const parts = partsOf(dir, dev!);
    assert.deepEqual(parts?.map((p) => p.path), ['overlays/dev/data', 'overlays/dev/services']);
    await renderTargets(dir, [dev!], { cache: true }); // fills the cache
    const [dataKey, servicesKey] = parts!.map((p) => inputKey(dir, p));
    applyEdits(dir, [{ file: 'overlays/dev/services/patches/ingress.yaml', replace: ['dev.marquee.example.com', 'dev2.marquee.example.com'] }]);
    assert.equal(inputKey(dir, parts![0]!), dataKey, 'an edit in services/ must leave the data part cached');
    assert.notEqual(inputKey(dir, parts![1]!), servicesKey);
    const [after] = await renderTargets(dir, [dev!], { cache: true });
    const plain = await kustomizeBuild(join(dir, 'overlays/dev'));
    assert.ok(plain.ok, plain.error);
    assert.deepEqual(after!.objects.map((o) => o.object), parseAllDocuments(plain.yaml).map((d) => d.toJS()), 'joined parts differ from kustomize build overlays/dev');
    assert.ok(after!.objects.every((o, i) => o.target === dev && o.index === i));
  });
});

test('parts: a kustomization with more than a list of directories renders whole; two parts rendering one object give kustomize\'s error', async () => {
  await withRepoCopy(async (dir) => {
    const [dev] = defaultTargets(dir, ['dev']);
    applyEdits(dir, [{ file: 'overlays/dev/kustomization.yaml', replace: ['resources:', 'commonLabels: { team: shop }\nresources:'] }]);
    assert.equal(partsOf(dir, dev!), undefined, 'a transformer on the whole environment must not be skipped');
    applyEdits(dir, [
      { file: 'overlays/dev/kustomization.yaml', replace: ['commonLabels: { team: shop }\n', ''] },
      // services/ now also includes a base data/ already renders: kustomize build overlays/dev fails.
      { file: 'overlays/dev/services/kustomization.yaml', replace: ['  - ../../../base/migrations', '  - ../../../base/migrations\n  - ../../../base/namespace'] },
    ]);
    assert.equal(partsOf(dir, dev!)?.length, 2);
    const [r] = await renderTargets(dir, [dev!], { cache: false });
    assert.equal(r!.objects.length, 0);
    assert.match(r!.findings.map((f) => f.message).join('\n'), /kustomize build overlays\/dev failed: .*(already registered id|conflict)/s);
  });
});

test('an object of a kind the files do not declare at the top level is rendered again with the whole OpenAPI document', async () => {
  await withRepoCopy(async (dir) => {
    // A List hides its items' kind from the top-level scan, and so does an inline patch. The
    // ReplicaSet's containers are merged by name only with its schema; without it the list is replaced.
    writeFileSync(
      join(dir, 'overlays/dev/services/extra.yaml'),
      'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: apps/v1\n    kind: ReplicaSet\n    metadata: {name: extra}\n    spec:\n      selector: {matchLabels: {app: extra}}\n      template:\n        metadata: {labels: {app: extra}}\n        spec:\n          containers:\n            - {name: a, image: a:1}\n            - {name: b, image: b:1}\n',
    );
    applyEdits(dir, [
      {
        file: 'overlays/dev/services/kustomization.yaml',
        replace: ['patches:\n', 'patches:\n  - patch: |-\n      apiVersion: apps/v1\n      kind: ReplicaSet\n      metadata: {name: extra}\n      spec: {template: {spec: {containers: [{name: a, image: a:2}]}}}\n'],
      },
      { file: 'overlays/dev/services/kustomization.yaml', replace: ['resources:\n', 'resources:\n  - extra.yaml\n'] },
    ]);
    const [dev] = await renderTargets(dir, defaultTargets(dir, ['dev']), { cache: false });
    const plain = await kustomizeBuild(join(dir, 'overlays/dev'));
    assert.ok(plain.ok, plain.error);
    assert.deepEqual(dev!.findings, []);
    assert.deepEqual(dev!.objects.map((o) => o.object), parseAllDocuments(plain.yaml).map((d) => d.toJS()));
    const rs = dev!.objects.find((o) => o.object.kind === 'ReplicaSet');
    assert.deepEqual(rs?.object.spec.template.spec.containers.map((c: { image: string }) => c.image), ['a:2', 'b:1'], 'the containers were merged by name');
  });
});
