// Two Argo CD Applications managing the same cluster-scoped object fight over it.
import { setPolicy } from '../lib/define.ts';
import { isClusterScoped, scopeOf } from '../lib/index-objects.ts';
import type { RenderedObject } from '../../kube/index.ts';

const groupOf = (apiVersion: unknown): string => (typeof apiVersion === 'string' && apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

export default setPolicy(
  {
    id: 'cross-environment/unique-cluster-objects',
    title: 'Targets sharing a cluster never render the same cluster-scoped object',
    rationale:
      'dev and test share the nonprod cluster, and the platform overlay runs there too. If two of them render the same ClusterRole, Namespace or webhook, their Applications overwrite each other on every sync and pruning one deletes the other\'s object.',
    hint: 'give the object an environment-specific name (namePrefix/suffix) or move it to the cluster\'s platform overlay',
    references: ['Argo CD SharedResourceWarning'],
  },
  function* (ctx) {
    const owners = new Map<string, RenderedObject[]>();
    for (const r of ctx.objects) {
      if (!isClusterScoped(r.object)) continue;
      const k = `${scopeOf(r.target)}\0${groupOf(r.object.apiVersion)}\0${r.object.kind}\0${r.object.metadata?.name}`;
      const list = owners.get(k);
      if (list) list.push(r);
      else owners.set(k, [r]);
    }
    for (const list of owners.values()) {
      const targets = [...new Set(list.map((r) => r.target.name))];
      if (targets.length < 2) continue;
      for (const r of list)
        yield {
          subject: r,
          message: `${r.object.kind}/${r.object.metadata?.name} is also rendered by ${targets.filter((t) => t !== r.target.name).join(', ')} on the same cluster${r.target.cluster ? ` (${r.target.cluster})` : ''}`,
          path: 'metadata.name',
        };
    }
  },
);
