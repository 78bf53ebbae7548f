// Files mode judges a plain manifest as `kubectl apply -f` sends it: kubectl reads YAML 1.1 (sigs.k8s.io/yaml on
// goyaml.v2), so an unquoted yes/no/on/off/y/n is a boolean. kubectl itself is the oracle for what it sends:
// `kubectl label --local -f … -o json` reads the file with apply's resource builder and needs no cluster
// (`kubectl create --dry-run=client` asks a server for the API groups first). Repository mode, where kustomize reads
// YAML 1.2, is pinned by yaml-as-kubernetes-reads-it.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateFiles } from '../../../scripts/lib/validate/index.ts';

const manifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: flags
data:
  enabled: yes
  quoted: "on"
  list: "x"
---
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: c
    image: nginx:1.27
    securityContext:
      privileged: yes
      readOnlyRootFilesystem: On
    args: [y, "n"]
`;

async function inDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-yaml11-'));
  try {
    writeFileSync(join(dir, 'm.yaml'), manifest);
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });

test('the values judged are the ones kubectl sends (kubectl as the oracle)', { skip: kubectl.error ? `kubectl is not installed: ${kubectl.error.message}` : false }, async () => {
  await inDir(async (dir) => {
    const out = spawnSync('kubectl', ['label', '--local', '-f', 'm.yaml', '-o', 'json', 'oracle=1'], { cwd: dir, encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    // one JSON object per document, one after the other
    const sent = out.stdout.split(/\n(?=\{)/).map((doc) => JSON.parse(doc));
    const r = await validateFiles(dir, ['.'], undefined, { keepObjects: true });
    const judged = r.rendered.map((o) => o.object);
    assert.deepEqual(judged[0]!.data, sent[0].data);
    assert.deepEqual(judged[1]!.spec, sent[1].spec);
    // what kubectl sends, written out by hand: the oracle is not fooled either
    assert.deepEqual(sent[0].data, { enabled: true, quoted: 'on', list: 'x' });
    assert.deepEqual(sent[1].spec.containers[0].securityContext, { privileged: true, readOnlyRootFilesystem: true });
    assert.deepEqual(sent[1].spec.containers[0].args, [true, 'n']);
  });
});

test('a YAML 1.1 boolean is judged as the boolean: one warning in kubectl\'s words, and an error only where a boolean is refused', async () => {
  await inDir(async (dir) => {
    const r = await validateFiles(dir, ['.']);
    assert.deepEqual(
      r.findings.map((f) => [f.line, f.rule, f.severity, f.path ?? null]).sort((a, b) => Number(a[0]) - Number(b[0]) || String(a[1]).localeCompare(String(b[1]))),
      [
        [6, 'schema', 'error', 'data.enabled'],
        [6, 'yaml/yaml11-boolean', 'warning', null],
        [19, 'yaml/yaml11-boolean', 'warning', null],
        [20, 'yaml/yaml11-boolean', 'warning', null],
        [21, 'schema', 'error', 'spec.containers[0].args[0]'],
        [21, 'yaml/yaml11-boolean', 'warning', null],
      ],
    );
    assert.equal(r.findings.find((f) => f.path === 'data.enabled')!.message, 'must be string (got true)');
    assert.equal(r.findings.find((f) => f.line === 6 && f.rule === 'yaml/yaml11-boolean')!.message, 'unquoted yes: kubectl apply reads YAML 1.1, so the cluster receives the boolean true; kustomize would read the string "yes"');
  });
});
