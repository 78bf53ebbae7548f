// A pod (anti-)affinity term whose labelSelector matches no pod is accepted by the API server and then
// does nothing, or keeps the pods Pending. Judged against the pod templates rendered in the namespaces the
// term reads (its own namespace unless it names others), the workload's own included, and CloudNativePG's
// instance pods there.
import { podPolicy } from '../lib/define.ts';
import { namespaceOf } from '../lib/index-objects.ts';
import { namespacesSelected, reachesUnrendered, renderedNamespaces, type KnownNamespaces } from '../lib/namespaces.ts';
import { key, selectorMatches, type LabelSelector } from '../../kube/index.ts';
import { ValidateLabelSelector } from '../apiserver/lib/field.ts';

type Term = { labelSelector?: LabelSelector | null; namespaces?: string[] | null; namespaceSelector?: LabelSelector | null; topologyKey?: string };

/**
 * The namespaces whose pods a term reads, as kube-scheduler builds it (pkg/scheduler/framework/types.go
 * newAffinityTerm, getNamespacesFromPodAffinityTerm, AffinityTerm.Matches): the `namespaces` list, plus
 * every namespace whose labels the namespaceSelector matches; with neither, the pod's own. A null
 * namespaceSelector selects no namespace and `{}` every one (metav1.LabelSelectorAsSelector).
 * Undefined when they cannot be known here, and the term is not judged: a listed namespace no overlay
 * renders (its pods are not in the render), or a namespaceSelector that selects no rendered Namespace
 * (it means namespaces by labels only others carry), `{}`: every namespace of the cluster, kube-system and the
 * operators' among them, whose pods no overlay renders (a term aimed at CoreDNS is right there, and would read here
 * as matching nothing), or a selector that reaches such a namespace besides rendered ones (lib/namespaces.ts
 * reachesUnrendered: `In [marquee-prod, kube-system]`, NotIn alone).
 */
function namespacesOf(term: Term, own: string, known: KnownNamespaces): string[] | undefined {
  const listed = term.namespaces ?? [];
  const selector = term.namespaceSelector;
  if (!listed.length && !selector) return [own];
  if (listed.some((ns) => ns !== own && !known.has(ns))) return undefined;
  const out = new Set(listed);
  if (selector) {
    const selected = namespacesSelected(selector, known);
    // as for NetworkPolicy peers: one that also reaches a namespace no overlay renders reads pods unknown here
    if (!selected || reachesUnrendered(selector, known)) return undefined;
    for (const ns of selected) out.add(ns);
  }
  return [...out].sort();
}

/** The label keys a selector requires a pod to carry: matchLabels keys, In and Exists expressions. */
const requiredKeys = (sel: LabelSelector): string[] => [
  ...Object.keys(sel.matchLabels ?? {}),
  ...(sel.matchExpressions ?? []).filter((e) => e.operator === 'In' || e.operator === 'Exists').map((e) => e.key),
];

export default podPolicy(
  {
    id: 'correctness/affinity-selects-pods',
    title: 'Pod affinity and anti-affinity terms select pods that are rendered in the namespaces they read',
    rationale:
      'The API server accepts any labelSelector in an affinity term. A required podAffinity term that matches no pod (not even the pod itself) keeps every new pod Pending: the scheduler\'s InterPodAffinity filter lets a pod through with no matching pod only when it matches its own term. An anti-affinity or preferred term that matches nothing silently does nothing: a misspelt app name leaves the replicas free to share a node or zone. The first is an error, the rest warnings. A term reads the pods of its namespaces list and of the namespaces its namespaceSelector selects ({} selects all), or with neither the pod\'s own namespace. It is judged when those namespaces are known here: every listed one is rendered (a Namespace object on the cluster), and a namespaceSelector selects at least one rendered Namespace by its labels (kubernetes.io/metadata.name included); a selector on labels no rendered Namespace carries means namespaces this repository does not render, and is not judged. {} selects every namespace of the cluster, those this repository does not render too, and is not judged. Then every label key the term requires must be carried by some pod template rendered in those namespaces or by CloudNativePG\'s instance pods (the Cluster\'s inheritedMetadata labels, cnpg.io/cluster, role primary or replica); a key only another controller adds (job-name) is not judged.',
    hint: "select labels the intended pods carry (their pod template's labels; for the workload's own pods its selector, generators/lib/labels.ts selectorFor)",
    references: [
      'kubernetes/kubernetes pkg/scheduler/framework/plugins/interpodaffinity/filtering.go (satisfyPodAffinity, satisfyPodAntiAffinity)',
      'kubernetes/kubernetes staging/src/k8s.io/api/core/v1/types.go PodAffinityTerm (a null labelSelector matches no pods; null namespaces and namespaceSelector mean the pod\'s namespace)',
      'kubernetes/kubernetes pkg/scheduler/framework/types.go (newAffinityTerm, getNamespacesFromPodAffinityTerm, AffinityTerm.Matches: namespaces ∪ namespaceSelector, a null namespaceSelector selects nothing, {} everything)',
    ],
  },
  (t, subject, ctx) => {
    const affinity = t.spec.affinity ?? {};
    const terms: { term: Term; path: string; required: boolean; anti: boolean }[] = [];
    for (const [field, anti] of [['podAffinity', false], ['podAntiAffinity', true]] as const) {
      const a = affinity[field] ?? {};
      const base = `${t.specPath}.affinity.${field}`;
      (a.requiredDuringSchedulingIgnoredDuringExecution ?? []).forEach((term: Term, i: number) =>
        terms.push({ term, path: `${base}.requiredDuringSchedulingIgnoredDuringExecution[${i}]`, required: true, anti }),
      );
      (a.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((p: { podAffinityTerm?: Term }, i: number) =>
        terms.push({ term: p?.podAffinityTerm ?? {}, path: `${base}.preferredDuringSchedulingIgnoredDuringExecution[${i}].podAffinityTerm`, required: false, anti }),
      );
    }
    if (!terms.length) return undefined;
    const own = namespaceOf(subject);
    if (own === undefined) return undefined;
    const known = renderedNamespaces(ctx.index, subject);
    const out = [];
    for (const { term, path, required, anti } of terms) {
      const namespaces = namespacesOf(term, own, known);
      if (!namespaces) continue;
      const near = namespaces.flatMap((ns) => ctx.index.workloadsNear(subject, ns));
      const carried = new Set(near.flatMap((w) => Object.keys(w.template.labels)));
      const sel = term.labelSelector;
      const kind = `${required ? 'required' : 'preferred'} ${anti ? 'anti-affinity' : 'affinity'} term`;
      const severity = required && !anti ? ('error' as const) : ('warning' as const);
      if (!sel) {
        out.push({ path, severity, message: `${kind} has no labelSelector: it matches no pod${required && !anti ? ', so the pods never schedule' : ' and does nothing'}` });
        continue;
      }
      // a selector the API server refuses (operator: in, In without values) is its one finding, apiserver/*
      if (ValidateLabelSelector(sel, '').length) continue;
      if (!requiredKeys(sel).every((k) => carried.has(k))) continue;
      if (near.some((w) => selectorMatches(sel, w.template.labels))) continue;
      // the one matchLabels pair no pod carries is most likely the line written
      const missing = Object.entries(sel.matchLabels ?? {}).filter(([k, v]) => !near.some((w) => w.template.labels[k] === v));
      const at = missing.length === 1 ? key(`${path}.labelSelector.matchLabels`, missing[0]![0]) : `${path}.labelSelector`;
      const values = (k: string) => [...new Set(near.flatMap((w) => (w.template.labels[k] !== undefined ? [w.template.labels[k]!] : [])))].sort();
      // the workload's own labels are a hint only where the term reads its pods
      const ownValue = missing.length === 1 && namespaces.includes(own) ? t.labels[missing[0]![0]] : undefined;
      out.push({
        path: at,
        severity,
        message:
          `${kind} selects ${missing.length === 1 ? `${missing[0]![0]}=${missing[0]![1]}` : 'labels'} that no pod rendered in ${namespaces.length === 1 ? 'namespace' : 'namespaces'} ${namespaces.join(', ')} carries` +
          (required && !anti ? ': no pod matches it, not even this one, so the scheduler keeps every new pod Pending' : `: the term never matches${anti ? ', not even this workload\'s own pods' : ''}, so it does nothing`),
        ...(missing.length === 1
          ? { hint: `${ownValue !== undefined ? `this workload's own pods carry ${missing[0]![0]}=${ownValue}; ` : ''}pods there carry ${missing[0]![0]} = ${values(missing[0]![0]).join(', ') || '(none)'}` }
          : {}),
      });
    }
    return out;
  },
);
