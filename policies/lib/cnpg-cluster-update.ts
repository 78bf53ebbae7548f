// What CloudNativePG's admission webhook refuses when a Cluster is updated, as far as storage goes:
// a volume never shrinks, a WAL volume or a tablespace once there stays. A pure function of the
// Cluster live in the cluster (old: what the environment's branch renders) and the one about to be
// applied (new). Ported from cloudnative-pg/cloudnative-pg internal/webhook/v1/cluster_webhook.go
// (validateStorageChange, validateWalStorageChange, validateTablespacesChange,
// validateStorageConfigurationChange) and api/v1/cluster_funcs.go (StorageConfiguration.GetSizeOrNil).
import { asDec, cmpDec, readQuantity, type Quantity } from '../../kube/quantity.ts';
import { cnpgApiGroup } from '../../generators/data-names.ts';
import type { ImmutableChange } from '../apiserver/immutable.ts';

/** CloudNativePG's Cluster (cluster.x-k8s.io has a Cluster kind too). */
export const isCnpgCluster = (o: { apiVersion?: unknown; kind?: unknown } | undefined): boolean =>
  o?.kind === 'Cluster' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith(`${cnpgApiGroup}/`);

interface StorageConfiguration {
  readonly size?: unknown;
  readonly pvcTemplate?: { readonly resources?: { readonly requests?: { readonly storage?: unknown } } };
}

/**
 * StorageConfiguration.GetSizeOrNil: `size` when it is set (undefined when it does not parse), else the
 * pvcTemplate's storage request (ResourceList.Storage(): zero when the template requests none).
 */
function sizeOrNil(s: StorageConfiguration | undefined): { readonly q: Quantity; readonly text: string } | undefined {
  if (!s) return undefined;
  if (s.size !== undefined && s.size !== '') {
    const q = readQuantity(s.size);
    return q && { q, text: String(s.size) };
  }
  if (s.pvcTemplate) {
    const request = s.pvcTemplate.resources?.requests?.storage;
    const q = request === undefined ? readQuantity('0') : readQuantity(request);
    return q && { q, text: request === undefined ? '0' : String(request) };
  }
  return undefined;
}

const hint = (field: string, old: string) =>
  `keep ${field} at ${old} or more: CloudNativePG grows volumes but never shrinks them. To use less space, create a Cluster under a new name with the smaller size, move the data to it (bootstrap from a backup or pg_basebackup), then remove the old one`;

/** validateStorageConfigurationChange: only a size smaller than the old one is refused; an unreadable size is not judged. */
function storageChange(path: string, field: string, old: StorageConfiguration | undefined, neu: StorageConfiguration | undefined): ImmutableChange[] {
  const o = sizeOrNil(old);
  const n = sizeOrNil(neu);
  if (!o || !n || cmpDec(asDec(o.q), asDec(n.q)) < 1) return [];
  return [
    {
      path,
      message: `Invalid value: "${n.text}": can't shrink existing storage from ${o.text} to ${n.text}`,
      fn: 'CloudNativePG admission webhook, validateStorageConfigurationChange',
      hint: hint(field, o.text),
    },
  ];
}

/** The storage changes of a CloudNativePG Cluster that its webhook refuses on update. */
export function cnpgClusterChanges(old: Record<string, any>, neu: Record<string, any>): ImmutableChange[] {
  if (!isCnpgCluster(old) || !isCnpgCluster(neu)) return [];
  const o = old.spec ?? {};
  const n = neu.spec ?? {};
  const out: ImmutableChange[] = [...storageChange('spec.storage', 'spec.storage.size', o.storage, n.storage)];
  // validateWalStorageChange
  if (o.walStorage) {
    if (!n.walStorage)
      out.push({
        path: 'spec.walStorage',
        message: 'Invalid value: "null": walStorage cannot be disabled once configured',
        fn: 'CloudNativePG admission webhook, validateWalStorageChange',
        hint: 'keep spec.walStorage: a Cluster keeps its WAL volume for life; to go without one, create a Cluster under a new name and move the data to it',
      });
    else out.push(...storageChange('spec.walStorage', 'spec.walStorage.size', o.walStorage, n.walStorage));
  }
  // validateTablespacesChange: by name, reported at the old list's index as upstream does
  const oldSpaces: { name?: string; storage?: StorageConfiguration }[] = Array.isArray(o.tablespaces) ? o.tablespaces : [];
  if (oldSpaces.length && !Array.isArray(n.tablespaces))
    out.push({
      path: 'spec.tablespaces',
      message: 'Invalid value: "null": tablespaces section cannot be deleted once created',
      fn: 'CloudNativePG admission webhook, validateTablespacesChange',
      hint: 'keep spec.tablespaces as the branch has it: a tablespace is never removed from a Cluster',
    });
  else
    oldSpaces.forEach((space, i) => {
      const now = (n.tablespaces as { name?: string; storage?: StorageConfiguration }[]).find((t) => t?.name === space.name);
      if (now) out.push(...storageChange(`spec.tablespaces[${i}]`, `the storage size of tablespace ${space.name}`, space.storage, now.storage));
      else
        out.push({
          path: `spec.tablespaces[${i}]`,
          message: `no tablespace can be deleted once created (${space.name})`,
          fn: 'CloudNativePG admission webhook, validateTablespacesChange',
          hint: `keep tablespace ${space.name} in spec.tablespaces: a tablespace is never removed from a Cluster`,
        });
    });
  return out;
}
