// Model packages lag their CRDs: Argo Rollouts objects are checked against the vendored v1.9.1
// CRD schemas too (vendor/crds/argo-rollouts), strictly, so a misspelt field fails here instead
// of being pruned by the API server.
import { objectPolicy } from '../lib/define.ts';
import { validateAgainstCrd } from '../lib/crd-schema.ts';

export default objectPolicy(
  {
    id: 'rollouts/crd-schema',
    title: 'Argo Rollouts objects are valid against the vendored CRD schemas',
    severity: 'error',
    category: 'rollouts',
    rationale:
      'The API server validates custom resources against their CRD’s openAPIV3Schema and silently prunes unknown fields; a typo in a Rollout (abortScaleDownDelaySecs) would be dropped, not rejected, and the release would behave differently from Git.',
    hint: 'fix the field in generators/rollouts (the CRD files under vendor/crds/argo-rollouts are the reference)',
    kinds: ['Rollout', 'AnalysisTemplate', 'ClusterAnalysisTemplate', 'AnalysisRun', 'Experiment'],
    references: ['kubeconform -strict with CRD schemas', 'Kubernetes structural schemas and pruning'],
  },
  (subject) => {
    const r = validateAgainstCrd(subject.object);
    if (!r) return { message: `no vendored CRD serves ${subject.object.apiVersion} ${subject.object.kind}`, path: 'apiVersion' };
    return r.errors.map((e) => ({ message: `${e.message} (${r.file})`, path: e.path || undefined }));
  },
);
