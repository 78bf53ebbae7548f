// scripts/lib/validate/schema.ts misspeltRequired: a required field written misspelt is one issue, folded from the
// structured fields the schema step sets (`meant` on the unknown field, `missing` on the required one), never from
// the wording of a hint.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { jsonSchemaProps, misspeltRequired, SchemaValidator, type SchemaIssue } from '../../../scripts/lib/validate/schema.ts';
import { loadFieldTree } from '../../../scripts/lib/validate/field-tree.ts';
import { validateFiles } from '../../../scripts/lib/validate/index.ts';
import { crdVersionsOf } from '../../../policies/lib/crd-schema.ts';
import { validate as modelsJsonSchemaProps } from 'kubernetes-models/_schemas/IoK8sApiextensionsApiserverPkgApisApiextensionsV1JSONSchemaProps';

describe('misspeltRequired', () => {
  const unknown: SchemaIssue = { path: ['spec', 'selecter'], message: 'unknown field "selecter"', meant: 'selector' };
  const missing: SchemaIssue = { path: ['spec', 'selector'], message: 'missing required field "selector"', missing: 'selector' };

  it('folds the missing field into the misspelling by their fields, whatever the hints say (none here)', () => {
    assert.deepEqual(misspeltRequired([unknown, missing]), [
      { ...unknown, message: 'unknown field "selecter" (and the required field "selector" is missing)', standsFor: ['spec', 'selector'] },
    ]);
  });

  it('a hint that reads "did you mean" is not a misspelling: nothing folds without `meant`', () => {
    const worded: SchemaIssue = { path: ['spec', 'selecter'], message: 'unknown field "selecter"', hint: 'did you mean "selector"? (or is it indented under the wrong parent?)' };
    assert.deepEqual(misspeltRequired([worded, missing]), [worded, missing]);
  });

  it('only a missing field beside the misspelling folds (same parent)', () => {
    const elsewhere: SchemaIssue = { path: ['spec', 'template', 'selector'], message: 'missing required field "selector"', missing: 'selector' };
    assert.deepEqual(misspeltRequired([unknown, elsewhere]), [unknown, elsewhere]);
  });
});

describe('a misspelt required field is one finding, for a built-in kind and for a custom resource (files mode)', () => {
  it('Deployment selecter:, CloudNativePG Database ownr:', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marquee-schema-'));
    try {
      writeFileSync(
        join(dir, 'deployment.yaml'),
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selecter:\n    matchLabels: { app: web }\n  template:\n    metadata:\n      labels: { app: web }\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n',
      );
      writeFileSync(join(dir, 'database.yaml'), 'apiVersion: postgresql.cnpg.io/v1\nkind: Database\nmetadata:\n  name: app\nspec:\n  name: app\n  ownr: app\n  cluster:\n    name: pg\n');
      const r = await validateFiles(dir, ['.']);
      assert.deepEqual(
        r.findings.filter((f) => f.rule === 'schema').map((f) => [f.file, f.line, f.path, f.message, f.standsFor]),
        [
          ['database.yaml', 7, 'spec.ownr', 'unknown field "ownr" (and the required field "owner" is missing)', 'spec.owner'],
          ['deployment.yaml', 6, 'spec.selecter', 'unknown field "selecter" (and the required field "selector" is missing)', 'spec.selector'],
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// The validator of CustomResourceDefinition objects skips the models' JSONSchemaProps validator on an openAPIV3Schema
// that jsonSchemaProps passes: the two must agree on every schema, or a finding would be lost.
describe('jsonSchemaProps passes what the models\' JSONSchemaProps validator passes, and nothing else', () => {
  const root = join(import.meta.dirname, '../../..');
  const schemas: unknown[] = [];
  const collect = (s: unknown): void => {
    if (!s || typeof s !== 'object') return;
    schemas.push(s);
    for (const v of Object.values(s)) if (v && typeof v === 'object') for (const x of Array.isArray(v) ? v : Object.values(v)) collect(x);
  };
  for (const dir of ['vendor/crds', 'test/corpus/real-manifests'])
    for (const f of readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' }).filter((n) => /\.ya?ml$/.test(n)).sort())
      for (const v of crdVersionsOf(readFileSync(join(root, dir, f), 'utf8'), f)) collect(v.schema);
  const agree = (x: unknown) => assert.equal(jsonSchemaProps(x), modelsJsonSchemaProps(x), JSON.stringify(x)?.slice(0, 200));
  /** The one deliberate difference: a description that is no string, which the models' schemas lost (schema.ts). */
  const descriptionNoString = (x: unknown) => !!x && typeof x === 'object' && 'description' in x && (x as { description: unknown }).description !== null && typeof (x as { description: unknown }).description !== 'string';

  it('on every schema of the vendored and the corpus CRDs, and every value below them', () => {
    assert.ok(schemas.length > 10_000);
    for (const s of schemas) if (!descriptionNoString(s)) agree(s);
  });

  it('on each field set to each kind of value', () => {
    const fields = ['$ref', '$schema', 'additionalItems', 'additionalProperties', 'allOf', 'anyOf', 'default', 'definitions', 'dependencies', 'description', 'enum', 'example', 'exclusiveMaximum', 'exclusiveMinimum', 'externalDocs', 'format', 'id', 'items', 'maxItems', 'maxLength', 'maxProperties', 'maximum', 'minItems', 'minLength', 'minProperties', 'minimum', 'multipleOf', 'not', 'nullable', 'oneOf', 'pattern', 'patternProperties', 'properties', 'required', 'title', 'type', 'uniqueItems', 'x-kubernetes-validations', 'x-kubernetes-int-or-string', 'x-kubernetes-list-map-keys', 'unknown'];
    const values: unknown[] = [null, 0, 1, -1, 1.5, 2 ** 60, NaN, Infinity, '', 'x', true, false, [], [null], ['a'], [1], [{}], [{ type: 1 }], {}, { a: null }, { a: 1 }, { a: {} }, { a: { type: 'string' } }, { a: { minimum: 'x' } }, { url: 1 }, { url: null }, { url: 'https://x' }];
    for (const field of fields)
      for (const value of values) {
        const x = { type: 'object', [field]: value };
        if (descriptionNoString(x)) {
          assert.equal(modelsJsonSchemaProps(x), true, `the models' schema lost description: it passes ${JSON.stringify(x)}`);
          assert.equal(jsonSchemaProps(x), false, `a description that is no string is not clean: ${JSON.stringify(x)}`);
        } else agree(x);
      }
    for (const value of values) agree(value);
    agree({ properties: { a: { properties: { b: { items: { type: 1 }, required: ['x', 2] } } } } });
  });
});

describe('a description field that is no string (the models\' compiled schemas lost every field named description)', () => {
  it('every description field the model packages declare is a string: what the check assumes', () => {
    const nodeModules = join(import.meta.dirname, '../../../node_modules');
    const declared = new Map<string, number>();
    for (const pkg of ['kubernetes-models', ...readdirSync(join(nodeModules, '@kubernetes-models')).map((p) => `@kubernetes-models/${p}`)])
      for (const f of readdirSync(join(nodeModules, pkg), { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.d.ts')))
        for (const m of readFileSync(join(nodeModules, pkg, f), 'utf8').matchAll(/^\s+"?description"?\??:\s*([^;]+);/gm)) declared.set(m[1]!, (declared.get(m[1]!) ?? 0) + 1);
    assert.deepEqual([...declared.keys()], ['string'], JSON.stringify([...declared]));
    assert.ok(declared.get('string')! >= 16, `${declared.get('string')} declarations`);
  });

  it('is an error at its path, in a built-in kind and in a CRD\'s schema, as the API server refuses to decode it', async () => {
    const validator = await SchemaValidator.create(await loadFieldTree(), ['scheduling.k8s.io/v1/PriorityClass', 'apiextensions.k8s.io/v1/CustomResourceDefinition']);
    const brief = (o: object) => validator.validate(o).map((i) => [i.path.join('.'), i.message, i.hint ?? null]);
    const quote = 'quote the value as written, so YAML reads a string';
    assert.deepEqual(brief({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000, description: 5 }), [['description', 'must be string', quote]]);
    assert.deepEqual(brief({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000, description: 'five' }), []);
    const crd = (properties: object) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'pools.example.com' },
      spec: { group: 'example.com', names: { kind: 'Pool', plural: 'pools' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', description: 'fine', properties } } }] },
    });
    assert.deepEqual(brief(crd({ size: { type: 'integer', description: true }, ok: { type: 'string', description: null } })), [['spec.versions.0.schema.openAPIV3Schema.properties.size.description', 'must be string', quote]]);
    assert.deepEqual(brief(crd({ docs: { type: 'string', externalDocs: { description: 1, url: 'https://x' } } })), [['spec.versions.0.schema.openAPIV3Schema.properties.docs.externalDocs.description', 'must be string', quote]]);
    assert.deepEqual(brief(crd({ size: { type: 'integer', description: 'a size' } })), []);
  });
});

describe('a CustomResourceDefinition whose schemas are clean in one version and not in others', () => {
  it('has the findings of the versions that are not, at their paths', async () => {
    const validator = await SchemaValidator.create(await loadFieldTree(), ['apiextensions.k8s.io/v1/CustomResourceDefinition']);
    const version = (name: string, openAPIV3Schema: unknown) => ({ name, served: true, storage: name === 'v1', schema: { openAPIV3Schema } });
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'pools.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Pool', plural: 'pools' },
        scope: 'Namespaced',
        versions: [
          version('v1', { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', minimum: 1 } } } } }),
          version('v1beta2', { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', minimum: '1', descripton: 'x' } }, required: ['size', 2] } } }),
          version('v1beta1', { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-validations': [{ rule: 'true', mesage: 'x' }] } } }),
        ],
      },
    };
    const at = 'spec.versions';
    assert.deepEqual(
      validator.validate(crd).map((i) => [i.path.join('.'), i.message]),
      [
        [`${at}.1.schema.openAPIV3Schema.properties.spec.properties.size.minimum`, 'must be number'],
        [`${at}.1.schema.openAPIV3Schema.properties.spec.required.1`, 'must be string'],
        [`${at}.1.schema.openAPIV3Schema.properties.spec.properties.size.descripton`, 'unknown field "descripton"'],
        [`${at}.2.schema.openAPIV3Schema.properties.spec.x-kubernetes-validations.0.mesage`, 'unknown field "mesage"'],
      ],
    );
  });
});
