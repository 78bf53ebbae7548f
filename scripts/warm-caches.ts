// Run by `npm ci` / `npm install` (the `prepare` script): build once, at install
// time, what every `npm run validate` reads and what only changes with the
// installed packages, so the first validate after a clone does not pay for it:
//   - the known-field tree of strict validation (TypeScript compiler API over the
//     kubernetes-models type declarations);
//   - the model packages' compiled schemas bundled (schema-bundle.ts), and the CEL evaluator (cel-bundle.ts);
//   - the slim copy of kustomize's OpenAPI document (inflated from the binary);
//   - the launcher's bundle of scripts/validate.ts and its V8 code cache (node scripts/launch.mjs warm-caches
//     builds its own; validate's is built below);
//   - one whole `validate` of the checkout as it is: the renders of every overlay,
//     the drift check's generator run and the parse caches, so the first
//     `npm run validate` after a clone or `npm ci` is a warm one (figures in docs/benchmarks.md) and the
//     first commit re-renders only what it changed.
// Each is a cache keyed by what it derives from: a later change of packages or
// sources rebuilds it on first use. A failure here is reported and never fails
// the install: validate builds whatever is missing itself. Findings are not
// reported here (validate reports them, from the caches, when it is run).
import { $ } from 'zx';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = performance.now();
const steps: [string, () => unknown][] = [
  // Imported inside the steps, so that even a module that fails to load is a reported step, not a failed install.
  ['field tree', async () => (await import('./lib/validate/field-tree.ts')).loadFieldTree()],
  ['schema bundle', async () => (await import('./lib/validate/schema-bundle.ts')).buildSchemaBundle(await (await import('./lib/validate/field-tree.ts')).loadFieldTree())],
  ['CEL bundle', async () => (await import('../policies/lib/cel-bundle.ts')).buildCelBundle()],
  [
    'kustomize OpenAPI',
    async () => {
      const [{ kustomizeBinary }, { slimOpenApiFile }] = await Promise.all([import('./lib/kustomize/index.ts'), import('./lib/kustomize/openapi.ts')]);
      if (!slimOpenApiFile(kustomizeBinary())) throw new Error('no OpenAPI document found in the kustomize binary');
    },
  ],
  [
    'validate bundle and renders',
    async () => {
      // Exit 1 means findings, which are the checkout's business, not the install's; 2 is an environment error. Under
      // validate's V8 flags, as npm run validate starts it: the bundle's code cache is written for those flags.
      const { VALIDATE_V8_FLAGS } = await import('./lib/validate/v8-flags.ts');
      const r = await $({ cwd: root, nothrow: true, quiet: true })`${process.execPath} ${VALIDATE_V8_FLAGS} scripts/launch.mjs validate --format json`;
      if (r.exitCode !== 0 && r.exitCode !== 1) throw new Error(r.stderr.trim() || `exit ${r.exitCode}`);
    },
  ],
];
const failed: string[] = [];
for (const [name, step] of steps) {
  try {
    await step();
  } catch (err) {
    failed.push(`${name}: ${(err as Error).message.split('\n')[0]}`);
  }
}
const took = ((performance.now() - started) / 1000).toFixed(1);
if (failed.length) console.error(`warm-caches: not built (validate will build them on first use): ${failed.join('; ')}`);
else console.log(`warm-caches: validate's field tree, schema and CEL bundles, kustomize OpenAPI, bundle and renders ready (${took} s)`);
