// What a CloudNativePG Cluster makes its operator create, for readers of rendered manifests that
// follow Services and pods (the report's architecture graph): the instance pods and the
// `<cluster>-rw`, `-ro`, `-r` Services. None of them is in the manifests; they exist once the
// operator reconciles the Cluster. Ported from cloudnative-pg/cloudnative-pg v1.30:
// pkg/specs/services.go (CreateClusterReadWriteService, CreateClusterReadOnlyService,
// CreateClusterReadService: names, selectors, port 5432 named `postgres`) and pkg/specs/pods.go
// (createPostgresContainers: ports postgresql 5432, metrics 9187, status 8000; the pod labels
// cnpg.io/cluster and cnpg.io/podRole=instance, plus the Cluster's inheritedMetadata labels).

/** Annotation on every implied object: the Cluster it stands for. */
export const impliedByAnnotation = 'marquee.dev/implied-by';

const group = 'postgresql.cnpg.io';
type Obj = Record<string, any>;

export const isCnpgCluster = (o: Obj): boolean => o?.kind === 'Cluster' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith(`${group}/`);

/**
 * For every CloudNativePG Cluster among `objects`: one Pod standing for its instances, labelled as the
 * primary is (the operator moves the `role`/`cnpg.io/instanceRole` labels on failover), and its three Services.
 */
export function cnpgImpliedObjects(objects: readonly Obj[]): Obj[] {
  return objects.filter(isCnpgCluster).flatMap((c) => {
    const name: string = c.metadata.name;
    const namespace: string | undefined = c.metadata.namespace;
    const meta = (n: string) => ({ name: n, ...(namespace ? { namespace } : {}), annotations: { [impliedByAnnotation]: `Cluster/${name}` } });
    const podLabels = {
      ...(c.spec?.inheritedMetadata?.labels ?? {}),
      'cnpg.io/cluster': name,
      'cnpg.io/podRole': 'instance',
      role: 'primary',
      'cnpg.io/instanceRole': 'primary',
    };
    const service = (suffix: string, selector: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(`${name}-${suffix}`),
      spec: { type: 'ClusterIP', selector, ports: [{ name: 'postgres', protocol: 'TCP', port: 5432, targetPort: 5432 }] },
    });
    return [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { ...meta(name), labels: podLabels },
        spec: {
          containers: [
            {
              name: 'postgres',
              ports: [
                { name: 'postgresql', containerPort: 5432, protocol: 'TCP' },
                { name: 'metrics', containerPort: 9187, protocol: 'TCP' },
                { name: 'status', containerPort: 8000, protocol: 'TCP' },
              ],
            },
          ],
        },
      },
      service('rw', { 'cnpg.io/cluster': name, role: 'primary' }),
      service('ro', { 'cnpg.io/cluster': name, role: 'replica' }),
      service('r', { 'cnpg.io/cluster': name, 'cnpg.io/podRole': 'instance' }),
    ];
  });
}
