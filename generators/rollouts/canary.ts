// Canary releases of the API tier (contract serviceGroups['api-tier']) for every environment whose
// contract has `canary`: one kustomize Component per environment (base/rollouts/<env>) that the
// environment's services overlay includes. Each Rollout points at the generated Deployment
// (workloadRef) instead of replacing it — docs/delivery.md#rollouts says why; the Component
// retargets the HPA at the Rollout. The gateway splits traffic at the NGINX ingress (stable and
// canary Services, the controller-managed canary Ingress); the internal APIs by replica weight.
import { Rollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout';
import type { ICanaryStep } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/CanaryStep';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { Service } from 'kubernetes-models/v1/Service';
import { serviceGroups, services, type ServiceName } from '@marquee/contract';
import { environments, type CanaryRelease, type EnvName, type Environment } from '../environments.ts';
import type { Component, KubeObject } from '../lib/component.ts';
import { labelsFor, selectorFor } from '../lib/labels.ts';
import { componentOf, peers, versionOf } from '../services.ts';
import { analysisArgs, analysisTemplates, templateNames } from './analysis.ts';

const source = 'generators/rollouts/canary.ts';

/** The API-tier service whose traffic is split at the ingress (the rest split by replica weight). */
export const trafficRouted: ServiceName = 'api-gateway';
/** The path prefix the gateway serves (/api/movies, /api/orders) and its Ingress routes. */
export const gatewayPath = '/api';

export const serviceNamesFor = (name: ServiceName) => ({ stable: `${name}-stable`, canary: `${name}-canary` }) as const;

const apiTier: readonly ServiceName[] = serviceGroups['api-tier'];

/** The contract's steps as Argo Rollouts canary steps; each analysis step runs both templates. */
export function stepsFor(c: CanaryRelease): ICanaryStep[] {
  return c.steps.map((s): ICanaryStep => {
    if ('weight' in s) {
      if (!(s.weight > 0 && s.weight < 100)) throw new Error(`generators/environments.ts: canary.steps weight ${s.weight} must be between 1 and 99 (100 % is the promotion itself)`);
      return { setWeight: s.weight };
    }
    if ('pause' in s) return { pause: { duration: s.pause } };
    return {
      analysis: {
        templates: [{ templateName: templateNames.errorRatio }, { templateName: templateNames.p99Latency }],
        args: [
          { name: analysisArgs.service, valueFrom: { fieldRef: { fieldPath: `metadata.labels['app.kubernetes.io/name']` } } },
          { name: analysisArgs.namespace, valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: analysisArgs.canaryHash, valueFrom: { podTemplateHashValue: 'Latest' } },
        ],
      },
    };
  });
}

function rolloutFor(name: ServiceName, c: CanaryRelease): Rollout {
  const labels = labelsFor({ name, component: componentOf(name), version: versionOf(services[name].workspace) });
  const routed = name === trafficRouted;
  const svc = serviceNamesFor(name);
  return new Rollout({
    metadata: { name, labels },
    spec: {
      // No replicas: the HPA scales the Rollout (the Component retargets it).
      revisionHistoryLimit: 5,
      // The pods come from the Deployment's template; the controller scales the Deployment to 0
      // only once the Rollout's own pods are available (scaleDown: progressively).
      workloadRef: { apiVersion: Deployment.apiVersion, kind: Deployment.kind, name, scaleDown: 'progressively' },
      progressDeadlineSeconds: 600,
      // A canary that cannot become ready aborts like one that fails its analysis.
      progressDeadlineAbort: true,
      strategy: {
        canary: {
          steps: stepsFor(c),
          abortScaleDownDelaySeconds: c.abortScaleDownDelaySeconds,
          ...(routed
            ? {
                stableService: svc.stable,
                canaryService: svc.canary,
                trafficRouting: { nginx: { stableIngress: name } },
                scaleDownDelaySeconds: c.scaleDownDelaySeconds,
              }
            : { maxSurge: c.maxSurge, maxUnavailable: c.maxUnavailable }),
        },
      },
    },
  });
}

/** Stable and canary Services: the base Service's selector and ports; the controller adds the hash to each selector. */
function splitServicesFor(name: ServiceName): Service[] {
  const base = { selector: selectorFor(name), ports: [{ name: 'http', port: services[name].port, targetPort: 'http', protocol: 'TCP' as const }] };
  const labels = labelsFor({ name, component: componentOf(name) });
  return Object.values(serviceNamesFor(name)).map((n) => new Service({ metadata: { name: n, labels }, spec: { type: 'ClusterIP', ...base } }));
}

/** The gateway's Ingress (the Rollout's stableIngress): /api on the environment's host, to the stable Service. */
function gatewayIngress(e: Environment): Ingress {
  const name = trafficRouted;
  return new Ingress({
    metadata: { name, labels: labelsFor({ name, component: componentOf(name) }) },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: e.ingressHost,
          http: { paths: [{ path: gatewayPath, pathType: 'Prefix', backend: { service: { name: serviceNamesFor(name).stable, port: { name: 'http' } } } }] },
        },
      ],
    },
  });
}

/** JSON patches the Component applies to the service bases. */
function patchesFor(): Record<string, unknown>[] {
  return [
    ...apiTier.map((name) => ({
      target: { kind: 'HorizontalPodAutoscaler', name },
      patch: JSON.stringify([
        { op: 'test', path: '/spec/scaleTargetRef/kind', value: Deployment.kind },
        { op: 'replace', path: '/spec/scaleTargetRef', value: { apiVersion: Rollout.apiVersion, kind: Rollout.kind, name } },
      ]),
    })),
    // ingress-nginx now reaches the gateway directly (its canary Ingress is how traffic is split).
    {
      target: { kind: 'NetworkPolicy', name: trafficRouted },
      patch: JSON.stringify([{ op: 'add', path: '/spec/ingress/0/from/-', value: peers.ingressController }]),
    },
  ];
}

/** The objects of one environment's canary Component (empty list when the environment has none). */
export function canaryObjects(env: EnvName): KubeObject[] {
  const e: Environment = environments[env];
  if (!e.canary) return [];
  return [
    ...apiTier.map((name) => rolloutFor(name, e.canary!)),
    ...splitServicesFor(trafficRouted),
    gatewayIngress(e),
    ...analysisTemplates(e.canary.analysis),
  ];
}

export function canaryComponents(): Component[] {
  return (Object.keys(environments) as EnvName[])
    .filter((env) => (environments[env] as Environment).canary)
    .map((env) => ({
      dir: `base/rollouts/${env}`,
      source,
      objects: canaryObjects(env),
      kustomization: { apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component', patches: patchesFor() },
    }));
}
