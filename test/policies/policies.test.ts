// Every policy: a passing and a failing fixture (the registry is enumerated, so a new
// policy without fixtures fails here), findings at the right path and severity.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { checkKustomizations, policies, runPolicies } from '../../policies/index.ts';
import { categories, isRepoPolicy, type RepoPolicy } from '../../policies/types.ts';
import type { Finding, RenderedObject } from '../../kube/index.ts';
import { previewProfile } from '../../generators/environments.ts';
import { cases, type Input } from './fixtures/cases.ts';
import { container0, envTarget, mutate, platformTarget, withObjects, world } from './fixtures/world.ts';

function findingsFor(id: string, input: Input): Finding[] {
  if ('files' in input) {
    const root = mkdtempSync(join(tmpdir(), 'marquee-policy-'));
    try {
      for (const [file, text] of Object.entries(input.files)) {
        mkdirSync(dirname(join(root, file)), { recursive: true });
        writeFileSync(join(root, file), text);
      }
      return checkKustomizations(root).filter((f) => f.rule === id);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  return runPolicies(input, { only: [id], exemptions: [] }).findings;
}

describe('policy registry', () => {
  it('has unique ids of the form <category>/<name>, with title, rationale and hint', () => {
    const ids = policies.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate policy id');
    for (const p of policies) {
      assert.match(p.id, /^[a-z-]+\/[a-z0-9-]+$/, p.id);
      assert.equal(p.id.split('/')[0], p.category, `${p.id}: id prefix must be its category`);
      assert.ok(categories.includes(p.category));
      assert.ok(p.title.length > 10 && p.rationale.length > 40 && p.hint.length > 10, `${p.id}: title/rationale/hint`);
    }
  });

  it('every policy has a passing and a failing fixture, and no fixture names an unknown policy', () => {
    for (const p of policies) {
      assert.ok(cases[p.id], `policy ${p.id} has no fixtures in test/policies/fixtures/cases.ts`);
      assert.equal(typeof cases[p.id]!.pass, 'function', `${p.id}: pass fixture`);
      assert.equal(typeof cases[p.id]!.fail, 'function', `${p.id}: fail fixture`);
    }
    const known = new Set(policies.map((p) => p.id));
    for (const id of Object.keys(cases)) assert.ok(known.has(id), `fixture for unknown policy ${id}`);
  });
});

describe('policies on their fixtures', () => {
  for (const p of policies) {
    const c = cases[p.id];
    if (!c) continue;
    it(`${p.id}: passing fixture has no finding`, () => {
      assert.deepEqual(findingsFor(p.id, c.pass()).map((f) => `${f.object} ${f.path}: ${f.message}`), []);
    });
    it(`${p.id}: failing fixture is reported${c.path ? ` at ${c.path}` : ''}`, () => {
      const found = findingsFor(p.id, c.fail());
      assert.ok(found.length > 0, `${p.id} found nothing in its failing fixture`);
      for (const f of found) {
        assert.equal(f.rule, p.id);
        assert.ok(f.message && f.hint, 'message and hint');
        if (!isRepoPolicy(p)) assert.ok(f.target && f.object && f.file, 'target, object and source file');
      }
      if (c.path) assert.ok(found.some((f) => f.path === c.path), `no finding at ${c.path}; got ${found.map((f) => f.path).join(', ')}`);
      if (c.object) assert.ok(found.some((f) => f.object === c.object), `no finding on ${c.object}; got ${found.map((f) => f.object).join(', ')}`);
      if (c.severity) assert.ok(found.every((f) => f.severity === c.severity), `severity ${c.severity}`);
    });
  }
});

describe('clean fixture environments', () => {
  for (const env of ['dev', 'test', 'prod'] as const) {
    it(`${env}: the generated services and namespace baseline pass every policy`, () => {
      const { findings } = runPolicies(world(env), { exemptions: [] });
      assert.deepEqual(findings.map((f) => `${f.rule} ${f.object} ${f.path}: ${f.message}`), []);
    });
  }
});

describe('environment awareness', () => {
  it('min-replicas: dev may run one replica, test needs 2, prod 3', () => {
    const one = (env: 'dev' | 'test' | 'prod') => mutate(world(env), 'HorizontalPodAutoscaler', 'inventory', (o) => (o.spec.minReplicas = 1));
    assert.equal(runPolicies(one('dev'), { only: ['availability/min-replicas'], exemptions: [] }).findings.length, 0);
    assert.equal(runPolicies(one('test'), { only: ['availability/min-replicas'], exemptions: [] }).findings.length, 1);
    const two = mutate(world('prod'), 'HorizontalPodAutoscaler', 'inventory', (o) => (o.spec.minReplicas = 2));
    assert.equal(runPolicies(two, { only: ['availability/min-replicas'], exemptions: [] }).findings.length, 1);
  });

  it('min-replicas without an HPA reports spec.replicas of the Deployment', () => {
    const input = mutate(
      world('prod').filter((r) => !(r.object.kind === 'HorizontalPodAutoscaler' && r.object.metadata.name === 'web')),
      'Deployment',
      'web',
      (o) => (o.spec.replicas = 2),
    );
    const [f] = runPolicies(input, { only: ['availability/min-replicas'], exemptions: [] }).findings;
    assert.equal(f?.object, 'Deployment/marquee-prod/web');
    assert.equal(f?.path, 'spec.replicas');
  });

  it('digest pinning is an error in prod (and on the prod cluster platform), a warning in dev and test', () => {
    const tagged = (env: 'dev' | 'prod') => mutate(world(env), 'Deployment', 'web', (o) => (container0(o).image = 'ghcr.io/marquee-shop/web:0.1.0'));
    assert.deepEqual(runPolicies(tagged('dev'), { only: ['gitops/digest-pinning'], exemptions: [] }).findings.map((f) => f.severity), ['warning']);
    assert.deepEqual(runPolicies(tagged('prod'), { only: ['gitops/digest-pinning'], exemptions: [] }).findings.map((f) => f.severity), ['error']);
    const platform = (cluster: 'nonprod' | 'prod') =>
      withObjects([], platformTarget(cluster), [
        { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'grafana', namespace: 'monitoring' }, spec: { template: { spec: { containers: [{ name: 'grafana', image: 'docker.io/grafana/grafana:12.3.0' }] } } } },
      ]);
    assert.deepEqual(runPolicies(platform('prod'), { only: ['gitops/digest-pinning'], exemptions: [] }).findings.map((f) => f.severity), ['error']);
    assert.deepEqual(runPolicies(platform('nonprod'), { only: ['gitops/digest-pinning'], exemptions: [] }).findings.map((f) => f.severity), ['warning']);
  });

  it('digest pinning: a digest pins only when the kubelet can parse it (go-digest: 64 hex digits after sha256:)', () => {
    const pinned = (image: string) =>
      runPolicies(mutate(world('dev'), 'Deployment', 'web', (o) => (container0(o).image = image)), { only: ['gitops/digest-pinning'], exemptions: [] }).findings.map((f) => f.message);
    assert.deepEqual(pinned(`ghcr.io/marquee-shop/web@sha256:${'a'.repeat(64)}`), []);
    assert.deepEqual(pinned(`ghcr.io/marquee-shop/web:0.1.0@sha256:${'0123456789abcdef'.repeat(4)}`), []);
    const [short] = pinned('ghcr.io/marquee-shop/web@sha256:abc123');
    assert.match(short ?? '', /is not pinned by digest \(the reference does not parse: invalid reference format\)/);
    const [upper] = pinned(`ghcr.io/marquee-shop/web@sha256:${'A'.repeat(64)}`);
    assert.match(upper ?? '', /not pinned by digest/);
  });

  it('a memory request or limit under a mebibyte is a unit mistake, with the unit meant', () => {
    const run = (memory: string) =>
      runPolicies(mutate(world('dev'), 'Deployment', 'web', (o) => (container0(o).resources = { requests: { cpu: '50m', memory }, limits: { cpu: '500m', memory } })), {
        only: ['resources/memory-requests', 'resources/memory-limits'],
        exemptions: [],
      }).findings.map((f) => [f.rule, f.path?.replace(/^.*resources\./, ''), f.hint]);
    assert.deepEqual(run('192m').sort(), [
      ['resources/memory-limits', 'limits.memory', 'm means thousandths, not mebibytes: write 192Mi'],
      ['resources/memory-requests', 'requests.memory', 'm means thousandths, not mebibytes: write 192Mi'],
    ]);
    assert.equal(run('512')[0]?.[2], 'a bare number is bytes: write 512Mi');
    assert.deepEqual(run('900Ki').map((f) => f[2]).sort(), ['write the memory limit in Mi or Gi', 'write the memory request in Mi or Gi']);
    // 1Mi (1,048,576 bytes) and up, and the same in decimal units, pass
    for (const ok of ['1Mi', '192Mi', '1G', '2000000', '1.5Gi']) assert.deepEqual(run(ok), [], ok);
  });

  it('spread-replicas applies to prod only, and not to single-replica workloads', () => {
    const noSpread = (env: 'test' | 'prod') => mutate(world(env), 'Deployment', 'web', (o) => delete o.spec.template.spec.topologySpreadConstraints);
    assert.equal(runPolicies(noSpread('test'), { only: ['availability/spread-replicas'], exemptions: [] }).findings.length, 0);
    const single = mutate(
      mutate(noSpread('prod'), 'HorizontalPodAutoscaler', 'web', (o) => Object.assign(o.spec, { minReplicas: 1, maxReplicas: 1 })),
      'Deployment',
      'web',
      () => {},
    );
    assert.equal(runPolicies(single, { only: ['availability/spread-replicas'], exemptions: [] }).findings.length, 0);
  });

  it('a preview is held to every policy but those its profile relaxes, each a real policy id', () => {
    const ids = new Set(policies.map((p) => p.id));
    for (const id of Object.keys(previewProfile.relaxes)) assert.ok(ids.has(id), `previewProfile.relaxes names ${id}, which is no policy`);
    const preview = (objects: RenderedObject[]) => objects.map((r) => ({ ...r, target: { ...r.target, name: 'preview', kind: 'preview' as const, env: undefined } }));
    // prod-only and relaxed: not run on a preview
    const noSpread = mutate(world('prod'), 'Deployment', 'web', (o) => delete o.spec.template.spec.topologySpreadConstraints);
    assert.equal(runPolicies(preview(noSpread), { only: ['availability/spread-replicas'], exemptions: [] }).findings.length, 0);
    // every other policy is: a privileged container in a preview is an error
    const privileged = mutate(world('dev'), 'Deployment', 'web', (o) => (container0(o).securityContext = { ...container0(o).securityContext, privileged: true }));
    assert.deepEqual(runPolicies(preview(privileged), { only: ['security/no-privileged'], exemptions: [] }).findings.map((f) => f.target), ['preview']);
  });

  it('the same cluster-scoped name on different clusters is fine (dev on nonprod, prod on prod)', () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'marquee-reader' }, rules: [] };
    const input = [...withObjects(world('dev'), envTarget('dev'), [role]), ...withObjects(world('prod'), envTarget('prod'), [role])];
    assert.equal(runPolicies(input, { only: ['cross-environment/unique-cluster-objects'], exemptions: [] }).findings.length, 0);
  });

  it('hostNetwork ports count as host ports', () => {
    const agent = (name: string) => ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name, namespace: 'monitoring' },
      spec: { template: { metadata: { labels: {} }, spec: { hostNetwork: true, containers: [{ name, image: 'x:1', ports: [{ containerPort: 9100 }] }] } } },
    });
    const input = [...withObjects([], platformTarget('nonprod'), [agent('node-exporter')]), ...withObjects([], envTarget('dev'), [{ ...agent('debug-exporter'), metadata: { name: 'debug-exporter', namespace: 'marquee-dev' } }])];
    const found = runPolicies(input, { only: ['cross-environment/unique-host-ports'], exemptions: [] }).findings;
    assert.equal(found.length, 2);
    assert.ok(found.every((f) => f.path === 'spec.template.spec.containers[0].ports[0].containerPort'));
  });
});

describe('individual checks', () => {
  it('no-automount-token allows a mounted token when RBAC binds the ServiceAccount', () => {
    const mounted = mutate(world('prod'), 'Deployment', 'inventory', (o) => (o.spec.template.spec.automountServiceAccountToken = true));
    assert.equal(runPolicies(mounted, { only: ['security/no-automount-token'], exemptions: [] }).findings.length, 1);
    const bound = withObjects(mounted, envTarget('prod'), [
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'inventory', namespace: 'marquee-prod' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'x' }, subjects: [{ kind: 'ServiceAccount', name: 'inventory' }] },
    ]);
    assert.equal(runPolicies(bound, { only: ['security/no-automount-token'], exemptions: [] }).findings.length, 0);
  });

  it('no-secret-values: $(VAR) references and paths pass; literal passwords, URLs with passwords and config-file secrets fail', () => {
    const only = { only: ['security/no-secret-values'], exemptions: [] };
    // billing-api already builds AMQP_URL from $(AMQP_USER):$(AMQP_PASSWORD): clean world passes.
    assert.equal(runPolicies(world('prod'), only).findings.length, 0);
    const url = mutate(world('prod'), 'Deployment', 'billing-api', (o) => (container0(o).env.find((e: any) => e.name === 'AMQP_URL').value = 'amqp://billing:hunter22@rabbitmq:5672/marquee'));
    assert.match(runPolicies(url, only).findings[0]?.message ?? '', /URL with an embedded password/);
    const file = mutate(world('prod'), 'ConfigMap', 'web-nginx', (o) => (o.data['grafana.ini'] = '[security]\nadmin_user = admin\nadmin_password = hunter2\n'));
    assert.equal(runPolicies(file, only).findings[0]?.path, 'data["grafana.ini"]');
    const ref = mutate(world('prod'), 'ConfigMap', 'web-nginx', (o) => (o.data['grafana.ini'] = '[security]\nadmin_password = $__file{/etc/secrets/admin}\npassword_file: /etc/x\n'));
    assert.equal(runPolicies(ref, only).findings.length, 0);
    const key = mutate(world('prod'), 'ConfigMap', 'inventory-config', (o) => (o.data.DB_PASSWORD = 'hunter2'));
    assert.equal(runPolicies(key, only).findings[0]?.path, 'data.DB_PASSWORD');
  });

  it('config-references: ExternalSecret targets count as Secrets; optional refs are skipped; missing ConfigMaps fail', () => {
    const only = { only: ['correctness/config-references'], exemptions: [] };
    const noEs = world('prod').filter((r) => !(r.object.kind === 'ExternalSecret' && r.object.metadata.name === 'inventory-db'));
    assert.ok(runPolicies(noEs, only).findings.some((f) => /Secret inventory-db is referenced/.test(f.message)));
    const optional = mutate(noEs, 'Deployment', 'inventory', (o) => container0(o).env.forEach((e: any) => (e.valueFrom.secretKeyRef.optional = true)));
    assert.equal(runPolicies(optional, only).findings.length, 0);
    const cm = mutate(world('prod'), 'Deployment', 'web', (o) => (o.spec.template.spec.volumes[1].configMap.name = 'web-nginx-old'));
    assert.equal(runPolicies(cm, only).findings[0]?.path, 'spec.template.spec.volumes[1].configMap.name');
  });

  it('service-selects-pods and service-target-port skip what selects no pods by design: ExternalName, no selector', () => {
    const only = { only: ['correctness/service-selects-pods', 'correctness/service-target-port'], exemptions: [] };
    // a named targetPort no container declares, and a selector that matches nothing: both fire on a ClusterIP Service
    const broken = (o: Record<string, any>) => ((o.spec.ports[0].targetPort = 'api'), (o.spec.selector = { 'app.kubernetes.io/name': 'inventory', extra: 'x' }));
    assert.deepEqual(runPolicies(mutate(world('prod'), 'Service', 'inventory', broken), only).findings.map((f) => f.rule), ['correctness/service-selects-pods']);
    const targetOnly = (o: Record<string, any>) => (o.spec.ports[0].targetPort = 'api');
    assert.deepEqual(runPolicies(mutate(world('prod'), 'Service', 'inventory', targetOnly), only).findings.map((f) => f.rule), ['correctness/service-target-port']);
    const external = (o: Record<string, any>) => (targetOnly(o), (o.spec.type = 'ExternalName'), (o.spec.externalName = 'inventory.example.com'));
    assert.deepEqual(runPolicies(mutate(world('prod'), 'Service', 'inventory', external), only).findings, [], 'an ExternalName Service has no endpoints to check');
    const manual = (o: Record<string, any>) => (targetOnly(o), delete o.spec.selector);
    assert.deepEqual(runPolicies(mutate(world('prod'), 'Service', 'inventory', manual), only).findings, [], 'no selector: endpoints managed by hand');
  });

  it('pod-disruption-budget: a PDB that allows no disruption at the minimum replica count fails', () => {
    const input = mutate(world('prod'), 'PodDisruptionBudget', 'web', (o) => (o.spec = { minAvailable: '100%', selector: o.spec.selector }));
    const [f] = runPolicies(input, { only: ['availability/pod-disruption-budget'], exemptions: [] }).findings;
    assert.equal(f?.object, 'PodDisruptionBudget/marquee-prod/web');
    assert.equal(f?.path, 'spec.minAvailable');
  });

  it('analysis-address-resolves judges only where the cluster platform is rendered, and names a namespace typo', () => {
    const templates = withObjects([], envTarget('prod'), [
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'ratio', namespace: 'marquee-prod' }, spec: { metrics: [{ name: 'ratio', provider: { prometheus: { address: 'http://prometheus.monitorng.svc:9090', query: 'up' } } }] } },
    ]);
    // `--env prod` renders no platform overlay: the address cannot be judged, and is not guessed at.
    assert.deepEqual(findingsFor('rollouts/analysis-address-resolves', templates), []);
    const platform = withObjects([], platformTarget('prod'), [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'prometheus', namespace: 'monitoring' }, spec: { ports: [{ port: 9090 }] } }]);
    const found = findingsFor('rollouts/analysis-address-resolves', [...templates, ...platform]);
    assert.equal(found.length, 1);
    assert.match(found[0]!.message, /no Service monitorng\/prometheus is rendered on this cluster/);
    // The platform of another cluster does not count: nonprod's Prometheus is not prod's.
    const nonprod = withObjects([], platformTarget('nonprod'), [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'prometheus', namespace: 'monitorng' }, spec: { ports: [{ port: 9090 }] } }]);
    assert.equal(findingsFor('rollouts/analysis-address-resolves', [...templates, ...platform, ...nonprod]).length, 1);
  });

  it('no-deprecated-api warns for a deprecated, still served version', () => {
    const input = withObjects(world('prod'), envTarget('prod'), [
      { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kind: 'FlowSchema', metadata: { name: 'x', labels: { 'app.kubernetes.io/name': 'x', 'app.kubernetes.io/component': 'x', 'app.kubernetes.io/part-of': 'marquee' } }, spec: {} },
    ]);
    const found = runPolicies(input, { only: ['gitops/no-deprecated-api'], exemptions: [] }).findings;
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'warning');
    assert.match(found[0]!.message, /deprecated since Kubernetes 1\.29 and removed in 1\.32/);
  });

  it('no-mutable-tags accepts a mutable tag pinned by digest, rejects branch-like tags', () => {
    const only = { only: ['gitops/no-mutable-tags'], exemptions: [] };
    const img = (image: string) => mutate(world('test'), 'Deployment', 'web', (o) => (container0(o).image = image));
    assert.equal(runPolicies(img(`ghcr.io/marquee-shop/web:latest@sha256:${'a'.repeat(64)}`), only).findings.length, 0);
    for (const tag of ['latest', 'main', 'feature-login', 'pr-12', '1.2.0-SNAPSHOT']) assert.equal(runPolicies(img(`ghcr.io/marquee-shop/web:${tag}`), only).findings.length, 1, tag);
    for (const tag of ['0.1.0', 'v1.8.2', '16.6-bookworm', '4.0.5-management']) assert.equal(runPolicies(img(`ghcr.io/marquee-shop/web:${tag}`), only).findings.length, 0, tag);
  });

  it('no-remote-bases reports file and line of each remote entry, including components and helm charts', () => {
    const p = policies.find((x) => x.id === 'gitops/no-remote-bases') as RepoPolicy;
    assert.ok(p);
    const root = mkdtempSync(join(tmpdir(), 'marquee-remote-'));
    try {
      mkdirSync(join(root, 'overlays/test'), { recursive: true });
      mkdirSync(join(root, 'node_modules/x'), { recursive: true });
      writeFileSync(
        join(root, 'overlays/test/kustomization.yaml'),
        'resources:\n  - ../../base/web\ncomponents:\n  - github.com/org/repo/components/x?ref=main\nhelmCharts:\n  - name: redis\n    repo: https://charts.bitnami.com/bitnami\n',
      );
      writeFileSync(join(root, 'node_modules/x/kustomization.yaml'), 'resources:\n  - https://example.com/x.yaml\n');
      const found = checkKustomizations(root);
      assert.deepEqual(
        found.map((f) => [f.file, f.line, f.path]),
        [
          ['overlays/test/kustomization.yaml', 4, 'components[0]'],
          ['overlays/test/kustomization.yaml', 7, 'helmCharts[0].repo'],
        ],
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
