// The Argo Rollouts release marquee installs and validates against, pinned in one place:
// the controller image tag (base/argo-rollouts), the vendored CRDs (vendor/crds/argo-rollouts)
// and install manifest (vendor/operators/argo-rollouts) are this release's files.
export const argoRollouts = {
  version: 'v1.9.1',
  /** In the tag's install.yaml the image is `:latest`; the release pins the version tag (vendor/README.md). */
  image: 'quay.io/argoproj/argo-rollouts',
} as const;

/** The CRDs the release installs (vendor/crds/argo-rollouts, one file each). */
export const rolloutsCrdNames = [
  'analysisruns.argoproj.io',
  'analysistemplates.argoproj.io',
  'clusteranalysistemplates.argoproj.io',
  'experiments.argoproj.io',
  'rollouts.argoproj.io',
] as const;

/**
 * The label Argo Rollouts puts on every pod it creates (argo-rollouts pkg/apis/rollouts/v1alpha1/types.go
 * DefaultRolloutUniqueLabelKey), and the metric label Prometheus copies it to (generators/monitoring/scrape.ts).
 */
export const rolloutsHashLabel = { pod: 'rollouts-pod-template-hash', metric: 'rollouts_pod_template_hash' } as const;
