// ExternalSecrets for the data tier and the per-environment SecretStore they read.
// No credential is ever rendered: the bases name a remote key, the store (patched
// per environment in overlays/<env>/data) resolves it in-cluster.
import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecret';
import { SecretStore } from '@kubernetes-models/external-secrets/external-secrets.io/v1/SecretStore';
import type { IExternalSecretData } from '@kubernetes-models/external-secrets/external-secrets.io/v1/ExternalSecretData';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import type { KubeObject } from './lib/component.ts';
import { labelsFor } from './lib/labels.ts';
import { syncWave } from './lib/argocd-waves.ts';

/** The namespaced SecretStore every data-tier ExternalSecret reads from. */
export { secretStoreName } from './data-names.ts';
import { secretStoreName } from './data-names.ts';
/** Identity the store authenticates to Vault with (Vault Kubernetes auth, audience-bound token). */
export const secretStoreServiceAccount = 'marquee-secrets';

/**
 * How often ESO re-reads the remote key. A rotated password reaches the
 * Kubernetes Secret within this interval (consumers pick it up on restart).
 */
export const refreshInterval = '1h';

export interface SecretKeyRef {
  /** Remote key in the store (Vault KV path under the environment's mount), e.g. `postgres-admin`. */
  readonly remoteKey: string;
  /** Property of the remote key, e.g. `password`. */
  readonly property: string;
}

export interface ExternalSecretProps {
  /** Name of the ExternalSecret and of the Kubernetes Secret it produces. */
  readonly name: string;
  readonly labels: Record<string, string>;
  /** Secret key → where its value comes from. */
  readonly data: Readonly<Record<string, SecretKeyRef>>;
  /**
   * Render the Secret from a ConfigMap template (ESO template engine v2) instead of
   * copying `data` through. Each listed ConfigMap key becomes a Secret key.
   */
  readonly templateFrom?: { readonly configMap: string; readonly keys: readonly string[] };
}

const keyPattern = /^[-._a-zA-Z0-9]+$/;

export function externalSecretFor(p: ExternalSecretProps): ExternalSecret {
  const entries = Object.entries(p.data);
  if (!entries.length) throw new Error(`generators/external-secrets.ts: ExternalSecret ${p.name}: data is empty`);
  for (const [key, ref] of entries) {
    if (!keyPattern.test(key)) throw new Error(`generators/external-secrets.ts: ExternalSecret ${p.name}: data key "${key}" is not a valid Secret key`);
    if (!ref.remoteKey || !ref.property)
      throw new Error(`generators/external-secrets.ts: ExternalSecret ${p.name}: data.${key} needs remoteKey and property`);
  }
  const data: IExternalSecretData[] = entries.map(([secretKey, ref]) => ({
    secretKey,
    remoteRef: { key: ref.remoteKey, property: ref.property },
  }));
  return new ExternalSecret({
    metadata: { name: p.name, labels: p.labels, annotations: syncWave('secrets') },
    spec: {
      refreshInterval,
      secretStoreRef: { kind: 'SecretStore', name: secretStoreName },
      target: {
        name: p.name,
        creationPolicy: 'Owner',
        // Deleting the ExternalSecret (or losing the store) must not delete a Secret a database depends on.
        deletionPolicy: 'Retain',
        template: {
          engineVersion: 'v2',
          mergePolicy: 'Replace',
          metadata: { labels: p.labels },
          ...(p.templateFrom
            ? {
                templateFrom: [
                  { configMap: { name: p.templateFrom.configMap, items: p.templateFrom.keys.map((key) => ({ key, templateAs: 'Values' as const })) } },
                ],
              }
            : {}),
        },
      },
      data,
    },
  });
}

/** `<name>` with keys `username` and `password` from the remote key of the same name. */
export function credentialsSecret(name: string, labels: Record<string, string>): ExternalSecret {
  return externalSecretFor({
    name,
    labels,
    data: {
      username: { remoteKey: name, property: 'username' },
      password: { remoteKey: name, property: 'password' },
    },
  });
}

/**
 * The per-environment SecretStore: Vault KV v2 with Kubernetes auth. The base
 * holds neutral values; every overlay's data/ patches server, mount and role.
 */
export function secretStoreObjects(): KubeObject[] {
  const labels = labelsFor({ name: 'secret-store', component: 'secrets' });
  return [
    new ServiceAccount({
      metadata: { name: secretStoreServiceAccount, labels, annotations: syncWave('secretStore') },
      // ESO requests its own short-lived token for this account; nothing mounts one.
      automountServiceAccountToken: false,
    }),
    new SecretStore({
      metadata: { name: secretStoreName, labels, annotations: syncWave('secretStore') },
      spec: {
        provider: {
          vault: {
            server: 'https://vault.marquee.internal:8200',
            // KV v2 mount of the environment (patched per environment: marquee-dev, marquee-test, marquee-prod).
            path: 'marquee',
            version: 'v2',
            auth: {
              kubernetes: {
                mountPath: 'kubernetes',
                role: 'marquee',
                serviceAccountRef: { name: secretStoreServiceAccount, audiences: ['vault'] },
              },
            },
          },
        },
      },
    }),
  ];
}
