// YAML as the Kubernetes tools read it (kustomize's kyaml, kubectl: go-yaml v3), for js-yaml: the YAML 1.2 core
// schema with merge keys (`<<: *base`) and `!!binary`. One definition for every reader of manifests and CRDs.
import { CORE_SCHEMA, defineScalarTag, mergeTag, NOT_RESOLVED } from 'js-yaml';

/**
 * `!!binary` as go-yaml decodes it into a string or an interface{} (yaml.v3 decode.go, scalar: binaryTag): the
 * base64 text decoded; kustomize and kubectl accept it. Text that is not base64 is an error there and here.
 */
const binaryAsString = defineScalarTag('tag:yaml.org,2002:binary', {
  resolve: (source: string) => {
    const input = source.replace(/\s/g, '');
    return input.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(input) ? Buffer.from(input, 'base64').toString('utf8') : NOT_RESOLVED;
  },
  identify: () => false,
});

/** The js-yaml schema of manifests: YAML 1.2 core, merge keys and `!!binary`, as kustomize and kubectl read them. */
export const kubernetesYamlSchema = CORE_SCHEMA.withTags(mergeTag, binaryAsString);
