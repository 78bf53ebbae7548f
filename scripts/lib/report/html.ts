// The report as one static HTML file: inline CSS, inline SVG, a few lines of inline
// JavaScript (row filter); no external resource of any kind, so it opens from disk.
import { expiryWarningDays } from '../../../policies/lib/exemptions.ts';
import type { Commit } from '../plumbing/git.ts';
import type { Finding } from '../../../kube/index.ts';
import type { ReportData } from './index.ts';
import { replicasText, type Cell, type Matrix } from './matrix.ts';
import { recoveryHtml } from './recovery.ts';
import { primaryKind } from './svg.ts';

export const esc = (s: unknown): string =>
  String(s ?? '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const short = (sha?: string) => (sha ? sha.slice(0, 7) : '');

const CSS = `
:root{--fg:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#ffffff;--soft:#f8fafc;--accent:#4338ca;--warn:#b45309;--err:#b91c1c;--ok:#15803d}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:18px 28px 12px;border-bottom:1px solid var(--line);background:var(--soft)}
header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;color:var(--muted)}
nav{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line);padding:8px 28px;display:flex;gap:18px;flex-wrap:wrap;align-items:center}
nav a{color:var(--accent);text-decoration:none;font-weight:600}
nav input{margin-left:auto;padding:5px 9px;border:1px solid #cbd5e1;border-radius:6px;min-width:240px}
main{padding:8px 28px 40px}
section{margin-top:26px}
h2{font-size:18px;margin:0 0 10px;border-bottom:2px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:18px 0 8px}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{border:1px solid var(--line);padding:6px 8px;vertical-align:top;text-align:left}
th{background:var(--soft);font-weight:600}
th small,td small{color:var(--muted);font-weight:normal}
td.absent{color:var(--muted);text-align:center;background:repeating-linear-gradient(45deg,#fff,#fff 6px,#f8fafc 6px,#f8fafc 12px)}
.matrix{table-layout:fixed}
.matrix th:first-child{width:150px}
.cell div{overflow-wrap:anywhere}
.tag{overflow-wrap:anywhere}
.tag{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;background:#eef2ff;border-radius:4px;padding:0 4px}
.differs .tag{background:#fef3c7;outline:1px solid #f59e0b}
.k{color:var(--muted);display:inline-block;min-width:62px}
.pill{display:inline-block;border-radius:999px;padding:0 8px;font-size:12px;font-weight:600}
.pill.error,.pill.expired,.pill.invalid{background:#fee2e2;color:var(--err)}
.pill.warning,.pill.unmatched,.pill.expiring{background:#fef3c7;color:var(--warn)}
.pill.ok,.pill.active{background:#dcfce7;color:var(--ok)}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}
.diagram{overflow:auto;border:1px solid var(--line);border-radius:8px;padding:8px;background:#fff}
.diagram svg{display:block;max-width:none;height:auto;cursor:zoom-out}
.diagram.fit svg{max-width:100%;cursor:zoom-in}
ul.warnings li{color:var(--warn)}
.muted{color:var(--muted)}
details summary{cursor:pointer;font-weight:600}
[hidden]{display:none!important}
`;

// Hides matrix rows and finding rows whose text does not contain the filter; a click
// on the diagram toggles between its own size (text as large as the body's; the box scrolls
// sideways when the window is narrower) and fit-to-width (an overview).
const JS = `
(function(){
  var diagram=document.getElementById('architecture');
  if(diagram)diagram.addEventListener('click',function(){diagram.classList.toggle('fit');});
  var warnings=document.getElementById('warnings');
  document.querySelectorAll('a.open-warnings').forEach(function(a){a.addEventListener('click',function(){if(warnings)warnings.open=true;});});
  var input=document.getElementById('filter');
  if(!input)return;
  input.addEventListener('input',function(){
    var q=input.value.trim().toLowerCase();
    document.querySelectorAll('[data-filterable] tbody tr').forEach(function(tr){
      tr.hidden=q!==''&&tr.textContent.toLowerCase().indexOf(q)<0;
    });
  });
})();
`;

function cellHtml(c: Cell, previous: Cell | undefined, previousEnv: string | undefined): string {
  const lines: string[] = [];
  for (const k of c.containers) {
    const prev = previous?.containers.find((x) => x.name === k.name);
    const differs = prev && prev.version !== k.version;
    lines.push(
      `<div class="img${differs ? ' differs' : ''}" title="${esc(k.image)}${differs ? ` (${previousEnv} runs ${esc(prev.version)})` : ''}"><span class="k">${k.init ? 'init ' : ''}${esc(k.name)}</span> <span class="tag">${esc(k.version)}</span></div>`,
    );
  }
  const r = c.replicas;
  lines.push(
    `<div><span class="k">${r.mode === 'schedule' ? 'schedule' : 'replicas'}</span> <b>${esc(replicasText(r))}</b>${r.mode === 'hpa' ? ` <small>HPA ${esc(r.metrics.join(', '))}</small>` : ''}</div>`,
  );
  const many = c.containers.length > 1;
  for (const k of c.containers) {
    const req = `${k.requests.cpu ?? '–'} / ${k.requests.memory ?? '–'}`;
    const lim = `${k.limits.cpu ?? '–'} / ${k.limits.memory ?? '–'}`;
    lines.push(
      `<div title="${esc(k.name)}: requests cpu / memory → limits cpu / memory"><span class="k">resources</span> ${esc(req)} <small>→</small> ${esc(lim)}${many ? ` <small>${esc(k.name)}</small>` : ''}</div>`,
    );
  }
  if (c.pdb) lines.push(`<div><span class="k">PDB</span> ${esc(c.pdb)}</div>`);
  if (c.release) lines.push(`<div><span class="k">release</span> ${esc(c.release)}</div>`);
  for (const s of c.storage)
    lines.push(`<div><span class="k">storage</span> ${esc(s.name)} ${esc(s.size ?? '?')}${s.storageClass ? ` <small>${esc(s.storageClass)}</small>` : ''}</div>`);
  return lines.join('');
}

function matrixTable(m: Matrix, headers: ReadonlyMap<string, string>, id: string): string {
  const head = m.targets.map((t) => `<th scope="col">${headers.get(t) ?? esc(t)}</th>`).join('');
  const rows = m.components.map((name) => {
    const cells = m.targets.map((t, i) => {
      const c = m.cells.get(name)?.get(t);
      const attrs = `data-component="${esc(name)}" data-env="${esc(t)}"`;
      if (!c) return `<td class="absent" ${attrs}>not deployed</td>`;
      const prevTarget = m.targets[i - 1];
      const prev = prevTarget ? m.cells.get(name)?.get(prevTarget) : undefined;
      return `<td class="cell" ${attrs}>${cellHtml(c, prev, prevTarget)}</td>`;
    });
    const kinds = [...new Set([...(m.cells.get(name)?.values() ?? [])].map((c) => c.kind))].join(', ');
    return `<tr><th scope="row">${esc(name)}<br><small>${esc(kinds)}</small></th>${cells.join('')}</tr>`;
  });
  return `<table id="${id}" class="matrix" data-filterable><thead><tr><th scope="col">component</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function commitList(cs: readonly Commit[], max = 25): string {
  if (!cs.length) return '<p class="muted">nothing waiting</p>';
  const items = cs
    .slice(0, max)
    .map((c) => `<li><code>${esc(short(c.sha))}</code> ${esc(c.subject)} <small class="muted">${esc(c.author)}, ${esc(c.date.slice(0, 10))}</small></li>`);
  return `<ul>${items.join('')}${cs.length > max ? `<li class="muted">… ${cs.length - max} more</li>` : ''}</ul>`;
}

function promotionSection(d: ReportData): string {
  const out: string[] = [];
  if ('error' in d.branches) out.push(`<p class="pill error">could not read branches: ${esc(d.branches.error)}</p>`);
  else {
    out.push('<table><thead><tr><th>environment</th><th>branch</th><th>at</th><th>waiting for promotion</th><th>not back-merged</th></tr></thead><tbody>');
    for (const e of d.branches.environments) {
      const upstream = e.from ? d.branches.environments.find((x) => x.env === e.from) : undefined;
      const waiting = e.from && !upstream?.commit ? `<span class="muted">cannot compare: ${esc(upstream?.branch ?? e.from)} is missing</span>` : e.from ? (e.waitingPaths?.length ?? e.waiting.length) ? `<details open><summary>${e.waitingPaths?.length ?? 0} file(s), ${e.waiting.length} commit(s) from ${esc(e.from)}</summary>${commitList(e.waiting)}</details>` : `<span class="pill ok">up to date with ${esc(e.from)}</span>` : '<span class="muted">first environment</span>';
      out.push(
        `<tr data-env="${esc(e.env)}"><td>${esc(e.env)}</td><td><code>${esc(e.branch)}</code></td><td>${e.commit ? `<code>${esc(short(e.commit))}</code>` : '<span class="pill error">missing</span>'}</td><td>${e.commit ? waiting : '–'}</td><td>${e.notBackMerged.length ? `<span class="pill error">${e.notBackMerged.length}</span>${commitList(e.notBackMerged, 10)}` : '<span class="pill ok">0</span>'}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
    for (const f of d.branches.findings) out.push(`<p><span class="pill ${esc(f.severity)}">${esc(f.severity)}</span> ${esc(f.message)}${f.hint ? ` <small class="muted">${esc(f.hint)}</small>` : ''}</p>`);
  }
  // What the overlays of this checkout would change between neighbouring environments.
  const rows: string[] = [];
  const m = d.matrix;
  for (const name of m.components) {
    for (let i = 1; i < m.targets.length; i++) {
      const a = m.cells.get(name)?.get(m.targets[i - 1]!);
      const b = m.cells.get(name)?.get(m.targets[i]!);
      for (const c of a?.containers ?? []) {
        const other = b?.containers.find((x) => x.name === c.name);
        if (other && other.version !== c.version)
          rows.push(`<tr><td>${esc(name)}</td><td>${esc(c.name)}</td><td>${esc(m.targets[i - 1])} <span class="tag">${esc(c.version)}</span></td><td>${esc(m.targets[i])} <span class="tag">${esc(other.version)}</span></td></tr>`);
      }
    }
  }
  out.push('<h3>Image tags that differ between neighbouring environments (as rendered above)</h3>');
  out.push(rows.length ? `<table data-filterable><thead><tr><th>component</th><th>container</th><th>upstream</th><th>downstream</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '<p class="muted">every environment runs the same tags</p>');
  return out.join('\n');
}

function findingRow(f: Finding): string {
  return `<tr><td><span class="pill ${esc(f.severity)}">${esc(f.severity)}</span></td><td><code>${esc(f.rule)}</code></td><td>${esc(f.target ?? '')}</td><td class="mono">${esc(f.object ?? '')}</td><td>${esc(f.message)}${f.hint ? `<br><small class="muted">${esc(f.hint)}</small>` : ''}${f.file ? `<br><small class="mono">${esc(f.file)}${f.line ? `:${f.line}` : ''}</small>` : ''}</td></tr>`;
}

function policySection(d: ReportData): string {
  const p = d.policies;
  const all = [...p.findings, ...p.exemptionFindings];
  const targets = [...d.envs.map((e) => e.name as string), ...d.platform.targets, 'argocd'];
  const count = (t: string, s: string) => p.findings.filter((f) => f.target === t && f.severity === s).length;
  const out: string[] = [];
  out.push(`<p>Judged on ${esc(d.today)}. ${p.findings.length} finding(s) not covered by an exemption; ${p.applied.filter((a) => a.status === 'active').length} active exemption(s).</p>`);
  out.push('<table><thead><tr><th>target</th><th>errors</th><th>warnings</th></tr></thead><tbody>');
  for (const t of targets) {
    const e = count(t, 'error');
    const w = count(t, 'warning');
    out.push(`<tr data-target="${esc(t)}"><td>${esc(t)}</td><td><span class="pill ${e ? 'error' : 'ok'}">${e}</span></td><td><span class="pill ${w ? 'warning' : 'ok'}">${w}</span></td></tr>`);
  }
  out.push('</tbody></table>');
  out.push('<h3>Findings</h3>');
  const errors = all.filter((f) => f.severity === 'error');
  const warnings = all.filter((f) => f.severity !== 'error');
  const head = '<thead><tr><th></th><th>policy</th><th>target</th><th>object</th><th>message</th></tr></thead>';
  if (!all.length) out.push('<p class="pill ok">no findings</p>');
  if (errors.length) out.push(`<table data-filterable id="findings">${head}<tbody>${errors.map(findingRow).join('')}</tbody></table>`);
  if (warnings.length) {
    // standing warnings: one count per policy, the list folded behind a link
    const byRule = new Map<string, number>();
    for (const f of warnings) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);
    out.push(
      `<p id="warning-counts">${warnings.length} standing warning(s): ${[...byRule].sort((a, b) => b[1] - a[1]).map(([r, n]) => `<span class="pill warning">${n}</span> <code>${esc(r)}</code>`).join(' · ')} — <a href="#warnings" class="open-warnings">the list</a></p>`,
      `<details id="warnings"><summary>${warnings.length} warning(s)</summary><table data-filterable id="warning-list">${head}<tbody>${warnings.map(findingRow).join('')}</tbody></table></details>`,
    );
  }
  out.push('<h3>Exemptions</h3>');
  if (!p.applied.length) out.push('<p class="muted">none declared</p>');
  else {
    out.push('<table data-filterable id="exemptions"><thead><tr><th>status</th><th>policy</th><th>object</th><th>targets</th><th>owner</th><th>expires</th><th>covers</th><th>reason</th></tr></thead><tbody>');
    for (const a of p.applied) {
      const e = a.exemption;
      const status = a.status === 'active' && a.daysLeft <= expiryWarningDays ? 'expiring' : a.status;
      const obj = [e.object.kind, e.object.namespace, e.object.name].filter(Boolean).join('/') + (e.object.container ? ` (${e.object.container})` : '');
      out.push(
        `<tr><td><span class="pill ${esc(status)}">${esc(status)}</span></td><td><code>${esc(e.policy)}</code></td><td class="mono">${esc(obj)}</td><td>${esc(e.targets?.join(', ') ?? 'all')}</td><td>${esc(e.owner)}</td><td>${esc(e.expires)} <small class="muted">${a.daysLeft >= 0 ? `${a.daysLeft} days left` : `${-a.daysLeft} days ago`}</small></td><td>${a.matched.length}</td><td>${esc(e.reason)}${a.problems?.length ? `<br><small class="pill invalid">${esc(a.problems.join('; '))}</small>` : ''}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }
  return out.join('\n');
}

function architectureSection(d: ReportData): string {
  const g = d.architecture.graph;
  const label = (id: string) => g.nodes.find((n) => n.id === id)?.label ?? id;
  const rows = g.edges.map(
    (e) =>
      `<tr><td>${esc(label(e.source))}</td><td>${esc(label(e.target))}</td><td>${esc(primaryKind(e))}</td><td>${esc(e.ports.join(', '))}</td><td><small>${e.reasons.map(esc).join('<br>')}</small></td></tr>`,
  );
  return [
    `<p class="muted">${esc(d.architecture.title)}. Laid out by ELK (elkjs); hover an edge for where it comes from, click the diagram to fit it to the window (overview) and again for full size.</p>`,
    `<div class="diagram" id="architecture">${d.architecture.svg.replace(/^<\?xml[^>]*>\s*/, '')}</div>`,
    g.warnings.length ? `<h3>Wiring to check</h3><ul class="warnings">${g.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` : '',
    `<details><summary>${g.edges.length} edges and where they come from</summary><table data-filterable><thead><tr><th>from</th><th>to</th><th>kind</th><th>ports</th><th>evidence</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`,
  ].join('\n');
}

export function reportHtml(d: ReportData): string {
  const from = (target: string): string => {
    const s = d.source.targets?.find((x) => x.target === target);
    if (!s) return '';
    return s.commit
      ? `<br><small class="source">rendered from <code>${esc(s.branch)}</code> at <code>${esc(short(s.commit))}</code></small>`
      : `<br><small class="source pill warning">working tree: ${esc(s.fallback)}</small>`;
  };
  const envHeaders = new Map(
    d.envs.map((e) => [
      e.name as string,
      `${esc(e.name)}<br><small><code>${esc(e.branch)}</code> · ${esc(e.namespace)} · ${esc(e.cluster)}<br>${esc(e.host)}</small>${from(e.name)}`,
    ]),
  );
  const platformHeaders = new Map(d.platform.targets.map((t) => [t, `${esc(t)}<br><small>per-cluster platform</small>${from(t)}`]));
  const checkout = `${d.source.branch ? `branch <code>${esc(d.source.branch)}</code> ` : ''}${d.source.commit ? `at <code>${esc(short(d.source.commit))}</code>` : ''}${d.source.dirty ? ' with uncommitted changes' : ''}`;
  const source = d.source.targets
    ? `each target from the branch Argo CD deploys it from (see the column headers); checkout: ${checkout}`
    : `the working tree (${checkout})`;
  const errors = d.renderErrors.length
    ? `<section><h2>Render errors</h2><table><tbody>${d.renderErrors.map(findingRow).join('')}</tbody></table></section>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>marquee environments</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>marquee environments</h1><p>Rendered from ${source} with the pinned kustomize; regenerate with <code>npm run report${d.source.targets ? ' -- --branches' : ''}</code>.</p></header>
<nav><a href="#architecture-section">Architecture</a><a href="#matrix">Components</a><a href="#promotion">Promotion</a><a href="#policies">Policies</a><input id="filter" type="search" placeholder="filter rows (component, policy, object…)" aria-label="filter rows"></nav>
<main>
${errors}
<section id="architecture-section"><h2>Architecture (prod)</h2>
${architectureSection(d)}
</section>
<section id="matrix"><h2>Components × environments</h2>
<p class="muted">Image tag per container (highlighted where it differs from the environment before it), replicas (HPA range or fixed count), requests → limits (cpu / memory), disruption budget and storage.</p>
${matrixTable(d.matrix, envHeaders, 'env-matrix')}
<h3>Platform (per cluster)</h3>
${matrixTable(d.platform, platformHeaders, 'platform-matrix')}
</section>
<section id="promotion"><h2>Waiting for promotion</h2>
${promotionSection(d)}
</section>
<section id="policies"><h2>Policies</h2>
${policySection(d)}
</section>
<section id="recovery"><h2>Recovery (PostgreSQL)</h2>
${recoveryHtml()}
</section>
</main>
<script>${JS}</script>
</body>
</html>
`;
}
