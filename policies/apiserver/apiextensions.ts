// Rules of kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation/validation.go
// (Kubernetes 1.31): what the API server refuses in a CustomResourceDefinition on create — its name, group, scope,
// names, versions, conversion, printer columns, subresources and the API-approval annotation; each version's schema
// (ValidateCustomResourceDefinitionOpenAPISchema, structuralschema.ValidateStructural) in lib/structural.ts. Not
// ported: defaults checked against the schema, CEL rule compilation and cost, selectableFields, and status (the
// registry fills it on create).
// The object is the v1 one as written: fields v1 defaulting fills (names.singular, names.listKind,
// conversion.strategy, preserveUnknownFields) are only checked when set.
import { closest } from '../../kube/closest.ts';
import { arr, at, forbidden, has, invalid, isObj, notSupported, required, str, type Errs } from './lib/field.ts';
import { IsDNS1035Label, IsDNS1123Subdomain, IsValidPortNum } from './lib/validation.ts';
import { validateStructuralSchema } from './lib/structural.ts';

const scopes = ['Cluster', 'Namespaced'];
const strategies = ['None', 'Webhook'];
// validation.go printerColumnDatatypes, customResourceColumnDefinitionFormats (sets.NewString: sorted when printed)
const printerColumnDatatypes = ['boolean', 'date', 'integer', 'number', 'string'];
const columnFormats = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
// acceptedConversionReviewVersions: the ConversionReview versions the API server understands
const acceptedConversionReviewVersions = ['v1', 'v1beta1'];
// allowedFieldsAtRootSchema, as the JSON names of JSONSchemaProps' fields
const allowedAtRootWithStatus = new Set([
  'description', 'type', 'format', 'title', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern',
  'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'required', 'items', 'properties', 'externalDocs', 'example',
  'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-validations',
]);
const approvalAnnotation = 'api-approved.kubernetes.io';

const dns1035 = (path: string, value: string, fn: string, prefix = ''): Errs => {
  const errs = IsDNS1035Label(value);
  return errs.length ? [invalid(path, value, prefix + errs.join(','), fn)] : [];
};

/** ValidateCustomResourceDefinition (create): the name rule, the spec, the API-approval and preserveUnknownFields rules. */
export function ValidateCustomResourceDefinition(o: Record<string, any>): Errs {
  const spec = isObj(o.spec) ? o.spec : {};
  const names = isObj(spec.names) ? spec.names : {};
  const out: Errs = [];
  // nameValidationFn: NameIsDNSSubdomain (apiserver/object-meta reports that part) and `<plural>.<group>`
  const name = str(o.metadata?.name);
  const wanted = `${str(names.plural)}.${str(spec.group)}`;
  // A plural or group the API server refuses for its case is its own finding, whose fix (lower case) makes the name
  // match again: the name is not a second finding (upstream reports both), and `wanted` would not be a valid name.
  const lowered = wanted.toLowerCase();
  const caseOnly = wanted !== lowered && name === lowered;
  if (name && name !== wanted && !caseOnly)
    out.push({
      ...invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group', 'ValidateCustomResourceDefinition', `name the CustomResourceDefinition ${wanted}`),
      summary: `a CustomResourceDefinition of ${wanted} must be named ${JSON.stringify(wanted)}`,
    });
  out.push(...validateCustomResourceDefinitionSpec(spec, 'spec'));
  out.push(...validateAPIApproval(spec, o.metadata?.annotations));
  // validatePreserveUnknownFields
  if (spec.preserveUnknownFields === true)
    out.push(invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead', 'validatePreserveUnknownFields', 'remove spec.preserveUnknownFields and set x-kubernetes-preserve-unknown-fields: true in the schema where unknown fields are kept'));
  return out;
}

const namesOf = (spec: Record<string, any>): Record<string, any> => (isObj(spec.names) ? spec.names : {});

/** validateCustomResourceDefinitionSpec */
export function validateCustomResourceDefinitionSpec(spec: Record<string, any>, path: string): Errs {
  const fn = 'validateCustomResourceDefinitionSpec';
  const out: Errs = [];
  const group = str(spec.group);
  if (!group) out.push(required(at(path, 'group'), '', fn));
  else if (IsDNS1123Subdomain(group).length)
    out.push(invalid(at(path, 'group'), group, IsDNS1123Subdomain(group).join(','), fn, IsDNS1123Subdomain(group.toLowerCase()).length ? undefined : `the group is lower case (${group.toLowerCase()})`));
  else if (group.split('.').length < 2) out.push(invalid(at(path, 'group'), group, 'should be a domain with at least one dot', fn, `a CRD's group is a DNS domain with a dot (${group}.example.com); the name then is <plural>.<group>`));

  // validateEnumStrings(scope, required)
  const scope = str(spec.scope);
  if (!scope) out.push(required(at(path, 'scope'), '', fn, 'set scope: Namespaced or Cluster'));
  else if (!scopes.includes(scope)) out.push(notSupported(at(path, 'scope'), scope, scopes, fn, `write ${closest(scope, scopes) ?? 'Namespaced'}`));

  const versions = arr(spec.versions);
  const vpath = at(path, 'versions');
  const seen = new Set<string>();
  const storage: number[] = [];
  versions.forEach((v: any, i: number) => {
    const p = at(vpath, i);
    const vname = str(v?.name);
    if (v?.storage === true) storage.push(i);
    // upstream reports one "must contain unique version names" at spec.versions; each repeat is put on its own name
    // here, so the finding has the line of the second entry
    if (seen.has(vname)) out.push({ ...invalid(at(p, 'name'), vname, 'must contain unique version names', fn, `version ${vname} is listed twice: remove or rename one`), summary: 'spec.versions must contain unique version names' });
    seen.add(vname);
    out.push(...dns1035(at(p, 'name'), vname, fn));
    // requireOpenAPISchema (always on create): every version has a schema
    if (!isObj(v?.schema?.openAPIV3Schema)) out.push(required(at(at(p, 'schema'), 'openAPIV3Schema'), 'schemas are required', fn, 'give the version a schema.openAPIV3Schema (type: object, with x-kubernetes-preserve-unknown-fields: true if it is free-form)'));
    out.push(...validateCustomResourceDefinitionVersion(v ?? {}, p));
  });
  // "must have exactly one version marked as storage version": upstream's path is spec.versions. Several storage
  // versions are one finding at the first one's storage field, judged against the others' (false or absent in
  // the CRD as generated or vendored): when the first is the generator's, validate moves the finding to the overlay line that
  // set another one (blame.ts fromAgainst). Without that history (files mode) the hint names every one.
  if (storage.length === 0)
    out.push(invalid(vpath, undefined, 'must have exactly one version marked as storage version', fn, 'mark one version storage: true'));
  else if (storage.length > 1) {
    const named = storage.map((i) => `${str(versions[i]?.name)} (${at(vpath, i)})`);
    out.push({
      ...invalid(at(at(vpath, storage[0]!), 'storage'), true, 'must have exactly one version marked as storage version', fn, `versions ${named.slice(0, -1).join(', ')} and ${named.at(-1)} are ${storage.length > 2 ? 'all' : 'both'} storage: true: keep it on the version objects are stored as and set storage: false on the other${storage.length > 2 ? 's' : ''}`),
      summary: `spec.versions marks ${storage.length} versions storage: true`,
      against: storage.slice(1).map((i) => ({ path: at(at(vpath, i), 'storage'), oneOf: [false, undefined] })),
    });
  }

  // required names: singular and listKind are defaulted from kind (SetDefaults_CustomResourceDefinitionSpec)
  if (!str(namesOf(spec).plural)) out.push(required(at(at(path, 'names'), 'plural'), '', fn));
  if (!str(namesOf(spec).kind)) out.push(required(at(at(path, 'names'), 'kind'), '', fn));
  out.push(...ValidateCustomResourceDefinitionNames(namesOf(spec), at(path, 'names')));
  if (isObj(spec.conversion)) out.push(...validateCustomResourceConversion(spec.conversion, at(path, 'conversion'), spec.preserveUnknownFields === true));
  return out;
}

/** ValidateCustomResourceDefinitionNames */
export function ValidateCustomResourceDefinitionNames(n: Record<string, any>, path: string): Errs {
  const fn = 'ValidateCustomResourceDefinitionNames';
  const out: Errs = [];
  const plural = str(n.plural);
  const singular = str(n.singular);
  const kind = str(n.kind);
  const listKind = str(n.listKind);
  if (plural) out.push(...dns1035(at(path, 'plural'), plural, fn).map((e) => ({ ...e, hint: `names.plural is lower case (${plural.toLowerCase()})` })));
  if (singular) out.push(...dns1035(at(path, 'singular'), singular, fn).map((e) => ({ ...e, hint: `names.singular is lower case (${singular.toLowerCase()})` })));
  if (kind) out.push(...dns1035(at(path, 'kind'), kind.toLowerCase(), fn, 'may have mixed case, but should otherwise match: ').map((e) => ({ ...e, value: kind })));
  if (listKind) out.push(...dns1035(at(path, 'listKind'), listKind.toLowerCase(), fn, 'may have mixed case, but should otherwise match: ').map((e) => ({ ...e, value: listKind })));
  arr(n.shortNames).forEach((s: unknown, i: number) => out.push(...dns1035(at(at(path, 'shortNames'), i), str(s), fn)));
  if (kind && kind === listKind) out.push(invalid(at(path, 'listKind'), listKind, 'kind and listKind may not be the same', fn, `write listKind: ${kind}List (or leave it out: it defaults to that)`));
  arr(n.categories).forEach((c: unknown, i: number) => out.push(...dns1035(at(at(path, 'categories'), i), str(c), fn)));
  return out;
}

/** validateCustomResourceDefinitionVersion: deprecation warning, root schema with status, subresources, printer columns. */
function validateCustomResourceDefinitionVersion(v: Record<string, any>, path: string): Errs {
  const out: Errs = [];
  // validateDeprecationWarning
  if (has(v.deprecationWarning)) {
    const w = str(v.deprecationWarning);
    const p = at(path, 'deprecationWarning');
    if (v.deprecated !== true) out.push(invalid(p, w, 'can only be set for deprecated versions', 'validateDeprecationWarning', 'set deprecated: true, or remove the warning'));
    else {
      if (Buffer.byteLength(w, 'utf8') > 256) out.push(invalid(p, w, 'must be <= 256 characters long', 'validateDeprecationWarning'));
      if (w.length === 0) out.push(invalid(p, w, 'must not be an empty string', 'validateDeprecationWarning'));
    }
  }
  const schema = v.schema?.openAPIV3Schema;
  if (isObj(schema)) {
    out.push(...validateRootSchema(schema, at(at(path, 'schema'), 'openAPIV3Schema'), isObj(v.subresources) && has(v.subresources.status)));
    out.push(...validateStructuralSchema(schema, at(at(path, 'schema'), 'openAPIV3Schema')));
  }
  if (isObj(v.subresources)) out.push(...ValidateCustomResourceDefinitionSubresources(v.subresources, at(path, 'subresources')));
  arr(v.additionalPrinterColumns).forEach((c: any, i: number) => out.push(...ValidateCustomResourceColumnDefinition(isObj(c) ? c : {}, at(at(path, 'additionalPrinterColumns'), i))));
  return out;
}

/** validateCustomResourceDefinitionValidation, its root-level rules only (not the structural schema). */
function validateRootSchema(schema: Record<string, any>, path: string, statusEnabled: boolean): Errs {
  const fn = 'validateCustomResourceDefinitionValidation';
  const out: Errs = [];
  if (statusEnabled) {
    // "skip zero values": false, "", 0, empty lists and maps are not set
    const isZero = (x: unknown) => x === false || x === '' || x === 0 || x === null || (Array.isArray(x) && !x.length) || (isObj(x) && !Object.keys(x).length);
    for (const [k, x] of Object.entries(schema)) {
      if (isZero(x)) continue;
      if (k === 'type') {
        if (x !== 'object') { out.push(invalid(at(path, 'type'), x, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled', fn)); break; }
        continue;
      }
      if (!allowedAtRootWithStatus.has(k)) {
        out.push(invalid(at(path, k), undefined, `only [${[...allowedAtRootWithStatus].join(' ')}] fields are allowed at the root of the schema if the status subresource is enabled`, fn, `move ${k} under properties.spec (or drop it): with the status subresource the root schema is split into spec and status`));
        break;
      }
    }
  }
  if (schema.nullable === true) out.push(forbidden(at(path, 'nullable'), 'nullable cannot be true at the root', fn));
  return out;
}

/** validateSimpleJSONPath */
function validateSimpleJSONPath(s: string, path: string, fn: string): Errs {
  if (s.length === 0) return [invalid(path, s, 'must not be empty', fn)];
  if (s[0] !== '.') return [invalid(path, s, 'must be a simple json path starting with .', fn, `write .${s}`)];
  return [];
}

/** ValidateCustomResourceDefinitionSubresources: the scale subresource's paths. */
export function ValidateCustomResourceDefinitionSubresources(sub: Record<string, any>, path: string): Errs {
  const fn = 'ValidateCustomResourceDefinitionSubresources';
  if (!isObj(sub.scale)) return [];
  const out: Errs = [];
  const p = at(path, 'scale');
  const under = (field: string, prefixes: string[], what: string, req: boolean) => {
    const fp = at(p, field);
    const s = str(sub.scale[field]);
    if (!s) {
      if (req) out.push(required(fp, '', fn));
      return;
    }
    const errs = validateSimpleJSONPath(s, fp, fn);
    if (errs.length) out.push(...errs);
    else if (!prefixes.some((x) => s.startsWith(x))) out.push(invalid(fp, s, `should be a json path under ${what}`, fn));
  };
  under('specReplicasPath', ['.spec.'], '.spec', true);
  under('statusReplicasPath', ['.status.'], '.status', true);
  under('labelSelectorPath', ['.spec.', '.status.'], 'either .spec or .status', false);
  return out;
}

/** ValidateCustomResourceColumnDefinition (v1 spells JSONPath `jsonPath`). */
export function ValidateCustomResourceColumnDefinition(col: Record<string, any>, path: string): Errs {
  const fn = 'ValidateCustomResourceColumnDefinition';
  const out: Errs = [];
  if (!str(col.name)) out.push(required(at(path, 'name'), '', fn));
  const type = str(col.type);
  const oneOf = (set: string[]) => `must be one of ${set.join(',')}`;
  if (!type) out.push(required(at(path, 'type'), oneOf(printerColumnDatatypes), fn));
  else if (!printerColumnDatatypes.includes(type)) out.push(invalid(at(path, 'type'), type, oneOf(printerColumnDatatypes), fn, closest(type, printerColumnDatatypes) ? `write ${closest(type, printerColumnDatatypes)}` : undefined));
  const format = str(col.format);
  if (format && !columnFormats.includes(format)) out.push(invalid(at(path, 'format'), format, oneOf(columnFormats), fn));
  const jsonPath = str(col.jsonPath);
  if (!jsonPath) out.push(required(at(path, 'jsonPath'), '', fn));
  else out.push(...validateSimpleJSONPath(jsonPath, at(path, 'jsonPath'), fn));
  return out;
}

/**
 * validateCustomResourceConversion, on v1's layout (`webhook.clientConfig`, `webhook.conversionReviewVersions`, which
 * the API server converts to the internal `webhookClientConfig`, `conversionReviewVersions`).
 */
export function validateCustomResourceConversion(c: Record<string, any>, path: string, preserveUnknownFields: boolean): Errs {
  const fn = 'validateCustomResourceConversion';
  const out: Errs = [];
  const strategy = str(c.strategy);
  if (strategy && !strategies.includes(strategy)) out.push(notSupported(at(path, 'strategy'), strategy, strategies, fn, closest(strategy, strategies) ? `write ${closest(strategy, strategies)}` : undefined));
  if (strategy && strategy !== 'None' && preserveUnknownFields)
    out.push(invalid(at(path, 'strategy'), strategy, 'must be None if spec.preserveUnknownFields is true', 'validateCustomResourceDefinitionSpec'));
  const webhook = isObj(c.webhook) ? c.webhook : undefined;
  const wp = at(path, 'webhook');
  if (strategy === 'Webhook') {
    const cc = webhook?.clientConfig;
    if (!isObj(cc)) out.push(required(at(wp, 'clientConfig'), 'required when strategy is set to Webhook', fn));
    else if (has(cc.url) === has(cc.service)) out.push(required(at(wp, 'clientConfig'), 'exactly one of url or service is required', fn, 'give the webhook either a url or a service, not both'));
    else if (has(cc.url)) out.push(...ValidateWebhookURL(str(cc.url), at(at(wp, 'clientConfig'), 'url')));
    else if (isObj(cc.service)) out.push(...ValidateWebhookService(cc.service, at(at(wp, 'clientConfig'), 'service')));
    out.push(...validateConversionReviewVersions(arr(webhook?.conversionReviewVersions), at(wp, 'conversionReviewVersions')));
  } else if (webhook && strategy) {
    // v1 has one `webhook` block for both fields; upstream forbids each
    if (has(webhook.clientConfig)) out.push(forbidden(at(wp, 'clientConfig'), 'should not be set when strategy is not set to Webhook', fn));
    if (arr(webhook.conversionReviewVersions).length) out.push(forbidden(at(wp, 'conversionReviewVersions'), 'should not be set when strategy is not set to Webhook', fn));
  }
  return out;
}

/** validateConversionReviewVersions (requireRecognizedVersion: true on create) */
function validateConversionReviewVersions(versions: unknown[], path: string): Errs {
  const fn = 'validateConversionReviewVersions';
  if (!versions.length) return [required(path, '', fn, 'list conversionReviewVersions: [v1]')];
  const out: Errs = [];
  const seen = new Set<string>();
  let accepted = false;
  versions.forEach((x, i) => {
    const v = str(x);
    if (seen.has(v)) {
      out.push(invalid(at(path, i), v, 'duplicate version', fn));
      return;
    }
    seen.add(v);
    for (const e of IsDNS1035Label(v)) out.push(invalid(at(path, i), v, e, fn));
    if (acceptedConversionReviewVersions.includes(v)) accepted = true;
  });
  if (!accepted) out.push(invalid(path, undefined, `must include at least one of ${acceptedConversionReviewVersions.join(', ')}`, fn));
  return out;
}

/**
 * k8s.io/apiserver pkg/util/webhook/validation.go ValidateWebhookURL (forceHttps): https, a host, no user information,
 * fragment or query. The URL is split as Go's url.Parse splits it (scheme, then `//authority`, `?query`, `#fragment`);
 * a control character is the parse error.
 */
export function ValidateWebhookURL(u: string, path: string): Errs {
  const fn = 'ValidateWebhookURL';
  const form = '; desired format: https://host[/path]';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(u)) return [required(path, `url must be a valid URL: net/url: invalid control character in URL${form}`, fn)];
  let rest = u;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) [rest, fragment] = [rest.slice(0, hash), rest.slice(hash + 1)];
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  const scheme = m ? m[1]!.toLowerCase() : '';
  if (m) rest = rest.slice(m[0].length);
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) [rest, query] = [rest.slice(0, q), rest.slice(q + 1)];
  let host = '';
  let user: string | undefined;
  if (rest.startsWith('//')) {
    const authority = rest.slice(2).split('/')[0]!;
    const atSign = authority.lastIndexOf('@');
    if (atSign >= 0) user = authority.slice(0, atSign);
    host = authority.slice(atSign + 1);
  }
  const out: Errs = [];
  if (scheme !== 'https') out.push(invalid(path, scheme, `'https' is the only allowed URL scheme${form}`, fn, 'the API server calls conversion webhooks over https only'));
  if (!host) out.push(invalid(path, host, `host must be specified${form}`, fn));
  if (user !== undefined) out.push(invalid(path, user, 'user information is not permitted in the URL', fn));
  if (fragment) out.push(invalid(path, fragment, 'fragments are not permitted in the URL', fn));
  if (query) out.push(invalid(path, query, 'query parameters are not permitted in the URL', fn));
  return out;
}

/** k8s.io/apiserver pkg/util/webhook/validation.go ValidateWebhookService (port defaults to 443 in v1: checked when set). */
export function ValidateWebhookService(s: Record<string, any>, path: string): Errs {
  const fn = 'ValidateWebhookService';
  const out: Errs = [];
  if (!str(s.name)) out.push(required(at(path, 'name'), '', fn));
  if (!str(s.namespace)) out.push(required(at(path, 'namespace'), '', fn));
  if (has(s.port) && IsValidPortNum(Number(s.port)).length) out.push(invalid(at(path, 'port'), s.port, 'port is not valid: ' + IsValidPortNum(Number(s.port)).join(', '), fn));
  const urlPath = has(s.path) ? str(s.path) : '';
  if (urlPath === '' || urlPath === '/') return out;
  const pp = at(path, 'path');
  if (urlPath === '//') return [...out, invalid(pp, urlPath, 'segment[0] may not be empty', fn)];
  if (!urlPath.startsWith('/')) out.push(invalid(pp, urlPath, "must start with a '/'", fn));
  let check = urlPath.slice(1);
  if (check.endsWith('/')) check = check.slice(0, -1);
  check.split('/').forEach((step, i) => {
    if (!step) out.push(invalid(pp, urlPath, `segment[${i}] may not be empty`, fn));
    else for (const e of IsDNS1123Subdomain(step)) out.push(invalid(pp, urlPath, `segment[${i}]: ${e}`, fn));
  });
  return out;
}

/**
 * validateAPIApproval on create, with apihelpers IsProtectedCommunityGroup and GetAPIApprovalState: a group under
 * k8s.io or kubernetes.io needs the api-approved.kubernetes.io annotation, a URL (url.ParseRequestURI with a scheme
 * and a host: approximated by WHATWG URL parsing of an absolute URL without spaces) or a reason starting "unapproved".
 */
function validateAPIApproval(spec: Record<string, any>, annotations: unknown): Errs {
  const group = str(spec.group);
  const isProtected = group === 'k8s.io' || group.endsWith('.k8s.io') || group === 'kubernetes.io' || group.endsWith('.kubernetes.io');
  if (!isProtected) return [];
  const path = at('metadata.annotations', approvalAnnotation);
  const value = isObj(annotations) ? str(annotations[approvalAnnotation]) : '';
  const fn = 'validateAPIApproval';
  if (!value) return [required(path, `protected groups must have approval annotation "${approvalAnnotation}", see https://github.com/kubernetes/enhancements/pull/1111`, fn, `a group under k8s.io or kubernetes.io is reserved for Kubernetes APIs: use a domain of your own for ${group}`)];
  if (value.startsWith('unapproved')) return [];
  let approved = false;
  if (!/\s/.test(value))
    try {
      const u = new URL(value);
      approved = !!u.host && !!u.protocol;
    } catch {
      approved = false;
    }
  return approved ? [] : [invalid(path, value, `protected groups must have approval annotation "${approvalAnnotation}" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111`, fn)];
}

