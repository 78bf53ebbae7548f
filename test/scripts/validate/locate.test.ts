// scripts/lib/validate/locate.ts: an inline `patch: |` of a kustomization is placed with the kustomization's lines,
// from the one text the kustomization was read and parsed from (not read again per inline patch).
import assert from 'node:assert/strict';
import fs, { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, mock } from 'node:test';
import { SourceLocator } from '../../../scripts/lib/validate/locate.ts';
import { clearParsedYaml } from '../../../scripts/lib/validate/sources.ts';

const deployment = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n';
/** A kustomization with `n` inline JSON patches of the Deployment, the last one setting replicas. */
const kustomization = (n: number) =>
  `resources:\n  - deployment.yaml\npatches:\n${Array.from({ length: n }, (_, i) =>
    `  - target: { kind: Deployment, name: web }\n    patch: |\n      - op: ${i === n - 1 ? 'replace' : 'add'}\n        path: ${i === n - 1 ? '/spec/replicas' : `/metadata/labels/l${i}`}\n        value: ${i === n - 1 ? 5 : `"v${i}"`}\n`).join('')}`;

describe('SourceLocator: inline patches', () => {
  it('places a value set by an inline patch at its line and column in the kustomization, reading the kustomization once whatever the number of inline patches', () => {
    const root = mkdtempSync(join(tmpdir(), 'marquee-locate-'));
    // a spy on fs.readFileSync that calls through (ESM named imports follow after syncBuiltinESMExports)
    const spy = mock.method(fs, 'readFileSync');
    syncBuiltinESMExports();
    try {
      const reads = (n: number) => {
        const dir = `k${n}`;
        mkdirSync(join(root, dir));
        writeFileSync(join(root, dir, 'deployment.yaml'), deployment);
        writeFileSync(join(root, dir, 'kustomization.yaml'), kustomization(n));
        clearParsedYaml();
        spy.mock.resetCalls();
        const object = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5 } };
        const pos = new SourceLocator(root).locate(object, ['spec', 'replicas'], `${dir}/deployment.yaml`, dir);
        // the last patch's `value: 5` line: 3 lines of header, 5 lines per patch, the value on its fifth
        assert.deepEqual([pos?.file, pos?.line, pos?.column], [`${dir}/kustomization.yaml`, 3 + 5 * (n - 1) + 5, 16]);
        return spy.mock.calls.filter((c) => String(c.arguments[0]).endsWith(join(dir, 'kustomization.yaml'))).length;
      };
      const one = reads(1);
      const three = reads(3);
      assert.ok(one >= 1, 'the kustomization is read');
      assert.equal(three, one, 'no read per inline patch');
    } finally {
      spy.mock.restore();
      syncBuiltinESMExports();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
