// Checks for generator inputs: an impossible value throws at generation, naming the
// generator and the field, before anything is written.
import { parseImage, quantity } from '../../kube/index.ts';

/** Kubernetes resource.Quantity (canonical forms: 10Gi, 500Mi, 1.5G, 100m, 2). */
const quantityPattern = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[KMGTPE]i|[mkMGTPE]|[eE][+-]?\d+)?$/;

export function assertQuantity(source: string, field: string, value: string): void {
  if (!quantityPattern.test(value))
    throw new Error(`${source}: ${field} is "${value}", not a Kubernetes quantity (e.g. 10Gi, 512Mi)`);
}

/** Size in bytes of a binary/decimal byte quantity (no milli); throws on anything else. */
export function bytesOf(source: string, field: string, value: string): number {
  assertQuantity(source, field, value);
  if (/m$|[eE][+-]?\d/.test(value)) throw new Error(`${source}: ${field} is "${value}", not a byte size (e.g. 10Gi)`);
  return quantity(value);
}

/** An image reference with an exact version tag (no `latest`, no floating major/minor tag). */
export function assertPinnedImage(source: string, field: string, image: string): void {
  const { tag, digest } = parseImage(image);
  if ((digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(digest)) || !tag || tag === 'latest' || !/^v?\d+\.\d+(\.\d+)?([-.][0-9A-Za-z.-]+)?$/.test(tag))
    throw new Error(`${source}: ${field} is "${image}"; pin an exact version tag (e.g. postgres:16.6-bookworm)`);
}

/** RFC 1123 label (names of Services, StorageClasses, ...). */
export function assertDnsLabel(source: string, field: string, value: string): void {
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(value))
    throw new Error(`${source}: ${field} is "${value}", not a DNS-1123 label (lowercase letters, digits, '-')`);
}
