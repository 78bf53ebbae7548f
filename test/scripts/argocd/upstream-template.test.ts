// Argo CD's own template tests, ported case by case: applicationset/utils/utils_test.go
// of argoproj/argo-cd at e9537cd0176053dd39a3f3f83fee8ca11a887ca7 (TestRenderTemplateParamsGoTemplate, TestRenderHelmValuesObject*,
// TestRenderTemplateKeys, TestRenderTemplateParamsFinalizers, TestSlugify). Where upstream
// renders something the offline subset does not implement, the case asserts the clear
// error instead of the value (never a guess); those cases say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TemplateError, renderTemplate, renderTemplateParams } from '../../../scripts/lib/argocd/gotemplate.ts';
import { emptyApplication } from '../../fixtures/argocd/upstream.ts';

type Case = { name: string; fieldVal: string; params: Record<string, unknown>; expectedVal?: string; errorMessage?: RegExp; templateOptions?: string[] };

// utils_test.go TestRenderTemplateParamsGoTemplate: each field value is rendered in every
// string field of an Application (Path, RepoURL, TargetRevision, Chart, Server, Namespace, Name, Project).
const goTemplateCases: Case[] = [
  { name: 'simple substitution', fieldVal: '{{ .one }}', expectedVal: 'two', params: { one: 'two' } },
  { name: 'simple substitution with whitespace', fieldVal: '{{ .one }}', expectedVal: 'two', params: { one: 'two' } },
  { name: 'template contains itself, containing itself', fieldVal: '{{ .one }}', expectedVal: '{{one}}', params: { one: '{{one}}' } },
  { name: 'template contains itself, containing something else', fieldVal: '{{ .one }}', expectedVal: '{{two}}', params: { one: '{{two}}' } },
  { name: 'multiple on a line', fieldVal: '{{.one}}{{.one}}', expectedVal: 'twotwo', params: { one: 'two' } },
  { name: 'multiple different on a line', fieldVal: '{{.one}}{{.three}}', expectedVal: 'twofour', params: { one: 'two', three: 'four' } },
  { name: 'multiple different on a line with quote', fieldVal: '{{.one}} {{.three}}', expectedVal: '"hello" world four', params: { one: '"hello" world', three: 'four' } },
  { name: 'depth', fieldVal: '{{ .image.version }}', expectedVal: 'latest', params: { replicas: 3, image: { name: 'busybox', version: 'latest' } } },
  { name: 'multiple depth', fieldVal: '{{ .image.name }}:{{ .image.version }}', expectedVal: 'busybox:latest', params: { replicas: 3, image: { name: 'busybox', version: 'latest' } } },
  {
    name: 'if ok',
    fieldVal: '{{ if .hpa.enabled }}{{ .hpa.maxReplicas }}{{ else }}{{ .replicas }}{{ end }}',
    expectedVal: '5',
    params: { replicas: 3, hpa: { enabled: true, minReplicas: 1, maxReplicas: 5 } },
  },
  {
    name: 'if not ok',
    fieldVal: '{{ if .hpa.enabled }}{{ .hpa.maxReplicas }}{{ else }}{{ .replicas }}{{ end }}',
    expectedVal: '3',
    params: { replicas: 3, hpa: { enabled: false, minReplicas: 1, maxReplicas: 5 } },
  },
  {
    name: 'loop',
    fieldVal: '{{ range .volumes }}[{{ .name }}]{{ end }}',
    expectedVal: '[volume-one][volume-two]',
    params: { replicas: 3, volumes: [{ name: 'volume-one', emptyDir: {} }, { name: 'volume-two', emptyDir: {} }] },
  },
  {
    name: 'Index',
    fieldVal: '{{ index .admin "admin-ca" }}, {{ index .admin "admin-jks" }}',
    expectedVal: 'value admin ca, value admin jks',
    params: { admin: { 'admin-ca': 'value admin ca', 'admin-jks': 'value admin jks' } },
  },
  {
    name: 'Index (escapes)',
    fieldVal: '{{ index .admin "admin-ca" }}, \\\\ "Hello world", {{ index .admin "admin-jks" }}',
    expectedVal: 'value "admin" ca with \\, \\\\ "Hello world", value admin jks',
    params: { admin: { 'admin-ca': 'value "admin" ca with \\', 'admin-jks': 'value admin jks' } },
  },
  { name: 'quote', fieldVal: '{{.quote}}', expectedVal: '"', params: { quote: '"' } },
  // "Test No Data": with no parameters RenderTemplateParams returns the template untouched.
  { name: 'Test No Data', fieldVal: '{{.data}}', expectedVal: '{{.data}}', params: {} },
  { name: 'Test Parse Error', fieldVal: '{{functiondoesnotexist}}', params: { data: 'a data string' }, errorMessage: /function "functiondoesnotexist" not defined/ },
  { name: 'Test template error', fieldVal: '{{.data.test}}', params: { data: 'a data string' }, errorMessage: /can't evaluate field test in type string/ },
  { name: 'lookup missing value with missingkey=default', fieldVal: '--> {{.doesnotexist}} <--', expectedVal: '--> <no value> <--', params: { unused: 'this is not used' } },
  {
    name: 'lookup missing value with missingkey=error',
    fieldVal: '--> {{.doesnotexist}} <--',
    params: { unused: 'this is not used' },
    templateOptions: ['missingkey=error'],
    errorMessage: /map has no entry for key "doesnotexist"/,
  },
  // Upstream renders "  foo:\n    bar: …" with sigs.k8s.io/yaml; the subset does not emulate its YAML writer: an error naming the function.
  {
    name: 'toYaml (not in the offline subset)',
    fieldVal: '{{ toYaml . | indent 2 }}',
    params: { foo: { bar: { bool: true, number: 2, str: 'Hello world' } } },
    errorMessage: /function toYaml is not supported by marquee's offline emulation/,
  },
  // Upstream: "world"; fromYaml is not in the subset (error), `get` is.
  { name: 'fromYaml (not in the offline subset)', fieldVal: '{{ get (fromYaml .value) "hello" }}', params: { value: 'hello: world' }, errorMessage: /function fromYaml is not supported by marquee's offline emulation/ },
  // Upstream: "bonjour tout le monde"; fromYamlArray is not in the subset (error), `last` is.
  { name: 'fromYamlArray (not in the offline subset)', fieldVal: '{{ fromYamlArray .value | last }}', params: { value: '- hello world\n- bonjour tout le monde' }, errorMessage: /function fromYamlArray is not supported by marquee's offline emulation/ },
];

const fieldMap: Record<string, [string, string]> = {
  Path: ['source', 'path'],
  RepoURL: ['source', 'repoURL'],
  TargetRevision: ['source', 'targetRevision'],
  Chart: ['source', 'chart'],
  Server: ['destination', 'server'],
  Namespace: ['destination', 'namespace'],
  Name: ['destination', 'name'],
};

for (const c of goTemplateCases) {
  test(`utils_test.go TestRenderTemplateParamsGoTemplate: ${c.name}`, () => {
    for (const [field, [group, key]] of [...Object.entries(fieldMap), ['Project', ['', 'project']] as [string, [string, string]]]) {
      const app = emptyApplication() as any;
      if (group) app.spec[group][key] = c.fieldVal;
      else app.spec[key] = c.fieldVal;
      const run = () => renderTemplateParams(app, c.params, { options: c.templateOptions });
      if (c.errorMessage) {
        assert.throws(run, (e: unknown) => e instanceof TemplateError && c.errorMessage!.test((e as Error).message), `${c.name} (${field})`);
        continue;
      }
      const out = run() as any;
      assert.equal(group ? out.spec[group][key] : out.spec[key], c.expectedVal, `${c.name} (${field})`);
      assert.equal(out.metadata.annotations['annotation-key'], 'annotation-value');
      assert.equal(out.metadata.labels['label-key2'], 'label-value2');
      assert.equal(out.metadata.name, 'application-one');
      assert.equal(out.metadata.namespace, 'default');
    }
  });
}

test('utils_test.go TestRenderTemplateKeys (gotemplate): map keys are templated too', () => {
  const out = renderTemplateParams<{ metadata: { annotations: Record<string, string> } }>({ metadata: { annotations: { 'annotation-{{ .key }}': 'annotation-{{ .value }}' } } }, { key: 'some-key', value: 'some-value' });
  assert.equal(out.metadata.annotations['annotation-some-key'], 'annotation-some-value');
});

test('utils_test.go TestRenderTemplateParamsFinalizers', () => {
  const cases: { testName: string; syncPolicy: { preserveResourcesOnDeletion?: boolean } | null; existingFinalizers: string[] | undefined; expectedFinalizers: string[] | undefined }[] = [
    { testName: 'existing finalizer should be preserved', existingFinalizers: ['existing-finalizer'], syncPolicy: null, expectedFinalizers: ['existing-finalizer'] },
    { testName: 'background finalizer should be preserved', existingFinalizers: ['resources-finalizer.argocd.argoproj.io/background'], syncPolicy: null, expectedFinalizers: ['resources-finalizer.argocd.argoproj.io/background'] },
    { testName: 'empty finalizer and empty sync should use standard finalizer', existingFinalizers: undefined, syncPolicy: null, expectedFinalizers: ['resources-finalizer.argocd.argoproj.io'] },
    { testName: 'standard finalizer should be preserved', existingFinalizers: ['resources-finalizer.argocd.argoproj.io'], syncPolicy: null, expectedFinalizers: ['resources-finalizer.argocd.argoproj.io'] },
    { testName: 'empty array finalizers should use standard finalizer', existingFinalizers: [], syncPolicy: null, expectedFinalizers: ['resources-finalizer.argocd.argoproj.io'] },
    { testName: 'non-nil sync policy should use standard finalizer', existingFinalizers: undefined, syncPolicy: {}, expectedFinalizers: ['resources-finalizer.argocd.argoproj.io'] },
    { testName: 'preserveResourcesOnDeletion should not have a finalizer', existingFinalizers: undefined, syncPolicy: { preserveResourcesOnDeletion: true }, expectedFinalizers: undefined },
    {
      testName: 'user-specified finalizer should overwrite preserveResourcesOnDeletion',
      existingFinalizers: ['resources-finalizer.argocd.argoproj.io/background'],
      syncPolicy: { preserveResourcesOnDeletion: true },
      expectedFinalizers: ['resources-finalizer.argocd.argoproj.io/background'],
    },
  ];
  for (const c of cases) {
    const app = { metadata: { ...(c.existingFinalizers ? { finalizers: c.existingFinalizers } : {}) }, spec: { project: '' } };
    const out = renderTemplateParams(app, { one: 'two' }, { syncPolicy: c.syncPolicy });
    assert.deepEqual(out.metadata?.finalizers, c.expectedFinalizers, c.testName);
  }
});

test('utils_test.go TestSlugify (SlugifyName through the slugify template function)', () => {
  const branch1 = 'feat/a_really+long_pull_request_name_to_test_argo_slugification_and_branch_name_shortening_feature';
  const branch2 = 'feat/areallylongpullrequestnametotestargoslugificationandbranchnameshorteningfeature';
  const cases: [string, boolean, number, string][] = [
    [branch1, false, 50, 'feat-a-really-long-pull-request-name-to-test-argo'],
    [branch1, true, 53, 'feat-a-really-long-pull-request-name-to-test-argo'],
    [branch2, true, 50, 'feat'],
    [branch2, false, 50, 'feat-areallylongpullrequestnametotestargoslugifica'],
  ];
  for (const [branch, smart, length, expected] of cases)
    assert.equal(renderTemplate('{{ slugify .n .s .b }}', { n: length, s: smart, b: branch }), expected, `${branch} ${smart} ${length}`);
  // SlugifyName's defaults: 50, smart truncation.
  assert.equal(renderTemplate('{{ slugify .b }}', { b: branch1 }), 'feat-a-really-long-pull-request-name-to-test-argo');
});

// utils_test.go TestRenderHelmValuesObjectJson / TestRenderHelmValuesObjectYaml: a templated string inside
// spec.source.helm.valuesObject (a raw JSON/YAML field in Go; an object here once the ApplicationSet is parsed).
test('utils_test.go TestRenderHelmValuesObjectJson and TestRenderHelmValuesObjectYaml', () => {
  const app = { metadata: { name: 'application-one', namespace: 'default' }, spec: { source: { helm: { valuesObject: { some: { string: '{{.test}}' } } } }, project: '' } };
  const out = renderTemplateParams(app, { test: 'Hello world' }, { options: [] });
  assert.equal(out.spec.source.helm.valuesObject.some.string, 'Hello world');
});
