// Defaults in a CRD's schema against policies/apiserver/lib/defaults.ts (structuraldefaulting.ValidateDefaults), ported
// from kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation/
// validation_test.go (commit 00e34aa4f687eb9a863b23f2596a7b5eb39fb044):
// - TestValidateCustomResourceDefinition, the rows that set a default (same names). Upstream's rows hold the internal
//   type's global `spec.validation.openAPIV3Schema`; here each is the v1 CRD whose spec.versions[0] holds that schema
//   (a row with per-version schemas keeps its versions), so upstream's `spec.validation.openAPIV3Schema` is
//   `spec.versions[0].schema.openAPIV3Schema`. Upstream matches every error by type and field, and fails on any error it
//   did not list: so does this table. Its TypeInvalid reads as our 'Invalid value' (field.ErrorTypeTypeInvalid's text).
// - TestValidateCustomResourceDefinitionValidation "valid default with x-kubernetes-validations" and "invalid default
//   with x-kubernetes-validations" (requireStructuralSchema and allowDefaults, as a v1 create sets them).
// Not ported: defaulting/validation_test.go's CEL cost budget and optionalOldSelf ratcheting rows (defaults.ts header).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { ValidateCustomResourceDefinition } from '../../../policies/apiserver/apiextensions.ts';
import type { ErrorType } from '../../../policies/apiserver/lib/field.ts';
import { validateStructuralSchema } from '../../../policies/apiserver/lib/structural.ts';
import { realCrds } from '../../helpers/real-crds.ts';
import { oursPath } from '../../helpers/upstream-path.ts';
import { crdObject } from '../../fixtures/crd.ts';

/** A v1 CRD plural.group.com holding `schemas` as its versions (the first the storage version). */
const crd = (schemas: readonly unknown[], versions = ['version', 'v2', 'v3', 'v4']) =>
  crdObject({ group: 'group.com', plural: 'plural', singular: 'singular', kind: 'Plural', listKind: 'PluralList' }, versions, schemas);

// upstream's validationMatch helpers: the error types they stand for
const types: Record<string, ErrorType> = { invalid: 'Invalid value', invalidtypecode: 'Invalid value', required: 'Required value', forbidden: 'Forbidden', unsupported: 'Unsupported value' };
/** `type path` lines of upstream's expectation (its global schema path made spec.versions[0]'s), sorted. */
const expected = (lines: readonly string[]) =>
  lines.map((l) => {
    const [type, path] = l.split(' ') as [string, string];
    return `${types[type]} ${oursPath(path.replace(/^spec\.validation\./, 'spec.versions[0].schema.'))}`;
  }).sort();
const got = (o: unknown) => ValidateCustomResourceDefinition(o as Record<string, any>).map((e) => `${e.type} ${e.path}`).sort();

type Row = { readonly name: string; readonly schemas: readonly string[]; readonly errors: readonly string[] };
const P = 'spec.validation.openAPIV3Schema';
const rows: Row[] = [
  { name: 'defaults with enabled feature gate', schemas: ['type: object\nproperties:\n  a:\n    type: number\n    default: 42.0'], errors: [] },
  {
    name: 'defaults with enabled feature gate, unstructural schema',
    schemas: ['properties:\n  a:\n    default: 42.0'],
    errors: [`required ${P}.properties[a].type`, `required ${P}.type`],
  },
  { name: 'defaults with enabled feature gate, structural schema', schemas: ['type: object\nproperties:\n  a:\n    type: number\n    default: 42.0'], errors: [] },
  {
    name: 'defaults in value validation with enabled feature gate, structural schema',
    schemas: [
      `type: object
properties:
  a:
    type: number
    not: {default: 42.0}
    anyOf: [{default: 42.0}]
    allOf: [{default: 42.0}]
    oneOf: [{default: 42.0}]`,
    ],
    errors: [`forbidden ${P}.properties[a].not.default`, `forbidden ${P}.properties[a].allOf[0].default`, `forbidden ${P}.properties[a].anyOf[0].default`, `forbidden ${P}.properties[a].oneOf[0].default`],
  },
  {
    name: 'invalid defaults with enabled feature gate, structural schema',
    schemas: [
      `type: object
properties:
  a:
    type: object
    properties: {foo: {type: string}}
    default: {foo: abc, bar: 42}
  b:
    type: object
    properties: {foo: {type: string}}
    default: {foo: abc}
  c:
    type: object
    properties: {foo: {type: string}}
    default: {foo: 42}
  d:
    type: object
    properties:
      good: {type: string, pattern: a}
      bad: {type: string, pattern: b}
    default: {good: a, bad: a}
  e:
    type: object
    x-kubernetes-preserve-unknown-fields: true
    properties:
      preserveUnknownFields:
        type: object
        default: {foo: abc, bar: 42}
      nestedProperties:
        type: object
        properties: {foo: {type: string}}
        default: {foo: abc, bar: 42}
  embedded-fine:
    type: object
    x-kubernetes-embedded-resource: true
    properties: {foo: {type: string}}
    default: {foo: abc, apiVersion: foo/v1, kind: v1, metadata: {name: foo}}
  embedded-preserve:
    type: object
    x-kubernetes-embedded-resource: true
    x-kubernetes-preserve-unknown-fields: true
    properties: {foo: {type: string}}
    default: {foo: abc, apiVersion: foo/v1, kind: v1, metadata: {name: foo}, bar: 42}
  embedded-preserve-unpruned-objectmeta:
    type: object
    x-kubernetes-embedded-resource: true
    x-kubernetes-preserve-unknown-fields: true
    properties: {foo: {type: string}}
    default: {foo: abc, apiVersion: foo/v1, kind: v1, metadata: {name: foo, unspecified: bar}, bar: 42}`,
    ],
    errors: [
      `invalid ${P}.properties[a].default`,
      `invalidtypecode ${P}.properties[c].default.foo`,
      `invalid ${P}.properties[d].default.bad`,
      `invalid ${P}.properties[e].properties[preserveUnknownFields].default`,
      `invalid ${P}.properties[e].properties[nestedProperties].default`,
    ],
  },
  {
    name: 'v1.15 era tests for metadata defaults',
    schemas: [
      `type: object
properties:
  metadata:
    type: object
    default: {name: foo}
  embedded:
    type: object
    x-kubernetes-embedded-resource: true
    properties:
      metadata:
        type: object
        default: {name: foo, unknown: 42}`,
      `type: object
properties:
  metadata:
    type: object
    properties:
      name: {type: string, default: foo}
  embedded:
    type: object
    x-kubernetes-embedded-resource: true
    properties:
      apiVersion: {type: string, default: v1}
      kind: {type: string, default: Pod}
      metadata:
        type: object
        properties:
          name: {type: string, default: foo}`,
      `type: object
properties:
  embedded:
    type: object
    x-kubernetes-embedded-resource: true
    properties:
      apiVersion: {type: string, default: v1}
      kind: {type: string, default: "%"}
      metadata:
        type: object
        default:
          labels: {bar: "x y"}`,
      `type: object
properties:
  embedded:
    type: object
    x-kubernetes-embedded-resource: true
    properties:
      metadata:
        type: object
        properties:
          name: {type: string, default: 42}
          labels:
            type: object
            properties:
              bar: {type: string, default: 42}`,
    ],
    errors: [
      'forbidden spec.versions[0].schema.openAPIV3Schema.properties[metadata].default',
      'forbidden spec.versions[1].schema.openAPIV3Schema.properties[metadata].properties[name].default',
      'invalid spec.versions[2].schema.openAPIV3Schema.properties[embedded].properties[metadata].default',
      'invalid spec.versions[2].schema.openAPIV3Schema.properties[embedded].properties[kind].default',
      'invalid spec.versions[3].schema.openAPIV3Schema.properties[embedded].properties[metadata].properties[labels].properties[bar].default',
      'invalid spec.versions[3].schema.openAPIV3Schema.properties[embedded].properties[metadata].properties[name].default',
    ],
  },
  {
    name: 'default inside additionalSchema',
    schemas: [
      `type: object
properties:
  embedded:
    type: object
    x-kubernetes-embedded-resource: true
    properties:
      metadata:
        type: object
        properties:
          annotations:
            type: object
            additionalProperties: {type: string, default: abc}`,
    ],
    errors: [`forbidden ${P}.properties[embedded].properties[metadata].properties[annotations].additionalProperties.default`],
  },
  { name: 'top-level metadata default', schemas: ['type: object\nproperties:\n  metadata:\n    type: object\n    default: {name: foo}'], errors: [`forbidden ${P}.properties[metadata].default`] },
];

// "embedded metadata defaults": one schema of many properties, each a case of its own (upstream's comments kept)
const embeddedSpan = (def: string) => `
    type: object
    properties:
      embedded:
        type: object
        x-kubernetes-embedded-resource: true
        properties: {something: {type: string}}
    default: ${def}`;
const embeddedObject = (def: string) => `
    type: object
    x-kubernetes-embedded-resource: true
    properties: {something: {type: string}}
    default: ${def}`;
/** The TypeMeta and ObjectMeta an embedded resource's schema constrains, indented by `pad` spaces. */
const constrained = (pad: number) =>
  `
properties:
  apiVersion: {type: string, enum: [foo/v1]}
  kind: {type: string, enum: [Foo]}
  metadata:
    type: object
    properties:
      name: {type: string, enum: [foo]}
      labels:
        type: object
        additionalProperties: {type: string, enum: [foo]}`.replace(/\n/g, `\n${' '.repeat(pad)}`);
const constrainedObject = (def: string) => `
    type: object
    x-kubernetes-embedded-resource: true${constrained(4)}
    default: ${def}`;
const constrainedSpan = (def: string) => `
    type: object
    properties:
      embedded:
        type: object
        x-kubernetes-embedded-resource: true${constrained(8)}
    default: ${def}`;
const metadataConstrained = (def: string) => `
    type: object
    x-kubernetes-embedded-resource: true
    properties:
      metadata:
        type: object
        properties:
          name: {type: string, enum: [foo]}
          labels:
            type: object
            additionalProperties: {type: string, enum: [foo]}
        default: ${def}`;
const embeddedMetadataDefaults = `type: object
properties:
  embedded:
    type: object
    x-kubernetes-embedded-resource: true
    properties:
      metadata:
        type: object
        default: {name: foo}
  allowed-in-object-defaults:
    type: object
    x-kubernetes-embedded-resource: true
    properties:
      apiVersion: {type: string, default: v1}
      kind: {type: string, default: Pod}
      metadata:
        type: object
        properties:
          name: {type: string, default: foo}
        # allowed: unknown fields outside metadata
        default: {unknown: 42}
  allowed-object-defaults:
    type: object
    properties: {something: {type: string}}
    x-kubernetes-embedded-resource: true
    default: {apiVersion: v1, kind: Pod, metadata: {name: foo, unknown: 42}}
  allowed-spanning-object-defaults:${embeddedSpan('{embedded: {apiVersion: v1, kind: Pod, metadata: {name: foo, unknown: 42}}}')}
  unknown-field-object-defaults:${embeddedObject('{apiVersion: v1, kind: Pod, metadata: {name: foo, unknown: 42}, unknown: 42}')}
  unknown-field-spanning-object-defaults:${embeddedSpan('{embedded: {apiVersion: v1, kind: Pod, metadata: {name: foo, unknown: 42}, unknown: 42}, unknown: 42}')}
  x-preserve-unknown-fields-unknown-field-object-defaults:
    type: object
    x-kubernetes-embedded-resource: true
    x-kubernetes-preserve-unknown-fields: true
    properties: {}
    default: {apiVersion: v1, kind: Pod, metadata: {name: foo, unknown: 42}, unknown: 42}
  x-preserve-unknown-fields-unknown-field-spanning-object-defaults:
    type: object
    properties:
      embedded:
        type: object
        x-kubernetes-embedded-resource: true
        x-kubernetes-preserve-unknown-fields: true
        properties: {}
    default: {embedded: {apiVersion: v1, kind: Pod, metadata: {name: foo, unknown: 42}, unknown: 42}}
  x-preserve-unknown-fields-unknown-field-outside:
    type: object
    properties:
      embedded:
        type: object
        x-kubernetes-embedded-resource: true
        x-kubernetes-preserve-unknown-fields: true
        properties: {}
    default: {embedded: {apiVersion: v1, kind: Pod, metadata: {name: foo, unknown: 42}, unknown: 42}, unknown: 42}
  wrongly-typed-in-object-defaults:
    type: object
    x-kubernetes-embedded-resource: true
    properties:
      apiVersion: {type: string, default: 42}
      kind: {type: string, default: 42}
      metadata:
        type: object
        properties:
          name: {type: string, default: 42}
          annotations:
            type: object
            additionalProperties: {type: string}
            default: 42
  wrongly-typed-object-defaults-apiVersion:${embeddedObject('{apiVersion: 42}')}
  wrongly-typed-object-defaults-kind:${embeddedObject('{kind: 42}')}
  wrongly-typed-object-defaults-name:${embeddedObject('{metadata: {name: 42}}')}
  wrongly-typed-object-defaults-labels:${embeddedObject('{metadata: {labels: {foo: 42}}}')}
  wrongly-typed-object-defaults-annotations:${embeddedObject('{metadata: {annotations: 42}}')}
  wrongly-typed-object-defaults-metadata:${embeddedObject('{metadata: 42}')}
  wrongly-typed-spanning-object-defaults-apiVersion:${embeddedSpan('{embedded: {apiVersion: 42}}')}
  wrongly-typed-spanning-object-defaults-kind:${embeddedSpan('{embedded: {kind: 42}}')}
  wrongly-typed-spanning-object-defaults-name:${embeddedSpan('{embedded: {metadata: {name: 42}}}')}
  wrongly-typed-spanning-object-defaults-labels:${embeddedSpan('{embedded: {metadata: {labels: {foo: 42}}}}')}
  wrongly-typed-spanning-object-defaults-annotations:${embeddedSpan('{embedded: {metadata: {annotations: 42}}}')}
  wrongly-typed-spanning-object-defaults-metadata:${embeddedSpan('{embedded: {metadata: 42}}')}
  invalid-in-object-defaults:
    type: object
    x-kubernetes-embedded-resource: true
    properties:
      kind: {type: string, default: "%"}
      metadata:
        type: object
        properties:
          name: {type: string, default: "%"}
          labels:
            type: object
            additionalProperties: {type: string}
            default: {foo: "x y"}
  invalid-object-defaults-kind:${embeddedObject('{apiVersion: foo/v1, kind: "%"}')}
  invalid-object-defaults-name:${embeddedObject('{apiVersion: foo/v1, kind: Foo, metadata: {name: "%"}}')}
  invalid-object-defaults-labels:${embeddedObject('{apiVersion: foo/v1, kind: Foo, metadata: {labels: {foo: "x y"}}}')}
  invalid-spanning-object-defaults-kind:${embeddedSpan('{embedded: {apiVersion: foo/v1, kind: "%"}}')}
  invalid-spanning-object-defaults-name:${embeddedSpan('{embedded: {apiVersion: foo/v1, kind: Foo, metadata: {name: "%"}}}')}
  invalid-spanning-object-defaults-labels:${embeddedSpan('{embedded: {apiVersion: foo/v1, kind: Foo, metadata: {labels: {foo: "x y"}}}}')}
  in-object-defaults-with-valid-constraints:
    type: object
    x-kubernetes-embedded-resource: true
    properties:
      apiVersion: {type: string, default: foo/v1, enum: [foo/v1]}
      kind: {type: string, default: Foo, enum: [Foo]}
      metadata:
        type: object
        properties:
          name: {type: string, default: foo, enum: [foo]}
          labels:
            type: object
            additionalProperties: {type: string, enum: [foo]}
            default: {foo: foo}
  metadata-defaults-with-valid-constraints:${metadataConstrained('{name: foo, labels: {foo: foo}}')}
  object-defaults-with-valid-constraints:${constrainedObject('{apiVersion: foo/v1, kind: Foo, metadata: {name: foo, labels: {foo: foo}}}')}
  spanning-defaults-with-valid-constraints:${constrainedSpan('{embedded: {apiVersion: foo/v1, kind: Foo, metadata: {name: foo, labels: {foo: foo}}}}')}
  in-object-defaults-with-invalid-constraints:
    type: object
    x-kubernetes-embedded-resource: true
    properties:
      apiVersion: {type: string, description: BREAK, default: bar/v1, enum: [foo/v1]}
      kind: {type: string, default: Bar, enum: [Foo]}
      metadata:
        type: object
        properties:
          name: {type: string, default: bar, enum: [foo]}
          labels:
            type: object
            additionalProperties: {type: string, enum: [foo]}
            default: {foo: bar}
  metadata-defaults-with-invalid-constraints-name:${metadataConstrained('{name: bar}')}
  metadata-defaults-with-invalid-constraints-labels:${metadataConstrained('{name: foo, labels: {foo: bar}}')}
  object-defaults-with-invalid-constraints-name:${constrainedObject('{apiVersion: foo/v1, kind: Foo, metadata: {name: bar}}')}
  object-defaults-with-invalid-constraints-labels:${constrainedObject('{apiVersion: foo/v1, kind: Foo, metadata: {name: foo, labels: {foo: bar}}}')}
  object-defaults-with-invalid-constraints-apiVersion:${constrainedObject('{apiVersion: bar/v1, kind: Foo, metadata: {name: foo}}')}
  object-defaults-with-invalid-constraints-kind:${constrainedObject('{apiVersion: foo/v1, kind: Bar, metadata: {name: foo}}')}
  spanning-defaults-with-invalid-constraints-name:${constrainedSpan('{embedded: {apiVersion: foo/v1, kind: Foo, metadata: {name: bar, labels: {foo: foo}}}}')}
  spanning-defaults-with-invalid-constraints-labels:${constrainedSpan('{embedded: {apiVersion: foo/v1, kind: Foo, metadata: {name: foo, labels: {foo: bar}}}}')}
  spanning-defaults-with-invalid-constraints-apiVersion:${constrainedSpan('{embedded: {apiVersion: bar/v1, kind: Foo, metadata: {name: foo, labels: {foo: foo}}}}')}
  spanning-defaults-with-invalid-constraints-kind:${constrainedSpan('{embedded: {apiVersion: foo/v1, kind: Bar, metadata: {name: foo, labels: {foo: foo}}}}')}
  object-defaults-with-missing-typemeta:
    type: object
    x-kubernetes-embedded-resource: true
    properties:
      apiVersion: {type: string, enum: [foo/v1]}
      kind: {type: string, enum: [Foo]}
    default: {metadata: {name: bar}}
  spanning-defaults-with-missing-typemeta:
    type: object
    properties:
      embedded:
        type: object
        x-kubernetes-embedded-resource: true
        properties:
          apiVersion: {type: string, enum: [foo/v1]}
          kind: {type: string, enum: [Foo]}
    default: {embedded: {metadata: {name: bar}}}
`;
rows.push({
  name: 'embedded metadata defaults',
  schemas: [embeddedMetadataDefaults],
  errors: [
    `invalid ${P}.properties[unknown-field-object-defaults].default`,
    `invalid ${P}.properties[unknown-field-spanning-object-defaults].default`,
    `invalid ${P}.properties[x-preserve-unknown-fields-unknown-field-outside].default`,
    `invalid ${P}.properties[wrongly-typed-in-object-defaults].properties[kind].default`,
    `invalid ${P}.properties[wrongly-typed-in-object-defaults].properties[apiVersion].default`,
    `invalid ${P}.properties[wrongly-typed-in-object-defaults].properties[metadata].properties[name].default`,
    `invalid ${P}.properties[wrongly-typed-in-object-defaults].properties[metadata].properties[annotations].default`,
    `invalid ${P}.properties[wrongly-typed-object-defaults-metadata].default.metadata`,
    `invalid ${P}.properties[wrongly-typed-object-defaults-apiVersion].default.apiVersion`,
    `invalid ${P}.properties[wrongly-typed-object-defaults-kind].default.kind`,
    `invalid ${P}.properties[wrongly-typed-object-defaults-name].default.metadata`,
    `invalid ${P}.properties[wrongly-typed-object-defaults-labels].default.metadata`,
    `invalid ${P}.properties[wrongly-typed-object-defaults-annotations].default.metadata`,
    `invalid ${P}.properties[wrongly-typed-spanning-object-defaults-metadata].default.embedded.metadata`,
    `invalid ${P}.properties[wrongly-typed-spanning-object-defaults-apiVersion].default.embedded.apiVersion`,
    `invalid ${P}.properties[wrongly-typed-spanning-object-defaults-kind].default.embedded.kind`,
    `invalid ${P}.properties[wrongly-typed-spanning-object-defaults-name].default.embedded.metadata`,
    `invalid ${P}.properties[wrongly-typed-spanning-object-defaults-labels].default.embedded.metadata`,
    `invalid ${P}.properties[wrongly-typed-spanning-object-defaults-annotations].default.embedded.metadata`,
    `invalid ${P}.properties[invalid-in-object-defaults].properties[metadata].properties[name].default`,
    `invalid ${P}.properties[invalid-in-object-defaults].properties[metadata].properties[labels].default`,
    `invalid ${P}.properties[invalid-in-object-defaults].properties[kind].default`,
    `invalid ${P}.properties[invalid-object-defaults-kind].default.kind`,
    `invalid ${P}.properties[invalid-object-defaults-name].default.metadata.name`,
    // upstream's ValidateLabels names the map (`labels`) for a bad value; ours names the label (`labels.foo`), so the
    // finding lands on the label's line (policies/apiserver/lib/field.ts ValidateLabels): the one deviation here
    `invalid ${P}.properties[invalid-object-defaults-labels].default.metadata.labels[foo]`,
    `invalid ${P}.properties[invalid-spanning-object-defaults-kind].default.embedded.kind`,
    `invalid ${P}.properties[invalid-spanning-object-defaults-name].default.embedded.metadata.name`,
    `invalid ${P}.properties[invalid-spanning-object-defaults-labels].default.embedded.metadata.labels[foo]`,
    `unsupported ${P}.properties[in-object-defaults-with-invalid-constraints].properties[apiVersion].default`,
    `unsupported ${P}.properties[in-object-defaults-with-invalid-constraints].properties[kind].default`,
    `unsupported ${P}.properties[in-object-defaults-with-invalid-constraints].properties[metadata].properties[name].default`,
    `unsupported ${P}.properties[in-object-defaults-with-invalid-constraints].properties[metadata].properties[labels].default.foo`,
    `unsupported ${P}.properties[metadata-defaults-with-invalid-constraints-name].properties[metadata].default.name`,
    `unsupported ${P}.properties[metadata-defaults-with-invalid-constraints-labels].properties[metadata].default.labels.foo`,
    `unsupported ${P}.properties[object-defaults-with-invalid-constraints-name].default.metadata.name`,
    `unsupported ${P}.properties[object-defaults-with-invalid-constraints-labels].default.metadata.labels.foo`,
    `unsupported ${P}.properties[object-defaults-with-invalid-constraints-apiVersion].default.apiVersion`,
    `unsupported ${P}.properties[object-defaults-with-invalid-constraints-kind].default.kind`,
    `unsupported ${P}.properties[spanning-defaults-with-invalid-constraints-kind].default.embedded.kind`,
    `unsupported ${P}.properties[spanning-defaults-with-invalid-constraints-labels].default.embedded.metadata.labels.foo`,
    `unsupported ${P}.properties[spanning-defaults-with-invalid-constraints-apiVersion].default.embedded.apiVersion`,
    `unsupported ${P}.properties[spanning-defaults-with-invalid-constraints-name].default.embedded.metadata.name`,
    `required ${P}.properties[object-defaults-with-missing-typemeta].default.apiVersion`,
    `required ${P}.properties[object-defaults-with-missing-typemeta].default.kind`,
    `required ${P}.properties[spanning-defaults-with-missing-typemeta].default.embedded.apiVersion`,
    `required ${P}.properties[spanning-defaults-with-missing-typemeta].default.embedded.kind`,
  ],
});

describe('apiextensions validation_test.go TestValidateCustomResourceDefinition: defaults', () => {
  for (const r of rows)
    test(r.name, () => {
      const schemas = r.schemas.map((s) => parse(s));
      assert.deepEqual(got(crd(schemas, schemas.length > 1 ? ['v1', 'v2', 'v3', 'v4'] : undefined)), expected(r.errors));
    });
});

describe('apiextensions validation_test.go TestValidateCustomResourceDefinitionValidation: defaults and x-kubernetes-validations', () => {
  const schema = (name: string, value: string, object: string) =>
    parse(`type: object
properties:
  embedded:
    type: object
    properties:
      metadata:
        type: object
        x-kubernetes-embedded-resource: true
        properties:
          name:
            type: string
            x-kubernetes-validations: [{rule: "self == 'singleton'"}]
            default: ${name}
  value:
    type: string
    x-kubernetes-validations: [{rule: "self.startsWith('kube')"}]
    default: ${value}
  object:
    type: object
    properties:
      field1: {type: integer}
      field2: {type: integer}
    x-kubernetes-validations: [{rule: "self.field1 < self.field2"}]
    default: ${object}`);
  const of = (s: Record<string, any>) => validateStructuralSchema(s, 'spec.validation.openAPIV3Schema').map((e) => `${e.type} ${e.path}`).sort();
  test('valid default with x-kubernetes-validations', () => assert.deepEqual(of(schema('singleton', 'kube-everything', '{field1: 1, field2: 2}')), []));
  test('invalid default with x-kubernetes-validations', () =>
    assert.deepEqual(
      of(schema('nope', 'nope', '{field1: 2, field2: 1}')),
      [
        'Invalid value spec.validation.openAPIV3Schema.properties.embedded.properties.metadata.properties.name.default',
        'Invalid value spec.validation.openAPIV3Schema.properties.value.default',
        'Invalid value spec.validation.openAPIV3Schema.properties.object.default',
      ].sort(),
    ));
});

describe('pruning under x-kubernetes-preserve-unknown-fields (pruning/algorithm.go skipPrune)', () => {
  // skipPrune keeps the node's own undeclared fields and prunes below its declared ones as usual: rows of ours, from
  // the algorithm (upstream's table has no default that reaches below a preserved node's declared field)
  const schema = (def: string) =>
    parse(`type: object
properties:
  p:
    type: object
    x-kubernetes-preserve-unknown-fields: true
    properties:
      a:
        type: object
        properties: {b: {type: string}}
    default: ${def}`);
  const of = (def: string) => validateStructuralSchema(schema(def), 'spec.validation.openAPIV3Schema').map((e) => `${e.type} ${e.path}: ${e.detail}`);
  test('an undeclared field of the preserved node stays', () => assert.deepEqual(of('{x: 1, a: {b: q}}'), []));
  test('an undeclared field below a declared one is pruned', () =>
    assert.deepEqual(of('{x: 1, a: {b: q, c: 2}}'), ['Invalid value spec.validation.openAPIV3Schema.properties.p.default: must not have unknown fields']));
});

describe('the fix a refused default gets: the words a custom resource\'s value gets (kube/value-fix.ts)', () => {
  const hints = (prop: string) =>
    validateStructuralSchema(parse(`type: object\nproperties:\n  a:\n${prop}`), 'spec.versions[0].schema.openAPIV3Schema').map((e) => `${e.path}: ${e.hint}`);
  test('a number written as a string', () =>
    assert.deepEqual(hints('    type: integer\n    default: "2"'), ['spec.versions[0].schema.openAPIV3Schema.properties.a.default: write 2 without quotes (a number, not a string)']));
  test('a near spelling of an enum value', () => assert.deepEqual(hints('    type: string\n    enum: [Always, Never]\n    default: always'), ['spec.versions[0].schema.openAPIV3Schema.properties.a.default: write Always']));
});

describe('defaults of real CustomResourceDefinitions', () => {
  const crds = realCrds();
  const defaults = (s: unknown): number => (Array.isArray(s) ? s.reduce((n, x) => n + defaults(x), 0) : s && typeof s === 'object' ? Object.entries(s).reduce((n, [k, v]) => n + (k === 'default' ? 1 : 0) + defaults(v), 0) : 0);
  test('the vendored and corpus CRDs hold defaults to check', () => {
    const n = crds.reduce((t, { o }) => t + defaults(o.spec?.versions), 0);
    assert.ok(n >= 1500, `only ${n} defaults`);
  });
  test('every default passes, as the API server accepted them', () =>
    assert.deepEqual(
      crds.flatMap(({ file, o }) => ValidateCustomResourceDefinition(o).filter((e) => e.fn === 'ValidateDefaults' || /\.default\b/.test(e.path)).map((e) => `${file} ${o.metadata?.name}: ${e.path}: ${e.detail}`)),
      [],
    ));
});
