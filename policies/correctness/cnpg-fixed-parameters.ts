// CloudNativePG runs PostgreSQL with settings of its own (where it listens, how it archives WAL, which libraries it
// preloads): a Cluster that sets one in spec.postgresql.parameters is refused by the operator's admission webhook.
import { objectPolicy } from '../lib/define.ts';
import { cnpgParameterRefusal } from '../lib/cnpg-parameters.ts';
import { isCnpgCluster } from '../../kube/index.ts';
import { parameterPath } from './postgres-parameters.ts';
import type { Violation } from '../types.ts';

export default objectPolicy(
  {
    id: 'correctness/cnpg-fixed-parameters',
    title: "A CloudNativePG Cluster does not set the PostgreSQL parameters the operator keeps for itself (listen_addresses, port, …)",
    rationale:
      "CloudNativePG's admission webhook refuses a Cluster whose spec.postgresql.parameters sets a fixed or blocked parameter (\"Can't set fixed configuration parameter\"): Argo CD's sync fails and the Cluster keeps its old spec. The operator sets these itself, or offers a field of the Cluster for them.",
    hint: 'delete the parameter from spec.postgresql.parameters (the message names the Cluster field for it, when there is one)',
    kinds: ['Cluster'],
    references: [
      'cloudnative-pg/cloudnative-pg pkg/postgres/configuration.go (FixedConfigurationParameters)',
      'cloudnative-pg/cloudnative-pg internal/webhook/v1/cluster_webhook.go (validateConfiguration)',
    ],
  },
  (subject) => {
    const o = subject.object;
    if (!isCnpgCluster(o)) return undefined;
    const out: Violation[] = [];
    for (const [name, value] of Object.entries((o.spec?.postgresql?.parameters ?? {}) as Record<string, unknown>)) {
      const r = cnpgParameterRefusal(o, name, value);
      if (r) out.push({ ...r, path: parameterPath(name) });
    }
    return out;
  },
);
