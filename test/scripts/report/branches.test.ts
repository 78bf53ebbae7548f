// npm run report -- --branches: each environment rendered from the branch Argo CD
// deploys it from, in a throw-away repository with develop/release/main.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { environments } from '../../../generators/environments.ts';
import { reportHtml } from '../../../scripts/lib/report/html.ts';
import { collectReport, type ReportData } from '../../../scripts/lib/report/index.ts';
import { archiveHead, repoRoot } from '../../helpers/repo-copy.ts';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function setInventoryTag(dir: string, tag: string): void {
  const file = join(dir, environments.dev.overlay, 'services/kustomization.yaml');
  const src = readFileSync(file, 'utf8');
  const out = src.replace(/(name: ghcr\.io\/marquee-shop\/inventory\n\s+newTag: )[^\n]+/, (_, head: string) => `${head}${tag}`);
  assert.notEqual(out, src);
  writeFileSync(file, out);
}

describe('npm run report -- --branches', { timeout: 150_000 }, () => {
  let repo: string;
  let data: ReportData;
  let developSha: string;

  before(async () => {
    repo = archiveHead('marquee-branches-', ['base', 'overlays', 'argocd', 'vendor']);
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'main');
    git(repo, 'branch', 'release');
    git(repo, 'switch', '-q', '-c', 'develop');
    setInventoryTag(repo, '9.9.9');
    git(repo, 'commit', '-q', '-am', 'dev: inventory 9.9.9');
    developSha = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'switch', '-q', 'main');
    // the working tree proposes something else again: --branches must not show it
    setInventoryTag(repo, '7.7.7');
    data = await collectReport(repo, { branches: true });
  });

  after(() => rmSync(repo, { recursive: true, force: true }));

  it('renders dev from develop, test from release, prod from main', () => {
    const version = (env: string) => data.matrix.cells.get('inventory')?.get(env)?.containers.find((c) => c.name === 'inventory')?.version;
    assert.equal(version('dev'), '9.9.9');
    assert.notEqual(version('test'), '9.9.9');
    assert.notEqual(version('test'), '7.7.7');
    assert.equal(version('prod'), version('test'));
    const dev = data.source.targets?.find((t) => t.target === 'dev');
    assert.deepEqual(dev, { target: 'dev', branch: 'develop', commit: developSha });
    assert.deepEqual(data.renderErrors, []);
  });

  it('shows the commit waiting to go from dev to test', () => {
    assert.ok(!('error' in data.branches));
    const test = data.branches.environments.find((e) => e.env === 'test');
    assert.deepEqual(test?.waiting.map((c) => c.subject), ['dev: inventory 9.9.9']);
  });

  it('says where each column comes from, and marks the tag that differs from the environment before', () => {
    const html = reportHtml(data);
    assert.match(html, /rendered from <code>develop<\/code> at <code>[0-9a-f]{7}<\/code>/);
    const test = data.matrix.cells.get('inventory')?.get('test')?.containers.find((c) => c.name === 'inventory');
    assert.ok(html.includes(`<div class="img differs" title="${test?.image} (dev runs 9.9.9)">`), 'test cell not marked as differing from dev');
  });

  it('leaves no worktree behind', () => {
    assert.equal(git(repo, 'worktree', 'list').split('\n').length, 1);
  });
});
