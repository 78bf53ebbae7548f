// Promotion evidence a clone can verify: commit trailers on the promotion commit (and at
// the end of the pull request's body, so a squash merge keeps them). Each record names the
// source and target commits, a sha256 digest of each affected unit's rendered manifests
// (canonical JSON of the objects), a digest of the target's shared part (every file
// outside the target environment's own overlay directory) and the validate result.
import { createHash } from 'node:crypto';
import { environments, type EnvName } from '../../../generators/environments.ts';
import { git } from '../plumbing/git.ts';
import { defaultTargets, renderTargets, type RenderResult } from '../kustomize/index.ts';
import type { RenderedObject } from '../../../kube/index.ts';

export const TRAILER = {
  promotion: 'Marquee-Promotion',
  source: 'Marquee-Source',
  target: 'Marquee-Target',
  rendered: 'Marquee-Rendered',
  shared: 'Marquee-Shared',
  validate: 'Marquee-Validate',
  rollback: 'Marquee-Rollback',
} as const;

export interface PromotionRecord {
  /** The commit whose message carries the record (promotion commit, squash or merge commit). */
  readonly commit: string;
  readonly from: EnvName;
  readonly to: EnvName;
  readonly source: string;
  readonly target: string;
  /** unit → sha256:<hex> */
  readonly rendered: Readonly<Record<string, string>>;
  /** sha256:<hex> of the target environment's shared part */
  readonly shared: string;
  readonly validate: string;
}

/** Keys sorted at every level: the same objects give the same bytes whatever the render order. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  return v;
}

const sha256 = (s: string): string => `sha256:${createHash('sha256').update(s).digest('hex')}`;

/** Digest of a unit's rendered objects: canonical JSON, objects in apiVersion/kind/namespace/name order. */
export function renderedDigest(objects: readonly RenderedObject[]): string {
  const key = (o: RenderedObject) => `${o.object.apiVersion}/${o.object.kind}/${o.object.metadata?.namespace ?? ''}/${o.object.metadata?.name ?? ''}`;
  const sorted = [...objects].sort((a, b) => key(a).localeCompare(key(b)));
  return sha256(JSON.stringify(sorted.map((o) => canonical(o.object))));
}

/**
 * How promote and verify render. `cache` (default on): a unit whose inputs are byte-for-byte
 * those of a render kept in node_modules/.cache/marquee/render (keyed by the content of every
 * file kustomize can read for it, the kustomize binary's bytes and the rendering code:
 * scripts/lib/kustomize/tree.ts inputKey) is taken from there, which is what rendering it again
 * gives; `cache: false` (`--no-cache`) runs kustomize for every unit.
 */
export interface EvidenceOptions {
  readonly cache?: boolean;
}

/** Render the named units of a checked-out tree (what renderedDigests digests). */
export const renderUnits = (dir: string, units: readonly string[], opts: EvidenceOptions = {}): Promise<RenderResult[]> =>
  renderTargets(dir, defaultTargets(dir, units), { cache: opts.cache ?? true });

/** Render the named units of a checked-out tree and digest each; a failing render throws naming the unit. */
export async function renderedDigests(dir: string, units: readonly string[], opts: EvidenceOptions = {}): Promise<{ digests: Record<string, string>; objects: Map<string, RenderedObject[]> }> {
  return digestsOf(await renderUnits(dir, units, opts));
}

/** Digest each unit of a render (renderUnits); a failing unit throws naming it. */
export function digestsOf(results: readonly RenderResult[]): { digests: Record<string, string>; objects: Map<string, RenderedObject[]> } {
  const digests: Record<string, string> = {};
  const objects = new Map<string, RenderedObject[]>();
  for (const r of results) {
    if (r.findings.length) throw new Error(`rendering ${r.target.name} failed: ${r.findings.map((f) => f.message).join('; ')}`);
    digests[r.target.name] = renderedDigest(r.objects);
    objects.set(r.target.name, r.objects);
  }
  return { digests, objects };
}

/** The environment's own overlay directory (what is not shared). */
export const ownPart = (env: EnvName): string => `${environments[env].overlay}/`;

/** Files of `rev` outside the environment's own overlay: path → blob. */
export async function sharedFiles(root: string, rev: string, env: EnvName): Promise<Map<string, string>> {
  const own = ownPart(env);
  const files = new Map<string, string>();
  for (const line of (await git(root, 'ls-tree', '-r', '-z', '--full-tree', rev)).split('\0').filter(Boolean)) {
    const tab = line.indexOf('\t');
    const path = line.slice(tab + 1);
    if (!path.startsWith(own)) files.set(path, line.slice(0, tab));
  }
  return files;
}

/** sha256 over the shared part's `git ls-tree` lines (mode, type, blob, path): byte identity of every shared file. */
export async function sharedDigest(root: string, rev: string, env: EnvName): Promise<string> {
  const files = await sharedFiles(root, rev, env);
  return sha256([...files].map(([p, l]) => `${l}\t${p}`).join('\n'));
}

export function trailers(r: Omit<PromotionRecord, 'commit'>, branches: { from: string; to: string }): string[] {
  return [
    `${TRAILER.promotion}: ${r.from} -> ${r.to}`,
    `${TRAILER.source}: ${branches.from} ${r.source}`,
    `${TRAILER.target}: ${branches.to} ${r.target}`,
    ...Object.entries(r.rendered).map(([u, d]) => `${TRAILER.rendered}: ${u} ${d}`),
    `${TRAILER.shared}: ${r.to} ${r.shared}`,
    `${TRAILER.validate}: ${r.validate}`,
  ];
}

/** Parse a commit message's promotion trailers (the last block wins); undefined when it has none. */
export function parseRecord(commit: string, message: string): PromotionRecord | undefined {
  const lines = message.split('\n').map((l) => l.trim());
  const last = lines.map((l, i) => (l.startsWith(`${TRAILER.promotion}:`) ? i : -1)).filter((i) => i >= 0).pop();
  if (last === undefined) return undefined;
  const block = lines.slice(last).filter((l) => /^Marquee-[\w-]+: /.test(l));
  const get = (k: string) => block.filter((l) => l.startsWith(`${k}: `)).map((l) => l.slice(k.length + 2));
  const [from, to] = get(TRAILER.promotion)[0]!.split(/\s*->\s*/) as [EnvName, EnvName];
  const word = (k: string, i: number) => get(k)[0]?.split(/\s+/)[i] ?? '';
  const rendered: Record<string, string> = {};
  for (const v of get(TRAILER.rendered)) {
    const [u, d] = v.split(/\s+/);
    if (u && d) rendered[u] = d;
  }
  return { commit, from, to, source: word(TRAILER.source, 1), target: word(TRAILER.target, 1), rendered, shared: word(TRAILER.shared, 1), validate: get(TRAILER.validate)[0] ?? '' };
}

/** Promotion records into `to` reachable from `rev`, newest first. */
export async function promotionRecords(root: string, rev: string, to: EnvName): Promise<PromotionRecord[]> {
  const out = await git(root, 'log', '--format=%H%x00%B%x1e', `--grep=^${TRAILER.promotion}: `, rev, '--');
  const records: PromotionRecord[] = [];
  for (const entry of out.split('\x1e')) {
    const [sha, body] = entry.replace(/^\n/, '').split('\0');
    if (!sha || body === undefined) continue;
    const r = parseRecord(sha, body);
    if (r && r.to === to) records.push(r);
  }
  return records;
}
