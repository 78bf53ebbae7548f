// policies/lib/crd-schema.ts (+ crd-formats.ts, crd-cel.ts): custom resources checked as the API server checks them
// against their CRD. Upstream tables ported where they exist (cited per table); CEL rules taken from the vendored CRDs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CrdRegistry, crdVersionsOf, namedKinds, NAMES_KIND, validateAgainstCrd, validateCustomResource, validateStructural, vendoredCrds, type PathSegment } from '../../../policies/lib/crd-schema.ts';
import { formatError } from '../../../policies/lib/crd-formats.ts';
import { escapeProperty, evaluateRule } from '../../../policies/lib/crd-cel.ts';
import { vendoredCrds as vendoredPins } from '../../../generators/vendored.ts';
import { crdYaml } from '../../fixtures/crd.ts';

const paths = (schema: object, value: unknown, opts = {}) =>
  validateStructural(schema, value, opts).map((i) => i.path.map((s: PathSegment) => String(s)).join('.')).sort();

// Ported from kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/validation/validation_test.go
// TestValidateCustomResource: the validator alone (defaulting off), so a null in a non-nullable field is an error here;
// through the request pipeline it is pruned first (next test). Upstream expects error strings; we compare the paths.
describe('validation_test.go TestValidateCustomResource (ported)', () => {
  const objectField = (extra: object) => ({ properties: { field: { type: 'object', ...extra } } });
  const wrong = [{ field: 'foo' }, { field: 42 }, { field: true }, { field: 1.2 }, { field: [] }];
  const table: { name: string; schema: object; objects: unknown[]; failing: { object: unknown; paths: string[] }[] }[] = [
    { name: '!nullable', schema: objectField({ nullable: false }), objects: [{}, { field: {} }], failing: [...wrong, { field: null }].map((object) => ({ object, paths: ['field'] })) },
    { name: 'nullable', schema: objectField({ nullable: true }), objects: [{}, { field: {} }, { field: null }], failing: wrong.map((object) => ({ object, paths: ['field'] })) },
    { name: 'nullable and no type', schema: { properties: { field: { nullable: true } } }, objects: [{}, { field: {} }, { field: null }, ...wrong], failing: [] },
    {
      name: 'x-kubernetes-int-or-string',
      schema: { properties: { field: { 'x-kubernetes-int-or-string': true } } },
      objects: [{}, { field: 42 }, { field: 'foo' }],
      failing: [{ field: null }, { field: true }, { field: 1.2 }, { field: {} }, { field: [] }].map((object) => ({ object, paths: ['field'] })),
    },
    {
      name: 'nullable and x-kubernetes-int-or-string',
      schema: { properties: { field: { nullable: true, 'x-kubernetes-int-or-string': true } } },
      objects: [{}, { field: 42 }, { field: 'foo' }, { field: null }],
      failing: [{ field: true }, { field: 1.2 }, { field: {} }, { field: [] }].map((object) => ({ object, paths: ['field'] })),
    },
    {
      name: 'nullable, x-kubernetes-int-or-string and user-provided anyOf',
      schema: { properties: { field: { nullable: true, 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } } },
      objects: [{}, { field: null }, { field: 42 }, { field: 'foo' }],
      failing: [{ field: true }, { field: 1.2 }, { field: {} }, { field: [] }].map((object) => ({ object, paths: ['field'] })),
    },
    {
      name: 'nullable, x-kubernetes-int-or-string and user-provider allOf',
      schema: { properties: { field: { nullable: true, 'x-kubernetes-int-or-string': true, allOf: [{ anyOf: [{ type: 'integer' }, { type: 'string' }] }] } } },
      objects: [{}, { field: null }, { field: 42 }, { field: 'foo' }],
      failing: [{ field: true }, { field: 1.2 }, { field: {} }, { field: [] }].map((object) => ({ object, paths: ['field'] })),
    },
    { name: 'invalid regex', schema: { properties: { field: { type: 'string', pattern: '+' } } }, objects: [], failing: [{ object: { field: 'foo' }, paths: ['field'] }] },
    {
      name: 'required field',
      schema: { required: ['field'], properties: { field: { type: 'object', required: ['nested'], properties: { nested: {} } } } },
      objects: [],
      // upstream's first object also carries an undeclared "test" field: pruned there, an error here (strict).
      failing: [{ object: { test: 'a' }, paths: ['field', 'test'] }, { object: { field: {} }, paths: ['field.nested'] }],
    },
    {
      name: 'enum',
      schema: { properties: { field: { type: 'object', required: ['nestedint', 'nestedstring'], properties: { nestedint: { type: 'integer', enum: [1, 2] }, nestedstring: { type: 'string', enum: ['a', 'b'] } } } } },
      objects: [],
      failing: [
        { object: { field: {} }, paths: ['field.nestedint', 'field.nestedstring'] },
        { object: { field: { nestedint: 'x', nestedstring: true } }, paths: ['field.nestedint', 'field.nestedstring'] },
      ],
    },
  ];
  for (const t of table)
    it(t.name, () => {
      for (const o of t.objects) assert.deepEqual(paths(t.schema, o, { defaulting: false }), [], `${JSON.stringify(o)} is valid`);
      for (const f of t.failing) assert.deepEqual(paths(t.schema, f.object, { defaulting: false }), f.paths, `${JSON.stringify(f.object)} fails at ${f.paths}`);
    });
});

describe('the request pipeline: defaults and nulls (defaulting/algorithm.go, prunenulls.go)', () => {
  const schema = { type: 'object', required: ['mode', 'size'], properties: { mode: { type: 'string', enum: ['a', 'b'], default: 'a' }, size: { type: 'integer' }, note: { type: 'string' } } };
  it('a defaulted required field is not missing; a null in a non-nullable field is dropped, then required', () => {
    assert.deepEqual(paths(schema, { size: 1 }), []);
    assert.deepEqual(paths(schema, { size: 1, note: null }), []);
    assert.deepEqual(paths(schema, { note: 'x', size: null }), ['size']);
    assert.deepEqual(paths(schema, { size: 1, mode: null }), [], 'a null with a default gets the default');
  });
});

describe('structural schema keywords', () => {
  const cases: { name: string; schema: object; pass: unknown[]; fail: { value: unknown; paths: string[] }[] }[] = [
    {
      name: 'unknown fields are errors unless x-kubernetes-preserve-unknown-fields',
      schema: { type: 'object', properties: { a: { type: 'object', properties: { x: { type: 'string' } } }, b: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
      pass: [{ a: { x: 's' }, b: { anything: { deep: 1 } } }],
      fail: [{ value: { a: { y: 1 } }, paths: ['a.y'] }, { value: { c: 1 }, paths: ['c'] }],
    },
    {
      name: 'additionalProperties schemas check map values',
      schema: { type: 'object', properties: { m: { type: 'object', additionalProperties: { type: 'string' } } } },
      pass: [{ m: { k: 'v' } }],
      fail: [{ value: { m: { k: 1 } }, paths: ['m.k'] }],
    },
    {
      name: 'x-kubernetes-embedded-resource allows apiVersion, kind, metadata and requires apiVersion and kind (objectmeta/validation.go)',
      schema: { type: 'object', properties: { t: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } } },
      pass: [{ t: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'x' }, spec: { a: 1 } } }],
      fail: [{ value: { t: { spec: {} } }, paths: ['t.apiVersion', 't.kind'] }],
    },
    {
      name: 'numeric bounds and multipleOf',
      schema: { type: 'object', properties: { n: { type: 'integer', minimum: 1, maximum: 10, multipleOf: 2 }, x: { type: 'number', minimum: 0, exclusiveMinimum: true } } },
      pass: [{ n: 2, x: 0.5 }, { n: 10 }],
      fail: [{ value: { n: 0 }, paths: ['n'] }, { value: { n: 12 }, paths: ['n'] }, { value: { n: 3 }, paths: ['n'] }, { value: { x: 0 }, paths: ['x'] }],
    },
    {
      name: 'string lengths count characters, pattern',
      schema: { type: 'object', properties: { s: { type: 'string', minLength: 2, maxLength: 3, pattern: '^[a-zé]+$' } } },
      pass: [{ s: 'éé' }, { s: 'abc' }],
      fail: [{ value: { s: 'a' }, paths: ['s'] }, { value: { s: 'abcd' }, paths: ['s'] }, { value: { s: 'A1' }, paths: ['s'] }],
    },
    {
      // Go's utf8.RuneCountInString: a character outside the BMP (two UTF-16 units in JavaScript) is one
      name: 'string lengths count runes, not UTF-16 units',
      schema: { type: 'object', properties: { s: { type: 'string', minLength: 1, maxLength: 1 } } },
      pass: [{ s: '😀' }, { s: 'é' }],
      fail: [{ value: { s: '😀😀' }, paths: ['s'] }, { value: { s: '' }, paths: ['s'] }],
    },
    {
      // The API server compiles `pattern` with Go's regexp (RE2 syntax; kube-openapi pkg/validation/validate Pattern):
      // `(?i)` is a flag there (kube-prometheus's PrometheusRule partial_response_strategy is `^(?i)(abort|warn)?$`),
      // `\\z` is the end of the text, `[[:alpha:]]` a POSIX class (Go regexp/syntax doc), and a look-ahead does not
      // compile (RE2 has none), so the value is reported against an invalid pattern, like validation_test.go "invalid regex".
      name: 'patterns are Go regular expressions (RE2), not JavaScript ones',
      schema: {
        type: 'object',
        properties: {
          i: { type: 'string', pattern: '^(?i)(abort|warn)?$' },
          z: { type: 'string', pattern: '^ab\\z' },
          p: { type: 'string', pattern: '^[[:alpha:]]+$' },
          l: { type: 'string', pattern: 'a(?=b)' },
        },
      },
      pass: [{ i: 'WARN' }, { i: 'abort' }, { i: '' }, { z: 'ab' }, { p: 'abc' }],
      fail: [{ value: { i: 'x' }, paths: ['i'] }, { value: { z: 'abc' }, paths: ['z'] }, { value: { p: 'a1' }, paths: ['p'] }, { value: { l: 'ab' }, paths: ['l'] }],
    },
    {
      name: 'minItems, maxItems, uniqueItems, min/maxProperties',
      schema: { type: 'object', properties: { l: { type: 'array', minItems: 1, maxItems: 2, uniqueItems: true, items: { type: 'integer' } }, o: { type: 'object', minProperties: 1, additionalProperties: { type: 'string' } } } },
      pass: [{ l: [1, 2], o: { a: 'b' } }],
      fail: [{ value: { l: [] }, paths: ['l'] }, { value: { l: [1, 2, 3] }, paths: ['l'] }, { value: { l: [1, 1] }, paths: ['l.1'] }, { value: { o: {} }, paths: ['o'] }],
    },
    {
      name: 'x-kubernetes-list-type set and map (listtype/validation.go)',
      schema: {
        type: 'object',
        properties: {
          s: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
          m: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name', 'protocol'], items: { type: 'object', properties: { name: { type: 'string' }, protocol: { type: 'string', default: 'TCP' }, port: { type: 'integer' } } } },
        },
      },
      pass: [{ s: ['a', 'b'], m: [{ name: 'a', port: 1 }, { name: 'a', protocol: 'UDP', port: 1 }] }],
      fail: [{ value: { s: ['a', 'a'] }, paths: ['s.1'] }, { value: { m: [{ name: 'a' }, { name: 'a', protocol: 'TCP' }] }, paths: ['m.1'] }],
    },
    {
      name: 'oneOf, anyOf and not as value validations',
      schema: { type: 'object', properties: { o: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, oneOf: [{ required: ['a'] }, { required: ['b'] }], not: { required: ['a', 'b'] } }, v: { type: 'string', anyOf: [{ pattern: '^x' }, { maxLength: 1 }] } } },
      pass: [{ o: { a: '1' }, v: 'xyz' }, { o: { b: '1' }, v: 'y' }],
      fail: [{ value: { o: { a: '1', b: '2' } }, paths: ['o', 'o'] }, { value: { o: {} }, paths: ['o'] }, { value: { v: 'yz' }, paths: ['v'] }],
    },
    {
      name: 'format int32 range on an integer, date-time on a string; unknown formats ignored (formats.go)',
      schema: { type: 'object', properties: { i: { type: 'integer', format: 'int32' }, t: { type: 'string', format: 'date-time' }, u: { type: 'string', format: 'no-such-format' } } },
      pass: [{ i: 2147483647, t: '2026-12-05T10:00:00Z', u: 'anything' }],
      fail: [{ value: { i: 2147483648 }, paths: ['i'] }, { value: { t: 'yesterday' }, paths: ['t'] }],
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      for (const v of c.pass) assert.deepEqual(paths(c.schema, v), [], `${JSON.stringify(v)} passes`);
      for (const f of c.fail) assert.deepEqual(paths(c.schema, f.value), f.paths, `${JSON.stringify(f.value)} fails at ${f.paths}`);
    });
});

describe('formats (kube-openapi strfmt, as formats.go enables them)', () => {
  const table: [format: string, type: string, good: unknown[], bad: unknown[]][] = [
    // Go's encoding/base64 base64_test.go TestNewLineCharacters: each decodes to "sure" (\r and \n are ignored).
    ['byte', 'string', ['aGVsbG8=', '', 'c3VyZQ==', 'c3VyZQ==\r', 'c3VyZQ==\n', 'c3VyZQ==\r\n', 'c3VyZ\r\nQ==', 'c3V\ryZ\nQ==', 'c3V\nyZ\rQ==', 'c3VyZ\nQ==', 'c3VyZQ\n==', 'c3VyZQ=\n=', 'c3VyZQ=\r\n\r\n='], ['aGVsbG8', 'not base64!', 'c3VyZQ= =']],
    ['date', 'string', ['2026-02-28'], ['2026-02-30', '26-1-1']],
    ['date-time', 'string', ['2026-12-05T10:00:00Z', '2026-12-05T10:00:00.123+01:00'], ['2026-12-05', '2026-13-05T10:00:00Z']],
    ['duration', 'string', ['1h30m', '22 ns', '3 days'], ['soon']],
    ['ipv4', 'string', ['10.0.0.1'], ['10.0.0.256', '::1']],
    ['ipv6', 'string', ['::1', 'fe80::1', '2001:db8::10.0.0.1'], ['1:2:3:4:5:6:7:8:9', '10.0.0.1']],
    ['cidr', 'string', ['10.0.0.0/8', 'fd00::/64'], ['10.0.0.0/33', '10.0.0.0']],
    ['uuid', 'string', ['123e4567-e89b-12d3-a456-426614174000'], ['123e4567']],
    ['hostname', 'string', ['example.com', 'a'], ['-bad-.com', 'a..b']],
    ['uri', 'string', ['https://example.com/x', '/abs/path'], ['relative/path', '']],
    ['quantity', 'string', ['10Gi', '250m', '1e3'], ['ten gigs', '10GiB']],
    ['int32', 'integer', [-(2 ** 31), 2 ** 31 - 1], [2 ** 31, -(2 ** 31) - 1]],
  ];
  for (const [format, type, good, bad] of table)
    it(format, () => {
      for (const g of good) assert.equal(formatError(format, type, g, '1.31'), undefined, `${JSON.stringify(g)} is a ${format}`);
      for (const b of bad) assert.ok(formatError(format, type, b, '1.31'), `${JSON.stringify(b)} is not a ${format}`);
    });
  it('k8s-short-name is checked from Kubernetes 1.34 on only (formats.go supportedVersionedFormats)', () => {
    assert.equal(formatError('k8s-short-name', 'string', 'Not_A_Name', '1.33'), undefined);
    assert.ok(formatError('k8s-short-name', 'string', 'Not_A_Name', '1.34'));
    assert.equal(formatError('k8s-short-name', 'string', 'a-name', '1.34'), undefined);
  });
  it('formats on other types are ignored (StripUnsupportedFormatsPostProcessorForVersion)', () => {
    assert.equal(formatError('date-time', 'integer', 5, '1.31'), undefined);
    assert.equal(formatError('int32', 'string', 'x', '1.31'), undefined);
  });
});

describe('x-kubernetes-validations (CEL) with the vendored CRDs’ own rules', () => {
  const database = (spec: object) => ({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Database', metadata: { name: 'app' }, spec: { name: 'app', owner: 'app', cluster: { name: 'pg' }, ...spec } });
  it('CloudNativePG Database: icuLocale only with localeProvider icu (a passing and a failing object)', () => {
    assert.deepEqual(validateAgainstCrd(database({ localeProvider: 'icu', icuLocale: 'en-US' }))!.errors, []);
    assert.deepEqual(validateAgainstCrd(database({ localeProvider: 'libc', icuLocale: 'en-US' }))!.errors, [
      { path: 'spec', message: 'icuLocale is only available when localeProvider is set to `icu`' },
    ]);
  });
  const pushSecret = (dataTo: object[]) => ({ apiVersion: 'external-secrets.io/v1alpha1', kind: 'PushSecret', metadata: { name: 'x' }, spec: { secretStoreRefs: [{ name: 'vault' }], selector: { secret: { name: 'db' } }, dataTo } });
  it('External Secrets PushSecret: each dataTo entry names its store (rule on list items)', () => {
    assert.deepEqual(validateAgainstCrd(pushSecret([{ storeRef: { name: 'vault' } }]))!.errors, []);
    assert.deepEqual(validateAgainstCrd(pushSecret([{ storeRef: { name: 'vault' } }, { storeRef: {} }]))!.errors, [
      { path: 'spec.dataTo[1]', message: 'storeRef must specify either name or labelSelector' },
    ]);
  });
  it('a transition rule (oldSelf) is skipped on create: the Rollout selector rule', () => {
    const crd = vendoredCrds().lookup('argoproj.io/v1alpha1', 'Rollout')!;
    assert.match(JSON.stringify(crd.schema), /self == oldSelf/, 'the vendored Rollout CRD carries the transition rule');
    assert.deepEqual(evaluateRule({ rule: 'self == oldSelf' }, {}, { matchLabels: { a: 'b' } }), { result: 'skipped' });
  });
  it('a Kubernetes CEL library function the clusters’ version lacks is a clear warning, never a crash (semver: 1.33)', () => {
    const schema = { type: 'object', properties: { v: { type: 'string', 'x-kubernetes-validations': [{ rule: 'isSemver(self)', message: 'must be a version' }] } } };
    const issues = validateStructural(schema, { v: '1.2.3' });
    assert.deepEqual(issues.map((i) => [i.path.join('.'), i.severity, i.message]), [['v', 'warning', 'unsupported CEL function isSemver in rule "isSemver(self)"']]);
  });
  it('a Kubernetes CEL library function of 1.31 is evaluated: isURL rejects and accepts (cel-kubernetes.ts)', () => {
    const schema = { type: 'object', properties: { u: { type: 'string', 'x-kubernetes-validations': [{ rule: 'isURL(self)', message: 'must be a URL' }] } } };
    assert.deepEqual(validateStructural(schema, { u: 'https://x' }), []);
    assert.deepEqual(validateStructural(schema, { u: 'x/y' }).map((i) => [i.path.join('.'), i.severity, i.message]), [['u', undefined, 'must be a URL']]);
  });
  it('message, messageExpression, fieldPath, int values, escaped property names', () => {
    const schema = {
      type: 'object',
      properties: { 'max-size': { type: 'integer' }, min: { type: 'integer' } },
      'x-kubernetes-validations': [
        { rule: 'self.min <= self.max__dash__size', messageExpression: "'min ' + string(self.min) + ' exceeds max-size'", fieldPath: '.min' },
        { rule: 'self.min > 0' },
      ],
    };
    assert.equal(escapeProperty('max-size'), 'max__dash__size');
    assert.deepEqual(validateStructural(schema, { 'max-size': 5, min: 1 }), []);
    assert.deepEqual(validateStructural(schema, { 'max-size': 5, min: 9 }).map((i) => [i.path.join('.'), i.message]), [['min', 'min 9 exceeds max-size']]);
    assert.deepEqual(validateStructural(schema, { 'max-size': 5, min: 0 }).map((i) => [i.path.join('.'), i.message]), [['', 'failed rule: self.min > 0']]);
  });
  it('the cost is bounded: a nested comprehension over a huge list is not evaluated, and says so', () => {
    const schema = { type: 'array', items: { type: 'integer' }, 'x-kubernetes-validations': [{ rule: 'self.all(x, self.all(y, x + y >= 0))' }] };
    const big = Array.from({ length: 5000 }, (_, i) => i);
    const started = performance.now();
    const issues = validateStructural(schema, big);
    assert.ok(performance.now() - started < 5000, 'returned without evaluating 25 million steps');
    assert.match(issues[0]!.message, /exceeds the cost limit/);
    assert.deepEqual(validateStructural(schema, [1, 2, 3]), []);
  });
  it('a rule that does not parse is a finding, not a crash', () => {
    assert.match(evaluateRule({ rule: 'self.(' }, {}, {}).message!, /does not parse/);
  });
});

describe('the vendored CRDs, the pin and the registry', () => {
  it('Argo CD AppProject fields the model package lacks (syncOverrun, sourceIntegrity) are valid against the v3.5.1 CRD', () => {
    const project = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'p' },
      spec: {
        syncWindows: [{ kind: 'deny', schedule: '0 22 * * *', duration: '1h', syncOverrun: true }],
        sourceIntegrity: { git: { policies: [{ repos: [{ url: 'https://github.com/marquee-shop/*' }], gpg: { mode: 'strict', keys: ['4AEE18F83AFDEB23'] } }] } },
      },
    };
    assert.equal(vendoredCrds().lookup('argoproj.io/v1alpha1', 'AppProject')!.file, 'vendor/crds/argo-cd/appproject-crd.yaml');
    assert.deepEqual(validateAgainstCrd(project)!.errors, []);
    const typo = structuredClone(project) as any;
    typo.spec.syncWindows[0].syncOverran = true;
    assert.deepEqual(validateAgainstCrd(typo)!.errors.map((e) => e.path), ['spec.syncWindows[0].syncOverran']);
  });
  it('every kind a pin lists is served by its vendored folder, and nothing else is there', () => {
    for (const pin of Object.values(vendoredPins)) {
      const found = new Set<string>();
      for (const kind of pin.kinds) assert.ok(vendoredCrds().knowsKind(kind), `the registry knows ${kind} (${pin.crds})`);
      const dir = fileURLToPath(new URL(`../../../${pin.crds}`, import.meta.url));
      const text = readdirSync(dir);
      assert.ok(text.includes('LICENSE'), `${pin.crds} has its LICENSE`);
      for (const f of text.filter((n) => n.endsWith('.yaml'))) for (const m of readFileSync(`${dir}/${f}`, 'utf8').matchAll(/^ {2}names:\n(?: {4}[\w-]+:.*\n| {6}- .*\n)*? {4}kind: (\w+)$/gm)) found.add(m[1]!);
      assert.deepEqual([...found].sort(), [...pin.kinds].sort(), `${pin.crds} holds exactly the pinned kinds`);
    }
  });
});

describe('the registry\'s tiers: what was added (--crd), then the input\'s CRDs whenever they come, then the vendored', () => {
  it('an input CRD added after a lookup serves its kind over the vendored; one added with --crd stays over both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marquee-crd-tiers-'));
    try {
      // the vendored Argo CD's AppProject (v1alpha1), each requiring a field of its own
      const project = (field: string) => crdYaml({ group: 'argoproj.io', kind: 'AppProject', plural: 'appprojects', schema: `type: object\nproperties:\n  spec:\n    type: object\n    required: [${field}]\n` }).replace('- name: v1\n', '- name: v1alpha1\n');
      writeFileSync(join(dir, 'input-1.yaml'), project('fromInput1'));
      writeFileSync(join(dir, 'input-2.yaml'), project('fromInput2'));
      writeFileSync(join(dir, 'flag.yaml'), project('fromFlag'));
      const required = (r: CrdRegistry) => JSON.stringify(r.lookup('argoproj.io/v1alpha1', 'AppProject')!.schema.properties.spec.required);
      const r = CrdRegistry.vendored();
      assert.equal(r.lookup('argoproj.io/v1alpha1', 'AppProject')!.file, 'vendor/crds/argo-cd/appproject-crd.yaml', 'the vendored one first');
      r.addPath(join(dir, 'input-1.yaml'), 'input-1.yaml', 'input');
      r.addPath(join(dir, 'input-2.yaml'), 'input-2.yaml', 'input');
      assert.equal(required(r), '["fromInput2"]', 'the input\'s, the later file winning, over the vendored looked up before');
      const flagged = CrdRegistry.vendored();
      flagged.addPath(join(dir, 'flag.yaml'), 'flag.yaml');
      flagged.addPath(join(dir, 'input-1.yaml'), 'input-1.yaml', 'input');
      assert.equal(required(flagged), '["fromFlag"]', '--crd over an input CRD added after it');
      assert.ok(flagged.extraKey().includes('input-1.yaml') && flagged.extraKey().includes('flag.yaml'), 'both in the identity of the extra CRDs');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('namedKinds: the vendored index finds what matchAll(NAMES_KIND) finds', () => {
  const matchAll = (bytes: Buffer) => [...bytes.toString('latin1').matchAll(NAMES_KIND)].map((m) => m[1]);
  it('on every vendored CRD file', () => {
    const dir = fileURLToPath(new URL('../../../vendor/crds/', import.meta.url));
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml'));
    let kinds = 0;
    for (const f of files) {
      const bytes = readFileSync(`${dir}/${f}`);
      assert.deepEqual(namedKinds(bytes), matchAll(bytes), f);
      kinds += matchAll(bytes).length;
    }
    assert.ok(kinds >= 15, `the vendored files name their kinds (${kinds})`);
  });
  const names = (indent: number, kind: string, extra = '') => `${' '.repeat(indent)}names:\n${' '.repeat(indent + 2)}plural: things\n${extra}${' '.repeat(indent + 2)}kind: ${kind}\n`;
  const long = Array.from({ length: 400 }, (_, i) => `      - short${i}\n`).join('');
  const texts: Record<string, string> = {
    'two documents': `spec:\n${names(2, 'One')}---\nspec:\n${names(2, 'Two')}`,
    'CRLF lines (no match either way)': `spec:\r\n${names(2, 'One').replaceAll('\n', '\r\n')}`,
    'a line after a lone CR': `spec:\r${names(2, 'One')}`,
    'names: at the very start, no indent': names(0, 'None'),
    'five spaces': `spec:\n${names(5, 'Five')}`,
    'tabs before names:': `spec:\n\t\t${names(0, 'Tab')}`,
    'a names: line inside an earlier block': `spec:\n  names:\n    names:\n    plural: x\n    kind: Outer\n${names(2, 'After')}`,
    'a block longer than the first window': `spec:\n${names(2, 'Long', `    shortNames:\n${long}`)}`,
    'a kind cut by the first window': `spec:\n  names:\n    plural: things\n    categories:\n${Array.from({ length: 202 }, () => '      - abcdefghijk\n').join('')}    kind: AcrossTheCut\n`,
    'no kind: in the block': `spec:\n  names:\n    plural: things\n  versions: []\n${names(2, 'Later')}`,
    'kind at the end, no newline': 'spec:\n  names:\n    plural: x\n    kind: Last',
  };
  for (const [name, text] of Object.entries(texts))
    it(name, () => {
      const bytes = Buffer.from(text, 'latin1');
      assert.deepEqual(namedKinds(bytes), matchAll(bytes));
    });
  it('the texts above find kinds, and the cut one across a window boundary', () => {
    const cut = texts['a kind cut by the first window']!;
    assert.ok(cut.indexOf('AcrossTheCut') < 4096 + 6 && cut.indexOf('AcrossTheCut') + 12 > 4096 + 6, 'the kind straddles the first 4096 bytes from its names: line');
    assert.deepEqual(namedKinds(Buffer.from(cut, 'latin1')), ['AcrossTheCut']);
    assert.deepEqual(namedKinds(Buffer.from(texts['a block longer than the first window']!, 'latin1')), ['Long']);
  });
});

// apiextensions-apiserver pkg/apiserver/schema/pruning/algorithm.go Prune: for the root, `clone.XEmbeddedResource = true`,
// so apiVersion, kind and metadata are kept whether the CRD's schema declares them or not (a hand-written CRD often
// does not; kubebuilder's always do).
describe('the root of a custom resource is an embedded resource (pruning/algorithm.go Prune, root=true)', () => {
  // as a person writes it by hand: no apiVersion or kind in the schema
  const [version] = crdVersionsOf(
    crdYaml({ group: 'example.com', kind: 'Widget', plural: 'widgets', schema: 'type: object\nproperties:\n  spec: { type: object, properties: { size: { type: integer } } }\n' }),
    'widgets.yaml',
  );
  const issues = (o: object) => validateCustomResource(version!, o).map((i) => `${i.path.join('.')}: ${i.message}`);
  it('apiVersion, kind and metadata are not unknown fields at the root, though the schema does not declare them', () =>
    assert.deepEqual(issues({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', labels: { a: 'b' } }, spec: { size: 1 } }), []));
  it('any other undeclared root field still is', () =>
    assert.deepEqual(issues({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, status: {} }), ['status: unknown field "status"']));
});

// crdVersionsOf reads with loadManifests; a text where an alias puts one mapping in two places (js-yaml's texts only:
// the block reader takes no anchors) is read by the `yaml` library instead.
describe('a CRD whose schema shares one mapping through an alias', () => {
  const schema = 'type: object\nproperties:\n  spec:\n    type: object\n    properties:\n      size: &count\n        type: integer\n        minimum: 1\n      replicas: *count\n';
  const [version] = crdVersionsOf(crdYaml({ group: 'example.com', kind: 'Pool', plural: 'pools', schema }), 'pools.yaml');
  const issues = (spec: object) => validateCustomResource(version!, { apiVersion: 'example.com/v1', kind: 'Pool', metadata: { name: 'p' }, spec }).map((i) => `${i.path.join('.')}: ${i.message}`);
  it('is read, the alias standing for the anchored mapping', () => {
    const props = version!.schema.properties.spec.properties;
    assert.deepEqual(props.size, { type: 'integer', minimum: 1 });
    assert.deepEqual(props.replicas, { type: 'integer', minimum: 1 });
  });
  it('checks both places', () => assert.deepEqual(issues({ size: 0, replicas: 'x' }), ['spec.size: must be greater than or equal to 1', 'spec.replicas: must be an integer, got string']));
});
