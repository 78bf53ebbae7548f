// The preview with the generators and renderer the repository's own ApplicationSets do
// not use: a fasttemplate (goTemplate: false) ApplicationSet, the cluster generator over the
// environment contract's clusters, a merge, and the generators that need a live service,
// each reported on the ApplicationSet's file at the generator's path; and an AppProject Argo CD
// would refuse, on its file and field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse, stringify } from 'yaml';
import { previewApplicationSets } from '../../../scripts/lib/argocd/preview.ts';
import { clusters } from '../../../generators/environments.ts';
import { freshRepos } from '../../fixtures/argocd/repo.ts';

const fresh = freshRepos();
const repoURL = 'https://github.com/marquee-shop/marquee.git';
const appSet = (name: string, spec: Record<string, unknown>) =>
  stringify({ apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name, namespace: 'argocd' }, spec });
/** Go templates with missingkey=error, as the repository's own ApplicationSets use them. */
const strictGoTemplate = { goTemplate: true, goTemplateOptions: ['missingkey=error'] };
const template = (name: string, server: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: { project: 'marquee-dev', source: { repoURL, targetRevision: 'develop', path: 'overlays/dev/data' }, destination: { server, namespace: 'marquee-dev' }, ...extra },
});

test('a goTemplate: false ApplicationSet is expanded with fasttemplate and flat parameters', async () => {
  const repo = fresh();
  repo.commit('main', 'a fasttemplate ApplicationSet', {
    'argocd/applicationsets/flat.yaml': appSet('flat', {
      generators: [
        {
          matrix: {
            generators: [
              { list: { elements: [{ env: 'dev', values: { tier: 'data' } }] } },
              { git: { repoURL, revision: 'develop', directories: [{ path: 'overlays/{{env}}/*' }] } },
            ],
          },
        },
      ],
      template: {
        metadata: { name: 'flat-{{env}}-{{path.basename}}', labels: { tier: '{{values.tier}}', first: '{{path[0]}}', unknown: '{{ nope }}' } },
        spec: { project: 'marquee-dev', source: { repoURL, targetRevision: 'develop', path: '{{path}}' }, destination: { server: clusters.nonprod.server, namespace: 'marquee-dev' } },
      },
    }),
  });
  const r = await previewApplicationSets({ root: repo.root, branch: 'main', kustomize: false, prs: [] });
  const flat = r.applications.filter((a) => a.appSet === 'flat');
  assert.deepEqual(flat.map((a) => a.name).sort(), ['flat-dev-data', 'flat-dev-services']);
  const data = flat.find((a) => a.name === 'flat-dev-data')!.application;
  assert.equal(data.spec.source.path, 'overlays/dev/data');
  // fasttemplate leaves a tag it has no string parameter for as it is (Argo CD's Render.Replace).
  assert.deepEqual(data.metadata.labels, { tier: 'data', first: 'overlays', unknown: '{{ nope }}' });
  // …which is not a valid label value: reported, as for any other template.
  assert.ok(r.findings.some((f) => f.rule === 'argocd/template' && f.object === 'Application/flat-dev-data' && /label unknown="\{\{ nope \}\}"/.test(f.message)));
});

test('the cluster generator lists the in-cluster destination and the contract clusters; their secret labels are an error', async () => {
  const repo = fresh();
  repo.commit('main', 'cluster generators', {
    'argocd/applicationsets/per-cluster.yaml': appSet('per-cluster', {
      ...strictGoTemplate,
      generators: [{ clusters: {} }],
      template: template('per-cluster-{{ .nameNormalized }}', '{{ .server }}'),
    }),
    'argocd/applicationsets/by-label.yaml': appSet('by-label', {
      goTemplate: true,
      generators: [{ clusters: { selector: { matchLabels: { env: 'prod' } } } }],
      template: template('by-label-{{ .name }}', '{{ .server }}'),
    }),
  });
  const r = await previewApplicationSets({ root: repo.root, branch: 'main', kustomize: false, prs: [] });
  const generated = r.applications.filter((a) => a.appSet === 'per-cluster').map((a) => `${a.name} ${a.application.spec.destination.server}`).sort();
  assert.deepEqual(generated, [
    'per-cluster-in-cluster https://kubernetes.default.svc',
    `per-cluster-nonprod ${clusters.nonprod.server}`,
    `per-cluster-prod ${clusters.prod.server}`,
  ]);
  const sel = r.findings.find((f) => f.object === 'ApplicationSet/argocd/by-label');
  assert.ok(sel, 'the selector is reported');
  assert.equal(sel.rule, 'argocd/generator');
  assert.equal(sel.file, 'argocd/applicationsets/by-label.yaml');
  assert.equal(sel.path, 'spec.generators[0].clusters.selector');
  assert.match(sel.message, /cluster nonprod's secret labels are not available offline: the environment contract \(generators\/environments\.ts\) records each cluster's name and server/);
});

test('plugin, scmProvider, clusterDecisionResource and a non-GitHub pullRequest: one error each, on the file and generator', async () => {
  const repo = fresh();
  const gens: Record<string, Record<string, unknown>> = {
    plugin: { plugin: { configMapRef: { name: 'cm' }, input: { parameters: {} } } },
    scm: { scmProvider: { github: { organization: 'marquee-shop' } } },
    cdr: { clusterDecisionResource: { configMapRef: 'cm', name: 'placement' } },
    gitlab: { pullRequest: { gitlab: { project: '1' } } },
  };
  const files = Object.fromEntries(
    Object.entries(gens).map(([n, g]) => [`argocd/applicationsets/${n}.yaml`, appSet(n, { goTemplate: true, generators: [{ list: { elements: [] } }, g], template: template(n, 'https://kubernetes.default.svc') })]),
  );
  repo.commit('main', 'generators needing a service', files);
  const r = await previewApplicationSets({ root: repo.root, branch: 'main', kustomize: false, prs: [] });
  const of = (n: string) => r.findings.filter((f) => f.object === `ApplicationSet/argocd/${n}`);
  for (const [n, kind, re] of [
    ['plugin', 'plugin', /the plugin generator is not supported by the offline preview: its parameters come from the plugin service/],
    ['scm', 'scmProvider', /the scmProvider generator is not supported by the offline preview: its parameters come from the SCM provider's API/],
    ['cdr', 'clusterDecisionResource', /the clusterDecisionResource generator is not supported by the offline preview: its parameters come from a live duck-typed resource/],
  ] as const) {
    const fs = of(n);
    assert.equal(fs.length, 1, `${n}: one finding (got ${fs.map((f) => f.message).join('; ')})`);
    assert.equal(fs[0]!.rule, 'argocd/generator');
    assert.equal(fs[0]!.file, `argocd/applicationsets/${n}.yaml`);
    assert.equal(fs[0]!.path, `spec.generators[1].${kind}`);
    assert.match(fs[0]!.message, re);
  }
  const gl = of('gitlab');
  assert.equal(gl.length, 1);
  assert.equal(gl[0]!.file, 'argocd/applicationsets/gitlab.yaml');
  assert.equal(gl[0]!.path, 'spec.generators[1].pullRequest');
  assert.match(gl[0]!.message, /only the github provider is supported by the offline preview \(found gitlab\)/);
});

test('a merge generator overrides the base parameters by merge key', async () => {
  const repo = fresh();
  repo.commit('main', 'a merge', {
    'argocd/applicationsets/merged.yaml': appSet('merged', {
      ...strictGoTemplate,
      generators: [
        {
          merge: {
            mergeKeys: ['server'],
            generators: [{ clusters: { values: { ns: 'default' } } }, { list: { elements: [{ server: clusters.prod.server, values: { ns: 'marquee-prod' } }] } }],
          },
        },
      ],
      template: template('merged-{{ .nameNormalized }}', '{{ .server }}', {}),
    }),
  });
  const r = await previewApplicationSets({ root: repo.root, branch: 'main', kustomize: false, prs: [] });
  const merged = r.applications.filter((a) => a.appSet === 'merged').map((a) => a.name).sort();
  assert.deepEqual(merged, ['merged-in-cluster', 'merged-nonprod', 'merged-prod']);
  assert.deepEqual(r.findings.filter((f) => f.object === 'ApplicationSet/argocd/merged'), []);
});

// pkg/apis/application/v1alpha1 ValidateProject (project-validate.ts; its upstream tables: upstream-project-validate.test.ts).
test('an invalid AppProject in argocd/ is reported by the preview on its file and field', async () => {
  const repo = fresh();
  const file = 'argocd/projects/app-project-marquee-dev.yaml';
  const proj = parse(repo.read(file));
  proj.spec.sourceRepos = [...proj.spec.sourceRepos, proj.spec.sourceRepos[0]];
  proj.spec.roles = [{ name: 'ci', policies: ['p, proj:marquee-dev:ci, applications, sync, marquee-prod/*, allow'] }];
  proj.spec.syncWindows = [{ kind: 'deny', schedule: '0 22 * * 1-5', duration: '8hours', namespaces: ['marquee-dev'] }];
  repo.commit('main', 'an invalid project', { [file]: stringify(proj) });
  const r = await previewApplicationSets({ root: repo.root, branch: 'main', kustomize: false, prs: [] });
  const invalid = r.findings.filter((f) => f.rule === 'argocd/project-invalid');
  assert.deepEqual(invalid.map((f) => [f.file, f.object, f.path]), [
    [file, 'AppProject/argocd/marquee-dev', 'spec.sourceRepos[1]'],
    [file, 'AppProject/argocd/marquee-dev', 'spec.roles[0].policies[0]'],
    [file, 'AppProject/argocd/marquee-dev', 'spec.syncWindows[0].duration'],
  ]);
  assert.match(invalid[0]!.message, /source repository 'https:\/\/github.com\/marquee-shop\/marquee.git' already added/);
  assert.match(invalid[1]!.message, /object must be of form 'marquee-dev\/\*' or 'marquee-dev\/<APPNAME>', not 'marquee-prod\/\*'/);
  assert.match(invalid[2]!.message, /cannot parse duration '8hours': time: unknown unit "hours"/);
});
