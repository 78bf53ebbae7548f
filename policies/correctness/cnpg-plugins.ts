// A CloudNativePG Cluster archives WAL and takes backups through a plugin it names (spec.plugins), and the Barman Cloud
// plugin writes to the ObjectStore its barmanObjectName parameter names. A plugin name nothing registers, or an
// ObjectStore that is not rendered in the namespace, and archiving and backups fail after the sync.
import { objectPolicy } from '../lib/define.ts';
import { barmanCloudPlugin } from '../../generators/data-names.ts';
import { closest, isCnpgCluster } from '../../kube/index.ts';
import { namespaceOf, scopeOf } from '../lib/index-objects.ts';
import type { RenderedObject } from '../../kube/index.ts';
import type { PolicyContext, Violation } from '../types.ts';

/** Label of the Service by which a CNPG-I plugin registers with the operator (its name). */
const pluginNameLabel = 'cnpg.io/pluginName';

/** Plugins the operator can reach: the Barman Cloud plugin marquee installs, and any plugin Service rendered on the cluster. */
function pluginsNear(near: RenderedObject, ctx: PolicyContext): string[] {
  const rendered = ctx.index.memo('cnpg-plugin-names', () => {
    const m = new Map<string, Set<string>>();
    for (const s of ctx.index.ofKind('Service')) {
      const name = s.object.metadata?.labels?.[pluginNameLabel];
      if (typeof name === 'string') m.set(scopeOf(s.target), (m.get(scopeOf(s.target)) ?? new Set()).add(name));
    }
    return m;
  });
  return [...new Set([barmanCloudPlugin, ...(rendered.get(scopeOf(near.target)) ?? [])])];
}

/** One plugin reference: the name at `path`.name and its parameters at `path`.parameters. */
function checkPlugin(ref: any, path: string, subject: RenderedObject, ctx: PolicyContext, out: Violation[]): void {
  const name = ref?.name;
  if (typeof name !== 'string') return;
  const known = pluginsNear(subject, ctx);
  if (!known.includes(name)) {
    const near = closest(name, known) ?? known[0]!;
    out.push({
      message: `plugin ${name} is not registered with the operator (registered: ${known.join(', ')}): WAL archiving and backups through it fail`,
      path: `${path}.name`,
      hint: `write ${near}`,
    });
    return;
  }
  const store = ref.parameters?.barmanObjectName;
  if (name !== barmanCloudPlugin || typeof store !== 'string') return;
  if (ctx.index.named(subject, 'ObjectStore', store)) return;
  const stores = ctx.index.inNamespace(subject, 'ObjectStore').map((s) => String(s.object.metadata?.name));
  const near = closest(store, stores) ?? (stores.length === 1 ? stores[0] : undefined);
  out.push({
    message: `ObjectStore ${store} is not rendered in namespace ${namespaceOf(subject)} (${stores.length ? `there is: ${stores.join(', ')}` : 'there is none'}): the Barman Cloud plugin has nowhere to archive WAL or write backups`,
    path: `${path}.parameters.barmanObjectName`,
    hint: near ? `write ${near}` : `name a rendered ObjectStore (barmancloud.cnpg.io), or render ${store}`,
  });
}

export default objectPolicy(
  {
    id: 'correctness/cnpg-plugins',
    title: 'CloudNativePG plugin references name a registered plugin and a rendered ObjectStore',
    rationale:
      'A Cluster, ScheduledBackup or Backup that names a plugin the operator does not know, or a Barman Cloud barmanObjectName with no ObjectStore in the namespace, is accepted by the API server; then WAL archiving and backups fail, and the recovery point silently falls behind.',
    hint: 'name the plugin as its Service registers it (cnpg.io/pluginName) and an ObjectStore rendered in the namespace',
    kinds: ['Cluster', 'ScheduledBackup', 'Backup'],
    references: ['cloudnative-pg/plugin-barman-cloud (barmanObjectName parameter, ObjectStore barmancloud.cnpg.io/v1)'],
  },
  (subject, ctx) => {
    const o = subject.object;
    if (typeof o.apiVersion !== 'string' || !o.apiVersion.startsWith('postgresql.cnpg.io/')) return undefined;
    const out: Violation[] = [];
    if (isCnpgCluster(o)) {
      (o.spec?.plugins ?? []).forEach((p: any, i: number) => checkPlugin(p, `spec.plugins[${i}]`, subject, ctx, out));
      (o.spec?.externalClusters ?? []).forEach((e: any, i: number) => e?.plugin && checkPlugin(e.plugin, `spec.externalClusters[${i}].plugin`, subject, ctx, out));
    } else if (o.spec?.method === 'plugin' && o.spec?.pluginConfiguration) checkPlugin(o.spec.pluginConfiguration, 'spec.pluginConfiguration', subject, ctx, out);
    return out;
  },
);
