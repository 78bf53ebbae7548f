// The environment contract checked as data before any generator reads it: a wrong edit
// ends in one message naming the field (`environments.staging.cluster`) and the fix,
// never in a stack trace from whichever generator happens to read the value first.
import { clusters, environments, resourceProfiles } from './environments.ts';
import { assertDnsLabel } from './lib/validate-props.ts';

const source = 'generators/environments.ts';

export function checkEnvironments(envs: Record<string, any> = environments, cls: Record<string, any> = clusters): void {
  const fail = (field: string, msg: string): never => {
    throw new Error(`${source}: ${field} ${msg}`);
  };
  const names = Object.keys(envs);
  if (names.length < 1) fail('environments', 'is empty; the promotion chain needs at least one environment');
  for (const [c, cluster] of Object.entries(cls)) {
    if (!cluster || typeof cluster !== 'object') fail(`clusters.${c}`, 'must be an object');
    if (cluster.name !== c) fail(`clusters.${c}.name`, `is ${JSON.stringify(cluster.name)}; it must equal its key "${c}"`);
    if (typeof cluster.server !== 'string' || !/^https:\/\//.test(cluster.server)) fail(`clusters.${c}.server`, `is ${JSON.stringify(cluster.server)}; an https:// URL`);
    if (typeof cluster.platformNamespace !== 'string') fail(`clusters.${c}.platformNamespace`, 'is missing');
    assertDnsLabel(source, `clusters.${c}.platformNamespace`, cluster.platformNamespace);
    if (typeof cluster.vault?.server !== 'string' || !/^https:\/\//.test(cluster.vault.server)) fail(`clusters.${c}.vault.server`, `is ${JSON.stringify(cluster.vault?.server)}; the https:// URL of the cluster's Vault`);
    if (typeof cluster.vault.kubernetesAuthMountPath !== 'string' || !cluster.vault.kubernetesAuthMountPath)
      fail(`clusters.${c}.vault.kubernetesAuthMountPath`, `is ${JSON.stringify(cluster.vault.kubernetesAuthMountPath)}; the path of the cluster's Kubernetes auth method in Vault`);
  }
  const branches = new Map<string, string>();
  for (const name of names) {
    const e = envs[name];
    const f = (k: string) => `environments.${name}.${k}`;
    if (!e || typeof e !== 'object') fail(`environments.${name}`, 'must be an object');
    assertDnsLabel(source, `environments.${name} (key)`, name);
    if (e.name !== name) fail(f('name'), `is ${JSON.stringify(e.name)}; it must equal its key "${name}"`);
    if (typeof e.branch !== 'string' || !/^[\w./-]+$/.test(e.branch)) fail(f('branch'), `is ${JSON.stringify(e.branch)}; a Git branch name`);
    if (branches.has(e.branch)) fail(f('branch'), `"${e.branch}" is already environments.${branches.get(e.branch)}.branch; each environment tracks its own branch`);
    branches.set(e.branch, name);
    if (e.namespace !== `marquee-${name}`) fail(f('namespace'), `is ${JSON.stringify(e.namespace)}; expected "marquee-${name}"`);
    if (e.overlay !== `overlays/${name}`) fail(f('overlay'), `is ${JSON.stringify(e.overlay)}; expected "overlays/${name}"`);
    if (!(e.cluster in cls)) fail(f('cluster'), `is ${JSON.stringify(e.cluster)}; one of ${Object.keys(cls).join(', ')}`);
    const r = e.replicas;
    if (!r || !Number.isInteger(r.min) || !Number.isInteger(r.max) || r.min < 1 || r.max < r.min)
      fail(f('replicas'), `is ${JSON.stringify(r)}; integers with 1 <= min <= max`);
    if (!(e.resources in resourceProfiles)) fail(f('resources'), `is ${JSON.stringify(e.resources)}; one of ${Object.keys(resourceProfiles).join(', ')}`);
    if (typeof e.ingressHost !== 'string' || !/^[a-z0-9.-]+$/.test(e.ingressHost)) fail(f('ingressHost'), `is ${JSON.stringify(e.ingressHost)}; a DNS host name`);
    if (!e.sync || typeof e.sync.automated !== 'boolean' || typeof e.sync.preserveResourcesOnDeletion !== 'boolean')
      fail(f('sync'), `is ${JSON.stringify(e.sync)}; { automated: boolean, preserveResourcesOnDeletion: boolean }`);
    if (!Array.isArray(e.owners) || !e.owners.length || e.owners.some((o: unknown) => typeof o !== 'string' || !o.startsWith('@')))
      fail(f('owners'), `is ${JSON.stringify(e.owners)}; a non-empty list of @team or @user handles`);
    if (typeof e.requireDigests !== 'boolean') fail(f('requireDigests'), `is ${JSON.stringify(e.requireDigests)}; true or false`);
  }
}
