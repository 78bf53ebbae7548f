// `promote --verify --env prod` proves that what prod runs was validated in test: the commit
// test ran carries test's own promotion record (rendered digest re-derived, validate `ok`), and
// prod's shared part (everything but overlays/prod/) is byte-identical to that record's tree.
// Each case builds a genuine history in a temporary repository and breaks one link of it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultTargets, inputKey, partsOf } from '../../../scripts/lib/kustomize/index.ts';
import { renderCacheFile } from '../../../scripts/lib/kustomize/render-cache.ts';
import { promote, type PromoteOptions } from '../../../scripts/lib/gitflow/promote.ts';
import { formatVerify, verifyPromotion } from '../../../scripts/lib/gitflow/verify.ts';
import { makeRepo, type TempRepo } from '../../fixtures/argocd/repo.ts';
import { mergePullRequest, pullRequestBody } from '../../helpers/pull-request.ts';

const repos: TempRepo[] = [];
after(() => repos.forEach((r) => r.cleanup()));

const svc = 'overlays/test/services/kustomization.yaml';

/** A repository whose develop has one change waiting for test. */
function changed(): TempRepo {
  const repo = makeRepo();
  repos.push(repo);
  repo.commit('develop', 'config', { [svc]: repo.read(svc).replace('      - LOG_LEVEL=info\n', '      - LOG_LEVEL=info\n      - ROUND=1\n') });
  return repo;
}

const step = async (repo: TempRepo, from: 'dev' | 'test', to: 'test' | 'prod', validate: PromoteOptions['validate'] = ['true']) =>
  promote({ root: repo.root, from, to, gh: null, validate, branch: `promote/${from}-${to}` });

test('a genuine history verifies: prod shared part is what test validated, both records re-derived', async () => {
  const repo = changed();
  mergePullRequest(repo, await step(repo, 'dev', 'test'), 'merge');
  mergePullRequest(repo, await step(repo, 'test', 'prod'), 'merge');
  const v = await verifyPromotion(repo.root, 'prod');
  assert.deepEqual(v.problems, [], formatVerify(v));
  const text = formatVerify(v);
  assert.match(text, /ok {3}test ran \w{7}; its promotion record \w{7}: dev → test, validate ok \(true\)/);
  assert.match(text, /ok {3}rendered test at \w{7}: sha256:[0-9a-f]{64} \(re-derived\)/);
  assert.match(text, /ok {3}rendered prod at \w{7}: sha256:[0-9a-f]{64} \(re-derived\)/);
});

test('a shared file changed on release after test was promoted into fails naming the file and object, though prod took it through release', async () => {
  const repo = changed();
  mergePullRequest(repo, await step(repo, 'dev', 'test'), 'squash');
  // GIVEN a commit made on release directly (test runs it, but no promotion validated it)
  const deployment = 'base/api-gateway/deployment.yaml';
  repo.commit('release', 'edit base on release', { [deployment]: repo.read(deployment).replace('terminationGracePeriodSeconds: 30\n', 'terminationGracePeriodSeconds: 31\n') });
  // WHEN it is promoted on to prod the ordinary way
  mergePullRequest(repo, await step(repo, 'test', 'prod'), 'squash');
  // THEN prod's source is on release, yet verify names what test never validated
  const v = await verifyPromotion(repo.root, 'prod');
  assert.equal(v.problems.length, 1, formatVerify(v));
  assert.match(v.problems[0]!, /^the shared part of main \(prod\) differs from what test validated \(release \w{7}, promotion record\) — changed outside the promotion flow: file\(s\) base\/api-gateway\/deployment\.yaml; object\(s\) Deployment\/marquee-prod\/api-gateway$/);
});

test("fails when test's promotion was not validated: skipped, failing or missing result", async () => {
  const cases: [string, (body: string) => string, RegExp][] = [
    ['skipped', (b) => b, /Marquee-Validate: skipped/],
    ['failing', (b) => b.replace(/^Marquee-Validate: .*$/m, 'Marquee-Validate: failed (npx tsx scripts/validate.ts)'), /Marquee-Validate: failed \(npx tsx scripts\/validate\.ts\)/],
    ['missing', (b) => b.replace(/^Marquee-Validate: .*\n?/m, ''), /Marquee-Validate: missing/],
  ];
  for (const [label, edit, shown] of cases) {
    const repo = changed();
    const r = await step(repo, 'dev', 'test', label === 'skipped' ? 'skip' : ['true']);
    const body = edit(pullRequestBody(r));
    if (label !== 'skipped') assert.notEqual(body, pullRequestBody(r), `${label}: the edit applies`);
    mergePullRequest(repo, r, 'squash', body);
    mergePullRequest(repo, await step(repo, 'test', 'prod'), 'squash');
    const v = await verifyPromotion(repo.root, 'prod');
    assert.equal(v.problems.length, 1, `${label}: ${formatVerify(v)}`);
    assert.match(v.problems[0]!, /^the promotion into test \(\w{7}\) was not validated \(/, label);
    assert.match(v.problems[0]!, shown, label);
  }
});

test('fails when what test ran carries no promotion record into test (develop merged by hand)', async () => {
  const repo = changed();
  repo.git('checkout', '--quiet', 'release');
  repo.git('merge', '--quiet', '--no-ff', '-m', 'merge develop by hand', 'develop');
  mergePullRequest(repo, await step(repo, 'test', 'prod'), 'merge');
  const v = await verifyPromotion(repo.root, 'prod');
  assert.equal(v.problems.length, 1, formatVerify(v));
  assert.match(v.problems[0]!, /^release \w{7} \(what test ran\) carries no promotion record into test \(Marquee-Promotion: … -> test\): nothing shows it was validated in test$/);
});

test('verify takes unchanged renders from the render cache; cache: false (--no-cache) re-derives every digest with kustomize', async () => {
  const repo = changed();
  // a file kustomize never reads, unique to this run: prod's services part has cache keys no other test shares
  const nonce = 'overlays/prod/services/nonce.txt';
  repo.commit('develop', 'nonce', { [nonce]: `${randomUUID()}\n` });
  mergePullRequest(repo, await step(repo, 'dev', 'test'), 'merge');
  const toProd = await step(repo, 'test', 'prod');
  mergePullRequest(repo, toProd, 'merge');
  // GIVEN the render the promotion kept for prod's services part, altered in the cache
  // (the promotion rendered its temporary worktree; the key is the content, not the path)
  const dir = join(mkdtempSync(join(tmpdir(), 'marquee-verify-cache-')), 'tree');
  repo.git('worktree', 'add', '--quiet', '--detach', dir, toProd.record!);
  const [prod] = defaultTargets(dir, ['prod']);
  const services = partsOf(dir, prod!)!.find((p) => p.path === 'overlays/prod/services')!;
  const kept = renderCacheFile(inputKey(dir, services));
  repo.git('worktree', 'remove', '--force', dir);
  rmSync(join(dir, '..'), { recursive: true, force: true });
  try {
    assert.ok(existsSync(kept), 'the promotion kept its render of prod/services in the render cache');
    const entry = JSON.parse(readFileSync(kept, 'utf8')) as { objects: { object: { metadata: { labels?: Record<string, string> } } }[] };
    entry.objects[0]!.object.metadata.labels = { ...entry.objects[0]!.object.metadata.labels, tampered: 'yes' };
    writeFileSync(kept, JSON.stringify(entry));
    // THEN verify with the cache trusts the kept render (which is how the alteration shows) …
    const cached = await verifyPromotion(repo.root, 'prod');
    assert.equal(cached.problems.length, 1, formatVerify(cached));
    assert.match(cached.problems[0]!, /^rendered prod at \w{7} is sha256:[0-9a-f]{64}, the record says sha256:[0-9a-f]{64}$/);
    // … and without it renders every unit with kustomize: the recorded digests re-derive
    const fresh = await verifyPromotion(repo.root, 'prod', { cache: false });
    assert.deepEqual(fresh.problems, [], formatVerify(fresh));
    assert.match(formatVerify(fresh), /ok {3}rendered prod at \w{7}: sha256:[0-9a-f]{64} \(re-derived\)/);
  } finally {
    rmSync(kept, { force: true });
  }
});
