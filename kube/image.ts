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
