// The policy registry and runner: every policy over every rendered object of every
// target at once (so cross-environment checks see them all), exemptions applied.
import { objectRef, type Finding, type RenderedObject } from '../kube/index.ts';
import { applyExemptions, type AppliedExemption, type RawFinding } from './lib/exemptions.ts';
import { ObjectIndex, namespaceOf } from './lib/index-objects.ts';
import { exemptions as declaredExemptions } from './exemptions.ts';
import { previewProfile } from '../generators/environments.ts';
import { categories, isObjectPolicy, isRepoPolicy, isSetPolicy, type DeclaredExemption, type ObjectPolicy, type Policy, type PolicyContext, type RepoMemo, type Violation } from './types.ts';

import readinessProbe from './availability/readiness-probe.ts';
import livenessProbe from './availability/liveness-probe.ts';
import probePort from './availability/probe-port.ts';
import minReplicas from './availability/min-replicas.ts';
import podDisruptionBudget from './availability/pod-disruption-budget.ts';
import spreadReplicas from './availability/spread-replicas.ts';
import hpaTargetExists from './availability/hpa-target-exists.ts';
import hpaNoStaticReplicas from './availability/hpa-no-static-replicas.ts';
import pdbWithinHpa from './availability/pdb-within-hpa.ts';
import hpaCpuRequests from './availability/hpa-cpu-requests.ts';
import cpuRequests from './resources/cpu-requests.ts';
import memoryRequests from './resources/memory-requests.ts';
import memoryLimits from './resources/memory-limits.ts';
import runAsNonRoot from './security/run-as-non-root.ts';
import readOnlyRootFilesystem from './security/read-only-root-filesystem.ts';
import noPrivilegeEscalation from './security/no-privilege-escalation.ts';
import dropAllCapabilities from './security/drop-all-capabilities.ts';
import noPrivileged from './security/no-privileged.ts';
import noHostNamespaces from './security/no-host-namespaces.ts';
import noHostPath from './security/no-host-path.ts';
import seccompRuntimeDefault from './security/seccomp-runtime-default.ts';
import noAutomountToken from './security/no-automount-token.ts';
import defaultDenyNetworkPolicy from './security/default-deny-network-policy.ts';
import networkPolicyCoverage from './security/network-policy-coverage.ts';
import noPlaintextSecrets from './security/no-plaintext-secrets.ts';
import noSecretValues from './security/no-secret-values.ts';
import selectorMatchesTemplate from './correctness/selector-matches-template.ts';
import serviceSelectsPods from './correctness/service-selects-pods.ts';
import serviceTargetPort from './correctness/service-target-port.ts';
import noDuplicateEnv from './correctness/no-duplicate-env.ts';
import ingressBackend from './correctness/ingress-backend.ts';
import configReferences from './correctness/config-references.ts';
import serviceAccountExists from './correctness/service-account-exists.ts';
import networkPolicyPort from './correctness/network-policy-port.ts';
import prometheusRules from './correctness/prometheus-rules.ts';
import alertmanagerConfig from './correctness/alertmanager-config.ts';
import prometheusFlags from './correctness/prometheus-flags.ts';
import externalSecretReferences from './correctness/external-secret-references.ts';
import postgresParameters from './correctness/postgres-parameters.ts';
import cnpgFixedParameters from './correctness/cnpg-fixed-parameters.ts';
import cnpgPlugins from './correctness/cnpg-plugins.ts';
import affinitySelectsPods from './correctness/affinity-selects-pods.ts';
import analysisQueryParses from './rollouts/analysis-query-parses.ts';
import analysisMetricsExist from './rollouts/analysis-metrics-exist.ts';
import analysisArgsBound from './rollouts/analysis-args-bound.ts';
import rolloutReferencesExist from './rollouts/references-exist.ts';
import splitServicesMatch from './rollouts/split-services-match.ts';
import rolloutSpecValid from './rollouts/spec-valid.ts';
import analysisAddressResolves from './rollouts/analysis-address-resolves.ts';
import uniqueClusterObjects from './cross-environment/unique-cluster-objects.ts';
import uniqueHostPorts from './cross-environment/unique-host-ports.ts';
import imageTagRequired from './gitops/image-tag-required.ts';
import imageReference from './gitops/image-reference.ts';
import noMutableTags from './gitops/no-mutable-tags.ts';
import allowedRegistries from './gitops/allowed-registries.ts';
import digestPinning from './gitops/digest-pinning.ts';
import targetNamespace from './gitops/target-namespace.ts';
import noDefaultNamespace from './gitops/no-default-namespace.ts';
import noRemoteBases from './gitops/no-remote-bases.ts';
import noDeprecatedApi from './gitops/no-deprecated-api.ts';
import requiredLabels from './gitops/required-labels.ts';
import { apiserverPolicies } from './apiserver/index.ts';

export { contractFindings } from './contract/index.ts';
export type { AppliedExemption } from './lib/exemptions.ts';
export type { Policy, DeclaredExemption, Exemption, Category } from './types.ts';

/** Every policy, in documentation order (category, then as listed). */
export const policies: readonly Policy[] = [
  ...apiserverPolicies,
  readinessProbe, livenessProbe, probePort, minReplicas, podDisruptionBudget, spreadReplicas,
  hpaTargetExists, hpaNoStaticReplicas, pdbWithinHpa, hpaCpuRequests,
  cpuRequests, memoryRequests, memoryLimits,
  runAsNonRoot, readOnlyRootFilesystem, noPrivilegeEscalation, dropAllCapabilities, noPrivileged,
  noHostNamespaces, noHostPath, seccompRuntimeDefault, noAutomountToken, defaultDenyNetworkPolicy,
  networkPolicyCoverage, noPlaintextSecrets, noSecretValues,
  selectorMatchesTemplate, serviceSelectsPods, serviceTargetPort, noDuplicateEnv, ingressBackend, configReferences, serviceAccountExists,
  networkPolicyPort, prometheusRules, alertmanagerConfig, prometheusFlags, postgresParameters, cnpgFixedParameters, cnpgPlugins, externalSecretReferences, affinitySelectsPods,
  analysisQueryParses, analysisMetricsExist, analysisArgsBound, analysisAddressResolves, rolloutReferencesExist, splitServicesMatch, rolloutSpecValid,
  uniqueClusterObjects, uniqueHostPorts,
  imageTagRequired, imageReference, noMutableTags, allowedRegistries, digestPinning, targetNamespace, noDefaultNamespace,
  noRemoteBases, noDeprecatedApi, requiredLabels,
].sort((a, b) => categories.indexOf(a.category) - categories.indexOf(b.category));

/** The declared exemptions (policies/exemptions.ts). */
export const exemptions: readonly DeclaredExemption[] = declaredExemptions;

export const policyIds: ReadonlySet<string> = new Set(policies.map((p) => p.id));

export interface RunOptions {
  /** Day exemptions are judged against. @default new Date() */
  readonly today?: Date;
  /** Only these policy ids, or categories (`security`). @default every policy */
  readonly only?: readonly string[];
  /** Exemptions to apply. @default the declared ones (policies/exemptions.ts) */
  readonly exemptions?: readonly DeclaredExemption[];
  /**
   * The targets rendered, when only some were (validate --env): an exemption is judged
   * "unmatched" only where every target it names was checked. @default every target was
   */
  readonly checkedTargets?: ReadonlySet<string>;
}

export interface PolicyRun {
  /** Violations not covered by an exemption. */
  readonly findings: Finding[];
  /** Problems with exemptions themselves: expired (error), invalid (error), unmatched and expiring (warning). */
  readonly exemptionFindings: Finding[];
  /** Every declared exemption with its status and the findings it covered. */
  readonly applied: AppliedExemption[];
}

const selected = (only: readonly string[] | undefined) => (p: Policy) =>
  !only?.length || only.some((o) => p.id === o || p.category === o);

/** Policies a preview is not held to: its profile in the environment contract (generators/environments.ts). */
const previewRelaxes: ReadonlySet<string> = new Set(Object.keys(previewProfile.relaxes));

function applies(p: Policy, r: RenderedObject): boolean {
  // A preview is checked by every policy, environment-scoped ones included, but those its profile relaxes.
  if (r.target.kind === 'preview') return !previewRelaxes.has(p.id);
  if (!p.envs) return true;
  return r.target.kind === 'env' && !!r.target.env && p.envs.includes(r.target.env);
}

function toRaw(p: Policy, subject: RenderedObject, v: Violation): RawFinding {
  const o = subject.object;
  const namespace = namespaceOf(subject);
  return {
    rule: p.id,
    severity: v.severity ?? p.severity,
    message: v.message,
    hint: v.hint ?? p.hint,
    target: subject.target.name,
    object: objectRef(o),
    ...(subject.origin ? { file: subject.origin } : {}),
    ...(v.path ? { path: v.path } : {}),
    kind: String(o?.kind ?? '?'),
    ...(namespace !== undefined ? { namespace } : {}),
    name: String(o?.metadata?.name ?? '?'),
    ...(v.container ? { container: v.container } : {}),
    ...(v.within ? { within: v.within } : {}),
    ...(v.against?.length ? { against: v.against } : {}),
  };
}

/**
 * Run every policy (but the repository-file ones, see checkKustomizations) over the
 * rendered objects of all targets at once. Pure and synchronous: no I/O.
 */
export function runPolicies(rendered: readonly RenderedObject[], opts: RunOptions = {}): PolicyRun {
  return policyRunner(opts)(rendered);
}

/**
 * runPolicies with its options fixed, the policies they select worked out once: for a caller that runs the same
 * policies over object after object (files mode checks each object on its own, tens of thousands of them).
 */
export function policyRunner(opts: RunOptions = {}): (rendered: readonly RenderedObject[]) => PolicyRun {
  const run = policies.filter(selected(opts.only)).filter((p) => !isRepoPolicy(p));
  const ran = new Set(run.map((p) => p.id));
  const declared = opts.exemptions ?? exemptions;
  const { checkedTargets } = opts;
  // per policy of listed kinds, how often each kind is listed: one object is its subject that many times
  const kindCounts = run.map((p) => {
    if (!isObjectPolicy(p) || p.kinds === '*') return undefined;
    const counts = new Map<string, number>();
    for (const k of p.kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
    return counts;
  });
  return (rendered) => {
    const ctx = new RunContext(rendered);
    const raw: RawFinding[] = [];
    // One object (files mode checks each on its own): it is a subject once for each time a policy lists its kind (as
    // index.ofKind keys it), and no index is built unless a policy reads one.
    const single = rendered.length === 1 ? rendered[0]! : undefined;
    const singleKind = single ? String(single.object?.kind ?? '') : '';
    for (let i = 0; i < run.length; i++) {
      const p = run[i]!;
      if (isObjectPolicy(p)) {
        if (p.kinds === '*') for (const s of rendered) checkSubject(p, s, ctx, raw);
        else if (single) {
          for (let n = kindCounts[i]!.get(singleKind) ?? 0; n > 0; n--) checkSubject(p, single, ctx, raw);
        } else for (const k of p.kinds) for (const s of ctx.index.ofKind(k)) checkSubject(p, s, ctx, raw);
      } else if (isSetPolicy(p)) {
        for (const v of p.checkAll(ctx)) if (applies(p, v.subject)) raw.push(toRaw(p, v.subject, v));
      }
    }
    // nothing to match, expire or report: files mode's usual object, checked without exemptions, finding nothing
    if (!raw.length && !declared.length) return { findings: [], exemptionFindings: [], applied: [] };
    if (raw.length > 1) raw.sort(compareFindings);
    const today = opts.today ?? new Date();
    return applyExemptions(raw, declared, checkedTargets ? { today, policyIds, ran, checkedTargets } : { today, policyIds, ran });
  };
}

/** The context of one run; its index is built when a policy first reads it. */
class RunContext implements PolicyContext {
  private built: ObjectIndex | undefined;
  constructor(readonly objects: readonly RenderedObject[]) {}
  get index(): ObjectIndex {
    return (this.built ??= new ObjectIndex(this.objects));
  }
}

/** An object policy's violations of one subject (when the policy applies to it), as raw findings. */
function checkSubject(p: ObjectPolicy, s: RenderedObject, ctx: PolicyContext, raw: RawFinding[]): void {
  if (!applies(p, s)) return;
  for (const v of p.check(s, ctx)) raw.push(toRaw(p, v.subject ?? s, v));
}

/**
 * The repository-file policies (gitops/no-remote-bases): kustomization files with
 * remote resources/components/bases or chart repositories, with file and line.
 */
export function checkKustomizations(root: string, memo: RepoMemo = (_file, _text, fn) => fn()): Finding[] {
  const out: Finding[] = [];
  for (const p of policies)
    if (isRepoPolicy(p))
      for (const v of p.checkRepo(root, (file, text, fn) => memo(`${p.id}:${file}`, text, fn)))
        out.push({
          rule: p.id,
          severity: v.severity ?? p.severity,
          message: v.message,
          hint: v.hint ?? p.hint,
          file: v.file,
          ...(v.line ? { line: v.line } : {}),
          ...(v.column ? { column: v.column } : {}),
          ...(v.path ? { path: v.path } : {}),
        });
  return out;
}

/** Stable, locale-independent order: target, object, rule, path. */
function compareFindings(a: Finding, b: Finding): number {
  return cmp(a.target, b.target) || cmp(a.object, b.object) || cmp(a.rule, b.rule) || cmp(a.path, b.path);
}

const cmp = (a: string | undefined, b: string | undefined): number => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);
