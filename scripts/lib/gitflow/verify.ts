// `npm run promote -- --verify --env prod`: prove from the clone alone that what an
// environment's branch holds came through the environment before it. The newest promotion
// record (evidence.ts) reachable from the branch names the source commit; the record's
// rendered digests are re-derived by rendering the recorded commit; the source commit must
// carry the earlier environment's own record (validate `ok`, digests re-derived) when that
// environment is promoted into, and the branch's shared part (every file outside the
// environment's own overlay) must be byte-identical to that record's tree: what the earlier
// environment validated. `--rollback` prepares the revert to
// the last verified promotion: a branch and the exact pull-request commands.
import { writeFileSync } from 'node:fs';
import { environments, envNames, type EnvName } from '../../../generators/environments.ts';
import { promotionOrder } from '../../../generators/argocd/delivery.ts';
import { branchExists, git, isAncestor, resolveBranch, resolveCommit, withWorktree } from '../plumbing/git.ts';
import { commandLine } from '../plumbing/process.ts';
import { defaultTargets, renderTargets } from '../kustomize/index.ts';
import { diffTarget } from '../review/index.ts';
import { ownPart, promotionRecords, renderedDigests, sharedFiles, TRAILER, type EvidenceOptions, type PromotionRecord } from './evidence.ts';
import { PromoteError, pullRequestBodyFile } from './promote.ts';

export interface VerifyResult {
  readonly env: EnvName;
  readonly branch: string;
  readonly head: string;
  /** The promotion record the branch is checked against (undefined when there is none). */
  readonly record?: PromotionRecord;
  /** The rollback commit the record was chosen by, when the branch was rolled back. */
  readonly rolledBackBy?: string;
  /** Everything that failed, each naming the file, object or digest; empty = verified. */
  readonly problems: readonly string[];
  /** What was checked, one line each. */
  readonly checks: readonly string[];
}

function envOf(name: string): EnvName {
  if (!envNames.includes(name as EnvName)) throw new PromoteError(`--env ${name}: unknown environment (one of ${envNames.join(', ')})`);
  const env = name as EnvName;
  if (promotionOrder.indexOf(env) === 0) throw new PromoteError(`--env ${env}: the first environment is not promoted into; nothing to verify`);
  return env;
}

/** The record the branch should match: the newest promotion, or the one a newer rollback returned to. */
async function currentRecord(root: string, head: string, env: EnvName): Promise<{ record?: PromotionRecord; rolledBackBy?: string; all: PromotionRecord[] }> {
  const all = await promotionRecords(root, head, env);
  const out = await git(root, 'log', '-1', '--format=%H%x00%B', `--grep=^${TRAILER.rollback}: ${env} `, head, '--');
  if (out.trim()) {
    const [sha, body] = out.split('\0');
    const to = body!.match(new RegExp(`^${TRAILER.rollback}: ${env} ([0-9a-f]{40})`, 'm'))?.[1];
    const newest = all[0];
    const target = all.find((r) => r.commit === to);
    if (target && (!newest || (await isAncestor(root, newest.commit, sha!)))) return { record: target, rolledBackBy: sha, all };
  }
  return { record: all[0], all };
}

/**
 * Re-render a record's commit and compare each recorded digest; problems returned, matches added to `checks`.
 * With the render cache (the default) a unit whose inputs match a kept render is taken from it;
 * `cache: false` runs kustomize for every unit.
 */
async function rederive(root: string, record: PromotionRecord, checks: string[], opts: EvidenceOptions): Promise<string[]> {
  const units = Object.keys(record.rendered);
  if (!units.length) return [`the record ${record.commit.slice(0, 7)} (${record.from} → ${record.to}) has no ${TRAILER.rendered} digest`];
  const problems: string[] = [];
  const derived = await withWorktree(root, record.commit, (dir) => renderedDigests(dir, units, opts).then((d) => d.digests)).catch((e: Error) => {
    problems.push(`re-rendering ${record.commit.slice(0, 7)} failed: ${e.message}`);
    return undefined;
  });
  for (const u of derived ? units : []) {
    if (derived![u] === record.rendered[u]) checks.push(`rendered ${u} at ${record.commit.slice(0, 7)}: ${record.rendered[u]} (re-derived)`);
    else problems.push(`rendered ${u} at ${record.commit.slice(0, 7)} is ${derived![u] ?? 'missing'}, the record says ${record.rendered[u]}`);
  }
  return problems;
}

export async function verifyPromotion(root: string, envName: string, opts: EvidenceOptions = {}): Promise<VerifyResult> {
  const env = envOf(envName);
  const branch = environments[env].branch;
  const head = await resolveBranch(root, branch);
  if (!head) throw new PromoteError(`branch ${branch} (environment ${env}) does not exist locally or as origin/${branch}; git fetch origin ${branch}`);
  const { record, rolledBackBy } = await currentRecord(root, head, env);
  const problems: string[] = [];
  const checks: string[] = [];
  if (!record) {
    problems.push(`${branch} (${env}) has no promotion record (a commit with a ${TRAILER.promotion}: … -> ${env} trailer); it was never promoted with npm run promote, or a merge dropped the record`);
    return { env, branch, head, problems, checks };
  }
  const from = record.from;
  const fromBranch = environments[from].branch;
  checks.push(`record ${record.commit.slice(0, 7)}: ${from} → ${env}, source ${record.source.slice(0, 7)}, validate ${record.validate}`);
  // 1. The source commit is in this clone and on the earlier environment's branch: it went through it.
  const fromHead = await resolveBranch(root, fromBranch);
  if (!(await resolveCommit(root, record.source))) problems.push(`the recorded source ${record.source} is not in this clone (git fetch origin ${fromBranch})`);
  else if (!fromHead || !(await isAncestor(root, record.source, fromHead))) problems.push(`the recorded source ${record.source.slice(0, 7)} is not on ${fromBranch} (${from}): it did not come through ${from}`);
  else checks.push(`source ${record.source.slice(0, 7)} is on ${fromBranch} (${from})`);
  if (!record.validate.startsWith('ok')) problems.push(`the promotion was not validated (${TRAILER.validate}: ${record.validate || 'missing'})`);
  // 2. The recorded rendered digests, re-derived from the recorded commit.
  problems.push(...(await rederive(root, record, checks, opts)));
  // 3. What the earlier environment validated. When it is itself promoted into (test, not dev),
  // its own newest promotion record reachable from the source commit is the evidence that the
  // commit it ran was validated there: that record must exist, say `ok`, and its rendered
  // digests must re-derive; its tree is the reference. For the first environment (nothing is
  // promoted into it) the reference is the source commit itself.
  let reference: { rev: string; what: string } | undefined;
  if (await resolveCommit(root, record.source)) {
    if (promotionOrder.indexOf(from) === 0) reference = { rev: record.source, what: `what ${from} ran (${fromBranch} ${record.source.slice(0, 7)})` };
    else {
      const upstream = (await promotionRecords(root, record.source, from))[0];
      if (!upstream)
        problems.push(`${fromBranch} ${record.source.slice(0, 7)} (what ${from} ran) carries no promotion record into ${from} (${TRAILER.promotion}: … -> ${from}): nothing shows it was validated in ${from}`);
      else {
        checks.push(`${from} ran ${record.source.slice(0, 7)}; its promotion record ${upstream.commit.slice(0, 7)}: ${upstream.from} → ${from}, validate ${upstream.validate || 'missing'}`);
        if (!upstream.validate.startsWith('ok'))
          problems.push(`the promotion into ${from} (${upstream.commit.slice(0, 7)}) was not validated (${TRAILER.validate}: ${upstream.validate || 'missing'}): what ${env} runs was never validated in ${from}`);
        problems.push(...(await rederive(root, upstream, checks, opts)));
        reference = { rev: upstream.commit, what: `what ${from} validated (${fromBranch} ${upstream.commit.slice(0, 7)}, promotion record)` };
      }
    }
  }
  // 4. The shared part now on the branch is byte-identical to the reference.
  if (reference) {
    const [now, was] = await Promise.all([sharedFiles(root, head, env), sharedFiles(root, reference.rev, env)]);
    const changed = [...new Set([...now.keys(), ...was.keys()])].filter((p) => now.get(p) !== was.get(p)).sort();
    if (!changed.length) checks.push(`shared part of ${branch} (everything but ${ownPart(env)}) is byte-identical to ${reference.what}`);
    else {
      const objects = await changedObjects(root, reference.rev, head, env, opts).catch((e: Error) => [`(objects not rendered: ${e.message})`]);
      problems.push(
        `the shared part of ${branch} (${env}) differs from ${reference.what} — changed outside the promotion flow: ` +
          `file(s) ${changed.slice(0, 10).join(', ')}${changed.length > 10 ? `, … ${changed.length - 10} more` : ''}` +
          (objects.length ? `; object(s) ${objects.slice(0, 10).join(', ')}${objects.length > 10 ? `, … ${objects.length - 10} more` : ''}` : ''),
      );
    }
  }
  return { env, branch, head, record, rolledBackBy, problems, checks };
}

/** Objects of the environment's render that differ between two commits (the review engine). */
async function changedObjects(root: string, a: string, b: string, env: EnvName, opts: EvidenceOptions): Promise<string[]> {
  const render = (rev: string) => withWorktree(root, rev, async (dir) => (await renderTargets(dir, defaultTargets(dir, [env]), { cache: opts.cache ?? true }))[0]);
  const [x, y] = await Promise.all([render(a), render(b)]);
  const target = defaultTargets(root, [env])[0]!;
  const d = diffTarget(target, x, y);
  return [...d.changed.map((c) => c.ref), ...d.added.map((o) => `+${o.ref}`), ...d.removed.map((o) => `-${o.ref}`)];
}

export function formatVerify(v: VerifyResult): string {
  const lines = [`verify ${v.env}: ${v.branch} ${v.head.slice(0, 7)}${v.rolledBackBy ? ` (rolled back by ${v.rolledBackBy.slice(0, 7)})` : ''}`, ...v.checks.map((c) => `  ok   ${c}`), ...v.problems.map((p) => `  FAIL ${p}`)];
  lines.push(v.problems.length ? `verify ${v.env}: FAILED (${v.problems.length} problem(s))` : `verify ${v.env}: verified — what ${v.branch} holds came through ${v.record?.from}`);
  return lines.join('\n');
}

export interface RollbackResult {
  readonly env: EnvName;
  readonly branch: string;
  /** The promotion record rolled back to. */
  readonly to: PromotionRecord;
  readonly commit: string;
  readonly next: readonly string[];
}

const stamp = (d: Date): string => d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/**
 * Prepare the revert to the last verified promotion: when the branch no longer holds the
 * newest promotion's tree, back to that one; else back to the one before it. A branch off the
 * environment's branch with one commit restoring that tree, and the push / PR commands.
 */
export async function prepareRollback(root: string, envName: string, opts: { now?: Date; remote?: string; branch?: string; cache?: boolean } = {}): Promise<RollbackResult> {
  const env = envOf(envName);
  const envBranch = environments[env].branch;
  const head = await resolveBranch(root, envBranch);
  if (!head) throw new PromoteError(`branch ${envBranch} (environment ${env}) does not exist; git fetch origin ${envBranch}`);
  const { record, all } = await currentRecord(root, head, env);
  if (!record) throw new PromoteError(`${envBranch} (${env}) has no promotion record to roll back to`);
  const tree = async (rev: string) => (await git(root, 'rev-parse', `${rev}^{tree}`)).trim();
  const headTree = await tree(head);
  let to: PromotionRecord | undefined;
  for (const r of all.slice(all.indexOf(record))) {
    if ((await tree(r.commit)) === headTree) continue;
    // verified: the record's rendered digests re-derive from its commit
    if (!(await rederive(root, r, [], { cache: opts.cache })).length) {
      to = r;
      break;
    }
  }
  if (!to) throw new PromoteError(`no earlier verified promotion into ${env} on ${envBranch} to roll back to`);
  const branch = opts.branch ?? `rollback/${env}-${stamp(opts.now ?? new Date())}`;
  if (await branchExists(root, branch)) throw new PromoteError(`branch ${branch} already exists; delete it or pass --branch <name>`);
  const subject = `Roll back ${env} to the promotion ${to.commit.slice(0, 7)} (${to.from} → ${env}, source ${to.source.slice(0, 7)})`;
  const message = `${subject}\n\n${TRAILER.rollback}: ${env} ${to.commit}`;
  const commit = (await git(root, 'commit-tree', await tree(to.commit), '-p', head, '-m', message)).trim();
  await git(root, 'branch', branch, commit);
  const bodyFile = pullRequestBodyFile(root, branch);
  writeFileSync(bodyFile, `${subject}.\n\nRestores exactly the tree of ${to.commit} on \`${envBranch}\`. Back-merge nothing: the restored files are versions ${environments[to.from].branch} already had.\n\n${TRAILER.rollback}: ${env} ${to.commit}\n`);
  const remote = opts.remote ?? 'origin';
  const next = [commandLine('git', ['push', '-u', remote, branch]), commandLine('gh', ['pr', 'create', '--base', envBranch, '--head', branch, '--title', subject, '--body-file', bodyFile])];
  return { env, branch, to, commit, next };
}

export function formatRollback(r: RollbackResult): string {
  return [`rollback ${r.env}: branch ${r.branch} (${r.commit.slice(0, 7)}) restores the promotion ${r.to.commit.slice(0, 7)} (source ${r.to.source.slice(0, 7)})`, 'next:', ...r.next.map((c) => `  ${c}`)].join('\n');
}
