// assembleSite(): content-hashed assets, index.html rewritten, broken sites refused whole.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assembleSite, publicDir } from '../src/assemble.ts';

const scratch = mkdtempSync(join(tmpdir(), 'marquee-assemble-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function fakeSite(name: string, index: string, assets: Record<string, string>): string {
  const dir = join(scratch, name);
  mkdirSync(join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'index.html'), index);
  for (const [f, body] of Object.entries(assets)) writeFileSync(join(dir, 'assets', f), body);
  return dir;
}

describe('assembleSite', () => {
  it('hashes every asset by content and rewrites index.html to the hashed names', () => {
    const out = join(scratch, 'real');
    const { assets } = assembleSite(out);
    assert.deepEqual([...assets.keys()].sort(), ['/assets/app.js', '/assets/styles.css']);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    for (const [logical, hashed] of assets) {
      const body = readFileSync(join(publicDir, logical));
      const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
      assert.equal(hashed, logical.replace(/(\.\w+)$/, `.${hash}$1`));
      assert.deepEqual(readFileSync(join(out, hashed)), body);
      assert.ok(index.includes(`"${hashed}"`), `index.html links ${hashed}`);
      assert.ok(!index.includes(`"${logical}"`), `index.html no longer links ${logical}`);
    }
    assert.ok(existsSync(join(out, 'favicon.svg')));
    assert.deepEqual(readdirSync(join(out, 'assets')).sort(), [...assets.values()].map((p) => p.slice('/assets/'.length)).sort());
  });

  it('is reproducible: same input, same names', () => {
    const a = assembleSite(join(scratch, 'a')).assets;
    const b = assembleSite(join(scratch, 'b')).assets;
    assert.deepEqual([...a], [...b]);
  });

  it('keeps no inline script or style, so the CSP needs no unsafe-inline', () => {
    const index = readFileSync(join(publicDir, 'index.html'), 'utf8');
    assert.doesNotMatch(index, /<script(?![^>]*\bsrc=)[^>]*>/);
    assert.doesNotMatch(index, /<style|\sstyle=|\son\w+=/);
    assert.doesNotMatch(index + readFileSync(join(publicDir, 'assets/app.js'), 'utf8'), /https?:\/\//, 'nothing from the internet');
  });

  it('refuses an index.html that links a missing asset, naming it, and writes nothing', () => {
    const src = fakeSite('missing', '<script src="/assets/gone.js"></script>', {});
    const out = join(scratch, 'missing-out');
    assert.throws(() => assembleSite(out, src), /references \/assets\/gone\.js, which is not in/);
    assert.equal(existsSync(out), false);
  });

  it('refuses an asset nobody links (dead weight in the image)', () => {
    const src = fakeSite('orphan', '<link rel="stylesheet" href="/assets/a.css">', { 'a.css': 'a{}', 'b.css': 'b{}' });
    assert.throws(() => assembleSite(join(scratch, 'orphan-out'), src), /b\.css is not referenced by index\.html/);
  });

  it('refuses a directory without index.html', () => {
    mkdirSync(join(scratch, 'empty'));
    assert.throws(() => assembleSite(join(scratch, 'empty-out'), join(scratch, 'empty')), /index\.html is missing/);
  });
});
