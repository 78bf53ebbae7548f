// The vocabulary for Kubernetes objects that policies, validate, review, report and
// Gitflow share: the rendered object and where it came from, findings about it, its
// pod template and containers, label selectors, image references, quantities and
// removed API versions, and the nearest known word to a typo. Neutral: it imports nothing from scripts/ or policies/.
export * from './object.ts';
export * from './workload.ts';
export * from './image.ts';
export * from './quantity.ts';
export * from './api-removals.ts';
export * from './kustomization.ts';
export * from './patch-target.ts';
export * from './go-regexp.ts';
export * from './go-duration.ts';
export * from './closest.ts';
export * from './yaml-schema.ts';
export * from './cnpg.ts';
