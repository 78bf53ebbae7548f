// kustomize, the one module: the pinned binary and how many run at once
// (binary.ts), the targets of a checkout and their parts (targets.ts), the
// kustomization walk and content keys (tree.ts), renders with origins resolved to
// repository files (render.ts, origins.ts), the render cache (render-cache.ts), the
// slim OpenAPI document (openapi.ts), kustomize's output order (order.ts) and the
// names namePrefix / nameSuffix and the content hash wrap an object in (names.ts).
export { KustomizeMissing, kustomizeBinary, kustomizeBuild, kustomizeDigest, kustomizeVersion } from './binary.ts';
export { checkedTargets, defaultTargets, partsOf } from './targets.ts';
export { inputKey, kustomizationTree, type Includes, type KustomizationTree } from './tree.ts';
export { objectsFrom, renderTargets, scratchDir, type RenderOptions, type RenderResult } from './render.ts';
export { kustomizeOrder } from './order.ts';
export { kustomizationEntries, locateKustomizeError, noOpFindings, renderFindings, saveNoOpCache } from './no-ops.ts';
export { readCache, writeCache } from './render-cache.ts';
export { kustomizationOf } from './origins.ts';
export { hashVariants, nameAffixes, namesInside, renderedNames, selectableNames, type NamesAt, type PatchField } from './names.ts';
export { openApiForKinds, slimOpenApiFile } from './openapi.ts';
