// Lay the architecture graph out with ELK (layered, namespaces as compound nodes)
// and draw it as a standalone SVG. Every coordinate comes from the layout; the
// output is deterministic for a given graph (sorted input, fixed seed, rounded numbers).
import ElkBundled from 'elkjs/lib/elk.bundled.js';
import type { ELK as ElkApi, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { ArchitectureGraph, EdgeKind, GraphEdge, GraphNode } from './graph.ts';

// elkjs is CommonJS: under NodeNext its `default` is the module object, at run time the constructor.
const ELK = ((ElkBundled as unknown as { default?: unknown }).default ?? ElkBundled) as new () => ElkApi;

/** Every text of the diagram: at least the report's body text (14 px) when drawn at scale 1. */
const FONT = 14;
/** Average advance of the sans-serif label font at 14 px; generous so labels never overflow. */
const CHAR = 8.3;
const NODE_H = 50;
/** Flow direction: top to bottom is narrower than left to right (fewer nodes per layer than layers' total width). */
const DIRECTION = 'DOWN';
/** The side of a node where bundled edges (many scrape targets → Prometheus) arrive. */
const IN_SIDE = DIRECTION === 'DOWN' ? 'NORTH' : 'WEST';
const PAD = 16;

const palette: Record<string, { fill: string; stroke: string }> = {
  frontend: { fill: '#e0f2fe', stroke: '#0369a1' },
  gateway: { fill: '#ede9fe', stroke: '#6d28d9' },
  api: { fill: '#dcfce7', stroke: '#15803d' },
  worker: { fill: '#fef9c3', stroke: '#a16207' },
  database: { fill: '#fee2e2', stroke: '#b91c1c' },
  broker: { fill: '#ffedd5', stroke: '#c2410c' },
  monitoring: { fill: '#f1f5f9', stroke: '#475569' },
  ingress: { fill: '#fae8ff', stroke: '#a21caf' },
  external: { fill: '#ffffff', stroke: '#64748b' },
  missing: { fill: '#ffffff', stroke: '#dc2626' },
  other: { fill: '#f8fafc', stroke: '#334155' },
};

const edgeStyle: Record<EdgeKind, { stroke: string; dash?: string; label: string }> = {
  ingress: { stroke: '#a21caf', label: 'routes (Ingress → Service)' },
  calls: { stroke: '#1e293b', label: 'calls (configured URL/host)' },
  metrics: { stroke: '#0d9488', dash: '6 4', label: 'metrics (scraped by Prometheus)' },
  alerts: { stroke: '#dc2626', dash: '2 3', label: 'alerts' },
  allowed: { stroke: '#94a3b8', dash: '1 4', label: 'allowed by NetworkPolicy only' },
};

/** The kind that decides how an edge is drawn. */
export function primaryKind(e: GraphEdge): EdgeKind {
  for (const k of ['ingress', 'calls', 'alerts', 'metrics', 'allowed'] as const) if (e.kinds.includes(k)) return k;
  return 'allowed';
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const r = (n: number | undefined): string => String(Math.round((n ?? 0) * 10) / 10);
const colourOf = (n: GraphNode) => palette[n.kind === 'workload' ? (n.component ?? 'other') : n.kind] ?? palette.other!;
/** The second line as drawn: at most three ports (the tooltip has them all), so one busy node does not widen its layer. */
const detailOf = (n: GraphNode): string => {
  const ports = n.detail.match(/(?:, )?:\d+/g);
  if (!ports || ports.length <= 3) return n.detail;
  const third = n.detail.indexOf(ports[3]!);
  return `${n.detail.slice(0, third)}, …`;
};
const widthOf = (n: GraphNode) => Math.ceil(Math.max(n.label.length * (CHAR + 0.6), detailOf(n).length * (CHAR - 0.8)) + 2 * PAD);
const idOf = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');

export interface SvgOptions {
  /** Title in the SVG and its accessible name. */
  readonly title: string;
}

/** Layout with elkjs and render. */
export async function architectureSvg(g: ArchitectureGraph, opts: SvgOptions): Promise<string> {
  const elk = new ELK();
  const group = (ns: string): ElkNode => ({
    id: `group:${ns}`,
    labels: [{ text: `namespace ${ns}`, width: (`namespace ${ns}`.length + 2) * CHAR, height: FONT + 4 }],
    layoutOptions: { 'elk.padding': '[top=34,left=18,bottom=18,right=18]', 'elk.nodeLabels.placement': 'INSIDE V_TOP H_LEFT' },
    children: g.nodes.filter((n) => n.group === ns).map(shape),
  });
  // Edges of one kind into a node that receives several (every scrape target → Prometheus) end
  // at one port: ELK routes edges sharing a port as one hyperedge, a single trunk into the node.
  const fanIn = new Map<string, number>();
  for (const e of g.edges) fanIn.set(`${e.target}\0${primaryKind(e)}`, (fanIn.get(`${e.target}\0${primaryKind(e)}`) ?? 0) + 1);
  const portOf = (e: GraphEdge): string | undefined => ((fanIn.get(`${e.target}\0${primaryKind(e)}`) ?? 0) > 2 ? `${e.target}:in:${primaryKind(e)}` : undefined);
  const ports = new Map<string, string[]>();
  for (const e of g.edges) {
    const p = portOf(e);
    if (p && !ports.get(e.target)?.includes(p)) ports.set(e.target, [...(ports.get(e.target) ?? []), p]);
  }
  function shape(n: GraphNode): ElkNode {
    const own = ports.get(n.id);
    return {
      id: n.id,
      width: widthOf(n),
      height: NODE_H,
      ...(own ? { ports: own.map((id) => ({ id, width: 1, height: 1, layoutOptions: { 'elk.port.side': IN_SIDE } })), layoutOptions: { 'elk.portConstraints': 'FIXED_SIDE' } } : {}),
    };
  }
  const edges: ElkExtendedEdge[] = g.edges.map((e, i) => ({ id: `e${i}`, sources: [e.source], targets: [portOf(e) ?? e.target] }));
  const root: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': DIRECTION,
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '56',
      'elk.spacing.nodeNode': '22',
      'elk.spacing.edgeNode': '14',
      'elk.spacing.edgeEdge': '8',
      'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.randomSeed': '1',
      'elk.padding': '[top=12,left=12,bottom=12,right=12]',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
    },
    children: [...g.groups.map(group), ...g.nodes.filter((n) => !n.group).map(shape)],
    edges,
  };
  const laid = await elk.layout(root);

  const shapes = new Map<string, ElkNode>();
  const walk = (n: ElkNode) => {
    shapes.set(n.id, n);
    for (const c of n.children ?? []) walk(c);
  };
  walk(laid);
  const W = Math.ceil(laid.width ?? 0);
  const kinds = [...new Set(g.edges.map(primaryKind))].sort((a, b) => Object.keys(edgeStyle).indexOf(a) - Object.keys(edgeStyle).indexOf(b));
  const legendH = 28 + 22 * Math.ceil(kinds.length / 2);
  const H = Math.ceil((laid.height ?? 0) + legendH);

  const out: string[] = [];
  out.push(
    // no double hyphen inside an XML comment: it would make the file ill-formed
    '<!-- Generated by scripts/lib/report/svg.ts from the rendered manifests (npm run report, option update-docs). Do not edit. -->',
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="arch-title" font-family="Helvetica, Arial, sans-serif" font-size="${FONT}">`,
    `<title id="arch-title">${esc(opts.title)}</title>`,
    '<defs>',
    ...Object.entries(edgeStyle).map(
      ([k, s]) => `<marker id="arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="${s.stroke}"/></marker>`,
    ),
    '</defs>',
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
  );
  for (const ns of g.groups) {
    const s = shapes.get(`group:${ns}`)!;
    out.push(
      `<g class="group" data-namespace="${esc(ns)}"><rect x="${r(s.x)}" y="${r(s.y)}" width="${r(s.width)}" height="${r(s.height)}" rx="10" fill="#f8fafc" stroke="#cbd5e1" stroke-dasharray="4 3"/>`,
      `<text x="${r((s.x ?? 0) + 12)}" y="${r((s.y ?? 0) + 21)}" font-weight="bold" fill="#475569">namespace ${esc(ns)}</text></g>`,
    );
  }
  g.edges.forEach((e, i) => {
    const laidEdge = (laid.edges ?? []).find((x: ElkExtendedEdge) => x.id === `e${i}`);
    const section = laidEdge?.sections?.[0];
    if (!section) return;
    const k = primaryKind(e);
    const st = edgeStyle[k];
    const pts = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
    const d = pts.map((p, j) => `${j ? 'L' : 'M'}${r(p.x)},${r(p.y)}`).join('');
    const tip = `${e.source} → ${e.target}${e.ports.length ? ` (${e.ports.join(', ')})` : ''}\n${e.reasons.join('\n')}`;
    out.push(
      `<g class="edge edge-${k}" data-source="${esc(e.source)}" data-target="${esc(e.target)}"><title>${esc(tip)}</title><path d="${d}" fill="none" stroke="${st.stroke}" stroke-width="${k === 'allowed' ? 1.2 : 1.6}"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''} marker-end="url(#arrow-${k})"/></g>`,
    );
  });
  for (const n of g.nodes) {
    const s = shapes.get(n.id)!;
    const c = colourOf(n);
    const x = s.x ?? 0;
    const y = s.y ?? 0;
    out.push(
      `<g class="node node-${n.kind}" id="node-${idOf(n.id)}" data-id="${esc(n.id)}"><title>${esc(`${n.id}: ${n.detail}`)}</title>`,
      `<rect x="${r(x)}" y="${r(y)}" width="${r(s.width)}" height="${r(s.height)}" rx="6" fill="${c.fill}" stroke="${c.stroke}" stroke-width="1.5"${n.kind === 'missing' || n.kind === 'external' ? ' stroke-dasharray="5 3"' : ''}/>`,
      `<text x="${r(x + (s.width ?? 0) / 2)}" y="${r(y + 21)}" text-anchor="middle" font-weight="bold" fill="#0f172a">${esc(n.label)}</text>`,
      `<text x="${r(x + (s.width ?? 0) / 2)}" y="${r(y + 40)}" text-anchor="middle" fill="#475569">${esc(detailOf(n))}</text></g>`,
    );
  }
  // Legend under the layout: one entry per edge kind that occurs, two per row.
  const top = (laid.height ?? 0) + 8;
  const colW = Math.max(260, Math.floor(W / 2));
  kinds.forEach((k, i) => {
    const st = edgeStyle[k];
    const x = 16 + (i % 2) * colW;
    const y = top + 14 + Math.floor(i / 2) * 22;
    out.push(
      `<g class="legend"><path d="M${x},${y}L${x + 34},${y}" stroke="${st.stroke}" stroke-width="1.6"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''} marker-end="url(#arrow-${k})"/><text x="${x + 42}" y="${y + 4}" fill="#334155">${esc(st.label)}</text></g>`,
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
