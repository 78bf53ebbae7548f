// A SecretStore (or ClusterSecretStore) must read the Vault of the cluster it runs on, through that
// cluster's Kubernetes auth mount, and an environment's store its own KV mount (marquee-<env>). The
// usual way to break this is to copy another environment's or cluster's secret-store patch: its
// ExternalSecrets then never sync, and the pods reading their Secrets never start. The same check
// serves the data overlays (data-tier.ts) and the platform overlays (environment.ts).
import { clusters, type ClusterName } from '../../generators/environments.ts';

export interface StoreIssue {
  /** The first wrong field: the finding is placed at its line, the others are named in the message. */
  readonly path: string;
  /** Starts with the fields (`spec.provider.vault.server is …`); the caller names the store where it must. */
  readonly message: string;
  readonly hint: string;
}

export const storeKinds: readonly string[] = ['SecretStore', 'ClusterSecretStore'];

/**
 * Whether `written` is the Vault address `want` as Vault's client reaches it: hashicorp/vault api/client.go
 * (Client.NewRequest) builds each request's path with path.Join(addr.Path, requestPath), so a trailing slash is
 * dropped; scheme and host are case-insensitive (net/url, WHATWG URL here).
 */
function sameVaultAddress(written: unknown, want: string): boolean {
  if (written === want) return true;
  if (typeof written !== 'string') return false;
  const trim = (p: string) => p.replace(/\/+$/, '');
  try {
    const [a, b] = [new URL(written), new URL(want)];
    return a.origin === b.origin && trim(a.pathname) === trim(b.pathname) && a.search === b.search && a.hash === b.hash;
  } catch {
    return false;
  }
}

/**
 * What is wrong with a Vault-backed store on `cluster` (and, for an environment, expected to read KV mount
 * `mount`); undefined when it points where it should, or does not use Vault. `where` names the overlay in the message.
 */
export function storeIssue(store: Record<string, any>, expected: { readonly cluster: ClusterName; readonly mount?: string; readonly where: string }): StoreIssue | undefined {
  const vault = store['spec']?.provider?.vault;
  if (!vault || typeof vault !== 'object') return undefined;
  const want = clusters[expected.cluster].vault;
  const checks: [path: string, written: unknown, expected: string][] = [
    ['spec.provider.vault.server', vault.server, want.server],
    ...(expected.mount !== undefined ? [['spec.provider.vault.path', vault.path, expected.mount] as [string, unknown, string]] : []),
    ['spec.provider.vault.auth.kubernetes.mountPath', vault.auth?.kubernetes?.mountPath, want.kubernetesAuthMountPath],
  ];
  const wrong = checks.filter(([path, written, value]) => (path === 'spec.provider.vault.server' ? !sameVaultAddress(written, value) : written !== value));
  if (!wrong.length) return undefined;
  // a value that names another cluster says where the store was copied from
  const other = (Object.keys(clusters) as ClusterName[]).find(
    (c) => c !== expected.cluster && wrong.some(([, written]) => sameVaultAddress(written, clusters[c].vault.server) || written === clusters[c].vault.kubernetesAuthMountPath),
  );
  const list = wrong.map(([path, written]) => `${path} is ${JSON.stringify(written ?? null)}`).join(', ');
  const copied = other ? `: these are cluster ${other}'s (copied from its overlay?)` : '';
  const why = expected.mount && wrong.some(([p]) => p === 'spec.provider.vault.path') ? `; ${expected.where} must read its own mount ${expected.mount}` : '';
  return {
    path: wrong[0]![0],
    message: `${list} in ${expected.where} on cluster ${expected.cluster}${copied}${why}: its ExternalSecrets would read the wrong Vault and never sync`,
    hint: `write ${wrong.map(([path, , value]) => `${path.slice('spec.provider.vault.'.length)}: ${value}`).join(', ')} (cluster ${expected.cluster}'s Vault: clusters.${expected.cluster}.vault in generators/environments.ts)`,
  };
}
