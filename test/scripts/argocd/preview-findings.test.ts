// Every way an ApplicationSet change can go wrong, caught offline with a named rule:
// missing path or revision, kustomize failure, project denials, templated project,
// template errors, contract components, duplicates; plus git files/directories
// generators and the working-tree mode.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { previewApplicationSets, checkApplicationSets, checkRenderedObjects } from '../../../scripts/lib/argocd/preview.ts';
import { kustomizeBuild } from '../../../scripts/lib/kustomize/index.ts';
import type { Finding } from '../../../kube/index.ts';
import { freshRepos } from '../../fixtures/argocd/repo.ts';

const fresh = freshRepos();

const rules = (fs: Finding[]) => [...new Set(fs.map((f) => f.rule))].sort();
const only = (...names: string[]) => (n: string) => names.includes(n);

test('a PR whose head commit lacks the preview overlay: argocd/path-missing naming the revision', async () => {
  const repo = fresh();
  const head = repo.commit('develop', 'drop the preview overlay', { 'overlays/preview': null });
  repo.git('checkout', '--quiet', 'main');
  const r = await previewApplicationSets({
    root: repo.root,
    branch: 'main',
    revisions: 'tracked',
    kustomize: false,
    prs: [{ number: 7, branch: 'feature/x', targetBranch: 'develop', headSha: head, labels: ['preview'] }],
  });
  assert.deepEqual(rules(r.findings), ['argocd/path-missing']);
  const f = r.findings[0]!;
  assert.equal(f.object, 'Application/argocd/marquee-pr-7');
  assert.match(f.message, new RegExp(`overlays/preview does not exist at ${head.slice(0, 7)}`));
  assert.equal(f.file, 'argocd/applicationsets/application-set-marquee-previews.yaml');
});

test('a broken overlay on release fails kustomize for test only; a cluster-scoped object in dev data is denied by the dev project', async () => {
  const repo = fresh();
  repo.commit('release', 'break test data', { 'overlays/test/data/kustomization.yaml': 'resources:\n  - ../../../base/does-not-exist\n' });
  repo.commit('develop', 'sneak a ClusterRole into dev', {
    'overlays/dev/data/cluster-role.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: dev-reader\nrules: []\n',
    'overlays/dev/data/kustomization.yaml': `${repo.read('overlays/dev/data/kustomization.yaml').replace('resources:\n', 'resources:\n  - cluster-role.yaml\n')}`,
  });
  const r = await previewApplicationSets({ root: repo.root, branch: 'main', revisions: 'tracked', prs: [], select: only('marquee-test-data', 'marquee-dev-data') });
  assert.deepEqual(rules(r.findings), ['argocd/kustomize-failed', 'argocd/project-denies-resource']);
  const k = r.findings.find((f) => f.rule === 'argocd/kustomize-failed')!;
  assert.equal(k.object, 'Application/argocd/marquee-test-data');
  assert.match(k.message, /at release@/);
  const d = r.findings.find((f) => f.rule === 'argocd/project-denies-resource')!;
  assert.equal(d.object, 'Application/argocd/marquee-dev-data');
  assert.match(d.message, /ClusterRole\/dev-reader \(cluster-scoped rbac.authorization.k8s.io\/ClusterRole\) is not permitted by project marquee-dev/);
});

test('argocd/ changes on a branch: a narrowed project denies the destination, a project templated from Git data and a missing key are reported', async () => {
  const repo = fresh();
  const projFile = 'argocd/projects/app-project-marquee-dev.yaml';
  const proj = parse(repo.read(projFile));
  proj.spec.destinations[0].namespace = 'marquee-elsewhere';
  const appset = (name: string, project: string, nameTpl: string) =>
    stringify({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name, namespace: 'argocd' },
      spec: {
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [{ git: { repoURL: 'https://github.com/marquee-shop/marquee.git', revision: 'develop', directories: [{ path: 'overlays/*' }, { path: 'overlays/platform' }, { path: 'overlays/preview', exclude: true }] } }],
        template: {
          metadata: { name: nameTpl },
          spec: {
            project,
            source: { repoURL: 'https://github.com/marquee-shop/marquee.git', targetRevision: 'develop', path: '{{ .path.path }}' },
            destination: { server: 'https://nonprod.k8s.marquee.internal', namespace: 'marquee-dev' },
          },
        },
      },
    });
  repo.commit('main', 'risky argocd changes', {
    [projFile]: stringify(proj),
    'argocd/applicationsets/templated-project.yaml': appset('templated', 'marquee-{{ .path.basename }}', 'x-{{ .path.basename }}'),
    'argocd/applicationsets/missing-key.yaml': appset('missing-key', 'marquee-dev', 'y-{{ .path.nope }}'),
  });
  const r = await previewApplicationSets({ root: repo.root, branch: 'main', kustomize: false, prs: [] });
  assert.deepEqual(rules(r.findings), ['argocd/project-denies-destination', 'argocd/project-missing', 'argocd/project-templated', 'argocd/template']);
  const denied = r.findings.filter((f) => f.rule === 'argocd/project-denies-destination').map((f) => f.object);
  for (const o of ['Application/argocd/marquee-dev-data', 'Application/argocd/marquee-dev-services', 'Application/x-prod'])
    assert.ok(denied.includes(o), `${o} denied (got ${denied.join(', ')})`);
  assert.ok(!denied.some((o) => /marquee-(test|prod)-/.test(o ?? '')), 'the untouched projects still allow their environments');
  const templated = r.findings.find((f) => f.rule === 'argocd/project-templated')!;
  assert.equal(templated.object, 'ApplicationSet/argocd/templated');
  assert.match(templated.message, /\.path/);
  const missing = r.findings.filter((f) => f.rule === 'argocd/project-missing').map((f) => f.message);
  assert.ok(missing.some((m) => /project "marquee-preview"|project "marquee-platform"/.test(m)), missing.join('\n'));
  const tpl = r.findings.find((f) => f.rule === 'argocd/template')!;
  assert.match(tpl.message, /ApplicationSet\/missing-key spec.template metadata.name: map has no entry for key "nope"/);
  // The directories generator honours exclude (overlays/preview) and path.Match (overlays/* is one level).
  const generated = r.applications.filter((a) => a.appSet === 'templated').map((a) => a.name).sort();
  assert.deepEqual(generated, ['x-dev', 'x-platform', 'x-prod', 'x-test']);
});

test('a missing branch is a finding, not a crash; an extra component directory breaks the contract', async () => {
  const repo = fresh(['develop']);
  repo.commit('develop', 'a third dev component', { 'overlays/dev/cache/kustomization.yaml': 'resources: []\n' });
  const r = await previewApplicationSets({ root: repo.root, branch: 'main', revisions: 'tracked', kustomize: false, prs: [] });
  assert.deepEqual(rules(r.findings), ['argocd/components', 'argocd/revision-missing']);
  const rev = r.findings.filter((f) => f.rule === 'argocd/revision-missing');
  assert.ok(rev.some((f) => f.object === 'ApplicationSet/argocd/marquee-test' && /revision "release" does not exist/.test(f.message)));
  const comp = r.findings.filter((f) => f.rule === 'argocd/components');
  assert.equal(comp.length, 1, 'test has no ApplicationSet output, so no second components finding');
  assert.match(comp[0]!.message, /environment dev: .*unexpected cache/);
  const none = await checkApplicationSets({ root: repo.root, branch: 'no-such-branch' });
  assert.deepEqual(rules(none), ['argocd/revision-missing']);
});

test('PR fixtures: duplicates are caught; git files generator with exclude, pathParamPrefix and values', async () => {
  const repo = fresh();
  const dup = await previewApplicationSets({
    root: repo.root,
    branch: 'main',
    kustomize: false,
    prs: [1, 1].map((n) => ({ number: n, branch: `f${n}`, targetBranch: 'develop', headSha: 'main', labels: ['preview'] })),
  });
  assert.deepEqual(rules(dup.findings), ['argocd/duplicate-application']);

  const set = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'ApplicationSet',
    metadata: { name: 'teams', namespace: 'argocd' },
    spec: {
      goTemplate: true,
      goTemplateOptions: ['missingkey=error'],
      generators: [
        {
          matrix: {
            generators: [
              { list: { elements: [{ rev: 'main' }] } },
              {
                git: {
                  repoURL: 'https://github.com/marquee-shop/marquee.git',
                  revision: '{{ .rev }}',
                  pathParamPrefix: 'team',
                  files: [{ path: 'teams/*/team.yaml' }, { path: 'teams/skip/*', exclude: true }],
                  // Rendered with the list's parameters (a matrix child is interpolated with its parent's).
                  values: { from: 'rev-{{ .rev }}' },
                },
              },
            ],
          },
        },
      ],
      template: {
        metadata: {
          name: 'team-{{ .name }}-{{ .team.path.basename }}',
          // index of a missing key is nil, not an error, so default applies (a bare .owner would fail: missingkey=error).
          labels: { owner: '{{ index . "owner" | default "nobody" }}', from: '{{ .values.from }}' },
        },
        spec: {
          project: 'marquee-dev',
          source: { repoURL: 'https://github.com/marquee-shop/marquee.git', targetRevision: '{{ .rev }}', path: 'overlays/dev/services' },
          destination: { server: 'https://nonprod.k8s.marquee.internal', namespace: 'marquee-dev' },
        },
      },
    },
  };
  repo.commit('main', 'teams', {
    'argocd/applicationsets/teams.yaml': stringify(set),
    'teams/a/team.yaml': 'name: alpha\nowner: alice\n',
    'teams/b/team.yaml': '- name: beta\n- name: gamma\n  owner: gina\n',
    'teams/skip/team.yaml': 'name: skipped\n',
  });
  const r = await previewApplicationSets({ root: repo.root, branch: 'main', kustomize: false, prs: [] });
  assert.deepEqual(r.findings, []);
  const teams = r.applications.filter((a) => a.appSet === 'teams').map((a) => `${a.name}:${a.application.metadata.labels.owner}:${a.application.metadata.labels.from}`).sort();
  assert.deepEqual(teams, ['team-alpha-a:alice:rev-main', 'team-beta-b:nobody:rev-main', 'team-gamma-b:gina:rev-main']);
});

test('working-tree mode sees uncommitted changes that the branch commit does not have', async () => {
  const repo = fresh();
  repo.git('checkout', '--quiet', 'main');
  writeFileSync(join(repo.root, 'overlays/dev/services/kustomization.yaml'), 'resources:\n  - ../../../base/nope\n');
  const sel = only('marquee-dev-services');
  const committed = await previewApplicationSets({ root: repo.root, branch: 'main', prs: [], select: sel });
  assert.deepEqual(committed.findings, []);
  const wt = await previewApplicationSets({ root: repo.root, branch: 'main', worktree: true, prs: [], select: sel });
  assert.deepEqual(rules(wt.findings), ['argocd/kustomize-failed']);
  assert.match(wt.findings[0]!.message, /at working tree/);
});

test('checkRenderedObjects applies the project rules to objects validate already rendered (no second kustomize build)', async () => {
  const repo = fresh();
  repo.commit('main', 'a ClusterRole and a foreign namespace in dev', {
    'overlays/dev/data/cluster-role.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: dev-reader\nrules: []\n',
    'overlays/dev/data/stray.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stray\n  namespace: kube-system\ndata: {}\n',
    'overlays/dev/data/kustomization.yaml': repo.read('overlays/dev/data/kustomization.yaml').replace('resources:\n', 'resources:\n  - cluster-role.yaml\n'),
  });
  const preview = await previewApplicationSets({ root: repo.root, branch: 'main', kustomize: false, prs: [] });
  assert.deepEqual(preview.findings, []);
  const target = { name: 'dev', kind: 'env' as const, path: 'overlays/dev' };
  const built = await kustomizeBuild(join(repo.root, 'overlays/dev'));
  assert.ok(built.ok, built.error);
  const objects: Record<string, any>[] = parseAllDocuments(built.yaml).map((d) => d.toJS());
  // The stray ConfigMap is not in kustomization.yaml: add it as if a patch had moved an object out of the namespace.
  objects.push(parse(repo.read('overlays/dev/data/stray.yaml')));
  const findings = checkRenderedObjects(preview, objects.map((object, index) => ({ target, object, index })));
  assert.deepEqual(findings.map((f) => f.object).sort(), ['ClusterRole/dev-reader', 'ConfigMap/kube-system/stray']);
  assert.ok(findings.every((f) => f.rule === 'argocd/project-denies-resource' && /Application marquee-dev-data, marquee-dev-services/.test(f.message)));
});
