// Make two renders comparable: key objects by group/kind/namespace/name with
// kustomize's generator hash suffix stripped, and rewrite references to hashed
// names, so a config change shows up as a data change and nothing else.
import { createHash } from 'node:crypto';
import type { RenderedObject } from '../../../kube/index.ts';

/**
 * kustomize appends `-<10 chars>` to generated ConfigMap/Secret names; the hash
 * is hex with 0,1,3,a,e re-encoded as g,h,k,m,t (api/hasher encode()).
 */
const HASH_SUFFIX = /-[2456789bcdfghkmt]{10}$/;
const GENERATED_KINDS = new Set(['ConfigMap', 'Secret']);

/** A rendered object ready to compare. */
export interface Keyed {
  /** Stable identity: `group/Kind/namespace/name` (name without generator hash). */
  readonly key: string;
  /** Human reference: `Kind/namespace/name` (name without generator hash). */
  readonly ref: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** The object with hashed names replaced by their stable names. */
  readonly object: Record<string, any>;
  /** Repo-relative file the object came from, when kustomize says so. */
  readonly origin?: string;
}

export function stripHash(kind: string, name: string): string {
  return GENERATED_KINDS.has(kind) ? name.replace(HASH_SUFFIX, '') : name;
}

const groupOf = (apiVersion: unknown): string => {
  const s = typeof apiVersion === 'string' ? apiVersion : '';
  return s.includes('/') ? s.slice(0, s.lastIndexOf('/')) : 'core';
};

function rewrite(value: unknown, names: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return names.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => rewrite(v, names));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = rewrite(v, names);
    return out;
  }
  return value;
}

/**
 * Secret values never reach a diff (it is posted on pull requests): each value is
 * replaced by a short digest, so a change still shows as a change.
 */
export function redactSecret(o: Record<string, any>): Record<string, any> {
  if (o?.kind !== 'Secret') return o;
  const out = { ...o };
  for (const field of ['data', 'stringData'] as const) {
    if (!o[field] || typeof o[field] !== 'object') continue;
    out[field] = Object.fromEntries(
      Object.entries(o[field] as Record<string, unknown>).map(([k, v]) => [k, `<redacted sha256:${createHash('sha256').update(String(v)).digest('hex').slice(0, 12)}>`]),
    );
  }
  return out;
}

/**
 * Key one target's objects. Throws if two objects share a key (kustomize itself
 * refuses that, so it means the input is not one kustomize render).
 */
export function keyObjects(objects: readonly RenderedObject[]): Map<string, Keyed> {
  const hashed = new Map<string, string>();
  for (const { object } of objects) {
    const name = object?.metadata?.name;
    if (typeof name !== 'string' || !GENERATED_KINDS.has(object.kind)) continue;
    const stable = stripHash(object.kind, name);
    if (stable !== name) hashed.set(name, stable);
  }
  const out = new Map<string, Keyed>();
  for (const r of objects) {
    const o = r.object;
    const kind = String(o?.kind ?? '?');
    const namespace = typeof o?.metadata?.namespace === 'string' ? o.metadata.namespace : undefined;
    const name = stripHash(kind, String(o?.metadata?.name ?? '?'));
    const key = [groupOf(o?.apiVersion), kind, namespace ?? '', name].join('/');
    const ref = [kind, namespace, name].filter(Boolean).join('/');
    if (out.has(key)) throw new Error(`two rendered objects are both ${ref} (${r.target.name})`);
    out.set(key, { key, ref, kind, namespace, name, object: redactSecret(rewrite(o, hashed) as Record<string, any>), origin: r.origin });
  }
  return out;
}
