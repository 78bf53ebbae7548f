// An API version the cluster stops serving makes the next upgrade break the sync.
import { clusters } from '../../generators/environments.ts';
import { apiRemovals } from '../../kube/index.ts';
import { objectPolicy } from '../lib/define.ts';
import { apiDeprecations, minorOf } from '../lib/data.ts';

const applies = (row: { apiVersion: string; kinds?: readonly string[] }, apiVersion: string, kind: string) =>
  row.apiVersion === apiVersion && (!row.kinds || row.kinds.includes(kind));

export default objectPolicy(
  {
    id: 'gitops/no-deprecated-api',
    title: 'No API versions removed (error) or deprecated (warning) in the cluster\'s Kubernetes version',
    rationale:
      'A removed apiVersion fails to apply; a deprecated one will, at the upgrade that removes it. The target version is clusters[..].kubernetesVersion in environments.ts; removals come from scripts/lib/validate/api-removals.ts, deprecations from policies/lib/data.ts (both from the Kubernetes deprecation guide).',
    hint: 'move to the replacement apiVersion (kubernetes-models exports it)',
    references: ['kube-linter no-extensions-v1beta', 'Pluto', 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/'],
    kinds: '*',
  },
  (subject) => {
    const { apiVersion, kind } = subject.object;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
    const versions = subject.target.cluster ? [clusters[subject.target.cluster].kubernetesVersion] : Object.values(clusters).map((c) => c.kubernetesVersion);
    const version = versions.reduce((a, b) => (minorOf(a) >= minorOf(b) ? a : b));
    const removal = apiRemovals.find((r) => applies(r, apiVersion, kind));
    if (removal && minorOf(removal.removedIn) <= minorOf(version))
      return { message: `${apiVersion} ${kind} was removed in Kubernetes ${removal.removedIn} (cluster runs ${version}); use ${removal.use}`, path: 'apiVersion' };
    const dep = apiDeprecations.find((d) => applies(d, apiVersion, kind));
    if (dep && minorOf(dep.deprecatedIn) <= minorOf(version))
      return {
        message: `${apiVersion} ${kind} is deprecated since Kubernetes ${dep.deprecatedIn}${removal ? ` and removed in ${removal.removedIn}; use ${removal.use}` : ''}`,
        path: 'apiVersion',
        severity: 'warning',
      };
    return undefined;
  },
);
