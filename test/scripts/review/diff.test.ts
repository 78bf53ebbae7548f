// npm run diff: a throw-away git repository made from this one's committed base/ and
// overlays/, real kustomize on both sides, real git worktrees.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { compare, lineDiff } from '../../../scripts/lib/review/compare.ts';
import { keyObjects } from '../../../scripts/lib/review/normalize.ts';
import { commentMarker, toMarkdown, toText } from '../../../scripts/lib/review/format.ts';
import { renderDiff, UnknownRefError, type RenderDiff, type TargetDiff } from '../../../scripts/lib/review/index.ts';
import { withWorktree } from '../../../scripts/lib/plumbing/git.ts';
import { archiveHead, repoRoot } from '../../helpers/repo-copy.ts';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

function edit(dir: string, file: string, from: string | RegExp, to: string | ((m: string, ...groups: string[]) => string)): void {
  const abs = join(dir, file);
  const src = readFileSync(abs, 'utf8');
  const out = src.replace(from, to as any);
  assert.notEqual(out, src, `${file}: ${from} not found`);
  writeFileSync(abs, out);
}

/** Edit overlays/dev/services/kustomization.yaml through the yaml Document API (comments and layout kept). */
function kustomization(dir: string, fn: (k: Document) => void): void {
  const file = join(dir, 'overlays/dev/services/kustomization.yaml');
  const k = parseDocument(readFileSync(file, 'utf8'));
  fn(k);
  writeFileSync(file, String(k));
}

function append(k: Document, key: string, item: unknown): void {
  if (k.has(key)) (k.get(key) as YAMLSeq).add(k.createNode(item));
  else k.set(key, k.createNode([item]));
}

const target = (d: RenderDiff, name: string): TargetDiff => {
  const t = d.targets.find((x) => x.target === name);
  assert.ok(t, `target ${name} missing from ${d.targets.map((x) => x.target).join(', ')}`);
  return t;
};

/** The environment overlays only: platform, preview and argocd/ renders would only slow the test. */
const only = ['dev', 'test', 'prod'];

// The diff's worktrees go to the temp dir: a private one for this file (and the CLIs it starts),
// so worktrees that other processes create and remove there meanwhile are not counted as ours.
process.env.TMPDIR = mkdtempSync(join(tmpdir(), 'marquee-difftests-'));
after(() => rmSync(process.env.TMPDIR!, { recursive: true, force: true }));
const diffDirs = (dir = tmpdir()) => readdirSync(dir).filter((f) => f.startsWith('marquee-worktree-'));

describe('compare', () => {
  it('matches named list items by name and reports the changed leaf', () => {
    const a = { spec: { containers: [{ name: 'a', image: 'x:1' }, { name: 'b', image: 'y:1' }] } };
    const b = { spec: { containers: [{ name: 'b', image: 'y:2' }, { name: 'a', image: 'x:1' }] } };
    assert.deepEqual(compare(a, b), [{ path: 'spec.containers[b].image', before: 'y:1', after: 'y:2' }]);
  });
  it('reports added and removed keys, quoting keys that are not identifiers', () => {
    assert.deepEqual(compare({ data: { 'a.conf': 'x' } }, { data: { 'b.conf': 'x' } }), [
      { path: 'data["a.conf"]', before: 'x' },
      { path: 'data["b.conf"]', after: 'x' },
    ]);
  });
  it('line-diffs multi-line strings, removals before additions, unchanged runs elided', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f'].join('\n');
    const after = ['a', 'b', 'C', 'd', 'e', 'f'].join('\n');
    assert.deepEqual(lineDiff(before, after), ['…', ' b', '-c', '+C', ' d', '…']);
  });
});

describe('secrets', () => {
  it('never shows a Secret value, only that it changed', () => {
    const target = { name: 'dev', kind: 'env', path: 'overlays/dev' } as const;
    const secret = (v: string) => ({ target, index: 0, object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'n' }, data: { password: v } } });
    const before = keyObjects([secret('aHVudGVyMg==')]).get('core/Secret/n/s')!;
    const after = keyObjects([secret('c3dvcmRmaXNo')]).get('core/Secret/n/s')!;
    const changes = compare(before.object, after.object);
    assert.equal(changes.length, 1);
    assert.equal(changes[0]!.path, 'data.password');
    assert.ok(!JSON.stringify(changes).includes('aHVudGVyMg==') && !JSON.stringify(changes).includes('c3dvcmRmaXNo'));
    assert.match(String(changes[0]!.after), /^<redacted sha256:[0-9a-f]{12}>$/);
  });
});

describe('markdown comment', () => {
  const change = (target: string, namespace: string, n: number): TargetDiff => ({
    target,
    kind: 'env',
    path: `overlays/${target}`,
    namespace,
    added: [],
    removed: [],
    changed: [
      {
        ref: `ConfigMap/${namespace}/big`,
        kind: 'ConfigMap',
        namespace,
        name: 'big',
        changes: Array.from({ length: n }, (_, i) => ({ path: `data.KEY_${i}`, before: 'x'.repeat(60), after: 'y'.repeat(60) })),
      },
    ],
    images: [],
  });
  const diff = (targets: TargetDiff[]): RenderDiff => ({ base: { label: 'main', sha: 'a'.repeat(40) }, head: { label: 'working tree', sha: 'b'.repeat(40) }, targets });

  it('stays under GitHub’s comment limit and says how to see the rest', () => {
    const md = toMarkdown(diff([change('dev', 'marquee-dev', 2000)]));
    assert.ok(md.length < 65_536, `${md.length} characters`);
    assert.match(md, /… \d+ more lines: run `npm run diff -- --base main` locally/);
    assert.ok(md.trimEnd().endsWith('</details>'), 'the <details> block is closed');
  });

  it('says "the same changes as" instead of repeating an environment that changed alike', () => {
    const md = toMarkdown(diff([change('dev', 'marquee-dev', 3), change('test', 'marquee-test', 3), change('prod', 'marquee-prod', 2)]));
    assert.match(md, /\*\*test\*\* \(`overlays\/test`\): 0 added, 0 removed, 1 changed, the same changes as \*\*dev\*\*\./);
    assert.match(md, /<details><summary><b>prod<\/b>/);
    assert.equal(md.match(/<details>/g)?.length, 2);
  });
});

describe('npm run diff', { timeout: 120_000 }, () => {
  let repo: string;
  let d: RenderDiff;
  let oldTag: string;

  before(async () => {
    // GIVEN a repository with this one's committed manifests and a generated ConfigMap the inventory reads
    repo = archiveHead('marquee-difftest-', ['base', 'overlays']);
    kustomization(repo, (k) => {
      append(k, 'configMapGenerator', { name: 'feature-flags', literals: ['CHECKOUT=off'] });
      append(k, 'patches', { path: 'patches/flags.yaml', target: { kind: 'Deployment', name: 'inventory' } });
    });
    writeFileSync(
      join(repo, 'overlays/dev/services/patches/flags.yaml'),
      '- op: add\n  path: /spec/template/spec/containers/0/envFrom/-\n  value: { configMapRef: { name: feature-flags } }\n',
    );
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, 'add', '.');
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'base');

    oldTag = /name: ghcr\.io\/marquee-shop\/inventory\n\s+newTag: ([^\n]+)/.exec(readFileSync(join(repo, 'overlays/dev/services/kustomization.yaml'), 'utf8'))![1]!;
    // WHEN the dev overlay gets a new inventory tag, a higher replica floor, a flag flipped and a new ConfigMap
    kustomization(repo, (k) => {
      const images = k.get('images') as YAMLSeq<YAMLMap>;
      images.items.find((i) => i.get('name') === 'ghcr.io/marquee-shop/inventory')!.set('newTag', '0.2.0');
      const generators = k.get('configMapGenerator') as YAMLSeq<YAMLMap>;
      generators.items.find((g) => g.get('name') === 'feature-flags')!.set('literals', ['CHECKOUT=on']);
      append(k, 'configMapGenerator', { name: 'promo', literals: ['BANNER=hello'] });
    });
    edit(repo, 'overlays/dev/services/patches/scaling-apis.yaml', /(path: \/spec\/minReplicas\n\s+value: )\d+/, (_, head) => `${head}2`);
    git(repo, 'add', '.');
    git(repo, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'change');
    d = await renderDiff({ root: repo, base: 'HEAD~1', only });
  });

  after(() => rmSync(repo, { recursive: true, force: true }));

  it('summarises the image tag change, for every dev workload that runs the image', () => {
    const images = d.targets.flatMap((t) => t.images);
    assert.ok(images.length >= 1);
    for (const i of images) {
      assert.equal(i.target, 'dev');
      assert.equal(i.repository, 'ghcr.io/marquee-shop/inventory');
      assert.deepEqual([i.before, i.after], [oldTag, '0.2.0']);
    }
    assert.ok(images.some((i) => i.workload === 'Deployment/inventory' && i.container === 'inventory'));
  });

  it('reports the added generated ConfigMap under its stable name', () => {
    assert.deepEqual(target(d, 'dev').added.map((o) => o.ref), ['ConfigMap/marquee-dev/promo']);
    assert.deepEqual(target(d, 'dev').removed, []);
  });

  it('shows a generator change as a data change, not as remove + add, and hides the hash in references', () => {
    const dev = target(d, 'dev');
    const flags = dev.changed.find((o) => o.ref === 'ConfigMap/marquee-dev/feature-flags');
    assert.deepEqual(flags?.changes, [{ path: 'data.CHECKOUT', before: 'off', after: 'on' }]);
    const inventory = dev.changed.find((o) => o.ref === 'Deployment/marquee-dev/inventory');
    assert.deepEqual(
      inventory?.changes.map((c) => c.path).filter((p) => !p.endsWith('.image')),
      [],
      'the Deployment changed beyond its images: the ConfigMap hash leaked into the comparison',
    );
  });

  it('reports the replica change on each HPA the patch targets', () => {
    const dev = target(d, 'dev');
    for (const name of ['api-gateway', 'inventory', 'billing-api']) {
      const hpa = dev.changed.find((o) => o.ref === `HorizontalPodAutoscaler/marquee-dev/${name}`);
      assert.ok(hpa, `HPA ${name} not reported`);
      assert.deepEqual(
        hpa.changes.map((c) => [c.path, c.after]),
        [['spec.minReplicas', 2]],
      );
      assert.notEqual(hpa.changes[0]!.before, 2);
    }
  });

  it('leaves the other environments alone', () => {
    for (const env of ['test', 'prod']) {
      const t = target(d, env);
      assert.deepEqual([t.added, t.removed, t.changed, t.images], [[], [], [], []], env);
    }
  });

  it('removes its worktrees', () => {
    assert.equal(git(repo, 'worktree', 'list').split('\n').length, 1);
  });

  it('renders a collapsible markdown comment with image tags first', () => {
    const md = toMarkdown(d);
    assert.ok(md.startsWith(commentMarker));
    const table = md.indexOf(`| dev | Deployment/inventory | inventory | \`ghcr.io/marquee-shop/inventory\` | \`${oldTag}\` | \`0.2.0\` |`);
    const details = md.indexOf('<details><summary><b>dev</b>');
    assert.ok(table > 0 && details > table, md);
    assert.match(md, /^\+ ConfigMap\/marquee-dev\/promo$/m);
    assert.match(md, /^-   data\.CHECKOUT: off$/m);
    assert.match(md, /^\+   data\.CHECKOUT: on$/m);
    assert.match(md, /No changes: `test`, `prod`\./);
  });

  it('renders text with old → new values', () => {
    assert.match(toText(d), /spec\.minReplicas: 1 → 2/);
  });

  it('includes uncommitted changes of the working tree', async () => {
    edit(repo, 'overlays/prod/services/patches/ingress.yaml', /value: .+/, 'value: shop.example.org');
    try {
      const w = await renderDiff({ root: repo, base: 'HEAD', only });
      assert.equal(w.head.dirty, true);
      assert.deepEqual(
        target(w, 'prod').changed.map((o) => [o.ref, o.changes.map((c) => [c.path, c.after])]),
        [['Ingress/marquee-prod/web', [['spec.rules[0].host', 'shop.example.org']]]],
      );
      assert.deepEqual(target(w, 'dev').changed, []);
    } finally {
      git(repo, 'checkout', '--', 'overlays/prod');
    }
  });

  it('names a target that does not render instead of diffing it', async () => {
    writeFileSync(join(repo, 'overlays/prod/services/patches/broken.yaml'), '- op: replace\n  path: /spec/nope/0\n  value: 1\n');
    edit(repo, 'overlays/prod/services/kustomization.yaml', /^patches:\n/m, 'patches:\n  - path: patches/broken.yaml\n    target: { kind: Deployment, name: web }\n');
    try {
      const w = await renderDiff({ root: repo, base: 'HEAD', only: ['prod'] });
      const prod = target(w, 'prod');
      assert.match(prod.error ?? '', /^head: kustomize build overlays\/prod\/services failed/);
      assert.deepEqual([prod.added, prod.removed, prod.changed], [[], [], []]);
      assert.match(toText(w), /prod \(overlays\/prod\): could not be rendered/);
    } finally {
      git(repo, 'checkout', '--', 'overlays/prod');
      rmSync(join(repo, 'overlays/prod/services/patches/broken.yaml'));
    }
  });

  it('compares two refs with --head', async () => {
    const r = await renderDiff({ root: repo, base: 'HEAD~1', head: 'HEAD', only });
    assert.deepEqual(r.targets.flatMap((t) => t.images), d.targets.flatMap((t) => t.images));
    assert.equal(r.head.sha, git(repo, 'rev-parse', 'HEAD'));
  });

  it('rejects an unknown ref before rendering anything', async () => {
    await assert.rejects(renderDiff({ root: repo, base: 'no-such-branch' }), UnknownRefError);
    await assert.rejects(renderDiff({ root: repo, base: '--output=/tmp/x' }), UnknownRefError);
  });

  it('removes the worktree when the work inside it fails', async () => {
    // its own worktree's folder (other test processes make and remove theirs in the same temp folder meanwhile)
    let used: string | undefined;
    await assert.rejects(
      withWorktree(repo, git(repo, 'rev-parse', 'HEAD'), async (dir) => {
        used = dir;
        assert.ok(existsSync(join(dir, 'overlays/dev/kustomization.yaml')));
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.ok(used && !existsSync(join(used, '..')), `${used} was left behind`);
    assert.equal(git(repo, 'worktree', 'list').split('\n').length, 1);
  });
});

describe('diff CLI', { timeout: 150_000 }, () => {
  it('exits 2 naming the ref when it is unknown', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts/diff.ts'), '--base', 'no-such-ref-8f3a'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /unknown git ref 'no-such-ref-8f3a'/);
    assert.equal(r.stdout, '');
  });

  it('removes its worktree when interrupted (SIGINT), exiting 130', async () => {
    // The signal goes as soon as the worktree's folder exists (the folder is polled between turns of this event
    // loop, not on a timer): a SIGINT before withWorktree listened for it used to end the child at once and leave
    // the folder behind, about one time in three this way. Every run must leave nothing behind; a signal that lands
    // after the worktree is gone (the diff goes on in the working tree, with no handler of its own) ends the child
    // by the signal, so at least one run of six must have been interrupted inside its worktree and exit 130.
    let interrupted = 0;
    for (let attempt = 0; attempt < 6; attempt++) {
      // the child's own temp folder: a worktree another test process creates in the shared one is not the child's
      const own = mkdtempSync(join(tmpdir(), 'marquee-diff-sigint-'));
      const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts/diff.ts'), '--base', 'HEAD', '--target', 'prod'], {
        cwd: repoRoot,
        stdio: 'ignore',
        env: { ...process.env, TMPDIR: own },
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })));
      let created: string | undefined;
      for (const until = Date.now() + 20_000; !created && Date.now() < until; ) {
        await new Promise((r) => setImmediate(r));
        created = diffDirs(own)[0];
      }
      if (!created) child.kill('SIGKILL');
      assert.ok(created, 'the diff never created its worktree (waited 20 s)');
      child.kill('SIGINT');
      const { code, signal } = await exited;
      assert.ok(code === 130 || (code === null && signal === 'SIGINT'), `exit ${code}, signal ${signal}`);
      if (code === 130) interrupted++;
      assert.ok(!existsSync(join(own, created)), `${created} was left behind (exit ${code}, signal ${signal})`);
      rmSync(own, { recursive: true, force: true });
      assert.ok(!git(repoRoot, 'worktree', 'list', '--porcelain').includes(created), 'the worktree is still registered');
    }
    assert.ok(interrupted > 0, 'no run of six was interrupted inside its worktree');
  });

  it('exits 2 on an unknown format', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts/diff.ts'), '--base', 'HEAD', '--format', 'html'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--format must be one of text, markdown, json/);
  });
});
