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

  it('no kustomization uses a remote base', () => {
    assert.deepEqual(checkKustomizations(root), []);
  });
});
