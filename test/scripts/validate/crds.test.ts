// validate's schema selection for custom resources (scripts/lib/validate/schema.ts, schema-sources.ts): the vendored
// CRDs, CRDs found in the validated files, --crd, --skip-kind, --ignore-missing-schemas; and no false alarm on the
// real manifests of test/corpus/real-manifests (kube-prometheus with its setup CRDs, Argo CD, ingress-nginx,
// microservices-demo), whose only errors are the kinds nothing gives a schema for (Istio, Gateway API).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { validateFiles } from '../../../scripts/lib/validate/index.ts';
import { crdYaml } from '../../fixtures/crd.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const corpus = 'test/corpus/real-manifests';
const setup = `${corpus}/kube-prometheus/manifests/setup`;
const istio = `${corpus}/msd/release/istio-manifests.yaml`;
const missingKinds = ['Gateway', 'HTTPRoute', 'ServiceEntry', 'VirtualService'];
const withDir = async (fn: (dir: string) => Promise<void>) => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-crds-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('the real-manifest corpus in files mode', () => {
  it('0 errors, except one clear "no schema" error per Istio / Gateway API object', async () => {
    const r = await validateFiles(repo, [corpus]);
    const errors = r.findings.filter((f) => f.severity === 'error');
    assert.deepEqual(
      errors.filter((f) => f.file !== istio).map((f) => `${f.file}:${f.line} ${f.path} ${f.message}`),
      [],
      'no false alarm outside istio-manifests.yaml',
    );
    assert.equal(errors.length, 5, errors.map((f) => f.message).join('\n'));
    for (const f of errors) {
      assert.match(f.message, /^no schema for (networking\.istio\.io|gateway\.networking\.k8s\.io)\/v1(alpha3|beta1) (VirtualService|ServiceEntry|Gateway|HTTPRoute)/);
      assert.match(f.hint ?? '', /pass --crd <file\|dir> .* or --skip-kind \w+/);
      assert.ok(f.line && f.line > 1, 'located at the object');
    }
    assert.equal(r.findings.filter((f) => f.severity === 'warning' && f.rule === 'schema').length, 0, 'every CEL rule in the corpus CRDs is supported');
  });

  it('passes with --skip-kind for those kinds, and with --ignore-missing-schemas (as warnings)', async () => {
    const skipped = await validateFiles(repo, [istio], undefined, { schema: { skipKind: [missingKinds.slice(0, 2).join(','), ...missingKinds.slice(2)] } });
    assert.deepEqual(skipped.findings.filter((f) => f.severity === 'error'), []);
    const ignored = await validateFiles(repo, [istio], undefined, { schema: { ignoreMissingSchemas: true } });
    assert.deepEqual(ignored.findings.filter((f) => f.severity === 'error'), []);
    assert.equal(ignored.findings.filter((f) => f.severity === 'warning' && /no schema for .*--ignore-missing-schemas/.test(f.message)).length, 5);
  });
});

describe('CRDs from the input and from --crd', () => {
  // prometheus-operator's own example: storage.volumeClaimTemplate without apiVersion/kind is valid against the CRD
  // (the @kubernetes-models/prometheus-operator model required both).
  const prometheus = (extra = '') => `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata:
  name: k8s
  namespace: monitoring
spec:
  replicas: 2
  storage:
    volumeClaimTemplate:
      spec:
        storageClassName: ssd
        resources:
          requests:
            storage: 40Gi${extra}
`;

  it('a CRD document in the validated files validates its kind (kube-prometheus setup/ beside the manifests)', () =>
    withDir(async (dir) => {
      writeFileSync(join(dir, 'prometheus.yaml'), prometheus());
      writeFileSync(join(dir, 'crd.yaml'), readFileSync(join(repo, setup, '0prometheusCustomResourceDefinition.yaml'), 'utf8'));
      const r = await validateFiles(dir, ['.']);
      assert.deepEqual(r.findings.filter((f) => f.severity === 'error'), []);
      writeFileSync(join(dir, 'prometheus.yaml'), prometheus('\n        volumeMode: Filesystem\n  retentionSise: 10GB'));
      const bad = await validateFiles(dir, ['.']);
      assert.deepEqual(
        bad.findings.map((f) => [f.file, f.line, f.path, f.message]),
        [['prometheus.yaml', 16, 'spec.retentionSise', 'unknown field "retentionSise"']],
      );
      assert.match(bad.findings[0]!.hint!, /did you mean "retentionSize"\?.*CRD prometheuses\.monitoring\.coreos\.com v1 \(crd\.yaml\)/);
    }));

  it('--crd <dir> supplies the CRDs of kinds that are validated alone', () =>
    withDir(async (dir) => {
      writeFileSync(join(dir, 'prometheus.yaml'), prometheus());
      const r = await validateFiles(dir, ["prometheus.yaml"], undefined, { schema: { crd: [join(repo, setup)] } });
      assert.deepEqual(r.findings.filter((f) => f.severity === 'error'), []);
    }));

  it('a CEL rule of a vendored CRD fails at the file and line of the object', () =>
    withDir(async (dir) => {
      writeFileSync(
        join(dir, 'db.yaml'),
        'apiVersion: postgresql.cnpg.io/v1\nkind: Database\nmetadata:\n  name: app\nspec:\n  name: app\n  owner: app\n  cluster:\n    name: pg\n  localeProvider: libc\n  icuLocale: en-US\n',
      );
      const r = await validateFiles(dir, ['db.yaml']);
      assert.deepEqual(
        r.findings.map((f) => [f.file, f.line, f.path, f.message]),
        [['db.yaml', 5, 'spec', 'icuLocale is only available when localeProvider is set to `icu`']],
      );
    }));
});

describe('CEL rules that call Kubernetes 1.31 library functions (policies/lib/cel-kubernetes.ts)', () => {
  // No vendored CRD calls one yet (grep x-kubernetes-validations vendor/crds): a CRD in the input does, as any
  // operator's may (quantity, url, cidr, format are what CRD authors use them for).
  const crd = crdYaml({
    group: 'example.marquee.dev',
    kind: 'Throttle',
    plural: 'throttles',
    schema: `type: object
properties:
  apiVersion: { type: string }
  kind: { type: string }
  metadata: { type: object }
  spec:
    type: object
    properties:
      memory:
        type: string
        x-kubernetes-validations:
          - rule: "quantity(self).isLessThan(quantity('4Gi'))"
            message: memory must be below 4Gi
      endpoint:
        type: string
        x-kubernetes-validations:
          - rule: "isURL(self) && url(self).getScheme() == 'https'"
            message: endpoint must be an https URL
      allowFrom:
        type: array
        items: { type: string }
        x-kubernetes-validations:
          - rule: "self.all(c, isCIDR(c) && cidr('10.0.0.0/8').containsCIDR(c))"
            message: allowFrom must be CIDRs inside 10.0.0.0/8
      queue:
        type: string
        x-kubernetes-validations:
          - rule: "!format.dns1123Label().validate(self).hasValue()"
            messageExpression: "format.dns1123Label().validate(self).value().join(', ')"
`,
  });
  const throttle = (spec: string) => `apiVersion: example.marquee.dev/v1
kind: Throttle
metadata:
  name: api
  namespace: shop
spec:
${spec}`;
  it('rejected at the file, line and field of the value; accepted when the values satisfy the rules', () =>
    withDir(async (dir) => {
      writeFileSync(join(dir, 'crd.yaml'), crd);
      writeFileSync(join(dir, 'throttle.yaml'), throttle("  memory: 512Mi\n  endpoint: https://api.example.com/v1\n  allowFrom: [10.1.0.0/16]\n  queue: orders\n"));
      const ok = await validateFiles(dir, ['.']);
      assert.deepEqual(ok.findings.map((f) => [f.file, f.line, f.path, f.severity, f.message]), []);
      writeFileSync(join(dir, 'throttle.yaml'), throttle("  memory: 8Gi\n  endpoint: http://api.example.com/v1\n  allowFrom: [10.1.0.0/16, 192.168.0.0/24]\n  queue: Orders_Queue\n"));
      const bad = await validateFiles(dir, ['.']);
      assert.deepEqual(
        bad.findings.map((f) => [f.file, f.line, f.path, f.severity, f.message]),
        [
          ['throttle.yaml', 7, 'spec.memory', 'error', 'memory must be below 4Gi (got "8Gi")'],
          ['throttle.yaml', 8, 'spec.endpoint', 'error', 'endpoint must be an https URL (got "http://api.example.com/v1")'],
          ['throttle.yaml', 9, 'spec.allowFrom', 'error', 'allowFrom must be CIDRs inside 10.0.0.0/8'],
          [
            'throttle.yaml',
            10,
            'spec.queue',
            'error',
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?') (got \"Orders_Queue\")",
          ],
        ],
      );
    }));
  it('a value the rule cannot evaluate (quantity("8 GB") is an error in Go, not false) is reported, not passed', () =>
    withDir(async (dir) => {
      writeFileSync(join(dir, 'crd.yaml'), crd);
      writeFileSync(join(dir, 'throttle.yaml'), throttle('  memory: 8 GB\n'));
      const r = await validateFiles(dir, ['.']);
      assert.deepEqual(r.findings.map((f) => [f.file, f.line, f.path, f.severity]), [['throttle.yaml', 7, 'spec.memory', 'error']]);
      assert.match(r.findings[0]!.message, /failed to evaluate: quantities must match the regular expression/);
    }));
});

describe('the CLI flags', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/validate.ts', ...args], { cwd: repo, encoding: 'utf8', timeout: 120_000 });
  it('bad values are usage errors (exit 2) naming the flag', () => {
    const none = cli('--crd', 'no/such/dir', istio);
    assert.equal(none.status, 2, none.stderr);
    assert.match(none.stderr, /--crd no\/such\/dir: no such file or directory/);
    const notCrd = cli('--crd', `${corpus}/msd/release/kubernetes-manifests.yaml`, istio);
    assert.equal(notCrd.status, 2, notCrd.stderr);
    assert.match(notCrd.stderr, /no CustomResourceDefinition .* found/);
    const badKind = cli('--skip-kind', 'Virtual Service', istio);
    assert.equal(badKind.status, 2, badKind.stderr);
    assert.match(badKind.stderr, /--skip-kind "Virtual Service": expected Kind\[,Kind\]/);
  });
  it('--skip-kind makes the Istio file pass (exit 0)', () => {
    const ok = cli('--skip-kind', missingKinds.join(','), istio);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  });
});

describe('which CRD serves a kind: the input’s own, the later file winning; --crd over them; the vendored last', () => {
  // three CRDs of one kind, each requiring a different field: the finding names the field of the CRD that served it
  const widget = (field: string) => crdYaml({ group: 'example.com', kind: 'Widget', plural: 'widgets', schema: `type: object\nproperties:\n  spec:\n    type: object\n    required: [${field}]\n` });
  const object = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec: {}\n';
  const required = (r: Awaited<ReturnType<typeof validateFiles>>) => r.findings.filter((f) => f.file === 'widget.yaml').map((f) => f.message);
  /** Three CRDs of Widget (a-crd.yaml, b-crd.yaml, flag-crd.yaml) and one Widget (widget.yaml) in `dir`. */
  const widgets = (dir: string) => {
    writeFileSync(join(dir, 'a-crd.yaml'), widget('fromA'));
    writeFileSync(join(dir, 'b-crd.yaml'), widget('fromB'));
    writeFileSync(join(dir, 'flag-crd.yaml'), widget('fromFlag'));
    writeFileSync(join(dir, 'widget.yaml'), object);
  };
  const inputs = ['a-crd.yaml', 'b-crd.yaml', 'widget.yaml'];
  it('on one thread', () =>
    withDir(async (dir) => {
      widgets(dir);
      const workers = 1;
      assert.match(required(await validateFiles(dir, inputs, undefined, { workers })).join(), /fromB/);
      assert.match(required(await validateFiles(dir, ['b-crd.yaml', 'a-crd.yaml', 'widget.yaml'], undefined, { workers })).join(), /fromA/, 'files are taken in the order given');
      assert.match(required(await validateFiles(dir, inputs, undefined, { workers, schema: { crd: ['flag-crd.yaml'] } })).join(), /fromFlag/);
      // an input CRD of a vendored kind (kube-prometheus's Prometheus) serves it instead of the vendored one
      writeFileSync(join(dir, 'c-crd.yaml'), crdYaml({ group: 'monitoring.coreos.com', kind: 'Prometheus', plural: 'prometheuses', schema: 'type: object\nproperties:\n  spec:\n    type: object\n    required: [fromInput]\n' }));
      writeFileSync(join(dir, 'widget.yaml'), 'apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata:\n  name: p\nspec: {}\n');
      assert.match(required(await validateFiles(dir, ['c-crd.yaml', 'widget.yaml'], undefined, { workers })).join(), /fromInput/);
      assert.deepEqual(required(await validateFiles(dir, ['widget.yaml'], undefined, { workers })), [], 'the vendored Prometheus CRD requires nothing in spec');
    }));
  // the worker threads get the same CRDs: the later input file, and --crd over it
  it('on two worker threads', () =>
    withDir(async (dir) => {
      widgets(dir);
      assert.match(required(await validateFiles(dir, inputs, undefined, { workers: 2 })).join(), /fromB/);
      assert.match(required(await validateFiles(dir, inputs, undefined, { workers: 2, schema: { crd: ['flag-crd.yaml'] } })).join(), /fromFlag/);
    }));
});

describe('a custom resource’s schema finding: the fix a built-in kind’s field gets, then the CRD it was checked against', () => {
  // The same five mistakes in a Deployment (kubernetes-models' schema) and a CloudNativePG Cluster (its vendored CRD).
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: "3"
  strategy:
    type: Recreat
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx:1.27
          resources:
            requests: { cpu: 100m }
          limits: { memory: 512mb }
          imagePullPolicie: Always
`;
  const cluster = `apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: pg
spec:
  instances: "3"
  primaryUpdateStrategy: unsupervise
  serviceAccountName: Marquee_DB
  storage:
    size: 1Gi
  storageClass: ssd
  resources:
    limits:
      memory: 512mb
  enableSuperuserAcess: false
`;
  const crd = 'checked against the CRD clusters.postgresql.cnpg.io v1 (vendor/crds/cloudnative-pg/postgresql.cnpg.io_clusters.yaml)';

  it('type, enum, pattern, unknown and under-indented fields: the fix in words, the provenance after it', () =>
    withDir(async (dir) => {
      writeFileSync(join(dir, 'deployment.yaml'), deployment);
      writeFileSync(join(dir, 'cluster.yaml'), cluster);
      const r = await validateFiles(dir, ['.']);
      const hints = (file: string) => r.findings.filter((f) => f.file === file && f.rule === 'schema').map((f) => [f.line, f.path, f.hint]);
      assert.deepEqual(hints('deployment.yaml'), [
        [6, 'spec.replicas', 'write 3 without quotes (a number, not a string)'],
        [8, 'spec.strategy.type', 'write Recreate'],
        [20, 'spec.template.spec.containers[0].limits', 'indent limits: under resources:'],
        [21, 'spec.template.spec.containers[0].imagePullPolicie', 'did you mean "imagePullPolicy"? (or is it indented under the wrong parent?)'],
      ]);
      assert.deepEqual(hints('cluster.yaml'), [
        [6, 'spec.instances', `write 3 without quotes (a number, not a string); ${crd}`],
        [7, 'spec.primaryUpdateStrategy', `write unsupervised; ${crd}`],
        [8, 'spec.serviceAccountName', `write marquee-db: a DNS-1123 label: lower-case letters, digits and '-', a letter or digit at each end; ${crd}`],
        [11, 'spec.storageClass', `indent storageClass: under storage:; ${crd}`],
        [14, 'spec.resources.limits.memory', `write 512Mi (mebibytes) or 512M (megabytes); suffixes are case-sensitive and have no B; ${crd}`],
        [15, 'spec.enableSuperuserAcess', `did you mean "enableSuperuserAccess"? (or is it indented under the wrong parent?); ${crd}`],
      ]);
    }));

  it('a quantity refused by the built-in schema and by a CRD’s pattern gets the same fix', () =>
    withDir(async (dir) => {
      writeFileSync(join(dir, 'deployment.yaml'), deployment.replace('          limits: { memory: 512mb }\n', '').replace('{ cpu: 100m }', '{ memory: 512mb }'));
      writeFileSync(join(dir, 'cluster.yaml'), cluster);
      const r = await validateFiles(dir, ['.']);
      const memory = (file: string) => r.findings.find((f) => f.file === file && /memory$/.test(f.path ?? ''))?.hint;
      assert.equal(memory('deployment.yaml'), 'write 512Mi (mebibytes) or 512M (megabytes); suffixes are case-sensitive and have no B');
      assert.equal(memory('cluster.yaml'), `${memory('deployment.yaml')}; ${crd}`);
    }));
});
