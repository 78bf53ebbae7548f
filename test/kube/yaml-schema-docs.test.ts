// The C++ reader's leaveOutSchemaDocs (native/yaml-block Reader::inSchemaNode, loadManifestBytes): the descriptions of a
// CustomResourceDefinition's schema that no check reads are left out of the values files mode checks and of the CRD
// registry's schemas. Held to three things: exactly the descriptions the rule names go (a hand-written CRD, and every
// vendored and corpus CRD against a reference walk written from the rule's words); a description a check reads (its
// type, under allOf/anyOf/oneOf/not, in the root's metadata) stays; and files mode's findings on every such CRD, and
// on CRDs whose descriptions break the API server's rules, are the same with and without it. Then the nodes of a schema
// repeated in one file, read once (SharedNodes): one object wherever the node stands, the values those read in full,
// never where the values may change (a plain YAML 1.1 word) or are no schema node, and a finding in one found at each place.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadManifestBytes, nativeReaderBuilt } from '../../kube/yaml-schema.ts';
import { yaml11BooleanWords } from '../../scripts/lib/validate/sources.ts';
import { checkContext, checkText } from '../../scripts/lib/validate/files-check.ts';
import { defaultKubernetesVersion } from '../../scripts/lib/validate/schema.ts';
import { filesUnder } from '../../scripts/lib/plumbing/files.ts';
import { sharesObjects } from '../../policies/lib/crd-schema.ts';
import { repoRoot } from '../helpers/repo-copy.ts';

const noWords: ReadonlySet<string> = new Set();
const read = (text: string | Buffer, leaveOut: boolean) => loadManifestBytes(Buffer.isBuffer(text) ? text : Buffer.from(text), 100, noWords, leaveOut)?.values;

/** The paths (dotted, list indexes as numbers) of every `description` key in `v`. */
function descriptionPaths(v: unknown, at = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => descriptionPaths(x, `${at}[${i}]`));
  if (!v || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => [...(k === 'description' ? [`${at}.description`] : []), ...descriptionPaths(x, `${at}.${k}`)]);
}

const HAND_WRITTEN = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
  description: not a schema
spec:
  description: not a schema
  versions:
  - name: v1
    description: not a schema
    schema:
      openAPIV3Schema:
        description: the root, gone
        type: object
        properties:
          metadata:
            description: the root's metadata, kept
            type: object
          spec:
            description: gone
            type: object
            default:
              description: a default's field, kept
            example:
              description: an example's field, kept
            properties:
              a:
                description: gone
                type: string
              n:
                description: 5
                type: string
              m:
                description:
                  a string on the next line, gone
              l:
                type: array
                items:
                  description: items, gone
                  type: object
                  anyOf:
                  - description: under anyOf, kept
                  not:
                    description: under not, kept
                  additionalProperties:
                    description: additionalProperties, gone
                    type: string
              embedded:
                properties:
                  metadata:
                    description: a property named metadata, kept
              description:
                description: a property named description, gone (the property stays)
                type: string
---
apiVersion: apiextensions.k8s.io/v1
kind: SomethingElse
spec:
  versions:
  - schema:
      openAPIV3Schema:
        description: not a CRD, kept
---
spec:
  versions:
  - schema:
      openAPIV3Schema:
        description: kind and apiVersion after spec, kept
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
---
apiVersion: example.com/v1
kind: CustomResourceDefinition
spec:
  versions:
  - schema:
      openAPIV3Schema:
        description: another group's kind of that name, kept
`;

/**
 * The rule in its words, as a reference: in a document whose apiVersion (apiextensions.k8s.io/…) and kind
 * (CustomResourceDefinition) come before its spec, under spec.versions[i].schema.openAPIV3Schema, a node reached through
 * properties.<name> (no name `metadata`), items and additionalProperties alone loses its description when that is a string.
 */
function referenceLeaveOut(docs: unknown[]): unknown[] {
  const strip = (node: unknown): unknown => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === 'description' && typeof v === 'string') continue;
      if (k === 'properties' && v && typeof v === 'object' && !Array.isArray(v)) out[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, name === 'metadata' ? s : strip(s)]));
      else if (k === 'items' || k === 'additionalProperties') out[k] = strip(v);
      else out[k] = v;
    }
    return out;
  };
  return docs.map((doc: any) => {
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return doc;
    const keys = Object.keys(doc);
    const before = (k: string) => keys.includes(k) && (!keys.includes('spec') || keys.indexOf(k) < keys.indexOf('spec'));
    if (doc.kind !== 'CustomResourceDefinition' || !String(doc.apiVersion).startsWith('apiextensions.k8s.io/') || !before('kind') || !before('apiVersion')) return doc;
    if (!Array.isArray(doc.spec?.versions)) return doc;
    const versions = doc.spec.versions.map((v: any) => (v?.schema?.openAPIV3Schema && typeof v.schema.openAPIV3Schema === 'object' ? { ...v, schema: { ...v.schema, openAPIV3Schema: strip(v.schema.openAPIV3Schema) } } : v));
    return { ...doc, spec: { ...doc.spec, versions } };
  });
}

/** Every vendored CRD file and every corpus file that holds a CRD. */
const crdFiles = [
  ...filesUnder(join(repoRoot, 'vendor/crds')).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(repoRoot, 'vendor/crds', f)),
  ...filesUnder(join(repoRoot, 'test/corpus/real-manifests')).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(repoRoot, 'test/corpus/real-manifests', f)),
].filter((f) => readFileSync(f, 'latin1').includes('kind: CustomResourceDefinition'));

describe('CRD schema descriptions no check reads', { skip: !nativeReaderBuilt && 'the C++ reader is not built' }, () => {
  test('a hand-written CRD keeps exactly the descriptions a check reads, or that are no schema\'s', () => {
    const full = read(HAND_WRITTEN, false)!;
    const left = read(HAND_WRITTEN, true)!;
    assert.equal(descriptionPaths(full).length, 21, 'the full reading has every description');
    assert.deepEqual(descriptionPaths(left), [
      '[0].metadata.description',
      '[0].spec.description',
      '[0].spec.versions[0].description',
      '[0].spec.versions[0].schema.openAPIV3Schema.properties.metadata.description',
      '[0].spec.versions[0].schema.openAPIV3Schema.properties.spec.default.description',
      '[0].spec.versions[0].schema.openAPIV3Schema.properties.spec.example.description',
      '[0].spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.n.description',
      '[0].spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.l.items.anyOf[0].description',
      '[0].spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.l.items.not.description',
      '[0].spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.embedded.properties.metadata.description',
      '[0].spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.description',
      '[1].spec.versions[0].schema.openAPIV3Schema.description',
      '[2].spec.versions[0].schema.openAPIV3Schema.description',
      '[3].spec.versions[0].schema.openAPIV3Schema.description',
    ]);
    assert.equal((left[0] as any).spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.n.description, 5, 'a description that is no string stays, for its type to be judged');
    // everything else is as read in full: the same keys, in the same order, but the descriptions gone
    assert.deepEqual(left, referenceLeaveOut(full));
    assert.equal(JSON.stringify(left), JSON.stringify(referenceLeaveOut(full)));
  });

  test('a description that is a YAML 1.1 boolean word stays, quoted or not, when the reader watches the words', () => {
    const text = HAND_WRITTEN.split('\n---\n')[0]!.replace('description: gone\n                type: string', "description: yes\n                type: string\n              b:\n                description: 'no'\n                type: string");
    const docs = loadManifestBytes(Buffer.from(text), 100, yaml11BooleanWords, true)!.values as any[];
    const props = docs[0].spec.versions[0].schema.openAPIV3Schema.properties.spec.properties;
    assert.equal(props.a.description, 'yes', 'kubectl reads an unquoted yes as true: the checks must see it');
    assert.equal(props.b.description, 'no', 'a quoted word looks the same in the JSON: kept as well');
    assert.equal(read(text, true)![0] && (read(text, true)![0] as any).spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.a.description, undefined, 'without watched words it goes');
  });

  test('on every vendored and corpus CRD file: the full reading less the descriptions the rule names', () => {
    let gone = 0;
    let files = 0;
    for (const f of crdFiles) {
      const bytes = readFileSync(f);
      const full = read(bytes, false);
      if (full === undefined) continue;
      files++;
      const left = read(bytes, true)!;
      const want = referenceLeaveOut(full);
      assert.equal(JSON.stringify(left), JSON.stringify(want), f);
      gone += descriptionPaths(full).length - descriptionPaths(left).length;
    }
    assert.ok(files >= 30, `the C++ reader took ${files} of ${crdFiles.length} CRD files`);
    assert.ok(gone > 10_000, `${gone} descriptions left out`);
  });

  test('files mode finds the same with the descriptions left out as with them, on every CRD and on CRDs whose descriptions break rules', async () => {
    const broken = HAND_WRITTEN.split('\n---\n')[0]!;
    // block style throughout, not test/fixtures/crd.ts crdYaml: its flow-style `names: { … }` is a text the C++ reader
    // leaves to the JavaScript readers, which leave out nothing, and the comparison below would hold vacuously
    const rootMetadata = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names:
    kind: Gadget
    plural: gadgets
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          metadata:
            description: only name and generateName may be said of it
            type: object
`;
    const [kept, leftOut] = await Promise.all([checkContext(defaultKubernetesVersion, true), checkContext(defaultKubernetesVersion, false)]);
    const findings = async (name: string, text: string | Buffer, ctx: typeof kept) => JSON.stringify((await checkText(name, Buffer.isBuffer(text) ? text : Buffer.from(text), ctx)).findings);
    for (const f of crdFiles) {
      const bytes = readFileSync(f);
      assert.equal(await findings(f, bytes, leftOut), await findings(f, bytes, kept), f);
    }
    const word = rootMetadata.replace('            description: only name and generateName may be said of it\n            type: object\n', '            type: object\n          size:\n            description: yes\n            type: string\n');
    for (const [name, text, expected] of [
      ['yaml11-word.yaml', word, [/"path":"[^"]*properties\.size\.description"[^}]*"message":"must be string \(got true\)"/, /yaml11-boolean/]],
      ['broken.yaml', broken, [/anyOf\[0\]\.description: Forbidden: must be empty to be structural/, /not\.description: Forbidden: must be empty to be structural/]],
      ['root-metadata.yaml', rootMetadata, [/properties\.metadata: Forbidden: must not specify anything other than name and generateName/]],
    ] as const) {
      const got = await findings(name, text, leftOut);
      assert.equal(got, await findings(name, text, kept), name);
      for (const e of expected) assert.match(got, e, `${name}: the finding a description causes is still found`);
    }
  });
});

/** A schema node of eight properties at `pad`: its JSON (some 400 bytes) over the size the reader shares (SHARED_BYTES, 256). */
const bigNode = (pad: string, type = 'string') =>
  ['type: object', 'required:', '- host', 'properties:', ...['host', 'port', 'path', 'scheme', 'timeout', 'retries', 'proxy', 'zone'].flatMap((p) => [`  ${p}:`, `    description: the ${p}`, `    type: ${p === 'zone' ? type : 'string'}`, '    maxLength: 253'])]
    .map((l) => pad + l)
    .join('\n');

/** A CRD whose schema repeats bigNode: twice side by side, once inside `outer`, `outer` twice, and its whole schema in a second version. */
const repeatingCrd = (type = 'string') => {
  const schema = `      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              first:
${bigNode(' '.repeat(16), type)}
              second:
${bigNode(' '.repeat(16), type)}
              outer:
                type: object
                properties:
                  inner:
${bigNode(' '.repeat(20), type)}
                  other:
                    type: string
              outerAgain:
                type: object
                properties:
                  inner:
${bigNode(' '.repeat(20), type)}
                  other:
                    type: string`;
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names:
    kind: Widget
    plural: widgets
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
${schema}
  - name: v2
    served: true
    storage: false
    schema:
${schema}
`;
};

describe('a CRD schema node repeated in one file is read once (SharedNodes)', { skip: !nativeReaderBuilt && 'the C++ reader is not built' }, () => {
  const versionsOf = (docs: unknown[]) => (docs[0] as any).spec.versions as any[];
  const specOf = (docs: unknown[], v = 0) => versionsOf(docs)[v].schema.openAPIV3Schema.properties.spec.properties;

  test('each repeat is the first node\'s object, the outermost repeat taken whole, and the values are those read in full', () => {
    const text = repeatingCrd();
    const full = read(text, false)!;
    const left = read(text, true)!;
    const spec = specOf(left);
    assert.equal(spec.second, spec.first, 'a node repeated side by side');
    assert.equal(spec.outer.properties.inner, spec.first, 'a node repeated inside another');
    assert.equal(spec.outerAgain, spec.outer, 'a repeat of a node that holds a repeat');
    assert.equal(versionsOf(left)[1].schema.openAPIV3Schema, versionsOf(left)[0].schema.openAPIV3Schema, 'a whole schema repeated in a second version');
    assert.equal(JSON.stringify(left), JSON.stringify(referenceLeaveOut(full)));
    // read in full (the values files mode keeps for its caller), nothing is shared
    assert.notEqual(specOf(full).second, specOf(full).first);
  });

  test('nothing is shared where a value may be changed or is no schema node: a plain YAML 1.1 word, a default, metadata, a long string, another kind', () => {
    const plainWord = repeatingCrd().replace('  scope: Namespaced', '  scope: Namespaced\n  preserveUnknownFields: no');
    const withWord = loadManifestBytes(Buffer.from(plainWord), 100, yaml11BooleanWords, true)!;
    assert.deepEqual([...withWord.plain], ['no']);
    // files-check.ts writes kubectl's boolean in the place of each plain word: a place shared would change both
    assert.notEqual(specOf(withWord.values).second, specOf(withWord.values).first);
    assert.deepEqual(specOf(withWord.values).second, specOf(withWord.values).first);

    const notNodes = repeatingCrd().replace(
      '          spec:\n            type: object\n',
      `          metadata:\n            type: object\n            properties:\n              a:\n${bigNode(' '.repeat(16))}\n              b:\n${bigNode(' '.repeat(16))}\n          spec:\n            type: object\n            default:\n              a:\n${bigNode(' '.repeat(16))}\n              b:\n${bigNode(' '.repeat(16))}\n`,
    );
    const root = versionsOf(read(notNodes, true)!)[0].schema.openAPIV3Schema.properties;
    assert.notEqual(root.metadata.properties.a, root.metadata.properties.b, 'under the root\'s metadata');
    assert.notEqual(root.spec.default.a, root.spec.default.b, 'in a default (data, not a schema)');
    assert.deepEqual(root.spec.default.a, root.spec.default.b);

    const long = 'x'.repeat(5000);
    const longText = repeatingCrd().replace(/^( *)maxLength: 253$/gm, `$1maxLength: 253\n$1pattern: ${long}`);
    const spec = specOf(read(longText, true)!);
    assert.notEqual(spec.second, spec.first, 'a node holding a long string (put in place by a walk of its own)');
    assert.equal(spec.second.properties.zone.pattern, long);
    assert.equal(spec.outerAgain.properties.inner.properties.zone.pattern, long);

    const deployment = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      a:\n${bigNode(' '.repeat(8))}\n      b:\n${bigNode(' '.repeat(8))}\n`;
    const d = read(deployment, true)![0] as any;
    assert.notEqual(d.spec.template.spec.a, d.spec.template.spec.b, 'another kind');
  });

  test('the corpus\'s CRD files share nodes, and read as in full', () => {
    const sharing = crdFiles.filter((f) => {
      const left = read(readFileSync(f), true);
      return left !== undefined && sharesObjects(left);
    });
    // (each file read as in full: 'on every vendored and corpus CRD file' above)
    assert.ok(sharing.length >= 20, `${sharing.length} of ${crdFiles.length} CRD files share nodes`);
  });

  test('many nodes of one length, alike at their ends and in their middle, are read in bounded time: each is compared with at most two others', () => {
    // 64,000 schema nodes differing only in one field name's digits (53 MB): each compared with every other, as the
    // hash of their ends first had it, took ~30 s; in a child, so that a regression ends at the limit, not in a hang
    const script = `
      const addon = require(${JSON.stringify(join(repoRoot, 'native/yaml-block/index.cjs'))});
      const pad = (i) => String(i).padStart(6, '0');
      const sp = (k) => ' '.repeat(k);
      const node = (i) => sp(14) + 'p' + pad(i) + ':\\n' + sp(16) + 'type: object\\n' + sp(16) + 'properties:\\n' +
        Array.from({ length: 12 }, (_, k) => sp(18) + 'f' + k + (k === 3 ? 'x' + pad(i) : 'xxxxxxx') + ':\\n' + sp(20) + 'type: string\\n').join('');
      const head = 'apiVersion: apiextensions.k8s.io/v1\\nkind: CustomResourceDefinition\\nmetadata:\\n  name: a.b\\nspec:\\n  versions:\\n  - name: v1\\n    schema:\\n      openAPIV3Schema:\\n        type: object\\n        properties:\\n          spec:\\n            type: object\\n            properties:\\n';
      const docs = addon.read(Buffer.from(head + Array.from({ length: 64000 }, (_, i) => node(i)).join('')), 100, true);
      const props = docs[0].spec.versions[0].schema.openAPIV3Schema.properties.spec.properties;
      process.stdout.write(String(Object.keys(props).length) + ' ' + props.p063999.properties.f3x063999.type);
    `;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000, maxBuffer: 1024 * 1024 });
    assert.equal(run.signal, null, `reading 64,000 alike schema nodes did not end within 20 s (${run.signal})`);
    assert.equal(run.status, 0, run.stderr.slice(-2000));
    assert.equal(run.stdout, '64000 string');
  });

  test('a finding in a repeated node is found at every place it stands, as when read in full', async () => {
    const text = Buffer.from(repeatingCrd('strin'));
    const [kept, leftOut] = await Promise.all([checkContext(defaultKubernetesVersion, true), checkContext(defaultKubernetesVersion, false)]);
    const shared = (await checkText('widgets.yaml', text, leftOut)).findings;
    assert.deepEqual(shared, (await checkText('widgets.yaml', text, kept)).findings);
    const zones = shared.map((f) => `${f.path}`).filter((p) => p.includes('zone'));
    // four places in each of two versions: first, second, outer.inner, outerAgain.inner
    assert.equal(zones.length, 8, zones.join('\n'));
  });
});
