// OCI image references, parsed the way the container runtime reads them: the one
// parser for policies, set-image, review and report.

export interface ImageRef {
  /** Registry host (`docker.io` when none is written). */
  readonly registry: string;
  /** Repository path without the registry (`library/nginx`). */
  readonly repository: string;
  /** Full name as the registry knows it: `registry/repository`. */
  readonly name: string;
  /** The name as written, without tag or digest (`ghcr.io/marquee-shop/billing`, `nginx`). */
  readonly written: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Parse an OCI image reference the way the container runtime does (Docker's normalisation). */
export function parseImage(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const first = rest.split('/')[0]!;
  const hasRegistry = rest.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? first : 'docker.io';
  let repository = hasRegistry ? rest.slice(first.length + 1) : rest;
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  return { registry, repository, name: `${registry}/${repository}`, written: rest, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** The name as written and the version part of a reference (digest wins over tag; `latest` when neither). */
export function splitImage(image: string): { repository: string; version: string } {
  const r = parseImage(image);
  return { repository: r.written, version: r.digest ?? r.tag ?? 'latest' };
}

// The reference grammar, from distribution/reference regexp.go (the library the kubelet parses images with:
// kubernetes pkg/util/parsers ParseImageName → reference.ParseNormalizedNamed). An image it cannot parse is accepted
// by the API server and leaves the pod waiting in InvalidImageName.
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainAndPort = `(?:${domainNameComponent}(?:\\.${domainNameComponent})*|\\[(?:[a-fA-F0-9:]+)\\])(?::[0-9]+)?`;
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
/** regexp.go `tag`: what a tag may be. */
const tag = '[\\w][\\w.-]{0,127}';
/** A whole tag (set-image's check of --tag). */
export const tagPattern = new RegExp(`^${tag}$`);
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const referenceRegexp = new RegExp(`^((?:${domainAndPort}/)?${remoteName})(?::(${tag}))?(?:@(${digestPat}))?$`);
const anchoredNameRegexp = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
/** reference.go RepositoryNameTotalLengthMax */
const repositoryNameTotalLengthMax = 255;
/** go-digest's algorithms (sha256, sha384, sha512) and the hex length of each. */
const digestHexLength: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/**
 * Why the kubelet cannot parse `image`, in distribution/reference's words (normalize.go ParseNormalizedNamed, then
 * reference.go Parse and go-digest's Validate), or undefined when it can.
 */
export function imageReferenceError(image: string): string | undefined {
  if (/^[a-f0-9]{64}$/.test(image)) return `invalid repository name (${image}), cannot specify 64-byte hexadecimal strings`;
  const [domain, remainder] = splitDockerDomain(image);
  const tagSep = remainder.indexOf(':');
  const remote = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remote.toLowerCase() !== remote) return `invalid reference format: repository name (${remote}) must be lowercase`;
  const s = `${domain}/${remainder}`;
  const m = referenceRegexp.exec(s);
  if (!m) return s.toLowerCase() !== s && referenceRegexp.test(s.toLowerCase()) ? 'repository name must be lowercase' : 'invalid reference format';
  const name = anchoredNameRegexp.exec(m[1]!);
  if ((name ? name[2]! : m[1]!).length > repositoryNameTotalLengthMax) return `repository name must not be more than ${repositoryNameTotalLengthMax} characters`;
  const digest = m[3];
  if (digest) {
    const [algorithm, encoded] = [digest.slice(0, digest.indexOf(':')), digest.slice(digest.indexOf(':') + 1)];
    const length = digestHexLength[algorithm];
    if (length === undefined) return 'unsupported digest algorithm';
    if (encoded.length !== length) return 'invalid checksum digest length';
    if (!/^[a-f0-9]+$/.test(encoded)) return 'invalid checksum digest format';
  }
  return undefined;
}

/** normalize.go splitDockerDomain: the registry part of a reference and the rest (Docker Hub's `library/` added). */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash < 0) return ['docker.io', `library/${name}`];
  const maybeDomain = name.slice(0, slash);
  const maybeRemote = name.slice(slash + 1);
  let domain: string;
  let remote: string;
  if (maybeDomain === 'localhost') [domain, remote] = [maybeDomain, maybeRemote];
  else if (maybeDomain === 'index.docker.io') [domain, remote] = ['docker.io', maybeRemote];
  else if (/[.:]/.test(maybeDomain) || maybeDomain.toLowerCase() !== maybeDomain) [domain, remote] = [maybeDomain, maybeRemote];
  else [domain, remote] = ['docker.io', name];
  if (domain === 'docker.io' && !remote.includes('/')) remote = `library/${remote}`;
  return [domain, remote];
}
