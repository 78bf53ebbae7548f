// One repository-mode validate in a process of its own, so a caller can bound its time and memory
// and kill it: `node --import tsx validate-repo-child.ts <checkout> <root> <env>`. <checkout> is the
// marquee checkout whose code runs (an older one, to see what a test catches there), <root> the
// tree it validates. Prints one JSON line {exit, findings} and exits 0; an error that is not a
// usage or environment error (the CLI's exit 2) is printed with its stack and exits 3.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [checkout, root, env] = process.argv.slice(2);
if (!checkout || !root || !env) {
  console.error('usage: validate-repo-child.ts <checkout> <root> <env>');
  process.exit(2);
}
const validate = (await import(pathToFileURL(join(checkout, 'scripts/lib/validate/index.ts')).href)) as {
  validateRepo: (opts: { root: string; envs: string[]; skipAppSets?: boolean }) => Promise<{ findings: unknown[]; summary: { errors: number } }>;
};
try {
  const r = await validate.validateRepo({ root, envs: [env], skipAppSets: true });
  console.log(JSON.stringify({ exit: r.summary.errors ? 1 : 0, findings: r.findings }));
} catch (err) {
  // scripts/validate.ts: these are usage or environment errors (exit 2); anything else is internal.
  const name = (err as Error)?.constructor?.name ?? '';
  if (name === 'UsageError' || name === 'KustomizeMissing') console.log(JSON.stringify({ exit: 2, findings: [], message: (err as Error).message }));
  else {
    console.error((err as Error)?.stack ?? String(err));
    process.exit(3);
  }
}
