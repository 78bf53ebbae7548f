// Gitflow, the one entry point: promotion by merge (promote.ts) with evidence trailers
// (evidence.ts), the one rule of what a branch holds that the one before lacks (content.ts)
// used by promote and by the branch checks of `validate --branches` and the report
// (branches.ts), --verify and --rollback (verify.ts), and image updates of an overlay
// (set-image.ts). The Argo CD emulation is scripts/lib/argocd; the diff it shows is
// scripts/lib/review.
export { formatPromotion, promote, PromoteError, type PromoteOptions, type PromoteResult } from './promote.ts';
export { checkBranches, type BranchReport } from './branches.ts';
export { formatRollback, formatVerify, prepareRollback, verifyPromotion } from './verify.ts';
export { setImage, SetImageError, type SetImageOptions, type SetImageResult } from './set-image.ts';
