// Pod-level building blocks every workload shares: security contexts, probes,
// resources, graceful drain, topology spread.
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSecurityContext } from 'kubernetes-models/v1/PodSecurityContext';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import type { ITopologySpreadConstraint } from 'kubernetes-models/v1/TopologySpreadConstraint';
import type { ResourceProfile } from '../environments.ts';
import { probes, shutdown } from '@marquee/contract';

/** Non-root, RuntimeDefault seccomp; the UID matches the images' `node`/`nginx` user. */
export function podSecurity(uid = 1000): IPodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function containerSecurity(): NonNullable<IContainer['securityContext']> {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    privileged: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

export function resourcesFor(p: ResourceProfile): IResourceRequirements {
  return {
    requests: { cpu: `${p.cpuRequestMillis}m`, memory: `${p.memoryRequestMiB}Mi` },
    limits: { cpu: `${p.cpuLimitMillis}m`, memory: `${p.memoryLimitMiB}Mi` },
  };
}

/** HTTP liveness/readiness/startup probes on the named container port `http`. */
export function httpProbesFor(portName = 'http'): Pick<IContainer, 'livenessProbe' | 'readinessProbe' | 'startupProbe'> {
  const get = (path: string): IProbe['httpGet'] => ({ path, port: portName });
  return {
    // Startup allows 60 s to boot before liveness starts counting.
    startupProbe: { httpGet: get(probes.liveness), periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 2 },
    livenessProbe: { httpGet: get(probes.liveness), periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 },
    readinessProbe: { httpGet: get(probes.readiness), periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 2 },
  };
}

/**
 * Keep serving while the endpoint removal propagates, then let SIGTERM drain.
 * Uses the images' own `sleep`-free exec-less preStop (Kubernetes >= 1.30 sleep action).
 */
export function drain(): Pick<IContainer, 'lifecycle'> {
  return { lifecycle: { preStop: { sleep: { seconds: shutdown.preStopSeconds } } } };
}

export const terminationGracePeriodSeconds = shutdown.preStopSeconds + shutdown.drainSeconds + 5;

/** Spread replicas over nodes and zones; `ScheduleAnyway` so a small cluster still schedules. */
export function spreadFor(selector: Record<string, string>): ITopologySpreadConstraint[] {
  return ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'].map((topologyKey) => ({
    maxSkew: 1,
    topologyKey,
    whenUnsatisfiable: 'ScheduleAnyway',
    labelSelector: { matchLabels: selector },
  }));
}
