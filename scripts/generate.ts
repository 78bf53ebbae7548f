#!/usr/bin/env -S node --import tsx
// npm run generate: write base/, argocd/ and the generated repo files from generators/.
import { fileURLToPath } from 'node:url';
import { writeGenerated } from './lib/generated.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
let files;
let generatedRoots: readonly string[];
try {
  // imported here, not at the top: a contract mistake met while the generators load is a message too
  const gen = await import('../generators/index.ts');
  generatedRoots = gen.generatedRoots;
  files = gen.generate();
} catch (err) {
  console.error(`generate: ${(err as Error).message}`);
  console.error('generate: nothing was written');
  process.exit(1);
}
const d = writeGenerated(root, files, generatedRoots);
const n = d.changed.length + d.missing.length + d.stale.length;
for (const p of d.missing) console.log(`  added    ${p}`);
for (const p of d.changed) console.log(`  updated  ${p}`);
for (const p of d.stale) console.log(`  removed  ${p}`);
console.log(`generate: ${files.size} files, ${n ? `${n} changed` : 'already up to date'}`);
