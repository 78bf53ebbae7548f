// What must hold in an environment's rendered data tier (npm run validate and
// test/generators/data.test.ts). Light imports only: it runs on every validate.
import type { EnvName } from '../../generators/environments.ts';
import { postgresNames, rabbitmqNames, secretStoreName } from '../../generators/data-names.ts';
import { bytesOf } from '../../generators/lib/validate-props.ts';
import type { KubeObject } from '../../kube/index.ts';

/** The rendered object, as everywhere (kube/object.ts). */
export type Rendered = KubeObject;

/**
 * What must hold in an environment's rendered data tier. Returns one message per problem,
 * each naming the object and field; empty when the overlay is sound.
 */
export function dataTierFindings(env: EnvName, objects: readonly Rendered[]): string[] {
  const out: string[] = [];
  const get = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  for (const o of objects)
    if (o.kind === 'Secret' && (o['data'] || o['stringData'])) out.push(`Secret/${o.metadata.name}: plaintext Secret in Git; use an ExternalSecret`);

  const rabbit = get('StatefulSet', rabbitmqNames.server);
  const pg = get('StatefulSet', postgresNames.server);
  if (!rabbit) out.push(`StatefulSet/${rabbitmqNames.server} is missing`);
  if (!pg) out.push(`StatefulSet/${postgresNames.server} is missing`);
  if (!rabbit || !pg) return out;

  const replicas = rabbit['spec'].replicas as number;
  if (replicas % 2 === 0 || replicas < 1) out.push(`StatefulSet/rabbitmq spec.replicas is ${replicas}: use an odd number (a quorum needs a strict majority)`);
  else if (env !== 'dev' && replicas < 3) out.push(`StatefulSet/rabbitmq spec.replicas is ${replicas} in ${env}: quorum queues need 3 nodes to survive one loss`);
  if (pg['spec'].replicas !== 1) out.push(`StatefulSet/postgres spec.replicas is ${pg['spec'].replicas}: one primary (replicas without replication are independent databases)`);

  for (const sts of [pg, rabbit]) {
    const name = sts.metadata.name;
    const claim = sts['spec'].volumeClaimTemplates?.[0]?.spec;
    const size = String(claim?.resources?.requests?.storage ?? '');
    try {
      bytesOf(`StatefulSet/${name}`, 'spec.volumeClaimTemplates[0].spec.resources.requests.storage', size);
    } catch (e) {
      out.push((e as Error).message);
    }
    if (!claim?.storageClassName) out.push(`StatefulSet/${name} spec.volumeClaimTemplates[0].spec.storageClassName is not set in ${env}: choose the class (and its reclaim policy) explicitly`);
    for (const c of sts['spec'].template.spec.containers as { name: string; resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }[])
      if (!c.resources?.limits?.['memory'] || !c.resources?.requests?.['memory'])
        out.push(`StatefulSet/${name} container ${c.name}: resources.requests/limits.memory must be set`);
  }

  // RabbitMQ computes its memory alarm from memory.conf, which must follow the container limit.
  const limit = (rabbit['spec'].template.spec.containers as { name: string; resources: { limits: { memory: string } } }[]).find((c) => c.name === 'rabbitmq')?.resources.limits.memory;
  const conf = get('ConfigMap', rabbitmqNames.config)?.['data']?.['memory.conf'] as string | undefined;
  const declared = Number(/total_memory_available_override_value = (\d+)/.exec(conf ?? '')?.[1]);
  if (limit && declared) {
    const ratio = declared / bytesOf('StatefulSet/rabbitmq', 'resources.limits.memory', limit);
    if (ratio < 0.6 || ratio > 0.9)
      out.push(`ConfigMap/${rabbitmqNames.config} data.memory.conf is ${Math.round(ratio * 100)}% of the rabbitmq memory limit ${limit}: keep it at about 80%`);
  } else out.push(`ConfigMap/${rabbitmqNames.config} data.memory.conf has no total_memory_available_override_value`);

  const store = get('SecretStore', secretStoreName);
  if (!store) out.push(`SecretStore/${secretStoreName} is missing: the ExternalSecrets cannot resolve`);
  else {
    const path = store['spec'].provider?.vault?.path as string | undefined;
    if (path !== `marquee-${env}`) out.push(`SecretStore/${secretStoreName} spec.provider.vault.path is ${path}: ${env} must read its own mount marquee-${env}`);
  }
  return out;
}
