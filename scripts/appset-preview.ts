// npm run appset:preview [-- --branch <b>] [--format table|yaml|json] [--tracked] [--worktree] [--prs <file>] [--no-kustomize]
// Expands the ApplicationSets in argocd/ offline and checks every Application they
// generate (schema, revision, path, kustomize build, AppProject rules).
//   --branch    whose argocd/ to expand (default: the current branch)
//   --tracked   read each revision as named (develop, release, main, PR heads) instead of pinning all to --branch
//   --worktree  read the working tree (uncommitted changes) instead of --branch's commit
//   --prs       YAML/JSON list of pull requests for the pull-request generator (see test/fixtures/argocd/prs.yaml)
// Exit: 0 clean, 1 findings, 2 usage error.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCli } from './lib/plumbing/cli.ts';
import { parse, stringify } from 'yaml';
import { currentBranch } from './lib/plumbing/git.ts';
import { previewApplicationSets, type PullRequestFixture } from './lib/argocd/preview.ts';
import { formatPreviewTable, parsePullRequests } from './lib/argocd/format.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const usage = 'usage: npm run appset:preview [-- --branch <b>] [--format table|yaml|json] [--tracked] [--worktree] [--prs <file>] [--no-kustomize]';

const { values, positionals, fail } = parseCli('appset:preview', usage, {
  branch: { type: 'string' },
  format: { type: 'string', default: 'table' },
  tracked: { type: 'boolean', default: false },
  worktree: { type: 'boolean', default: false },
  prs: { type: 'string' },
  'no-kustomize': { type: 'boolean', default: false },
});
if (positionals.length) fail(`unexpected argument ${positionals[0]}`);
if (!['table', 'yaml', 'json'].includes(values.format!)) fail(`--format ${values.format}: expected table, yaml or json`);
if (values.tracked && values.worktree) fail('--tracked and --worktree exclude each other (the working tree has no other revisions)');
const branch = values.branch ?? (await currentBranch(root)) ?? fail('HEAD is detached: pass --branch');
let prs: PullRequestFixture[] | undefined;
if (values.prs) {
  const cwd = process.env.INIT_CWD ?? process.cwd();
  try {
    prs = parsePullRequests(parse(readFileSync(new URL(values.prs, `file://${cwd}/`), 'utf8')), values.prs);
  } catch (e) {
    fail((e as Error).message);
  }
}

const started = performance.now();
const r = await previewApplicationSets({
  root,
  branch,
  prs,
  revisions: values.tracked ? 'tracked' : 'pinned',
  worktree: values.worktree,
  kustomize: !values['no-kustomize'],
});
const ms = Math.round(performance.now() - started);
if (values.format === 'yaml') process.stdout.write(r.applications.map((a) => stringify(a.application, { lineWidth: 0 })).join('---\n'));
else if (values.format === 'json') process.stdout.write(JSON.stringify({ source: r.source, applications: r.applications, findings: r.findings }, null, 2) + '\n');
else process.stdout.write(formatPreviewTable(r) + '\n');
for (const f of r.findings) console.error(`${f.severity} ${f.rule}: ${f.message}${f.hint ? `\n  hint: ${f.hint}` : ''}`);
console.error(
  `appset:preview: ${r.source}${values.tracked ? ' (tracked revisions)' : ' (revisions pinned)'} · ${r.applications.length} Applications · ${r.findings.length} finding(s) · ${(ms / 1000).toFixed(1)} s`,
);
process.exit(r.findings.length ? 1 : 0);
