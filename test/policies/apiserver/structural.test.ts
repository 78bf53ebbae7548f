// The structural-schema rules of policies/apiserver/lib/structural.ts against kubernetes/kubernetes
// staging/src/k8s.io/apiextensions-apiserver:
// - test/integration/validation_test.go TestNonStructuralSchemaCondition (same row names): upstream's rows are v1beta1
//   CRDs with a top-level `validation`; here each is the v1 CRD whose spec.versions[0].schema holds that schema, so
//   upstream's `spec.validation.openAPIV3Schema` is `spec.versions[0].schema.openAPIV3Schema` and the expected
//   create errors and violations (which v1 refuses on create alike) are one list. Rows about preserveUnknownFields or
//   without a schema (v1beta1 only) are left out. Expected texts are upstream's, with the field path written the way
//   findings locate it (`properties.foo` for `properties[foo]`).
// - pkg/apiserver/schema/validation_test.go TestValidateStructuralMetadataInvariants and
//   TestValidateNestedValueValidationComplete: upstream fuzzes each field of the Go types; here each field is set once.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { ValidateCustomResourceDefinition } from '../../../policies/apiserver/apiextensions.ts';
import { apiServerText } from '../../../policies/apiserver/lib/field.ts';
import { validateStructuralSchema } from '../../../policies/apiserver/lib/structural.ts';
import { realCrds } from '../../helpers/real-crds.ts';
import { oursPath } from '../../helpers/upstream-path.ts';
import { crdObject } from '../../fixtures/crd.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadManifestBytes, nativeReaderBuilt } from '../../../kube/yaml-schema.ts';
import { sharesObjects } from '../../../policies/lib/crd-schema.ts';
import { filesUnder } from '../../../scripts/lib/plumbing/files.ts';
import { repoRoot } from '../../helpers/repo-copy.ts';

const base = 'spec.versions[0].schema.openAPIV3Schema';
/** A v1 CRD upstream's template becomes: foos.tests.example.com, one version per schema. */
const crd = (...schemas: Record<string, any>[]) =>
  crdObject({ group: 'tests.example.com', plural: 'foos', singular: 'foo', kind: 'Foo', listKind: 'Foolist' }, ['v1beta1', 'v1'], schemas);
/** Upstream's path (`properties[foo]`, `properties[int-or-string]`) as lib/field.ts `at` writes it. */
const ours = (text: string): string => {
  const cut = text.indexOf(': ');
  return oursPath(text.slice(0, cut)) + text.slice(cut);
};
const texts = (o: Record<string, any>) => ValidateCustomResourceDefinition(o).map(apiServerText).sort();

type Row = { readonly desc: string; readonly schemas: readonly string[]; readonly errors: readonly string[] };
const rows: readonly Row[] = [
  {
    desc: 'int-or-string and preserve-unknown-fields true',
    schemas: ['x-kubernetes-preserve-unknown-fields: true\nx-kubernetes-int-or-string: true'],
    errors: [`${base}.x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true`],
  },
  {
    desc: 'int-or-string and embedded-resource true',
    schemas: ['type: object\nx-kubernetes-embedded-resource: true\nx-kubernetes-int-or-string: true'],
    errors: [
      `${base}.x-kubernetes-embedded-resource: Invalid value: true: must be false if x-kubernetes-int-or-string is true`,
      // not in upstream's list (it checks only that the one it names is there): an embedded resource without
      // properties or x-kubernetes-preserve-unknown-fields is refused in the same call
      `${base}.properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`,
    ],
  },
  {
    desc: 'embedded-resource without preserve-unknown-fields',
    schemas: ['type: object\nx-kubernetes-embedded-resource: true'],
    errors: [`${base}.properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields`],
  },
  {
    desc: 'embedded-resource without preserve-unknown-fields, but properties',
    schemas: ['type: object\nx-kubernetes-embedded-resource: true\nproperties:\n apiVersion:\n   type: string\n kind:\n   type: string\n metadata:\n   type: object'],
    errors: [],
  },
  { desc: 'embedded-resource with preserve-unknown-fields', schemas: ['type: object\nx-kubernetes-embedded-resource: true\nx-kubernetes-preserve-unknown-fields: true'], errors: [] },
  {
    desc: 'embedded-resource with wrong type',
    schemas: ['type: array\nx-kubernetes-embedded-resource: true\nx-kubernetes-preserve-unknown-fields: true'],
    errors: [
      `${base}.type: Invalid value: "array": must be object if x-kubernetes-embedded-resource is true`,
      // not in upstream's list: an array without items, and an array at the root, are refused in the same call
      `${base}.items: Required value: must be specified`,
      `${base}.type: Invalid value: "array": must be object at the root`,
    ],
  },
  {
    desc: 'embedded-resource with empty type',
    schemas: ['type: ""\nx-kubernetes-embedded-resource: true\nx-kubernetes-preserve-unknown-fields: true'],
    errors: [`${base}.type: Required value: must be object if x-kubernetes-embedded-resource is true`],
  },
  { desc: 'no top-level type', schemas: ['type: ""'], errors: [`${base}.type: Required value: must not be empty at the root`] },
  { desc: 'non-object top-level type', schemas: ['type: "integer"'], errors: [`${base}.type: Invalid value: "integer": must be object at the root`] },
  {
    desc: 'forbidden in nested value validation',
    schemas: [
      `type: object
properties:
 foo:
   type: string
not:
 type: string
 additionalProperties: true
 title: hello
 description: world
 nullable: true
allOf:
- properties:
   foo:
     type: string
     additionalProperties: true
     title: hello
     description: world
     nullable: true
anyOf:
- items:
   type: string
   additionalProperties: true
   title: hello
   description: world
   nullable: true
oneOf:
- properties:
   foo:
     type: string
     additionalProperties: true
     title: hello
     description: world
     nullable: true`,
    ],
    errors: [
      `${base}.anyOf[0].items.type: Forbidden: must be empty to be structural`,
      `${base}.anyOf[0].items.additionalProperties: Forbidden: must be undefined to be structural`,
      `${base}.anyOf[0].items.title: Forbidden: must be empty to be structural`,
      `${base}.anyOf[0].items.description: Forbidden: must be empty to be structural`,
      `${base}.anyOf[0].items.nullable: Forbidden: must be false to be structural`,
      `${base}.allOf[0].properties[foo].type: Forbidden: must be empty to be structural`,
      `${base}.allOf[0].properties[foo].additionalProperties: Forbidden: must be undefined to be structural`,
      `${base}.allOf[0].properties[foo].title: Forbidden: must be empty to be structural`,
      `${base}.allOf[0].properties[foo].description: Forbidden: must be empty to be structural`,
      `${base}.allOf[0].properties[foo].nullable: Forbidden: must be false to be structural`,
      `${base}.oneOf[0].properties[foo].type: Forbidden: must be empty to be structural`,
      `${base}.oneOf[0].properties[foo].additionalProperties: Forbidden: must be undefined to be structural`,
      `${base}.oneOf[0].properties[foo].title: Forbidden: must be empty to be structural`,
      `${base}.oneOf[0].properties[foo].description: Forbidden: must be empty to be structural`,
      `${base}.oneOf[0].properties[foo].nullable: Forbidden: must be false to be structural`,
      `${base}.not.type: Forbidden: must be empty to be structural`,
      `${base}.not.additionalProperties: Forbidden: must be undefined to be structural`,
      `${base}.not.title: Forbidden: must be empty to be structural`,
      `${base}.not.description: Forbidden: must be empty to be structural`,
      `${base}.not.nullable: Forbidden: must be false to be structural`,
      `${base}.items: Required value: because it is defined in ${base}.anyOf[0].items`,
    ],
  },
  {
    desc: 'invalid regex pattern',
    schemas: ['type: object\nproperties:\n foo:\n   type: string\n   pattern: "+"'],
    errors: [`${base}.properties[foo].pattern: Invalid value: "+": must be a valid regular expression, but isn't: error parsing regexp: missing argument to repetition operator: \`+\``],
  },
  {
    desc: 'forbidden vendor extensions in nested value validation',
    schemas: [
      `type: object
properties:
 int-or-string:
   x-kubernetes-int-or-string: true
 embedded-resource:
   type: object
   x-kubernetes-embedded-resource: true
   x-kubernetes-preserve-unknown-fields: true
not:
 properties:
   int-or-string:
     x-kubernetes-int-or-string: true
   embedded-resource:
     x-kubernetes-embedded-resource: true
     x-kubernetes-preserve-unknown-fields: true
allOf:
- properties:
   int-or-string:
     x-kubernetes-int-or-string: true
   embedded-resource:
     x-kubernetes-embedded-resource: true
     x-kubernetes-preserve-unknown-fields: true
anyOf:
- properties:
   int-or-string:
     x-kubernetes-int-or-string: true
   embedded-resource:
     x-kubernetes-embedded-resource: true
     x-kubernetes-preserve-unknown-fields: true
oneOf:
- properties:
   int-or-string:
     x-kubernetes-int-or-string: true
   embedded-resource:
     x-kubernetes-embedded-resource: true
     x-kubernetes-preserve-unknown-fields: true`,
    ],
    errors: ['allOf[0]', 'anyOf[0]', 'oneOf[0]', 'not'].flatMap((j) => [
      `${base}.${j}.properties[embedded-resource].x-kubernetes-preserve-unknown-fields: Forbidden: must be false to be structural`,
      `${base}.${j}.properties[embedded-resource].x-kubernetes-embedded-resource: Forbidden: must be false to be structural`,
      `${base}.${j}.properties[int-or-string].x-kubernetes-int-or-string: Forbidden: must be false to be structural`,
    ]),
  },
  ...['missing types with extensions', 'missing types without extensions'].map((desc, i) => ({
    desc,
    schemas: [
      `properties:
 foo:
   properties:
     a: {}
 bar:
   items:
     additionalProperties:
       properties:
         a: {}
       items: {}
 abc:
   additionalProperties:
     properties:
       a:
         items:
           additionalProperties:
             items:
` + (i === 1 ? '' : ` json:
   x-kubernetes-preserve-unknown-fields: true
   properties:
     a: {}
 int-or-string:
   x-kubernetes-int-or-string: true
   properties:
     a: {}
`),
    ],
    errors: [
      `${base}.properties[foo].properties[a].type: Required value: must not be empty for specified object fields`,
      `${base}.properties[foo].type: Required value: must not be empty for specified object fields`,
      ...(i === 1
        ? []
        : [
            `${base}.properties[int-or-string].properties[a].type: Required value: must not be empty for specified object fields`,
            `${base}.properties[json].properties[a].type: Required value: must not be empty for specified object fields`,
          ]),
      `${base}.properties[abc].additionalProperties.properties[a].items.additionalProperties.type: Required value: must not be empty for specified object fields`,
      `${base}.properties[abc].additionalProperties.properties[a].items.type: Required value: must not be empty for specified array items`,
      `${base}.properties[abc].additionalProperties.properties[a].type: Required value: must not be empty for specified object fields`,
      `${base}.properties[abc].additionalProperties.type: Required value: must not be empty for specified object fields`,
      `${base}.properties[abc].type: Required value: must not be empty for specified object fields`,
      `${base}.properties[bar].items.additionalProperties.items.type: Required value: must not be empty for specified array items`,
      `${base}.properties[bar].items.additionalProperties.properties[a].type: Required value: must not be empty for specified object fields`,
      `${base}.properties[bar].items.additionalProperties.type: Required value: must not be empty for specified object fields`,
      `${base}.properties[bar].items.type: Required value: must not be empty for specified array items`,
      `${base}.properties[bar].type: Required value: must not be empty for specified object fields`,
      `${base}.type: Required value: must not be empty at the root`,
    ],
  })),
  {
    desc: 'int-or-string variants',
    schemas: [
      `type: object
properties:
 a:
   x-kubernetes-int-or-string: true
 b:
   x-kubernetes-int-or-string: true
   anyOf:
   - type: integer
   - type: string
   allOf:
   - pattern: abc
 c:
   x-kubernetes-int-or-string: true
   allOf:
   - anyOf:
     - type: integer
     - type: string
   - pattern: abc
   - pattern: abc
 d:
   x-kubernetes-int-or-string: true
   anyOf:
   - type: integer
   - type: string
     pattern: abc
 e:
   x-kubernetes-int-or-string: true
   allOf:
   - anyOf:
     - type: integer
     - type: string
       pattern: abc
   - pattern: abc
 f:
   x-kubernetes-int-or-string: true
   anyOf:
   - type: integer
   - type: string
   - pattern: abc
 g:
   x-kubernetes-int-or-string: true
   anyOf:
   - type: string
   - type: integer`,
    ],
    errors: [
      `${base}.properties[d].anyOf[0].type: Forbidden: must be empty to be structural`,
      `${base}.properties[d].anyOf[1].type: Forbidden: must be empty to be structural`,
      `${base}.properties[e].allOf[0].anyOf[0].type: Forbidden: must be empty to be structural`,
      `${base}.properties[e].allOf[0].anyOf[1].type: Forbidden: must be empty to be structural`,
      `${base}.properties[f].anyOf[0].type: Forbidden: must be empty to be structural`,
      `${base}.properties[f].anyOf[1].type: Forbidden: must be empty to be structural`,
      `${base}.properties[g].anyOf[0].type: Forbidden: must be empty to be structural`,
      `${base}.properties[g].anyOf[1].type: Forbidden: must be empty to be structural`,
    ],
  },
  { desc: 'forbidden additionalProperties at the root', schemas: ['type: object\nadditionalProperties: false'], errors: [`${base}.additionalProperties: Forbidden: must not be used at the root`] },
  {
    desc: 'structural incomplete',
    schemas: [
      `type: object
properties:
 b:
   type: object
   properties:
     b:
       type: array
 c:
   type: array
   items:
     type: object
 d:
   type: array
not:
 properties:
   a: {}
   b:
     not:
       properties:
         a: {}
         b:
           items: {}
   c:
     items:
       not:
         items:
           properties:
             a: {}
   d:
     items: {}
allOf:
- properties:
   e: {}
anyOf:
- properties:
   f: {}
oneOf:
- properties:
   g: {}`,
    ],
    errors: [
      `${base}.properties[d].items: Required value: because it is defined in ${base}.not.properties[d].items`,
      `${base}.properties[a]: Required value: because it is defined in ${base}.not.properties[a]`,
      `${base}.properties[b].properties[a]: Required value: because it is defined in ${base}.not.properties[b].not.properties[a]`,
      `${base}.properties[b].properties[b].items: Required value: because it is defined in ${base}.not.properties[b].not.properties[b].items`,
      `${base}.properties[c].items.items: Required value: because it is defined in ${base}.not.properties[c].items.not.items`,
      `${base}.properties[e]: Required value: because it is defined in ${base}.allOf[0].properties[e]`,
      `${base}.properties[f]: Required value: because it is defined in ${base}.anyOf[0].properties[f]`,
      `${base}.properties[g]: Required value: because it is defined in ${base}.oneOf[0].properties[g]`,
      // not in upstream's list: the arrays without items are refused in the same call
      `${base}.properties[b].properties[b].items: Required value: must be specified`,
      `${base}.properties[d].items: Required value: must be specified`,
    ],
  },
  {
    desc: 'structural complete',
    schemas: [
      `type: object
properties:
 a:
   type: string
 b:
   type: object
   properties:
     a:
       type: string
     b:
       type: array
       items:
         type: string
 c:
   type: array
   items:
     type: array
     items:
       type: object
       properties:
         a:
           type: string
 d:
   type: array
   items:
     type: string
 e:
   type: string
 f:
   type: string
 g:
   type: string
not:
 properties:
   a: {}
   b:
     not:
       properties:
         a: {}
         b:
           items: {}
   c:
     items:
       not:
         items:
           properties:
             a: {}
   d:
     items: {}
allOf:
- properties:
   e: {}
anyOf:
- properties:
   f: {}
oneOf:
- properties:
   g: {}`,
    ],
    errors: [],
  },
  {
    desc: 'invalid v1beta1 schema',
    schemas: ['type: object\nproperties:\n a: {}\nnot:\n properties:\n   b: {}', 'type: object\nproperties:\n a:\n   type: string'],
    errors: [
      `${base}.properties[a].type: Required value: must not be empty for specified object fields`,
      `${base}.properties[b]: Required value: because it is defined in ${base}.not.properties[b]`,
    ],
  },
  {
    desc: 'invalid v1beta1 and v1 schemas',
    schemas: ['type: object\nproperties:\n a: {}\nnot:\n properties:\n   b: {}', 'type: object\nproperties:\n c: {}\nnot:\n properties:\n   d: {}'],
    errors: [
      `${base}.properties[a].type: Required value: must not be empty for specified object fields`,
      `${base}.properties[b]: Required value: because it is defined in ${base}.not.properties[b]`,
      'spec.versions[1].schema.openAPIV3Schema.properties[c].type: Required value: must not be empty for specified object fields',
      'spec.versions[1].schema.openAPIV3Schema.properties[d]: Required value: because it is defined in spec.versions[1].schema.openAPIV3Schema.not.properties[d]',
    ],
  },
  {
    desc: 'metadata with non-properties',
    schemas: ['type: object\nproperties:\n metadata:\n   minimum: 42.0'],
    errors: [
      `${base}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
      `${base}.properties[metadata].type: Required value: must not be empty for specified object fields`,
      // not in upstream's list (which checks only that these two are there): metadata at the root is an object
      `${base}.properties[metadata].type: Invalid value: "": must be object`,
    ],
  },
  {
    desc: 'metadata with other properties',
    schemas: ['type: object\nproperties:\n metadata:\n   properties:\n     name:\n       pattern: "^[a-z]+$"\n     labels:\n       type: object\n       maxLength: 4'],
    errors: [
      `${base}.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`,
      `${base}.properties[metadata].type: Required value: must not be empty for specified object fields`,
      `${base}.properties[metadata].properties[name].type: Required value: must not be empty for specified object fields`,
      `${base}.properties[metadata].type: Invalid value: "": must be object`,
    ],
  },
  ...(['name', 'generateName', 'name and generateName'] as const).map((which) => ({
    desc: `metadata with ${which} property`,
    schemas: [
      `type: object\nproperties:\n metadata:\n   type: object\n   properties:\n` +
        which
          .split(' and ')
          .map((k) => `     ${k}:\n       type: string\n       pattern: "^[a-z]+$"\n`)
          .join(''),
    ],
    errors: [],
  })),
  {
    desc: 'metadata under junctors',
    schemas: [
      'type: object\nproperties:\n metadata:\n   type: object\n   properties:\n     name:\n       type: string\n       pattern: "^[a-z]+$"\nallOf:\n- properties:\n   metadata: {}\nanyOf:\n- properties:\n   metadata: {}\noneOf:\n- properties:\n   metadata: {}\nnot:\n properties:\n   metadata: {}',
    ],
    errors: [
      `${base}.anyOf[0].properties[metadata]: Forbidden: must not be specified in a nested context`,
      `${base}.allOf[0].properties[metadata]: Forbidden: must not be specified in a nested context`,
      `${base}.oneOf[0].properties[metadata]: Forbidden: must not be specified in a nested context`,
      `${base}.not.properties[metadata]: Forbidden: must not be specified in a nested context`,
    ],
  },
  { desc: 'missing items for array', schemas: ['type: object\nproperties:\n slice:\n   type: array'], errors: [`${base}.properties[slice].items: Required value: must be specified`] },
  {
    // NewStructural cannot read items as a list, so ValidateStructural is not run
    desc: 'items slice',
    schemas: ['type: object\nproperties:\n slice:\n   type: array\n   items:\n   - type: string\n   - type: integer'],
    errors: [`${base}.properties[slice].items: Forbidden: items must be a schema object and not an array`],
  },
  {
    desc: 'items slice in value validation',
    schemas: ['type: object\nproperties:\n slice:\n   type: array\n   items:\n     type: string\n   not:\n     items:\n     - type: string'],
    errors: [`${base}.properties[slice].not.items: Forbidden: items must be a schema object and not an array`],
  },
];

describe('apiextensions test/integration/validation_test.go TestNonStructuralSchemaCondition', () => {
  for (const r of rows)
    test(r.desc, () => {
      const o = crd(...r.schemas.map((s) => parse(s)));
      assert.deepEqual(texts(o), r.errors.map(ours).sort());
    });
});

describe('schema/validation_test.go TestValidateStructuralMetadataInvariants', () => {
  const meta = (m: Record<string, any>) => validateStructuralSchema({ type: 'object', properties: { metadata: m } }, base).map(apiServerText);
  const refused = `${base}.properties.metadata: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified`;
  for (const type of ['object', 'array', 'number', 'integer', 'boolean', 'string'])
    test(`metadata of type ${type} is ${type === 'object' ? 'accepted' : 'refused'}`, () =>
      assert.deepEqual(
        validateStructuralSchema({ type: 'object', properties: { metadata: { type } } }, base)
          .filter((e) => e.fn === 'validateStructuralMetadataInvariants')
          .map((e) => e.detail),
        type === 'object' ? [] : ['must be object'],
      ));
  // the fields of metav1.ObjectMeta, by their JSON names
  const objectMeta = ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'managedFields'];
  for (const k of objectMeta)
    test(`metadata.properties.${k} is ${k === 'name' || k === 'generateName' ? 'accepted' : 'refused'}`, () =>
      assert.deepEqual(meta({ type: 'object', properties: { [k]: { type: 'string' } } }), k === 'name' || k === 'generateName' ? [] : [refused]));
  // each field the Structural type keeps, set once beside type and name/generateName; default is checked elsewhere
  // (ValidateCustomResourceDefinitionOpenAPISchema: defaults in top-level metadata), example and externalDocs are
  // dropped by NewStructural
  const set: Record<string, unknown> = {
    description: 'd', title: 't', nullable: true, additionalProperties: { type: 'string' }, items: { type: 'string' },
    'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-embedded-resource': true, 'x-kubernetes-int-or-string': true,
    'x-kubernetes-list-map-keys': ['a'], 'x-kubernetes-list-type': 'atomic', 'x-kubernetes-map-type': 'atomic', 'x-kubernetes-validations': [{ rule: 'true' }],
    format: 'f', maximum: 1, exclusiveMaximum: true, minimum: 1, exclusiveMinimum: true, maxLength: 1, minLength: 1, pattern: 'a', maxItems: 1, minItems: 1,
    uniqueItems: true, multipleOf: 1, enum: [{}], maxProperties: 1, minProperties: 1, required: ['name'], allOf: [{}], oneOf: [{}], anyOf: [{}], not: {},
  };
  for (const [k, v] of Object.entries(set))
    test(`metadata with ${k} is refused`, () => assert.ok(meta({ type: 'object', properties: { name: {}, generateName: {} }, [k]: v }).includes(refused), k));
  for (const k of ['example', 'externalDocs']) test(`metadata with ${k} is accepted`, () => assert.ok(!meta({ type: 'object', [k]: {} }).includes(refused)));
});

describe('schema/validation_test.go TestValidateNestedValueValidationComplete', () => {
  // only validateNestedValueValidation's findings: ValidateCustomResourceDefinitionOpenAPISchema has its own about some
  const nested = (x: Record<string, any>) => validateStructuralSchema({ type: 'object', not: x }, base).filter((e) => e.fn === 'validateNestedValueValidation').map((e) => [e.path, e.type]);
  // Generic, Extensions and ValidationExtensions: each set once under `not`
  const fields: Record<string, unknown> = {
    description: 'd', type: 'string', title: 't', default: 42, additionalProperties: true, nullable: true,
    'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-embedded-resource': true, 'x-kubernetes-int-or-string': true,
    'x-kubernetes-list-map-keys': ['a'], 'x-kubernetes-list-type': 'atomic', 'x-kubernetes-map-type': 'atomic', 'x-kubernetes-validations': [{ rule: 'true' }],
  };
  for (const [k, v] of Object.entries(fields)) test(`${k} under not is refused`, () => assert.deepEqual(nested({ [k]: v }), [[`${base}.not.${k}`, 'Forbidden']]));
  test('value validation under not is accepted', () => assert.deepEqual(nested({ minimum: 1, pattern: 'a', enum: ['x'], required: [] }), []));
});

describe('ValidateCustomResourceDefinitionOpenAPISchema', () => {
  const of = (s: Record<string, any>) => validateStructuralSchema(s, base).map(apiServerText);
  const obj = (properties: Record<string, any>) => ({ type: 'object', properties });
  test('x-kubernetes-preserve-unknown-fields: false is refused, and NewStructural is not run', () =>
    assert.deepEqual(of(obj({ a: { 'x-kubernetes-preserve-unknown-fields': false } })), [`${base}.properties.a.x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`]));
  test('additionalProperties beside properties is refused; additionalProperties: true is not', () => {
    assert.deepEqual(of(obj({ a: { type: 'object', properties: { b: { type: 'string' } }, additionalProperties: { type: 'string' } } })), [
      `${base}.properties.a.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
    ]);
    assert.deepEqual(of(obj({ a: { type: 'object', properties: { b: { type: 'string' } }, additionalProperties: true } })), []);
  });
  test('unsupported type, type null, uniqueItems, $ref', () => {
    assert.deepEqual(of(obj({ a: { type: 'str' } })), [`${base}.properties.a.type: Unsupported value: "str": supported values: "array", "boolean", "integer", "number", "object", "string"`]);
    assert.ok(of(obj({ a: { type: 'null' } })).includes(`${base}.properties.a.type: Forbidden: type cannot be set to null, use nullable as an alternative`));
    assert.deepEqual(of(obj({ a: { type: 'array', items: { type: 'string' }, uniqueItems: true } })), [`${base}.properties.a.uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic`]);
    assert.deepEqual(of(obj({ a: { type: 'string', $ref: '#/x' } })), [`${base}.properties.a.$ref: Forbidden: $ref is not supported`]);
  });
  test('$schema: NewStructural refuses it, reported when nothing else is', () => assert.deepEqual(of({ type: 'object', $schema: 'x' }), [`${base}: Invalid value: "": OpenAPIV3Schema 'schema' is not supported`]));
  test('$schema deep in the skeleton or under anyOf: NewStructural refuses the schema, so ValidateStructural (b without a type) is not run', () => {
    const refused = [`${base}: Invalid value: "": OpenAPIV3Schema 'schema' is not supported`];
    assert.deepEqual(of(obj({ a: { type: 'array', items: { type: 'object', properties: { c: { type: 'string', $schema: 'x' } } } }, b: { description: 'no type' } })), refused);
    assert.deepEqual(of(obj({ a: { type: 'string', anyOf: [{ $schema: 'x' }] }, b: { description: 'no type' } })), refused);
    // without it, b's missing type is ValidateStructural's
    assert.deepEqual(of(obj({ a: { type: 'string' }, b: { description: 'no type' } })), [`${base}.properties.b.type: Required value: must not be empty for specified object fields`]);
  });
  test('a default in top-level metadata is refused, one in spec is not', () => {
    assert.deepEqual(of(obj({ metadata: { type: 'object', default: {} } })), [`${base}.properties.metadata.default: Forbidden: must not be set in top-level metadata`]);
    assert.deepEqual(of(obj({ spec: { type: 'string', default: 'x' } })), []);
  });
  test('list and map types', () => {
    assert.deepEqual(of(obj({ a: { type: 'string', 'x-kubernetes-list-type': 'set' } })), [`${base}.properties.a.type: Invalid value: "string": must be array if x-kubernetes-list-type is specified`]);
    assert.deepEqual(of(obj({ a: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'bag' } })), [`${base}.properties.a.x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"`]);
    assert.deepEqual(of(obj({ a: { type: 'object', 'x-kubernetes-map-type': 'merge' } })), [`${base}.properties.a.x-kubernetes-map-type: Unsupported value: "merge": supported values: "atomic", "granular"`]);
    const mapList = (item: Record<string, any>) => obj({ a: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: item } });
    assert.deepEqual(of(mapList({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } })), []);
    assert.deepEqual(of(mapList({ type: 'object', properties: { name: { type: 'string' } } })), [
      `${base}.properties.a.items.properties.name.default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property`,
    ]);
    assert.deepEqual(of(mapList({ type: 'object', properties: { id: { type: 'string' } } })), [`${base}.properties.a.x-kubernetes-list-map-keys: Invalid value: ["name"]: entries must all be names of item properties`]);
    assert.deepEqual(of(obj({ a: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'object', properties: { b: { type: 'string' } } } } })), [
      `${base}.properties.a.items.x-kubernetes-map-type: Invalid value: null: must be atomic as item of a list with x-kubernetes-list-type=set`,
    ]);
  });
  test('x-kubernetes-validations: the rules that need no CEL', () => {
    const rules = (r: Record<string, any>) => of({ type: 'object', 'x-kubernetes-validations': [r] });
    assert.deepEqual(rules({ rule: ' ' }), [`${base}.x-kubernetes-validations[0].rule: Required value: rule is not specified`]);
    assert.deepEqual(rules({ rule: 'self.a ==\n1' }), [`${base}.x-kubernetes-validations[0].message: Required value: message must be specified if rule contains line breaks`]);
    assert.deepEqual(rules({ rule: 'true', reason: 'Bad' }), [`${base}.x-kubernetes-validations[0].reason: Unsupported value: "Bad": supported values: "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired"`]);
    assert.deepEqual(rules({ rule: 'true', reason: 'FieldValueForbidden', message: 'no' }), []);
  });
});

describe('no false alarm on real CustomResourceDefinitions', () => {
  const crds = realCrds();
  test('the vendored and corpus CRDs are found', () => assert.ok(crds.length >= 60, `only ${crds.length} CRDs`));
  test('every version schema passes', () =>
    assert.deepEqual(
      crds.flatMap(({ file, o }) =>
        (o.spec?.versions ?? []).flatMap((v: any, i: number) =>
          v?.schema?.openAPIV3Schema ? validateStructuralSchema(v.schema.openAPIV3Schema, `spec.versions[${i}].schema.openAPIV3Schema`).map((e) => `${file} ${o.metadata?.name}: ${apiServerText(e)}`) : [],
        ),
      ),
      [],
    ));
});

// The C++ reader makes a CRD schema node written out twice in one file one object in both places (native/yaml-block
// SharedNodes), and the walk of a node with properties that found nothing is not done again in the same context
// (structural.ts Walk.clean): what it finds must be what it finds of the same schema with every node its own object.
describe('a schema node that stands in two places as one object', () => {
  const of = (s: Record<string, any>) => validateStructuralSchema(s, base).map(apiServerText);
  const obj = (properties: Record<string, any>) => ({ type: 'object', properties });
  /** the paths of the findings, in order */
  const paths = (found: string[]) => found.map((f) => f.slice(0, f.indexOf(': ')));
  const both = (s: Record<string, any>) => {
    const found = of(s);
    // (a copy through JSON: structuredClone would keep the one object in two places)
    assert.deepEqual(found, of(JSON.parse(JSON.stringify(s))), 'the same as with a copy in each place');
    return paths(found);
  };

  test('a default below it is judged at each place', () => {
    const node = obj({ port: { type: 'string', default: 5 }, host: { type: 'string' } });
    assert.deepEqual(both(obj({ a: node, b: node })), [`${base}.properties.a.properties.port.default`, `${base}.properties.b.properties.port.default`]);
    // inside a node that stands beside it
    assert.deepEqual(both(obj({ d: obj({ e: node }), f: node })), [`${base}.properties.d.properties.e.properties.port.default`, `${base}.properties.f.properties.port.default`]);
  });

  test('an error in it is found at each place, as an item and as a field', () => {
    const node = obj({ kind: { type: 'str' } });
    assert.deepEqual(both(obj({ a: node, b: { type: 'array', items: node } })), [`${base}.properties.a.properties.kind.type`, `${base}.properties.b.items.properties.kind.type`]);
  });

  test('in another context it is judged in that one: a default allowed in spec is refused in top-level metadata', () => {
    const node = obj({ name: { type: 'string', default: 'x' } });
    assert.deepEqual(both(obj({ spec: node, metadata: node })), [`${base}.properties.metadata.properties.name.default`]);
    // the same place for ValidateDefaults (off its path), another for specStandardValidate: inside metadata
    const map = { type: 'object', additionalProperties: node };
    const found = both(obj({ spec: map, metadata: map }));
    assert.ok(found.includes(`${base}.properties.metadata.additionalProperties.properties.name.default`), found.join('\n'));
    assert.ok(!found.some((f) => f.startsWith(`${base}.properties.spec`)), found.join('\n'));
  });

  test('a node NewStructural refuses, met after it was walked clean elsewhere', () => {
    const clean = obj({ x: { type: 'string' } });
    assert.deepEqual(of(obj({ a: clean })), []);
    const refused = [`${base}: Invalid value: "": OpenAPIV3Schema 'schema' is not supported`];
    assert.deepEqual(of(obj({ a: clean, b: obj({ c: { type: 'string', $schema: 'x' } }), d: clean })), refused);
    assert.deepEqual(of(obj({ a: obj({ c: { type: 'string', $schema: 'x' } }), d: clean })), refused);
  });

  test('every vendored and corpus CRD file read by the C++ reader, and 60 of them with random edits: the same findings as a copy without shared nodes', { skip: !nativeReaderBuilt && 'the C++ reader is not built' }, () => {
    const seed = Number(process.env.MARQUEE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
    let r = seed;
    const rnd = (k: number) => ((r = (Math.imul(r, 1103515245) + 12345) & 0x7fffffff), r % k);
    const edits = [
      (l: string) => l.replace(/type: (string|object|integer|array)$/, 'type: strin'),
      (l: string) => l.replace(/type: object$/, 'type: array'),
      (l: string) => l.replace(/format: \w+$/, 'format: int32'),
      (l: string) => l.replace(/default: ""$/, 'default: 5'),
      (l: string) => l.replace(/^(\s+)type: array$/, '$1type: array\n$1x-kubernetes-list-type: map'),
      (l: string) => l.replace(/^(\s+)properties:$/, '$1x-kubernetes-preserve-unknown-fields: false\n$1properties:'),
    ];
    const texts = ['vendor/crds', 'test/corpus/real-manifests']
      .flatMap((dir) => filesUnder(join(repoRoot, dir)).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(repoRoot, dir, f)))
      .map((f) => readFileSync(f, 'utf8'))
      .filter((t) => t.includes('kind: CustomResourceDefinition'));
    const mutated = Array.from({ length: 60 }, () => {
      const lines = texts[rnd(texts.length)]!.split('\n');
      for (let k = 1 + rnd(4); k > 0; k--) {
        // an edit, at one of the lines it changes
        const edit = edits[rnd(edits.length)]!;
        const at = lines.flatMap((l, n) => (edit(l) !== l ? [n] : []));
        if (!at.length) continue;
        const n = at[rnd(at.length)]!;
        // half the time at every line that reads the same: each copy of a repeated node edited alike, still one object
        const same = lines[n]!.trim();
        for (const m of rnd(2) ? at.filter((m) => lines[m]!.trim() === same) : [n]) lines[m] = edit(lines[m]!);
      }
      return lines.join('\n');
    });
    let sharedFiles = 0;
    let findings = 0;
    let taken = 0;
    for (const [i, text] of [...texts, ...mutated].entries()) {
      const docs = loadManifestBytes(Buffer.from(text), 100, new Set(), true)?.values as Record<string, any>[] | undefined;
      if (!docs) continue;
      taken++;
      const copies = JSON.parse(JSON.stringify(docs)) as typeof docs;
      const found = docs.flatMap((o) => (o?.kind === 'CustomResourceDefinition' ? ValidateCustomResourceDefinition(o).map(apiServerText) : []));
      const want = copies.flatMap((o) => (o?.kind === 'CustomResourceDefinition' ? ValidateCustomResourceDefinition(o).map(apiServerText) : []));
      assert.deepEqual(found, want, `seed ${seed} (MARQUEE_FUZZ_SEED), ${i < texts.length ? 'file' : 'edited file'} ${i}`);
      findings += found.length;
      if (sharesObjects(docs)) sharedFiles++;
    }
    assert.ok(taken > texts.length / 2 + 50, `the C++ reader took ${taken} of ${texts.length} files and 60 edited ones`);
    assert.ok(sharedFiles > 20, `${sharedFiles} files with shared nodes`);
    assert.ok(findings > 30, `seed ${seed}: ${findings} findings (the edits must find something to compare)`);
  });
});

