// API versions the Kubernetes project has removed, from the official deprecation
// guide (https://kubernetes.io/docs/reference/using-api/deprecation-guide/).
// Data, not logic: one row per group/version (and kinds when only some went).

export interface ApiRemoval {
  readonly apiVersion: string;
  /** Kinds affected; omitted = every kind of that apiVersion. */
  readonly kinds?: readonly string[];
  /** First Kubernetes minor version that no longer serves it. */
  readonly removedIn: `1.${number}`;
  /** The replacement apiVersion. */
  readonly use: string;
}

export const apiRemovals: readonly ApiRemoval[] = [
  { apiVersion: 'extensions/v1beta1', kinds: ['Deployment', 'DaemonSet', 'ReplicaSet', 'NetworkPolicy', 'PodSecurityPolicy'], removedIn: '1.16', use: 'apps/v1 (networking.k8s.io/v1 for NetworkPolicy)' },
  { apiVersion: 'apps/v1beta1', removedIn: '1.16', use: 'apps/v1' },
  { apiVersion: 'apps/v1beta2', removedIn: '1.16', use: 'apps/v1' },
  { apiVersion: 'extensions/v1beta1', kinds: ['Ingress'], removedIn: '1.22', use: 'networking.k8s.io/v1' },
  { apiVersion: 'networking.k8s.io/v1beta1', removedIn: '1.22', use: 'networking.k8s.io/v1' },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', removedIn: '1.22', use: 'rbac.authorization.k8s.io/v1' },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', removedIn: '1.22', use: 'apiextensions.k8s.io/v1' },
  { apiVersion: 'admissionregistration.k8s.io/v1beta1', removedIn: '1.22', use: 'admissionregistration.k8s.io/v1' },
  { apiVersion: 'scheduling.k8s.io/v1beta1', removedIn: '1.22', use: 'scheduling.k8s.io/v1' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], removedIn: '1.22', use: 'storage.k8s.io/v1' },
  { apiVersion: 'coordination.k8s.io/v1beta1', removedIn: '1.22', use: 'coordination.k8s.io/v1' },
  { apiVersion: 'certificates.k8s.io/v1beta1', removedIn: '1.22', use: 'certificates.k8s.io/v1' },
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], removedIn: '1.25', use: 'batch/v1' },
  { apiVersion: 'discovery.k8s.io/v1beta1', removedIn: '1.25', use: 'discovery.k8s.io/v1' },
  { apiVersion: 'events.k8s.io/v1beta1', removedIn: '1.25', use: 'events.k8s.io/v1' },
  { apiVersion: 'autoscaling/v2beta1', removedIn: '1.25', use: 'autoscaling/v2' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodDisruptionBudget', 'PodSecurityPolicy'], removedIn: '1.25', use: 'policy/v1 (PodSecurityPolicy: Pod Security Admission)' },
  { apiVersion: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], removedIn: '1.25', use: 'node.k8s.io/v1' },
  { apiVersion: 'autoscaling/v2beta2', removedIn: '1.26', use: 'autoscaling/v2' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1', removedIn: '1.26', use: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], removedIn: '1.27', use: 'storage.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', removedIn: '1.29', use: 'flowcontrol.apiserver.k8s.io/v1' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', removedIn: '1.32', use: 'flowcontrol.apiserver.k8s.io/v1' },
];

/**
 * The cluster versions this table answers for: from the first removal it lists to the newest release whose removals
 * were checked against the deprecation guide (1.33 and 1.34 remove nothing there). A version outside it would be
 * judged with a guess, so the CLI refuses it (scripts/lib/validate/usage.ts).
 */
export const apiRemovalsRange = { oldest: 16, newest: 34 } as const;

const minor = (v: string): number => Number(v.split('.')[1]);

/** The removal that applies to an object for a cluster version, if any. */
export function removalFor(apiVersion: string, kind: string, kubernetesVersion: string): ApiRemoval | undefined {
  return apiRemovals.find(
    (r) => r.apiVersion === apiVersion && (!r.kinds || r.kinds.includes(kind)) && minor(r.removedIn) <= minor(kubernetesVersion),
  );
}
