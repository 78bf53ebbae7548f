// Gitflow, the one entry point: promotion by merge (promote.ts), the branch checks of
// `validate --branches` and the report (branches.ts), and image updates of an overlay
// (set-image.ts). The Argo CD emulation is scripts/lib/argocd; the diff it shows is
// scripts/lib/review.
export { formatPromotion, promote, PromoteError, type PromoteOptions, type PromoteResult } from './promote.ts';
export { checkBranches, type BranchReport } from './branches.ts';
export { setImage, SetImageError, type SetImageOptions, type SetImageResult } from './set-image.ts';
