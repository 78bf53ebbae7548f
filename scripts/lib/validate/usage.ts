import { apiRemovalsRange } from '../../../kube/api-removals.ts';

/** Oldest supported cluster version when the target names none (files mode without --kubernetes-version). */
export const defaultKubernetesVersion = '1.31';

/**
 * Bad invocation or environment: exit code 2. Told apart by its name, which every bundled copy of this class gives
 * (validate's modes are bundles of their own, each with its own copy: scripts/validate.ts).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * `--kubernetes-version`: `1.31`, `v1.31` or `1.31.2`, as the cluster version the
 * removed-API check compares with (major.minor). Anything else is a usage error: an
 * unreadable version would silently turn that check off, and one past the removal table's
 * range would be judged with a guess.
 */
export function parseKubernetesVersion(v: string): string {
  const m = /^v?(1)\.(\d{1,3})(?:\.\d+)?$/.exec(v.trim());
  if (!m) throw new UsageError(`--kubernetes-version ${v}: expected a Kubernetes version such as 1.31 (major.minor, optionally v-prefixed or with a patch number)`);
  const minor = Number(m[2]);
  const { oldest, newest } = apiRemovalsRange;
  if (minor < oldest || minor > newest) throw new UsageError(`--kubernetes-version ${v}: validate knows Kubernetes 1.${oldest} to 1.${newest} (the removed-API table's range)`);
  return `${m[1]}.${minor}`;
}
