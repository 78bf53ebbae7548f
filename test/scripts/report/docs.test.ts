// The docs this area owns link where they say: every runbook_url of every rendered
// alert rule lands on an existing heading, and every relative link in
// docs/architecture.md and docs/operations.md resolves to a file and an anchor.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { repository } from '../../../generators/environments.ts';
import { defaultTargets, renderTargets, type RenderResult } from '../../../scripts/lib/kustomize/index.ts';
import { repoRoot } from '../../helpers/repo-copy.ts';

/** GitHub's heading ids (github-slugger): lower case, punctuation dropped, spaces to dashes, duplicates numbered. */
export function anchorsOf(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      const text = h[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
      const base = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      out.add(n ? `${base}-${n}` : base);
    }
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]!);
  }
  return out;
}

describe('alert runbooks', { timeout: 120_000 }, () => {
  let platform: RenderResult[];
  before(async () => {
    platform = await renderTargets(repoRoot, defaultTargets(repoRoot).filter((t) => t.kind === 'platform'));
  });

  it('every alert of every cluster links a runbook heading that exists', () => {
    const prefix = `https://github.com/${repository.github.owner}/${repository.github.repo}/blob/main/`;
    let alerts = 0;
    const missing: string[] = [];
    assert.ok(platform.length > 0, 'no platform overlay rendered');
    for (const r of platform) {
      assert.deepEqual(r.findings, []);
      for (const cm of r.objects.map((o) => o.object).filter((o) => o.kind === 'ConfigMap')) {
        for (const [key, value] of Object.entries<string>(cm.data ?? {})) {
          if (!/\.ya?ml$/.test(key) || !/^groups:/m.test(value)) continue;
          for (const g of (parse(value) as { groups?: Array<{ rules?: Array<Record<string, any>> }> }).groups ?? [])
            for (const rule of g.rules ?? []) {
              if (!rule.alert) continue;
              alerts++;
              const url: unknown = rule.annotations?.runbook_url;
              if (typeof url !== 'string' || !url.startsWith(prefix)) {
                missing.push(`${r.target.name} ${rule.alert}: runbook_url ${String(url)} does not point into this repository (${prefix})`);
                continue;
              }
              const [path, anchor] = url.slice(prefix.length).split('#');
              const file = join(repoRoot, path!);
              if (!existsSync(file)) missing.push(`${rule.alert}: ${path} does not exist`);
              else if (!anchor || !anchorsOf(readFileSync(file, 'utf8')).has(anchor)) missing.push(`${rule.alert}: ${path} has no heading #${anchor}`);
            }
        }
      }
    }
    assert.ok(alerts > 0, 'no alert rules found in the rendered platform overlays');
    assert.deepEqual(missing, []);
  });
});

describe('links in the operations and architecture docs', () => {
  for (const doc of ['docs/architecture.md', 'docs/operations.md']) {
    it(`${doc}: every relative link resolves`, () => {
      const text = readFileSync(join(repoRoot, doc), 'utf8');
      const problems: string[] = [];
      let links = 0;
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        links++;
        const [path, anchor] = target.split('#');
        const file = path ? normalize(join(dirname(join(repoRoot, doc)), path)) : join(repoRoot, doc);
        if (!existsSync(file)) problems.push(`${target}: no file ${file.slice(repoRoot.length)}`);
        else if (anchor && !anchorsOf(readFileSync(file, 'utf8')).has(anchor)) problems.push(`${target}: no heading #${anchor}`);
      }
      assert.ok(links > 3, `${doc} has ${links} relative links`);
      assert.deepEqual(problems, []);
    });
  }

  it('computes GitHub heading ids', () => {
    const ids = anchorsOf('# Promotion: `npm run promote -- --from dev --to test`\n## A: b → c\n## A: b → c\n```\n# not a heading\n```\n');
    assert.deepEqual([...ids], ['promotion-npm-run-promote------from-dev---to-test', 'a-b--c', 'a-b--c-1']);
  });
});
