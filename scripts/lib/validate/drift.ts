// The drift step: generated files (base/, argocd/) that differ from what the
// generators produce now, as findings naming the first differing line.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../../../kube/index.ts';
import { checkDrift } from '../generated.ts';

export /** Findings for generated files that differ from what the generators produce now. */
async function driftFindings(root: string, cache: boolean): Promise<Finding[]> {
  let result;
  try {
    result = await checkDrift(
      root,
      async () => {
        const gen = await import('../../../generators/index.ts');
        return { files: gen.generate(root), roots: gen.generatedRoots };
      },
      { cache },
    );
  } catch (err) {
    return [{ rule: 'generate', severity: 'error', file: 'generators/index.ts', message: `the generators failed: ${(err as Error).message}`, hint: 'fix the generator input named above, then npm run generate' }];
  }
  const { drift: d, files } = result;
  const out: Finding[] = [];
  for (const file of d.changed) {
    const want = files!.get(file)!.split('\n');
    const have = readFileSync(join(root, file), 'utf8').split('\n');
    let i = 0;
    while (i < want.length && want[i] === have[i]) i++;
    out.push({
      rule: 'drift',
      severity: 'error',
      file,
      line: i + 1,
      message: `generated file differs from what the generators produce (hand-edited, or the generators changed without npm run generate)`,
      hint: 'npm run generate (change the generator or the overlay, never the generated file)',
    });
  }
  for (const file of d.missing) out.push({ rule: 'drift', severity: 'error', file, message: 'generated file is missing', hint: 'npm run generate' });
  for (const file of d.stale) out.push({ rule: 'drift', severity: 'error', file, message: 'file in a generated directory that no generator produces (stale or hand-added)', hint: 'npm run generate removes it; hand-written config belongs in overlays/' });
  return out;
}

