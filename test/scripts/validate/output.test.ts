// Output conventions: colour (NO_COLOR, FORCE_COLOR), JUnit counts that add up, JSON that
// carries everything text shows, text that names every object a finding covers.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Finding, RelatedFinding } from '../../../kube/index.ts';
import { summaryLine, toJson, toJunit, toSarif, toText, useColor } from '../../../scripts/lib/validate/output.ts';

const summary = { environments: 1, targets: 2, resources: 10, errors: 1, warnings: 1, seconds: 0.5 };
const grouped: Finding = {
  rule: 'schema',
  severity: 'error',
  target: 'prod',
  targets: ['prod', 'test'],
  object: 'Deployment/marquee-prod/a',
  objects: ['Deployment/marquee-prod/a', 'Deployment/marquee-prod/b', 'Deployment/marquee-test/a'],
  path: 'spec.template.spec.containers[0].resources.limits.memory',
  file: 'overlays/prod/services/patches/resources.yaml',
  line: 6,
  column: 20,
  message: 'must be a valid quantity (got "512mb")',
  hint: 'write 512Mi (mebibytes) or 512M (megabytes)',
  related: [{ rule: 'resources/memory-limits', message: 'container "a" memory limit "512mb" is not a positive quantity', object: 'Deployment/marquee-prod/a' }],
};
const warning: Finding = { rule: 'gitops/digest-pinning', severity: 'warning', target: 'test', object: 'Deployment/marquee-test/c', file: 'base/c/deployment.yaml', line: 57, message: 'not pinned' };

describe('colour', () => {
  // https://no-color.org and https://force-color.org: set and non-empty; FORCE_COLOR wins.
  const table: [Record<string, string>, boolean, boolean][] = [
    [{}, true, true],
    [{}, false, false],
    [{ TERM: 'dumb' }, true, false],
    [{ NO_COLOR: '1' }, true, false],
    [{ NO_COLOR: '' }, true, true],
    [{ FORCE_COLOR: '1' }, false, true],
    [{ FORCE_COLOR: '3' }, false, true],
    [{ FORCE_COLOR: '' }, false, false],
    [{ FORCE_COLOR: '0' }, true, false],
    [{ FORCE_COLOR: 'false' }, true, false],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, false, true],
  ];
  for (const [env, tty, want] of table)
    test(`${JSON.stringify(env)} on ${tty ? 'a terminal' : 'a pipe'} → ${want ? 'colour' : 'plain'}`, () => assert.equal(useColor(env, tty), want));

  test('coloured text paints severities; plain text has no escape codes', () => {
    assert.match(toText([grouped], summary, true), /\x1b\[31merror\x1b\[0m/);
    assert.doesNotMatch(toText([grouped], summary, false), /\x1b\[/);
  });
});

describe('junit', () => {
  test('the totals are the sums of the suites, and a finding without a target sits in its file\'s suite', () => {
    const yaml: Finding = { rule: 'yaml/syntax', severity: 'error', file: 'bad.yaml', line: 2, message: 'invalid YAML' };
    const xml = toJunit([yaml, grouped, warning], { ...summary, resources: 0 }, ['bad.yaml', 'prod', 'test', 'platform/prod']);
    const suites = [...xml.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)" skipped="(\d+)"/g)].map((m) => ({ name: m[1], tests: Number(m[2]), failures: Number(m[3]), skipped: Number(m[4]) }));
    assert.deepEqual(suites.map((s) => s.name), ['bad.yaml', 'prod', 'test', 'platform/prod']);
    assert.deepEqual(suites.find((s) => s.name === 'bad.yaml'), { name: 'bad.yaml', tests: 1, failures: 1, skipped: 0 });
    const [, tests, failures, skipped] = /<testsuites [^>]*tests="(\d+)" failures="(\d+)" skipped="(\d+)"/.exec(xml)!;
    assert.equal(Number(tests), suites.reduce((n, s) => n + s.tests, 0));
    assert.equal(Number(tests), 4); // 3 findings + platform/prod's passing case
    assert.equal(Number(failures), 2);
    assert.equal(Number(skipped), 1);
    assert.equal((xml.match(/<testcase /g) ?? []).length, 4);
    assert.doesNotMatch(xml, /name="repository"/);
  });
});

describe('json', () => {
  test('carries everything text shows: fix, objects, targets, consequences, notes, the summary line', () => {
    const json = JSON.parse(toJson([grouped, warning], summary, { notes: ['2 commits wait for promotion'] }));
    const text = toText([grouped, warning], summary);
    const [f] = json.findings;
    assert.equal(f.hint, grouped.hint);
    assert.deepEqual(f.objects, grouped.objects);
    assert.deepEqual(f.targets, grouped.targets);
    assert.deepEqual(f.related, grouped.related);
    assert.deepEqual(json.notes, ['2 commits wait for promotion']);
    assert.equal(json.summary.line, summaryLine(summary));
    assert.ok(text.includes(summaryLine(summary)));
    // every object, target and consequence text names is in the JSON too
    for (const piece of ['Deployment/marquee-prod/b', 'Deployment/marquee-test/a', '[prod, test]', 'resources/memory-limits']) assert.ok(text.includes(piece), `text shows ${piece}`);
  });
});

describe('text', () => {
  test('a finding covering several objects names them (the first five, then a count) and its folded consequences', () => {
    const many = { ...grouped, objects: Array.from({ length: 7 }, (_, i) => `Deployment/marquee-prod/s${i}`) };
    const text = toText([many], summary);
    assert.match(text, /Deployment\/marquee-prod\/a \(\+6\) spec\.template/);
    assert.match(text, /^ {4}7 objects: Deployment\/marquee-prod\/s0, .*s4 … and 2 more$/m);
    assert.match(text, /^ {4}fix: write 512Mi \(mebibytes\) or 512M \(megabytes\)$/m);
    assert.match(text, /^ {4}also: resources\/memory-limits: Deployment\/marquee-prod\/a: container "a" memory limit/m);
    assert.match(text, /\[prod, test\]$/m);
  });

  test('a consequence seen on several objects and environments names every one of them, not only the first', () => {
    const drift: Finding = {
      rule: 'drift',
      severity: 'error',
      file: 'base/inventory/horizontal-pod-autoscaler.yaml',
      line: 16,
      message: 'generated file differs',
      related: [
        {
          rule: 'availability/hpa-target-exists',
          message: 'scaleTargetRef Deployment/inventry is not rendered',
          object: 'HorizontalPodAutoscaler/marquee-dev/inventory',
          objects: ['HorizontalPodAutoscaler/marquee-dev/inventory', 'HorizontalPodAutoscaler/marquee-test/inventory', 'HorizontalPodAutoscaler/marquee-prod/inventory'],
          target: 'dev',
          targets: ['dev', 'test', 'prod'],
          file: 'base/inventory/horizontal-pod-autoscaler.yaml',
          line: 16,
        } as RelatedFinding,
      ],
    };
    const text = toText([drift], summary);
    assert.match(text, /^ {4}also: availability\/hpa-target-exists: HorizontalPodAutoscaler\/marquee-dev\/inventory \(\+2\): scaleTargetRef Deployment\/inventry is not rendered \[dev, test, prod\]$/m);
    assert.match(text, /^ {6}3 objects: HorizontalPodAutoscaler\/marquee-dev\/inventory, HorizontalPodAutoscaler\/marquee-test\/inventory, HorizontalPodAutoscaler\/marquee-prod\/inventory$/m);
    // the finding's own objects and environments are not repeated under it
    const own = toText([{ ...grouped, related: [{ ...grouped.related![0]!, objects: grouped.objects, target: 'prod', targets: ['prod', 'test'] } as RelatedFinding] }], summary);
    assert.match(own, /^ {4}also: resources\/memory-limits: Deployment\/marquee-prod\/a \(\+2\): container "a" memory limit "512mb" is not a positive quantity$/m);
    assert.doesNotMatch(own, /^ {6}\d+ objects/m);
    // and JSON carries them
    assert.deepEqual(JSON.parse(toJson([drift], summary)).findings[0].related[0].targets, ['dev', 'test', 'prod']);
  });

  test('targets a source error kept from rendering are each named under it', () => {
    const yaml: Finding = {
      rule: 'yaml/syntax',
      severity: 'error',
      file: 'overlays/dev/services/patches/ingress.yaml',
      line: 2,
      message: 'invalid YAML',
      related: ['overlays/dev', 'overlays/preview'].map((t) => ({ rule: 'kustomize', message: `${t} was not rendered (its sources have this error)`, file: `${t}/kustomization.yaml` })),
    };
    const text = toText([yaml], summary);
    assert.match(text, /^ {4}also: kustomize: overlays\/dev was not rendered/m);
    assert.match(text, /^ {4}also: kustomize: overlays\/preview was not rendered/m);
  });
});

describe('sarif', () => {
  test('consequences folded into a finding are its related locations; its objects are in the message', () => {
    const folded: Finding = { ...grouped, related: [{ rule: 'kustomize', message: 'overlays/preview was not rendered', file: 'overlays/preview/kustomization.yaml' }] };
    const [result] = JSON.parse(toSarif([folded])).runs[0].results;
    assert.deepEqual(result.relatedLocations, [
      { id: 0, message: { text: 'kustomize: overlays/preview was not rendered' }, physicalLocation: { artifactLocation: { uri: 'overlays/preview/kustomization.yaml', uriBaseId: '%SRCROOT%' } } },
    ]);
    assert.match(result.message.text, /3 objects: Deployment\/marquee-prod\/a, Deployment\/marquee-prod\/b, Deployment\/marquee-test\/a/);
  });
});

test('summaryLine: one resource, one file, one error are singular', () => {
  const s = { unit: 'files', environments: 0, targets: 1, resources: 1, errors: 1, warnings: 1, seconds: 0.04 };
  assert.equal(summaryLine(s), '1 file · 1 resource · 1 error · 1 warning · 0.0 s');
  assert.equal(summaryLine({ ...s, targets: 2, resources: 2, errors: 0, warnings: 0 }), '2 files · 2 resources · 0 errors · 0.0 s');
});
