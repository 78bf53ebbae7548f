// npm run validate — the pre-commit hook and CI gate.
//   npm run validate                      every environment, platform overlay and argocd/
//   npm run validate -- --env prod        one environment (and its cluster's platform overlay)
//   npm run validate -- vendor/x/ a.yaml  kubeconform-style check of arbitrary manifests (`-` reads standard input)
//   --format text|json|junit|sarif   --strict (warnings fail)   --branches (Gitflow ancestry)
//   --no-cache (render every overlay and run every generator even if their inputs are unchanged)
//   --verbose  (text format: list every warning; by default a rule's warnings past the third are counted)
//   files mode, like kubeconform: --crd <file|dir> (CRDs of your own kinds; repeatable), --skip-kind <Kind[,Kind]>,
//   --ignore-missing-schemas (a kind with no schema is a warning, not an error)
//   --kubernetes-version 1.31  (files mode: the cluster version the removed-API check uses)
//   colour: on a terminal; NO_COLOR=1 turns it off, FORCE_COLOR=1 turns it on
// Exit: 0 clean, 1 findings, 2 usage or environment error.
// package.json starts it as `NODE_EXTRA_CA_CERTS= node --v8-pool-size=2 <V8 flags> scripts/launch.mjs validate`
// (lib/validate/v8-flags.ts says why the flags are there): validate opens no
// TLS connection, and Node 20 reads and parses the whole root store, plus the variable's file, before it runs any
// JavaScript whenever the variable is set (docs/benchmarks.md, files mode, the twentieth session).
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { KustomizeMissing } from './lib/kustomize/binary.ts';
import { saveCodeCaches } from '../kube/code-cache.mjs';
import { formats, summaryLine, toJson, toJunit, toSarif, toText, useColor, type Format } from './lib/validate/output.ts';
import { parseKubernetesVersion, UsageError } from './lib/validate/usage.ts';
import { VALIDATE_V8_FLAGS } from './lib/validate/v8-flags.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

// V8's flags for the whole process (worker threads included), before any check runs: npm run validate gives them on
// the command line already (lib/validate/v8-flags.ts)
for (const flag of VALIDATE_V8_FLAGS) setFlagsFromString(flag);

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      format: { type: 'string', default: 'text' },
      env: { type: 'string', multiple: true },
      strict: { type: 'boolean', default: false },
      branches: { type: 'boolean', default: false },
      'kubernetes-version': { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
      verbose: { type: 'boolean', short: 'v', default: false },
      crd: { type: 'string', multiple: true },
      'skip-kind': { type: 'string', multiple: true },
      'ignore-missing-schemas': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(readFirstComment());
    return 0;
  }
  const format = values.format as Format;
  if (!formats.includes(format)) throw new UsageError(`--format ${format}: expected one of ${formats.join(', ')}`);
  // `npm run validate -- files` runs us from the package root; INIT_CWD is where the user typed it.
  const cwd = process.env.npm_lifecycle_event === 'validate' && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
  const version = values['kubernetes-version'] === undefined ? undefined : parseKubernetesVersion(values['kubernetes-version']);
  if (version && !positionals.length)
    throw new UsageError('--kubernetes-version applies to files mode (validate <files>); the repository is checked against each cluster\'s version in generators/environments.ts');
  // Repository-only flags would otherwise be dropped without a word in files mode: the user would believe they applied.
  const repoOnly = [values.env && `--env ${values.env.join(', --env ')}`, values.branches && '--branches', values['no-cache'] && '--no-cache'].filter(Boolean);
  if (positionals.length && repoOnly.length)
    throw new UsageError(`${repoOnly.join(' and ')}: repository mode only (npm run validate without files); files mode checks the files given as they are`);
  const schemaFlags = { crd: values.crd, skipKind: values['skip-kind'], ignoreMissingSchemas: values['ignore-missing-schemas'] };
  if (!positionals.length && (values.crd || values['skip-kind'] || values['ignore-missing-schemas']))
    throw new UsageError('--crd, --skip-kind and --ignore-missing-schemas apply to files mode (npm run validate -- <files or folders>); the repository is always validated against vendor/crds');
  // Each mode is a bundle of its own, loaded only for it (validate.files.ts, validate.repo.ts): files mode, and its
  // worker threads (validate.worker.ts), read and compile none of kustomize's, Argo CD's and the policies' code, and
  // repository mode none of files mode's. Files mode on a folder: its worker threads start booting while it is listed
  // (files.ts earlyPool).
  const files = positionals.length ? await import('./validate.files.ts') : undefined;
  const pool = files?.earlyPool(cwd, positionals, version);
  const result = files
    ? await files.validateFiles(cwd, positionals, version, { schema: schemaFlags, pool }).finally(() => pool?.close())
    : await (await import('./validate.repo.ts')).validateRepo({ root, envs: values.env, branches: values.branches, cache: !values['no-cache'] });

  // A named path that held no YAML or JSON at all is a mistake (a wrong folder, a glob that matched READMEs), not a
  // pass: kubeconform's green "0 resources found in 0 files" would let it through a CI gate. Files that were all
  // skipped with a note (kustomizations, Helm charts: a pre-commit hook handing over only those) pass, the notes say why.
  if (positionals.length && !result.targets.length && !result.notes.length)
    throw new UsageError(`nothing to validate in ${positionals.join(' ')}: no .yaml, .yml or .json file`);
  const out =
    format === 'json' ? toJson(result.findings, result.summary, { branches: result.branches, notes: result.notes })
    : format === 'junit' ? toJunit(result.findings, result.summary, result.branches ? [...result.targets, 'branches'] : result.targets)
    : format === 'sarif' ? toSarif(result.findings, undefined, positionals.length ? cwd : root)
    : toText(result.findings, result.summary, useColor(process.env, !!process.stdout.isTTY), values.verbose);
  // the code caches of the compiled schemas this run loaded without (kube/code-cache.mjs), before the timings name them
  const caches = saveCodeCaches();
  let err = result.notes.map((n) => `${n}\n`).join('');
  if (process.env.VALIDATE_TIMINGS) err += `timings (ms): ${JSON.stringify(result.timings)}\ncode caches of the main thread: ${caches.taken} taken, ${caches.written} written\n`;
  if (format !== 'text') err += `${summaryLine(result.summary)}\n`;
  // process.exit drops what a pipe has not taken yet (`validate --format json . | jq` got the first 128 KiB):
  // exit once both streams have handed everything over.
  await Promise.all([written(process.stdout, out), written(process.stderr, err)]);
  const failing = result.summary.errors + (values.strict ? result.summary.warnings : 0);
  return failing ? 1 : 0;
}

/** Resolves once `text` has been handed to the stream's file descriptor, or the reader has gone (`| head`: EPIPE). */
function written(stream: NodeJS.WriteStream, text: string): Promise<void> {
  if (!text) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('error', () => resolve());
    stream.write(text, () => resolve());
  });
}

function readFirstComment(): string {
  return `usage: npm run validate [-- [--env <name>]... [--format text|json|junit|sarif] [--strict] [--branches] [--no-cache] [--verbose] [--kubernetes-version <major.minor>] [--crd <file|dir>]... [--skip-kind <Kind[,Kind]>]... [--ignore-missing-schemas] [files or folders...]]`;
}

/**
 * The errors that are a usage or environment error (exit 2), by name: each mode's bundle (validate.files.ts,
 * validate.repo.ts) has classes of its own.
 */
const usageErrors: ReadonlySet<string> = new Set([new UsageError(), new KustomizeMissing()].map((e) => e.name));

main().then(
  (code) => process.exit(code),
  (err) => {
    if (usageErrors.has((err as Error)?.name) || String((err as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')) {
      console.error(`validate: ${(err as Error).message}`);
      process.exit(2);
    }
    console.error(`validate: internal error: ${(err as Error).stack ?? err}`);
    process.exit(2);
  },
);
