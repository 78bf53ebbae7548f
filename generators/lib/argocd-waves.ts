// Argo CD ordering inside one Application: sync waves (lower first; Argo CD waits for a
// wave to be healthy before the next) and hooks. One table, so the numbers in the
// manifests, docs/data.md and the Application waves in generators/argocd agree.

/**
 * Resource waves. The data Application applies secretStore → secrets → data →
 * bootstrap; the services Application runs the migrations as a PreSync hook, so
 * they finish before any Deployment of the same sync changes.
 */
export const waves = {
  /** SecretStore and its ServiceAccount: ExternalSecrets cannot resolve before it exists. */
  secretStore: -2,
  /** ExternalSecrets (Argo CD waits for SecretSynced), NetworkPolicies, ConfigMaps. */
  secrets: -1,
  /** StatefulSets, Services, PDBs, RBAC, the backup CronJob (the default wave). */
  data: 0,
  /** postgres-bootstrap Job (Sync hook): databases, roles, grants, once PostgreSQL is Ready. */
  bootstrap: 1,
  /** migrations (PreSync hook of the services Application): ServiceAccount/NetworkPolicy first, then the Jobs. */
  migrationsPrerequisites: -1,
  migrations: 0,
} as const;

export type Wave = keyof typeof waves;

export function syncWave(wave: Wave): Record<string, string> {
  return { 'argocd.argoproj.io/sync-wave': String(waves[wave]) };
}

/**
 * A Job Argo CD runs as a hook: recreated on every sync (a plain Job's pod template
 * is immutable, so a changed image could never be applied), kept after success for
 * `kubectl logs`, deleted before the next run.
 */
export function hook(phase: 'PreSync' | 'Sync' | 'PostSync', wave: Wave): Record<string, string> {
  return {
    'argocd.argoproj.io/hook': phase,
    'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
    ...syncWave(wave),
  };
}
