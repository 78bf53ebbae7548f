// Repository mode of `npm run validate` (the pipeline: kustomize, the generators' drift, Argo CD, the policies); not a
// command. A part of scripts/validate.ts (scripts/launch.mjs: `scripts/<name>.<part>.ts`), bundled on its own, so that
// files mode reads and compiles none of it. Nothing but data and errors crosses between validate's bundle and its
// parts': each holds its own copy of the modules they share (validate.ts tells errors apart by name, not by class).
export { validateRepo } from './lib/validate/pipeline.ts';
