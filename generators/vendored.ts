// The one place that pins the vendored operators (vendor/README.md): CRD folders (vendor/crds/<project>/), install
// manifests (vendor/operators/<project>/) and the images the platform overlays run.
// Bump a version here, replace the vendored files from the same release tag, run the tests.

export interface VendoredProject {
  /** GitHub repository the files were taken from, unmodified, at `tag`. */
  readonly repo: string;
  readonly tag: string;
  /** CRD folder under vendor/crds/. */
  readonly crds: string;
  /** Install manifest under vendor/operators/. */
  readonly manifest: string;
  /** Release images, pinned by tag (the tag's manifest may name a development build). */
  readonly images: Readonly<Record<string, string>>;
}

export const vendored = {
  cloudnativePg: {
    repo: 'cloudnative-pg/cloudnative-pg',
    tag: 'v1.30.0',
    crds: 'vendor/crds/cloudnative-pg',
    manifest: 'vendor/operators/cloudnative-pg/cnpg-1.30.0.yaml',
    images: { operator: 'ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0' },
  },
  pluginBarmanCloud: {
    repo: 'cloudnative-pg/plugin-barman-cloud',
    tag: 'v0.14.0',
    crds: 'vendor/crds/plugin-barman-cloud',
    manifest: 'vendor/operators/plugin-barman-cloud/manifest.yaml',
    images: {
      plugin: 'ghcr.io/cloudnative-pg/plugin-barman-cloud:v0.14.0',
      sidecar: 'ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar:v0.14.0',
    },
  },
} as const satisfies Record<string, VendoredProject>;

/** CRDs vendored for validation only (validate checks these kinds against them; the operators are installed elsewhere). */
export interface VendoredCrds {
  readonly repo: string;
  readonly tag: string;
  /** CRD folder under vendor/crds/, the release's files unmodified with its LICENSE. */
  readonly crds: string;
  /** Where in the tag the files are. */
  readonly from: string;
  /** The kinds the folder's CRDs define (test/vendor/crds.test.ts compares). */
  readonly kinds: readonly string[];
}

export const vendoredCrds = {
  argoCd: {
    repo: 'argoproj/argo-cd',
    tag: 'v3.5.1',
    crds: 'vendor/crds/argo-cd',
    from: 'manifests/crds',
    kinds: ['AppProject', 'Application', 'ApplicationSet'],
  },
  externalSecrets: {
    repo: 'external-secrets/external-secrets',
    tag: 'v2.9.0',
    crds: 'vendor/crds/external-secrets',
    from: 'deploy/crds/bundle.yaml',
    kinds: [
      'ACRAccessToken', 'BeyondtrustWorkloadCredentialsDynamicSecret', 'CloudsmithAccessToken', 'ClusterExternalSecret', 'ClusterGenerator',
      'ClusterPushSecret', 'ClusterSecretStore', 'ECRAuthorizationToken', 'ExternalSecret', 'Fake', 'GCRAccessToken', 'GeneratorState',
      'GithubAccessToken', 'GitlabDeployToken', 'Grafana', 'MFA', 'Password', 'PushSecret', 'QuayAccessToken', 'SSHKey', 'STSSessionToken',
      'SecretStore', 'UUID', 'VaultDynamicSecret', 'Webhook',
    ],
  },
} as const satisfies Record<string, VendoredCrds>;

/** The PostgreSQL operand image the Clusters run (CloudNativePG's own image, minor pinned). */
export const postgresOperandImage = 'ghcr.io/cloudnative-pg/postgresql:16.6-bookworm';
