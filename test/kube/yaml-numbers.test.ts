// Plain scalars read as numbers the way go-yaml reads them (kube/yaml-schema.ts goNumber): kustomize (yaml.v3) and
// kubectl (sigs.k8s.io/yaml, yaml.v2) send `defaultMode: 0644` as 420, where YAML 1.2's core schema reads 644. Rows
// ported from go-yaml's own table, yaml.v3 decode_test.go unmarshalTests (commit of the stored copy: the file read
// as id 234065148): "Ints from spec", "bug 1243827" and the 123456e1 floats, each into interface{} (here: a value
// of the JavaScript readers), then through the C++ reader, which reads a row as they do or leaves the file to them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { goNumber, loadManifestBytes, loadManifests, nativeReaderBuilt } from '../../kube/yaml-schema.ts';

const rows: readonly (readonly [string, Record<string, unknown>])[] = [
  // Ints from spec
  ['canonical: 685230', { canonical: 685230 }],
  ['decimal: +685_230', { decimal: 685230 }],
  ['octal: 02472256', { octal: 685230 }],
  ['octal: -02472256', { octal: -685230 }],
  ['octal: 0o2472256', { octal: 685230 }],
  ['octal: -0o2472256', { octal: -685230 }],
  ['hexa: 0x_0A_74_AE', { hexa: 685230 }],
  ['bin: 0b1010_0111_0100_1010_1110', { bin: 685230 }],
  ['bin: -0b101010', { bin: -42 }],
  // bug 1243827: a sign or a digit with underscores beside letters is a string
  ['a: -b_c', { a: '-b_c' }],
  ['a: +b_c', { a: '+b_c' }],
  ['a: 50cent_of_dollar', { a: '50cent_of_dollar' }],
  // "This *is* in fact a float number, per the spec."
  ['a: 123456e1', { a: 123456e1 }],
  ['a: 123456E1', { a: 123456e1 }],
  // Base 60 floats are obsolete and unsupported.
  ['a: 1:1', { a: '1:1' }],
];

describe('numbers as go-yaml reads them (yaml.v3 decode_test.go unmarshalTests)', () => {
  for (const [text, value] of rows)
    test(text, () => {
      assert.deepEqual(loadManifests(`${text}\n`), [value]);
      const native = loadManifestBytes(Buffer.from(`${text}\n`), 100, new Set())?.values;
      if (native !== undefined) assert.deepEqual(native, [value], 'the C++ reader');
    });

  test('a file mode as Kubernetes gets it: 0644 is 420, 0755 493, 0400 256; 644 stays 644 (decimal), 0644.0 a float', () => {
    assert.deepEqual(loadManifests('a: 0644\nb: 0755\nc: 0400\nd: 644\ne: 0644.0\n'), [{ a: 420, b: 493, c: 256, d: 644, e: 644 }]);
    assert.deepEqual([goNumber('0644'), goNumber('0o644'), goNumber('0_644'), goNumber('089'), goNumber('0x')], [420, 420, 420, 89, undefined]);
  });

  test('the C++ reader leaves what it cannot write as read, and writes the rest', { skip: !nativeReaderBuilt && 'the C++ reader is not built' }, () => {
    const read = (t: string) => loadManifestBytes(Buffer.from(t), 100, new Set())?.values;
    for (const t of ['a: 0644\n', 'a: -00\n', 'a: 1_000\n', 'a: 0X1F\n']) assert.equal(read(t), undefined, t);
    assert.deepEqual(read('a: 089\nb: +.5\nc: -.5\nd: --log_dir=/x\n'), [{ a: 89, b: 0.5, c: -0.5, d: '--log_dir=/x' }]);
  });
});

// kubectl itself as the oracle for what reaches the cluster (as in test/scripts/validate/files-yaml11.test.ts):
// `kubectl label --local -f … -o json` reads the file with apply's reader (sigs.k8s.io/yaml, yaml.v2) and needs no cluster
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
test('the numbers read are the ones kubectl sends (kubectl as the oracle)', { skip: kubectl.error ? `kubectl is not installed: ${kubectl.error.message}` : false }, () => {
  const manifest = `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      image: nginx
      ports: [{containerPort: 08080}, {containerPort: 0_80}, {containerPort: 0_70}, {containerPort: 8_080}]
  volumes:
    - name: v
      configMap: {name: cm, defaultMode: 0644, items: [{key: a, path: b, mode: 0_400}, {key: c, path: d, mode: 0o600}]}
  terminationGracePeriodSeconds: 1_000
  activeDeadlineSeconds: 0x1F
  priority: +.5e1
`;
  const dir = mkdtempSync(join(tmpdir(), 'marquee-yaml-numbers-'));
  try {
    writeFileSync(join(dir, 'm.yaml'), manifest);
    const out = spawnSync('kubectl', ['label', '--local', '-f', 'm.yaml', '-o', 'json', 'oracle=1'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    assert.equal(out.status, 0, out.stderr);
    const sent = JSON.parse(out.stdout) as { spec: Record<string, unknown> };
    const read = (loadManifests(manifest)[0] as { spec: Record<string, unknown> }).spec;
    assert.deepEqual(read, sent.spec);
    // what kubectl sends, written out by hand: the oracle is not fooled either
    assert.deepEqual([sent.spec.terminationGracePeriodSeconds, sent.spec.activeDeadlineSeconds, sent.spec.priority], [1000, 31, 5]);
    assert.deepEqual((sent.spec.volumes as any)[0].configMap, { name: 'cm', defaultMode: 420, items: [{ key: 'a', path: 'b', mode: 256 }, { key: 'c', path: 'd', mode: 384 }] });
    assert.deepEqual((sent.spec.containers as any)[0].ports, [{ containerPort: 8080 }, { containerPort: 80 }, { containerPort: 56 }, { containerPort: 8080 }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
