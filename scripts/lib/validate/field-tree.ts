// The known-field tree behind strict validation. kubernetes-models' validate()
// checks types, required fields and formats but accepts unknown fields; this
// tree, derived from the models' own type declarations with the TypeScript
// compiler API, lets us reject `replicass` like `kubeconform -strict` does.
// Built once per set of model versions and cached under node_modules/.cache.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import type * as TS from 'typescript';
import { codeDigest } from '../plumbing/code.ts';

/** 0 = anything goes (primitive, any, opaque object); otherwise an index into `nodes`. */
export type NodeId = number;
export interface FieldNode {
  /** known properties */
  readonly p?: Record<string, NodeId>;
  /** string index signature (maps such as labels) */
  readonly i?: NodeId;
  /** array element */
  readonly a?: NodeId;
}

export interface KindEntry {
  /** root node of the kind */
  readonly node: NodeId;
  /** module exporting the compiled schema `validate` function of kubernetes-models */
  readonly schema: string;
  /** the model class module, e.g. kubernetes-models/apps/v1/Deployment */
  readonly model: string;
}

export interface FieldTree {
  readonly key: string;
  /** `apiVersion/Kind` → entry */
  readonly kinds: Record<string, KindEntry>;
  readonly nodes: (FieldNode | null)[];
}

const require = createRequire(import.meta.url);

/** The node_modules folder that holds the model packages, and the caches beside them. */
export const modelsHome = (): string => join(dirname(require.resolve('kubernetes-models/package.json')), '..');

/** Model packages whose kinds we know: kubernetes-models and every installed @kubernetes-models/* CRD package. */
export function modelPackages(): { name: string; dir: string; version: string }[] {
  const nm = modelsHome();
  const names = ['kubernetes-models'];
  const scoped = join(nm, '@kubernetes-models');
  for (const d of existsSync(scoped) ? readdirSync(scoped).sort() : []) {
    if (['base', 'validate', 'apimachinery', 'crd-generate', 'openapi-generate', 'generate'].includes(d)) continue;
    names.push(`@kubernetes-models/${d}`);
  }
  return names.map((name) => {
    const dir = join(nm, name);
    const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    return { name, dir, version };
  });
}

interface ModelFile {
  apiVersion: string;
  kind: string;
  dts: string;
  schema: string;
  model: string;
}

/** Find model classes by their compiled JS: `static{this.apiVersion="apps/v1"}static{this.kind="Deployment"}`. */
function modelFiles(pkg: { name: string; dir: string }): ModelFile[] {
  const out: ModelFile[] = [];
  for (const rel of readdirSync(pkg.dir, { recursive: true }) as string[]) {
    if (!rel.endsWith('.js') || rel.startsWith('_schemas') || rel.includes('node_modules')) continue;
    const src = readFileSync(join(pkg.dir, rel), 'utf8');
    if (!src.includes('setValidateFunc')) continue;
    const apiVersion = /this\.apiVersion="([^"]+)"/.exec(src)?.[1];
    const kind = /this\.kind="([^"]+)"/.exec(src)?.[1];
    const schema = /from"(\.[./]*_schemas\/[\w]+\.js)"/.exec(src)?.[1];
    if (!apiVersion || !kind || !schema) continue;
    const modelPath = `${pkg.name}/${rel.replace(/\.js$/, '')}`;
    out.push({
      apiVersion,
      kind,
      dts: join(pkg.dir, rel.replace(/\.js$/, '.d.ts')),
      schema: join(pkg.dir, dirname(rel), schema),
      model: modelPath,
    });
  }
  return out;
}

/**
 * Build the tree from the models' declarations with the TypeScript compiler API (typescript 5.x: 7.x has no JS API).
 * The walk reads the declaration syntax (type literals, interfaces and what they extend, arrays, unions and
 * intersections merged field by field, Exclude<T, …> as T) and uses the checker only to resolve a type name to its
 * declaration. Asking the checker for the types themselves made it distribute intersections over unions: the
 * oneOf-style `A & (Exclude<A, B> | …)` of @kubernetes-models/istio grew past 3 GB. Reading syntax keeps the tree
 * linear in what the packages declare (test/scripts/validate/field-tree.test.ts checks memory on such a package).
 */
export async function buildFieldTree(key: string, packages: { name: string; dir: string }[] = modelPackages()): Promise<FieldTree> {
  const ts = (await import('typescript')).default;
  const files = packages.flatMap(modelFiles);
  const program = ts.createProgram(
    files.map((f) => f.dts),
    { noEmit: true, noResolve: false, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [] },
  );
  const checker = program.getTypeChecker();
  const nodes: (FieldNode | null)[] = [null];
  /** a part that accepts any object (`{}`, an empty interface, `object`) */
  const OPAQUE = -1;
  const memo = new Map<TS.Node, NodeId>();
  const merged = new Map<string, NodeId>();

  const reserve = (): NodeId => {
    nodes.push(null);
    return nodes.length - 1;
  };
  const store = (id: NodeId, n: { p: Record<string, NodeId>; i?: NodeId; a?: NodeId }): NodeId => {
    nodes[id] = { ...(Object.keys(n.p).length ? { p: n.p } : {}), ...(n.i !== undefined ? { i: n.i } : {}), ...(n.a !== undefined ? { a: n.a } : {}) };
    return id;
  };
  const dedupeIds = (ids: NodeId[]) => [...new Set(ids)].sort((x, y) => x - y);
  const arrays = new Map<NodeId, NodeId>();
  const arrayOf = (elem: NodeId): NodeId => {
    const e = Math.max(0, elem);
    let id = arrays.get(e);
    if (id === undefined) arrays.set(e, (id = store(reserve(), { p: {}, a: e })));
    return id;
  };

  /** One node with the fields of all these nodes (a union or intersection of object types). */
  const merge = (ids: NodeId[]): NodeId => {
    if (ids.includes(OPAQUE)) return OPAQUE;
    const parts = dedupeIds(ids.filter((x) => x !== 0));
    if (parts.length === 0) return 0;
    if (parts.length === 1) return parts[0]!;
    const k = parts.join(',');
    const seen = merged.get(k);
    if (seen !== undefined) return seen;
    const id = reserve();
    merged.set(k, id);
    const props = new Map<string, NodeId[]>();
    const idx: NodeId[] = [];
    const arr: NodeId[] = [];
    for (const part of parts) {
      const n = nodes[part];
      if (!n) continue;
      for (const [name, child] of Object.entries(n.p ?? {})) props.set(name, [...(props.get(name) ?? []), child]);
      if (n.i !== undefined) idx.push(n.i);
      if (n.a !== undefined) arr.push(n.a);
    }
    const p: Record<string, NodeId> = {};
    for (const [name, children] of props) p[name] = Math.max(0, merge(children));
    return store(id, { p, ...(idx.length ? { i: Math.max(0, merge(idx)) } : {}), ...(arr.length ? { a: Math.max(0, merge(arr)) } : {}) });
  };

  const members = (list: readonly TS.TypeElement[], extra: NodeId[] = []): NodeId => {
    const p: Record<string, NodeId> = {};
    let i: NodeId | undefined;
    let any = false;
    for (const m of list) {
      if (ts.isPropertySignature(m) && m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name))) {
        any = true;
        p[m.name.text] = m.type ? Math.max(0, walk(m.type)) : 0;
      } else if (ts.isIndexSignatureDeclaration(m)) {
        any = true;
        i = Math.max(0, walk(m.type));
      }
    }
    if (!any && !extra.length) return OPAQUE;
    const own = any ? store(reserve(), { p, ...(i !== undefined ? { i } : {}) }) : 0;
    return extra.length ? merge([own, ...extra]) : own;
  };

  const declaration = (name: TS.EntityName): TS.Declaration | undefined => {
    let sym = checker.getSymbolAtLocation(name);
    if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
    return sym?.declarations?.[0];
  };

  const walk = (t: TS.TypeNode): NodeId => {
    if (ts.isParenthesizedTypeNode(t)) return walk(t.type);
    if (ts.isArrayTypeNode(t)) return arrayOf(walk(t.elementType));
    if (ts.isTypeLiteralNode(t)) {
      const seen = memo.get(t);
      if (seen !== undefined) return seen;
      const id = members(t.members);
      memo.set(t, id);
      return id;
    }
    if (ts.isUnionTypeNode(t) || ts.isIntersectionTypeNode(t)) return merge(t.types.map(walk));
    if (t.kind === ts.SyntaxKind.ObjectKeyword) return OPAQUE;
    if (ts.isTypeReferenceNode(t)) {
      const name = ts.isIdentifier(t.typeName) ? t.typeName.text : t.typeName.right.text;
      const args = t.typeArguments ?? [];
      if ((name === 'Array' || name === 'ReadonlyArray') && args[0]) return arrayOf(walk(args[0]));
      if (['Exclude', 'Omit', 'Partial', 'Required', 'Readonly', 'NonNullable', 'Pick'].includes(name) && args[0]) return walk(args[0]);
      if (name === 'Record' && args[1]) return store(reserve(), { p: {}, i: Math.max(0, walk(args[1])) });
      const decl = declaration(t.typeName);
      if (!decl) return 0;
      const seen = memo.get(decl);
      if (seen !== undefined) return seen;
      if (ts.isInterfaceDeclaration(decl)) {
        // reserve first: interfaces refer to themselves (JSONSchemaProps)
        const id = reserve();
        memo.set(decl, id);
        const bases = (decl.heritageClauses ?? []).flatMap((h) => h.types.map((e) => (ts.isIdentifier(e.expression) ? declarationNode(e.expression) : 0)));
        const got = members(decl.members, bases.filter((x) => x !== 0));
        if (got === OPAQUE || got === 0) {
          memo.set(decl, got);
          nodes[id] = {};
          return got;
        }
        nodes[id] = nodes[got]!;
        return id;
      }
      if (ts.isTypeAliasDeclaration(decl)) {
        memo.set(decl, 0);
        const id = walk(decl.type);
        memo.set(decl, id);
        return id;
      }
      return 0;
    }
    return 0; // keywords, literals, indexed access (IDeployment["kind"]), functions
  };
  /** `interface X extends TypeMeta` (or extends a type alias of an interface) → the base's node. */
  const declarationNode = (e: TS.Identifier): NodeId => Math.max(0, walk(ts.factory.createTypeReferenceNode(e)));

  const kinds: Record<string, KindEntry> = {};
  for (const f of files) {
    const sf = program.getSourceFile(f.dts);
    if (!sf) continue;
    const sym = checker.getSymbolAtLocation(sf);
    const iface = sym && checker.getExportsOfModule(sym).find((s) => s.name === `I${f.kind}`);
    const decl = iface?.declarations?.find(ts.isInterfaceDeclaration);
    if (!decl) continue;
    const node = Math.max(0, walk(ts.factory.createTypeReferenceNode(decl.name)));
    kinds[`${f.apiVersion}/${f.kind}`] = { node, schema: f.schema, model: f.model };
  }
  return { key, kinds, nodes };
}

function cacheKey(): string {
  // the model packages it reads at build time, and the code that builds the tree (plumbing/cache.ts)
  return modelPackages().map((p) => `${p.name}@${p.version}`).join(',') + `;${codeDigest(import.meta.url)}`;
}

export function cachePath(home = modelsHome()): string {
  return join(home, '.cache', 'marquee', 'field-tree.json');
}

/** `tree` with each kind's schema module `to(schema)`. */
const withSchemas = (tree: FieldTree, to: (schema: string) => string): FieldTree => ({
  ...tree,
  kinds: Object.fromEntries(Object.entries(tree.kinds).map(([k, e]) => [k, { ...e, schema: to(e.schema) }])),
});

/**
 * The cached tree, rebuilt when the installed model packages changed. The file names each kind's schema module
 * relative to the node_modules folder it lies in, and the tree read from it names them in this install's folder: a
 * checkout copied with its caches loads its own packages' modules, never those of the checkout it was copied from.
 */
export async function loadFieldTree(opts: { rebuild?: boolean } = {}): Promise<FieldTree> {
  const key = cacheKey();
  const home = modelsHome();
  const file = cachePath(home);
  if (!opts.rebuild && existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as FieldTree;
    if (stored.key === key) return withSchemas(stored, (schema) => join(home, schema));
  }
  const tree = await buildFieldTree(key);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(withSchemas(tree, (schema) => relative(home, schema))));
  renameSync(tmp, file);
  return tree;
}
