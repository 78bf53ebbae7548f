// Files mode on a folder that mixes manifests with other YAML: Helm chart files and templates,
// GitHub workflows, kustomizations with their patches and transformer configurations are
// recognised and skipped with a note; the manifests beside them are still validated.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { pathReasons } from '../../../scripts/lib/validate/files-kinds.ts';
import { validateFiles } from '../../../scripts/lib/validate/index.ts';

const tree: Record<string, string> = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'chart/values.yaml': 'replicaCount: 1\nimage:\n  repository: nginx\n',
  'chart/templates/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "web.fullname" . }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n',
  'chart/templates/_helpers.tpl': '{{- define "web.fullname" -}}web{{- end }}\n',
  'loose-template.yaml': '{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n{{- end }}\n',
  '.github/workflows/ci.yml': 'name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n',
  'overlay/kustomization.yaml': 'resources: [deployment.yaml]\npatches:\n  - path: replicas.yaml\n  - path: image.json6902.yaml\n    target: {kind: Deployment, name: web}\nconfigurations: [names.yaml]\n',
  'overlay/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n',
  'overlay/replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n',
  'overlay/image.json6902.yaml': '- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: nginx:1.28\n',
  'overlay/names.yaml': 'nameReference:\n  - kind: ConfigMap\n    fieldSpecs:\n      - path: spec/template/spec/volumes/configMap/name\n        kind: Deployment\n',
  // a generator's input files are data (here a Grafana provisioning file whose apiVersion is a number)
  'grafana/kustomization.yaml': 'configMapGenerator:\n  - name: grafana-datasources\n    files: [datasources.yaml, providers.yaml=dashboard-provider.yaml]\n  - name: grafana-env\n    envs: [grafana.env.yaml]\n',
  'grafana/datasources.yaml': 'apiVersion: 1\ndatasources:\n  - name: Prometheus\n',
  'grafana/dashboard-provider.yaml': 'apiVersion: 1\nproviders:\n  - name: default\n',
  'grafana/grafana.env.yaml': 'GF_X: y\n',
  'stray-patch.yaml': '- op: add\n  path: /metadata/labels/x\n  value: "1"\n',
  'settings.yaml': 'log:\n  level: debug\n',
  'bad.yml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\ndata:\n  x: 1\n',
};

test('Helm chart files, workflows, kustomizations, patches and transformer configs are skipped with a note', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-kinds-'));
  try {
    for (const [f, text] of Object.entries(tree)) {
      mkdirSync(join(dir, dirname(f)), { recursive: true });
      writeFileSync(join(dir, f), text);
    }
    const r = await validateFiles(dir, ['.'], undefined, { workers: 1 });
    // the two real manifests are validated (the Deployment passes, the ConfigMap's number fails) …
    assert.deepEqual(r.targets.sort(), ['bad.yml', 'overlay/deployment.yaml']);
    assert.deepEqual(r.findings.map((f) => [f.rule, f.file, f.line, f.path]), [['schema', 'bad.yml', 6, 'data.x']]);
    // … and every other file is named in a note with its reason
    const notes = r.notes.join('\n');
    for (const [file, reason] of [
      ['chart/Chart.yaml', /Helm chart in chart/],
      ['chart/templates/deployment.yaml', /Helm chart in chart/],
      ['chart/values.yaml', /Helm chart in chart/],
      ['loose-template.yaml', /Helm or Go template/],
      ['.github/workflows/ci.yml', /GitHub Actions workflow/],
      ['overlay/kustomization.yaml', /a kustomization/],
      ['overlay/replicas.yaml', /used by overlay\/kustomization\.yaml \(patches\)/],
      ['overlay/image.json6902.yaml', /used by overlay\/kustomization\.yaml \(patches\)/],
      ['overlay/names.yaml', /used by overlay\/kustomization\.yaml \(configurations\)/],
      ['grafana/datasources.yaml', /used by grafana\/kustomization\.yaml \(configMapGenerator files\)/],
      ['grafana/dashboard-provider.yaml', /used by grafana\/kustomization\.yaml \(configMapGenerator files\)/],
      ['grafana/grafana.env.yaml', /used by grafana\/kustomization\.yaml \(configMapGenerator envs\)/],
      ['stray-patch.yaml', /JSON 6902 patch/],
      ['settings.yaml', /no document has apiVersion or kind/],
    ] as const) {
      const line = r.notes.find((n) => n.startsWith(`skipped ${file}: `) || new RegExp(`^skipped \\d+ files \\((.*, )?${file.replace(/[.]/g, '\\.')}(, [^)]*)?\\): `).test(n));
      assert.ok(line, `${file} is not named in the notes:\n${notes}`);
      assert.match(line, reason, `${file}: ${line}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a syntax error beside a template action that is text (Argo Rollouts {{args.x}} in a query) is reported, not skipped as a template', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-kinds-'));
  try {
    const query = '        query: sum(rate(http_requests_total{namespace="{{args.namespace}}"}[2m]))';
    const manifest = ['apiVersion: argoproj.io/v1alpha1', 'kind: AnalysisTemplate', 'metadata:', '  name: error-ratio', 'spec:', '  metrics:', '    - name: errors', '      provider:', '        prometheus:'];
    writeFileSync(join(dir, 'tab.yaml'), [...manifest, query.replace('        ', '\t')].join('\n') + '\n');
    // an action the parser stumbled on is still a template: skipped with the note
    writeFileSync(join(dir, 'helm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ .Values.a }} {{ .Values.b }}\n');
    const r = await validateFiles(dir, ['.'], undefined, { workers: 1 });
    assert.deepEqual(r.findings.map((f) => [f.rule, f.file, f.line]), [['yaml/syntax', 'tab.yaml', 10]]);
    assert.ok(r.notes.some((n) => /^skipped helm\.yaml: .*Helm or Go template/.test(n)), r.notes.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a chart at the top of the paths given, and a templates folder with no chart above it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-kinds-'));
  try {
    const files = ['Chart.yaml', 'values-prod.yaml', 'templates/a.yaml', 'templates/deep/b.yaml', 'x/templates/c.yaml', 'x/values.yaml', 'y/templates.yaml', 'kustomization.yaml', 'p.yaml'];
    for (const f of files) {
      mkdirSync(join(dir, dirname(f)), { recursive: true });
      writeFileSync(join(dir, f), f === 'kustomization.yaml' ? 'patches:\n  - path: ./p.yaml\n' : 'a: 1\n');
    }
    const reasons = pathReasons(dir, files);
    const chart = 'part of the Helm chart in .: render it first (helm template) and validate the output';
    assert.deepEqual(Object.fromEntries(reasons), {
      'Chart.yaml': chart,
      'values-prod.yaml': chart,
      'templates/a.yaml': chart,
      'templates/deep/b.yaml': chart,
      'kustomization.yaml': 'a kustomization: run npm run validate (without paths) or kustomize build on its directory',
      'p.yaml': 'used by kustomization.yaml (patches): checked when that kustomization is built, not a manifest of its own',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
