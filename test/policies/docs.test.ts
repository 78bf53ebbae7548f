// docs/policies.md is generated from the registry: it must match what runs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { docsPath, policiesMarkdown } from '../../policies/docs.ts';
import { policies } from '../../policies/index.ts';

it('docs/policies.md is up to date (regenerate: npx tsx policies/docs.ts)', () => {
  const committed = readFileSync(new URL(`../../${docsPath}`, import.meta.url), 'utf8');
  assert.equal(committed, policiesMarkdown());
  for (const p of policies) assert.ok(committed.includes(`\`${p.id}\``), p.id);
});
