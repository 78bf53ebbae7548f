// YAML as the Kubernetes tools read it (kustomize's kyaml, kubectl: go-yaml v3), for js-yaml: the YAML 1.2 core
// schema with merge keys (`<<: *base`) and `!!binary`. One definition for every reader of manifests and CRDs.
// Files mode reads its input, and the CRD reader every CRD, with js-yaml 4 (loadManifests below): on large manifests
// it parses about three times faster than js-yaml 5, which builds an event list before the objects
// (docs/benchmarks.md, bench/yaml-parse.ts).
import { CORE_SCHEMA, defineScalarTag, mergeTag, NOT_RESOLVED } from 'js-yaml';
import * as jsYaml4 from 'js-yaml-4';

/**
 * `!!binary` as go-yaml decodes it into a string or an interface{} (yaml.v3 decode.go, scalar: binaryTag): the
 * base64 text decoded; kustomize and kubectl accept it. Text that is not base64 is an error there and here.
 */
function binaryText(source: string): string | undefined {
  const input = source.replace(/\s/g, '');
  return input.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(input) ? Buffer.from(input, 'base64').toString('utf8') : undefined;
}

const binaryAsString = defineScalarTag('tag:yaml.org,2002:binary', {
  resolve: (source: string) => binaryText(source) ?? NOT_RESOLVED,
  identify: () => false,
});

/** The js-yaml schema of manifests: YAML 1.2 core, merge keys and `!!binary`, as kustomize and kubectl read them. */
export const kubernetesYamlSchema = CORE_SCHEMA.withTags(mergeTag, binaryAsString);

/** The same schema for js-yaml 4 (merge keys are resolved implicitly, `!!binary` only when tagged). */
const kubernetesYamlSchema4 = jsYaml4.CORE_SCHEMA.extend({
  implicit: [jsYaml4.types.merge],
  explicit: [new jsYaml4.Type('tag:yaml.org,2002:binary', { kind: 'scalar', resolve: (s: string | null) => s !== null && binaryText(s) !== undefined, construct: (s: string) => binaryText(s) })],
});

/** The error loadManifests throws for text that is not YAML: `reason`, and `mark` (0-based line and column) where known. */
export const ManifestYamlError = jsYaml4.YAMLException;

/**
 * Every document of a manifest text, as kustomize and kubectl read it; nesting past `maxDepth` (js-yaml's own default
 * is 100) is an error (ManifestYamlError, its message naming maxDepth). An alias is the same object in each place it
 * stands: callers that walk the result bound that themselves.
 */
export const loadManifests = (text: string, maxDepth = 100): unknown[] => jsYaml4.loadAll(text, undefined, { schema: kubernetesYamlSchema4, maxDepth });
