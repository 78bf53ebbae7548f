// The `yaml` package, loaded on first use. It is the parser for hand-written files
// (positions, duplicate keys), and every parse is cached by content, so a warm
// `npm run validate` parses nothing and skips its import (72 modules; its cost is in docs/benchmarks.md).
// Use as `Y.parseDocument(…)`; import its types from 'yaml' with `import type`.
import { createRequire } from 'node:module';

type YamlModule = typeof import('yaml');
const require = createRequire(import.meta.url);
let loaded: YamlModule | undefined;

export const Y: YamlModule = new Proxy({} as YamlModule, {
  get: (_, key) => (loaded ??= require('yaml') as YamlModule)[key as keyof YamlModule],
});
