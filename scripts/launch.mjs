// node scripts/launch.mjs <script> [args…] — run scripts/<script>.ts from a cached bundle.
//
// `node --import tsx` loads every TypeScript module through Node 20's off-thread
// loader hooks: a noticeable start-up cost on every commit (docs/benchmarks.md).
// This launcher bundles the entry point and the repository modules it imports
// with esbuild (the one tsx already uses) into node_modules/.cache/marquee/bin/,
// keeping packages external. The bundle is one CommonJS file, loaded with V8's code
// cache (kube/code-cache.mjs: a run compiles from the bytecode an earlier run left
// instead of from source; docs/benchmarks.md, files mode, the twenty-second session),
// with the packages Node 20 cannot require (ES modules) bundled in; a script with a
// top-level await, which CommonJS cannot hold, is bundled as ES modules instead, its
// dynamic imports split into chunks that load only when needed. A script's parts,
// `scripts/<script>.<part>.ts`, are bundles of their own beside it (see `parts`).
// The bundle is rebuilt whenever any bundled source file changes (mtime or
// size); `import.meta.url` is rewritten to each module's own file *relative to the
// checkout the launcher runs from* (never an absolute path baked in at build time),
// so paths relative to a source file resolve exactly as under tsx, and a copied or
// moved checkout with its caches checks itself, not the tree that built the bundle. A source that does not compile
// is reported as file:line:column and exit code 2 (an environment error).
// This file is JavaScript because it has to run before any TypeScript can.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The global the bundles read the checkout's location from (set below, before a bundle runs). */
const ROOT_URL = '__marqueeCheckoutRoot';
/** The global the URL of the bundle of the script's worker part is in, when it has one (see `parts`). */
const WORKER_BUNDLE_URL = '__marqueeWorkerBundle';
const [name, ...args] = process.argv.slice(2);
const entry = name && join(root, 'scripts', `${name}.ts`);
if (!entry || !/^[\w-]+$/.test(name) || !existsSync(entry)) {
  console.error(`launch: ${name ? `scripts/${name}.ts does not exist` : 'usage: node scripts/launch.mjs <script> [args…]'}`);
  process.exit(2);
}
/**
 * The script's parts, `scripts/<script>.<part>.ts`, each bundled on its own beside the script's bundle: a CommonJS
 * bundle's import of a part loads that part's bundle (through the code cache) only when it runs, so a run reads and
 * compiles the code it uses (validate's repository pipeline, which files mode never runs). A worker thread that starts
 * this launcher runs the `worker` part, where there is one: the entry point of the script's worker threads.
 */
const parts = readdirSync(join(root, 'scripts'))
  .filter((f) => f.startsWith(`${name}.`) && /^[\w-]+\.ts$/.test(f.slice(name.length + 1)))
  .map((f) => join(root, 'scripts', f));
const workerEntry = join(root, 'scripts', `${name}.worker.ts`);
const home = join(root, 'node_modules', '.cache', 'marquee', 'bin', name);
const manifestFile = join(home, 'manifest.json');
/** A bundle (or an abandoned `.build-<pid>`) nothing has started from for this long is removed. */
const STALE_MS = 60 * 60 * 1000;

/**
 * Size and mtime of every bundled source (and of this launcher), and which parts the script has: the bundle's
 * freshness key (a part added since is in no bundle yet).
 */
function signature(files) {
  const h = createHash('sha256');
  h.update(`${parts.map((p) => relative(root, p)).join('\0')}\0\0`);
  for (const f of [relative(root, fileURLToPath(import.meta.url)), ...files]) {
    try {
      const st = statSync(join(root, f));
      h.update(`${f}\0${st.size}\0${st.mtimeMs}\0`);
    } catch {
      h.update(`${f}\0missing\0`);
    }
  }
  return h.digest('hex').slice(0, 16);
}

function current() {
  try {
    const m = JSON.parse(readFileSync(manifestFile, 'utf8'));
    const file = join(home, m.signature, m.main ?? '');
    if (signature(m.inputs) !== m.signature || !m.main || !existsSync(file)) return undefined;
    utimesSync(join(home, m.signature), new Date(), new Date()); // in use: see the clean-up in bundle()
    return file;
  } catch {
    return undefined;
  }
}

/**
 * Whether Node 20 cannot `require` the package import `spec` from `importer` (an ES module, or a package that exports
 * no CommonJS entry): a CommonJS bundle holds such a package's code rather than requiring it.
 */
function esModuleOnly(spec, importer) {
  let file;
  try {
    file = createRequire(importer).resolve(spec);
  } catch {
    return true;
  }
  if (file.endsWith('.mjs')) return true;
  if (!file.endsWith('.js')) return false;
  // a .js file is what the nearest package.json says it is
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, 'utf8')).type === 'module';
    if (dirname(dir) === dir) return false;
  }
}

async function bundle() {
  const { build } = await import('esbuild');
  const scratch = join(home, `.build-${process.pid}`);
  /** esbuild's build of the entry, as one CommonJS file or as ES modules with chunks */
  const attempt = (format) => {
    rmSync(scratch, { recursive: true, force: true });
    return build({
      entryPoints: [entry, ...parts],
      outdir: scratch,
      bundle: true,
      platform: 'node',
      target: 'node20',
      metafile: true,
      logLevel: 'silent',
      // CommonJS: a dynamic import of a module or package in the bundle, or of a package Node can require, becomes a
      // require (V8 compiles the bundle from its cache without the import() of a module: kube/code-cache.mjs)
      ...(format === 'cjs' ? { format, supported: { 'dynamic-import': false }, outExtension: { '.js': '.cjs' } } : { format, splitting: true, chunkNames: 'chunks/[name]-[hash]', outExtension: { '.js': '.mjs' } }),
      plugins: [
        {
          name: 'marquee',
          setup(b) {
            // npm packages stay external (loaded from node_modules as usual), but those a CommonJS bundle cannot
            // require; the workspaces' own TypeScript (@marquee/*) is bundled like local code, but for native addons
            // (@marquee/*-native), loaded from their package's build/.
            b.onResolve({ filter: /^[^./]/ }, (a) => {
              if (isBuiltin(a.path) || /^@marquee\/[\w-]+-native$/.test(a.path)) return { external: true };
              if (a.path.startsWith('@marquee/')) return undefined;
              return format === 'cjs' && esModuleOnly(a.path, a.importer) ? undefined : { external: true };
            });
            // a part, imported from another bundle: its own CommonJS bundle, beside (ES modules split it into chunks anyway)
            if (format === 'cjs')
              b.onResolve({ filter: /^\./ }, (a) => {
                const file = a.kind === 'entry-point' ? undefined : resolve(a.resolveDir, a.path);
                return file && parts.includes(file) ? { path: `./${basename(file, '.ts')}.cjs`, external: true } : undefined;
              });
            b.onLoad({ filter: /\.ts$/ }, (a) => ({
              contents: readFileSync(a.path, 'utf8').replaceAll(
                'import.meta.url',
                `new URL(${JSON.stringify(relative(root, a.path).split('\\').join('/'))}, globalThis[${JSON.stringify(ROOT_URL)}]).href`,
              ),
              loader: 'ts',
            }));
          },
        },
      ],
    });
  };
  let result;
  try {
    result = await attempt('cjs');
    // a bundled package that reads import.meta would find it empty in CommonJS
    if (result.warnings.some((w) => w.id === 'empty-import-meta')) result = undefined;
  } catch (err) {
    // CommonJS holds no top-level await: such a script is bundled as ES modules
    if (!(err.errors ?? []).some((e) => /top-level await/i.test(e.text))) throw err;
  }
  const main = `${name}.${result ? 'cjs' : 'mjs'}`;
  result ??= await attempt('esm');
  const inputs = Object.keys(result.metafile.inputs).map((f) => relative(root, resolve(f))).sort();
  const sig = signature(inputs);
  const target = join(home, sig);
  try {
    renameSync(scratch, target);
  } catch (err) {
    // Another launch built the same sources first and may be running from them: keep its bundle, drop ours.
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    rmSync(scratch, { recursive: true, force: true });
  }
  const tmp = `${manifestFile}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify({ signature: sig, inputs, main }));
  renameSync(tmp, manifestFile);
  // Older bundles go once nothing has started from them for an hour: a launch still running from one keeps its chunks.
  for (const old of readdirSync(home)) {
    if (old === sig || old === 'manifest.json' || old.startsWith('manifest.json.')) continue;
    const dir = join(home, old);
    try {
      if (Date.now() - statSync(dir).mtimeMs > STALE_MS) rmSync(dir, { recursive: true, force: true });
    } catch {
      // removed by a concurrent launch
    }
  }
  return join(target, main);
}

let script = current();
if (!script) {
  try {
    mkdirSync(dirname(manifestFile), { recursive: true });
    script = await bundle();
  } catch (err) {
    // esbuild is the compiler tsx uses: what it rejects would not run under tsx either.
    const where = (err.errors ?? []).map((e) => (e.location ? `${relative(root, resolve(e.location.file))}:${e.location.line}:${e.location.column + 1}: ${e.text}` : e.text));
    console.error(`launch: cannot compile scripts/${name}.ts: ${where.length ? where.join('\n  ') : err.message}`);
    rmSync(join(home, `.build-${process.pid}`), { recursive: true, force: true });
    process.exit(2);
  }
}
process.argv = [process.argv[0], entry, ...args];
globalThis[ROOT_URL] = pathToFileURL(root.endsWith('/') ? root : `${root}/`).href;
// the bundle of the script's worker part, for worker threads of it to load directly (without checking its freshness
// again)
const workerBundle = parts.includes(workerEntry) ? script.replace(/\.([cm]js)$/, '.worker.$1') : undefined;
if (workerBundle) globalThis[WORKER_BUNDLE_URL] = pathToFileURL(workerBundle).href;
// in a worker thread the script started through this launcher, the script's worker part runs, where it has one
if (!isMainThread && workerBundle) script = workerBundle;
if (script.endsWith('.cjs')) {
  // its code cache is written as the process ends, with what the run compiled, when it had none (kube/code-cache.mjs)
  const { requireCached, saveCodeCaches } = await import('../kube/code-cache.mjs');
  process.on('exit', () => saveCodeCaches());
  requireCached(script);
} else await import(pathToFileURL(script).href);
