// The pieces of Argo CD the offline preview reimplements: Go templates (Sprig and
// Argo CD functions, missingkey=error), AppProject globs, git path matching,
// generator parameter merging and the PR branch slug.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TemplateError, renderDeep, renderTemplate, sanitizeName } from '../../../scripts/lib/argocd/gotemplate.ts';
import { globMatch, normalizeGitURL, pathMatch, pathspecMatch, projectGlobMatch } from '../../../scripts/lib/argocd/glob.ts';
import { branchSlug, matrixMerge } from '../../../scripts/lib/argocd/generators.ts';
import { isDestinationPermitted, isGroupKindPermitted, isSourcePermitted } from '../../../scripts/lib/argocd/project.ts';

const strict = { options: ['missingkey=error'] };
const params = {
  path: { path: 'overlays/dev/data', basename: 'data', basenameNormalized: 'data', segments: ['overlays', 'dev', 'data'] },
  number: '42',
  branch: 'feature/Inventory_Pagination',
  head_sha: '0123456789abcdef0123456789abcdef01234567',
  labels: ['preview', 'billing'],
  empty: '',
};

test('Argo CD parameter shapes render with Go semantics', () => {
  const r = (t: string) => renderTemplate(t, params, strict);
  assert.equal(r('marquee-{{ .path.basename }}'), 'marquee-data');
  assert.equal(r('{{ index .path.segments 1 }}'), 'dev');
  assert.equal(r('{{ .path.path }}'), 'overlays/dev/data');
  assert.equal(r('marquee-pr-{{ .number }}'), 'marquee-pr-42');
  assert.equal(r('{{ .head_sha | trunc 7 }}'), '0123456');
  assert.equal(r('{{ trunc -3 .head_sha }}'), '567', 'negative trunc keeps the end (Sprig)');
  assert.equal(r('{{ printf "%s-%s" .number .path.basename }}'), '42-data');
  assert.equal(r('{{ .branch | lower | normalize }}'), 'feature-inventory-pagination');
  assert.equal(r('{{ default "none" .empty }}'), 'none');
  assert.equal(r('{{ .empty | default "none" }}'), 'none');
  assert.equal(r('{{ default "none" .number }}'), '42');
  assert.equal(r('{{ join "," .labels }}'), 'preview,billing');
  assert.equal(r('{{ if eq .path.basename "data" }}0{{ else if eq .path.basename "services" }}1{{ else }}2{{ end }}'), '0');
  assert.equal(r('{{- if has_x -}}'.replace('has_x', 'not .empty') + ' a {{- end }} b'), 'a b');
  assert.equal(r('{{ $.number }}{{/* a comment */}}'), '42');
  assert.equal(r('{{ replace "/" "-" .branch | upper }}'), 'FEATURE-INVENTORY_PAGINATION');
  assert.equal(r('{{ len .labels }} {{ and .number .empty }}|{{ or .empty .number }}'), '2 |42');
});

test('missingkey=error: a missing key is an error, also before `default` sees it (as in Go)', () => {
  assert.throws(() => renderTemplate('{{ .nope }}', params, strict), /map has no entry for key "nope"/);
  assert.throws(() => renderTemplate('{{ .nope | default "x" }}', params, strict), /no entry for key "nope"/);
  assert.throws(() => renderTemplate('{{ .path.nope }}', params, strict), /\.path\.nope/);
  assert.equal(renderTemplate('{{ .nope }}', params, {}), '<no value>', 'without the option Go prints <no value>');
});

test('everything outside the subset is a clear error, never a guess', () => {
  const cases: [string, RegExp][] = [
    ['{{ range $i, $l := .labels }}{{ $l }}{{ end }}', /range variables/],
    ['{{ define "x" }}y{{ end }}', /\{\{define\}\} is not supported/],
    ['{{ sha256sum .number }}', /function sha256sum is not supported by marquee's offline emulation/],
    ['{{ env "HOME" }}', /function "env" not defined/],
    ['{{ $x := .number }}', /variable/],
    ['{{ printf "%d" .number }}', /printf %d expects an integer, got string/],
    ['{{ printf "%5s" .number }}', /printf verb %5 is not supported/],
    ['{{ index .path.segments 9 }}', /index out of range: 9/],
    ['{{ .labels }}', /cannot print a list/],
    ['{{ .path }}', /cannot print a map/],
    ['{{ index .path "nope" }}', /value is nil/],
    ['{{ eq .number 42 }}', /incompatible types for comparison/],
    ['{{ .number.x }}', /can't evaluate field x in type string/],
    ['{{ if .number }}x', /missing \{\{end\}\}/],
    ['{{ .number ', /unclosed action/],
  ];
  for (const [t, re] of cases) assert.throws(() => renderTemplate(t, params, strict), (e: unknown) => e instanceof TemplateError && re.test((e as Error).message), t);
  assert.throws(() => renderTemplate('{{ .number }}', params, { options: ['missingkey=zero'] }), /goTemplateOptions "missingkey=zero" is not supported/);
});

test('renderDeep renders string leaves and map keys, with the field path in errors', () => {
  const out = renderDeep({ metadata: { name: 'pr-{{ .number }}', labels: { n: '{{ .number }}' } }, list: ['{{ .path.basename }}', 3, true] }, params, strict);
  assert.deepEqual(out, { metadata: { name: 'pr-42', labels: { n: '42' } }, list: ['data', 3, true] });
  assert.throws(() => renderDeep({ spec: { a: '{{ .x }}' } }, params, { ...strict, where: 'ApplicationSet/x spec.template' }), /ApplicationSet\/x spec.template spec\.a: map has no entry for key "x"/);
  assert.deepEqual(renderDeep({ labels: { 'pr-{{ .number }}': 'x' } }, params, strict), { labels: { 'pr-42': 'x' } });
  assert.throws(() => renderDeep({ labels: { '{{ .empty }}a': 'x', a: 'y' } }, params, strict), /both render to "a"/);
});

test('AppProject globs: gobwas semantics, separators for sourceRepos, ! deny patterns, nil vs empty whitelists', () => {
  assert.ok(globMatch('marquee-pr-*', 'marquee-pr-12'));
  assert.ok(globMatch('marquee-{dev,test}', 'marquee-test'));
  assert.ok(!globMatch('marquee-[!d]*', 'marquee-dev'));
  assert.ok(globMatch('https://github.com/marquee-shop/*', 'https://github.com/marquee-shop/marquee'));
  assert.ok(!globMatch('https://github.com/marquee-shop/*', 'https://github.com/marquee-shop/a/b', '/'), '* stops at / for sourceRepos');
  assert.ok(globMatch('https://github.com/**', 'https://github.com/a/b', '/'));
  assert.ok(projectGlobMatch('!kube-*', 'marquee-dev') && !projectGlobMatch('!kube-*', 'kube-system'));
  const p = { sourceRepos: ['https://github.com/marquee-shop/*', '!https://github.com/marquee-shop/secrets'], destinations: [{ server: '*', namespace: '*' }, { server: '*', namespace: '!kube-system' }] };
  assert.ok(isSourcePermitted(p, 'git@github.com:marquee-shop/marquee.git'), 'scp-style URL normalises');
  assert.ok(!isSourcePermitted(p, 'https://github.com/marquee-shop/secrets.git'), 'deny pattern wins');
  assert.ok(isDestinationPermitted(p, { server: 'https://x', namespace: 'marquee-dev' }));
  assert.ok(!isDestinationPermitted(p, { server: 'https://x', namespace: 'kube-system' }));
  assert.ok(isGroupKindPermitted({}, 'apps', 'Deployment', true), 'no namespace whitelist: all namespaced kinds');
  assert.ok(!isGroupKindPermitted({ namespaceResourceWhitelist: [] }, 'apps', 'Deployment', true), 'an empty whitelist allows nothing');
  assert.ok(!isGroupKindPermitted({}, '', 'Namespace', false), 'no cluster whitelist: nothing cluster-scoped');
  assert.ok(isGroupKindPermitted({ clusterResourceWhitelist: [{ group: '*', kind: '*' }] }, 'rbac.authorization.k8s.io', 'ClusterRole', false));
  assert.equal(normalizeGitURL(' HTTPS://GitHub.com/Marquee-Shop/marquee.git'), 'https://github.com/marquee-shop/marquee');
  assert.equal(normalizeGitURL('git@github.com:marquee-shop/marquee.git'), 'git@github.com/marquee-shop/marquee');
});

test('git generator matching: path.Match for directories, pathspec globs for files', () => {
  assert.ok(pathMatch('overlays/dev/*', 'overlays/dev/data'));
  assert.ok(!pathMatch('overlays/dev/*', 'overlays/dev/services/patches'), '* does not cross /');
  assert.ok(pathMatch('overlays/[dt]*/data', 'overlays/test/data'));
  assert.ok(pathMatch('/d/[f|g]', '/d/g'));
  assert.ok(!pathMatch('overlays/[^d]*', 'overlays/dev'));
  assert.throws(() => pathMatch('overlays/[', 'overlays/x'));
  assert.ok(pathspecMatch('teams/*/team.yaml', 'teams/a/b/team.yaml'), 'git pathspec * crosses /');
  assert.ok(pathspecMatch('teams', 'teams/a/team.yaml'), 'a literal pathspec is a prefix');
  assert.ok(!pathspecMatch('teams/*.json', 'teams/a/team.yaml'));
});

test('parameter merging follows mergo with override (first generator wins, empty values too, maps merge) and PR slugs follow gosimple/slug', () => {
  assert.deepEqual(matrixMerge({ a: '1', m: { x: 1 }, e: '' }, { a: '2', b: '3', m: { x: 2, y: 3 }, e: 'filled' }), { a: '1', b: '3', m: { x: 1, y: 3 }, e: '' });
  assert.equal(branchSlug('feature/Inventory_Pagination'), 'feature-inventory-pagination');
  assert.equal(branchSlug('a'.repeat(30) + '-' + 'b'.repeat(30)), 'a'.repeat(30), 'smart truncation at 50 on a dash');
  const u = branchSlug('feature/ünïcode');
  assert.equal(typeof u, 'object');
  assert.throws(() => renderTemplate('{{ .branch_slug }}', { branch_slug: u }, strict), /not available offline/);
  assert.equal(sanitizeName('-Feature_X.'), 'feature-x');
});

test('numbers from generator parameters print as Go prints a float64 (%v), or are an error where that form is not reproduced', () => {
  // Argo CD's parameters come from JSON/YAML (json.Unmarshal, sigs.k8s.io/yaml): numbers are float64, and
  // fmt's %v is strconv 'g' shortest, exponent form from a decimal exponent of 6 (strconv/ftoa.go formatDigits).
  assert.equal(renderTemplate('{{ .n }}', { n: 8080 }, strict), '8080');
  assert.equal(renderTemplate('{{ .n }}', { n: 999999 }, strict), '999999');
  assert.equal(renderTemplate('{{ .n }}', { n: 1.5 }, strict), '1.5');
  assert.throws(() => renderTemplate('{{ .n }}', { n: 1000000 }, strict), /the number 1000000 is a float64 in Argo CD .* exponent form/);
  assert.throws(() => renderTemplate('{{ printf "%v" .n }}', { n: 1e7 }, strict), /printf %v of the number 10000000/);
  assert.throws(() => renderTemplate('{{ .n }}', { n: 0.00001 }, strict), /exponent form/);
});
