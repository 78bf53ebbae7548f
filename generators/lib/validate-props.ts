// Checks for generator inputs: an impossible value throws at generation, naming the
// generator and the field, before anything is written.

/** Kubernetes resource.Quantity (canonical forms: 10Gi, 500Mi, 1.5G, 100m, 2). */
const quantityPattern = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[KMGTPE]i|[mkMGTPE]|[eE][+-]?\d+)?$/;

export function assertQuantity(source: string, field: string, value: string): void {
  if (!quantityPattern.test(value))
    throw new Error(`${source}: ${field} is "${value}", not a Kubernetes quantity (e.g. 10Gi, 512Mi)`);
}

/** Size in bytes of a binary/decimal byte quantity (no milli); throws on anything else. */
export function bytesOf(source: string, field: string, value: string): number {
  assertQuantity(source, field, value);
  const m = /^([\d.]+)([KMGTPE]i?|k)?$/.exec(value);
  if (!m) throw new Error(`${source}: ${field} is "${value}", not a byte size (e.g. 10Gi)`);
  const units: Record<string, number> = {
    '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  };
  return Number(m[1]) * units[m[2] ?? '']!;
}

/** An image reference with an exact version tag (no `latest`, no floating major/minor tag). */
export function assertPinnedImage(source: string, field: string, image: string): void {
  const tag = /:([^/@]+)(@sha256:[0-9a-f]{64})?$/.exec(image)?.[1];
  if (!tag || tag === 'latest' || !/^v?\d+\.\d+(\.\d+)?([-.][0-9A-Za-z.-]+)?$/.test(tag))
    throw new Error(`${source}: ${field} is "${image}"; pin an exact version tag (e.g. postgres:16.6-bookworm)`);
}

/** RFC 1123 label (names of Services, StorageClasses, ...). */
export function assertDnsLabel(source: string, field: string, value: string): void {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value))
    throw new Error(`${source}: ${field} is "${value}", not a DNS-1123 label (lowercase letters, digits, '-')`);
}
