// YAML as the tools between Git and the cluster read it: merge keys resolved (kustomize/kyaml,
// kubectl and js-yaml all resolve `<<: *base`), and unquoted YAML 1.1 booleans (yes/no/on/off/y/n)
// reported with what the cluster receives. The expectations come from kustomize 4.5.4 itself
// (the last test renders with it): resources and strategic-merge patches are YAML 1.2 (the string
// "on"), JSON 6902 patch files YAML 1.1 (the boolean true).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { kustomizeBuild } from '../../../scripts/lib/kustomize/index.ts';
import { validateFiles } from '../../../scripts/lib/validate/index.ts';
import { yamlFindings } from '../../../scripts/lib/validate/sources.ts';

const withDir = async (files: Record<string, string>, fn: (dir: string) => Promise<void>) => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-yaml-'));
  try {
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const anchored = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels: &labels
    app.kubernetes.io/name: web
  annotations:
    <<: *labels
    owner: team-web
data:
  MODE: "on"
`;

test('a merge key is resolved, not reported as an unknown field', async () => {
  await withDir({ 'cm.yaml': anchored }, async (dir) => {
    const r = await validateFiles(dir, ['.'], undefined, { keepObjects: true });
    assert.deepEqual(r.findings.map((f) => `${f.rule} ${f.path}: ${f.message}`), []);
    assert.deepEqual(r.rendered[0]!.object.metadata.annotations, { 'app.kubernetes.io/name': 'web', owner: 'team-web' });
  });
});

test('an unquoted YAML 1.1 boolean in a resource says the cluster receives the string', () => {
  const text = anchored.replace('MODE: "on"', 'MODE: on\n  DEBUG: "no"\n  FLAGS: [yes, "y"]');
  const found = yamlFindings('/nonexistent', 'cm.yaml', text);
  assert.deepEqual(
    found.map((f) => [f.rule, f.severity, f.line, f.column]),
    [['yaml/yaml11-boolean', 'warning', 11, 9], ['yaml/yaml11-boolean', 'warning', 13, 11]],
  );
  assert.match(found[0]!.message, /cluster receives the string "on"/);
  assert.match(found[0]!.message, /kubectl apply -f, Helm\) would send the boolean true/);
});

test('an unquoted YAML 1.1 boolean in a JSON 6902 patch says the cluster receives the boolean', () => {
  const found = yamlFindings('/nonexistent', 'p.yaml', '- op: add\n  path: /data/MODE\n  value: off\n');
  assert.equal(found.length, 1);
  assert.equal(found[0]!.line, 3);
  assert.match(found[0]!.message, /JSON 6902 patch.*receives the boolean false/);
});

test('true/false and quoted values are not reported, nor are keys', () => {
  assert.deepEqual(yamlFindings('/nonexistent', 'a.yaml', 'a: true\nb: "yes"\n"on": 1\ny: 2\nc: \'off\'\n'), []);
});

test('kustomize 4.5.4 reads resources as YAML 1.2 and JSON 6902 patches as YAML 1.1 (what the messages claim)', async () => {
  await withDir(
    {
      'kustomization.yaml': 'resources: [cm.yaml]\npatches:\n  - path: p.yaml\n    target: { kind: ConfigMap, name: settings }\n',
      'cm.yaml': anchored.replace('MODE: "on"', 'MODE: on'),
      'p.yaml': '- op: add\n  path: /data/VIA_PATCH\n  value: on\n',
    },
    async (dir) => {
      const r = await kustomizeBuild(dir);
      assert.ok(r.ok, r.error);
      const cm = parse(r.yaml);
      assert.equal(cm.data.MODE, 'on');
      assert.equal(cm.data.VIA_PATCH, true);
      assert.equal(cm.metadata.annotations.owner, 'team-web', 'kustomize resolves the merge key too');
    },
  );
});
