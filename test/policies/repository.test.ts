// The real repository: every overlay rendered with the pinned kustomize passes every
// policy, with no findings but the declared exemptions (and digest warnings where the
// environment contract does not require digests).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkKustomizations, runPolicies } from '../../policies/index.ts';
import { defaultTargets, renderTargets } from '../../scripts/lib/kustomize/index.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The day exemptions are judged on: fixed, so the suite does not start failing on the day an
// exemption nears expiry (validate does that for users, with the real date, 14 days ahead).
// Renewing or adding an exemption never needs this changed; expiry logic is exemptions.test.ts's.
const today = new Date('2026-12-01T12:00:00Z');

describe('clean repository', () => {
  it('every rendered target passes every policy but declared exemptions', async () => {
    const targets = defaultTargets(root);
    const rendered = await renderTargets(root, targets);
    assert.deepEqual(rendered.flatMap((r) => r.findings), [], 'kustomize renders every target');
    const objects = rendered.flatMap((r) => r.objects);
    assert.ok(objects.length > 100, `rendered ${objects.length} objects`);
    const { findings, exemptionFindings, applied } = runPolicies(objects, { today });
    const show = (fs: typeof findings) => fs.map((f) => `${f.severity} ${f.rule} [${f.target}] ${f.object} ${f.path ?? ''} (${f.file ?? '?'}): ${f.message}`);
    // Digests are required only where environments.ts says so; elsewhere a tag is a warning by design.
    const expected = (f: (typeof findings)[number]) => f.rule === 'gitops/digest-pinning' && f.severity === 'warning';
    assert.deepEqual(show(findings.filter((f) => !expected(f))), []);
    assert.deepEqual(show(exemptionFindings), []);
    assert.ok(applied.every((a) => a.status === 'active'));
  });

  it('the monitoring checks read every cluster\'s rendered rule files and Alertmanager configuration, and find them loadable', async () => {
    const targets = defaultTargets(root).filter((t) => t.kind === 'platform');
    assert.ok(targets.length >= 2, targets.map((t) => t.name).join(', '));
    const objects = (await renderTargets(root, targets)).flatMap((r) => r.objects);
    const only = ['correctness/prometheus-rules', 'correctness/alertmanager-config', 'correctness/prometheus-flags'];
    assert.deepEqual(runPolicies(objects, { only, today }).findings.map((f) => `${f.rule} [${f.target}] ${f.path}: ${f.message}`), []);
    // Not vacuous: the same rendered ConfigMaps with one mistake each are refused, on every cluster.
    const edit = (key: string, from: string, to: string) => (o: Record<string, any>) =>
      typeof o.data?.[key] === 'string' && o.data[key].includes(from) ? { ...o, data: { ...o.data, [key]: o.data[key].replace(from, to) } } : o;
    const breakRules = edit('rabbitmq.yml', 'for: 5m', 'for: 5 m');
    const breakRoutes = edit('alertmanager.yml', 'receiver: critical', 'receiver: critcal');
    const broken = objects.map((r) => (r.object.kind === 'ConfigMap' ? { ...r, object: breakRoutes(breakRules(r.object)) } : r));
    const found = runPolicies(broken, { only, today }).findings.map((f) => `${f.rule} [${f.target}] ${f.path}`).sort();
    const expected = targets.flatMap((t) => [`correctness/alertmanager-config [${t.name}] data["alertmanager.yml"]`, `correctness/prometheus-rules [${t.name}] data["rabbitmq.yml"]`]).sort();
    assert.deepEqual(found, expected);
  });

  it('no kustomization uses a remote base', () => {
    assert.deepEqual(checkKustomizations(root), []);
  });
});
