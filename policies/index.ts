// The policy registry: every policy in documentation order, the declared exemptions, and the runner over them all
// (runner.ts) — every rendered object of every target at once (so cross-environment checks see them all).
import type { Finding, RenderedObject } from '../kube/index.ts';
import { exemptions as declaredExemptions } from './exemptions.ts';
import { policyRunnerOf, type PolicyRun, type RunOptions } from './runner.ts';
import { categories, isRepoPolicy, type DeclaredExemption, type Policy, type RepoMemo } from './types.ts';

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

export type { PolicyRun, RunOptions } from './runner.ts';

/**
 * Run every policy (but the repository-file ones, see checkKustomizations) over the
 * rendered objects of all targets at once. Pure and synchronous: no I/O.
 */
export function runPolicies(rendered: readonly RenderedObject[], opts: RunOptions = {}): PolicyRun {
  return policyRunner(opts)(rendered);
}

/** runPolicies with its options fixed, the policies they select worked out once (runner.ts policyRunnerOf). */
export const policyRunner = (opts: RunOptions = {}): ((rendered: readonly RenderedObject[]) => PolicyRun) => policyRunnerOf(policies, policyIds, opts);

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
