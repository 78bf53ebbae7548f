// generators/rabbitmq.ts: targeted assertions on the objects and the config files, and bad
// input that must fail generation naming the field. The definitions are imported for real in
// test/data/definitions.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { broker, brokerTopology, secrets, services } from '@marquee/contract';
import {
  defaultRabbitmqProps,
  definitionsTemplate,
  memoryConf,
  rabbitmqConf,
  rabbitmqNames,
  rabbitmqObjects,
  templateVars,
  type RabbitmqProps,
} from '../../generators/rabbitmq.ts';
import { selectorFor } from '../../generators/lib/labels.ts';
import { peers } from '../../generators/services.ts';
import { asJson, findObject } from './objects.ts';

const objects = (p?: RabbitmqProps) => asJson(rabbitmqObjects(p));
const find = (kind: string, name: string) => findObject(objects(), kind, name);

describe('rabbitmq base', () => {
  const sts = find('StatefulSet', 'rabbitmq');
  const pod = sts.spec.template.spec;
  const node = pod.containers[0];

  it('runs a pinned RabbitMQ 4.0 image, three nodes by default, started in parallel', () => {
    assert.match(node.image, /^rabbitmq:4\.0\.\d+-management$/);
    assert.equal(sts.spec.replicas, 3);
    assert.equal(sts.spec.podManagementPolicy, 'Parallel');
    assert.equal(sts.spec.serviceName, rabbitmqNames.headless);
  });

  it('forms the cluster through the headless Service with long node names', () => {
    const env = Object.fromEntries(node.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    assert.equal(env['K8S_SERVICE_NAME'], rabbitmqNames.headless);
    assert.equal(env['RABBITMQ_NODENAME'], 'rabbit@$(MY_POD_NAME).$(K8S_SERVICE_NAME).$(MY_POD_NAMESPACE)');
    assert.equal(env['RABBITMQ_USE_LONGNAME'], 'true');
    const headless = find('Service', rabbitmqNames.headless);
    assert.equal(headless.spec.clusterIP, 'None');
    assert.equal(headless.spec.publishNotReadyAddresses, true);
    assert.match(rabbitmqConf(), /^cluster_formation\.peer_discovery_backend = rabbit_peer_discovery_k8s$/m);
    assert.match(rabbitmqConf(), new RegExp(`^cluster_formation\\.k8s\\.service_name = ${rabbitmqNames.headless}$`, 'm'));
    assert.match(rabbitmqConf(), /^cluster_partition_handling = pause_minority$/m);
  });

  it('grants peer discovery read access to its own Endpoints only, and mounts the token it needs', () => {
    const role = find('Role', 'rabbitmq-peer-discovery');
    assert.deepEqual(role.rules[0], { apiGroups: [''], resources: ['endpoints'], resourceNames: [rabbitmqNames.headless], verbs: ['get'] });
    const binding = find('RoleBinding', 'rabbitmq-peer-discovery');
    assert.equal(binding.subjects[0].name, pod.serviceAccountName);
    assert.equal(pod.automountServiceAccountToken, true);
  });

  it('probes with rabbitmq-diagnostics', () => {
    assert.deepEqual(node.livenessProbe.exec.command, ['rabbitmq-diagnostics', '--silent', 'ping']);
    assert.deepEqual(node.readinessProbe.exec.command, ['rabbitmq-diagnostics', '--silent', 'check_port_connectivity']);
    assert.ok(node.startupProbe.periodSeconds * node.startupProbe.failureThreshold >= 300);
  });

  it('enables the Prometheus plugin on the contract port, which the pod declares', () => {
    assert.match(rabbitmqConf(), new RegExp(`^prometheus\\.tcp\\.port = ${broker.prometheusPort}$`, 'm'));
    assert.ok(node.ports.some((p: any) => p.containerPort === broker.prometheusPort));
    const plugins = find('ConfigMap', rabbitmqNames.config).data.enabled_plugins;
    assert.match(plugins, /rabbitmq_prometheus/);
    assert.match(plugins, /rabbitmq_peer_discovery_k8s/);
  });

  it('loads definitions at boot from the ESO-rendered Secret, skipping unchanged files', () => {
    const conf = rabbitmqConf();
    assert.match(conf, /^definitions\.local\.path = \/etc\/rabbitmq\/definitions\.json$/m);
    assert.match(conf, /^definitions\.skip_if_unchanged = true$/m);
    const config = pod.volumes.find((v: any) => v.name === 'config');
    const secret = config.projected.sources.find((s: any) => s.secret);
    assert.equal(secret.secret.name, rabbitmqNames.definitions);
    const es = find('ExternalSecret', rabbitmqNames.definitions);
    assert.equal(es.spec.target.template.templateFrom[0].configMap.name, rabbitmqNames.definitionsTemplate);
    const keys = es.spec.data.map((d: any) => `${d.secretKey}<-${d.remoteRef.key}/${d.remoteRef.property}`).sort();
    assert.deepEqual(keys, [
      `${templateVars.adminPassword}<-${secrets.rabbitmqAdmin}/password`,
      `${templateVars.adminUsername}<-${secrets.rabbitmqAdmin}/username`,
      `${templateVars.appPassword}<-${secrets.billingAmqp}/password`,
      `${templateVars.appUsername}<-${secrets.billingAmqp}/username`,
    ]);
  });

  it('puts no password in the definitions template, only placeholders', () => {
    const t = definitionsTemplate(defaultRabbitmqProps());
    assert.doesNotMatch(t, /"password"\s*:\s*"/);
    assert.equal(t.match(/\{\{ \.\w+ \| toJson \}\}/g)?.length, 6, '2 names, 2 passwords, 2 permission users');
  });

  it('generates the contract topology in the definitions (one source of truth with billing)', () => {
    const parsed = JSON.parse(definitionsTemplate(defaultRabbitmqProps()).replace(/\{\{ \.(\w+) \| toJson \}\}/g, '"$1"'));
    assert.deepEqual(parsed.queues.map(({ vhost: _v, ...q }: any) => q), brokerTopology.queues);
    assert.deepEqual(parsed.bindings.map(({ vhost: _v, ...b }: any) => b), brokerTopology.bindings);
    assert.ok(parsed.queues.every((q: any) => q.vhost === broker.vhost));
  });

  it('sizes the memory watermark from the container limit', () => {
    assert.equal(memoryConf('1Gi'), `total_memory_available_override_value = ${Math.floor(2 ** 30 * 0.8)}\n`);
    assert.equal(node.resources.limits.memory, defaultRabbitmqProps().memoryLimit);
  });

  it('admits AMQP from the broker users, metrics from monitoring, clustering only between its own pods', () => {
    const np = find('NetworkPolicy', 'rabbitmq');
    const users = (Object.keys(services) as (keyof typeof services)[]).filter((s) => services[s].usesBroker);
    assert.deepEqual(np.spec.ingress[0].from.map((p: any) => p.podSelector.matchLabels['app.kubernetes.io/name']).sort(), [...users].sort());
    assert.deepEqual(np.spec.ingress[0].ports, [{ protocol: 'TCP', port: broker.port }]);
    assert.deepEqual(np.spec.ingress[1], { from: [peers.monitoring], ports: [{ protocol: 'TCP', port: broker.prometheusPort }] });
    assert.deepEqual(np.spec.ingress[2].from, [{ podSelector: { matchLabels: selectorFor('rabbitmq') } }]);
    assert.ok(!np.spec.ingress.some((r: any) => r.ports?.some((p: any) => p.port === broker.managementPort)), 'management UI: port-forward only');
  });

  it('keeps a quorum through voluntary disruptions', () => {
    assert.equal(find('PodDisruptionBudget', 'rabbitmq').spec.maxUnavailable, 1);
  });
});

describe('rabbitmq base: bad input fails generation naming the field', () => {
  const withProps = (over: Partial<RabbitmqProps>) => () => rabbitmqObjects({ ...defaultRabbitmqProps(), ...over });
  it('an even replica count', () => {
    assert.throws(withProps({ replicas: 2 }), /generators\/rabbitmq\.ts: rabbitmq\.replicas is 2; use an odd number/);
    assert.throws(withProps({ replicas: 0 }), /rabbitmq\.replicas is 0/);
  });
  it('a storage size that is not a quantity', () => {
    assert.throws(withProps({ storage: 'lots' }), /rabbitmq\.storage is "lots", not a Kubernetes quantity/);
  });
  it('an image outside the 4.0 series the config is written for', () => {
    assert.throws(withProps({ image: 'rabbitmq:3.12.14-management' }), /rabbitmq\.image "rabbitmq:3\.12\.14-management" is not 4\.0\.x/);
    assert.throws(withProps({ image: 'rabbitmq:4-management' }), /rabbitmq\.image/);
  });
  it('a binding to an undeclared queue, a DLX that is not declared', () => {
    const t = brokerTopology;
    assert.throws(
      withProps({ topology: { ...t, bindings: [...t.bindings, { source: t.exchanges[0]!.name, destination: 'nowhere', destination_type: 'queue', routing_key: 'x', arguments: {} }] } }),
      /rabbitmq\.topology\.bindings\[2\]\.destination "nowhere" is not a declared queue/,
    );
    assert.throws(
      withProps({ topology: { ...t, queues: [{ ...t.queues[0]!, arguments: { ...t.queues[0]!.arguments, 'x-dead-letter-exchange': 'missing.dlx' } }, t.queues[1]!] } }),
      /rabbitmq\.topology\.queues\[0\]\.arguments\.x-dead-letter-exchange "missing\.dlx"/,
    );
  });
  it('a quorum queue without an explicit delivery limit (4.0 would default it to 20, 3.10 to none), or with -1', () => {
    const t = brokerTopology;
    const { 'x-delivery-limit': _, ...noLimit } = t.queues[1]!.arguments;
    assert.throws(
      withProps({ topology: { ...t, queues: [t.queues[0]!, { ...t.queues[1]!, arguments: noLimit }] } }),
      /rabbitmq\.topology\.queues\[1\] \(orders\.dead\) is a quorum queue: set arguments\.x-delivery-limit to a positive integer \(got undefined\)/,
    );
    assert.throws(
      withProps({ topology: { ...t, queues: [{ ...t.queues[0]!, arguments: { ...t.queues[0]!.arguments, 'x-delivery-limit': -1 } }, t.queues[1]!] } }),
      /queues\[0\] \(orders\.created\) is a quorum queue: set arguments\.x-delivery-limit to a positive integer \(got -1\)/,
    );
  });
  it('a topology containing template syntax', () => {
    const t = brokerTopology;
    assert.throws(withProps({ topology: { ...t, vhost: '{{ .x }}' } }), /would evaluate/);
  });
});
