// Facts the policies check against, kept as documented data (not logic).

/**
 * Cluster-scoped kinds: `kubectl api-resources --namespaced=false` on Kubernetes 1.31
 * (core and built-in groups), plus the CRDs marquee's stack installs (Argo CD,
 * External Secrets, Prometheus Operator cluster-wide kinds). A kind missing here is
 * treated as namespaced, which errs towards checking its namespace.
 */
export const clusterScopedKinds: ReadonlySet<string> = new Set([
  // core/v1
  'Namespace', 'Node', 'PersistentVolume', 'ComponentStatus',
  // rbac.authorization.k8s.io/v1
  'ClusterRole', 'ClusterRoleBinding',
  // admissionregistration.k8s.io/v1
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding',
  // apiextensions.k8s.io/v1, apiregistration.k8s.io/v1
  'CustomResourceDefinition', 'APIService',
  // storage.k8s.io/v1
  'StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment',
  // scheduling.k8s.io/v1, node.k8s.io/v1, networking.k8s.io/v1
  'PriorityClass', 'RuntimeClass', 'IngressClass',
  // certificates.k8s.io/v1, flowcontrol.apiserver.k8s.io/v1
  'CertificateSigningRequest', 'FlowSchema', 'PriorityLevelConfiguration',
  // authentication/authorization review kinds (never in Git, listed for completeness)
  'TokenReview', 'SelfSubjectReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview',
  // external-secrets.io
  'ClusterSecretStore', 'ClusterExternalSecret', 'ClusterGenerator',
  // cert-manager.io (commonly paired with ingress-nginx)
  'ClusterIssuer',
]);

/**
 * Registries and repositories images may come from. Our own images are published
 * to GHCR by the image workflow; upstream images come from the projects' official
 * registries only (no Docker Hub mirrors of unknown provenance).
 */
export const allowedImagePrefixes: readonly { readonly prefix: string; readonly why: string }[] = [
  { prefix: 'ghcr.io/marquee-shop/', why: 'marquee images, built and pushed by the image workflow' },
  { prefix: 'quay.io/prometheus/', why: 'Prometheus, Alertmanager, node-exporter: the Prometheus project publishes to quay.io' },
  { prefix: 'quay.io/prometheuscommunity/', why: 'postgres-exporter and other Prometheus community exporters' },
  { prefix: 'quay.io/prometheus-operator/', why: 'prometheus-config-reloader' },
  { prefix: 'registry.k8s.io/', why: 'Kubernetes SIG images (kube-state-metrics)' },
  { prefix: 'docker.io/grafana/', why: 'Grafana Labs publishes grafana/grafana on Docker Hub' },
  { prefix: 'docker.io/library/postgres', why: 'Docker official image, PostgreSQL' },
  { prefix: 'docker.io/library/rabbitmq', why: 'Docker official image, RabbitMQ' },
  { prefix: 'docker.io/amazon/aws-cli', why: 'AWS CLI, published by Amazon (backup upload to object storage)' },
  { prefix: 'quay.io/argoproj/', why: 'Argo CD images' },
  { prefix: 'ghcr.io/external-secrets/', why: 'External Secrets Operator' },
];

/**
 * Tags that name a moving target rather than a release: `latest` and branch or
 * channel names. A Git commit that does not change cannot pin what they resolve to.
 */
export const mutableTags: ReadonlySet<string> = new Set([
  'latest', 'main', 'master', 'develop', 'development', 'dev', 'release', 'staging', 'stage', 'test', 'testing', 'prod',
  'production', 'stable', 'edge', 'nightly', 'canary', 'head', 'trunk', 'snapshot', 'current', 'beta', 'alpha', 'next', 'unstable',
]);
/** Tag shapes that are branch-like: `feature-x`, `branch-main`, `pr-12`, `*-snapshot`, `*-latest`. */
export const mutableTagPatterns: readonly RegExp[] = [
  /^(feature|feat|fix|bugfix|hotfix|branch|pr)[-_/]/i,
  /[-_.](latest|snapshot|nightly|edge|dev)$/i,
];

/** Kubernetes minor as a number: `1.31` → 31. */
export const minorOf = (v: string): number => Number(v.split('.')[1]);

/**
 * When an API version was deprecated, from the Kubernetes deprecation guide
 * (https://kubernetes.io/docs/reference/using-api/deprecation-guide/) and the release
 * notes. Removal versions come from scripts/lib/validate/api-removals.ts (the schema
 * step's table); this adds the first minor that deprecated each one, so a policy can
 * warn while the cluster still serves it.
 */
export const apiDeprecations: readonly { readonly apiVersion: string; readonly kinds?: readonly string[]; readonly deprecatedIn: `1.${number}` }[] = [
  { apiVersion: 'extensions/v1beta1', deprecatedIn: '1.8' },
  { apiVersion: 'apps/v1beta1', deprecatedIn: '1.9' },
  { apiVersion: 'apps/v1beta2', deprecatedIn: '1.9' },
  { apiVersion: 'networking.k8s.io/v1beta1', deprecatedIn: '1.19' },
  { apiVersion: 'rbac.authorization.k8s.io/v1beta1', deprecatedIn: '1.17' },
  { apiVersion: 'apiextensions.k8s.io/v1beta1', deprecatedIn: '1.16' },
  { apiVersion: 'admissionregistration.k8s.io/v1beta1', deprecatedIn: '1.16' },
  { apiVersion: 'scheduling.k8s.io/v1beta1', deprecatedIn: '1.14' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], deprecatedIn: '1.19' },
  { apiVersion: 'coordination.k8s.io/v1beta1', deprecatedIn: '1.14' },
  { apiVersion: 'certificates.k8s.io/v1beta1', deprecatedIn: '1.19' },
  { apiVersion: 'batch/v1beta1', kinds: ['CronJob'], deprecatedIn: '1.21' },
  { apiVersion: 'discovery.k8s.io/v1beta1', deprecatedIn: '1.21' },
  { apiVersion: 'events.k8s.io/v1beta1', deprecatedIn: '1.19' },
  { apiVersion: 'autoscaling/v2beta1', deprecatedIn: '1.22' },
  { apiVersion: 'policy/v1beta1', kinds: ['PodDisruptionBudget', 'PodSecurityPolicy'], deprecatedIn: '1.21' },
  { apiVersion: 'node.k8s.io/v1beta1', kinds: ['RuntimeClass'], deprecatedIn: '1.20' },
  { apiVersion: 'autoscaling/v2beta2', deprecatedIn: '1.23' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta1', deprecatedIn: '1.23' },
  { apiVersion: 'storage.k8s.io/v1beta1', kinds: ['CSIStorageCapacity'], deprecatedIn: '1.24' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', deprecatedIn: '1.26' },
  { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', deprecatedIn: '1.29' },
  // Deprecated kinds in still-served versions (no removal scheduled yet).
  { apiVersion: 'v1', kinds: ['ComponentStatus'], deprecatedIn: '1.19' },
  { apiVersion: 'v1', kinds: ['Endpoints'], deprecatedIn: '1.33' },
];

/** Secret-looking names of env vars and config keys. */
export const secretNamePattern = /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|auth[_-]?key|access[_-]?key|client[_-]?secret)/i;

/** Values that are secrets whatever their key (well-known token formats). */
export const secretValuePatterns: readonly { readonly name: string; readonly pattern: RegExp }[] = [
  { name: 'a PEM private key', pattern: /-----BEGIN (?:[A-Z ]+ )?PRIVATE KEY-----/ },
  { name: 'an AWS access key id', pattern: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: 'a GitHub token', pattern: /\b(ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{20,}\b/ },
  { name: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/ },
  { name: 'a Slack webhook URL', pattern: /hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/ },
  { name: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { name: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/ },
  // scheme://user:password@host with a literal password (not a $(VAR) / ${VAR} reference)
  { name: 'a URL with an embedded password', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@$]+:(?![$]\(|[$]\{|\{\{)[^\s@/$]+@/i },
];
