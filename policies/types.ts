// The shape of a policy and of an exemption. A policy is data (id, title,
// severity, rationale, where it applies) plus one pure check over rendered objects.
import type { EnvName } from '../generators/environments.ts';
import type { Against, RenderedObject, Severity, Within } from '../kube/index.ts';
import type { ObjectIndex } from './lib/index-objects.ts';

export type Category = 'apiserver' | 'availability' | 'resources' | 'security' | 'correctness' | 'rollouts' | 'cross-environment' | 'gitops';

export const categories: readonly Category[] = ['apiserver', 'availability', 'resources', 'security', 'correctness', 'rollouts', 'cross-environment', 'gitops'];

/** What a policy module declares; its category is not declared but read from its id (policies/lib/define.ts). */
export interface PolicyMeta {
  /** `<category>/<name>`, the `rule` of its findings and the key of exemptions. */
  readonly id: string;
  readonly title: string;
  /**
   * Severity of a violation unless the check overrides it (digest pinning outside prod).
   * @default 'error': a policy names what the API server, Argo CD or the running system would refuse or break
   */
  readonly severity?: Severity;
  /** Why the rule exists, one or two sentences (docs/policies.md). */
  readonly rationale: string;
  /** Default one-line fix. */
  readonly hint: string;
  /**
   * Environments the policy applies to (environment overlays only). Omitted: every
   * rendered target (environment overlays, per-cluster platform overlays, argocd/).
   */
  readonly envs?: readonly EnvName[];
  /** Where the rule comes from (kube-linter, Polaris, kube-score, Kyverno policy names). */
  readonly references?: readonly string[];
}

/** One problem found by a check, on the object it is checking (or on `subject`, for set checks). */
export interface Violation {
  readonly message: string;
  /** JSON path inside the object, e.g. `spec.template.spec.containers[0].securityContext.runAsNonRoot`. */
  readonly path?: string;
  readonly hint?: string;
  /** Overrides the policy's severity (e.g. digest pinning is a warning where not required). */
  readonly severity?: Severity;
  /** Container name, so an exemption can name one container of a workload. */
  readonly container?: string;
  /**
   * The object the finding is reported on when it is not the one being checked
   * (a replica floor reported on the HPA whose minReplicas sets it).
   */
  readonly subject?: RenderedObject;
  /** Where in the string value at `path` the problem is (a config file a generator made a data key of). */
  readonly within?: Within;
  /** Other fields the finding was judged against, which an overlay may have changed instead (Finding.against). */
  readonly against?: readonly Against[];
}

export interface PolicyContext {
  /** Every rendered object of every target, in one list (cross-environment checks need them all). */
  readonly objects: readonly RenderedObject[];
  readonly index: ObjectIndex;
}

/** Checks one object at a time; the runner hands it only objects of `kinds`. */
/** A defined policy: its declaration plus the category its id names and its severity. */
export interface DefinedMeta extends PolicyMeta {
  readonly severity: Severity;
  readonly category: Category;
}

export interface ObjectPolicy extends DefinedMeta {
  /** Object kinds checked; `*` for every object. */
  readonly kinds: readonly string[] | '*';
  check(subject: RenderedObject, ctx: PolicyContext): Iterable<Violation>;
}

/** Checks the whole set at once (cross-object, cross-environment) through the index. */
export interface SetPolicy extends DefinedMeta {
  readonly kinds?: undefined;
  checkAll(ctx: PolicyContext): Iterable<Violation & { readonly subject: RenderedObject }>;
}

/** Checks repository files rather than rendered objects (the kustomizations themselves). */
export interface RepoPolicy extends DefinedMeta {
  readonly kinds?: undefined;
  /**
   * `memo(file, text, fn)` may return an earlier result of `fn` for the same file
   * and text (the caller's cache; policies keep none of their own).
   */
  checkRepo(root: string, memo: RepoMemo): Iterable<RepoViolation>;
}

export interface RepoViolation extends Violation {
  /** Repo-relative file. */
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

export type Policy = ObjectPolicy | SetPolicy | RepoPolicy;

export const isObjectPolicy = (p: Policy): p is ObjectPolicy => 'check' in p;
export const isSetPolicy = (p: Policy): p is SetPolicy => 'checkAll' in p;
/** A pure function of one file's text, remembered by the caller. */
export type RepoMemo = (file: string, text: string, fn: () => RepoViolation[]) => RepoViolation[];

export const isRepoPolicy = (p: Policy): p is RepoPolicy => 'checkRepo' in p;

/** `YYYY-MM-DD` */
export type IsoDate = `${number}-${number}-${number}`;

/**
 * A declared, temporary exception to one policy for one object (optionally one
 * container). Lives in policies/exemptions.ts; never in annotations.
 */
export interface Exemption {
  /** Policy id, e.g. `security/no-host-path`. */
  readonly policy: string;
  readonly object: {
    readonly kind: string;
    /** Omit for cluster-scoped objects. */
    readonly namespace?: string;
    readonly name: string;
    /** Only this container of the workload. */
    readonly container?: string;
  };
  /** Rendered target(s) it is limited to (`prod`, `platform/prod`); omitted = every target. */
  readonly targets?: readonly string[];
  /** Why the violation is acceptable, and what ends it. Required. */
  readonly reason: string;
  /** Team or person accountable for it. */
  readonly owner: `@${string}`;
  /** Last day the exemption applies (UTC). After it, validation fails. */
  readonly expires: IsoDate;
}

/** An exemption with where it is declared (filled by `exempt()`). */
export interface DeclaredExemption extends Exemption {
  /** Repo-relative file and 1-based line of the declaration. */
  readonly declaredAt?: {
    readonly file: string;
    readonly line?: number;
    readonly fields?: Readonly<Record<string, number>>;
    /** Fields written as a constant shared by entries (`owner: platform`): the constant's name and the line declaring it. */
    readonly shared?: Readonly<Record<string, { readonly name: string; readonly line: number }>>;
  };
}
