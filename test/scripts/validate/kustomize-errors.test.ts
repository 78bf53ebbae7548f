// scripts/lib/validate/kustomize-errors.ts against the real kustomize (the pinned binary): a patch file kustomize
// cannot parse is one finding at the file's line, worded as the sources step words the same YAML mistake.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderTargets } from '../../../scripts/lib/kustomize/index.ts';
import { explainKustomize } from '../../../scripts/lib/validate/kustomize-errors.ts';
import { yamlFindings } from '../../../scripts/lib/validate/sources.ts';

describe('a patch file kustomize cannot parse', () => {
  it('a tab in its indentation: "tab", at the tab line, as the sources step says it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'marquee-kustomize-errors-'));
    try {
      mkdirSync(join(root, 'overlays/x'), { recursive: true });
      writeFileSync(join(root, 'overlays/x/kustomization.yaml'), 'resources:\n  - deployment.yaml\npatches:\n  - path: patch.yaml\n');
      writeFileSync(join(root, 'overlays/x/deployment.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n');
      writeFileSync(join(root, 'overlays/x/patch.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n\treplicas: 2\n');
      const [result] = await renderTargets(root, [{ name: 'x', kind: 'env', path: 'overlays/x' }]);
      const failure = result!.findings.find((f) => f.rule === 'kustomize');
      assert.match(failure?.message ?? '', /unable to parse SM or JSON patch/, 'kustomize refuses the patch');
      const f = explainKustomize(failure!, root);
      const tab = 'invalid YAML: a tab indents this line; YAML indentation must be spaces';
      assert.deepEqual(
        [f.file, f.line, f.column, f.message, f.hint],
        ['overlays/x/patch.yaml', 6, 1, `${tab}: kustomize cannot parse overlays/x/patch.yaml (the patch at overlays/x/kustomization.yaml:4) and refuses the build`, 'replace the tab with spaces'],
      );
      // the sources step's finding for the same file: the same words, line and fix
      assert.deepEqual(yamlFindings(root, 'overlays/x/patch.yaml').map((s) => [s.line, s.message, s.hint]), [[6, tab, 'replace the tab with spaces']]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
