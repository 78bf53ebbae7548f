// npm run promote -- --from dev --to test [--push] [--include-target-commits] [--branch <name>] [--no-validate]
// Gitflow promotion by merge: a promotion branch from the target environment's
// branch with the source branch merged in, validated, with a summary of what the
// merge changes in the rendered manifests Argo CD deploys from the target branch.
// --push pushes the branch and opens a pull request with gh (or prints the commands).
// Exit: 0 done (or nothing to promote), 1 refused, 2 usage error.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatPromotion, promote, PromoteError } from './lib/gitflow/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const usage = 'usage: npm run promote -- --from <env> --to <env> [--push] [--include-target-commits] [--branch <name>] [--no-validate]';

let values;
try {
  values = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      push: { type: 'boolean', default: false },
      'include-target-commits': { type: 'boolean', default: false },
      branch: { type: 'string' },
      'no-validate': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
} catch (e) {
  console.error(`promote: ${(e as Error).message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (!values.from || !values.to) {
  console.error(`promote: --from and --to are required\n${usage}`);
  process.exit(2);
}
try {
  const r = await promote({
    root,
    from: values.from,
    to: values.to,
    push: values.push,
    includeTargetCommits: values['include-target-commits'],
    branch: values.branch,
    validate: values['no-validate'] ? 'skip' : 'auto',
  });
  console.log(formatPromotion(r, values.from, values.to));
} catch (e) {
  if (!(e instanceof PromoteError)) throw e;
  console.error(`promote: refused: ${e.message}`);
  process.exit(1);
}
