// Shared shapes of the validate pipeline: rendered objects and findings.
// Schema checks, policies and reporters all speak these.
import type { EnvName, ClusterName } from '../generators/environments.ts';

/**
 * A Kubernetes object as plain data (what kustomize prints, parsed): the one object type
 * of the tooling, the policies and the tests. Generators build typed kubernetes-models
 * instances instead (generators/lib/component.ts), which render to this.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: any };
  [k: string]: any;
}

/** What was rendered: an environment overlay, a per-cluster platform overlay, or loose files. */
export type TargetKind = 'env' | 'platform' | 'preview' | 'files' | 'argocd';

export interface Target {
  /** `dev`, `test`, `prod`, `platform/nonprod`, `preview`, `argocd`, or a path for loose files */
  readonly name: string;
  readonly kind: TargetKind;
  /** Repo-relative directory that was rendered (overlays/dev) or the file path. */
  readonly path: string;
  readonly env?: EnvName;
  readonly cluster?: ClusterName;
  /** Namespace every namespaced object must be in (env targets and platform targets). */
  readonly namespace?: string;
}

/** One object as rendered, with where it came from. */
export interface RenderedObject {
  readonly target: Target;
  /** The object with origin annotations removed. */
  readonly object: Record<string, any>;
  /** Repo-relative source file (kustomize origin annotation, or the file itself). */
  readonly origin?: string;
  /** Index among the target's rendered objects (stable ordering). */
  readonly index: number;
}

export type Severity = 'error' | 'warning';

export interface Finding {
  /** `schema`, `yaml`, `drift`, `kustomize`, `contract`, or a policy id such as `security/run-as-non-root` */
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  /** Short, concrete fix. */
  readonly hint?: string;
  readonly target?: string;
  /** `Kind/namespace/name` or `Kind/name` */
  readonly object?: string;
  /** Repo-relative file the problem is in (origin, or a patch that introduced the field). */
  readonly file?: string;
  /** 1-based line in `file` when it is a YAML file of the repository. */
  readonly line?: number;
  readonly column?: number;
  /** JSON path in the object, e.g. `spec.template.spec.containers[0].image`. */
  readonly path?: string;
  /**
   * When one source line causes the same finding in several objects or targets, the
   * finding is reported once: every object (`object` is the first) and every target.
   */
  readonly objects?: readonly string[];
  readonly targets?: readonly string[];
  /** Consequences of this finding, folded into it (same source line, or an object in the wrong namespace). */
  readonly related?: readonly RelatedFinding[];
  /**
   * Other objects (`Kind/namespace/name`) the check read to reach this finding, such as the
   * StatefulSet whose memory limit a ConfigMap's value is judged against: when one of them is
   * refused, this finding is a consequence of that refusal.
   */
  readonly reads?: readonly string[];
  /**
   * An invalid or expired exemption's finding: the policy (the one it meant, when misspelt) and object of each entry
   * it is about (several for a shared constant that is wrong), whose violations it no longer covers and which fold into it.
   */
  readonly covers?: readonly { readonly rule: string; readonly object: string; readonly targets?: readonly string[] }[];
  /**
   * A patch that matched nothing (kustomize/no-op): the kind it targets and the fields it would have set (dotted
   * paths): what a check says of those fields of that kind in the same target follows from the miss.
   */
  readonly misses?: { readonly kind: string; readonly paths: readonly string[] };
  /** A schema finding about a misspelt required field: the path of the field it stands for, which other checks miss. */
  readonly standsFor?: string;
  /** A schema finding about a field indented one level too little: the path of the sibling it belongs under. */
  readonly belongsUnder?: string;
  /**
   * The value at `path` is not there (a contract finding about a field the overlay dropped or never set): validate
   * places the finding at the nearest parent the object has, in the overlay patch that holds it when one does.
   */
  readonly absent?: true;
  /**
   * Line and column inside the string value at `path`, when that value is a file's text (a ConfigMap key a
   * generator's `files:` entry made): validate places the finding at that line of the file.
   */
  readonly within?: Within;
  /**
   * Other fields the check judged `path` against (the selector a template's labels must match, the NetworkPolicies'
   * podSelectors a pod's labels were matched with, the HPAs that could scale a workload): when `path` holds the
   * generator's value and an overlay changed one of these so that it no longer selects or names what it did,
   * that overlay line is where the mistake was made (blame.ts).
   */
  readonly against?: readonly Against[];
}

/** A field a finding was judged against, and what its generator's value did that the rendered one does not. */
export interface Against {
  /** `Kind/namespace/name` of its object (the finding's own when omitted) */
  readonly object?: string;
  /** its JSON path, as findings write paths */
  readonly path: string;
  /** a label selector that must select these labels */
  readonly selects?: Readonly<Record<string, string>>;
  /** a value that must be one of these */
  readonly oneOf?: readonly unknown[];
}

/** 1-based line and column inside a string value. */
export interface Within {
  readonly line: number;
  readonly column: number;
}

/** A finding folded into another: what it said and where. */
export interface RelatedFinding {
  readonly rule: string;
  readonly message: string;
  readonly object?: string;
  readonly file?: string;
  readonly line?: number;
  /**
   * Every object and target the consequence was seen on, as a finding lists them: one rule and message on three HPAs,
   * or on one HPA in each of three environments, is one consequence naming all of them. `object` and `target` are the
   * first; `objects` and `targets` are there when there are several.
   */
  readonly objects?: readonly string[];
  readonly target?: string;
  readonly targets?: readonly string[];
}

/** `Kind/namespace/name`; a part that is not a string (a mistyped `name: {…}`) is `?`, not `[object Object]`. */
const refPart = (v: unknown): string | undefined => (typeof v === 'string' || typeof v === 'number' ? String(v) : v === undefined || v === null ? undefined : '?');
export const objectRef = (o: Record<string, any>): string =>
  [refPart(o?.kind) ?? '?', refPart(o?.metadata?.namespace), refPart(o?.metadata?.name) ?? '?'].filter(Boolean).join('/');

/** The value at `path` in `o` (undefined where the path leads nowhere). */
export function valueAt(o: unknown, path: readonly (string | number)[]): unknown {
  let v: any = o;
  for (const s of path) v = v?.[s];
  return v;
}
