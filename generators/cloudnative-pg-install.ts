// base/cnpg-system: the CloudNativePG operator and its Barman Cloud plugin, installed once per cluster
// by their own Argo CD Application (generators/argocd/operators.ts). Not part of overlays/platform/<cluster>:
// that overlay sets `namespace: monitoring` on everything, which would move the operator out of
// cnpg-system (the plugin's certificate names barman-cloud.cnpg-system). The vendored manifests
// (vendor/operators/, pinned in generators/vendored.ts) already place everything in cnpg-system and
// carry the sync waves: CRDs -10, the operator and plugin -5.
//
// What the install creates outside cnpg-system, and what it needs but does not bring, is read from
// those manifests, so the AppProject allows exactly that and a new upstream dependency fails generation.
import { readFileSync } from 'node:fs';
import type { Component } from './lib/component.ts';
import { vendored } from './vendored.ts';

const source = 'generators/cloudnative-pg-install.ts';

/** The directory the install Application syncs. */
export const cnpgInstallPath = 'base/cnpg-system';
/** Where the operator and the plugin run (the vendored manifests' namespace). */
export const cnpgSystemNamespace = 'cnpg-system';

/** A kind the install's objects use without installing it: it must already be in the cluster. */
export interface Prerequisite {
  readonly group: string;
  readonly kinds: readonly string[];
  /** What provides it and why the install needs it (shown in the Application's info and docs/data.md). */
  readonly provider: string;
}

/**
 * What the install needs and does not bring. cert-manager is not vendored: its install manifest is not
 * obtainable from the package registries this repository builds from (docs/data.md, "Operator install").
 */
export const cnpgPrerequisites: readonly Prerequisite[] = [
  {
    group: 'cert-manager.io',
    kinds: ['Certificate', 'Issuer'],
    provider: 'cert-manager (v1 API), installed in the cluster by the platform team: the Barman Cloud plugin\'s gRPC server and client certificates are cert-manager Certificates from a self-signed Issuer',
  },
];

interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec?: { readonly group?: string; readonly names?: { readonly kind?: string } };
}

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/** Cluster-scoped kinds the vendored manifests contain (the discovery table for what they use). */
const clusterScoped = new Set([
  '/Namespace',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
]);
/** Groups a Kubernetes API server serves without any CRD. */
const builtInGroups = new Set(['', 'apps', 'rbac.authorization.k8s.io', 'apiextensions.k8s.io', 'admissionregistration.k8s.io', 'policy', 'batch', 'networking.k8s.io']);

/**
 * One document's identity, read from the release manifests' own layout (top-level keys at column 0,
 * two-space indentation, as `kubectl`/kustomize print them). A full YAML parse of the 1.2 MB of CRDs
 * would cost every `npm run generate`; test/generators/cloudnative-pg-install.test.ts checks this
 * reading against the yaml library's.
 */
function identity(doc: string): Manifest | undefined {
  const top = (key: string) => new RegExp(`^${key}: *(\\S+) *$`, 'm').exec(doc)?.[1];
  const inBlock = (block: string, indent: string, key: string) => {
    const m = new RegExp(`^${block}:\\n((?:${indent}.*\\n?|\\n)*)`, 'm').exec(doc);
    return m ? new RegExp(`^${indent}${key}: *(\\S+) *$`, 'm').exec(m[1]!)?.[1] : undefined;
  };
  const apiVersion = top('apiVersion');
  const kind = top('kind');
  const name = inBlock('metadata', '  ', 'name');
  if (!apiVersion || !kind || !name) return undefined;
  const namespace = inBlock('metadata', '  ', 'namespace');
  const spec = kind === 'CustomResourceDefinition' ? { group: inBlock('spec', '  ', 'group'), names: { kind: inBlock('  names', '    ', 'kind') } } : undefined;
  return { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...(spec ? { spec } : {}) };
}

let memo: Manifest[] | undefined;
/** Every object of the vendored operator and plugin manifests (identity fields only). */
export function cnpgInstallObjects(): Manifest[] {
  memo ??= [vendored.cloudnativePg.manifest, vendored.pluginBarmanCloud.manifest].flatMap((file) =>
    readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')
      .split(/^---\s*$/m)
      .map(identity)
      .filter((o): o is Manifest => !!o),
  );
  return memo;
}

/** The cluster-scoped objects the install creates, by group, kind and name (the AppProject allows exactly these). */
export function cnpgClusterScopedObjects(): { group: string; kind: string; name: string }[] {
  return cnpgInstallObjects()
    .filter((o) => clusterScoped.has(`${groupOf(o.apiVersion)}/${o.kind}`) || (!o.metadata.namespace && o.kind === 'Namespace'))
    .map((o) => ({ group: groupOf(o.apiVersion), kind: o.kind, name: o.metadata.name }))
    .sort((a, b) => `${a.group}/${a.kind}/${a.name}`.localeCompare(`${b.group}/${b.kind}/${b.name}`));
}

/**
 * Kinds the install uses that neither Kubernetes nor the install's own CRDs provide, as `group/Kind`.
 * Throws when one is not declared in cnpgPrerequisites (a new upstream dependency must be documented).
 */
export function cnpgExternalKinds(): string[] {
  const objects = cnpgInstallObjects();
  const provided = new Set(objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => `${o.spec?.group}/${o.spec?.names?.kind}`));
  const used = [...new Set(objects.map((o) => `${groupOf(o.apiVersion)}/${o.kind}`))].filter((k) => !builtInGroups.has(k.slice(0, k.lastIndexOf('/'))) && !provided.has(k)).sort();
  const declared = new Set(cnpgPrerequisites.flatMap((p) => p.kinds.map((k) => `${p.group}/${k}`)));
  const undeclared = used.filter((k) => !declared.has(k));
  if (undeclared.length)
    throw new Error(
      `${source}: the vendored operator manifests (${vendored.cloudnativePg.manifest}, ${vendored.pluginBarmanCloud.manifest}) use ${undeclared.join(', ')}, which neither Kubernetes nor the install provides; add it to cnpgPrerequisites with what provides it, and to docs/data.md`,
    );
  const unused = [...declared].filter((k) => !used.includes(k));
  if (unused.length) throw new Error(`${source}: cnpgPrerequisites declares ${unused.join(', ')}, which the vendored manifests no longer use; remove it`);
  return used;
}

export function cnpgInstallComponent(): Component {
  cnpgExternalKinds();
  return {
    dir: cnpgInstallPath,
    source,
    objects: [],
    kustomization: {
      resources: ['../../vendor/operators/cloudnative-pg', '../../vendor/operators/plugin-barman-cloud'],
      // A CRD removed from a future release (or from this list) must never be pruned: deleting a CRD deletes
      // every object of its kind, every Cluster and its data with it. Removing one is a manual step.
      patches: [
        {
          target: { kind: 'CustomResourceDefinition' },
          patch: 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: any\n  annotations:\n    argocd.argoproj.io/sync-options: Prune=false,Delete=false\n',
        },
      ],
    },
  };
}
