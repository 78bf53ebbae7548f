// Argo CD emulation, the one entry point: ApplicationSets expanded offline (generators.ts:
// list, matrix, merge, git, clusters, pull-request; gotemplate.ts: Go templates with Sprig,
// template-functions.ts: the names upstream defines; fasttemplate.ts: goTemplate: false;
// glob.ts: path and project globs), AppProject rules (project.ts), the model schemas (models.ts), a
// revision on disk (snapshot.ts), the preview (preview.ts), its table (format.ts) and
// validate's Argo CD step (check.ts). Gitflow is not here: scripts/lib/gitflow.
export { checkApplicationSets, checkRenderedObjects, previewApplicationSets, type CheckOptions, type PreviewResult, type PullRequestFixture } from './preview.ts';
export { formatPreviewTable, parsePullRequests } from './format.ts';
export { checkWorkingTree } from './check.ts';
