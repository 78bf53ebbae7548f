// Argo CD's generator tests, ported case by case for the generators the offline preview
// supports (goTemplate mode: list, matrix, git, pullRequest/github); the generators it does
// not support (clusters, merge, other PR providers) must be clear errors naming them.
// Upstream files (argoproj/argo-cd): applicationset/generators/list_test.go @060d7334,
// matrix_test.go @444f6551, git_test.go @f2b66f96, pull_request_test.go @0a38f1bc,
// cluster_test.go / merge_test.go (only their generator names: unsupported here).
// The repository a git generator reads is an in-memory snapshot standing in for the
// repo server Argo CD's tests stub (mocks.Repos GetDirectories / GetFiles).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { GeneratorError, generate, type GeneratorContext, type PullRequestFixture } from '../../../scripts/lib/argocd/generators.ts';
import type { Snapshot } from '../../../scripts/lib/argocd/snapshot.ts';

const repoURL = 'https://github.com/marquee-shop/marquee.git';

function memorySnapshot(files: Record<string, string>, dirs?: readonly string[]): Snapshot {
  const fileSet = new Set(Object.keys(files));
  const dirSet = new Set(dirs ?? [...fileSet].flatMap((f) => { const out: string[] = []; for (let d = dirname(f); d !== '.'; d = dirname(d)) out.push(d); return out; }));
  return {
    label: 'memory',
    files: async () => fileSet,
    dirs: async () => dirSet,
    read: async (p) => files[p],
    dir: async () => { throw new Error('not on disk'); },
    copy: async () => { throw new Error('not on disk'); },
    buildKey: async () => undefined,
  };
}

const ctxOf = (snap: Snapshot, pullRequests: PullRequestFixture[] = []): GeneratorContext => ({
  appSet: 'ApplicationSet/set',
  goTemplateOptions: ['missingkey=error'],
  repoURL,
  snapshot: async () => snap,
  pullRequests,
});
const none = ctxOf(memorySnapshot({}));

test('list_test.go TestGenerateListParams (goTemplate: elements as given, values kept as a map)', async () => {
  assert.deepEqual(await generate(none, { list: { elements: [{ cluster: 'cluster', url: 'url' }] } }, 'spec.generators[0]'), [{ cluster: 'cluster', url: 'url' }]);
  assert.deepEqual(await generate(none, { list: { elements: [{ cluster: 'cluster', url: 'url', values: { foo: 'bar' } }] } }, 'spec.generators[0]'), [
    { cluster: 'cluster', url: 'url', values: { foo: 'bar' } },
  ]);
});

test('matrix_test.go TestMatrixGenerateGoTemplate', async () => {
  const list = (...elements: object[]) => ({ list: { elements } });
  // happy flow - generate params from two lists
  assert.deepEqual(await generate(none, { matrix: { generators: [list({ a: '1' }, { a: '2' }), list({ b: '1' }, { b: '2' })] } }, 'g'), [
    { a: '1', b: '1' },
    { a: '1', b: '2' },
    { a: '2', b: '1' },
    { a: '2', b: '2' },
  ]);
  // parameter override: first list elements take precedence
  assert.deepEqual(
    await generate(none, { matrix: { generators: [list({ booleanFalse: false, booleanTrue: true, stringFalse: 'false', stringTrue: 'true' }), list({ booleanFalse: true, booleanTrue: false, stringFalse: 'true', stringTrue: 'false' })] } }, 'g'),
    [{ booleanFalse: false, booleanTrue: true, stringFalse: 'false', stringTrue: 'true' }],
  );
  // happy flow - generate params (git directories × list)
  const snap = memorySnapshot({}, ['app1', 'app2']);
  assert.deepEqual(
    await generate(ctxOf(snap), { matrix: { generators: [{ git: { repoURL, revision: 'main', directories: [{ path: '*' }] } }, list({ cluster: 'Cluster', url: 'Url' })] } }, 'g'),
    [
      { path: { path: 'app1', basename: 'app1', basenameNormalized: 'app1', segments: ['app1'] }, cluster: 'Cluster', url: 'Url' },
      { path: { path: 'app2', basename: 'app2', basenameNormalized: 'app2', segments: ['app2'] }, cluster: 'Cluster', url: 'Url' },
    ],
  );
  // returns error if there is less / more than two base generators, or more than one inner generator
  await assert.rejects(generate(none, { matrix: { generators: [list({ a: '1' })] } }, 'g'), /exactly two child generators \(found 1\)/);
  await assert.rejects(generate(none, { matrix: { generators: [list({ a: '1' }), list({ a: '1' }), list({ a: '1' })] } }, 'g'), /exactly two child generators \(found 3\)/);
  await assert.rejects(generate(none, { matrix: { generators: [{ ...list({ a: '1' }), git: {} }, list({ a: '1' })] } }, 'g'), /exactly one type, found list, git/);
  await assert.rejects(generate(none, { matrix: { generators: [list({ a: '1' }), { ...list({ a: '1' }), git: {} }] } }, 'g'), /exactly one type, found list, git/);
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

test('pull_request_test.go TestPullRequestGithubGenerateParams (goTemplate: labels are always a parameter)', async () => {
  const pr = (p: Partial<PullRequestFixture> & { number: number; branch: string; targetBranch: string; headSha: string }): PullRequestFixture => ({ author: 'testName', ...p });
  const cases: [PullRequestFixture, Record<string, unknown>][] = [
    [
      pr({ number: 1, title: 'title1', branch: 'branch1', targetBranch: 'master', headSha: '089d92cbf9ff857a39e6feccd32798ca700fb958' }),
      { number: '1', title: 'title1', branch: 'branch1', branch_slug: 'branch1', target_branch: 'master', target_branch_slug: 'master', head_sha: '089d92cbf9ff857a39e6feccd32798ca700fb958', head_short_sha: '089d92cb', head_short_sha_7: '089d92c', author: 'testName', labels: [] },
    ],
    [
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
        labels: [],
      },
    ],
    [
      pr({ number: 1, title: 'title1', branch: 'a-very-short-sha', targetBranch: 'master', headSha: 'abcd' }),
      { number: '1', title: 'title1', branch: 'a-very-short-sha', branch_slug: 'a-very-short-sha', target_branch: 'master', target_branch_slug: 'master', head_sha: 'abcd', head_short_sha: 'abcd', head_short_sha_7: 'abcd', author: 'testName', labels: [] },
    ],
    [
      pr({ number: 1, title: 'title1', branch: 'branch1', targetBranch: 'master', headSha: '089d92cbf9ff857a39e6feccd32798ca700fb958', labels: ['preview'] }),
      { number: '1', title: 'title1', branch: 'branch1', branch_slug: 'branch1', target_branch: 'master', target_branch_slug: 'master', head_sha: '089d92cbf9ff857a39e6feccd32798ca700fb958', head_short_sha: '089d92cb', head_short_sha_7: '089d92c', labels: ['preview'], author: 'testName' },
    ],
  ];
  for (const [fixture, expected] of cases)
    assert.deepEqual(await generate(ctxOf(memorySnapshot({}), [fixture]), { pullRequest: { github: { owner: 'o', repo: 'r' } } }, 'g'), [expected], fixture.branch);
});

test('pull_request_test.go TestAllowedSCMProviderPullRequest: providers other than GitHub are a clear error naming them', async () => {
  for (const provider of ['gitlab', 'gitea', 'bitbucketServer', 'azuredevops'])
    await assert.rejects(generate(none, { pullRequest: { [provider]: { api: 'https://myservice.mynamespace.svc.cluster.local' } } }, 'spec.generators[0]'), new RegExp(`only the github provider is supported by the offline preview \\(found ${provider}\\)`));
});

test('cluster_test.go, merge_test.go and the other generators: each is an error naming the generator and where it is', async () => {
  for (const kind of ['clusters', 'merge', 'clusterDecisionResource', 'plugin', 'scmProvider']) {
    await assert.rejects(generate(none, { [kind]: {} }, 'spec.generators[1]'), (e: unknown) => {
      assert.ok(e instanceof GeneratorError);
      assert.match(e.message, new RegExp(`ApplicationSet/set spec\\.generators\\[1\\]\\.${kind}: the ${kind} generator is not supported by the offline preview`));
      assert.equal(e.path, `spec.generators[1].${kind}`);
      return true;
    });
  }
  // utils_test.go TestCheckInvalidGenerators: an unknown generator name.
  await assert.rejects(generate(none, { aaa: {} }, 'spec.generators[0]'), /unknown generator type "aaa"/);
});
