// CustomResourceDefinition validation against the rows of kubernetes/kubernetes
// staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation/validation_test.go
// TestValidateCustomResourceDefinition (same row names) that concern the spec, names, versions and conversion rules
// ported in policies/apiserver/apiextensions.ts. Upstream's rows are written on the internal type; here each is the
// v1 object that converts to it (the top-level `validation` becomes each version's `schema`, `webhookClientConfig`
// becomes `webhook.clientConfig`), and the internal-only `spec.version` and status rows are left out. Expected
// errors are upstream's (type and path), except where a comment says where we put an error for a line to name.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidateCustomResourceDefinition, ValidateWebhookURL } from '../../../policies/apiserver/apiextensions.ts';
import { realCrds } from '../../helpers/real-crds.ts';

type Row = { readonly name: string; readonly crd: Record<string, any>; readonly errors: readonly (readonly [string, string])[] };

const schema = { openAPIV3Schema: { type: 'object' } };
const v = (name: string, storage: boolean, extra: Record<string, any> = {}) => ({ name, served: true, storage, schema, ...extra });
/** The valid CRD upstream's rows start from: plural.group.com, Cluster, plural/singular/Plural/PluralList. */
const crd = (spec: Record<string, any> = {}, name = 'plural.group.com', metadata: Record<string, any> = {}) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name, ...metadata },
  spec: {
    group: 'group.com',
    scope: 'Cluster',
    names: { plural: 'plural', singular: 'singular', kind: 'Plural', listKind: 'PluralList' },
    versions: [v('version', true), v('version2', false)],
    ...spec,
  },
});
const webhook = (clientConfig: Record<string, any>, conversionReviewVersions: string[] = ['v1']) => ({ conversion: { strategy: 'Webhook', webhook: { clientConfig, conversionReviewVersions } } });

const rows: readonly Row[] = [
  { name: 'a valid CRD (upstream: "webhook conversion with preserveUnknownFields=false, conversionReviewVersions=[v1]")', crd: crd(webhook({ url: 'https://example.com/webhook' })), errors: [] },
  { name: 'webhookconfig: invalid port 0', crd: crd(webhook({ service: { name: 'n', namespace: 'ns', port: 0 } })), errors: [['Invalid value', 'spec.conversion.webhook.clientConfig.service.port']] },
  { name: 'webhookconfig: invalid port 65536', crd: crd(webhook({ service: { name: 'n', namespace: 'ns', port: 65536 } })), errors: [['Invalid value', 'spec.conversion.webhook.clientConfig.service.port']] },
  { name: 'webhookconfig: both service and URL provided', crd: crd(webhook({ url: 'https://example.com/webhook', service: { name: 'n', namespace: 'ns' } })), errors: [['Required value', 'spec.conversion.webhook.clientConfig']] },
  { name: 'webhookconfig: blank URL', crd: crd(webhook({ url: '' })), errors: [['Invalid value', 'spec.conversion.webhook.clientConfig.url'], ['Invalid value', 'spec.conversion.webhook.clientConfig.url']] },
  { name: 'webhookconfig_should_not_be_set', crd: crd({ conversion: { strategy: 'None', webhook: { clientConfig: { url: 'https://example.com/webhook' } } } }), errors: [['Forbidden', 'spec.conversion.webhook.clientConfig']] },
  { name: 'ConversionReviewVersions_should_not_be_set', crd: crd({ conversion: { strategy: 'None', webhook: { conversionReviewVersions: ['v1beta1'] } } }), errors: [['Forbidden', 'spec.conversion.webhook.conversionReviewVersions']] },
  { name: 'webhookconfig: invalid ConversionReviewVersion', crd: crd(webhook({ url: 'https://example.com/webhook' }, ['invalid-version'])), errors: [['Invalid value', 'spec.conversion.webhook.conversionReviewVersions']] },
  {
    name: 'webhookconfig: invalid ConversionReviewVersion version string',
    crd: crd(webhook({ url: 'https://example.com/webhook' }, ['0v'])),
    errors: [['Invalid value', 'spec.conversion.webhook.conversionReviewVersions[0]'], ['Invalid value', 'spec.conversion.webhook.conversionReviewVersions']],
  },
  { name: 'webhookconfig: at least one valid ConversionReviewVersion', crd: crd(webhook({ url: 'https://example.com/webhook' }, ['invalid-version', 'v1beta1'])), errors: [] },
  { name: 'webhookconfig: duplicate ConversionReviewVersion', crd: crd(webhook({ url: 'https://example.com/webhook' }, ['v1beta1', 'v1beta1'])), errors: [['Invalid value', 'spec.conversion.webhook.conversionReviewVersions[1]']] },
  { name: 'invalid_conversion_strategy ("non_existing_conversion")', crd: crd({ conversion: { strategy: 'non_existing_conversion' } }), errors: [['Unsupported value', 'spec.conversion.strategy']] },
  { name: 'none conversion without preserveUnknownFields=false', crd: crd({ conversion: { strategy: 'None' } }), errors: [] },
  { name: 'no_storage_version', crd: crd({ versions: [v('version', false), v('version2', false)] }), errors: [['Invalid value', 'spec.versions']] },
  // upstream: Invalid spec.versions (and status.storedVersions, which the registry fills on create); put on the first
  // storage flag, judged against the others (validate moves it to the one an overlay set)
  { name: 'multiple_storage_version', crd: crd({ versions: [v('version', true), v('version2', true)] }), errors: [['Invalid value', 'spec.versions[0].storage']] },
  {
    // upstream's row also expects Required names.singular and names.listKind: v1 defaults them from kind, which is
    // itself reported missing
    name: 'mismatched name',
    crd: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'plural.not.group.com' }, spec: { group: 'group.com', names: { plural: 'plural' } } },
    errors: [['Invalid value', 'metadata.name'], ['Invalid value', 'spec.versions'], ['Required value', 'spec.scope'], ['Required value', 'spec.names.kind']],
  },
  {
    name: 'missing values',
    crd: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'plural.group.com' } },
    errors: [['Invalid value', 'metadata.name'], ['Required value', 'spec.group'], ['Required value', 'spec.scope'], ['Invalid value', 'spec.versions'], ['Required value', 'spec.names.plural'], ['Required value', 'spec.names.kind']],
  },
  {
    name: 'bad names 01',
    crd: {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'plural.group' },
      spec: { group: 'group', scope: 'foo', names: { plural: 'pl()*ural', singular: 'value()*a', kind: 'value()*a', listKind: 'value()*a' } },
    },
    errors: [
      ['Invalid value', 'metadata.name'], ['Invalid value', 'spec.group'], ['Unsupported value', 'spec.scope'], ['Invalid value', 'spec.versions'],
      ['Invalid value', 'spec.names.plural'], ['Invalid value', 'spec.names.singular'], ['Invalid value', 'spec.names.kind'],
      ['Invalid value', 'spec.names.listKind'], ['Invalid value', 'spec.names.listKind'],
    ],
  },
  {
    name: 'bad names 02',
    crd: (() => {
      const o = crd({ group: 'group.c(*&om', versions: [v('version', true)], names: { plural: 'plural', singular: 'singular', kind: 'matching', listKind: 'matching' } }, 'plural.group');
      delete (o.spec as Record<string, unknown>).scope;
      return o;
    })(),
    errors: [['Invalid value', 'metadata.name'], ['Invalid value', 'spec.group'], ['Required value', 'spec.scope'], ['Invalid value', 'spec.names.listKind']],
  },
];

describe('apiextensions validation_test.go TestValidateCustomResourceDefinition', () => {
  for (const r of rows)
    test(r.name, () => {
      const got = ValidateCustomResourceDefinition(r.crd).map((e) => [e.type, e.path]);
      assert.deepEqual(got.slice().sort(), r.errors.map((e) => [...e]).sort(), JSON.stringify(ValidateCustomResourceDefinition(r.crd), null, 1));
    });
});

describe('validateCustomResourceDefinitionSpec: what an author writes', () => {
  const only = (o: Record<string, any>) => ValidateCustomResourceDefinition(o).map((e) => `${e.path}: ${e.type}: ${e.detail}`);
  test('scope: Namespace is refused, and the fix names Namespaced', () => {
    const errs = ValidateCustomResourceDefinition(crd({ scope: 'Namespace' }));
    assert.deepEqual(errs.map((e) => [e.path, e.type, e.detail]), [['spec.scope', 'Unsupported value', 'supported values: "Cluster", "Namespaced"']]);
    assert.equal(errs[0]!.hint, 'write Namespaced');
  });
  test('Namespaced and Cluster are accepted', () => {
    assert.deepEqual(only(crd({ scope: 'Namespaced' })), []);
    assert.deepEqual(only(crd({ scope: 'Cluster' })), []);
  });
  test('upper-case plural and singular are refused (DNS-1035 labels), a mixed-case kind is not', () => {
    assert.deepEqual(
      ValidateCustomResourceDefinition(crd({ names: { plural: 'Widgets', singular: 'Widget', kind: 'Widget' } }, 'Widgets.group.com')).map((e) => e.path),
      ['spec.names.plural', 'spec.names.singular'],
    );
  });
  test('a group without a dot is refused', () => assert.deepEqual(only(crd({ group: 'widgets' }, 'plural.widgets')), ['spec.group: Invalid value: should be a domain with at least one dot']));
  test('a duplicate version name is refused at the second entry', () => assert.deepEqual(only(crd({ versions: [v('v1', true), v('v1', false)] })), ['spec.versions[1].name: Invalid value: must contain unique version names']));
  test('three storage versions are one finding at the first, judged against the others, its fix naming every one', () => {
    const errs = ValidateCustomResourceDefinition(crd({ versions: [v('v1alpha1', false), v('v1beta1', true), v('v1', true), v('v2', true)] }));
    assert.equal(errs.length, 1);
    const [e] = errs;
    assert.equal(e!.path, 'spec.versions[1].storage');
    assert.equal(e!.detail, 'must have exactly one version marked as storage version');
    assert.deepEqual(e!.against, [
      { path: 'spec.versions[2].storage', oneOf: [false, undefined] },
      { path: 'spec.versions[3].storage', oneOf: [false, undefined] },
    ]);
    assert.match(e!.hint!, /versions v1beta1 \(spec\.versions\[1\]\), v1 \(spec\.versions\[2\]\) and v2 \(spec\.versions\[3\]\) are all storage: true/);
  });
  test('a version name that is not a DNS-1035 label is refused', () => assert.deepEqual(ValidateCustomResourceDefinition(crd({ versions: [v('1.0', true)] })).map((e) => e.path), ['spec.versions[0].name']));
  test('a version without a schema is refused (schemas are required on create)', () =>
    assert.deepEqual(only(crd({ versions: [v('version', true), { name: 'version2', served: true, storage: false }] })), ['spec.versions[1].schema.openAPIV3Schema: Required value: schemas are required']));
  test('preserveUnknownFields: true is refused (validatePreserveUnknownFields)', () => assert.deepEqual(ValidateCustomResourceDefinition(crd({ preserveUnknownFields: true })).map((e) => e.path), ['spec.preserveUnknownFields']));
  test('a deprecation warning on a version that is not deprecated is refused', () =>
    assert.deepEqual(ValidateCustomResourceDefinition(crd({ versions: [v('version', true, { deprecationWarning: 'old' })] })).map((e) => e.path), ['spec.versions[0].deprecationWarning']));
  test('printer columns: an unknown type, an unknown format, a jsonPath without its leading dot (ValidateCustomResourceColumnDefinition)', () =>
    assert.deepEqual(
      ValidateCustomResourceDefinition(crd({ versions: [v('version', true, { additionalPrinterColumns: [{ name: 'Age', type: 'str', format: 'int', jsonPath: 'spec.age' }] })] })).map((e) => e.path),
      ['spec.versions[0].additionalPrinterColumns[0].type', 'spec.versions[0].additionalPrinterColumns[0].format', 'spec.versions[0].additionalPrinterColumns[0].jsonPath'],
    ));
  test('scale subresource paths under .spec and .status (ValidateCustomResourceDefinitionSubresources)', () => {
    const scale = (s: Record<string, any>) => crd({ versions: [v('version', true, { subresources: { scale: s } })] });
    assert.deepEqual(only(scale({ specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' })), []);
    assert.deepEqual(ValidateCustomResourceDefinition(scale({ specReplicasPath: '.status.replicas', statusReplicasPath: 'status.replicas' })).map((e) => e.path), [
      'spec.versions[0].subresources.scale.specReplicasPath',
      'spec.versions[0].subresources.scale.statusReplicasPath',
    ]);
  });
  test('with the status subresource the root schema is an object holding only the allowed fields', () => {
    const root = (s: Record<string, any>) => crd({ versions: [v('version', true, { subresources: { status: {} }, schema: { openAPIV3Schema: s } })] });
    assert.deepEqual(only(root({ type: 'object', properties: { spec: { type: 'object' } }, 'x-kubernetes-preserve-unknown-fields': true })), []);
    // the structural-schema rules (lib/structural.ts) refuse an array at the root too, and one without items
    assert.deepEqual(ValidateCustomResourceDefinition(root({ type: 'array' })).map((e) => e.path), [
      'spec.versions[0].schema.openAPIV3Schema.type',
      'spec.versions[0].schema.openAPIV3Schema.items',
      'spec.versions[0].schema.openAPIV3Schema.type',
    ]);
    // and additionalProperties at the root (ValidateStructural: "must not be used at the root")
    assert.deepEqual(ValidateCustomResourceDefinition(root({ type: 'object', additionalProperties: { type: 'string' } })).map((e) => e.path), [
      'spec.versions[0].schema.openAPIV3Schema.additionalProperties',
      'spec.versions[0].schema.openAPIV3Schema.additionalProperties',
    ]);
  });
  test('a group under k8s.io needs the api-approved.kubernetes.io annotation (validateAPIApproval, GetAPIApprovalState)', () => {
    const k8s = (annotations?: Record<string, string>) => crd({ group: 'widgets.k8s.io' }, 'plural.widgets.k8s.io', annotations ? { annotations } : {});
    assert.deepEqual(ValidateCustomResourceDefinition(k8s()).map((e) => [e.type, e.path]), [['Required value', 'metadata.annotations["api-approved.kubernetes.io"]']]);
    assert.deepEqual(only(k8s({ 'api-approved.kubernetes.io': 'https://github.com/kubernetes/kubernetes/pull/78458' })), []);
    assert.deepEqual(only(k8s({ 'api-approved.kubernetes.io': 'unapproved, experimental-only' })), []);
    assert.deepEqual(ValidateCustomResourceDefinition(k8s({ 'api-approved.kubernetes.io': 'yes' })).map((e) => e.type), ['Invalid value']);
  });
});

describe('k8s.io/apiserver pkg/util/webhook ValidateWebhookURL', () => {
  const details = (u: string) => ValidateWebhookURL(u, 'url').map((e) => e.detail.replace('; desired format: https://host[/path]', ''));
  test('https with a host passes', () => assert.deepEqual(details('https://example.com/webhook'), []));
  test('http is refused', () => assert.deepEqual(details('http://example.com/webhook'), ["'https' is the only allowed URL scheme"]));
  test('user, fragment and query are refused', () =>
    assert.deepEqual(details('https://u:p@example.com/w?x=1#f'), ['user information is not permitted in the URL', 'fragments are not permitted in the URL', 'query parameters are not permitted in the URL']));
  test('a path without a host is refused', () => assert.deepEqual(details('https:/webhook'), ['host must be specified']));
});

describe('no false alarm on real CustomResourceDefinitions', () => {
  const crds = realCrds();
  test('the vendored and corpus CRDs are found', () => assert.ok(crds.length >= 60, `only ${crds.length} CRDs`));
  test('each passes', () => assert.deepEqual(crds.flatMap(({ file, o }) => ValidateCustomResourceDefinition(o).map((e) => `${file} ${o.metadata?.name}: ${e.path}: ${e.detail}`)), []));
});
