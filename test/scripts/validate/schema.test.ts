// scripts/lib/validate/schema.ts misspeltRequired: a required field written misspelt is one issue, folded from the
// structured fields the schema step sets (`meant` on the unknown field, `missing` on the required one), never from
// the wording of a hint.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { misspeltRequired, type SchemaIssue } from '../../../scripts/lib/validate/schema.ts';
import { validateFiles } from '../../../scripts/lib/validate/index.ts';

describe('misspeltRequired', () => {
  const unknown: SchemaIssue = { path: ['spec', 'selecter'], message: 'unknown field "selecter"', meant: 'selector' };
  const missing: SchemaIssue = { path: ['spec', 'selector'], message: 'missing required field "selector"', missing: 'selector' };

  it('folds the missing field into the misspelling by their fields, whatever the hints say (none here)', () => {
    assert.deepEqual(misspeltRequired([unknown, missing]), [
      { ...unknown, message: 'unknown field "selecter" (and the required field "selector" is missing)', standsFor: ['spec', 'selector'] },
    ]);
  });

  it('a hint that reads "did you mean" is not a misspelling: nothing folds without `meant`', () => {
    const worded: SchemaIssue = { path: ['spec', 'selecter'], message: 'unknown field "selecter"', hint: 'did you mean "selector"? (or is it indented under the wrong parent?)' };
    assert.deepEqual(misspeltRequired([worded, missing]), [worded, missing]);
  });

  it('only a missing field beside the misspelling folds (same parent)', () => {
    const elsewhere: SchemaIssue = { path: ['spec', 'template', 'selector'], message: 'missing required field "selector"', missing: 'selector' };
    assert.deepEqual(misspeltRequired([unknown, elsewhere]), [unknown, elsewhere]);
  });
});

describe('a misspelt required field is one finding, for a built-in kind and for a custom resource (files mode)', () => {
  it('Deployment selecter:, CloudNativePG Database ownr:', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marquee-schema-'));
    try {
      writeFileSync(
        join(dir, 'deployment.yaml'),
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selecter:\n    matchLabels: { app: web }\n  template:\n    metadata:\n      labels: { app: web }\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n',
      );
      writeFileSync(join(dir, 'database.yaml'), 'apiVersion: postgresql.cnpg.io/v1\nkind: Database\nmetadata:\n  name: app\nspec:\n  name: app\n  ownr: app\n  cluster:\n    name: pg\n');
      const r = await validateFiles(dir, ['.']);
      assert.deepEqual(
        r.findings.filter((f) => f.rule === 'schema').map((f) => [f.file, f.line, f.path, f.message, f.standsFor]),
        [
          ['database.yaml', 7, 'spec.ownr', 'unknown field "ownr" (and the required field "owner" is missing)', 'spec.owner'],
          ['deployment.yaml', 6, 'spec.selecter', 'unknown field "selecter" (and the required field "selector" is missing)', 'spec.selector'],
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
