// The known-field tree behind strict validation. kubernetes-models' validate()
// checks types, required fields and formats but accepts unknown fields; this
// tree, derived from the models' own type declarations with the TypeScript
// compiler API, lets us reject `replicass` like `kubeconform -strict` does.
// Built once per set of model versions and cached under node_modules/.cache.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
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

/** Model packages whose kinds we know: kubernetes-models and every installed @kubernetes-models/* CRD package. */
export function modelPackages(): { name: string; dir: string; version: string }[] {
  const nm = join(dirname(require.resolve('kubernetes-models/package.json')), '..');
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

/** Build the tree with the TypeScript compiler API (typescript 5.x: 7.x has no JS API). */
export async function buildFieldTree(key: string): Promise<FieldTree> {
  const ts = (await import('typescript')).default;
  const files = modelPackages().flatMap(modelFiles);
  const program = ts.createProgram(
    files.map((f) => f.dts),
    { noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [] },
  );
  const checker = program.getTypeChecker();
  const nodes: (FieldNode | null)[] = [null];
  const memo = new Map<TS.Type, NodeId>();
  const LEAF =
    ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike |
    ts.TypeFlags.BigIntLike | ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void | ts.TypeFlags.Never |
    ts.TypeFlags.NonPrimitive | ts.TypeFlags.EnumLike | ts.TypeFlags.ESSymbolLike;

  const walk = (type: TS.Type): NodeId => {
    const seen = memo.get(type);
    if (seen !== undefined) return seen;
    if (type.flags & LEAF) return 0;
    const parts = type.isUnion() ? type.types.filter((t: TS.Type) => !(t.flags & LEAF)) : [type];
    if (parts.length === 0) return 0;
    const id = nodes.length;
    memo.set(type, id);
    nodes.push(null);
    const p: Record<string, NodeId> = {};
    let i: NodeId | undefined;
    let a: NodeId | undefined;
    let opaque = false;
    for (const part of parts) {
      if (checker.isArrayType(part) || checker.isTupleType(part)) {
        const [elem] = checker.getTypeArguments(part as TS.TypeReference);
        a = elem ? walk(elem) : 0;
        continue;
      }
      const index = checker.getIndexInfoOfType(part, ts.IndexKind.String);
      if (index) i = walk(index.type);
      const props = checker.getPropertiesOfType(part);
      if (!props.length && !index) opaque = true; // `{}` or an empty interface: accept anything
      for (const prop of props) {
        const decl = prop.valueDeclaration ?? prop.declarations?.[0];
        const t = decl ? checker.getTypeOfSymbolAtLocation(prop, decl) : checker.getTypeOfSymbol(prop);
        p[prop.name] = walk(checker.getNonNullableType(t));
      }
    }
    if (opaque) {
      memo.set(type, 0);
      nodes[id] = {};
      return 0;
    }
    nodes[id] = { ...(Object.keys(p).length ? { p } : {}), ...(i !== undefined ? { i } : {}), ...(a !== undefined ? { a } : {}) };
    return id;
  };

  const kinds: Record<string, KindEntry> = {};
  for (const f of files) {
    const sf = program.getSourceFile(f.dts);
    if (!sf) continue;
    const sym = checker.getSymbolAtLocation(sf);
    const iface = sym && checker.getExportsOfModule(sym).find((s) => s.name === `I${f.kind}`);
    if (!iface) continue;
    const node = walk(checker.getDeclaredTypeOfSymbol(iface));
    kinds[`${f.apiVersion}/${f.kind}`] = { node, schema: f.schema, model: f.model };
  }
  return { key, kinds, nodes };
}

function cacheKey(): string {
  // the model packages it reads at build time, and the code that builds the tree (plumbing/cache.ts)
  return modelPackages().map((p) => `${p.name}@${p.version}`).join(',') + `;${codeDigest(import.meta.url)}`;
}

export function cachePath(): string {
  const nm = join(dirname(require.resolve('kubernetes-models/package.json')), '..');
  return join(nm, '.cache', 'marquee', 'field-tree.json');
}

/** The cached tree, rebuilt when the installed model packages changed. */
export async function loadFieldTree(opts: { rebuild?: boolean } = {}): Promise<FieldTree> {
  const key = cacheKey();
  const file = cachePath();
  if (!opts.rebuild && existsSync(file)) {
    const tree = JSON.parse(readFileSync(file, 'utf8')) as FieldTree;
    if (tree.key === key) return tree;
  }
  const tree = await buildFieldTree(key);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(tree));
  renameSync(tmp, file);
  return tree;
}
