// Facts of kustomize's own that policies and tooling both need: the names a
// kustomization file may have, the content hash generated names carry, and which
// entries are remote (fetched at build time).

/** The file names kustomize accepts for a kustomization, in the order it looks for them. */
export const kustomizationFileNames: readonly string[] = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * A name without the content hash kustomize's configMapGenerator / secretGenerator append (`-` and ten characters);
 * the name as it is when it carries none.
 */
export const withoutContentHash = (name: string): string => name.replace(/-[a-z0-9]{10}$/, '');

/** Remote references as kustomize understands them: URLs, git/ssh specs, hosted-git shorthands, ?ref= pins. */
export function isRemoteRef(s: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(s) ||
    /^(git@|git::|ssh:|file:)/.test(s) ||
    /^(github\.com|gitlab\.com|bitbucket\.org|dev\.azure\.com)[/:]/.test(s) ||
    /[?&](ref|version|submodules|timeout)=/.test(s) ||
    /\.git(\/\/|$)/.test(s)
  );
}
