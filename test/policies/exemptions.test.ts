// Exemptions: they suppress exactly what they name, fail once expired, are reported
// when they match nothing, and the declared ones are valid.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { oneFindingPerMistake } from '../../scripts/lib/validate/findings.ts';
import { exemptions, policyIds, runPolicies } from '../../policies/index.ts';
import { exempt, exemptionRef, validateExemption } from '../../policies/lib/exemptions.ts';
import type { Exemption } from '../../policies/types.ts';
import { container0, mutate, world } from './fixtures/world.ts';

const today = new Date('2026-11-22T12:00:00Z');
// prod web pinned by tag only: one gitops/digest-pinning error on container "web".
const tagged = () => mutate(world('prod'), 'Deployment', 'web', (o) => (container0(o).image = 'ghcr.io/marquee-shop/web:0.1.0'));
const base: Exemption = {
  policy: 'gitops/digest-pinning',
  object: { kind: 'Deployment', namespace: 'marquee-prod', name: 'web' },
  reason: 'images are tagged until the image workflow pins digests',
  owner: '@marquee-shop/platform',
  expires: '2027-01-31',
};
const run = (...e: Exemption[]) => runPolicies(tagged(), { only: ['gitops/digest-pinning'], today, exemptions: e.map((x) => exempt(x)) });

describe('exemptions', () => {
  it('GIVEN no exemption declared THEN every finding is kept, as the same finding an unmatched exemption leaves, and nothing else is reported', () => {
    const none = run();
    const other = run({ ...base, object: { ...base.object, name: 'not-web' } });
    assert.equal(none.findings.length, 1);
    assert.deepEqual(none.findings, other.findings);
    assert.deepEqual(none.exemptionFindings, []);
    assert.deepEqual(none.applied, []);
  });

  it('GIVEN a matching exemption THEN the finding is suppressed and counted', () => {
    const r = run(base);
    assert.deepEqual(r.findings, []);
    assert.deepEqual(r.exemptionFindings, []);
    assert.equal(r.applied[0]!.status, 'active');
    assert.equal(r.applied[0]!.matched.length, 1);
    assert.equal(r.applied[0]!.matched[0]!.path, 'spec.template.spec.containers[0].image');
    assert.equal(r.applied[0]!.daysLeft, 70);
  });

  it('without exemptions the finding is reported', () => {
    assert.equal(run().findings.length, 1);
  });

  it('GIVEN an expired exemption THEN it fails validation and no longer suppresses', () => {
    const r = run({ ...base, expires: '2026-11-21' });
    assert.equal(r.findings.length, 1);
    assert.equal(r.exemptionFindings.length, 1);
    const [f] = r.exemptionFindings;
    assert.equal(f!.rule, 'exemption/expired');
    assert.equal(f!.severity, 'error');
    assert.equal(f!.file, 'test/policies/exemptions.test.ts');
    assert.ok(f!.line && f!.line > 0, 'line of the declaration');
    assert.equal(r.applied[0]!.status, 'expired');
  });

  it('an exemption is valid through its expiry day, and warns in its last two weeks', () => {
    const r = run({ ...base, expires: '2026-11-22' });
    assert.equal(r.findings.length, 0);
    assert.deepEqual(r.exemptionFindings.map((f) => [f.rule, f.severity]), [['exemption/expiring', 'warning']]);
  });

  it('GIVEN only some targets were checked (validate --env) THEN an exemption is judged unmatched only where all its targets were', () => {
    const other = { ...base, object: { ...base.object, name: 'storefront' } };
    const scoped = (e: Exemption, checked: string[]) =>
      runPolicies(tagged(), { only: ['gitops/digest-pinning'], today, exemptions: [exempt(e)], checkedTargets: new Set(checked) }).exemptionFindings.map((f) => f.rule);
    assert.deepEqual(scoped({ ...other, targets: ['prod'] }, ['prod']), ['exemption/unmatched']);
    assert.deepEqual(scoped({ ...other, targets: ['dev'] }, ['prod']), []);
    assert.deepEqual(scoped({ ...other, targets: ['prod', 'dev'] }, ['prod']), []);
    // no targets: it may match in any target, and not all were checked
    assert.deepEqual(scoped(other, ['prod']), []);
  });

  it('GIVEN an exemption for another object THEN it is reported as unmatched (warning) and suppresses nothing', () => {
    const r = run({ ...base, object: { ...base.object, name: 'storefront' } });
    assert.equal(r.findings.length, 1);
    assert.deepEqual(r.exemptionFindings.map((f) => [f.rule, f.severity]), [['exemption/unmatched', 'warning']]);
  });

  it('container and targets narrow the match', () => {
    assert.equal(run({ ...base, object: { ...base.object, container: 'sidecar' } }).findings.length, 1);
    assert.equal(run({ ...base, object: { ...base.object, container: 'web' } }).findings.length, 0);
    assert.equal(run({ ...base, targets: ['test'] }).findings.length, 1);
    assert.equal(run({ ...base, targets: ['prod'] }).findings.length, 0);
  });

  it('an exemption for a policy that did not run (--only) is not reported as unmatched', () => {
    const r = runPolicies(tagged(), { only: ['security/no-privileged'], today, exemptions: [exempt(base)] });
    assert.deepEqual(r.exemptionFindings, []);
  });

  it('invalid declarations are errors: unknown policy, bad date, missing reason or owner', () => {
    const bad = [
      { ...base, policy: 'security/no-root' },
      { ...base, expires: '2027-02-30' as const },
      { ...base, reason: '' },
      { ...base, owner: 'platform' as `@${string}` },
    ];
    for (const e of bad) {
      const r = run(e);
      assert.equal(r.findings.length, 1, 'an invalid exemption suppresses nothing');
      assert.deepEqual(r.exemptionFindings.map((f) => [f.rule, f.severity]), [['exemption/invalid', 'error']]);
    }
  });

  it('the declared exemptions (policies/exemptions.ts) are valid and not expired today, with their line', () => {
    assert.ok(exemptions.length > 0);
    for (const e of exemptions) {
      assert.deepEqual(validateExemption(e, policyIds), [], JSON.stringify(e.object));
      assert.ok(e.expires >= today.toISOString().slice(0, 10), `${e.policy} ${e.object.name} expired`);
      assert.equal(e.declaredAt?.file, 'policies/exemptions.ts');
      assert.ok((e.declaredAt?.line ?? 0) > 1);
    }
    // the two kinds the brief expects: node-exporter's host access and prod digests
    assert.ok(exemptions.some((e) => e.policy === 'security/no-host-path' && e.object.name === 'node-exporter'));
    assert.ok(exemptions.some((e) => e.policy === 'gitops/digest-pinning' && e.object.namespace === 'marquee-prod'));
  });

  it('a declaration is placed at the line naming its object, and each field at its own line (read from the text: the bundle has no .ts frames)', () => {
    const text = readFileSync(new URL('../../policies/exemptions.ts', import.meta.url), 'utf8').split('\n');
    const lineOf = (needle: string, from = 0) => text.findIndex((l, i) => i >= from && l.includes(needle)) + 1;
    const prometheus = exemptions.find((e) => e.policy === 'gitops/digest-pinning' && e.object.name === 'prometheus')!;
    assert.equal(prometheus.declaredAt?.line, lineOf("['StatefulSet', 'prometheus']"));
    // its call's owner: and expires: lines, after the list it is mapped over
    assert.equal(prometheus.declaredAt?.fields?.['owner'], lineOf('owner:', prometheus.declaredAt!.line!));
    assert.equal(prometheus.declaredAt?.fields?.['expires'], lineOf('expires:', prometheus.declaredAt!.line!));
    const hostPath = exemptions.find((e) => e.policy === 'security/no-host-path')!;
    assert.equal(hostPath.declaredAt?.fields?.['policy'], lineOf("policy: 'security/no-host-path'"));
  });

  it('a malformed shared owner constant is one finding at the constant, listing every entry it makes invalid', () => {
    // policies/exemptions.ts writes `owner: platform` in each call, `platform` declared once: as if that constant
    // lost its @ (the entries keep the places read from the real file's text, the constant's line among them).
    const text = readFileSync(new URL('../../policies/exemptions.ts', import.meta.url), 'utf8').split('\n');
    const constant = text.findIndex((l) => /^const platform = '@marquee-shop\/platform'/.test(l)) + 1;
    const owned = exemptions.filter((e) => e.owner === '@marquee-shop/platform');
    assert.ok(constant > 0 && owned.length >= 6, 'the file declares the constant and at least six entries use it');
    const broken = exemptions.map((e) => (owned.includes(e) ? { ...e, owner: 'marquee-shop/platform' as `@${string}` } : e));
    const r = runPolicies(world('prod'), { today, exemptions: broken });
    const invalid = r.exemptionFindings.filter((f) => f.rule === 'exemption/invalid');
    assert.deepEqual(invalid.map((f) => [f.file, f.line]), [['policies/exemptions.ts', constant]], 'one finding, at the constant');
    assert.match(invalid[0]!.message, new RegExp(`^owner constant platform is "marquee-shop/platform": .* owner of ${owned.length} exemption\\(s\\)`));
    for (const e of owned) assert.ok(invalid[0]!.message.includes(exemptionRef(e)), exemptionRef(e));
    // the entries are invalid all the same: none suppresses its violation, and each violation folds into the one finding
    assert.equal(r.applied.filter((a) => a.status === 'invalid').length, owned.length);
    // (the fixture world has none of their violations: one per entry, as validate would report it again)
    const violations = owned.map((e, i) => ({
      rule: e.policy,
      severity: 'error' as const,
      object: [e.object.kind, e.object.namespace, e.object.name].filter(Boolean).join('/'),
      target: e.targets?.[0] ?? 'prod',
      file: `base/violation-${i}.yaml`,
      line: 1,
      message: `violation ${i}`,
    }));
    const [one, ...rest] = oneFindingPerMistake([...violations, ...invalid]);
    assert.deepEqual(rest, []);
    assert.deepEqual([one?.rule, one?.line, one?.related?.length], ['exemption/invalid', constant, owned.length]);
  });

  it('a misspelt policy id is one finding naming the id meant, carrying the violation it no longer covers', () => {
    const r = run({ ...base, policy: 'gitops/digest-pining' });
    assert.equal(r.findings.length, 1, 'the violation is reported again');
    const [f, ...rest] = oneFindingPerMistake([...r.findings, ...r.exemptionFindings]);
    assert.deepEqual(rest, []);
    assert.equal(f?.rule, 'exemption/invalid');
    assert.match(f?.message ?? '', /does not exist \(did you mean "gitops\/digest-pinning"\?\)/);
    assert.deepEqual(f?.related?.map((x) => [x.rule, x.object]), [['gitops/digest-pinning', 'Deployment/marquee-prod/web']]);
  });
});
