// Argo CD's AppProject and glob tests, ported case by case:
// pkg/apis/application/v1alpha1/types_test.go (argoproj/argo-cd de0e9243469f604be18d42ff6a71b4b98602f7a7):
// TestAppProject_IsSourcePermitted, TestAppProject_IsNegatedSourcePermitted,
// TestAppProject_IsDestinationPermitted, TestAppProject_IsNegatedDestinationPermitted,
// TestAppProject_IsGroupKindPermitted; util/glob/glob_test.go (132d436e05c1fb85d696936e3172b89cdbb6c766) Test_Match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globMatch } from '../../../scripts/lib/argocd/glob.ts';
import { isDestinationPermitted, isGroupKindPermitted, isSourcePermitted } from '../../../scripts/lib/argocd/project.ts';

test('glob_test.go Test_Match', () => {
  const cases: [string, string, string, boolean][] = [
    ['Exact match', 'hello', 'hello', true],
    ['Non-match exact', 'hello', 'hell', false],
    ['Long glob match', 'hello', 'hell*', true],
    ['Short glob match', 'hello', 'h*', true],
    ['Glob non-match', 'hello', 'e*', false],
    ['Invalid pattern', 'e[[a*', 'e[[a*', false],
  ];
  for (const [name, input, pattern, result] of cases) assert.equal(globMatch(pattern, input), result, name);
  // glob_test.go Test_GlobCacheKeyIncludesSeparators: without separators '*' matches '/', with '/' it does not.
  assert.equal(globMatch('a*b', 'a/b'), true);
  assert.equal(globMatch('a*b', 'a/b', '/'), false);
});

test('types_test.go TestAppProject_IsSourcePermitted', () => {
  const cases: [string[], string, boolean][] = [
    [['*'], 'https://github.com/argoproj/test.git', true],
    [['https://github.com/argoproj/test.git'], 'https://github.com/argoproj/test.git', true],
    [['ssh://git@GITHUB.com:argoproj/test'], 'ssh://git@github.com:argoproj/test', true],
    [['https://github.com/argoproj/*'], 'https://github.com/argoproj/argoproj.git', true],
    [['https://github.com/test1/test.git', 'https://github.com/test2/test.git'], 'https://github.com/test2/test.git', true],
    [['https://github.com/argoproj/test1.git'], 'https://github.com/argoproj/test2.git', false],
    [['https://github.com/argoproj/*.git'], 'https://github.com/argoproj1/test2.git', false],
    [['https://github.com/argoproj/foo'], 'https://github.com/argoproj/foo1', false],
    [['https://gitlab.com/group/*'], 'https://gitlab.com/group/repo/owner', false],
    [['https://gitlab.com/group/*/*'], 'https://gitlab.com/group/repo/owner', true],
    [['https://gitlab.com/group/*/*/*'], 'https://gitlab.com/group/sub-group/repo/owner', true],
    [['https://gitlab.com/group/**'], 'https://gitlab.com/group/sub-group/repo/owner', true],
  ];
  for (const [sourceRepos, src, permitted] of cases) assert.equal(isSourcePermitted({ sourceRepos }, src), permitted, `${sourceRepos} ${src}`);
});

test('types_test.go TestAppProject_IsNegatedSourcePermitted', () => {
  const cases: [string[], string, boolean][] = [
    [['!https://github.com/argoproj/test.git'], 'https://github.com/argoproj/test.git', false],
    [['!ssh://git@GITHUB.com:argoproj/test'], 'ssh://git@github.com:argoproj/test', false],
    [['!https://github.com/argoproj/*'], 'https://github.com/argoproj/argoproj.git', false],
    [['https://github.com/test1/test.git', '!https://github.com/test2/test.git'], 'https://github.com/test2/test.git', false],
    [['!https://github.com/argoproj/foo*'], 'https://github.com/argoproj/foo1', false],
    [['!https://gitlab.com/group/*/*'], 'https://gitlab.com/group/repo/owner', false],
    [['!https://gitlab.com/group/*/*/*'], 'https://gitlab.com/group/sub-group/repo/owner', false],
    [['!https://gitlab.com/group/**'], 'https://gitlab.com/group/sub-group/repo/owner', false],
    [['*'], 'https://github.com/argoproj/test.git', true],
    [['https://github.com/argoproj/test1.git', '*'], 'https://github.com/argoproj/test2.git', true],
    [['!https://github.com/argoproj/*.git', '*'], 'https://github.com/argoproj1/test2.git', true],
  ];
  for (const [sourceRepos, src, permitted] of cases) assert.equal(isSourcePermitted({ sourceRepos }, src), permitted, `${sourceRepos} ${src}`);
});

type Dst = { server?: string; name?: string; namespace?: string };
const k8s = 'https://kubernetes.default.svc';

test('types_test.go TestAppProject_IsDestinationPermitted', () => {
  const cases: [Dst[], Dst, boolean][] = [
    [[{ server: k8s, namespace: 'default' }], { server: k8s, namespace: 'default' }, true],
    [[{ server: k8s, namespace: 'default' }], { server: k8s, namespace: 'kube-system' }, false],
    [[{ server: 'https://my-cluster', namespace: 'default' }], { server: k8s, namespace: 'default' }, false],
    [[{ server: k8s, namespace: '*' }], { server: k8s, namespace: 'kube-system' }, true],
    [[{ server: 'https://*.default.svc', namespace: 'default' }], { server: k8s, namespace: 'default' }, true],
    [[{ server: 'https://team1-*', namespace: 'default' }], { server: 'https://test2-dev-cluster', namespace: 'default' }, false],
    [[{ server: k8s, namespace: 'test-*' }], { server: k8s, namespace: 'test-foo' }, true],
    [[{ server: k8s, namespace: 'test-*' }], { server: k8s, namespace: 'test' }, false],
    [[{ server: '*', namespace: '*' }], { server: k8s, namespace: 'test' }, true],
    [[{ server: '', namespace: '*', name: 'test' }], { name: 'test', namespace: 'test' }, true],
    [[{ server: '', namespace: '*', name: 'test2' }], { name: 'test', namespace: 'test' }, false],
  ];
  for (const [destinations, dst, permitted] of cases) assert.equal(isDestinationPermitted({ destinations }, dst), permitted, JSON.stringify([destinations, dst]));
});

test('types_test.go TestAppProject_IsNegatedDestinationPermitted', () => {
  const cases: [Dst[], Dst, boolean][] = [
    [[{ server: `!${k8s}`, namespace: 'default' }], { server: k8s, namespace: 'default' }, false],
    [[{ server: k8s, namespace: '!default' }], { server: k8s, namespace: 'kube-system' }, true],
    [[{ server: '!https://my-cluster', namespace: 'default' }], { server: k8s, namespace: 'default' }, true],
    [[{ server: `!${k8s}`, namespace: '*' }], { server: k8s, namespace: 'kube-system' }, false],
    [[{ server: '!https://*.default.svc', namespace: 'default' }], { server: k8s, namespace: 'default' }, false],
    [[{ server: '!https://team1-*', namespace: 'default' }], { server: 'https://test2-dev-cluster', namespace: 'default' }, true],
    [[{ server: k8s, namespace: '!test-*' }], { server: k8s, namespace: 'test-foo' }, false],
    [[{ server: k8s, namespace: '!test-*' }], { server: k8s, namespace: 'test' }, true],
    [[{ server: '', namespace: '*', name: '!test' }], { name: 'test', namespace: 'test' }, false],
    [[{ server: '', namespace: '*', name: '!test2' }], { name: 'test', namespace: 'test' }, true],
    [[{ server: '*', namespace: 'kube-system' }, { server: '*', namespace: '!kube-system' }], { server: k8s, namespace: 'kube-system' }, false],
    [[{ server: '*', namespace: '*' }, { server: '*', namespace: '!kube-system' }], { server: k8s, namespace: 'kube-system' }, false],
    [[{ server: k8s, namespace: '*' }, { server: `!${k8s}`, namespace: '*' }], { server: k8s, namespace: 'kube-system' }, false],
    [[{ server: '*', namespace: '*' }, { server: `!${k8s}`, namespace: 'kube-system' }], { server: k8s, namespace: 'kube-system' }, false],
    [[{ server: '*', namespace: '*' }, { server: `!${k8s}`, namespace: 'kube-system' }, { server: '*', namespace: '!kube-system' }], { server: k8s, namespace: 'kube-system' }, false],
    [[{ server: '*', namespace: '*' }, { server: `!${k8s}`, namespace: 'kube-system' }, { server: '*', namespace: '!kube-system' }], { server: k8s, namespace: 'default' }, false],
    [[{ server: '*', namespace: '*' }, { server: `!${k8s}`, namespace: 'kube-system' }, { server: '*', namespace: '!kube-system' }], { server: 'https://test-dev-cluster', namespace: 'kube-system' }, false],
    [[{ server: '', namespace: '*', name: 'test' }, { server: '', namespace: '*', name: '!test' }], { name: 'test', namespace: 'test' }, false],
  ];
  for (const [destinations, dst, permitted] of cases) assert.equal(isDestinationPermitted({ destinations }, dst), permitted, JSON.stringify([destinations, dst]));
});

test('types_test.go TestAppProject_IsGroupKindPermitted', () => {
  const proj = { namespaceResourceWhitelist: [], namespaceResourceBlacklist: [{ group: 'apps', kind: 'Deployment' }] };
  assert.equal(isGroupKindPermitted(proj, 'apps', 'ReplicaSet', true), false);
  assert.equal(isGroupKindPermitted(proj, 'apps', 'Deployment', true), false);
  const proj2 = { namespaceResourceWhitelist: [{ group: 'apps', kind: 'ReplicaSet' }], namespaceResourceBlacklist: [{ group: 'apps', kind: 'Deployment' }] };
  assert.equal(isGroupKindPermitted(proj2, 'apps', 'ReplicaSet', true), true);
  assert.equal(isGroupKindPermitted(proj2, 'apps', 'Action', true), false);
  const proj3 = { clusterResourceBlacklist: [{ group: '', kind: 'Namespace' }] };
  assert.equal(isGroupKindPermitted(proj3, '', 'Namespace', false), false);
  const proj4 = { clusterResourceWhitelist: [{ group: '*', kind: '*' }], clusterResourceBlacklist: [{ group: '*', kind: '*' }] };
  assert.equal(isGroupKindPermitted(proj4, '', 'Namespace', false), false);
  assert.equal(isGroupKindPermitted(proj4, 'apps', 'Action', true), true);
  const proj5 = { clusterResourceWhitelist: [], namespaceResourceWhitelist: [{ group: '*', kind: '*' }] };
  assert.equal(isGroupKindPermitted(proj5, '', 'Namespace', false), false);
  assert.equal(isGroupKindPermitted(proj5, 'apps', 'Action', true), true);
  const proj6 = {};
  assert.equal(isGroupKindPermitted(proj6, '', 'Namespace', false), false);
  assert.equal(isGroupKindPermitted(proj6, 'apps', 'Action', true), true);
});
