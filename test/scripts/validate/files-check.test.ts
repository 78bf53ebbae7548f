// Files mode on hostile and awkward input: every file ends in bounded time and memory with a
// finding (file, line) or a clean pass — never a stack trace, never a hang.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateFiles } from '../../../scripts/lib/validate/index.ts';
import { checkContext, checkText } from '../../../scripts/lib/validate/files-check.ts';
import { defaultKubernetesVersion } from '../../../scripts/lib/validate/schema.ts';
import { crdYaml } from '../../fixtures/crd.ts';

/** Validate `files` (name → text) in a temp folder, in-process; `bound` ms is the time it may take. */
async function check(files: Record<string, string | Buffer>, bound: number, opts: Parameters<typeof validateFiles>[3] = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-check-'));
  try {
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
    const started = performance.now();
    const r = await validateFiles(dir, ['.'], undefined, { workers: 1, ...opts });
    const ms = performance.now() - started;
    assert.ok(ms < bound, `validate took ${Math.round(ms)} ms, bound ${bound} ms`);
    return r;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const brief = (r: Awaited<ReturnType<typeof validateFiles>>) => r.findings.map((f) => [f.rule, f.file, f.line, f.path ?? null]);

test('a YAML alias bomb inside a CRD schema is refused at once, naming file and line', async () => {
  // nine levels of nine aliases: 9^9 nodes once expanded (the issue measured 8 levels at 18.6 s, 9 killed)
  const levels = ['      l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i <= 9; i++) levels.push(`      l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`);
  const crd = crdYaml({ group: 'example.com', kind: 'Bomb', plural: 'bombs', schema: `type: object\nx-bomb:\n${levels.join('\n')}\n` });
  const firstAlias = crd.split('\n').findIndex((l) => l.includes('*l0')) + 1;
  const r = await check({ 'crd.yaml': crd }, 20_000);
  assert.deepEqual(brief(r), [['yaml/alias-limit', 'crd.yaml', firstAlias, null]], JSON.stringify(r.findings));
  assert.match(r.findings[0]!.message, /excessive aliasing/);
});

test('an alias bomb is refused whatever its anchors are named, `&`-names and all (CEL\'s `&&` is no anchor)', async () => {
  // anchors named "&l0", "&l1", …: the text holds `&&l0` and `*&l0`, which the quick alias test must still catch
  const levels = ['      l0: &&l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i <= 9; i++) levels.push(`      l${i}: &&l${i} [${Array(9).fill(`*&l${i - 1}`).join(', ')}]`);
  const crd = crdYaml({ group: 'example.com', kind: 'Bomb', plural: 'bombs', schema: `type: object\nx-bomb:\n${levels.join('\n')}\n` });
  const r = await check({ 'crd.yaml': crd }, 20_000);
  assert.deepEqual(brief(r), [['yaml/alias-limit', 'crd.yaml', crd.split('\n').findIndex((l) => l.includes('*&l0')) + 1, null]], JSON.stringify(r.findings));
});

test('an alias bomb in YAML that is not a Kubernetes manifest (a Prometheus rule file) is refused, not skipped', async () => {
  // The fuzz test's seed 1124399905 put one in base/monitoring/prometheus/rules/rabbitmq.yml: files mode skipped the
  // file as "not a Kubernetes manifest" and passed. No YAML reader takes it (go-yaml refuses it), whatever it is.
  const levels = ['  l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i <= 9; i++) levels.push(`  l${i}: &l${i} [${Array(9).fill(`*l${i - 1}`).join(', ')}]`);
  const rules = `groups:\n  - name: rabbitmq\n    rules:\n      - alert: A\n        expr: up == 0\nx-bomb:\n${levels.join('\n')}\n`;
  const r = await check({ 'rules.yml': rules }, 20_000);
  assert.deepEqual(brief(r), [['yaml/alias-limit', 'rules.yml', rules.split('\n').findIndex((l) => l.includes('*l0')) + 1, null]], JSON.stringify(r.findings));
  // short of the limit the same file is skipped with a note, as before
  const plain = await check({ 'rules.yml': 'groups:\n  - name: rabbitmq\n    rules: []\n' }, 20_000);
  assert.deepEqual(plain.findings, []);
});

test('files mode keeps the objects it read only when asked (the CLI never reads them)', async () => {
  const files = { 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: {k: v}\n' };
  const dropped = await check(files, 20_000);
  assert.equal(dropped.summary.resources, 1);
  assert.deepEqual(dropped.rendered, []);
  const kept = await check(files, 20_000, { keepObjects: true });
  assert.deepEqual(kept.rendered.map((r) => r.object.metadata.name), ['a']);
});

test('anchors and merge keys within go-yaml\'s alias ratio are read, not refused', async () => {
  const r = await check({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: &l {app: web}\n  annotations:\n    <<: *l\n    x: "1"\ndata: {k: v}\n' }, 20_000, { keepObjects: true });
  assert.deepEqual(r.findings, []);
  assert.deepEqual(r.rendered[0]!.object.metadata.annotations, { app: 'web', x: '1' });
});

test('time does not grow with findings × file size: 1,500 findings among 70,000 nodes, each at its own document', async () => {
  const n = 1500;
  const pad = Array.from({ length: 40 }, (_, k) => `  k${k}: "v"\n`).join('');
  const docs = Array.from({ length: n }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  bad: 1\n${pad}`);
  const r = await check({ 'big.yaml': docs.join('---\n') }, 60_000);
  assert.equal(r.summary.errors, n);
  // each document is 47 lines (46 + the separator); `bad:` is its 6th line
  r.findings.forEach((f, i) => assert.equal(f.line, i * 47 + 6, `${f.object}`));
});

test('two same-named objects in different namespaces, and generateName objects, each get their own line', async () => {
  const text = [
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: a\ndata: {x: "1"}\n',
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: b\ndata: {x: 2}\n',
    'apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: m, image: busybox}]\n',
    'apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: m, image: busybox, imagePullPolicy: Sometimes}]\n',
  ].join('---\n');
  const r = await check({ 'two.yaml': text }, 20_000);
  assert.deepEqual(
    r.findings.map((f) => [f.object, f.path, f.line]),
    [
      ['ConfigMap/b/settings', 'data.x', 13],
      ['Job/?', 'spec.template.spec.containers[0].imagePullPolicy', 33],
    ].sort((a, b) => (a[2] as number) - (b[2] as number)),
    JSON.stringify(r.findings),
  );
});

test('deep nesting (YAML or JSON) ends in a finding, not a crash', async () => {
  const depth = 5000;
  const r = await check({ 'deep.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: ${'['.repeat(depth)}${']'.repeat(depth)}\n` }, 20_000);
  const json = `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "deep"}, "data": {"x": ${'['.repeat(depth)}${']'.repeat(depth)}}}`;
  const rj = await check({ 'deep.json': json }, 20_000);
  assert.deepEqual(brief(r), [['yaml/syntax', 'deep.yaml', 5, null]]);
  assert.match(r.findings[0]!.message, /nesting deeper than 100 levels/);
  // the bracket that opens level 101 (the object is level 0, data level 1, the first [ level 2)
  assert.deepEqual(brief(rj), [['yaml/syntax', 'deep.json', 1, null]]);
  assert.equal(rj.findings[0]!.column, json.indexOf('[') + 99 + 1);
  assert.match(rj.findings[0]!.message, /nests deeper than 100 levels/);
});

test('a binary file is a finding, an empty file is no manifest at all', async () => {
  const r = await check({ 'image.yaml': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), 'empty.yaml': '', 'blank.yml': '\n\n# nothing\n' }, 20_000);
  assert.deepEqual(brief(r), [['yaml/syntax', 'image.yaml', 3, null]]);
  assert.match(r.findings[0]!.message, /binary content/);
  assert.equal(r.summary.resources, 0);
});

test('a file over the size bound is a finding without being read', async () => {
  const r = await check({ 'huge.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: huge}\ndata:\n  x: "${'y'.repeat(4096)}"\n` }, 20_000, { maxFileBytes: 1024 });
  assert.deepEqual(brief(r), [['yaml/syntax', 'huge.yaml', null, null]].map(([a, b]) => [a, b, undefined, null]));
  assert.match(r.findings[0]!.message, /larger than files mode reads \(1024 bytes\)/);
});

test('a syntax error and a duplicate key keep the yaml library\'s wording and position', async () => {
  const r = await check({ 'dup.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n', 'bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n   labels: x\n' }, 20_000);
  assert.deepEqual(brief(r), [['yaml/syntax', 'bad.yaml', 4, null], ['yaml/duplicate-key', 'dup.yaml', 5, null]]);
});

test('a duplicate key whose first value is empty is named, at its second line', async () => {
  // the yaml library puts this DUPLICATE_KEY at the end of the first `labels:` line (5:10), and its message is no key
  const r = await check({ 'dup.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n  labels: x\n' }, 20_000);
  assert.deepEqual(r.findings.map((f) => [f.rule, f.line, f.column, f.message]), [['yaml/duplicate-key', 6, 3, 'duplicate key "labels": the mapping has it twice']]);
});

test('a JSON syntax error names its line and column, whatever JSON.parse says of it', async () => {
  // [text, line, column, words]: JSON.parse gives an offset for some of these, none for others
  const table: [string, number, number, RegExp][] = [
    ['{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "metadata": {"name": "x",}\n}\n', 4, 27, /trailing comma/],
    ['{\n  "apiVersion": "v1"\n  "kind": "ConfigMap"\n}\n', 3, 3, /expected ',' or '}'/],
    ['{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "immutable": tru\n}\n', 4, 16, /unexpected "t"/],
    ['{\n  "apiVersion": "v1",\n  "kind": \'ConfigMap\'\n}\n', 3, 11, /double quotes/],
    ['{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "data": {"a": "x\n"}\n}\n', 4, 19, /line break inside a string/],
    ['{\n  "apiVersion": "v1",\n  "kind": "ConfigMap",\n  "data": {"a": "x"', 4, 20, /ends too soon/],
    ['{"apiVersion": "v1", "kind": "ConfigMap"}\n{"apiVersion": "v1"}\n', 2, 1, /more text after the JSON value/],
  ];
  const files = Object.fromEntries(table.map(([text], i) => [`bad-${i}.json`, text]));
  const r = await check(files, 20_000);
  const got = r.findings.map((f) => [f.file, f.rule, f.line, f.column]).sort();
  assert.deepEqual(got, table.map(([, line, column], i) => [`bad-${i}.json`, 'yaml/syntax', line, column]).sort(), JSON.stringify(r.findings));
  for (const [i, [, , , words]] of table.entries()) assert.match(r.findings.find((f) => f.file === `bad-${i}.json`)!.message, words);
});

test('the items of a JSON List get their own lines', async () => {
  const list = {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { x: 1 } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'b' }, spec: { ports: [{ port: 'http' }] } },
    ],
  };
  const text = `${JSON.stringify(list, null, 2)}\n`;
  const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
  const r = await check({ 'list.json': text }, 20_000);
  assert.deepEqual(brief(r), [
    ['schema', 'list.json', lineOf('"x": 1'), 'data.x'],
    ['schema', 'list.json', lineOf('"port": "http"'), 'spec.ports[0].port'],
  ]);
});

test('a duplicate key in a .json file is a finding naming the key at its second line, and the file is still validated', async () => {
  // JSON.parse keeps the last value silently; kubectl's strict decoding refuses the file ("duplicate field")
  const text = [
    '{',
    '  "apiVersion": "v1",',
    '  "kind": "ConfigMap",',
    '  "metadata": {"name": "a", "name": "b"},',
    '  "data": {',
    '    "x": 1,',
    '    "y": "2",',
    '    "\\u0079": "3"',
    '  }',
    '}',
    '',
  ].join('\n');
  // the same key in different mappings is no duplicate
  const fine = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": {"name": "c"}}, "data": {"name": "c"}}';
  const r = await check({ 'dup.json': text, 'fine.json': fine }, 20_000);
  assert.deepEqual(
    brief(r),
    [
      ['yaml/duplicate-key', 'dup.json', 4, null], // the second "name"
      ['schema', 'dup.json', 6, 'data.x'], // the file's other findings are not hidden
      ['yaml/duplicate-key', 'dup.json', 8, null], // "\u0079" is "y" once decoded
    ],
    JSON.stringify(r.findings),
  );
  const [name, y] = r.findings.filter((f) => f.rule === 'yaml/duplicate-key');
  assert.equal(name!.column, 29);
  assert.match(name!.message, /^duplicate key "name"/);
  assert.equal(y!.column, 5);
  assert.match(y!.message, /^duplicate key "y"/);
});

test('unknown fields in sibling subtrees and list items each carry their own path and line', async () => {
  const text = [
    'apiVersion: apps/v1', // 1
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:', // 5
    '  selector:',
    '    matchLabels: {app: web}',
    '  template:',
    '    metadata:',
    '      labels: {app: web}', // 10
    '    spec:',
    '      containers:',
    '        - name: a',
    '          image: a:1',
    '          imagePullPolicyy: Always', // 15
    '        - name: b',
    '          image: b:1',
    '          ports:',
    '            - containerPort: 80',
    '              protcol: TCP', // 20
    '      nodeSelectr: {}',
    '  replicass: 2',
    '',
  ].join('\n');
  const r = await check({ 'deploy.yaml': text }, 20_000);
  const unknown = r.findings.filter((f) => /unknown field/.test(f.message)).map((f) => [f.line, f.path]);
  assert.deepEqual(unknown.sort((a, b) => Number(a[0]) - Number(b[0])), [
    [15, 'spec.template.spec.containers[0].imagePullPolicyy'],
    [20, 'spec.template.spec.containers[1].ports[0].protcol'],
    [21, 'spec.template.spec.nodeSelectr'],
    [22, 'spec.replicass'],
  ]);
});

test('an unquoted YAML 1.1 boolean is a warning at its line whichever reader reads the file; quoted words and keys are not', async () => {
  const text = [
    'apiVersion: v1', // 1
    'kind: ConfigMap',
    'metadata:',
    '  name: settings',
    'data:', // 5
    '  MODE: on',
    '  DEBUG: "no"',
    "  QUIET: 'off'",
    '  y: plain-key',
    '  FLAGS: |', // 10
    '    yes',
    'binaryData: {}',
    '---',
    'apiVersion: v1',
    'kind: List', // 15
    'items:',
    '  - apiVersion: v1',
    '    kind: ConfigMap',
    '    metadata:',
    '      name: listed', // 20
    '    data:',
    '      A: Y',
    '',
  ].join('\n');
  // the plain-block reader reads the first; an anchor sends the second to js-yaml
  const anchored = text.replace('  name: settings', '  name: &n settings');
  for (const [name, t] of [
    ['plain', text],
    ['anchored', anchored],
  ] as const) {
    const r = await check({ 'cm.yaml': t }, 20_000);
    const warnings = r.findings.filter((f) => f.rule === 'yaml/yaml11-boolean').map((f) => [f.line, f.column]);
    assert.deepEqual(warnings, [
      [6, 9],
      [22, 10],
    ], `${name}: ${JSON.stringify(r.findings)}`);
  }
  const quoted = await check({ 'cm.yaml': text.replace('MODE: on', 'MODE: "on"').replace('A: Y', "A: 'Y'") }, 20_000);
  assert.deepEqual(quoted.findings.filter((f) => f.rule === 'yaml/yaml11-boolean'), []);
});

test('a misspelt required field is one finding at the misspelling: the missing field and the API server\'s Required value fold into it', async () => {
  const deployment = (spec: string) =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n${spec}  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n`;
  const r = await check({ 'selecter.yaml': deployment('  selecter:\n    matchLabels: {app: web}\n'), 'ok.yaml': deployment('  selector:\n    matchLabels: {app: web}\n') }, 20_000);
  assert.deepEqual(brief(r), [['schema', 'selecter.yaml', 6, 'spec.selecter']]);
  assert.equal(r.findings[0]!.message, 'unknown field "selecter" (and the required field "selector" is missing)');
  assert.match(r.findings[0]!.hint ?? '', /^did you mean "selector"\?/);
});

test('a file read in pieces (over 64 KiB): findings at their lines past the first piece, a NUL byte and a byte order mark as in a small file', async () => {
  // about 100 KB of ConfigMaps before the objects that matter: FileReader cuts the file after a newline near 64 KiB
  const filler = Array.from({ length: 400 }, (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: filler-${i}\ndata:\n  note: "${'x'.repeat(200)}"\n---\n`).join('');
  const fillerLines = filler.split('\n').length - 1;
  assert.ok(Buffer.byteLength(filler) > 64 * 1024);
  const tail = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: late\ndata:\n  enabled: yes\n  quoted: "one\n    two"\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: late\nspec:\n  replicas: many\n';
  const r = await check({ 'big.yaml': `\ufeff${filler}${tail}` }, 20_000);
  // tail lines: 6 `enabled: yes` (kubectl sends true), 14 `spec:` (no selector, no template), 15 `replicas: many`
  assert.deepEqual(
    r.findings.map((f) => [f.rule, f.line, f.path ?? null]),
    [
      ['schema', fillerLines + 6, 'data.enabled'],
      ['schema', fillerLines + 14, 'spec.selector'],
      ['schema', fillerLines + 14, 'spec.template'],
      ['schema', fillerLines + 15, 'spec.replicas'],
      ['yaml/yaml11-boolean', fillerLines + 6, null],
    ],
    JSON.stringify(r.findings.map((f) => [f.rule, f.line, f.path, f.message])),
  );
  assert.equal(r.summary.resources, 402);
  const nul = await check({ 'nul.yaml': `${filler}a: b\u0000\n` }, 20_000);
  assert.deepEqual(nul.findings.map((f) => [f.rule, f.line, f.message]), [['yaml/syntax', fillerLines + 1, 'binary content (a NUL byte): not a YAML or JSON text file']]);
});

test('a checker started before the input\'s CRD files are known checks built-in kinds at once and makes a custom resource wait for them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'marquee-files-later-crds-'));
  try {
    writeFileSync(join(dir, 'crd.yaml'), crdYaml({ group: 'example.com', kind: 'Widget', plural: 'widgets', schema: 'type: object\nproperties:\n  spec:\n    type: object\n    required: [size]\n' }));
    const widget = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec: {}\n';
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  x: 1\n';
    let found!: (files: readonly string[]) => void;
    const inputCrds = new Promise<readonly string[]>((resolve) => (found = resolve));
    const ctx = await checkContext(defaultKubernetesVersion, false, { cwd: dir, flags: {}, inputCrds: [] }, inputCrds);
    // the ConfigMap's finding while the CRD files are still being found
    const cm = await checkText('cm.yaml', configMap, ctx);
    assert.deepEqual(cm.findings.map((f) => f.path), ['data.x']);
    // the Widget waits: not settled while the search is on, then checked against the input's CRD
    let settled = false;
    const checking = checkText('widget.yaml', widget, ctx).then((r) => ((settled = true), r));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(settled, false, 'a custom resource is not checked before the CRD files are known');
    found([join(dir, 'crd.yaml')]);
    const w = await checking;
    assert.match(w.findings.map((f) => f.message).join(), /size/, JSON.stringify(w.findings));
    // once known, no more waiting: the same again at once
    assert.equal(ctx.inputCrds?.ready, true);
    assert.match((await checkText('widget.yaml', widget, ctx)).findings.map((f) => f.message).join(), /size/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file checked from a reused buffer keeps its bytes while the check waits for a schema module: the buffer overwritten meanwhile changes no line', async () => {
  const ctx = await checkContext(defaultKubernetesVersion, false, { cwd: tmpdir(), flags: {}, inputCrds: [] });
  // a kind this checker has not imported a schema for yet: checkText waits for the import
  const text = 'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: Never\n          containers:\n            - name: x\n              image: x\n              imagePullPolicy: Sometimes\n';
  assert.ok(ctx.validator.unprepared(['batch/v1/CronJob']), 'the CronJob schema is not imported yet');
  const buffer = Buffer.from(text);
  const checking = checkText('cron.yaml', buffer, ctx);
  // what a FileReader does with its buffer on the next read
  buffer.fill(0x20);
  const r = await checking;
  const pull = r.findings.find((f) => f.path?.endsWith('imagePullPolicy'));
  assert.ok(pull, JSON.stringify(r.findings));
  assert.equal(pull.line, 15);
});
