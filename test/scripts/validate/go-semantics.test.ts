// Values the API server reads with Go's libraries, read the same way here (false alarms found on real manifests).
// A custom resource's `pattern`s are Go regular expressions (kube/go-regexp.ts): kube-prometheus's PrometheusRule CRD
// (test/corpus/real-manifests, unmodified) declares `partial_response_strategy` with `^(?i)(abort|warn)?$`, and Thanos
// documents the value in either case (thanos docs/components/rule.md, "Partial Response"). JavaScript's RegExp cannot
// compile `(?i)`, so a valid rule was refused before this check used Go's syntax.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { validateFiles } from '../../../scripts/lib/validate/index.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const crd = join(repo, 'test/corpus/real-manifests/kube-prometheus/manifests/setup/0prometheusruleCustomResourceDefinition.yaml');

const rule = (strategy: string) => `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: thanos-rules
  namespace: monitoring
spec:
  groups:
    - name: availability
      partial_response_strategy: ${strategy}
      rules:
        - alert: TargetDown
          expr: up == 0
`;

describe('CRD patterns in files mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-crd-pattern-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const strategy of ['warn', 'WARN', 'Abort'])
    it(`partial_response_strategy: ${strategy} is valid (the pattern's (?i) flag)`, async () => {
      writeFileSync(join(dir, 'rule.yaml'), rule(strategy));
      const r = await validateFiles(dir, ['rule.yaml'], undefined, { schema: { crd: [crd] } });
      assert.deepEqual(r.findings.map((f) => `${f.line} ${f.path} ${f.message}`), []);
    });

  it('partial_response_strategy: ignore is refused at its line, quoting the pattern', async () => {
    writeFileSync(join(dir, 'rule.yaml'), rule('ignore'));
    const r = await validateFiles(dir, ['rule.yaml'], undefined, { schema: { crd: [crd] } });
    assert.deepEqual(r.findings.map((f) => [f.severity, f.line, f.path]), [['error', 9, 'spec.groups[0].partial_response_strategy']]);
    assert.match(r.findings[0]!.message, /must match the pattern \^\(\?i\)\(abort\|warn\)\?\$/);
  });
});

// A Secret's `data` is []byte, which the API server decodes with Go's base64.StdEncoding: line breaks are skipped
// (encoding/base64: "New line characters (\r and \n) are ignored"). The Barman Cloud plugin's release manifest
// (vendor/operators/plugin-barman-cloud/manifest.yaml, unmodified) ships SIDECAR_IMAGE wrapped over two lines.
describe('Secret data in files mode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-secret-data-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const secret = (value: string) => `apiVersion: v1
kind: Secret
metadata:
  name: wrapped
  namespace: default
data:
  IMAGE: ${value}
`;

  it('a value wrapped over lines (a block scalar) is valid, as in the vendored plugin manifest', async () => {
    const r = await validateFiles(repo, ['vendor/operators/plugin-barman-cloud/manifest.yaml'], undefined, { schema: { skipKind: ['Certificate,Issuer'] } });
    assert.deepEqual(r.findings.filter((f) => f.severity === 'error').map((f) => `${f.line} ${f.path} ${f.message}`), []);
    writeFileSync(join(dir, 'secret.yaml'), secret('|\n    c3VyZ\n    Q==\n'));
    assert.deepEqual((await validateFiles(dir, ['secret.yaml'])).findings, []);
  });

  it('a value that is not base64 is refused at its line', async () => {
    writeFileSync(join(dir, 'secret.yaml'), secret('c3VyZQ'));
    const r = await validateFiles(dir, ['secret.yaml']);
    assert.deepEqual(r.findings.map((f) => [f.severity, f.line, f.path, f.message]), [['error', 7, 'data.IMAGE', 'must be a valid byte (got "c3VyZQ")']]);
  });
});
