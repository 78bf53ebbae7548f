// npm run report: the real render of this repository, the page opened in headless
// Chromium (Debian's, through playwright-core), the architecture graph checked against
// the contract, and the committed diagram checked for drift.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { services, dataServices, type ServiceName } from '@marquee/contract';
import { environments } from '../../../generators/environments.ts';
import { scrapedServices } from '../../../generators/monitoring/scrape.ts';
import { splitImage } from '../../../kube/index.ts';
import { defaultTargets, renderTargets, type RenderResult } from '../../../scripts/lib/kustomize/index.ts';
import { architectureGraph } from '../../../scripts/lib/report/graph.ts';
import { architectureDoc, architectureMd, reportScreenshot } from '../../../scripts/lib/report/docs.ts';
import { replaceBlock } from '../../../scripts/lib/report/self-healing.ts';
import { reportHtml } from '../../../scripts/lib/report/html.ts';
import { architectureFrom, collectReport, type ReportData } from '../../../scripts/lib/report/index.ts';
import { copyRepo, removeRepo, repoRoot } from '../../helpers/repo-copy.ts';
import { launchChromium, watchPages, type Chromium, type PageWatch } from '../../helpers/chromium.ts';


const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job']);

describe('npm run report', { timeout: 180_000 }, () => {
  let results: RenderResult[];
  let data: ReportData;
  let dir: string;
  let browser: Chromium;
  let ctx: BrowserContext;
  /** The report is one self-contained file: nothing but file:, data: and about: may load. */
  let watch: PageWatch;

  before(async () => {
    results = await renderTargets(repoRoot, defaultTargets(repoRoot));
    data = await collectReport(repoRoot, { results });
    dir = mkdtempSync(join(tmpdir(), 'marquee-report-'));
    writeFileSync(join(dir, 'index.html'), reportHtml(data));
    browser = await launchChromium({ viewport: { width: 1440, height: 1800 } });
    ctx = browser.context;
    watch = await watchPages(ctx, { allowed: (url) => /^(file|data|about):$/.test(url.protocol), warnings: true });
  });

  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders every target without errors', () => {
    assert.deepEqual(data.renderErrors, []);
  });

  it('loads in Chromium with no console errors and no network access', async () => {
    const page = await ctx.newPage();
    await page.goto(`file://${join(dir, 'index.html')}`, { waitUntil: 'load' });
    assert.equal(await page.title(), 'marquee environments');

    // every workload of every environment has its cell, showing the tags the render has
    for (const r of results.filter((x) => x.target.kind === 'env' || x.target.kind === 'platform')) {
      const workloads = r.objects.map((o) => o.object).filter((o) => WORKLOADS.has(o.kind));
      assert.ok(workloads.length > 0, `${r.target.name} renders no workloads`);
      for (const w of workloads) {
        const cell = page.locator(`td[data-component="${w.metadata.name}"][data-env="${r.target.name}"]`);
        assert.equal(await cell.count(), 1, `no cell for ${w.metadata.name} in ${r.target.name}`);
        assert.ok(await cell.isVisible(), `${w.metadata.name} in ${r.target.name} is not visible`);
        const text = await cell.innerText();
        const spec = w.kind === 'CronJob' ? w.spec.jobTemplate.spec.template.spec : w.spec.template.spec;
        for (const c of [...(spec.initContainers ?? []), ...spec.containers])
          assert.ok(text.includes(splitImage(c.image).version), `${w.metadata.name} in ${r.target.name}: ${c.image} not shown in "${text}"`);
      }
    }
    for (const env of Object.values(environments))
      assert.ok(await page.locator('#env-matrix thead').getByText(env.namespace).isVisible(), `${env.name} column header`);

    // the diagram is inline SVG with a laid-out box for every prod workload
    for (const name of Object.keys(services)) {
      const box = await page.locator(`#architecture g.node[data-id="${environments.prod.namespace}/${name}"] rect`).boundingBox();
      assert.ok(box && box.width > 40 && box.height > 20, `${name} has no box in the diagram`);
    }

    // a click fits the diagram to the window (an overview), a second one restores its own size
    const width = async () => (await page.locator('#architecture svg').boundingBox())!.width;
    const own = await width();
    await page.locator('#architecture').click();
    assert.ok((await width()) < own, 'the diagram did not shrink to fit on click');
    await page.locator('#architecture').click();
    assert.equal(await width(), own, 'a second click restores the diagram\'s own size');

    // the filter hides rows that do not match
    await page.fill('#filter', 'inventory');
    const rows = page.locator('#env-matrix tbody tr');
    const shown = await page.locator('#env-matrix tbody tr:not([hidden])').allInnerTexts();
    assert.ok(shown.length >= 1 && shown.length < (await rows.count()), `filter shows ${shown.length} rows`);
    for (const t of shown) assert.match(t.toLowerCase(), /inventory/);
    assert.ok(await page.locator('#env-matrix td[data-component="inventory"][data-env="prod"]').isVisible());
    assert.ok(!(await page.locator('#env-matrix td[data-component="web"][data-env="prod"]').isVisible()));
    await page.fill('#filter', '');
    await page.locator('#filter').blur();

    // the docs show the top of the page: the matrix
    await page.evaluate('window.scrollTo(0, 0)');
    // Refreshes the committed picture only when asked (UPDATE_SCREENSHOTS=1): a test run must
    // leave the working tree as it found it (pixels differ run to run).
    const shot = await page.screenshot({ fullPage: false });
    assert.ok(shot.length > 10_000 && shot.subarray(1, 4).toString() === 'PNG', 'a PNG of the rendered page');
    if (process.env.UPDATE_SCREENSHOTS === '1') writeFileSync(join(repoRoot, reportScreenshot), shot);
    await page.close();
    assert.deepEqual(watch.problems, []);
    assert.deepEqual(watch.offsite, []);
  });

  it('reads at 1400 px: architecture near the top, warnings folded into counts, no horizontal overflow even with four environments', async () => {
    // A fourth environment: the matrix with staging (a copy of test's column) between test and prod.
    const cells = new Map([...data.matrix.cells].map(([c, byEnv]) => [c, new Map([...byEnv, ...(byEnv.get('test') ? [['staging', { ...byEnv.get('test')!, target: 'staging' }] as const] : [])])]));
    const envs = [...data.envs.slice(0, 2), { ...data.envs[1]!, name: 'staging' as any, branch: 'staging', namespace: 'marquee-staging', host: 'staging.marquee.example.com' }, ...data.envs.slice(2)];
    const targets = [...data.matrix.targets.slice(0, 2), 'staging', ...data.matrix.targets.slice(2)];
    const four = { ...data, envs, matrix: { ...data.matrix, targets, cells } } as ReportData;
    for (const [file, d, n] of [['three.html', data, 3], ['four.html', four, 4]] as const) {
      writeFileSync(join(dir, file), reportHtml(d));
      const page = await ctx.newPage();
      await page.setViewportSize({ width: 1400, height: 1000 });
      await page.goto(`file://${join(dir, file)}`, { waitUntil: 'load' });
      assert.equal(await page.locator('#env-matrix thead th').count(), n + 1, `${file}: ${n} environment columns`);
      // no horizontal overflow of the page, nor of the environment matrix inside it
      const [scroll, client] = (await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]')) as number[];
      assert.ok(scroll! <= client!, `${file}: page is ${scroll} px wide in a ${client} px window`);
      const matrix = (await page.locator('#env-matrix').boundingBox())!;
      assert.ok(matrix.x + matrix.width <= client!, `${file}: the matrix ends at ${matrix.x + matrix.width} px`);
      // the architecture diagram comes before the matrix and starts within the first screen
      const arch = (await page.locator('#architecture-section').boundingBox())!;
      assert.ok(arch.y < matrix.y, 'architecture above the matrix');
      assert.ok(arch.y < 1000, `architecture starts at ${arch.y} px`);
      // every text of the diagram, as drawn, is at least the body text: computed font size × the SVG's scale
      const sizes = (await page.evaluate(`(() => {
        const svg = document.querySelector('#architecture svg');
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        const body = parseFloat(getComputedStyle(document.body).fontSize);
        return { body, scale, texts: [...svg.querySelectorAll('text')].map((t) => [t.textContent, parseFloat(getComputedStyle(t).fontSize) * scale]) };
      })()`)) as { body: number; scale: number; texts: [string, number][] };
      assert.ok(sizes.texts.length > 20, `${sizes.texts.length} texts in the diagram`);
      const small = sizes.texts.filter(([, px]) => px < sizes.body);
      assert.deepEqual(small, [], `${file}: diagram text smaller than the ${sizes.body} px body text at scale ${sizes.scale}`);
      if (n === 3) {
        const shot = await page.screenshot({ fullPage: false });
        assert.ok(shot.length > 10_000 && shot.subarray(1, 4).toString() === 'PNG', 'a PNG of the page at 1400 px');
      }
      // standing warnings: counts shown, list folded, the link opens it
      if (data.policies.findings.some((f) => f.severity === 'warning')) {
        assert.match(await page.locator('#warning-counts').innerText(), /^\d+ standing warning\(s\): \d+ \S+/);
        assert.equal(await page.locator('#warning-list').isVisible(), false, 'the warning list is folded');
        await page.locator('#warning-counts a.open-warnings').click();
        assert.equal(await page.locator('#warning-list').isVisible(), true, 'the link opens the list');
      }
      await page.close();
    }
  });

  it('the committed diagram is a well-formed SVG document that Chromium renders', async () => {
    const page = await ctx.newPage();
    await page.goto(`file://${join(repoRoot, architectureDoc)}`);
    // evaluated in the page (a string: this project's TypeScript has no DOM types)
    assert.equal(await page.evaluate("document.getElementsByTagName('parsererror').length"), 0, 'XML parse error');
    assert.equal(await page.evaluate('document.documentElement.localName'), 'svg');
    assert.ok((await page.locator('g.node').count()) >= Object.keys(services).length);
    await page.close();
  });

  it('draws the calls the contract declares, each admitted by the NetworkPolicies', () => {
    const g = data.architecture.graph;
    const ns = environments.prod.namespace;
    const has = (from: string, to: string, kind: string) =>
      g.edges.some((e) => e.source === `${ns}/${from}` && e.target === `${ns}/${to}` && e.kinds.includes(kind as never));
    for (const [name, facts] of Object.entries(services) as [ServiceName, (typeof services)[ServiceName]][]) {
      for (const callee of facts.calls) assert.ok(has(name, callee, 'calls'), `${name} → ${callee}`);
      if (facts.database) assert.ok(has(name, dataServices.postgres, 'calls'), `${name} → postgres`);
      if (facts.usesBroker) assert.ok(has(name, dataServices.rabbitmq, 'calls'), `${name} → rabbitmq`);
    }
    // The storefront, and in prod the gateway's /api Ingress (its canary traffic is split at ingress-nginx, docs/delivery.md).
    const ingress = g.edges.filter((e) => e.kinds.includes('ingress')).map((e) => e.target).sort();
    assert.deepEqual(ingress, [`${ns}/api-gateway`, `${ns}/web`]);
    assert.deepEqual(g.warnings.filter((w) => w.includes('no NetworkPolicy allows')), []);
  });

  it('shows Prometheus scraping every service that serves /metrics and alerting Alertmanager', () => {
    const g = data.architecture.graph;
    const prometheus = g.nodes.find((n) => n.label === 'prometheus');
    assert.ok(prometheus, 'no prometheus node');
    const scraped = g.edges.filter((e) => e.target === prometheus.id && e.kinds.includes('metrics')).map((e) => e.source);
    for (const name of scrapedServices)
      assert.ok(scraped.includes(`${environments.prod.namespace}/${name}`), `${name} is not scraped: ${scraped.join(', ')}`);
    assert.ok(g.edges.some((e) => e.source === prometheus.id && e.kinds.includes('alerts')), 'no alerting edge');
  });

  it('bundles the scrape edges into Prometheus: one trunk, every one ending at the same point', () => {
    const prometheus = data.architecture.graph.nodes.find((n) => n.label === 'prometheus')!;
    const ends = [...data.architecture.svg.matchAll(/<g class="edge edge-metrics" data-source="([^"]+)" data-target="([^"]+)">(?:<title>[^<]*<\/title>)?<path d="([^"]+)"/g)]
      .filter((m) => m[2] === prometheus.id)
      .map((m) => m[3]!.split(/[ML]/).filter(Boolean).pop()!);
    assert.ok(ends.length >= 5, `${ends.length} scrape edges drawn into prometheus`);
    assert.deepEqual([...new Set(ends)], [ends[0]], `the scrape edges end at ${new Set(ends).size} different points: ${[...new Set(ends)].join(' ')}`);
  });

  it('produces the same SVG every time, and docs/img/architecture.svg is that SVG', async () => {
    const again = await architectureFrom(results);
    assert.equal(again.svg, data.architecture.svg, 'layout is not deterministic');
    const committed = readFileSync(join(repoRoot, architectureDoc), 'utf8');
    assert.ok(committed === again.svg, `${architectureDoc} is stale: run npm run report -- --update-docs and commit it`);
  });

  it('docs/architecture.md quotes the self-healing settings prod renders', () => {
    const doc = readFileSync(join(repoRoot, architectureMd), 'utf8');
    assert.ok(replaceBlock(doc, data.selfHealing, architectureMd) === doc, `${architectureMd} is stale: run npm run report -- --update-docs and commit it`);
    // the tables really come from the render: every prod workload has a row
    for (const w of results.find((r) => r.target.name === 'prod')!.objects.map((o) => o.object).filter((o) => ['Deployment', 'StatefulSet'].includes(o.kind)))
      assert.ok(data.selfHealing.includes(`| ${w.metadata.namespace}/${w.metadata.name} (${w.kind}) |`), w.metadata.name);
  });
});

describe('architecture graph', () => {
  const labels = (name: string) => ({ 'app.kubernetes.io/name': name });
  const deployment = (name: string, env: Array<{ name: string; value: string }> = []) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: { template: { metadata: { labels: labels(name) }, spec: { containers: [{ name, image: `${name}:1`, env, ports: [{ name: 'http', containerPort: 80 }] }] } } },
  });
  const service = (name: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'shop' }, spec: { selector: labels(name), ports: [{ name: 'http', port: 80 }] } });
  const policy = (name: string, egressTo: string[]) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: 'shop' },
    spec: { podSelector: { matchLabels: labels(name) }, policyTypes: ['Egress'], egress: egressTo.map((t) => ({ to: [{ podSelector: { matchLabels: labels(t) } }] })) },
  });

  it('flags a configured call that the caller’s NetworkPolicy does not allow', () => {
    const objects = [deployment('front', [{ name: 'API_URL', value: 'http://api:80' }]), deployment('api'), service('api'), policy('front', [])];
    const g = architectureGraph(objects);
    assert.ok(g.edges.some((e) => e.source === 'shop/front' && e.target === 'shop/api' && e.kinds.includes('calls')));
    assert.deepEqual(g.warnings, ['front → api is configured (env API_URL) but no NetworkPolicy allows egress from front to it']);
    const fixed = architectureGraph([...objects.slice(0, 3), policy('front', ['api'])]);
    assert.deepEqual(fixed.warnings, []);
  });

  it('names a host that nothing renders', () => {
    const g = architectureGraph([deployment('front', [{ name: 'DB_HOST', value: 'db' }])]);
    assert.equal(g.nodes.find((n) => n.id === 'shop/db')?.kind, 'missing');
    assert.match(g.warnings.join('\n'), /db \(namespace shop\) is referenced by env DB_HOST/);
  });
});

describe('npm run report with an environment that does not render', { timeout: 120_000 }, () => {
  it('lists the render error and does not call that environment’s exemptions unmatched', async () => {
    const copy = copyRepo();
    try {
      const file = join(copy, 'overlays/prod/services/kustomization.yaml');
      const original = readFileSync(file, 'utf8');
      assert.match(original, /^patches:/m);
      writeFileSync(file, original.replace(/^patches:/m, 'patchs:'));
      const broken = await collectReport(repoRoot, { results: await renderTargets(copy, defaultTargets(copy), { cache: false }) });
      assert.deepEqual(broken.renderErrors.map((f) => [f.target, f.rule]), [['prod', 'kustomize']]);
      assert.deepEqual(broken.policies.exemptionFindings.map((f) => f.message), []);
      // prod's exemptions are judged, and matched, once it renders
      writeFileSync(file, original);
      const fixed = await collectReport(repoRoot, { results: await renderTargets(copy, defaultTargets(copy), { cache: false }) });
      assert.deepEqual(fixed.renderErrors, []);
      assert.ok(fixed.policies.applied.some((a) => a.status === 'active' && a.exemption.targets?.includes('prod')));
      assert.deepEqual(fixed.policies.exemptionFindings.map((f) => f.message), []);
    } finally {
      removeRepo(copy);
    }
  });
});
