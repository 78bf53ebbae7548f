// `npm run validate -- --format sarif` against the official OASIS SARIF 2.1.0 JSON schema
// (vendored in test/fixtures/sarif, see its README): the real CLI's output on a broken
// manifest, toSarif() on hand-made findings of every shape, and negative controls that
// prove the schema (formats included) actually rejects bad logs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv, type ErrorObject } from 'ajv';
// ajv-formats is in node_modules through fastify and @kubernetes-models/validate; without it
// `uri` / `uri-reference` would go unchecked and a path with a space would pass.
import ajvFormats from 'ajv-formats';
import { toSarif } from '../../../scripts/lib/validate/output.ts';
import type { Finding } from '../../../kube/index.ts';
import { repoRoot } from '../../helpers/repo-copy.ts';

const fixtureDir = join(repoRoot, 'test/fixtures/sarif');
const schemaText = readFileSync(join(fixtureDir, 'sarif-schema-2.1.0.json'), 'utf8');

const ajv = new Ajv({ strict: false, allErrors: true });
// CommonJS under NodeNext: the plugin is the module's `default` property.
ajvFormats.default(ajv);
const validateSarif = ajv.compile(JSON.parse(schemaText) as object);

/** Schema errors as `instancePath message` lines, for assertion messages. */
const errorsOf = (log: unknown): string[] =>
  validateSarif(log) ? [] : (validateSarif.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.message}`);

const assertValid = (log: unknown, what: string): void => {
  const errors = errorsOf(log);
  assert.deepEqual(errors, [], `${what} is not valid SARIF 2.1.0:\n${errors.join('\n')}`);
};

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number; startColumn?: number } } }[];
}
interface SarifLog {
  version: string;
  runs: { tool: { driver: { name: string; rules: { id: string; shortDescription: { text: string }; help?: { text: string } }[] } }; results: SarifResult[] }[];
}

const locationOf = (r: SarifResult) => r.locations[0]!.physicalLocation;

describe('the vendored schema', () => {
  it('is the OASIS 2.1.0 file named in the README, byte for byte', () => {
    const readme = readFileSync(join(fixtureDir, 'README.md'), 'utf8');
    const sha = createHash('sha256').update(schemaText).digest('hex');
    assert.match(readme, new RegExp(`sha256 \`${sha}\``), 'README.md must record the sha256 of the vendored schema');
    assert.match(readme, new RegExp(`${schemaText.length} characters`));
    const schema = JSON.parse(schemaText) as { $schema: string; title: string; definitions: Record<string, unknown> };
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.match(schema.title, /SARIF\) Version 2\.1\.0/);
    // every $ref resolves (ajv.compile above would have thrown otherwise)
    assert.equal(Object.keys(schema.definitions).length, 52);
  });
});

describe('validate --format sarif (the real CLI, files mode)', () => {
  it('is valid SARIF with one located result per finding', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marquee-sarif-'));
    try {
      // A typo'd field and a string port: two schema errors at known lines. The second copy
      // sits under a directory and file name with spaces, which must be percent-encoded.
      const broken = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports:\n    - port: http\n      protcol: TCP\n';
      writeFileSync(join(dir, 'bad.yaml'), broken);
      mkdirSync(join(dir, 'my manifests'));
      writeFileSync(join(dir, 'my manifests', 'bad svc.yaml'), broken.replace('name: x', 'name: z'));

      const r = spawnSync(join(repoRoot, 'node_modules/.bin/tsx'), [join(repoRoot, 'scripts/validate.ts'), '--format', 'sarif', '.'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 120_000,
      });
      assert.equal(r.status, 1, `findings exit 1\n${r.stderr}`);
      const log = JSON.parse(r.stdout) as SarifLog;
      assertValid(log, 'validate --format sarif output');

      const run = log.runs[0]!;
      assert.equal(run.tool.driver.name, 'marquee-validate');
      assert.equal(run.results.length, 4, r.stdout);
      for (const res of run.results) {
        const loc = locationOf(res);
        assert.ok(loc.region && loc.region.startLine >= 1, `${res.message.text}: region.startLine >= 1`);
        assert.equal(res.level, 'error');
        assert.equal(run.tool.driver.rules[res.ruleIndex]?.id, res.ruleId, 'ruleIndex points at the rule');
        // The URI, decoded and resolved against the directory validate ran in, is the file.
        assert.ok(existsSync(join(dir, decodeURIComponent(loc.artifactLocation.uri))), `${loc.artifactLocation.uri} resolves to a file`);
      }
      const lines = (uri: string) =>
        run.results.filter((x) => locationOf(x).artifactLocation.uri === uri).map((x) => locationOf(x).region!.startLine).sort();
      assert.deepEqual(lines('bad.yaml'), [7, 8]);
      assert.deepEqual(lines('my%20manifests/bad%20svc.yaml'), [7, 8]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('toSarif() on hand-made findings', () => {
  const findings: Finding[] = [
    // file, line, column, hint, target, object and path
    {
      rule: 'schema',
      severity: 'error',
      message: 'unknown field "protcol"',
      hint: 'did you mean "protocol"?',
      target: 'dev',
      object: 'Service/marquee-dev/x',
      file: 'base/x/service.yaml',
      line: 8,
      column: 7,
      path: 'spec.ports[0].protcol',
    },
    // line without column
    { rule: 'security/run-as-non-root', severity: 'warning', message: 'runs as root', file: 'overlays/dev/patch.yaml', line: 3 },
    // file without line (drift of a whole file)
    { rule: 'drift', severity: 'error', message: 'differs from the generator', file: 'base/web/deployment.yaml' },
    // repository-level: no file at all
    { rule: 'branches', severity: 'warning', message: 'release is not an ancestor of main' },
    // file names that are not URI-safe as they stand
    { rule: 'yaml', severity: 'error', message: 'bad', file: 'vendor/my charts/x.yaml', line: 1 },
    { rule: 'yaml', severity: 'error', message: 'bad', file: 'vendor/ünïcode/100%/[x]#1.yaml', line: 2, column: 1 },
  ];
  const docs = new Map([
    ['schema', { title: 'Kubernetes schema', help: 'Fields and types from the cluster OpenAPI.' }],
    ['drift', { title: 'Generated file drift' }],
  ]);

  it('is valid SARIF with and without lines, files, hints and rule docs', () => {
    for (const [what, text] of [
      ['with rule docs', toSarif(findings, docs)],
      ['without rule docs', toSarif(findings)],
      ['no findings', toSarif([])],
    ] as const) {
      assertValid(JSON.parse(text), `toSarif(${what})`);
    }
  });

  it('keeps every finding, its level, rule, region and (decoded) file', () => {
    const log = JSON.parse(toSarif(findings, docs)) as SarifLog;
    const run = log.runs[0]!;
    assert.equal(log.version, '2.1.0');
    assert.deepEqual(
      run.tool.driver.rules.map((r) => r.id),
      ['branches', 'drift', 'schema', 'security/run-as-non-root', 'yaml'],
      'one rule per distinct id, sorted',
    );
    assert.equal(run.tool.driver.rules.find((r) => r.id === 'schema')!.help!.text, 'Fields and types from the cluster OpenAPI.');
    assert.equal(run.tool.driver.rules.find((r) => r.id === 'drift')!.help, undefined);
    assert.equal(run.results.length, findings.length);
    run.results.forEach((res, i) => {
      const f = findings[i]!;
      const loc = locationOf(res);
      assert.equal(res.ruleId, f.rule);
      assert.equal(run.tool.driver.rules[res.ruleIndex]!.id, f.rule);
      assert.equal(res.level, f.severity);
      assert.ok(res.message.text.includes(f.message));
      if (f.hint) assert.ok(res.message.text.includes(f.hint), 'the hint travels in the message');
      if (f.file) assert.equal(decodeURIComponent(loc.artifactLocation.uri), f.file);
      if (f.line) {
        assert.equal(loc.region!.startLine, f.line);
        assert.equal(loc.region!.startColumn, f.column);
      } else {
        assert.equal(loc.region, undefined, 'no region without a line');
      }
    });
    // `#` would otherwise start a fragment: the file would be read as "vendor/ünïcode/100%/[x]".
    assert.equal(locationOf(run.results[5]!).artifactLocation.uri, 'vendor/%C3%BCn%C3%AFcode/100%25/%5Bx%5D%231.yaml');
  });

  it('names a file outside the root (files mode on ../../tmp/x.yaml) by an absolute file:// URI, with no base', () => {
    const outside: Finding = { rule: 'schema', severity: 'error', message: 'm', file: '../../tmp/my x.yaml', line: 1, related: [{ rule: 'r', message: 'n', file: '../../tmp/y.yaml', line: 2 }] as any };
    const log = JSON.parse(toSarif([outside, { rule: 'schema', severity: 'error', message: 'm', file: 'a.yaml' }], undefined, '/work/main')) as SarifLog;
    assertValid(log, 'a log with files outside the root');
    assert.deepEqual(locationOf(log.runs[0]!.results[0]!).artifactLocation, { uri: 'file:///tmp/my%20x.yaml' });
    assert.deepEqual((log.runs[0]!.results[0] as any).relatedLocations[0].physicalLocation.artifactLocation, { uri: 'file:///tmp/y.yaml' });
    assert.deepEqual(locationOf(log.runs[0]!.results[1]!).artifactLocation, { uri: 'a.yaml', uriBaseId: '%SRCROOT%' });
  });
});

describe('negative controls: the schema rejects broken logs', () => {
  const good = (): SarifLog & Record<string, any> =>
    JSON.parse(toSarif([{ rule: 'schema', severity: 'error', message: 'm', file: 'a.yaml', line: 1, column: 1 }]));

  const cases: [string, (log: any) => void, RegExp][] = [
    ['level "fatal"', (l) => (l.runs[0].results[0].level = 'fatal'), /^\/runs\/0\/results\/0\/level must be equal to one of the allowed values$/],
    ['startLine 0', (l) => (l.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0), /region\/startLine must be >= 1$/],
    ['a result without message', (l) => delete l.runs[0].results[0].message, /^\/runs\/0\/results\/0 must have required property 'message'$/],
    ['an unknown result property', (l) => (l.runs[0].results[0].severity = 'error'), /^\/runs\/0\/results\/0 must NOT have additional properties$/],
    ['version 2.0.0', (l) => (l.version = '2.0.0'), /^\/version must be equal to one of the allowed values$/],
    ['a run without tool', (l) => delete l.runs[0].tool, /^\/runs\/0 must have required property 'tool'$/],
    ['a raw space in a URI', (l) => (l.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = 'my dir/a.yaml'), /artifactLocation\/uri must match format "uri-reference"$/],
  ];
  for (const [what, breakIt, expected] of cases) {
    it(`fails: ${what}`, () => {
      const log = good();
      assertValid(log, 'the unbroken log');
      breakIt(log);
      const errors = errorsOf(log);
      assert.ok(errors.some((e) => expected.test(e)), `expected ${expected} among:\n${errors.join('\n') || '(valid!)'}`);
    });
  }
});
