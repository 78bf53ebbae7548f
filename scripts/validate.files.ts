// Files mode of `npm run validate -- <files or folders>` (kubeconform-style: lib/validate/files.ts); not a command. A
// part of scripts/validate.ts (scripts/launch.mjs: `scripts/<name>.<part>.ts`), bundled on its own as repository mode
// is (validate.repo.ts), so that each mode reads and compiles its own code only.
export { earlyPool, validateFiles } from './lib/validate/files.ts';
