// Argo CD's generator tests, ported case by case for the generators the offline preview
// supports (list, matrix, merge, git, clusters, pullRequest/github); the generators it does
// not support (plugin, scmProvider, clusterDecisionResource, other PR providers) must be
// clear errors naming them. Upstream files (argoproj/argo-cd): applicationset/generators/
// list_test.go @060d7334, matrix_test.go @444f6551, git_test.go @f2b66f96,
// pull_request_test.go @0a38f1bc, merge_test.go @026d95cc, cluster_test.go @0381cd48.
// The repository a git generator reads is an in-memory snapshot standing in for the
// repo server Argo CD's tests stub (mocks.Repos GetDirectories / GetFiles).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GeneratorError, generate, indexParamsSetByMergeKeys, type ClusterRecord, type GeneratorContext, type PullRequestFixture } from '../../../scripts/lib/argocd/generators.ts';
import { Unsupported } from '../../../scripts/lib/argocd/gotemplate.ts';
import type { Snapshot } from '../../../scripts/lib/argocd/snapshot.ts';
import { listGenerator, memorySnapshot, repoURL, twoListsMatrix } from '../../fixtures/argocd/upstream.ts';



const ctxOf = (snap: Snapshot, pullRequests: PullRequestFixture[] = []): GeneratorContext => ({
  appSet: 'ApplicationSet/set',
  goTemplateOptions: ['missingkey=error'],
  repoURL,
  snapshot: async () => snap,
  pullRequests,
});
const none = ctxOf(memorySnapshot({}));

// list_test.go TestGenerateListParams runs without goTemplate (ported in upstream-fasttemplate.test.ts);
// its elements here go through list.go's goTemplate branch (`res[i] = element`: as given, values a map).
test('list.go with goTemplate: the TestGenerateListParams elements come back as given', async () => {
  assert.deepEqual(await generate(none, { list: { elements: [{ cluster: 'cluster', url: 'url' }] } }, 'spec.generators[0]'), [{ cluster: 'cluster', url: 'url' }]);
  assert.deepEqual(await generate(none, { list: { elements: [{ cluster: 'cluster', url: 'url', values: { foo: 'bar' } }] } }, 'spec.generators[0]'), [
    { cluster: 'cluster', url: 'url', values: { foo: 'bar' } },
  ]);
});

test('matrix_test.go TestMatrixGenerateGoTemplate', async () => {
  // happy flow - generate params from two lists
  assert.deepEqual(await generate(none, { matrix: twoListsMatrix.matrix }, 'g'), twoListsMatrix.expected);
  // parameter override: first list elements take precedence
  assert.deepEqual(
    await generate(none, { matrix: { generators: [listGenerator({ booleanFalse: false, booleanTrue: true, stringFalse: 'false', stringTrue: 'true' }), listGenerator({ booleanFalse: true, booleanTrue: false, stringFalse: 'true', stringTrue: 'false' })] } }, 'g'),
    [{ booleanFalse: false, booleanTrue: true, stringFalse: 'false', stringTrue: 'true' }],
  );
  // happy flow - generate params (git directories × list)
  const snap = memorySnapshot({}, ['app1', 'app2']);
  assert.deepEqual(
    await generate(ctxOf(snap), { matrix: { generators: [{ git: { repoURL, revision: 'main', directories: [{ path: '*' }] } }, listGenerator({ cluster: 'Cluster', url: 'Url' })] } }, 'g'),
    [
      { path: { path: 'app1', basename: 'app1', basenameNormalized: 'app1', segments: ['app1'] }, cluster: 'Cluster', url: 'Url' },
      { path: { path: 'app2', basename: 'app2', basenameNormalized: 'app2', segments: ['app2'] }, cluster: 'Cluster', url: 'Url' },
    ],
  );
  // returns error if there is less / more than two base generators, or more than one inner generator
  await assert.rejects(generate(none, { matrix: { generators: [listGenerator({ a: '1' })] } }, 'g'), /exactly two child generators \(found 1\)/);
  await assert.rejects(generate(none, { matrix: { generators: [listGenerator({ a: '1' }), listGenerator({ a: '1' }), listGenerator({ a: '1' })] } }, 'g'), /exactly two child generators \(found 3\)/);
  await assert.rejects(generate(none, { matrix: { generators: [{ ...listGenerator({ a: '1' }), git: {} }, listGenerator({ a: '1' })] } }, 'g'), /exactly one type, found list, git/);
  await assert.rejects(generate(none, { matrix: { generators: [listGenerator({ a: '1' }), { ...listGenerator({ a: '1' }), git: {} }] } }, 'g'), /exactly one type, found list, git/);
});

const dirCases: { name: string; directories: { path: string; exclude?: boolean }[]; pathParamPrefix?: string; repoApps: string[]; expected: string[] }[] = [
  { name: 'happy flow - created apps', directories: [{ path: '*' }], repoApps: ['app1', 'app2', 'app_3', 'p1/app4'], expected: ['app1', 'app2', 'app_3'] },
  { name: 'It prefixes path parameters with PathParamPrefix', directories: [{ path: '*' }], pathParamPrefix: 'myRepo', repoApps: ['app1', 'app2', 'app_3', 'p1/app4'], expected: ['app1', 'app2', 'app_3'] },
  { name: 'It filters application according to the paths', directories: [{ path: 'p1/*' }, { path: 'p1/*/*' }], repoApps: ['app1', 'p1/app2', 'p1/p2/app3', 'p1/p2/p3/app4'], expected: ['p1/app2', 'p1/p2/app3'] },
  {
    name: 'It filters application according to the paths with Exclude',
    directories: [{ path: 'p1/*', exclude: true }, { path: '*' }, { path: '*/*' }],
    repoApps: ['app1', 'app2', 'p1/app2', 'p1/app3', 'p2/app3'],
    expected: ['app1', 'app2', 'p2/app3'],
  },
  {
    name: 'Expecting same exclude behavior with different order',
    directories: [{ path: '*' }, { path: '*/*' }, { path: 'p1/*', exclude: true }],
    repoApps: ['app1', 'app2', 'p1/app2', 'p1/app3', 'p2/app3'],
    expected: ['app1', 'app2', 'p2/app3'],
  },
  { name: 'handles empty response from repo server', directories: [{ path: '*' }], repoApps: [], expected: [] },
];

for (const c of dirCases) {
  test(`git_test.go TestGitGenerateParamsFromDirectoriesGoTemplate: ${c.name}`, async () => {
    const got = await generate(ctxOf(memorySnapshot({}, c.repoApps)), { git: { repoURL, revision: 'main', directories: c.directories, ...(c.pathParamPrefix ? { pathParamPrefix: c.pathParamPrefix } : {}) } }, 'g');
    const expected = c.expected.map((p) => {
      const basename = p.split('/').pop()!;
      const path = { path: p, basename, basenameNormalized: basename.replace(/_/g, '-'), segments: p.split('/') };
      return c.pathParamPrefix ? { [c.pathParamPrefix]: { path } } : { path };
    });
    assert.deepEqual(got, expected);
  });
}

test('git_test.go Test_generateParamsFromGitFile (goTemplate cases; an unparsable file is an error)', async () => {
  const file = 'path/dir/file_name.yaml';
  const path = { path: 'path/dir', basename: 'dir', basenameNormalized: 'dir', filename: 'file_name.yaml', filenameNormalized: 'file-name.yaml', segments: ['path', 'dir'] };
  const run = (content: string, prefix?: string) => generate(ctxOf(memorySnapshot({ [file]: content })), { git: { repoURL, revision: 'main', files: [{ path: file }], ...(prefix ? { pathParamPrefix: prefix } : {}) } }, 'g');
  assert.deepEqual(await run(''), [{ path }], 'empty file returns path parameters');
  await assert.rejects(run('this is not json or yaml'), GeneratorError, 'invalid json/yaml file returns error');
  assert.deepEqual(await run('\nfoo:\n  bar: baz\n'), [{ foo: { bar: 'baz' }, path }], 'file parameters are added to params with go template');
  assert.deepEqual(await run('\nfoo:\n  bar: baz\n', 'myRepo'), [{ foo: { bar: 'baz' }, myRepo: { path } }], 'path parameter are prefixed with go template');
});

// Upstream's first three cases run with a zero ApplicationSet (goTemplate false: no `labels`);
// the fourth with goTemplate true (labels), the fifth with goTemplate false (no labels). Not
// ported: the "fake error" case (no provider API offline).
test('pull_request_test.go TestPullRequestGithubGenerateParams (labels only with goTemplate)', async () => {
  const pr = (p: Partial<PullRequestFixture> & { number: number; branch: string; targetBranch: string; headSha: string }): PullRequestFixture => ({ author: 'testName', ...p });
  const cases: [boolean, PullRequestFixture, Record<string, unknown>][] = [
    [
      false,
      pr({ number: 1, title: 'title1', branch: 'branch1', targetBranch: 'master', headSha: '089d92cbf9ff857a39e6feccd32798ca700fb958' }),
      { number: '1', title: 'title1', branch: 'branch1', branch_slug: 'branch1', target_branch: 'master', target_branch_slug: 'master', head_sha: '089d92cbf9ff857a39e6feccd32798ca700fb958', head_short_sha: '089d92cb', head_short_sha_7: '089d92c', author: 'testName' },
    ],
    [
      false,
      pr({
        number: 2,
        title: 'title2',
        branch: 'feat/areally+long_pull_request_name_to_test_argo_slugification_and_branch_name_shortening_feature',
        targetBranch: 'feat/anotherreally+long_pull_request_name_to_test_argo_slugification_and_branch_name_shortening_feature',
        headSha: '9b34ff5bd418e57d58891eb0aa0728043ca1e8be',
      }),
      {
        number: '2',
        title: 'title2',
        branch: 'feat/areally+long_pull_request_name_to_test_argo_slugification_and_branch_name_shortening_feature',
        branch_slug: 'feat-areally-long-pull-request-name-to-test-argo',
        target_branch: 'feat/anotherreally+long_pull_request_name_to_test_argo_slugification_and_branch_name_shortening_feature',
        target_branch_slug: 'feat-anotherreally-long-pull-request-name-to-test',
        head_sha: '9b34ff5bd418e57d58891eb0aa0728043ca1e8be',
        head_short_sha: '9b34ff5b',
        head_short_sha_7: '9b34ff5',
        author: 'testName',
      },
    ],
    [
      false,
      pr({ number: 1, title: 'title1', branch: 'a-very-short-sha', targetBranch: 'master', headSha: 'abcd' }),
      { number: '1', title: 'title1', branch: 'a-very-short-sha', branch_slug: 'a-very-short-sha', target_branch: 'master', target_branch_slug: 'master', head_sha: 'abcd', head_short_sha: 'abcd', head_short_sha_7: 'abcd', author: 'testName' },
    ],
    [
      true,
      pr({ number: 1, title: 'title1', branch: 'branch1', targetBranch: 'master', headSha: '089d92cbf9ff857a39e6feccd32798ca700fb958', labels: ['preview'] }),
      { number: '1', title: 'title1', branch: 'branch1', branch_slug: 'branch1', target_branch: 'master', target_branch_slug: 'master', head_sha: '089d92cbf9ff857a39e6feccd32798ca700fb958', head_short_sha: '089d92cb', head_short_sha_7: '089d92c', labels: ['preview'], author: 'testName' },
    ],
    [
      false,
      pr({ number: 1, title: 'title1', branch: 'branch1', targetBranch: 'master', headSha: '089d92cbf9ff857a39e6feccd32798ca700fb958', labels: ['preview'] }),
      { number: '1', title: 'title1', branch: 'branch1', branch_slug: 'branch1', target_branch: 'master', target_branch_slug: 'master', head_sha: '089d92cbf9ff857a39e6feccd32798ca700fb958', head_short_sha: '089d92cb', head_short_sha_7: '089d92c', author: 'testName' },
    ],
  ];
  for (const [goTemplate, fixture, expected] of cases)
    assert.deepEqual(await generate({ ...ctxOf(memorySnapshot({}), [fixture]), goTemplate }, { pullRequest: { github: { owner: 'o', repo: 'r' } } }, 'g'), [expected], `${fixture.branch} goTemplate=${goTemplate}`);
});

test('pull_request_test.go TestAllowedSCMProviderPullRequest: providers other than GitHub are a clear error naming them', async () => {
  for (const provider of ['gitlab', 'gitea', 'bitbucketServer', 'azuredevops'])
    await assert.rejects(generate(none, { pullRequest: { [provider]: { api: 'https://myservice.mynamespace.svc.cluster.local' } } }, 'spec.generators[0]'), new RegExp(`only the github provider is supported by the offline preview \\(found ${provider}\\)`));
});

test('generators that need a live service (plugin, scmProvider, clusterDecisionResource): each is an error naming the generator and where it is', async () => {
  for (const kind of ['plugin', 'scmProvider', 'clusterDecisionResource']) {
    await assert.rejects(generate(none, { [kind]: {} }, 'spec.generators[1]'), (e: unknown) => {
      assert.ok(e instanceof GeneratorError);
      assert.match(e.message, new RegExp(`ApplicationSet/set spec\\.generators\\[1\\]\\.${kind}: the ${kind} generator is not supported by the offline preview: its parameters come from`));
      assert.equal(e.path, `spec.generators[1].${kind}`);
      return true;
    });
  }
  // Nested in a merge, the path names the nested generator.
  await assert.rejects(
    generate(none, { merge: { mergeKeys: ['a'], generators: [{ list: { elements: [{ a: '1' }] } }, { plugin: {} }] } }, 'spec.generators[0]'),
    (e: unknown) => e instanceof GeneratorError && e.path === 'spec.generators[0].merge.generators[1].plugin',
  );
  // A template error while a matrix renders its second child with the first's parameters: on that child.
  await assert.rejects(
    generate(none, { matrix: { generators: [{ list: { elements: [{ a: '1' }] } }, { list: { elements: [{ b: '{{ .nope }}' }] } }] } }, 'spec.generators[0]'),
    (e: unknown) => e instanceof GeneratorError && e.path === 'spec.generators[0].matrix.generators[1].list' && /map has no entry for key "nope"/.test(e.message),
  );
  // utils_test.go TestCheckInvalidGenerators: an unknown generator name.
  await assert.rejects(generate(none, { aaa: {} }, 'spec.generators[0]'), /unknown generator type "aaa"/);
});

// merge_test.go TestMergeGenerate (argoproj/argo-cd 026d95cc84b0b938793309383949a5785e2a25c1): list children,
// a nested matrix and a nested merge; upstream compares the results as sets (Go map order).
const asSet = (ps: object[]) => new Set(ps.map((p) => JSON.stringify(p, Object.keys(p).sort())));
const lists = (...jsons: object[][]) => jsons.map((elements) => ({ list: { elements } }));
const mergeCases: { name: string; generators: object[]; mergeKeys: string[]; goTemplate?: boolean; expectedErr?: RegExp; expected?: object[] }[] = [
  { name: 'no generators', generators: [], mergeKeys: ['b'], expectedErr: /found less than two generators, Merge requires two or more/ },
  { name: 'one generator', generators: lists([{ a: '1_1', b: 'same', c: '1_3' }]), mergeKeys: ['b'], expectedErr: /found less than two generators, Merge requires two or more/ },
  {
    name: 'happy flow - generate paramSets',
    generators: lists([{ a: '1_1', b: 'same', c: '1_3' }], [{ a: '2_1', b: 'same' }], [{ a: '3_1', b: 'different', c: '3_3' }]),
    mergeKeys: ['b'],
    expected: [{ a: '2_1', b: 'same', c: '1_3' }],
  },
  {
    name: 'happy flow - generate paramSets with goTemplate',
    generators: lists([{ a: '1_1', b: 'same', c: '1_3' }], [{ a: '2_1', b: 'same' }], [{ a: '3_1', b: 'different', c: '3_3' }]),
    mergeKeys: ['b'],
    goTemplate: true,
    expected: [{ a: '2_1', b: 'same', c: '1_3' }],
  },
  { name: 'merge keys absent - do not merge', generators: lists([{ a: 'a' }], [{ b: 'b' }]), mergeKeys: ['c'], expected: [{ a: 'a' }] },
  { name: 'merge key present in first set, absent in second - do not merge', generators: lists([{ a: 'a' }], [{ b: 'b' }]), mergeKeys: ['b'], expected: [{ a: 'a' }] },
  {
    name: 'merge ordering - lower overrides upper',
    generators: lists([{ same: 'same' }], [{ same: 'same', 1: 'different_1' }], [{ same: 'same', 1: 'different_2' }], [{ same: 'same', 1: 'different_3' }]),
    mergeKeys: ['same'],
    expected: [{ same: 'same', 1: 'different_3' }],
  },
  {
    name: 'merge nested matrix with some lists',
    generators: [{ matrix: { generators: lists([{ a: '1' }, { a: '2' }], [{ b: '1' }, { b: '2' }]) } }, ...lists([{ a: '1', b: '1', c: 'added' }])],
    mergeKeys: ['a', 'b'],
    expected: [{ a: '1', b: '1', c: 'added' }, { a: '1', b: '2' }, { a: '2', b: '1' }, { a: '2', b: '2' }],
  },
  {
    name: 'merge nested merge with some lists',
    generators: [
      { merge: { mergeKeys: ['a'], generators: lists([{ a: '1', b: '1' }, { a: '2', b: '2' }], [{ a: '1', b: '3', c: 'added' }, { a: '3', b: '2' }]) } },
      ...lists([{ a: '1', b: '3', d: 'added' }]),
    ],
    mergeKeys: ['a', 'b'],
    expected: [{ a: '1', b: '3', c: 'added', d: 'added' }, { a: '2', b: '2' }],
  },
];
for (const c of mergeCases) {
  test(`merge_test.go TestMergeGenerate: ${c.name}`, async () => {
    const ctx = { ...none, goTemplate: c.goTemplate ?? false };
    const run = generate(ctx, { merge: { generators: c.generators, mergeKeys: c.mergeKeys } }, 'spec.generators[0]');
    if (c.expectedErr) return void (await assert.rejects(run, c.expectedErr));
    assert.deepEqual(asSet(await run), asSet(c.expected!));
  });
}

test('merge_test.go TestParamSetsAreUniqueByMergeKeys', () => {
  const cases: { name: string; mergeKeys: string[]; paramSets: Record<string, unknown>[]; expectedErr?: string; expected?: Record<string, object> }[] = [
    { name: 'no merge keys', mergeKeys: [], paramSets: [], expectedErr: 'no merge keys were specified, Merge requires at least one' },
    { name: 'no paramSets', mergeKeys: ['key'], paramSets: [], expected: {} },
    { name: 'simple key, unique paramSets', mergeKeys: ['key'], paramSets: [{ key: 'a' }, { key: 'b' }], expected: { '{"key":"a"}': { key: 'a' }, '{"key":"b"}': { key: 'b' } } },
    {
      name: 'simple key object, unique paramSets',
      mergeKeys: ['key'],
      paramSets: [{ key: { hello: 'world' } }, { key: 'b' }],
      expected: { '{"key":{"hello":"world"}}': { key: { hello: 'world' } }, '{"key":"b"}': { key: 'b' } },
    },
    { name: 'simple key, non-unique paramSets', mergeKeys: ['key'], paramSets: [{ key: 'a' }, { key: 'b' }, { key: 'b' }], expectedErr: 'Duplicate key was {"key":"b"}' },
    { name: 'simple key, duplicated key name, unique paramSets', mergeKeys: ['key', 'key'], paramSets: [{ key: 'a' }, { key: 'b' }], expected: { '{"key":"a"}': { key: 'a' }, '{"key":"b"}': { key: 'b' } } },
    { name: 'simple key, duplicated key name, non-unique paramSets', mergeKeys: ['key', 'key'], paramSets: [{ key: 'a' }, { key: 'b' }, { key: 'b' }], expectedErr: 'Duplicate key was {"key":"b"}' },
    {
      name: 'compound key, unique paramSets',
      mergeKeys: ['key1', 'key2'],
      paramSets: [{ key1: 'a', key2: 'a' }, { key1: 'a', key2: 'b' }, { key1: 'b', key2: 'a' }],
      expected: { '{"key1":"a","key2":"a"}': { key1: 'a', key2: 'a' }, '{"key1":"a","key2":"b"}': { key1: 'a', key2: 'b' }, '{"key1":"b","key2":"a"}': { key1: 'b', key2: 'a' } },
    },
    {
      name: 'compound key object, unique paramSets',
      mergeKeys: ['key1', 'key2'],
      paramSets: [{ key1: 'a', key2: { hello: 'world' } }, { key1: 'a', key2: 'b' }, { key1: 'b', key2: 'a' }],
      expected: {
        '{"key1":"a","key2":{"hello":"world"}}': { key1: 'a', key2: { hello: 'world' } },
        '{"key1":"a","key2":"b"}': { key1: 'a', key2: 'b' },
        '{"key1":"b","key2":"a"}': { key1: 'b', key2: 'a' },
      },
    },
    {
      name: 'compound key, duplicate key names, unique paramSets',
      mergeKeys: ['key1', 'key1', 'key2'],
      paramSets: [{ key1: 'a', key2: 'a' }, { key1: 'a', key2: 'b' }, { key1: 'b', key2: 'a' }],
      expected: { '{"key1":"a","key2":"a"}': { key1: 'a', key2: 'a' }, '{"key1":"a","key2":"b"}': { key1: 'a', key2: 'b' }, '{"key1":"b","key2":"a"}': { key1: 'b', key2: 'a' } },
    },
    { name: 'compound key, non-unique paramSets', mergeKeys: ['key1', 'key2'], paramSets: [{ key1: 'a', key2: 'a' }, { key1: 'a', key2: 'a' }, { key1: 'b', key2: 'a' }], expectedErr: 'Duplicate key was {"key1":"a","key2":"a"}' },
    {
      name: 'compound key, duplicate key names, non-unique paramSets',
      mergeKeys: ['key1', 'key1', 'key2'],
      paramSets: [{ key1: 'a', key2: 'a' }, { key1: 'a', key2: 'a' }, { key1: 'b', key2: 'a' }],
      expectedErr: 'Duplicate key was {"key1":"a","key2":"a"}',
    },
  ];
  for (const c of cases) {
    if (c.expectedErr) {
      assert.throws(() => indexParamsSetByMergeKeys(c.mergeKeys, c.paramSets), (e: unknown) => (e as Error).message.endsWith(c.expectedErr!), c.name);
      continue;
    }
    assert.deepEqual(Object.fromEntries(indexParamsSetByMergeKeys(c.mergeKeys, c.paramSets)), c.expected, c.name);
  }
});

// cluster_test.go TestGenerateParams / TestGenerateParamsGoTemplate (argoproj/argo-cd
// 0381cd48f946ea7342f62cdab091ebee021c4df7): two cluster secrets and the in-cluster destination.
// Expected values are upstream's, plus `project: ""` on every set, which later cluster.go
// getClusterParameters adds (the secret has no project; the in-cluster gets "" too).
// Not ported: "simulate client error" (there is no Kubernetes client offline).
const secrets: ClusterRecord[] = [
  {
    name: 'staging-01',
    server: 'https://staging-01.example.com',
    labels: { 'argocd.argoproj.io/secret-type': 'cluster', environment: 'staging', org: 'foo' },
    annotations: { 'foo.argoproj.io': 'staging' },
  },
  {
    name: 'production_01/west',
    server: 'https://production-01.example.com',
    labels: { 'argocd.argoproj.io/secret-type': 'cluster', environment: 'production', org: 'bar' },
    annotations: { 'foo.argoproj.io': 'production' },
  },
];
const withClusters = (goTemplate: boolean): GeneratorContext => ({ ...none, goTemplate, goTemplateOptions: [], clusters: secrets });
type Selector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values: string[] }[] };
const productionOrStaging: Selector = { matchExpressions: [{ key: 'environment', operator: 'In', values: ['production', 'staging'] }] };

test('cluster_test.go TestGenerateParams (fasttemplate: flat parameters, values rendered with fasttemplate)', async () => {
  const flatProd = {
    name: 'production_01/west', nameNormalized: 'production-01-west', server: 'https://production-01.example.com', project: '',
    'metadata.labels.environment': 'production', 'metadata.labels.org': 'bar', 'metadata.labels.argocd.argoproj.io/secret-type': 'cluster', 'metadata.annotations.foo.argoproj.io': 'production',
  };
  const flatStaging = {
    name: 'staging-01', nameNormalized: 'staging-01', server: 'https://staging-01.example.com', project: '',
    'metadata.labels.environment': 'staging', 'metadata.labels.org': 'foo', 'metadata.labels.argocd.argoproj.io/secret-type': 'cluster', 'metadata.annotations.foo.argoproj.io': 'staging',
  };
  const cases: { name: string; selector: Selector; values?: Record<string, string>; expected: object[] }[] = [
    {
      name: 'no label selector',
      selector: {},
      values: {
        lol1: 'lol', lol2: '{{values.lol1}}{{values.lol1}}', lol3: '{{values.lol2}}{{values.lol2}}{{values.lol2}}', foo: 'bar',
        bar: '{{ metadata.annotations.foo.argoproj.io }}', bat: '{{ metadata.labels.environment }}', aaa: '{{ server }}', 'no-op': '{{ this-does-not-exist }}',
      },
      expected: [
        { 'values.lol1': 'lol', 'values.lol2': '{{values.lol1}}{{values.lol1}}', 'values.lol3': '{{values.lol2}}{{values.lol2}}{{values.lol2}}', 'values.foo': 'bar', 'values.bar': 'production', 'values.no-op': '{{ this-does-not-exist }}', 'values.bat': 'production', 'values.aaa': 'https://production-01.example.com', ...flatProd },
        { 'values.lol1': 'lol', 'values.lol2': '{{values.lol1}}{{values.lol1}}', 'values.lol3': '{{values.lol2}}{{values.lol2}}{{values.lol2}}', 'values.foo': 'bar', 'values.bar': 'staging', 'values.no-op': '{{ this-does-not-exist }}', 'values.bat': 'staging', 'values.aaa': 'https://staging-01.example.com', ...flatStaging },
        { 'values.lol1': 'lol', 'values.lol2': '{{values.lol1}}{{values.lol1}}', 'values.lol3': '{{values.lol2}}{{values.lol2}}{{values.lol2}}', 'values.foo': 'bar', 'values.bar': '{{ metadata.annotations.foo.argoproj.io }}', 'values.no-op': '{{ this-does-not-exist }}', 'values.bat': '{{ metadata.labels.environment }}', 'values.aaa': 'https://kubernetes.default.svc', nameNormalized: 'in-cluster', name: 'in-cluster', server: 'https://kubernetes.default.svc', project: '' },
      ],
    },
    { name: 'secret type label selector', selector: { matchLabels: { 'argocd.argoproj.io/secret-type': 'cluster' } }, expected: [flatProd, flatStaging] },
    { name: 'production-only', selector: { matchLabels: { environment: 'production' } }, values: { foo: 'bar' }, expected: [{ 'values.foo': 'bar', ...flatProd }] },
    { name: 'production or staging', selector: productionOrStaging, values: { foo: 'bar' }, expected: [{ 'values.foo': 'bar', ...flatStaging }, { 'values.foo': 'bar', ...flatProd }] },
    { name: 'production or staging with match labels', selector: { ...productionOrStaging, matchLabels: { org: 'foo' } }, values: { name: 'baz' }, expected: [{ 'values.name': 'baz', ...flatStaging }] },
  ];
  for (const c of cases) {
    const got = await generate(withClusters(false), { clusters: { selector: c.selector, ...(c.values ? { values: c.values } : {}) } }, 'spec.generators[0]');
    assert.deepEqual(asSet(got), asSet(c.expected), c.name);
  }
});

test('cluster_test.go TestGenerateParamsGoTemplate (nested metadata; the in-cluster has none; values cannot see values)', async () => {
  const prod = {
    name: 'production_01/west', nameNormalized: 'production-01-west', server: 'https://production-01.example.com', project: '',
    metadata: { labels: { 'argocd.argoproj.io/secret-type': 'cluster', environment: 'production', org: 'bar' }, annotations: { 'foo.argoproj.io': 'production' } },
  };
  const staging = {
    name: 'staging-01', nameNormalized: 'staging-01', server: 'https://staging-01.example.com', project: '',
    metadata: { labels: { 'argocd.argoproj.io/secret-type': 'cluster', environment: 'staging', org: 'foo' }, annotations: { 'foo.argoproj.io': 'staging' } },
  };
  const lol = { lol1: 'lol', lol2: '<no value><no value>', lol3: '<no value><no value><no value>', foo: 'bar' };
  const cases: { name: string; selector: Selector; values?: Record<string, string>; expected: object[] }[] = [
    {
      name: 'no label selector',
      selector: {},
      values: {
        lol1: 'lol', lol2: '{{ .values.lol1 }}{{ .values.lol1 }}', lol3: '{{ .values.lol2 }}{{ .values.lol2 }}{{ .values.lol2 }}', foo: 'bar',
        bar: '{{ if not (empty .metadata) }}{{index .metadata.annotations "foo.argoproj.io" }}{{ end }}',
        bat: '{{ if not (empty .metadata) }}{{.metadata.labels.environment}}{{ end }}', aaa: '{{ .server }}', 'no-op': '{{ .thisDoesNotExist }}',
      },
      expected: [
        { ...prod, values: { ...lol, bar: 'production', bat: 'production', aaa: 'https://production-01.example.com', 'no-op': '<no value>' } },
        { ...staging, values: { ...lol, bar: 'staging', bat: 'staging', aaa: 'https://staging-01.example.com', 'no-op': '<no value>' } },
        { nameNormalized: 'in-cluster', name: 'in-cluster', server: 'https://kubernetes.default.svc', project: '', values: { ...lol, bar: '', bat: '', aaa: 'https://kubernetes.default.svc', 'no-op': '<no value>' } },
      ],
    },
    { name: 'secret type label selector', selector: { matchLabels: { 'argocd.argoproj.io/secret-type': 'cluster' } }, expected: [prod, staging] },
    { name: 'production-only', selector: { matchLabels: { environment: 'production' } }, values: { foo: 'bar' }, expected: [{ ...prod, values: { foo: 'bar' } }] },
    { name: 'production or staging', selector: productionOrStaging, values: { foo: 'bar' }, expected: [{ ...prod, values: { foo: 'bar' } }, { ...staging, values: { foo: 'bar' } }] },
    { name: 'production or staging with match labels', selector: { ...productionOrStaging, matchLabels: { org: 'foo' } }, values: { name: 'baz' }, expected: [{ ...staging, values: { name: 'baz' } }] },
  ];
  const deepSorted = (v: unknown): unknown => (Array.isArray(v) ? v.map(deepSorted) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, deepSorted((v as Record<string, unknown>)[k])])) : v);
  const set = (ps: object[]) => new Set(ps.map((p) => JSON.stringify(deepSorted(p))));
  for (const c of cases) {
    const got = await generate(withClusters(true), { clusters: { selector: c.selector, ...(c.values ? { values: c.values } : {}) } }, 'spec.generators[0]');
    assert.deepEqual(set(got), set(c.expected), c.name);
  }
  // cluster_test.go TestSanitizeClusterName
  assert.equal((await generate({ ...withClusters(true), clusters: [{ name: '-.--CLUSTER/name  -./.-', server: 's', labels: {}, annotations: {} }] }, { clusters: { selector: { matchLabels: { 'argocd.argoproj.io/secret-type': 'cluster' } } } }, 'g'))[0]!.nameNormalized, 'cluster-name');
});

test('clusters the caller cannot describe: a selector or a template reading their labels is an error, never a guess', async () => {
  const unknown = new Unsupported('labels not recorded');
  const ctx: GeneratorContext = { ...none, clusters: [{ name: 'nonprod', server: 'https://nonprod.example', labels: unknown, annotations: unknown, project: unknown }] };
  const names = (await generate(ctx, { clusters: {} }, 'spec.generators[0]')).map((p) => `${p.name} ${p.server}`);
  assert.deepEqual(names, ['in-cluster https://kubernetes.default.svc', 'nonprod https://nonprod.example']);
  await assert.rejects(generate(ctx, { clusters: { selector: { matchLabels: { env: 'dev' } } } }, 'spec.generators[0]'), (e: unknown) => e instanceof GeneratorError && e.path === 'spec.generators[0].clusters.selector' && /labels are not available offline: labels not recorded/.test(e.message));
  // (The in-cluster has no metadata at all: with missingkey=error, Argo CD fails on it first; leave it out.)
  await assert.rejects(generate({ ...ctx, inClusterEnabled: false }, { clusters: { values: { env: '{{ .metadata.labels.env }}' } } }, 'spec.generators[0]'), /\.metadata is not available offline: labels not recorded/);
  await assert.rejects(generate({ ...ctx, goTemplate: false }, { clusters: { values: { env: '{{ metadata.labels.env }}' } } }, 'spec.generators[0]'), /\{\{metadata\.labels\.env\}\} is not available offline: labels not recorded/);
  await assert.rejects(generate(none, { clusters: {} }, 'spec.generators[2]'), (e: unknown) => e instanceof GeneratorError && /clusters registered with Argo CD are not known/.test(e.message));
  // flatList: one parameter set holding every cluster.
  assert.deepEqual((await generate(ctx, { clusters: { flatList: true } }, 'g')).map((p) => (p.clusters as { name: string }[]).map((c) => c.name)), [['in-cluster', 'nonprod']]);
});

test('a cluster selector LabelSelectorAsSelector refuses fails the ApplicationSet, naming the field (cluster.go: the error is returned)', async () => {
  const refused: [Selector, RegExp][] = [
    [{ matchExpressions: [{ key: 'environment', operator: 'in', values: ['production'] }] }, /spec\.generators\[0\]\.clusters\.selector\.matchExpressions\[0\]\.operator: "in" is not a valid label selector operator/],
    [{ matchExpressions: [{ key: 'environment', operator: 'In', values: [] }] }, /matchExpressions\[0\]\.values: for 'in', 'notin' operators, values set can't be empty/],
    [{ matchExpressions: [{ key: 'environment', operator: 'Exists', values: ['production'] }] }, /matchExpressions\[0\]\.values: values set must be empty for exists and does not exist/],
  ];
  for (const [selector, message] of refused) await assert.rejects(generate(withClusters(false), { clusters: { selector } }, 'spec.generators[0]'), (e: unknown) => e instanceof GeneratorError && message.test(e.message));
  const names = async (selector: Selector) => (await generate(withClusters(false), { clusters: { selector } }, 'spec.generators[0]')).map((p) => p.name).sort();
  assert.deepEqual(await names({ matchExpressions: [{ key: 'environment', operator: 'NotIn', values: ['production'] }] }), ['staging-01']);
  assert.deepEqual(await names({ matchExpressions: [{ key: 'org', operator: 'Exists', values: [] }] }), ['production_01/west', 'staging-01']);
});
