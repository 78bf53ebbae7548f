// The stateless service bases (generators/services.ts), checked object by object against the
// contract (apps/contract) for every service: probes on the real port, stable selectors that
// match the pods, a locked-down pod, HPA/PDB, NetworkPolicies derived from `calls`,
// ConfigMap/env wiring, the web tier's Ingress and nginx config, and deterministic output.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  autoscaling,
  broker,
  dataServices,
  envVars,
  postgres,
  probes,
  secrets,
  serviceNames,
  services,
  shutdown,
  type ServiceName,
} from '@marquee/contract';
import { existsSync } from 'node:fs';
import { parse } from 'yaml';
import { dataComponents } from '../../generators/data.ts';
import { clusters } from '../../generators/environments.ts';
import { headerFor, renderComponent, type Component, type FileMap } from '../../generators/lib/component.ts';
import { nginxConfig } from '../../generators/nginx.ts';
import { serviceComponent, serviceComponents, sharedConfigName, versionOf } from '../../generators/services.ts';
import type { KubeObject } from '../../kube/index.ts';

type Obj = KubeObject;
type Labels = Record<string, string>;

const source = 'generators/services.ts';
const versionKey = 'app.kubernetes.io/version';
const components = serviceComponents();
const componentOf = (name: ServiceName): Component => {
  const c = components.find((x) => x.dir === `base/${name}`);
  assert.ok(c, `serviceComponents() has no base/${name}`);
  return c;
};
/**
 * The ConfigMaps kustomize's configMapGenerator makes from the component's files
 * (names before the content hash is appended; kustomize rewrites every reference).
 */
const generatedConfigMaps = (c: Component): Obj[] => {
  const k = c.kustomization as { configMapGenerator?: { name: string; envs?: string[]; files?: string[] }[]; generatorOptions?: { labels?: Labels } };
  return (k?.configMapGenerator ?? []).map((g) => {
    const data: Record<string, string> = {};
    for (const env of g.envs ?? [])
      for (const line of c.files![env]!.split('\n')) {
        if (!line.trim() || line.startsWith('#')) continue;
        const i = line.indexOf('=');
        data[line.slice(0, i)] = line.slice(i + 1);
      }
    for (const f of g.files ?? []) data[f] = c.files![f]!;
    return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: g.name, labels: k.generatorOptions?.labels }, data };
  });
};
/** Plain JSON, as it is written to the file (class instances hide nothing, but compare like kubectl sees it), plus generated ConfigMaps. */
const objectsOf = (name: ServiceName): Obj[] => [
  ...componentOf(name).objects.map((o) => JSON.parse(JSON.stringify(o.toJSON())) as Obj),
  ...generatedConfigMaps(componentOf(name)),
];
const one = (objs: Obj[], kind: string, name?: string): Obj => {
  const found = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  assert.equal(found.length, 1, `expected one ${kind}${name ? `/${name}` : ''}, found ${found.length}`);
  return found[0]!;
};

/** Does a matchLabels selector select these labels (selector ⊆ labels)? */
const selects = (selector: Labels, labels: Labels): boolean => Object.entries(selector).every(([k, v]) => labels[k] === v);
/** Resolve a probe/targetPort (name or number) to the container port number, or fail. */
const resolvePort = (container: any, port: string | number, what: string): number => {
  const ports = (container.ports ?? []) as { name?: string; containerPort: number }[];
  const p = typeof port === 'number' ? ports.find((x) => x.containerPort === port) : ports.find((x) => x.name === port);
  assert.ok(p, `${what}: port ${JSON.stringify(port)} is not among the container's ports ${JSON.stringify(ports)}`);
  return p.containerPort;
};

/** Who calls `name`, according to the contract. */
const callersOf = (name: ServiceName): ServiceName[] =>
  serviceNames.filter((s) => (services[s].calls as readonly ServiceName[]).includes(name));

for (const name of serviceNames) {
  const facts = services[name];
  const objs = objectsOf(name);
  const deployment = one(objs, 'Deployment', name);
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const templateLabels = deployment.spec.template.metadata.labels as Labels;
  const svc = one(objs, 'Service', name);

  describe(`base/${name}`, () => {
    it('starts the contract entry point (billing-api and billing-worker share an image)', () => {
      if (name === 'web') return assert.equal(container.command, undefined, 'nginx image runs its own command');
      const workspaceDir = facts.workspace.replace('@marquee/', 'apps/');
      assert.deepEqual(container.command, ['node', facts.entry.slice(workspaceDir.length + 1)]);
      assert.ok(existsSync(new URL(`../../${facts.entry}`, import.meta.url)), `${facts.entry} exists`);
    });

    it('has one container, named after the service, running the contract image', () => {
      assert.equal(pod.containers.length, 1);
      assert.equal(container.name, name);
      assert.match(container.image, new RegExp(`^${facts.image.replace(/[.]/g, '\\.')}:`));
    });

    it(`probes ${probes.liveness} and ${probes.readiness} on the contract port ${facts.port}, with a startup probe`, () => {
      assert.equal(container.livenessProbe?.httpGet?.path, '/healthz');
      assert.equal(container.readinessProbe?.httpGet?.path, '/readyz');
      assert.equal(container.livenessProbe.httpGet.path, probes.liveness);
      assert.equal(container.readinessProbe.httpGet.path, probes.readiness);
      assert.ok(container.startupProbe?.httpGet, 'startupProbe present (so a slow boot is not killed by liveness)');
      for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        assert.equal(resolvePort(container, container[kind].httpGet.port, `${name} ${kind}`), facts.port, `${kind} port`);
      }
      // The process listens where the probes look: PORT in the ConfigMap is the same number.
      const cm = one(objs, 'ConfigMap', `${name}-config`);
      assert.equal(cm.data[envVars.port], String(facts.port));
    });

    it('Service targets the named container port and exposes the contract port', () => {
      assert.equal(svc.spec.ports.length, 1);
      const [port] = svc.spec.ports;
      assert.equal(typeof port.targetPort, 'string', 'targetPort is the port name, not a number');
      assert.equal(resolvePort(container, port.targetPort, `Service/${name} targetPort`), facts.port);
      assert.equal(port.port, facts.port, 'callers use http://<service>:<contract port>');
      assert.ok(selects(svc.spec.selector, templateLabels), 'Service selector matches the pod template');
    });

    it('sleeps in preStop, then drains within terminationGracePeriodSeconds', () => {
      assert.equal(container.lifecycle?.preStop?.sleep?.seconds, shutdown.preStopSeconds);
      assert.ok(pod.terminationGracePeriodSeconds > shutdown.preStopSeconds + shutdown.drainSeconds,
        `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} must exceed preStop ${shutdown.preStopSeconds} + drain ${shutdown.drainSeconds}`);
      assert.equal(deployment.spec.strategy.rollingUpdate.maxUnavailable, 0, 'a rollout never drops below the current capacity');
    });

    it('labels: name/component/part-of/version on everything; selectors are the stable subset and match the pods', () => {
      for (const o of objs) {
        const l = o.metadata.labels ?? {};
        for (const k of ['app.kubernetes.io/name', 'app.kubernetes.io/component', 'app.kubernetes.io/part-of', versionKey])
          assert.ok(l[k], `${o.kind}/${o.metadata.name} lacks label ${k}`);
      }
      assert.equal(templateLabels['app.kubernetes.io/name'], name);
      assert.equal(templateLabels['app.kubernetes.io/part-of'], 'marquee');
      assert.equal(templateLabels[versionKey], versionOf(facts.workspace));
      assert.ok(templateLabels['app.kubernetes.io/component']);

      const np = one(objs, 'NetworkPolicy', name);
      const selectors: [string, Labels][] = [
        ['Deployment spec.selector', deployment.spec.selector.matchLabels],
        ['Service spec.selector', svc.spec.selector],
        ['PodDisruptionBudget spec.selector', one(objs, 'PodDisruptionBudget').spec.selector.matchLabels],
        ['NetworkPolicy spec.podSelector', np.spec.podSelector.matchLabels],
        ...(pod.topologySpreadConstraints as any[]).map((t, i): [string, Labels] => [`topologySpreadConstraints[${i}]`, t.labelSelector.matchLabels]),
      ];
      assert.ok(pod.topologySpreadConstraints.length >= 1);
      assert.equal(deployment.spec.selector.matchExpressions, undefined);
      for (const [where, sel] of selectors) {
        assert.ok(sel && Object.keys(sel).length, `${where} is empty (would select every pod)`);
        assert.ok(!(versionKey in sel), `${where} contains ${versionKey}: a version bump would orphan the pods / break the immutable selector`);
        assert.ok(selects(sel, templateLabels), `${where} ${JSON.stringify(sel)} does not match the template labels`);
        // ...and only this service's pods.
        for (const other of serviceNames.filter((s) => s !== name)) {
          const otherLabels = one(objectsOf(other), 'Deployment', other).spec.template.metadata.labels;
          assert.ok(!selects(sel, otherLabels), `${where} of ${name} also selects ${other}'s pods`);
        }
      }
    });

    it('runs locked down: non-root, read-only root, no privilege escalation, no capabilities, RuntimeDefault seccomp, no API token', () => {
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.ok(pod.securityContext.runAsUser > 0, 'runAsUser is not root');
      assert.equal(pod.securityContext.seccompProfile?.type, 'RuntimeDefault');
      const sc = container.securityContext;
      assert.equal(sc.runAsNonRoot, true);
      assert.equal(sc.readOnlyRootFilesystem, true);
      assert.equal(sc.allowPrivilegeEscalation, false);
      assert.notEqual(sc.privileged, true);
      assert.deepEqual(sc.capabilities, { drop: ['ALL'] });
      assert.equal(sc.seccompProfile?.type, 'RuntimeDefault');

      const sa = one(objs, 'ServiceAccount');
      assert.equal(pod.serviceAccountName, sa.metadata.name);
      assert.equal(sa.automountServiceAccountToken, false, 'ServiceAccount');
      assert.equal(pod.automountServiceAccountToken, false, 'pod spec');
    });

    it('mounts only declared volumes, and has a writable emptyDir at /tmp', () => {
      const volumes = new Map((pod.volumes as any[]).map((v) => [v.name, v]));
      assert.equal(volumes.size, pod.volumes.length, 'volume names are unique');
      for (const m of container.volumeMounts as any[]) assert.ok(volumes.has(m.name), `volumeMount ${m.name} (${m.mountPath}) has no volume`);
      const tmp = (container.volumeMounts as any[]).find((m) => m.mountPath === '/tmp');
      assert.ok(tmp, 'a /tmp mount exists (the root filesystem is read-only)');
      assert.notEqual(tmp.readOnly, true);
      assert.ok(volumes.get(tmp.name).emptyDir, '/tmp is an emptyDir');
      assert.ok(volumes.get(tmp.name).emptyDir.sizeLimit, '/tmp has a sizeLimit (no node-disk exhaustion)');
    });

    it('HPA scales the Deployment on CPU and memory from the contract; no static replicas; PDB maxUnavailable 1', () => {
      const hpa = one(objs, 'HorizontalPodAutoscaler');
      assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: deployment.apiVersion, kind: 'Deployment', name: deployment.metadata.name });
      assert.equal(deployment.apiVersion, 'apps/v1');
      const target = (resource: string) => {
        const m = (hpa.spec.metrics as any[]).filter((x) => x.type === 'Resource' && x.resource.name === resource);
        assert.equal(m.length, 1, `one ${resource} metric`);
        assert.equal(m[0].resource.target.type, 'Utilization');
        return m[0].resource.target.averageUtilization;
      };
      assert.equal(target('cpu'), autoscaling.cpuUtilization);
      assert.equal(target('memory'), autoscaling.memoryUtilization);
      assert.equal(hpa.spec.metrics.length, 2);
      assert.equal(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds, autoscaling.scaleDownStabilizationSeconds);
      assert.ok(hpa.spec.minReplicas >= 1 && hpa.spec.minReplicas <= hpa.spec.maxReplicas);
      // Utilization targets are a percentage of requests: without them the HPA cannot compute anything.
      assert.ok(container.resources.requests.cpu && container.resources.requests.memory, 'requests are set');
      assert.ok(!('replicas' in deployment.spec), 'Deployment sets no static replicas (the HPA owns the count)');

      const pdb = one(objs, 'PodDisruptionBudget');
      assert.equal(pdb.spec.maxUnavailable, 1);
      assert.equal(pdb.spec.minAvailable, undefined);
    });

    it('NetworkPolicy: ingress only from its callers (and Prometheus), egress only to what it calls and its data services', () => {
      const np = one(objs, 'NetworkPolicy', name);
      assert.deepEqual([...np.spec.policyTypes].sort(), ['Egress', 'Ingress']);
      const ingress = np.spec.ingress as any[];
      for (const rule of ingress) {
        assert.ok(rule.from?.length, 'no ingress rule without `from` (that would admit every source)');
        for (const p of rule.ports) assert.equal(resolvePort(container, p.port, `${name} ingress`), facts.port);
      }
      const peers = ingress.flatMap((r) => r.from as any[]);
      // Pod peers (same namespace): exactly the callers from the contract.
      const podPeers = peers.filter((p) => p.podSelector && !p.namespaceSelector);
      assert.deepEqual(podPeers.map((p) => p.podSelector.matchLabels['app.kubernetes.io/name']).sort(), callersOf(name).sort());
      for (const p of podPeers) {
        const caller = p.podSelector.matchLabels['app.kubernetes.io/name'] as ServiceName;
        const callerLabels = one(objectsOf(caller), 'Deployment', caller).spec.template.metadata.labels;
        assert.ok(selects(p.podSelector.matchLabels, callerLabels), `peer for ${caller} matches ${caller}'s pods`);
      }
      // Namespace peers: Prometheus' namespace on every service; the ingress controller only on web.
      const nsPeers = peers.filter((p) => p.namespaceSelector).map((p) => p.namespaceSelector.matchLabels['kubernetes.io/metadata.name']).sort();
      const platformNamespaces = [...new Set(Object.values(clusters).map((c) => c.platformNamespace))];
      assert.deepEqual(platformNamespaces, ['monitoring'], 'Prometheus runs in one platform namespace name on every cluster');
      assert.deepEqual(nsPeers, name === 'web' ? ['ingress-nginx', 'monitoring'] : ['monitoring']);
      for (const p of peers.filter((x) => x.namespaceSelector)) assert.equal(p.podSelector, undefined);

      const egress = np.spec.egress as any[];
      const expected = new Map<string, number>((facts.calls as readonly ServiceName[]).map((c) => [c, services[c].port]));
      if (facts.database) expected.set(dataServices.postgres, postgres.port);
      if (facts.usesBroker) expected.set(dataServices.rabbitmq, broker.port);
      const actual = new Map<string, number>();
      for (const rule of egress) {
        assert.ok(rule.to?.length, 'no egress rule without `to` (that would allow every destination)');
        assert.equal(rule.to.length, 1);
        assert.equal(rule.ports.length, 1);
        assert.equal(rule.to[0].namespaceSelector, undefined, 'egress stays in the namespace');
        actual.set(rule.to[0].podSelector.matchLabels['app.kubernetes.io/name'], rule.ports[0].port);
      }
      assert.deepEqual([...actual].sort(), [...expected].sort());
    });

    it('ConfigMap: upstream URLs name existing services on their ports; no secrets', () => {
      const cm = one(objs, 'ConfigMap', `${name}-config`);
      // Environment-wide settings first, the service's own last (later envFrom sources win).
      assert.deepEqual(container.envFrom, [{ configMapRef: { name: sharedConfigName } }, { configMapRef: { name: cm.metadata.name } }]);
      const urlKeys = Object.keys(cm.data).filter((k) => k.endsWith('_URL'));
      const targets = urlKeys.map((k) => {
        const m = /^http:\/\/([a-z0-9-]+):(\d+)$/.exec(cm.data[k]);
        assert.ok(m, `${k}=${cm.data[k]} is http://<service>:<port>`);
        const target = m[1] as ServiceName;
        assert.ok(serviceNames.includes(target), `${k} names ${target}, which is not a service`);
        assert.equal(Number(m[2]), services[target].port, `${k} port`);
        assert.equal(one(objectsOf(target), 'Service', target).spec.ports[0].port, services[target].port);
        return target;
      });
      assert.deepEqual(targets.sort(), [...facts.calls].sort(), 'one URL per called service, none other');
      for (const [k, v] of Object.entries(cm.data as Record<string, string>)) {
        assert.doesNotMatch(k, /PASS|SECRET|TOKEN|CREDENTIAL|PRIVATE|USER/i, `ConfigMap key ${k} looks like a credential`);
        assert.doesNotMatch(v, /\/\/[^/\s]*:[^/\s]*@/, `ConfigMap ${k} embeds credentials in a URL`);
      }
      if (facts.database) {
        // One host in every environment: CloudNativePG's read-write Service, which dev's StatefulSet base names the same.
        assert.equal(cm.data[envVars.pgHost], 'postgres-rw');
        assert.equal(cm.data[envVars.pgPort], String(postgres.port));
        assert.equal(cm.data[envVars.pgDatabase], facts.database);
      } else {
        assert.equal(cm.data[envVars.pgHost], undefined);
      }
      // env entries win over envFrom silently: a key in both would hide a mistake.
      for (const e of container.env ?? []) assert.ok(!(e.name in cm.data), `${e.name} is both in env and in the ConfigMap`);
    });

    it('secrets only through secretKeyRef; $(VAR) references are defined earlier in env', () => {
      const env = (container.env ?? []) as any[];
      const known = new Set<string>(Object.values(secrets));
      for (const [i, e] of env.entries()) {
        if (e.valueFrom) {
          assert.ok(e.valueFrom.secretKeyRef, `${e.name} comes from a secretKeyRef`);
          assert.ok(known.has(e.valueFrom.secretKeyRef.name), `${e.name} reads Secret ${e.valueFrom.secretKeyRef.name}, not in the contract`);
          continue;
        }
        // A literal value may only be composed of earlier variables, never carry a secret itself.
        const refs = [...String(e.value).matchAll(/\$\(([A-Z0-9_]+)\)/g)].map((m) => m[1]!);
        assert.ok(refs.length, `${e.name} has a literal value; secrets must come from secretKeyRef`);
        for (const r of refs) {
          const at = env.findIndex((x) => x.name === r);
          assert.ok(at >= 0 && at < i, `${e.name} uses $(${r}), which must be defined earlier in env (Kubernetes expands only earlier entries); found at ${at}, used at ${i}`);
        }
      }
      const password = (n: string) => env.find((e) => e.name === n)?.valueFrom?.secretKeyRef;
      if (facts.database) {
        const secret = facts.database === 'inventory' ? secrets.inventoryDb : secrets.billingDb;
        assert.deepEqual(password(envVars.pgPassword), { name: secret, key: 'password' });
        assert.deepEqual(env.find((e) => e.name === envVars.pgUser)?.valueFrom?.secretKeyRef, { name: secret, key: 'username' });
      } else {
        assert.equal(password(envVars.pgPassword), undefined);
      }
      if (facts.usesBroker) {
        assert.deepEqual(password(envVars.amqpPassword), { name: secrets.billingAmqp, key: 'password' });
        const amqp = env.find((e) => e.name === envVars.amqpUrl);
        assert.ok(amqp, `${envVars.amqpUrl} is set`);
        assert.ok(amqp.value.includes(`$(${envVars.amqpPassword})`), 'the password is expanded, not written');
        assert.ok(env.findIndex((e) => e.name === envVars.amqpPassword) < env.indexOf(amqp), `${envVars.amqpPassword} precedes ${envVars.amqpUrl}`);
        assert.match(amqp.value, new RegExp(`@${dataServices.rabbitmq}:${broker.port}/${broker.vhost}$`));
      } else {
        assert.equal(env.find((e) => e.name === envVars.amqpUrl), undefined);
      }
    });

    it('every object validates; renders deterministically with the generator header; kustomization lists exactly the files', () => {
      const c = componentOf(name);
      for (const o of c.objects) assert.doesNotThrow(() => o.validate(), `${o.kind}/${o.metadata?.name}`);
      const render = () => {
        const out: FileMap = new Map();
        renderComponent(componentOf(name), out);
        return out;
      };
      const a = render();
      const b = render();
      assert.deepEqual([...a.keys()], [...b.keys()]);
      for (const [path, content] of a) assert.equal(content, b.get(path), `${path} renders identically twice`);
      // A fresh generator call too (new objects, same bytes).
      const fresh: FileMap = new Map();
      renderComponent(serviceComponent({ name, facts, version: versionOf(facts.workspace) }), fresh);
      assert.deepEqual([...fresh], [...a]);

      const header = headerFor(source);
      assert.match(header, /^# Generated by generators\/services\.ts /);
      for (const [path, content] of a) assert.ok(content.startsWith(header), `${path} starts with the generated header`);
      const kustomization = a.get(`base/${name}/kustomization.yaml`);
      assert.ok(kustomization);
      // resources: every object file; configMapGenerator: every other file (config.env, default.conf).
      const k = parse(kustomization) as { resources: string[]; configMapGenerator?: { envs?: string[]; files?: string[] }[] };
      const inputs = (k.configMapGenerator ?? []).flatMap((g) => [...(g.envs ?? []), ...(g.files ?? [])]);
      const written = [...a.keys()].filter((p) => !p.endsWith('/kustomization.yaml')).map((p) => p.slice(`base/${name}/`.length));
      assert.deepEqual([...k.resources, ...inputs].sort(), [...written].sort());
      assert.equal(k.resources.length, c.objects.length);
    });
  });
}

describe('the call graph, both ends', () => {
  const ingressPeers = (name: ServiceName) =>
    (one(objectsOf(name), 'NetworkPolicy', name).spec.ingress as any[]).flatMap((r) => r.from as any[]);
  const podPeerNames = (name: ServiceName) =>
    ingressPeers(name).filter((p) => p.podSelector).map((p) => p.podSelector.matchLabels['app.kubernetes.io/name']).sort();

  it('inventory is reachable from api-gateway and billing-worker only', () => {
    assert.deepEqual(podPeerNames('inventory'), ['api-gateway', 'billing-worker']);
  });
  it('billing-api from api-gateway, api-gateway from web, web from the ingress controller namespace', () => {
    assert.deepEqual(podPeerNames('billing-api'), ['api-gateway']);
    assert.deepEqual(podPeerNames('api-gateway'), ['web']);
    assert.deepEqual(podPeerNames('web'), []);
    assert.ok(ingressPeers('web').some((p) => p.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === 'ingress-nginx'));
  });
  it('billing-worker receives nothing but Prometheus scrapes', () => {
    assert.deepEqual(podPeerNames('billing-worker'), []);
  });
  it('the Prometheus namespace can scrape every service on its metrics port', () => {
    for (const name of serviceNames) {
      const rule = (one(objectsOf(name), 'NetworkPolicy', name).spec.ingress as any[]).find((r) =>
        r.from.some((p: any) => p.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === 'monitoring'),
      );
      assert.ok(rule, `${name}: no ingress from monitoring`);
      const container = one(objectsOf(name), 'Deployment', name).spec.template.spec.containers[0];
      assert.equal(resolvePort(container, rule.ports[0].port, name), services[name].port, `${probes.metrics} is served on the http port`);
    }
  });

  it('every egress to PostgreSQL/RabbitMQ selects the real data-tier pods, whose policies admit the caller back', () => {
    // The StatefulSet bases; the CloudNativePG bases (same object names) are checked below.
    const data = dataComponents()
      .filter((c) => !c.dir.startsWith('base/postgres-cnpg/'))
      .flatMap((c) => c.objects.map((o) => JSON.parse(JSON.stringify(o.toJSON())) as Obj));
    for (const [server, port, uses] of [
      [dataServices.postgres, postgres.port, (s: ServiceName) => services[s].database !== undefined],
      [dataServices.rabbitmq, broker.port, (s: ServiceName) => services[s].usesBroker],
    ] as const) {
      const sts = one(data, 'StatefulSet', server);
      const podLabels = sts.spec.template.metadata.labels as Labels;
      const ports = (sts.spec.template.spec.containers as any[]).flatMap((c) => c.ports ?? []).map((p: any) => p.containerPort);
      assert.ok(ports.includes(port), `${server} pods listen on ${port}`);
      const serverPolicy = one(data, 'NetworkPolicy', server);
      for (const s of serviceNames.filter(uses)) {
        const egress = (one(objectsOf(s), 'NetworkPolicy', s).spec.egress as any[]).find((r) => r.ports[0].port === port);
        assert.ok(egress, `${s} has egress on ${port}`);
        assert.ok(selects(egress.to[0].podSelector.matchLabels, podLabels), `${s}'s egress peer selects the ${server} pods`);
        const sLabels = one(objectsOf(s), 'Deployment', s).spec.template.metadata.labels;
        const admitted = (serverPolicy.spec.ingress as any[]).some(
          (r) => r.ports.some((p: any) => p.port === port) && r.from.some((p: any) => p.podSelector && selects(p.podSelector.matchLabels, sLabels)),
        );
        assert.ok(admitted, `NetworkPolicy/${server} admits ${s} on ${port}`);
      }
    }
  });

  it('the CloudNativePG instances carry the labels the services\' egress selects, and their policy admits them back', () => {
    const cnpg = dataComponents().filter((c) => /^base\/postgres-cnpg\/[a-z]+$/.test(c.dir));
    assert.ok(cnpg.length > 0);
    for (const c of cnpg) {
      const objs = c.objects.map((o) => JSON.parse(JSON.stringify(o.toJSON())) as Obj);
      const cluster = one(objs, 'Cluster', dataServices.postgres);
      // CloudNativePG labels its pods cnpg.io/cluster=<name> and adds inheritedMetadata.labels.
      const podLabels: Labels = { ...(cluster.spec.inheritedMetadata.labels as Labels), 'cnpg.io/cluster': cluster.metadata.name };
      const policy = one(objs, 'NetworkPolicy', dataServices.postgres);
      assert.deepEqual(policy.spec.podSelector.matchLabels, { 'cnpg.io/cluster': cluster.metadata.name });
      for (const s of serviceNames.filter((x) => services[x].database !== undefined)) {
        const egress = (one(objectsOf(s), 'NetworkPolicy', s).spec.egress as any[]).find((r) => r.ports[0].port === postgres.port);
        assert.ok(selects(egress.to[0].podSelector.matchLabels, podLabels), `${c.dir}: ${s}'s egress peer selects the instances`);
        const sLabels = one(objectsOf(s), 'Deployment', s).spec.template.metadata.labels;
        const admitted = (policy.spec.ingress as any[]).some(
          (r) => r.ports.some((p: any) => p.port === postgres.port) && r.from.some((p: any) => p.podSelector && selects(p.podSelector.matchLabels, sLabels)),
        );
        assert.ok(admitted, `${c.dir}: NetworkPolicy/postgres admits ${s} on ${postgres.port}`);
      }
    }
  });
});

describe('base/web: Ingress and nginx', () => {
  const objs = objectsOf('web');
  const deployment = one(objs, 'Deployment', 'web');
  const container = deployment.spec.template.spec.containers[0];
  const svc = one(objs, 'Service', 'web');

  it('Ingress class nginx; every backend is the web Service on a named port it has', () => {
    const ing = one(objs, 'Ingress', 'web');
    assert.equal(ing.spec.ingressClassName, 'nginx');
    const backends = (ing.spec.rules as any[]).flatMap((r) => r.http.paths.map((p: any) => p.backend));
    assert.ok(backends.length >= 1);
    for (const b of backends) {
      assert.equal(b.service.name, svc.metadata.name);
      assert.ok(b.service.port.name, 'backend uses the port name');
      assert.ok((svc.spec.ports as any[]).some((p) => p.name === b.service.port.name), `Service web has port ${b.service.port.name}`);
    }
    assert.ok((ing.spec.rules as any[]).some((r) => r.http.paths.some((p: any) => p.path === '/' && p.pathType === 'Prefix')), 'the storefront is served at /');
  });

  it('the nginx ConfigMap is mounted read-only where nginx-unprivileged includes conf.d/*.conf', () => {
    const cm = one(objs, 'ConfigMap', 'web-nginx');
    assert.deepEqual(Object.keys(cm.data), ['default.conf']);
    // The committed file is the config behind the generated-file header (a comment nginx ignores).
    assert.ok((cm.data['default.conf'] as string).endsWith(nginxConfig()));
    assert.match(cm.data['default.conf'] as string, /^# Generated by generators\/services\.ts/);
    const volume = (deployment.spec.template.spec.volumes as any[]).find((v) => v.configMap?.name === 'web-nginx');
    assert.ok(volume, 'a volume projects ConfigMap web-nginx');
    const mount = (container.volumeMounts as any[]).find((m) => m.name === volume.name);
    assert.equal(mount?.mountPath, '/etc/nginx/conf.d');
    assert.equal(mount.readOnly, true);
    assert.equal(mount.subPath, undefined, 'no subPath: ConfigMap updates reach the pod');
  });

  it('nginx listens on the contract port, answers both probe paths and proxies to the gateway Service', () => {
    const conf = one(objs, 'ConfigMap', 'web-nginx').data['default.conf'] as string;
    assert.match(conf, new RegExp(`^\\s+listen ${services.web.port} default_server;$`, 'm'));
    assert.match(conf, new RegExp(`^\\s+location = ${probes.liveness} \\{`, 'm'));
    assert.match(conf, new RegExp(`^\\s+location = ${probes.readiness} \\{`, 'm'));
    assert.match(conf, new RegExp(`^\\s+server api-gateway:${services['api-gateway'].port}\\b`, 'm'));
    assert.ok((services.web.calls as readonly string[]).includes('api-gateway'));
  });

  it('runs as nginx-unprivileged uid 101; other services as 1000', () => {
    assert.equal(deployment.spec.template.spec.securityContext.runAsUser, 101);
    for (const s of serviceNames.filter((x) => x !== 'web'))
      assert.equal(one(objectsOf(s), 'Deployment', s).spec.template.spec.securityContext.runAsUser, 1000);
  });

  it('only web has an Ingress', () => {
    for (const s of serviceNames) assert.equal(objectsOf(s).filter((o) => o.kind === 'Ingress').length, s === 'web' ? 1 : 0);
  });
});

describe('serviceComponents()', () => {
  it('emits one base per contract service, named by the generator', () => {
    // Plus base/service-config, the environment-wide settings every service reads.
    assert.deepEqual(components.map((c) => c.dir).sort(), [...serviceNames.map((s) => `base/${s}`), 'base/service-config'].sort());
    for (const c of components) assert.equal(c.source, source);
  });
});
