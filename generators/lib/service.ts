// The Services marquee generates: a ClusterIP Service that clients call, and a headless Service that gives a
// StatefulSet's pods stable DNS names. Every port is named and targets the container port of the same name.
import { Service } from 'kubernetes-models/v1/Service';
import type { IServicePort } from 'kubernetes-models/v1/ServicePort';
import type { IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';

/** A Service port that targets the container port of the same name (TCP), the shape every generated Service uses. */
export const servicePort = (name: string, port: number): { name: string; port: number; targetPort: string; protocol: 'TCP' } => ({ name, port, targetPort: name, protocol: 'TCP' });

/** The Service clients connect to: a virtual IP in front of the ready pods `selector` matches. */
export function clientService(metadata: IObjectMeta, selector: Record<string, string>, ports: IServicePort[]): Service {
  return new Service({ metadata, spec: { type: 'ClusterIP', selector, ports } });
}

/**
 * A headless Service (no virtual IP): DNS names for each pod of a StatefulSet. `publishNotReadyAddresses` for
 * members that must find each other before they are ready (a RabbitMQ cluster, Alertmanager's gossip mesh).
 */
export function headlessService(
  metadata: IObjectMeta,
  selector: Record<string, string>,
  ports: IServicePort[],
  o: { readonly publishNotReadyAddresses?: true } = {},
): Service {
  return new Service({ metadata, spec: { clusterIP: 'None', ...o, selector, ports } });
}
