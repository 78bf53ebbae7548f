// Strict schema validation of one object. A custom resource whose CRD validate has (vendored under vendor/crds, given
// with --crd, or found in the validated files) is checked against that CRD (policies/lib/crd-schema.ts: structural
// schema and CEL rules, as the API server does); any other kind against kubernetes-models' compiled schemas (types,
// required fields, formats such as quantities) plus the known-field tree (unknown fields); plus unknown and removed
// apiVersion/kind.
import { closest, removalFor, valueAt } from '../../../kube/index.ts';
import { fixFor, type FixFacts } from '../../../kube/value-fix.ts';
import { validateCustomResource, vendoredCrds, type CrdRegistry, type CrdVersion } from '../../../policies/lib/crd-schema.ts';
import { isGoBase64 } from '../../../policies/lib/crd-formats.ts';
import type { FieldNode, FieldTree, KindEntry, NodeId } from './field-tree.ts';
import { loadSchemaModule, schemaModules } from './schema-bundle.ts';
import { defaultKubernetesVersion } from './usage.ts';

export type PathSegment = string | number;

export interface SchemaIssue extends FixFacts {
  readonly path: PathSegment[];
  readonly message: string;
  readonly hint?: string;
  /** 'warning': could not be checked (a kind skipped for lack of a schema, an unsupported CEL function). */
  readonly severity?: 'warning';
  /** A misspelt required field: the path of the field it stands for (which the API server finds missing). */
  readonly standsFor?: PathSegment[];
  /** A field indented one level too little: the path of the sibling it belongs under. */
  readonly belongsUnder?: PathSegment[];
  // What the problem is, as data: FixFacts for fixFor to word the fix (the same for a built-in kind's field and a
  // CRD's), and `missing` for misspeltRequired to fold a misspelt required field's two issues into one.
  /** A required field that is not there: its name. */
  readonly missing?: string;
}

/** Which kinds are checked against what (the CLI's --crd, --skip-kind, --ignore-missing-schemas). */
export interface SchemaSources {
  /** CRDs: the vendored ones plus --crd files and CRDs found in the validated input. @default vendoredCrds() */
  readonly crds?: CrdRegistry;
  /** Kinds not validated at all (kubeconform -skip). */
  readonly skipKinds?: ReadonlySet<string>;
  /** A kind with no schema is a warning instead of an error (kubeconform -ignore-missing-schemas). */
  readonly ignoreMissingSchemas?: boolean;
  /** Repository mode: --crd and --skip-kind are refused there; a CRD comes from vendor/crds or an overlay's render. */
  readonly repository?: boolean;
}

interface Resolved {
  /** `apiVersion/Kind` */
  readonly key: string;
  readonly crd: CrdVersion | undefined;
  readonly entry: KindEntry | undefined;
}

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, any>;
  message?: string;
}
type CompiledValidate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

// (usage.ts holds it: files mode's first modules load before this one)
export { defaultKubernetesVersion };

export class SchemaValidator {
  private readonly compiled = new Map<string, CompiledValidate>();

  private readonly crds: CrdRegistry;

  /** apiVersion → kind → what validate checks it against, for the registry's `changes` it was looked up at. */
  private readonly resolved = new Map<string, Map<string, Resolved>>();
  private resolvedAt = -1;

  /** The tree's keys by kind and by apiVersion, for typo (built on the first unknown kind). */
  private byKind?: Map<string, string[]>;
  private byApiVersion?: Map<string, string[]>;

  /** The tree node unknownFields checks a CustomResourceDefinition's openAPIV3Schema against. */
  private schemaNode?: NodeId;
  /** where a kind's compiled schema module is imported from (schema-bundle.ts) */
  private readonly moduleOf = schemaModules();

  private constructor(
    private readonly tree: FieldTree,
    private readonly sources: SchemaSources,
  ) {
    this.crds = sources.crds ?? vendoredCrds();
  }

  /** Loads the compiled schemas of the kinds it will meet (all of them when `kinds` is omitted). */
  static async create(tree: FieldTree, kinds?: Iterable<string>, sources: SchemaSources = {}): Promise<SchemaValidator> {
    const v = new SchemaValidator(tree, sources);
    await v.prepare(kinds ?? Object.keys(tree.kinds));
    return v;
  }

  /**
   * Could a CRD serve one of these `apiVersion/Kind` keys? Not a kind of the core group, nor one of kubernetes-models'
   * own (the API server serves those itself: crdOf).
   */
  mayBeCustom(kinds: readonly string[]): boolean {
    return kinds.some((key) => {
      const cut = key.lastIndexOf('/');
      return key.slice(0, cut).includes('/') && !this.tree.kinds[key]?.model.startsWith('kubernetes-models/');
    });
  }

  /** Does prepare() have a schema module to import for one of these keys? (Once a file's kinds are loaded, none: no await.) */
  unprepared(kinds: readonly string[]): boolean {
    return kinds.some((k) => this.needs(k));
  }

  private needs(key: string): boolean {
    return !!this.tree.kinds[key] && !this.compiled.has(key) && !this.crdFor(key);
  }

  /** Load the compiled schema modules for these `apiVersion/Kind` keys (unknown keys, and kinds a CRD serves, are ignored). */
  async prepare(kinds: Iterable<string>): Promise<void> {
    const todo = [...new Set(kinds)].filter((k) => this.needs(k));
    await Promise.all(
      todo.map(async (k) => {
        const file = this.tree.kinds[k]!.schema;
        this.compiled.set(k, (await loadSchemaModule(this.moduleOf(file), file)) as CompiledValidate);
      }),
    );
  }

  private crdFor(key: string) {
    const cut = key.lastIndexOf('/');
    return this.crdOf(key.slice(0, cut), key.slice(cut + 1));
  }

  /** Built-in kinds (kubernetes-models itself) are served by the API server, never by a CRD: no need to look. */
  private crdOf(apiVersion: string, kind: string) {
    if (this.tree.kinds[`${apiVersion}/${kind}`]?.model.startsWith('kubernetes-models/')) return undefined;
    return this.crds.lookup(apiVersion, kind);
  }

  /** crdOf and the tree's entry, looked up once per apiVersion and kind (again once the registry has changed). */
  private resolve(apiVersion: string, kind: string): Resolved {
    if (this.resolvedAt !== this.crds.changes) {
      this.resolved.clear();
      this.resolvedAt = this.crds.changes;
    }
    let kinds = this.resolved.get(apiVersion);
    if (!kinds) this.resolved.set(apiVersion, (kinds = new Map()));
    let r = kinds.get(kind);
    if (!r) {
      const key = `${apiVersion}/${kind}`;
      const crd = this.crdOf(apiVersion, kind);
      r = { key, crd, entry: this.tree.kinds[key] };
      if (this.resolvedAt !== this.crds.changes) {
        // the lookup read vendored CRD files: what was looked up before is looked up again
        this.resolved.clear();
        this.resolvedAt = this.crds.changes;
        this.resolved.set(apiVersion, (kinds = new Map()));
      }
      kinds.set(kind, r);
    }
    return r;
  }

  knows(apiVersion: string, kind: string): boolean {
    return `${apiVersion}/${kind}` in this.tree.kinds || !!this.crdOf(apiVersion, kind);
  }

  validate(obj: unknown, kubernetesVersion = defaultKubernetesVersion): SchemaIssue[] {
    if (!obj || typeof obj !== 'object' || Array.isArray(obj))
      return [{ path: [], message: 'a Kubernetes object must be a YAML mapping' }];
    const o = obj as Record<string, unknown>;
    const issues: SchemaIssue[] = [];
    if (typeof o.apiVersion !== 'string' || !o.apiVersion) issues.push({ path: ['apiVersion'], message: 'apiVersion is required' });
    if (typeof o.kind !== 'string' || !o.kind) issues.push({ path: ['kind'], message: 'kind is required' });
    if (issues.length) return issues;
    const apiVersion = o.apiVersion as string;
    const kind = o.kind as string;
    if (this.sources.skipKinds?.has(kind)) return [];
    const removed = removalFor(apiVersion, kind, kubernetesVersion);
    if (removed)
      return [
        {
          path: ['apiVersion'],
          message: `${apiVersion} ${kind} was removed in Kubernetes ${removed.removedIn} (cluster runs ${kubernetesVersion})`,
          hint: `use ${removed.use}`,
        },
      ];
    const { key, crd, entry } = this.resolve(apiVersion, kind);
    // The fix first, as for a built-in kind; where the schema came from second.
    if (crd) return misspeltRequired(withFixes(o, validateCustomResource(crd, o, { kubernetesVersion }), `checked against the CRD ${crd.name} ${crd.version} (${crd.file})`));
    if (!entry && apiVersion === 'v1' && kind === 'List') return listIssues(o);
    if (!entry) {
      const typo = this.typo(apiVersion, kind, kubernetesVersion);
      if (typo) return [{ ...typo, ...(this.sources.ignoreMissingSchemas ? { severity: 'warning' as const } : {}) }];
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
      return [
        {
          path: ['kind'],
          message: `no schema for ${apiVersion} ${kind}${this.sources.ignoreMissingSchemas ? ' (skipped: --ignore-missing-schemas)' : ''}: unknown apiVersion/kind ${key} (no CustomResourceDefinition serves it: ${this.sources.repository ? "vendor/crds, the cluster's overlays" : 'vendor/crds, --crd, the validated files'}; no model package knows it)`,
          hint: this.crds.knowsKind(kind)
            ? `a CRD defines ${kind}, but not in ${group || 'the core group'} ${version}: check apiVersion`
            : this.sources.repository
              ? `add the CustomResourceDefinition of ${group ? `${kind}.${group}` : kind} to the cluster's platform overlay (or vendor it under vendor/crds: vendor/README.md), or check the spelling`
              : `pass --crd <file|dir> with the CustomResourceDefinition of ${group ? `${kind}.${group}` : kind}, or --skip-kind ${kind}, or check the spelling`,
          ...(this.sources.ignoreMissingSchemas ? { severity: 'warning' as const } : {}),
        },
      ];
    }
    const validate = this.compiled.get(key);
    if (!validate) throw new Error(`schema for ${key} not prepared`);
    const checked = key === crdKey ? this.withoutCleanSchemas(o, entry.node) : o;
    if (!validate(checked)) issues.push(...ajvIssues((validate.errors ?? []).filter((e) => !goAccepts(e, o))));
    unknownFields(this.tree, checked, entry.node, [], issues);
    return misspeltRequired(withFixes(o, issues));
  }

  /**
   * An apiVersion/kind no schema serves that is a typo of a built-in one (the model packages know every built-in kind
   * and its apiVersions): `app/v1 Deployment` at the apiVersion, `apps/v1 Deploymnet` at the kind. Asking for a CRD
   * there would send the user after a schema that does not exist.
   */
  private typo(apiVersion: string, kind: string, kubernetesVersion: string): SchemaIssue | undefined {
    this.indexKinds();
    // the apiVersions the cluster still serves: suggesting a removed one would only lead to the removal's error
    // (a kind with a slash in it is no key's last part: looked for in every key)
    const versions = (kind.includes('/') ? Object.keys(this.tree.kinds).filter((k) => k.endsWith(`/${kind}`)) : (this.byKind!.get(kind) ?? []))
      .map((k) => k.slice(0, -kind.length - 1))
      .filter((v) => v.split('/').length <= 2 && !removalFor(v, kind, kubernetesVersion));
    const version = closest(apiVersion, versions);
    if (version)
      return { path: ['apiVersion'], message: `unknown apiVersion ${apiVersion} for ${kind}: did you mean ${version}?`, hint: `${kind} is served as ${versions.join(', ')}` };
    const here = (this.byApiVersion!.get(apiVersion) ?? []).map((k) => k.slice(apiVersion.length + 1));
    const near = closest(kind, here);
    if (near) return { path: ['kind'], message: `unknown kind ${kind} in ${apiVersion}: did you mean ${near}?`, hint: `write kind: ${near}` };
    return undefined;
  }

  /**
   * A CustomResourceDefinition as its validator and unknownFields see it: each version's openAPIV3Schema that is clean
   * (cleanSchema: the models' JSONSchemaProps validator passes it, unknownFields finds nothing in it) replaced by an
   * empty schema, copied along the way, the object itself untouched. That validator builds an instance path and an
   * options object for every node of a schema of thousands even where it finds nothing; a clean schema has nothing to
   * report to either, and the empty one has nothing either.
   */
  private withoutCleanSchemas(o: Record<string, unknown>, root: NodeId): Record<string, unknown> {
    const spec = o.spec;
    if (!isMapping(spec) || !Array.isArray(spec.versions)) return o;
    let versions: unknown[] | undefined;
    for (let i = 0; i < spec.versions.length; i++) {
      const v: unknown = spec.versions[i];
      const s = isMapping(v) ? v.schema : undefined;
      if (!isMapping(s) || s.openAPIV3Schema === undefined || s.openAPIV3Schema === null) continue;
      this.schemaNode ??= nodeAt(this.tree, root, ['spec', 'versions', 0, 'schema', 'openAPIV3Schema']);
      if (!cleanSchema(s.openAPIV3Schema, this.schemaNode, this.tree)) continue;
      versions ??= spec.versions.slice();
      versions[i] = { ...(v as Record<string, unknown>), schema: { ...s, openAPIV3Schema: {} } };
    }
    return versions ? { ...o, spec: { ...spec, versions } } : o;
  }

  /** The tree's keys by their last part (the kind) and by what comes before it (the apiVersion), in the tree's order. */
  private indexKinds(): void {
    if (this.byKind) return;
    this.byKind = new Map();
    this.byApiVersion = new Map();
    for (const k of Object.keys(this.tree.kinds)) {
      const cut = k.lastIndexOf('/');
      const kind = k.slice(cut + 1);
      const apiVersion = k.slice(0, cut);
      (this.byKind.get(kind) ?? this.byKind.set(kind, []).get(kind)!).push(k);
      (this.byApiVersion.get(apiVersion) ?? this.byApiVersion.set(apiVersion, []).get(apiVersion)!).push(k);
    }
  }
}

const crdKey = 'apiextensions.k8s.io/v1/CustomResourceDefinition';

const isMapping = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

// What kubernetes-models' JSONSchemaProps validator (_schemas/IoK8sApiextensionsApiserverPkgApisApiextensionsV1JSONSchemaProps.js
// and the modules it imports) accepts of each field, as small integers for cleanSchema's switch. Every field it knows
// may be null; otherwise each has its type: int64 integers and double numbers as ajv-formats checks them (any integer,
// any finite number); the schemas under properties, patternProperties, definitions, allOf, anyOf, oneOf and not are
// checked in turn, while items and additionalProperties need only be mappings, and the x-kubernetes-* fields are not
// looked at. test/scripts/validate/schema.test.ts compares the two on every schema of the vendored CRDs, so a model
// version that checks more is caught. One field more than the models check: `description`, which their compiled
// schemas lost (their generator drops every key named description, the fields so named with the texts), while the API
// server decodes it as a string: every description field the model packages declare is one, and unknownFields
// checks it (a test reads the packages' declarations).
const STRING = 0;
const BOOLEAN = 1;
const MAPPING = 2;
const INT64 = 3;
const DOUBLE = 4;
const SCHEMA = 5;
const SCHEMAS = 6;
const SCHEMA_MAP = 7;
const STRINGS = 8;
const LIST = 9;
const DEPENDENCIES = 10;
const DOCS = 11;
const jsonSchemaPropsFields = new Map<string, number>([
  ['$ref', STRING],
  ['$schema', STRING],
  ['description', STRING],
  ['additionalItems', MAPPING],
  ['additionalProperties', MAPPING],
  ['allOf', SCHEMAS],
  ['anyOf', SCHEMAS],
  ['definitions', SCHEMA_MAP],
  ['dependencies', DEPENDENCIES],
  ['enum', LIST],
  ['exclusiveMaximum', BOOLEAN],
  ['exclusiveMinimum', BOOLEAN],
  ['externalDocs', DOCS],
  ['format', STRING],
  ['id', STRING],
  ['items', MAPPING],
  ['maxItems', INT64],
  ['maxLength', INT64],
  ['maxProperties', INT64],
  ['maximum', DOUBLE],
  ['minItems', INT64],
  ['minLength', INT64],
  ['minProperties', INT64],
  ['minimum', DOUBLE],
  ['multipleOf', DOUBLE],
  ['not', SCHEMA],
  ['nullable', BOOLEAN],
  ['oneOf', SCHEMAS],
  ['pattern', STRING],
  ['patternProperties', SCHEMA_MAP],
  ['properties', SCHEMA_MAP],
  ['required', STRINGS],
  ['title', STRING],
  ['type', STRING],
  ['uniqueItems', BOOLEAN],
]);

/** Does the models' JSONSchemaProps validator pass `d`? */
export const jsonSchemaProps = (d: unknown): boolean => cleanSchema(d, 0, undefined);

/**
 * Object's prototype or none: `for in` reads the same fields of it as Object.keys (unknownFields) and as reading each
 * by name (the validator).
 */
const plain = (o: object): boolean => {
  const proto: unknown = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
};

/** Where cleanSchema has unknownFields look, only to know whether it finds anything. */
const scratch: SchemaIssue[] = [];

/**
 * Does the models' JSONSchemaProps validator pass `d`, and (given the tree) would unknownFields find nothing in it
 * against the tree's node `id` (0: nothing to find)? One walk for both, over the fields `d` has (any other is absent,
 * so valid): they walk the same schemas, most of a CRD's nodes. A mapping whose prototype is not plain is not clean:
 * the long way tells.
 */
function cleanSchema(d: unknown, id: NodeId, tree: FieldTree | undefined): boolean {
  if (!isMapping(d)) return false;
  // as unknownFields: a node with neither known fields nor an index signature takes any field
  const node = tree && id !== 0 ? tree.nodes[id] : undefined;
  const fieldsChecked = !!node && (!!node.p || node.i !== undefined);
  if (!plain(d)) return false;
  for (const k in d) {
    const v = d[k];
    let child: NodeId | undefined = 0;
    if (fieldsChecked) {
      child = node!.p?.[k] ?? node!.i;
      if (child === undefined) return false;
    }
    const field = jsonSchemaPropsFields.get(k);
    let walked = false;
    if (field !== undefined && v !== null && v !== undefined)
      switch (field) {
        case STRING:
          if (typeof v !== 'string') return false;
          break;
        case BOOLEAN:
          if (typeof v !== 'boolean') return false;
          break;
        case MAPPING:
          if (!isMapping(v)) return false;
          break;
        case INT64:
          if (!Number.isInteger(v)) return false;
          break;
        case DOUBLE:
          if (typeof v !== 'number' || !Number.isFinite(v)) return false;
          break;
        case SCHEMA:
          if (!cleanSchema(v, child, tree)) return false;
          walked = true;
          break;
        case SCHEMAS: {
          if (!Array.isArray(v)) return false;
          // as unknownFields: each item of a list against the node's `a`
          const item = child !== 0 ? (tree!.nodes[child]?.a ?? 0) : 0;
          for (let i = 0; i < v.length; i++) if (!cleanSchema(v[i], item, tree)) return false;
          walked = true;
          break;
        }
        case SCHEMA_MAP: {
          if (!isMapping(v)) return false;
          const map = child !== 0 ? tree!.nodes[child] : undefined;
          const named = !!map && (!!map.p || map.i !== undefined);
          if (!plain(v)) return false;
          // the validator reads these with `for in`, as here
          for (const name in v) {
            const at = named ? (map!.p?.[name] ?? map!.i) : 0;
            if (at === undefined || !cleanSchema(v[name], at, tree)) return false;
          }
          walked = true;
          break;
        }
        case STRINGS:
          if (!Array.isArray(v)) return false;
          for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
          break;
        case LIST:
          if (!Array.isArray(v)) return false;
          break;
        case DEPENDENCIES:
          if (!isMapping(v)) return false;
          for (const name in v) if (!isMapping(v[name])) return false;
          break;
        case DOCS:
          if (!isMapping(v) || !(v.url === undefined || v.url === null || typeof v.url === 'string')) return false;
          break;
      }
    // a field the switch did not walk against the tree (x-kubernetes-validations, externalDocs…): unknownFields itself
    if (child !== 0 && !walked && v !== null && typeof v === 'object') {
      unknownFields(tree!, v, child, [], scratch);
      if (scratch.length) {
        scratch.length = 0;
        return false;
      }
    }
  }
  return true;
}

/**
 * The node unknownFields checks the value at `path` against (a number in the path: any item of a list); 0 where it
 * checks nothing there (an unknown field above it, a field that takes anything).
 */
function nodeAt(tree: FieldTree, root: NodeId, path: readonly PathSegment[]): NodeId {
  let id: NodeId = root;
  for (const step of path) {
    const node: FieldNode | null | undefined = id === 0 ? undefined : tree.nodes[id];
    if (!node) return 0;
    if (typeof step === 'number') id = node.a ?? 0;
    else if (!node.p && node.i === undefined) return 0;
    else id = node.p?.[step] ?? node.i ?? 0;
  }
  return id;
}

/** Fields the schema does not know, below `value` at `path` (one array, extended and cut back as the walk goes: copied only into an issue). */
function unknownFields(tree: FieldTree, value: unknown, id: NodeId, path: PathSegment[], out: SchemaIssue[]): void {
  if (id === 0 || value === null || typeof value !== 'object') return;
  const node = tree.nodes[id];
  if (!node) return;
  if (Array.isArray(value)) {
    if (node.a !== undefined)
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        unknownFields(tree, value[i], node.a, path, out);
        path.pop();
      }
    return;
  }
  if (!node.p && node.i === undefined) return;
  for (const key of Object.keys(value)) {
    const child = node.p?.[key] ?? node.i;
    // a field the models' compiled schemas lost (see jsonSchemaPropsFields), a string wherever a model declares it
    if (key === 'description' && node.p?.description !== undefined) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== null && typeof v !== 'string') out.push({ path: [...path, key], message: 'must be string', expected: ['string'] });
      continue;
    }
    if (child === undefined) {
      const known = Object.keys(node.p ?? {});
      // a field of a sibling this object has (limits: beside resources:): indented one level too little
      const under = known.find((f) => f in (value as Record<string, unknown>) && typeof node.p![f] === 'number' && node.p![f] !== 0 && tree.nodes[node.p![f]!]?.p?.[key] !== undefined);
      const near = under ? undefined : closest(key, known);
      out.push({
        path: [...path, key],
        message: under ? `unknown field "${key}" (a field of ${under}: indented one level too little?)` : `unknown field "${key}"`,
        ...(under ? { belongsUnder: [...path, under] } : near ? { meant: near } : { known }),
      });
    } else if (child !== 0) {
      const v = (value as Record<string, unknown>)[key];
      // a scalar has no fields: no call
      if (v === null || typeof v !== 'object') continue;
      path.push(key);
      unknownFields(tree, v, child, path, out);
      path.pop();
    }
  }
}

/**
 * A `v1` List that files mode could not read as one (no `items` array: files-check.ts isList): kubectl's List is
 * apiVersion, kind, metadata and items, and no model package has a schema for it.
 */
function listIssues(o: Record<string, unknown>): SchemaIssue[] {
  const known = ['apiVersion', 'kind', 'metadata', 'items'];
  const issues: SchemaIssue[] = Object.keys(o)
    .filter((k) => !known.includes(k))
    .map((k) => {
      const near = closest(k, known);
      return { path: [k], message: `unknown field "${k}"`, ...(near ? { meant: near } : { known }) };
    });
  if (!('items' in o)) issues.push({ path: [], message: 'missing required field "items"', missing: 'items' });
  else if (!Array.isArray(o.items)) issues.push({ path: ['items'], message: `must be array (got ${JSON.stringify(o.items)})`, expected: ['array'] });
  return misspeltRequired(withFixes(o, issues));
}

function decodePointer(p: string): PathSegment[] {
  if (!p) return [];
  return p
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * An error of the model packages' ajv formats that Go's decoding does not raise: their "byte" format refuses the
 * line breaks that Go's base64 decoder skips (a Secret's data wrapped over lines, as the Barman Cloud plugin ships it).
 */
function goAccepts(e: AjvError, obj: unknown): boolean {
  if (e.keyword !== 'format' || e.params.format !== 'byte') return false;
  let v: unknown = obj;
  for (const seg of decodePointer(e.instancePath)) v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
  return typeof v === 'string' && isGoBase64(v);
}

const rank: Record<string, number> = { required: 0, format: 1, enum: 2, pattern: 2, minimum: 2, maximum: 2, type: 3 };

/** Turn ajv errors into one message per path, the most specific first (format beats type beats anyOf). */
function ajvIssues(errors: AjvError[]): SchemaIssue[] {
  const byPath = new Map<string, AjvError[]>();
  for (const e of errors) {
    const path = e.keyword === 'required' ? `${e.instancePath}/${e.params.missingProperty}` : e.instancePath;
    byPath.set(path, [...(byPath.get(path) ?? []), e]);
  }
  const out: SchemaIssue[] = [];
  for (const [path, errs] of byPath) {
    const specific = errs.filter((e) => e.keyword in rank).sort((a, b) => rank[a.keyword]! - rank[b.keyword]!);
    if (!specific.length) {
      out.push({ path: decodePointer(path), message: `does not match the schema (${errs.map((e) => e.keyword).join(', ')})` });
      continue;
    }
    const e = specific[0]!;
    const types = [...new Set(errs.filter((x) => x.keyword === 'type').map((x) => x.params.type as string))];
    let message: string;
    let problem: Partial<SchemaIssue> = {};
    switch (e.keyword) {
      case 'required':
        message = `missing required field "${e.params.missingProperty}"`;
        problem = { missing: e.params.missingProperty as string };
        break;
      case 'format':
        message = `must be a valid ${e.params.format}`;
        problem = { format: e.params.format as string };
        break;
      case 'enum':
        message = `must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
        problem = { allowed: e.params.allowedValues as unknown[] };
        break;
      case 'type':
        message = `must be ${types.join(' or ')}`;
        problem = { expected: types };
        break;
      case 'pattern':
        message = e.message ?? `must match pattern "${e.params.pattern}"`;
        problem = { pattern: e.params.pattern as string };
        break;
      default:
        message = e.message ?? `fails ${e.keyword} ${JSON.stringify(e.params)}`;
    }
    out.push({ path: decodePointer(path), message, ...problem });
  }
  return out;
}

/** Each issue with its fix in words (fixFor), and `also` (where the schema came from) after it. */
function withFixes(o: unknown, issues: SchemaIssue[], also?: string): SchemaIssue[] {
  return issues.map((i) => {
    const hint = [i.hint ?? fixFor(i, valueAt(o, i.path)), also].filter(Boolean).join('; ');
    return hint ? { ...i, hint } : i;
  });
}

export function formatPath(path: readonly PathSegment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/**
 * One mistake, one issue: a required field written misspelt (`selecter:`) is an unknown field whose nearest known
 * name (`meant`, set where the unknown field is found) is the missing one; the "missing required field" beside it
 * (`missing`) is the same mistake and folds into it.
 */
export function misspeltRequired(issues: SchemaIssue[]): SchemaIssue[] {
  if (issues.length < 2) return issues;
  const parent = (p: readonly PathSegment[]) => p.slice(0, -1).join('\0');
  const key = (p: readonly PathSegment[], field: PathSegment) => `${parent(p)}\0${field}`;
  const meant = new Set(issues.filter((i) => i.meant !== undefined).map((i) => key(i.path, i.meant!)));
  if (!meant.size) return issues;
  const folded = new Set(issues.filter((i) => i.missing !== undefined && meant.has(key(i.path, i.missing))));
  if (!folded.size) return issues;
  const missing = new Set([...folded].map((f) => key(f.path, f.missing!)));
  return issues
    .filter((i) => !folded.has(i))
    .map((i) =>
      i.meant !== undefined && missing.has(key(i.path, i.meant))
        ? { ...i, message: `${i.message} (and the required field "${i.meant}" is missing)`, standsFor: [...i.path.slice(0, -1), i.meant] }
        : i,
    );
}
