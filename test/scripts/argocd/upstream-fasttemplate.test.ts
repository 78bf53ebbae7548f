// Argo CD's non-goTemplate (fasttemplate) cases, ported case by case. Expected values are
// upstream's:
//   applicationset/utils/utils_test.go (argoproj/argo-cd e9537cd0176053dd39a3f3f83fee8ca11a887ca7):
//     TestRenderTemplateParams, TestRenderTemplateKeys "fasttemplate",
//     Test_Render_Replace_no_panic_on_missing_closing_brace
//   applicationset/generators/list_test.go (060d73341d75fa5d1a6ea5af58d7d2c9d2a670e3): TestGenerateListParams
//   applicationset/utils/map_test.go TestCombineStringMaps; matrix_test.go TestMatrixGenerate (below)
//   applicationset/generators/git_test.go (the argo-cd v3 version the reference index holds):
//     TestGitGenerateParamsFromDirectories, Test_generateParamsFromGitFile (useGoTemplate: false cases)
// Not ported: git_test.go "handles error from repo server" (no repo server offline; a missing
// revision is argocd/revision-missing, preview-findings.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TemplateError, renderTemplateParams } from '../../../scripts/lib/argocd/gotemplate.ts';
import { renderFast } from '../../../scripts/lib/argocd/fasttemplate.ts';
import { GeneratorError, combineStringMaps, generate, type GeneratorContext } from '../../../scripts/lib/argocd/generators.ts';
import type { Snapshot } from '../../../scripts/lib/argocd/snapshot.ts';
import { emptyApplication, listGenerator, memorySnapshot, repoURL, twoListsMatrix } from '../../fixtures/argocd/upstream.ts';

const fields: [string, (a: any) => { o: any; k: string }][] = [
  ['Path', (a) => ({ o: a.spec.source, k: 'path' })],
  ['RepoURL', (a) => ({ o: a.spec.source, k: 'repoURL' })],
  ['TargetRevision', (a) => ({ o: a.spec.source, k: 'targetRevision' })],
  ['Chart', (a) => ({ o: a.spec.source, k: 'chart' })],
  ['Server', (a) => ({ o: a.spec.destination, k: 'server' })],
  ['Namespace', (a) => ({ o: a.spec.destination, k: 'namespace' })],
  ['Name', (a) => ({ o: a.spec.destination, k: 'name' })],
  ['Project', (a) => ({ o: a.spec, k: 'project' })],
];

const renderCases: { name: string; fieldVal: string; params: Record<string, unknown>; expectedVal: string }[] = [
  { name: 'simple substitution', fieldVal: '{{one}}', expectedVal: 'two', params: { one: 'two' } },
  { name: 'simple substitution with whitespace', fieldVal: '{{ one }}', expectedVal: 'two', params: { one: 'two' } },
  { name: 'template characters but not in a template', fieldVal: '}} {{', expectedVal: '}} {{', params: { one: 'two' } },
  { name: 'nested template', fieldVal: '{{ }}', expectedVal: '{{ }}', params: { one: '{{ }}' } },
  { name: 'field with whitespace', fieldVal: '{{ }}', expectedVal: '{{ }}', params: { ' ': 'two', '': 'three' } },
  { name: 'template contains itself, containing itself', fieldVal: '{{one}}', expectedVal: '{{one}}', params: { '{{one}}': '{{one}}' } },
  { name: 'template contains itself, containing something else', fieldVal: '{{one}}', expectedVal: '{{one}}', params: { '{{one}}': '{{two}}' } },
  { name: 'templates are case sensitive', fieldVal: '{{ONE}}', expectedVal: '{{ONE}}', params: { '{{one}}': 'two' } },
  { name: 'multiple on a line', fieldVal: '{{one}}{{one}}', expectedVal: 'twotwo', params: { one: 'two' } },
  { name: 'multiple different on a line', fieldVal: '{{one}}{{three}}', expectedVal: 'twofour', params: { one: 'two', three: 'four' } },
  { name: 'multiple different on a line with quote', fieldVal: '{{one}} {{three}}', expectedVal: '"hello" world four', params: { one: '"hello" world', three: 'four' } },
];

for (const c of renderCases) {
  test(`utils_test.go TestRenderTemplateParams: ${c.name}`, () => {
    for (const [field, at] of fields) {
      const app = emptyApplication();
      const { o, k } = at(app);
      o[k] = c.fieldVal;
      const out = renderTemplateParams(app, c.params, { goTemplate: false }) as any;
      const got = at(out);
      assert.equal(got.o[got.k], c.expectedVal, `${c.name} (${field})`);
      assert.equal(out.metadata.annotations['annotation-key'], 'annotation-value');
      assert.equal(out.metadata.annotations['annotation-key2'], 'annotation-value2');
      assert.equal(out.metadata.labels['label-key'], 'label-value');
      assert.equal(out.metadata.labels['label-key2'], 'label-value2');
      assert.equal(out.metadata.name, 'application-one');
      assert.equal(out.metadata.namespace, 'default');
    }
  });
}

test('utils_test.go TestRenderTemplateKeys: fasttemplate', () => {
  const out = renderTemplateParams<{ metadata: { annotations: Record<string, string> } }>({ metadata: { annotations: { 'annotation-{{key}}': 'annotation-{{value}}' } } }, { key: 'some-key', value: 'some-value' }, { goTemplate: false });
  assert.equal(out.metadata.annotations['annotation-some-key'], 'annotation-some-value');
});

test('utils_test.go Test_Render_Replace_no_panic_on_missing_closing_brace: an unterminated tag is an error', () => {
  assert.throws(() => renderFast('{{properly.closed}} {{improperly.closed}', {}), TemplateError);
});

const flatCtx = (snap: Snapshot): GeneratorContext => ({ appSet: 'ApplicationSet/set', goTemplate: false, goTemplateOptions: [], repoURL, snapshot: async () => snap, pullRequests: [] });
const noRepo = flatCtx(memorySnapshot({}));

test('list_test.go TestGenerateListParams (fasttemplate: string values, values flattened to values.<key>)', async () => {
  assert.deepEqual(await generate(noRepo, { list: { elements: [{ cluster: 'cluster', url: 'url' }] } }, 'g'), [{ cluster: 'cluster', url: 'url' }]);
  assert.deepEqual(await generate(noRepo, { list: { elements: [{ cluster: 'cluster', url: 'url', values: { foo: 'bar' } }] } }, 'g'), [{ cluster: 'cluster', url: 'url', 'values.foo': 'bar' }]);
  // list.go: a non-string value is "error parsing value as string" without goTemplate.
  await assert.rejects(generate(noRepo, { list: { elements: [{ replicas: 3 }] } }, 'spec.generators[0]'), (e: unknown) => e instanceof GeneratorError && /elements\[0\]\.replicas: must be a string without goTemplate/.test(e.message));
});

/** git_test.go TestGitGenerateParamsFromDirectories's two exclusion cases: one repository, one expectation. */
const excludeCase: { repoApps: string[]; expected: Record<string, string>[] } = {
  repoApps: ['app1', 'app2', 'p1/app2', 'p1/app3', 'p2/app3'],
  expected: [
    { path: 'app1', 'path.basename': 'app1', 'path[0]': 'app1', 'path.basenameNormalized': 'app1' },
    { path: 'app2', 'path.basename': 'app2', 'path[0]': 'app2', 'path.basenameNormalized': 'app2' },
    { path: 'p2/app3', 'path.basename': 'app3', 'path[0]': 'p2', 'path[1]': 'app3', 'path.basenameNormalized': 'app3' },
  ],
};

const dirCases: { name: string; directories: { path: string; exclude?: boolean }[]; pathParamPrefix?: string; repoApps: string[]; values?: Record<string, string>; expected: Record<string, string>[] }[] = [
  {
    name: 'happy flow - created apps',
    directories: [{ path: '*' }],
    repoApps: ['app1', 'app2', 'app_3', 'p1/app4'],
    expected: [
      { path: 'app1', 'path.basename': 'app1', 'path.basenameNormalized': 'app1', 'path[0]': 'app1' },
      { path: 'app2', 'path.basename': 'app2', 'path.basenameNormalized': 'app2', 'path[0]': 'app2' },
      { path: 'app_3', 'path.basename': 'app_3', 'path.basenameNormalized': 'app-3', 'path[0]': 'app_3' },
    ],
  },
  {
    name: 'It prefixes path parameters with PathParamPrefix',
    directories: [{ path: '*' }],
    pathParamPrefix: 'myRepo',
    repoApps: ['app1', 'app2', 'app_3', 'p1/app4'],
    expected: [
      { 'myRepo.path': 'app1', 'myRepo.path.basename': 'app1', 'myRepo.path.basenameNormalized': 'app1', 'myRepo.path[0]': 'app1' },
      { 'myRepo.path': 'app2', 'myRepo.path.basename': 'app2', 'myRepo.path.basenameNormalized': 'app2', 'myRepo.path[0]': 'app2' },
      { 'myRepo.path': 'app_3', 'myRepo.path.basename': 'app_3', 'myRepo.path.basenameNormalized': 'app-3', 'myRepo.path[0]': 'app_3' },
    ],
  },
  {
    name: 'It filters application according to the paths',
    directories: [{ path: 'p1/*' }, { path: 'p1/*/*' }],
    repoApps: ['app1', 'p1/app2', 'p1/p2/app3', 'p1/p2/p3/app4'],
    expected: [
      { path: 'p1/app2', 'path.basename': 'app2', 'path[0]': 'p1', 'path[1]': 'app2', 'path.basenameNormalized': 'app2' },
      { path: 'p1/p2/app3', 'path.basename': 'app3', 'path[0]': 'p1', 'path[1]': 'p2', 'path[2]': 'app3', 'path.basenameNormalized': 'app3' },
    ],
  },
  { name: 'It filters application according to the paths with Exclude', directories: [{ path: 'p1/*', exclude: true }, { path: '*' }, { path: '*/*' }], ...excludeCase },
  // upstream's next case has the same repository and expectation, with the exclusion last
  { name: 'Expecting same exclude behavior with different order', directories: [{ path: '*' }, { path: '*/*' }, { path: 'p1/*', exclude: true }], ...excludeCase },
  {
    name: 'Value variable interpolation',
    directories: [{ path: '*' }, { path: '*/*' }],
    repoApps: ['app1', 'p1/app2'],
    values: { foo: 'bar', aaa: '{{ path[0] }}', 'no-op': '{{ this-does-not-exist }}' },
    expected: [
      { 'values.foo': 'bar', 'values.no-op': '{{ this-does-not-exist }}', 'values.aaa': 'app1', path: 'app1', 'path.basename': 'app1', 'path[0]': 'app1', 'path.basenameNormalized': 'app1' },
      { 'values.foo': 'bar', 'values.no-op': '{{ this-does-not-exist }}', 'values.aaa': 'p1', path: 'p1/app2', 'path.basename': 'app2', 'path[0]': 'p1', 'path[1]': 'app2', 'path.basenameNormalized': 'app2' },
    ],
  },
  { name: 'handles empty response from repo server', directories: [{ path: '*' }], repoApps: [], expected: [] },
];
for (const c of dirCases) {
  test(`git_test.go TestGitGenerateParamsFromDirectories: ${c.name}`, async () => {
    const spec = { repoURL, revision: 'main', directories: c.directories, ...(c.pathParamPrefix ? { pathParamPrefix: c.pathParamPrefix } : {}), ...(c.values ? { values: c.values } : {}) };
    // The repo server lists every directory; the 'p1' parents exist in a real tree, and '*' matches them too,
    // so the in-memory tree holds exactly the listed apps (as upstream's mock does).
    assert.deepEqual(await generate(flatCtx(memorySnapshot({}, c.repoApps)), { git: spec }, 'g'), c.expected);
  });
}

test('git_test.go Test_generateParamsFromGitFile (useGoTemplate: false cases)', async () => {
  const file = 'path/dir/file_name.yaml';
  const run = (content: string, prefix?: string) => generate(flatCtx(memorySnapshot({ [file]: content })), { git: { repoURL, revision: 'main', files: [{ path: file }], ...(prefix ? { pathParamPrefix: prefix } : {}) } }, 'g');
  const path = { path: 'path/dir', 'path.basename': 'dir', 'path.filename': 'file_name.yaml', 'path.basenameNormalized': 'dir', 'path.filenameNormalized': 'file-name.yaml', 'path[0]': 'path', 'path[1]': 'dir' };
  assert.deepEqual(await run(''), [path], 'empty file returns path parameters');
  await assert.rejects(run('this is not json or yaml'), GeneratorError, 'invalid json/yaml file returns error');
  assert.deepEqual(await run('\nfoo:\n  bar: baz\n'), [{ 'foo.bar': 'baz', ...path }], 'file parameters are added to params');
  assert.deepEqual(
    await run('\nfoo:\n  bar: baz\n', 'myRepo'),
    [{ 'foo.bar': 'baz', 'myRepo.path': 'path/dir', 'myRepo.path.basename': 'dir', 'myRepo.path.filename': 'file_name.yaml', 'myRepo.path.basenameNormalized': 'dir', 'myRepo.path.filenameNormalized': 'file-name.yaml', 'myRepo.path[0]': 'path', 'myRepo.path[1]': 'dir' }],
    'path parameter are prefixed',
  );
});

// matrix_test.go TestMatrixGenerate (argo-cd v2, the version the reference index holds): the
// fasttemplate merge (utils.CombineStringMaps) and the second child rendered with the first
// child's flat parameters. Upstream's git child is a mock returning path, path.basename and
// path.basenameNormalized for app1 and app2; the real git generator also returns path[0]
// (git_test.go above), so the expected sets here carry it. Not ported: TestInterpolatedMatrixGenerate
// (its mocked files generator returns the file, not its directory, as `path`).
test('matrix_test.go TestMatrixGenerate (fasttemplate)', async () => {
  const templatedList = { list: { elements: [{ cluster: 'Cluster', url: 'Url', templated: 'test-{{path.basenameNormalized}}' }] } };
  const git = { git: { repoURL, revision: 'main', directories: [{ path: '*' }] } };
  assert.deepEqual(await generate(flatCtx(memorySnapshot({}, ['app1', 'app2'])), { matrix: { generators: [git, templatedList] } }, 'g'), [
    { path: 'app1', 'path.basename': 'app1', 'path.basenameNormalized': 'app1', 'path[0]': 'app1', cluster: 'Cluster', url: 'Url', templated: 'test-app1' },
    { path: 'app2', 'path.basename': 'app2', 'path.basenameNormalized': 'app2', 'path[0]': 'app2', cluster: 'Cluster', url: 'Url', templated: 'test-app2' },
  ], 'happy flow - generate params');
  assert.deepEqual(await generate(noRepo, { matrix: twoListsMatrix.matrix }, 'g'), twoListsMatrix.expected, 'happy flow - generate params from two lists');
  // utils/map.go CombineStringMaps: one key, two values is an error without goTemplate.
  await assert.rejects(generate(noRepo, { matrix: { generators: [listGenerator({ a: '1' }), listGenerator({ a: '2' })] } }, 'spec.generators[0]'), /found duplicate key a with different value, a: 1 ,b: 2/);
});

test('map_test.go TestCombineStringMaps (argo-cd 07dd93903b14733a80deed142533ef535d4f1f81)', () => {
  assert.deepEqual(combineStringMaps({ foo: 'bar' }, { a: 'b' }), { a: 'b', foo: 'bar' }, 'combines the maps');
  assert.throws(() => combineStringMaps({ foo: 'bar', a: 'fail' }, { a: 'b', c: 'd' }), { message: 'found duplicate key a with different value, a: fail ,b: b' }, "fails if keys are the same but value isn't");
  assert.deepEqual(combineStringMaps({ foo: 'bar', a: 'b' }, { a: 'b', c: 'd' }), { a: 'b', c: 'd', foo: 'bar' }, 'pass if keys & values are the same');
});
