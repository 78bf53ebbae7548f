// Workload bases for the stateless services: Deployment, Service, ServiceAccount,
// HPA, PDB, NetworkPolicy, configuration (and the web tier's Ingress + nginx config).
// Configuration is made by kustomize's configMapGenerator, so its name carries a
// hash of its content and any change — in the base or in an overlay's
// `behavior: merge` — rolls the pods that read it.
import { readFileSync } from 'node:fs';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { isolatePods } from './lib/network-policy.ts';
import type { INetworkPolicyEgressRule } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyEgressRule';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import {
  autoscaling,
  broker,
  dataServices,
  envVars,
  postgres,
  secrets,
  serviceGroupLabel,
  serviceGroupOf,
  services,
  type ServiceFacts,
  type ServiceName,
} from '@marquee/contract';
import { postgresHost } from './data-names.ts';
import { resourceProfiles } from './environments.ts';
import { headerFor, type Component, type KubeObject } from './lib/component.ts';
import { labelsFor, selectorFor } from './lib/labels.ts';
import { nginxConfig } from './nginx.ts';
import {
  containerSecurity,
  drain,
  httpProbesFor,
  podSecurity,
  resourcesFor,
  spreadFor,
  terminationGracePeriodSeconds,
 
} from './lib/pod.ts';
import { clientService, servicePort } from './lib/service.ts';

const source = 'generators/services.ts';

/** Namespace-independent peers: Prometheus in the per-cluster platform namespace, the ingress controller. */
export const peers = {
  monitoring: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
  ingressController: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
} as const satisfies Record<string, INetworkPolicyPeer>;

export interface ServiceProps {
  readonly name: ServiceName;
  readonly facts: ServiceFacts;
  /** Version label and default image tag for the base; overlays pin the real tag. */
  readonly version: string;
}

export const componentOf = (name: ServiceName): string =>
  name === 'web' ? 'frontend' : name === 'billing-worker' ? 'worker' : name === 'api-gateway' ? 'gateway' : 'api';

/** The base's resource profile; overlays patch requests/limits per environment. */
const baseResources = resourceProfiles.small;

export function versionOf(workspace: string): string {
  const dir = workspace.replace('@marquee/', 'apps/');
  const pkg = JSON.parse(readFileSync(new URL(`../${dir}/package.json`, import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Settings every service reads, one ConfigMap per environment (overlays merge APP_ENV, LOG_LEVEL). */
export const sharedConfigName = 'marquee-config';
export const sharedConfigDefaults: Record<string, string> = { [envVars.appEnv]: 'base', [envVars.logLevel]: 'info' };

/** Plain per-service configuration (non-secret); secrets come from secretKeyRef env vars. */
export function configFor(p: ServiceProps): Record<string, string> {
  const url = (s: ServiceName) => `http://${s}:${services[s].port}`;
  const config: Record<string, string> = {
    [envVars.port]: String(p.facts.port),
  };
  if (p.facts.calls.includes('inventory')) config[envVars.inventoryUrl] = url('inventory');
  if (p.facts.calls.includes('billing-api')) config[envVars.billingUrl] = url('billing-api');
  if (p.facts.calls.includes('api-gateway')) config[envVars.gatewayUrl] = url('api-gateway');
  if (p.facts.calls.length) config[envVars.upstreamTimeoutMs] = '5000';
  if (p.facts.database) {
    config[envVars.pgHost] = postgresHost;
    config[envVars.pgPort] = String(postgres.port);
    config[envVars.pgDatabase] = p.facts.database;
  }
  return config;
}

function secretEnvFor(p: ServiceProps): IEnvVar[] {
  const env: IEnvVar[] = [];
  const ref = (name: string, key: string) => ({ valueFrom: { secretKeyRef: { name, key } } });
  if (p.facts.database) {
    const secret = p.facts.database === 'inventory' ? secrets.inventoryDb : secrets.billingDb;
    env.push({ name: envVars.pgUser, ...ref(secret, 'username') });
    env.push({ name: envVars.pgPassword, ...ref(secret, 'password') });
  }
  if (p.facts.usesBroker) {
    env.push({ name: 'AMQP_USER', ...ref(secrets.billingAmqp, 'username') });
    env.push({ name: envVars.amqpPassword, ...ref(secrets.billingAmqp, 'password') });
    // $(VAR) expands variables defined earlier in this list; the URL is never stored anywhere.
    env.push({
      name: envVars.amqpUrl,
      value: `amqp://$(AMQP_USER):$(${envVars.amqpPassword})@${dataServices.rabbitmq}:${broker.port}/${broker.vhost}`,
    });
  }
  return env;
}

/**
 * The Node services' entry point, explicit: billing-api and billing-worker share
 * one image, so the image's default CMD cannot be trusted to start the right one.
 * The images' WORKDIR is the workspace directory (apps/<app>); the entry comes
 * from the contract. The web tier runs the nginx image's own command.
 */
export function commandFor(p: ServiceProps): { command?: string[] } {
  if (p.name === 'web') return {};
  const workspaceDir = p.facts.workspace.replace('@marquee/', 'apps/') + '/';
  if (!p.facts.entry.startsWith(workspaceDir)) throw new Error(`services['${p.name}'].entry ${p.facts.entry} is not inside ${workspaceDir}`);
  return { command: ['node', p.facts.entry.slice(workspaceDir.length)] };
}

/** Writable scratch space: the root filesystem is read-only. */
function scratchFor(name: ServiceName): { volumes: IVolume[]; mounts: IVolumeMount[] } {
  const volumes: IVolume[] = [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }];
  const mounts: IVolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
  if (name === 'web') {
    volumes.push({ name: 'nginx-conf', configMap: { name: 'web-nginx' } });
    mounts.push({ name: 'nginx-conf', mountPath: '/etc/nginx/conf.d', readOnly: true });
  }
  return { volumes, mounts };
}

function networkPolicyFor(p: ServiceProps, labels: Record<string, string>): NetworkPolicy {
  const selector = selectorFor(p.name);
  const callers = (Object.keys(services) as ServiceName[]).filter((s) =>
    (services[s].calls as readonly ServiceName[]).includes(p.name),
  );
  const from: INetworkPolicyPeer[] = callers.map((c) => ({ podSelector: { matchLabels: selectorFor(c) } }));
  if (p.name === 'web') from.push(peers.ingressController);
  const egressTo: INetworkPolicyEgressRule[] = (p.facts.calls as readonly ServiceName[]).map((c) => ({
    to: [{ podSelector: { matchLabels: selectorFor(c) } }],
    ports: [{ protocol: 'TCP' as const, port: services[c].port }],
  }));
  if (p.facts.database)
    egressTo.push({
      to: [{ podSelector: { matchLabels: selectorFor(dataServices.postgres) } }],
      ports: [{ protocol: 'TCP', port: postgres.port }],
    });
  if (p.facts.usesBroker)
    egressTo.push({
      to: [{ podSelector: { matchLabels: selectorFor(dataServices.rabbitmq) } }],
      ports: [{ protocol: 'TCP', port: broker.port }],
    });
  return isolatePods({ name: p.name, labels }, selector, {
    ingress: [
      ...(from.length ? [{ from, ports: [{ protocol: 'TCP' as const, port: 'http' }] }] : []),
      // Prometheus scrapes /metrics on the same port.
      { from: [peers.monitoring], ports: [{ protocol: 'TCP', port: 'http' }] },
    ],
    // DNS egress comes from the namespace-wide allow-dns policy in base/namespace.
    egress: egressTo,
  });
}

/** All objects for one service. */
export function serviceWorkload(p: ServiceProps): KubeObject[] {
  const component = componentOf(p.name);
  const labels = labelsFor({ name: p.name, component, version: p.version });
  const selector = selectorFor(p.name);
  const { volumes, mounts } = scratchFor(p.name);
  const uid = p.name === 'web' ? 101 : 1000; // nginx-unprivileged runs as 101, node images as 1000

  const objects: KubeObject[] = [
    new ServiceAccount({ metadata: { name: p.name, labels }, automountServiceAccountToken: false }),
    new Deployment({
      metadata: { name: p.name, labels },
      spec: {
        // No static replicas: the HPA owns the count (a static value fights it on every sync).
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: p.name,
            automountServiceAccountToken: false,
            securityContext: podSecurity(uid),
            terminationGracePeriodSeconds,
            topologySpreadConstraints: spreadFor(selector),
            containers: [
              {
                name: p.name,
                image: `${p.facts.image}:${p.version}`,
                ...commandFor(p),
                imagePullPolicy: 'IfNotPresent',
                ports: [{ name: 'http', containerPort: p.facts.port, protocol: 'TCP' }],
                // Later sources win: the service's own settings override the environment-wide ones.
                envFrom: [{ configMapRef: { name: sharedConfigName } }, { configMapRef: { name: `${p.name}-config` } }],
                env: secretEnvFor(p),
                resources: resourcesFor(baseResources),
                securityContext: containerSecurity(),
                volumeMounts: mounts,
                ...httpProbesFor('http'),
                ...drain(),
              },
            ],
            volumes,
          },
        },
      },
    }),
    clientService({ name: p.name, labels }, selector, [servicePort('http', p.facts.port)]),
    new HorizontalPodAutoscaler({
      metadata: { name: p.name, labels: { ...labels, [serviceGroupLabel]: serviceGroupOf(p.name) } },
      spec: {
        scaleTargetRef: { apiVersion: Deployment.apiVersion, kind: Deployment.kind, name: p.name },
        minReplicas: 1,
        maxReplicas: 3,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.cpuUtilization } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: autoscaling.memoryUtilization } } },
        ],
        behavior: {
          scaleDown: {
            stabilizationWindowSeconds: autoscaling.scaleDownStabilizationSeconds,
            policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }],
          },
        },
      },
    }),
    new PodDisruptionBudget({
      // maxUnavailable (not minAvailable) so a drain can always proceed, whatever the HPA chose.
      metadata: { name: p.name, labels },
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    }),
    networkPolicyFor(p, labels),
  ];

  if (p.name === 'web') {
    objects.push(
      new Ingress({
        metadata: { name: p.name, labels },
        spec: {
          ingressClassName: 'nginx',
          // The host is set per environment in overlays/<env>/services (contract: ingressHost).
          rules: [
            {
              host: 'marquee.local',
              http: {
                paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: p.name, port: { name: 'http' } } } }],
              },
            },
          ],
        },
      }),
    );
  }
  return objects;
}

/** `KEY=value` lines for a configMapGenerator `envs` file, after the generated-file header. */
function envFile(values: Record<string, string>): string {
  return headerFor(source) + Object.entries(values).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

/** One service's base: its objects, and its configuration as configMapGenerator inputs. */
export function serviceComponent(p: ServiceProps): Component {
  const labels = labelsFor({ name: p.name, component: componentOf(p.name), version: p.version });
  const files: Record<string, string> = { 'config.env': envFile(configFor(p)) };
  const generators: Record<string, unknown>[] = [{ name: `${p.name}-config`, envs: ['config.env'] }];
  if (p.name === 'web') {
    files['default.conf'] = headerFor(source) + nginxConfig();
    generators.push({ name: 'web-nginx', files: ['default.conf'] });
  }
  return {
    dir: `base/${p.name}`,
    source,
    objects: serviceWorkload(p),
    files,
    kustomization: { configMapGenerator: generators, generatorOptions: { labels } },
  };
}

/** The environment-wide settings (APP_ENV, LOG_LEVEL); each services overlay merges its values in. */
export function sharedConfigComponent(): Component {
  const labels = labelsFor({ name: sharedConfigName, component: 'config' });
  return {
    dir: 'base/service-config',
    source,
    objects: [],
    files: { 'config.env': envFile(sharedConfigDefaults) },
    kustomization: { configMapGenerator: [{ name: sharedConfigName, envs: ['config.env'] }], generatorOptions: { labels } },
  };
}

export function serviceComponents(): Component[] {
  return [
    sharedConfigComponent(),
    ...(Object.keys(services) as ServiceName[]).map((name) => {
      const facts: ServiceFacts = services[name];
      return serviceComponent({ name, facts, version: versionOf(facts.workspace) });
    }),
  ];
}
