// The generator registry: every component marquee emits, in one list.
// `npm run generate` writes them; `npm run validate` checks the committed files equal them.
import { namespaceComponent } from './namespace.ts';
import { serviceComponents } from './services.ts';
import { dataComponents } from './data.ts';
import { monitoringComponents } from './monitoring/index.ts';
import { argocdComponents } from './argocd/index.ts';
import { repoFiles } from './repo-files.ts';
import { rolloutsInstallComponent } from './rollouts/install.ts';
import { canaryComponents } from './rollouts/canary.ts';
import { renderComponent, type Component, type FileMap } from './lib/component.ts';
import { checkEnvironments } from './environments-check.ts';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Directories owned entirely by the generators: files in them that are not generated are stale. */
export const generatedRoots = ['base', 'argocd'] as const;

export function components(): Component[] {
  return [namespaceComponent(), ...serviceComponents(), ...dataComponents(), ...monitoringComponents(), rolloutsInstallComponent(), ...canaryComponents(), ...argocdComponents()];
}

/**
 * Every generated file, in memory (with the generated regions of hand-written files under
 * `root`). Throws (naming the generator and field) before anything is written.
 */
export function generate(root: string = repoRoot): FileMap {
  checkEnvironments();
  const out: FileMap = new Map();
  for (const c of components()) renderComponent(c, out);
  for (const [path, content] of Object.entries(repoFiles(root))) out.set(path, content);
  return out;
}
