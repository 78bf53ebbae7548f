// Findings after the checks, in both validate modes: located late (policies name a
// path, the locator finds its line), blamed on the line a person wrote (blame.ts),
// then made into what a person acts on in one read — one mistake, one finding:
// a finding repeated by one source line across objects and environments is one
// finding listing them, consequences fold into their cause, causes come first.
import { objectRef, type Finding, type RelatedFinding, type RenderedObject, type Target } from '../../../kube/index.ts';
import { blame } from './blame.ts';
import { explainKustomize } from './kustomize-errors.ts';
import { parsePath, type SourceLocator } from './locate.ts';
import type { Summary } from './output.ts';

export const byWhere = (a: Finding, b: Finding): number =>
  (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
  (a.file ?? '').localeCompare(b.file ?? '') ||
  (a.line ?? 0) - (b.line ?? 0) ||
  (a.target ?? '').localeCompare(b.target ?? '') ||
  String(a.message ?? '').localeCompare(String(b.message ?? ''));

export function summarize(findings: Finding[], targets: Target[], resources: number, started: number): Summary {
  return {
    environments: targets.filter((t) => t.kind === 'env').length,
    targets: targets.length,
    resources,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    seconds: (performance.now() - started) / 1000,
  };
}


/**
 * Every step's findings, as a person reads them: located, blamed on the line they wrote,
 * each value reported once, one finding per mistake, causes first.
 */
export function refine(findings: Finding[], rendered: readonly RenderedObject[], locator: SourceLocator, root: string): Finding[] {
  const explained = findings.map((f) => explainKustomize(f, root));
  // `against` has done its work (blame, folding): the fields a finding was judged against are not part of what it says
  return oneFindingPerMistake(dedupe(blame(locateLate(explained, rendered, locator), rendered, locator, root)))
    .map(({ against: _, ...f }) => f)
    .sort(byWhere);
}

/** Give findings from later steps (policies, argocd) lines, when they name an object, a path and a file. */
export function locateLate(findings: Finding[], rendered: readonly RenderedObject[], locator: SourceLocator): Finding[] {
  const index = new Map<string, RenderedObject>();
  for (const r of rendered) index.set(`${r.target.name}\0${objectRef(r.object)}`, r);
  return findings.map((f) => {
    if (f.line || !f.path || !f.object || !f.target) return f;
    const r = index.get(`${f.target}\0${f.object}`);
    if (!r) return f;
    const path = parsePath(f.path);
    const pos = f.absent ? locator.locateAbsent(r.object, path, f.file ?? r.origin, r.target.path) : locator.locate(r.object, path, f.file ?? r.origin, r.target.path);
    return pos ? { ...f, file: pos.file, line: pos.line, column: pos.column, ...(pos.note ? { hint: pos.note } : {}) } : f;
  });
}

/**
 * A value the schema step refused is reported once: the schema finding. The policies'
 * reports about the same value (a removed apiVersion, a quantity that does not parse,
 * the API server's own check of a mistyped field) would say the same thing again.
 */
export function dedupe(findings: Finding[]): Finding[] {
  const removed = new Set(findings.filter((f) => f.rule === 'schema' && f.path === 'apiVersion').map((f) => `${f.target}\0${f.object}`));
  const refused = new Set(findings.filter((f) => f.rule === 'schema').map((f) => `${f.target}\0${f.object}\0${f.path}`));
  // a misspelt required field (schema.ts misspeltRequired) also stands for the field it meant, which the API server misses
  for (const f of findings) if (f.rule === 'schema' && f.standsFor) refused.add(`${f.target}\0${f.object}\0${f.standsFor}`);
  return findings.filter(
    (f) =>
      !(f.rule === 'gitops/no-deprecated-api' && f.severity === 'error' && removed.has(`${f.target}\0${f.object}`)) &&
      !(f.rule !== 'schema' && f.path && refused.has(`${f.target}\0${f.object}\0${f.path}`)),
  );
}

/** Which of several findings at one line is the cause: the earliest step that saw the problem. */
const causeRank = (f: Finding): number =>
  f.rule.startsWith('yaml/') ? 0
  : f.rule.startsWith('kustomize') ? 1
  : f.rule === 'schema' ? 2
  // the kubelet's refusal of an image reference is as final as the API server's of a field
  : f.rule.startsWith('apiserver/') || f.rule === 'gitops/image-reference' ? 3
  // an object in the wrong namespace comes before what the contract says of it (the Namespace the same line renamed)
  : f.rule === 'gitops/target-namespace' ? 4
  : f.rule.startsWith('contract') ? 4.5
  : 5;

const uniq = (xs: readonly (string | undefined)[]): string[] => [...new Set(xs.filter((x): x is string => !!x))];

/** `object`, `objects`, `target`, `targets` of one finding or consequence: the first of each, the lists when several. */
const coverage = (objects: readonly string[], targets: readonly string[]) => ({
  ...(objects.length ? { object: objects[0] } : {}),
  ...(objects.length > 1 ? { objects } : {}),
  ...(targets.length ? { target: targets[0] } : {}),
  ...(targets.length > 1 ? { targets } : {}),
});

/** A finding as a consequence of another: every object and target it covers (step 1 may have grouped several). */
const related = (f: Finding): RelatedFinding => ({
  rule: f.rule,
  message: f.message,
  ...coverage(uniq(f.objects ?? [f.object]), uniq(f.targets ?? [f.target])),
  ...(f.file ? { file: f.file } : {}),
  ...(f.line ? { line: f.line } : {}),
});

/**
 * One mistake, one finding:
 * 1. the same rule and source line across objects and targets, about the same path (or with
 *    the same message, for findings without one), is one finding listing every object and target;
 * 2. at a line (or a whole file or directory) that has an error, the other findings there are
 *    its consequences and fold into the one from the earliest step (yaml → kustomize → schema →
 *    API server → policies), of one step the one not judged `against` another field;
 * 3. an object in the wrong namespace (gitops/target-namespace) carries every other
 *    finding about that object in that target: nothing else about it matters until it moves;
 *    so do the references its move broke (a Secret or ConfigMap of its name not found, the
 *    namespace left without a default-deny NetworkPolicy) and the Namespace object renamed with it;
 * 4. a later check's finding that read an object (`reads`) the API server, the schema or kustomize refused in
 *    the same target folds into that refusal;
 * 5. an invalid or expired exemption (`covers`) carries the violations of the policy and object it names;
 * 6. a patch that matched nothing (`misses`) carries the findings about the fields it meant to set, on its kind;
 * 7. a field indented one level too little carries the findings about the sibling it belongs under.
 */
export function oneFindingPerMistake(all: readonly Finding[]): Finding[] {
  // 5 (first, while each exemption's finding is its own). An invalid or expired exemption carries the violations it
  //    was written for, which it no longer covers.
  const lapsed = new Map<string, { by: Finding; targets?: readonly string[] }>();
  for (const f of all) for (const c of f.covers ?? []) lapsed.set(`${c.rule}\0${c.object}`, { by: f, targets: c.targets });
  const coveredBy = (f: Finding): Finding | undefined => {
    if (f.covers) return undefined;
    const e = (f.objects ?? [f.object]).map((o) => lapsed.get(`${f.rule}\0${o}`)).find(Boolean);
    // an exemption limited to targets covers only their findings
    return e && (!e.targets || (f.targets ?? [f.target]).some((t) => t && e.targets!.includes(t))) ? e.by : undefined;
  };
  const findings = lapsed.size ? foldWhere(all, coveredBy) : all;
  // 1. Same rule, same path (or message), same line.
  const groups = new Map<string, Finding[]>();
  const loose: Finding[] = [];
  for (const f of findings) {
    if (!f.file) {
      loose.push(f);
      continue;
    }
    // The same path of objects of different kinds (a Deployment's container and a Job's, both
    // from one images: entry) is one mistake, though the messages name each container.
    const key = [f.severity, f.rule, f.file, f.line ?? 0, f.column ?? 0, f.path ?? f.message, f.hint ?? ''].join('\0');
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  let out: Finding[] = [...groups.values()].map((g) => {
    if (g.length === 1) return g[0]!;
    const objects = uniq(g.flatMap((f): readonly (string | undefined)[] => f.objects ?? [f.object]));
    const targets = uniq(g.flatMap((f): readonly (string | undefined)[] => f.targets ?? [f.target]));
    return { ...g[0]!, ...(objects.length > 1 ? { objects } : {}), ...(targets.length > 1 ? { targets } : {}), ...mergeRelated(g) };
  });

  // 2. Consequences at an error's line fold into its cause.
  const atLine = new Map<string, Finding[]>();
  for (const f of out) {
    // Findings about a whole path (a missing overlay directory, and the Argo CD contract's
    // complaint that its Applications are missing) share it as one "line"; a finding with
    // neither stands alone.
    const key = f.line ? `${f.file}\0${f.line}` : f.file ? `${f.file}\0whole` : `${atLine.size}\0unplaced`;
    atLine.set(key, [...(atLine.get(key) ?? []), f]);
  }
  out = [...atLine.values()].flatMap((here) => {
    if (here.length === 1 || !here.some((f) => f.severity === 'error')) return here;
    // of one step's findings, one about a field this line wrote comes before one judged against it (blame.ts fromAgainst)
    const cause = [...here].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) || causeRank(a) - causeRank(b) || Number(!!a.against) - Number(!!b.against))[0]!;
    return [fold(cause, here.filter((f) => f !== cause))];
  });

  // 3. Objects in the wrong namespace, and what their move breaks in the right one: a reference to a Secret or
  //    ConfigMap of a moved object's name, a namespace left without the moved default-deny NetworkPolicy.
  const misplaced = out.filter((f) => f.rule === 'gitops/target-namespace');
  const owner = new Map<string, Finding>();
  const movedName = new Map<string, Finding>();
  for (const m of misplaced)
    for (const t of m.targets ?? [m.target])
      for (const o of m.objects ?? [m.object]) {
        owner.set(`${t}\0${o}`, m);
        const parts = String(o).split('/');
        // Kind/namespace/name, or Kind/name for an object left without a namespace (no overlay set one)
        const [kind, ns, name] = parts.length === 3 ? parts : [parts[0], undefined, parts[1]];
        if (name) movedName.set(`${t}\0name:${name}`, m).set(`${t}\0kind:${kind}`, m).set(`${t}\0namespace:${ns ?? '(unset)'}`, m);
      }
  const brokenByMove = (f: Finding, t: string | undefined): Finding | undefined => {
    const ref = f.rule === 'correctness/config-references' ? /^(?:Secret|ConfigMap) (\S+) is referenced but not rendered/.exec(f.message)?.[1] : undefined;
    if (ref) return movedName.get(`${t}\0name:${ref}`);
    // the Namespace object the same namespace: line renamed
    // (or the Namespace object no namespace transformer renamed, when none is set)
    if (f.object?.startsWith('Namespace/')) return movedName.get(`${t}\0namespace:${f.object.slice('Namespace/'.length)}`) ?? movedName.get(`${t}\0namespace:(unset)`);
    return f.rule === 'security/default-deny-network-policy' ? movedName.get(`${t}\0kind:NetworkPolicy`) : undefined;
  };
  if (owner.size)
    out = foldWhere(out, (f) =>
      f.rule === 'gitops/target-namespace'
        ? undefined
        : (f.targets ?? [f.target]).flatMap((t) => (f.objects ?? [f.object]).map((o) => owner.get(`${t}\0${o}`))).find(Boolean) ??
          (f.targets ?? [f.target]).map((t) => brokenByMove(f, t)).find(Boolean),
    );

  // 4. A later check's finding computed from an object the API server (or the schema, or kustomize) refused in
  //    the same target is that refusal's consequence: a strategic-merge patch that missed its item left the base's
  //    value, and what a check concludes from it follows from the miss.
  const refused = new Map<string, Finding>();
  for (const f of out)
    if (f.severity === 'error' && causeRank(f) <= 3)
      for (const t of f.targets ?? [f.target]) for (const o of f.objects ?? [f.object]) if (o) refused.set(`${t}\0${o}`, f);
  if (refused.size)
    out = foldWhere(out, (f) =>
      causeRank(f) <= 3 ? undefined : (f.targets ?? [f.target]).flatMap((t) => (f.reads ?? []).map((o) => refused.get(`${t}\0${o}`))).find(Boolean),
    );

  // 6. A patch that matched nothing (kustomize/no-op) carries what later checks say of the fields it meant to set
  //    on objects of its kind: the base's values they judge are there because the patch missed.
  const missed = out.filter((f) => f.misses);
  if (missed.length) {
    const kindOf = (o: string | undefined) => o?.split('/')[0];
    const meant = (f: Finding, m: Finding) =>
      causeRank(f) > 1 &&
      !!f.path &&
      (f.targets ?? [f.target]).some((t) => !!t && (m.targets ?? [m.target]).includes(t)) &&
      (f.objects ?? [f.object]).some((o) => kindOf(o) === m.misses!.kind) &&
      m.misses!.paths.some((p) => f.path === p || f.path!.startsWith(`${p}.`) || f.path!.startsWith(`${p}[`));
    out = foldWhere(out, (f) => (f.misses ? undefined : missed.find((m) => meant(f, m))));
  }

  // 7. A field indented one level too little (schema: `limits` beside `resources`) carries what the checks say of the
  //    sibling it belongs under: that sibling lacks it, so its values are the base's.
  const underIndented = out.flatMap((f) => (f.rule === 'schema' && f.belongsUnder ? [{ f, sibling: f.belongsUnder }] : []));
  if (underIndented.length)
    out = foldWhere(out, (g) =>
      g.rule === 'schema' ? undefined : underIndented.find(({ f, sibling }) => g.object === f.object && g.target === f.target && !!g.path && (g.path === sibling || g.path.startsWith(`${sibling}.`)))?.f,
    );
  return [...out, ...loose];
}

/** Fold each finding `causeOf` names a cause for into that cause (which must be in `out`). */
function foldWhere(out: readonly Finding[], causeOf: (f: Finding) => Finding | undefined): Finding[] {
  const folded = new Map<Finding, Finding[]>();
  const kept = out.filter((f) => {
    const cause = causeOf(f);
    if (!cause || cause === f) return true;
    folded.set(cause, [...(folded.get(cause) ?? []), f]);
    return false;
  });
  return kept.map((f) => (folded.has(f) ? fold(f, folded.get(f)!) : f));
}

/**
 * The consequences of several findings (grouped, or a cause and what folds into it), each rule, message and line once,
 * with the objects and targets of every copy: the same message on three HPAs is one consequence naming the three.
 */
function mergeRelated(g: readonly Finding[]): { related?: RelatedFinding[] } {
  const byKey = new Map<string, RelatedFinding>();
  for (const r of g.flatMap((f): readonly RelatedFinding[] => f.related ?? [])) {
    const k = `${r.rule}\0${r.message}\0${r.file}\0${r.line}`;
    const seen = byKey.get(k);
    byKey.set(
      k,
      seen
        ? { ...seen, ...coverage(uniq([...(seen.objects ?? [seen.object]), ...(r.objects ?? [r.object])]), uniq([...(seen.targets ?? [seen.target]), ...(r.targets ?? [r.target])])) }
        : r,
    );
  }
  return byKey.size ? { related: [...byKey.values()] } : {};
}

function fold(cause: Finding, consequences: readonly Finding[]): Finding {
  if (!consequences.length) return cause;
  const objects = uniq([...(cause.objects ?? [cause.object])]);
  const targets = uniq([...(cause.targets ?? [cause.target])]);
  const list = mergeRelated([cause, { ...cause, related: consequences.flatMap((c) => [related(c), ...(c.related ?? [])]) }]);
  return { ...cause, ...(objects.length > 1 ? { objects } : {}), ...(targets.length > 1 ? { targets } : {}), ...list };
}
