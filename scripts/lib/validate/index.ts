// validate, the one entry point: the repository pipeline (pipeline.ts orchestrates
// sources → drift → kustomize → schema → contract and policies → Argo CD → branches),
// files mode (files.ts) and the output formats (output.ts). The steps live beside
// it: sources.ts, drift.ts, schema.ts + field-tree.ts + schema-findings.ts, locate.ts.
export { validateRepo, type RepoOptions, type ValidateResult } from './pipeline.ts';
export { validateFiles } from './files.ts';
export { parseKubernetesVersion, UsageError } from './usage.ts';
export { formats, summaryLine, toJson, toJunit, toSarif, toText, useColor, type Format } from './output.ts';
