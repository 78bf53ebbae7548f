// npm run promote -- --from dev --to test [--push] [--include-target-commits] [--branch <name>] [--no-validate] [--no-cache]
// npm run promote -- --verify --env prod [--no-cache]     npm run promote -- --rollback --env prod [--branch <name>] [--no-cache]
// Gitflow promotion by merge: a promotion branch from the target environment's branch
// holding the source branch's content, validated, with a summary of what changes in the
// rendered manifests Argo CD deploys from the target branch and the evidence trailers.
// --push pushes the branch and opens a pull request with gh (or prints the commands).
// --verify proves from the clone that the environment's branch came through the one before;
// --rollback prepares the revert to the last verified promotion.
// --no-cache: render every unit with kustomize instead of taking unchanged renders from the render
// cache (node_modules/.cache/marquee/render, keyed by the content of every input; docs/delivery.md).
// Exit: 0 done (or nothing to promote, or verified), 1 refused or verification failed, 2 usage error.
import { fileURLToPath } from 'node:url';
import { parseCli } from './lib/plumbing/cli.ts';
import { formatPromotion, formatRollback, formatVerify, prepareRollback, promote, PromoteError, verifyPromotion } from './lib/gitflow/index.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const usage =
  'usage: npm run promote -- --from <env> --to <env> [--push] [--include-target-commits] [--branch <name>] [--no-validate] [--no-cache]\n' +
  '       npm run promote -- --verify --env <env> [--no-cache]\n' +
  '       npm run promote -- --rollback --env <env> [--branch <name>] [--no-cache]';

const { values, positionals, fail } = parseCli('promote', usage, {
  from: { type: 'string' },
  to: { type: 'string' },
  env: { type: 'string' },
  verify: { type: 'boolean', default: false },
  rollback: { type: 'boolean', default: false },
  push: { type: 'boolean', default: false },
  'include-target-commits': { type: 'boolean', default: false },
  branch: { type: 'string' },
  'no-validate': { type: 'boolean', default: false },
  'no-cache': { type: 'boolean', default: false },
});
if (positionals.length) fail(`unexpected argument ${positionals[0]}`);
const check = values.verify || values.rollback;
if (check ? !values.env || values.from || values.to || (values.verify && values.rollback) : !values.from || !values.to)
  fail(check ? '--verify or --rollback takes --env <env> alone' : '--from and --to are required');
const cache = !values['no-cache'];
try {
  if (values.verify) {
    const v = await verifyPromotion(root, values.env!, { cache });
    console.log(formatVerify(v));
    process.exit(v.problems.length ? 1 : 0);
  } else if (values.rollback) {
    console.log(formatRollback(await prepareRollback(root, values.env!, { branch: values.branch, cache })));
  } else {
    const r = await promote({
      root,
      from: values.from!,
      to: values.to!,
      push: values.push,
      includeTargetCommits: values['include-target-commits'],
      branch: values.branch,
      validate: values['no-validate'] ? 'skip' : 'auto',
      cache,
    });
    console.log(formatPromotion(r, values.from!, values.to!));
  }
} catch (e) {
  if (!(e instanceof PromoteError)) throw e;
  console.error(`promote: refused: ${e.message}`);
  process.exit(1);
}
