// base/rabbitmq: a RabbitMQ 4.0 cluster (StatefulSet, Kubernetes peer discovery),
// definitions generated from the contract's brokerTopology and loaded at boot, users'
// passwords filled in-cluster by an ExternalSecret template, Prometheus plugin on 15692.
import { StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import { isolatePods } from './lib/network-policy.ts';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { broker, brokerTopology, dataServices, secrets, services, type BrokerTopology, type ServiceName } from '@marquee/contract';
import { resourceProfiles } from './environments.ts';
import { credentialsSecret, externalSecretFor } from './external-secrets.ts';
import type { Component, KubeObject } from './lib/component.ts';
import { labelsFor, selectorFor } from './lib/labels.ts';
import { containerSecurity, podSecurity, resourcesFor, spreadFor } from './lib/pod.ts';
import { clientService, headlessService, servicePort } from './lib/service.ts';
import { syncWave } from './lib/argocd-waves.ts';
import { assertPinnedImage, assertQuantity, bytesOf } from './lib/validate-props.ts';
import { peers } from './services.ts';

const source = 'generators/rabbitmq.ts';

export { rabbitmqNames } from './data-names.ts';
import { rabbitmqNames } from './data-names.ts';

export const rabbitmqPorts = {
  amqp: broker.port,
  management: broker.managementPort,
  prometheus: broker.prometheusPort,
  epmd: 4369,
  distribution: 25672,
} as const;

/** ESO template variables in the definitions template (filled from the SecretStore). */
export const templateVars = {
  adminUsername: 'admin_username',
  adminPassword: 'admin_password',
  appUsername: 'app_username',
  appPassword: 'app_password',
} as const;

export interface RabbitmqProps {
  /**
   * Exact tag, 4.0.x: quorum queue membership reconciliation (so a queue declared while the
   * cluster formed grows to 3 members) and Kubernetes peer discovery through the Endpoints API
   * (4.1 replaced it). 3.13 left community support in 2025.
   */
  readonly image: string;
  /**
   * Nodes. Must be odd: quorum queues and the cluster need a majority, and an even count
   * tolerates no more failures than the odd count below it. Overlays patch it (1 in dev).
   * @default 3
   */
  readonly replicas: number;
  /** Volume size of the base; overlays patch it. */
  readonly storage: string;
  /** Container memory limit; the node's memory watermark is computed from it (overlays patch both). */
  readonly memoryLimit: string;
  /** The topology the billing services assert (contract). */
  readonly topology: BrokerTopology;
  /** Services that connect over AMQP as the application user. */
  readonly clients: readonly ServiceName[];
  /** Dead letters kept before the dead-letter queue refuses more (the source queue then holds them). @default 100000 */
  readonly deadLetterMaxLength: number;
}

export function defaultRabbitmqProps(): RabbitmqProps {
  return {
    image: 'rabbitmq:4.0.5-management',
    replicas: 3,
    storage: '2Gi',
    memoryLimit: '1Gi',
    topology: brokerTopology,
    clients: (Object.keys(services) as ServiceName[]).filter((s) => services[s].usesBroker),
    deadLetterMaxLength: 100_000,
  };
}

/** Throws, naming the field, on input that cannot form a safe cluster or a loadable definitions file. */
export function validateRabbitmqProps(p: RabbitmqProps): void {
  assertPinnedImage(source, 'rabbitmq.image', p.image);
  const [major, minor] = (/:(\d+)\.(\d+)/.exec(p.image) ?? []).slice(1).map(Number);
  if (major !== 4 || minor !== 0)
    throw new Error(`${source}: rabbitmq.image "${p.image}" is not 4.0.x: rabbitmq.conf uses 4.0's quorum membership reconciliation and Endpoints-based peer discovery (4.1 changed it; review the config before moving)`);
  if (!Number.isInteger(p.replicas) || p.replicas < 1 || p.replicas % 2 === 0)
    throw new Error(`${source}: rabbitmq.replicas is ${p.replicas}; use an odd number (1, 3, 5): a quorum needs a strict majority`);
  assertQuantity(source, 'rabbitmq.storage', p.storage);
  bytesOf(source, 'rabbitmq.memoryLimit', p.memoryLimit);
  if (!Number.isInteger(p.deadLetterMaxLength) || p.deadLetterMaxLength < 1)
    throw new Error(`${source}: rabbitmq.deadLetterMaxLength is ${p.deadLetterMaxLength}; use a positive integer`);
  validateTopology(p.topology);
  for (const c of p.clients)
    if (!services[c]?.usesBroker) throw new Error(`${source}: rabbitmq.clients lists ${c}, which the contract says does not use the broker`);
}

function validateTopology(t: BrokerTopology): void {
  const f = 'rabbitmq.topology';
  if (!t.vhost) throw new Error(`${source}: ${f}.vhost is empty`);
  const dup = (kind: string, names: string[]) => {
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n)) throw new Error(`${source}: ${f}.${kind} declares "${n}" twice`);
      seen.add(n);
    }
    return seen;
  };
  const exchanges = dup('exchanges', t.exchanges.map((e) => e.name));
  const queues = dup('queues', t.queues.map((q) => q.name));
  t.bindings.forEach((b, i) => {
    if (!exchanges.has(b.source)) throw new Error(`${source}: ${f}.bindings[${i}].source "${b.source}" is not a declared exchange`);
    const targets = b.destination_type === 'queue' ? queues : exchanges;
    if (!targets.has(b.destination))
      throw new Error(`${source}: ${f}.bindings[${i}].destination "${b.destination}" is not a declared ${b.destination_type}`);
  });
  t.queues.forEach((q, i) => {
    const dlx = q.arguments['x-dead-letter-exchange'];
    if (dlx !== undefined && !exchanges.has(String(dlx)))
      throw new Error(`${source}: ${f}.queues[${i}].arguments.x-dead-letter-exchange "${dlx}" is not a declared exchange`);
    if (q.arguments['x-queue-type'] === 'quorum' && !q.durable)
      throw new Error(`${source}: ${f}.queues[${i}] is a quorum queue and must be durable`);
    // RabbitMQ 4.0 gives quorum queues a delivery limit of 20 where 3.10 has none: set it, so
    // both behave the same. -1 means unlimited on 4.0 but drops on the first requeue on 3.10.
    const limit = q.arguments['x-delivery-limit'];
    if (q.arguments['x-queue-type'] === 'quorum' && !(Number.isInteger(limit) && (limit as number) > 0))
      throw new Error(
        `${source}: ${f}.queues[${i}] (${q.name}) is a quorum queue: set arguments.x-delivery-limit to a positive integer (got ${JSON.stringify(limit)}); RabbitMQ 4.0 defaults it to 20, 3.10 to none`,
      );
  });
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The definitions file as an ESO template: plain JSON from the topology, with the users'
 * names and passwords left as `{{ .var | toJson }}` (Go template, sprig's toJson quotes
 * and escapes). RabbitMQ accepts a plaintext `password` on import and stores its salted
 * hash; the rendered file only ever exists in the in-cluster Secret.
 */
export function definitionsTemplate(p: RabbitmqProps): string {
  const t = p.topology;
  const names = [...t.exchanges.map((e) => e.name), ...t.queues.map((q) => q.name)];
  // The application may declare (assert) exactly the topology's objects and use them; nothing else.
  const own = `^(${names.map(escapeRegex).join('|')})$`;
  const placeholder = (v: string) => `@@${v}@@`;
  const deadLetterQueues = t.queues.filter((q) => t.bindings.some((b) => b.destination === q.name && t.queues.some((src) => src.arguments['x-dead-letter-exchange'] === b.source)));
  const definitions = {
    users: [
      { name: placeholder(templateVars.adminUsername), password: placeholder(templateVars.adminPassword), tags: ['administrator'], limits: {} },
      { name: placeholder(templateVars.appUsername), password: placeholder(templateVars.appPassword), tags: [], limits: {} },
    ],
    vhosts: [{ name: t.vhost }],
    permissions: [
      { user: placeholder(templateVars.adminUsername), vhost: t.vhost, configure: '.*', write: '.*', read: '.*' },
      { user: placeholder(templateVars.appUsername), vhost: t.vhost, configure: own, write: own, read: own },
    ],
    policies: deadLetterQueues.map((q) => ({
      vhost: t.vhost,
      name: `${q.name}-bounded`,
      pattern: `^${escapeRegex(q.name)}$`,
      'apply-to': 'queues',
      priority: 10,
      // reject-publish, not drop-head: with at-least-once dead-lettering the source queue keeps
      // a refused dead letter, so nothing is lost while the alert on the dead-letter queue fires.
      definition: { 'max-length': p.deadLetterMaxLength, overflow: 'reject-publish' },
    })),
    exchanges: t.exchanges.map((e) => ({ ...e, vhost: t.vhost })),
    queues: t.queues.map((q) => ({ ...q, vhost: t.vhost })),
    bindings: t.bindings.map((b) => ({ ...b, vhost: t.vhost })),
  };
  const json = JSON.stringify(definitions, null, 2);
  if (json.includes('{{')) throw new Error(`${source}: rabbitmq.topology contains "{{", which the ESO template engine would evaluate`);
  return json.replace(/"@@(\w+)@@"/g, (_, v: string) => `{{ .${v} | toJson }}`) + '\n';
}

/**
 * rabbitmq.conf. The memory watermark is absolute (from the container limit) because the
 * node would otherwise size itself from the host's RAM; overlays patch `memory.conf`.
 */
export function rabbitmqConf(): string {
  return [
    '# Generated by generators/rabbitmq.ts (npm run generate). Do not edit: change the generator and regenerate.',
    'listeners.tcp.default = 5672',
    'management.tcp.port = 15672',
    'prometheus.tcp.port = 15692',
    '# No guest user: a node that imports definitions at boot creates no default user or vhost.',
    'log.console = true',
    'log.console.level = info',
    'log.file = false',
    '',
    '# Cluster formation: list the headless Service endpoints through the Kubernetes API.',
    'cluster_formation.peer_discovery_backend = rabbit_peer_discovery_k8s',
    'cluster_formation.k8s.host = kubernetes.default.svc',
    'cluster_formation.k8s.address_type = hostname',
    `cluster_formation.k8s.service_name = ${rabbitmqNames.headless}`,
    'cluster_formation.node_cleanup.only_log_warning = true',
    '# A minority side pauses instead of diverging: no split brain for orders.',
    'cluster_partition_handling = pause_minority',
    '',
    '# Quorum queues grow back to 3 members when nodes join or are replaced.',
    'quorum_queue.continuous_membership_reconciliation.enabled = true',
    'quorum_queue.continuous_membership_reconciliation.target_group_size = 3',
    '',
    '# Definitions (vhost, users, exchanges, queues, bindings, policies) from the mounted Secret.',
    'definitions.import_backend = local_filesystem',
    'definitions.local.path = /etc/rabbitmq/definitions.json',
    'definitions.skip_if_unchanged = true',
    '',
    'disk_free_limit.absolute = 1GB',
    '',
  ].join('\n');
}

/** 80% of the memory limit: the watermark (default relative 0.4 of it) then leaves the runtime headroom. */
export const memoryConf = (limit: string): string =>
  `total_memory_available_override_value = ${Math.floor(bytesOf(source, 'rabbitmq.memoryLimit', limit) * 0.8)}\n`;

export const enabledPlugins = '[rabbitmq_management,rabbitmq_peer_discovery_k8s,rabbitmq_prometheus].\n';

export function rabbitmqObjects(p: RabbitmqProps = defaultRabbitmqProps()): KubeObject[] {
  validateRabbitmqProps(p);
  const version = /:(\d+\.\d+\.\d+)/.exec(p.image)![1]!;
  const labels = labelsFor({ name: rabbitmqNames.server, component: 'broker', version });
  const selector = selectorFor(rabbitmqNames.server);
  const uid = 999;
  const diagnostics = (check: string) => ({ exec: { command: ['rabbitmq-diagnostics', '--silent', check] } });

  const statefulSet = new StatefulSet({
    metadata: { name: rabbitmqNames.server, labels, annotations: syncWave('data') },
    spec: {
      serviceName: rabbitmqNames.headless,
      replicas: p.replicas,
      // Parallel: after a full stop every node must start to find the last one to shut down
      // (it holds the newest state); OrderedReady would wait forever on node 0.
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate' },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: rabbitmqNames.server,
          // Needed: peer discovery lists the headless Service's endpoints through the API.
          automountServiceAccountToken: true,
          securityContext: { ...podSecurity(uid), fsGroupChangePolicy: 'OnRootMismatch' },
          // Quorum queue leaders hand over and the node syncs to disk before it stops.
          terminationGracePeriodSeconds: 600,
          topologySpreadConstraints: spreadFor(selector),
          initContainers: [
            {
              // Erlang refuses a cookie readable by others; Secret files are root-owned, so copy it.
              name: 'erlang-cookie',
              image: p.image,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', 'install -m 0600 /run/erlang-cookie/cookie /var/lib/rabbitmq/.erlang.cookie'],
              resources: resourcesFor(resourceProfiles.small),
              securityContext: { ...containerSecurity(), runAsUser: uid, runAsGroup: uid },
              volumeMounts: [
                { name: 'data', mountPath: '/var/lib/rabbitmq' },
                { name: 'erlang-cookie', mountPath: '/run/erlang-cookie', readOnly: true },
              ],
            },
          ],
          containers: [
            {
              name: 'rabbitmq',
              image: p.image,
              imagePullPolicy: 'IfNotPresent',
              ports: [
                { name: 'amqp', containerPort: rabbitmqPorts.amqp, protocol: 'TCP' },
                { name: 'management', containerPort: rabbitmqPorts.management, protocol: 'TCP' },
                { name: 'prometheus', containerPort: rabbitmqPorts.prometheus, protocol: 'TCP' },
                { name: 'epmd', containerPort: rabbitmqPorts.epmd, protocol: 'TCP' },
                { name: 'cluster-links', containerPort: rabbitmqPorts.distribution, protocol: 'TCP' },
              ],
              env: [
                { name: 'MY_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'MY_POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'K8S_SERVICE_NAME', value: rabbitmqNames.headless },
                { name: 'RABBITMQ_USE_LONGNAME', value: 'true' },
                // <pod>.<headless service>.<namespace>: resolved through the pod's DNS search path.
                { name: 'RABBITMQ_NODENAME', value: 'rabbit@$(MY_POD_NAME).$(K8S_SERVICE_NAME).$(MY_POD_NAMESPACE)' },
                { name: 'K8S_HOSTNAME_SUFFIX', value: '.$(K8S_SERVICE_NAME).$(MY_POD_NAMESPACE)' },
              ],
              resources: {
                requests: { cpu: '250m', memory: p.memoryLimit },
                limits: { cpu: '1', memory: p.memoryLimit },
              },
              securityContext: { ...containerSecurity(), runAsUser: uid, runAsGroup: uid },
              // CLI probes start an Erlang VM (1–3 s): generous timeouts, unhurried periods.
              startupProbe: { ...diagnostics('ping'), periodSeconds: 10, timeoutSeconds: 20, failureThreshold: 60 },
              livenessProbe: { ...diagnostics('ping'), periodSeconds: 30, timeoutSeconds: 20, failureThreshold: 4 },
              readinessProbe: { ...diagnostics('check_port_connectivity'), periodSeconds: 15, timeoutSeconds: 20, failureThreshold: 3 },
              lifecycle: {
                // Let clients and quorum leaders move away before SIGTERM stops the node.
                preStop: { exec: { command: ['sh', '-c', 'rabbitmq-upgrade --timeout 540 drain || true'] } },
              },
              volumeMounts: [
                { name: 'data', mountPath: '/var/lib/rabbitmq' },
                { name: 'config', mountPath: '/etc/rabbitmq', readOnly: true },
                { name: 'tmp', mountPath: '/tmp' },
                { name: 'log', mountPath: '/var/log/rabbitmq' },
              ],
            },
          ],
          volumes: [
            {
              // One directory: rabbitmq.conf, conf.d/ and enabled_plugins from the ConfigMap,
              // definitions.json from the ESO-rendered Secret.
              name: 'config',
              projected: {
                sources: [
                  {
                    configMap: {
                      name: rabbitmqNames.config,
                      items: [
                        { key: 'rabbitmq.conf', path: 'rabbitmq.conf' },
                        { key: 'memory.conf', path: 'conf.d/10-memory.conf' },
                        { key: 'enabled_plugins', path: 'enabled_plugins' },
                      ],
                    },
                  },
                  { secret: { name: rabbitmqNames.definitions, items: [{ key: 'definitions.json', path: 'definitions.json' }] } },
                ],
              },
            },
            { name: 'erlang-cookie', secret: { secretName: rabbitmqNames.erlangCookie, defaultMode: 0o400 } },
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
            { name: 'log', emptyDir: { sizeLimit: '64Mi' } },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data', labels: selector },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: p.storage } } },
        },
      ],
    },
  });

  const clientPeers = p.clients.map((c) => ({ podSelector: { matchLabels: selectorFor(c) } }));
  const self = { podSelector: { matchLabels: selector } };
  return [
    new ServiceAccount({ metadata: { name: rabbitmqNames.server, labels }, automountServiceAccountToken: false }),
    new Role({
      metadata: { name: `${rabbitmqNames.server}-peer-discovery`, labels },
      rules: [
        { apiGroups: [''], resources: ['endpoints'], resourceNames: [rabbitmqNames.headless], verbs: ['get'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create'] },
      ],
    }),
    new RoleBinding({
      metadata: { name: `${rabbitmqNames.server}-peer-discovery`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: Role.kind, name: `${rabbitmqNames.server}-peer-discovery` },
      subjects: [{ kind: 'ServiceAccount', name: rabbitmqNames.server }],
    }),
    credentialsSecret(secrets.rabbitmqAdmin, labels),
    credentialsSecret(secrets.billingAmqp, labelsFor({ name: secrets.billingAmqp, component: 'broker' })),
    externalSecretFor({
      name: rabbitmqNames.erlangCookie,
      labels,
      data: { cookie: { remoteKey: rabbitmqNames.erlangCookie, property: 'cookie' } },
    }),
    externalSecretFor({
      name: rabbitmqNames.definitions,
      labels,
      data: {
        [templateVars.adminUsername]: { remoteKey: secrets.rabbitmqAdmin, property: 'username' },
        [templateVars.adminPassword]: { remoteKey: secrets.rabbitmqAdmin, property: 'password' },
        [templateVars.appUsername]: { remoteKey: secrets.billingAmqp, property: 'username' },
        [templateVars.appPassword]: { remoteKey: secrets.billingAmqp, property: 'password' },
      },
      templateFrom: { configMap: rabbitmqNames.definitionsTemplate, keys: ['definitions.json'] },
    }),
    new ConfigMap({
      metadata: { name: rabbitmqNames.definitionsTemplate, labels, annotations: syncWave('secrets') },
      data: { 'definitions.json': definitionsTemplate(p) },
    }),
    new ConfigMap({
      metadata: { name: rabbitmqNames.config, labels, annotations: syncWave('secrets') },
      data: { 'rabbitmq.conf': rabbitmqConf(), 'memory.conf': memoryConf(p.memoryLimit), enabled_plugins: enabledPlugins },
    }),
    statefulSet,
    // Nodes must find each other before they are ready (that is how they become ready).
    headlessService({ name: rabbitmqNames.headless, labels, annotations: syncWave('data') }, selector, [
      servicePort('epmd', rabbitmqPorts.epmd),
      servicePort('cluster-links', rabbitmqPorts.distribution),
      servicePort('amqp', rabbitmqPorts.amqp),
      servicePort('prometheus', rabbitmqPorts.prometheus),
    ], { publishNotReadyAddresses: true }),
    clientService({ name: rabbitmqNames.server, labels, annotations: syncWave('data') }, selector, [
      servicePort('amqp', rabbitmqPorts.amqp),
      servicePort('management', rabbitmqPorts.management),
    ]),
    new PodDisruptionBudget({
      // One node at a time: 3 nodes keep 2 (a quorum) through a drain. With 1 node (dev) a drain proceeds.
      metadata: { name: rabbitmqNames.server, labels, annotations: syncWave('data') },
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    }),
    isolatePods({ name: rabbitmqNames.server, labels, annotations: syncWave('secrets') }, selector, {
      ingress: [
        { from: clientPeers, ports: [{ protocol: 'TCP', port: rabbitmqPorts.amqp }] },
        { from: [peers.monitoring], ports: [{ protocol: 'TCP', port: rabbitmqPorts.prometheus }] },
        {
          from: [self],
          ports: [
            { protocol: 'TCP', port: rabbitmqPorts.epmd },
            { protocol: 'TCP', port: rabbitmqPorts.distribution },
            // CLI tools (probes, drain) on a peer reach the node's distribution port range.
            { protocol: 'TCP', port: 35672, endPort: 35682 },
          ],
        },
      ],
      egress: [
        {
          to: [self],
          ports: [
            { protocol: 'TCP', port: rabbitmqPorts.epmd },
            { protocol: 'TCP', port: rabbitmqPorts.distribution },
            { protocol: 'TCP', port: 35672, endPort: 35682 },
          ],
        },
        // Peer discovery calls the Kubernetes API, whose address the base cannot know.
        { ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 6443 }] },
      ],
    }),
  ];
}

export function rabbitmqComponent(p: RabbitmqProps = defaultRabbitmqProps()): Component {
  return { dir: 'base/rabbitmq', source, objects: rabbitmqObjects(p) };
}
