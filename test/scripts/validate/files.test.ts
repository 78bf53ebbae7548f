// kubeconform-style mode: `npm run validate -- <files or folders>` on vendored manifests.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateFiles } from '../../../scripts/lib/validate/index.ts';
import { crdFilesOf } from '../../../scripts/lib/validate/files.ts';

const fixtures = new URL('./fixtures/kube-prometheus/', import.meta.url).pathname;

test('real kube-prometheus manifests (core kinds and monitoring.coreos.com CRs) pass without false alarms', async () => {
  const r = await validateFiles(fixtures, ['.']);
  assert.equal(r.summary.resources, 7);
  assert.deepEqual(r.findings, []);
});

test('the same manifest with a misspelt field fails with file, line and path', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-'));
  try {
    const src = readFileSync(join(fixtures, 'kubeStateMetrics-deployment.yaml'), 'utf8').replace('  replicas: 1\n', '  replicas: 1\n  replica: 2\n');
    writeFileSync(join(dir, 'ksm.yaml'), src);
    writeFileSync(join(dir, 'list.yaml'), 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n    data: {x: 1}\n');
    writeFileSync(join(dir, 'empty.yaml'), '---\n# nothing here\n');
    const r = await validateFiles(dir, ['.']);
    const typo = r.findings.find((f) => f.path === 'spec.replica');
    assert.ok(typo, JSON.stringify(r.findings));
    assert.equal(typo.file, 'ksm.yaml');
    assert.equal(typo.line, 13);
    assert.match(typo.hint ?? '', /replicas/);
    const listItem = r.findings.find((f) => f.object === 'ConfigMap/a');
    assert.equal(listItem?.path, 'data.x', 'items of a v1 List are validated (ConfigMap data values must be strings)');
    assert.equal(listItem?.line, 7, 'a List item\'s finding is at its own line (`    data: {x: 1}`)');
    assert.equal(r.summary.errors, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a misspelt apiVersion or kind of a built-in kind is one finding saying which was meant, not a missing CRD', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-'));
  try {
    writeFileSync(join(dir, 'version.yaml'), 'apiVersion: app/v1\nkind: Deployment\nmetadata:\n  name: a\n');
    writeFileSync(join(dir, 'kind.yaml'), 'apiVersion: apps/v1\nkind: Deploymnet\nmetadata:\n  name: b\n');
    writeFileSync(join(dir, 'list.yaml'), 'apiVersion: v1\nkind: List\nitem:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n');
    // a kind no built-in is near stays a missing schema
    writeFileSync(join(dir, 'cr.yaml'), 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: d\n');
    const r = await validateFiles(dir, ['.']);
    assert.deepEqual(
      r.findings.map((f) => [f.file, f.line, f.path, f.message, f.hint]),
      [
        ['cr.yaml', 2, 'kind', 'no schema for example.com/v1 Widget: unknown apiVersion/kind example.com/v1/Widget (no CustomResourceDefinition serves it: vendor/crds, --crd, the validated files; no model package knows it) (got "Widget")', 'pass --crd <file|dir> with the CustomResourceDefinition of Widget.example.com, or --skip-kind Widget, or check the spelling'],
        ['kind.yaml', 2, 'kind', 'unknown kind Deploymnet in apps/v1: did you mean Deployment? (got "Deploymnet")', 'write kind: Deployment'],
        ['list.yaml', 3, 'item', 'unknown field "item" (and the required field "items" is missing)', 'did you mean "items"? (or is it indented under the wrong parent?)'],
        ['version.yaml', 1, 'apiVersion', 'unknown apiVersion app/v1 for Deployment: did you mean apps/v1? (got "app/v1")', 'Deployment is served as apps/v1'],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loose files get the API server\'s own validation too (a Service port 70000), located at the line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-'));
  try {
    writeFileSync(join(dir, 'svc.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - name: http\n      port: 70000\n      targetPort: http\n');
    const r = await validateFiles(dir, ['.']);
    assert.deepEqual(
      r.findings.map((f) => [f.rule, f.file, f.line, f.path]),
      [['apiserver/core', 'svc.yaml', 10, 'spec.ports[0].port']],
    );
    assert.match(r.findings[0]!.message, /must be between 1 and 65535, inclusive \[validateServicePort\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loose CustomResourceDefinitions get the API server\'s CRD validation: scope Namespace, two storage versions (one finding, at the first; no history says which was added), a name that is not <plural>.<group>', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-'));
  try {
    const crd = (name: string, scope: string, plural: string, storage2: boolean) =>
      `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${name}\nspec:\n  group: example.com\n  scope: ${scope}\n  names:\n    plural: ${plural}\n    kind: Widget\n  versions:\n` +
      ['v1', 'v2'].map((v, i) => `    - name: ${v}\n      served: true\n      storage: ${i === 0 || storage2}\n      schema:\n        openAPIV3Schema:\n          type: object\n`).join('');
    writeFileSync(join(dir, 'scope.yaml'), crd('widgets.example.com', 'Namespace', 'widgets', false));
    writeFileSync(join(dir, 'storage.yaml'), crd('widgets.example.com', 'Namespaced', 'widgets', true));
    writeFileSync(join(dir, 'name.yaml'), crd('widget.example.com', 'Cluster', 'widgets', false));
    const r = await validateFiles(dir, ['.']);
    assert.deepEqual(
      r.findings.map((f) => [f.rule, f.file, f.line, f.path]),
      [
        ['apiserver/apiextensions', 'name.yaml', 4, 'metadata.name'],
        ['apiserver/apiextensions', 'scope.yaml', 7, 'spec.scope'],
        ['apiserver/apiextensions', 'storage.yaml', 14, 'spec.versions[0].storage'],
      ],
    );
    assert.match(r.findings[1]!.message, /spec\.scope: Unsupported value: "Namespace": supported values: "Cluster", "Namespaced"/);
    assert.equal(r.findings[1]!.hint, 'write Namespaced');
    assert.match(r.findings[0]!.hint ?? '', /name the CustomResourceDefinition widgets\.example\.com/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a quantity written 128mb gets the same advice in files mode as in the repository: 128Mi or 128M', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-'));
  try {
    writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: nginx:1.27\n      resources:\n        limits: { memory: 128mb }\n');
    const r = await validateFiles(dir, ['.']);
    assert.deepEqual(r.findings.map((f) => [f.rule, f.file, f.line, f.path]), [['schema', 'pod.yaml', 10, 'spec.containers[0].resources.limits.memory']]);
    assert.equal(r.findings[0]!.hint, 'write 128Mi (mebibytes) or 128M (megabytes); suffixes are case-sensitive and have no B');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a directory with a symbolic-link loop ends, and .YAML and .yml files are read, not skipped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-loop-'));
  try {
    mkdirSync(join(dir, 'a'));
    symlinkSync(dir, join(dir, 'a', 'loop')); // a/loop -> the directory itself
    writeFileSync(join(dir, 'a', 'cm.YAML'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: upper}\ndata: {x: "1"}\n');
    writeFileSync(join(dir, 'cm.yml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: short}\ndata: {x: 2}\n');
    const started = performance.now();
    const r = await validateFiles(dir, ['.']);
    assert.ok(performance.now() - started < 30_000, 'the walk followed the link loop');
    assert.equal(r.summary.resources, 2, JSON.stringify(r.targets));
    assert.ok(r.findings.some((f) => f.file === 'cm.yml' && f.object === 'ConfigMap/short'), 'cm.yml is validated (data.x is not a string)');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CRD files: byte-identical copies count once, as the last copy; a same-sized CRD that differs is its own; the same with digests past the budget', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-crds-'));
  try {
    const crd = (group: string) => `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.${group}\n`;
    const files: Record<string, string> = { 'a.yaml': crd('aa.io'), 'b.yaml': crd('aa.io'), 'c.yaml': crd('bb.io'), 'd.yaml': 'apiVersion: v1\nkind: ConfigMap\n' };
    assert.equal(files['a.yaml']!.length, files['c.yaml']!.length, 'the differing CRD has the same size');
    const jobs = Object.entries(files).map(([file, text]) => {
      writeFileSync(join(dir, file), text);
      return { file, abs: join(dir, file), size: Buffer.byteLength(text) };
    });
    const expected = [join(dir, 'b.yaml'), join(dir, 'c.yaml')];
    assert.deepEqual(crdFilesOf(jobs), expected);
    assert.deepEqual(crdFilesOf(jobs, 0), expected, 'compared by SHA-1 when no bytes may be kept');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
