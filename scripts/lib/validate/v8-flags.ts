// The V8 flags validate runs under, given on node's command line by package.json (`npm run validate`, the pre-commit
// hook; test/scripts/validate/cli.test.ts checks that they agree), so that the launcher's bundle is compiled under the
// flags it runs with and its code cache holds (kube/code-cache.mjs: V8 refuses a cache made under other flags).
// Started otherwise (`node scripts/launch.mjs validate`), validate sets them itself once its bundle has loaded, and
// that run writes no code cache for the bundle.

/**
 * `--interrupt-budget`: V8 optimises a function once it has run this many bytecodes' worth (its default: 67,584). A
 * validate run lasts seconds, and each thread compiled hundreds of functions it then ran for only a moment (the
 * structural-schema walks and the schemas' validators at the top, each a few tens of ms on V8's compiler threads, which
 * compete with the checking threads for the cores). For the whole process, worker threads included, before any of the
 * checks has run (docs/benchmarks.md, files mode, the thirteenth session).
 */
export const VALIDATE_V8_FLAGS = ['--interrupt-budget=400000'] as const;
