// Render a RenderDiff for people (text, markdown PR comment) and tools (json).
import type { FieldChange } from './compare.ts';
import { hasChanges, type ImageChange, type RenderDiff, type Side, type TargetDiff } from './index.ts';

export type Format = 'text' | 'markdown' | 'json';
export const formats: readonly Format[] = ['text', 'markdown', 'json'];

/** Marker the PR workflow uses to find and update its own comment. */
export const commentMarker = '<!-- marquee:rendered-diff -->';

/** GitHub refuses comments over 65 536 characters; leave room for the frame. */
const MARKDOWN_BUDGET = 60_000;

const short = (sha?: string) => (sha ? sha.slice(0, 7) : '');

/** One-line rendering of a field value. */
export function show(value: unknown, max = 160): string {
  let s: string;
  if (value === undefined) s = '∅';
  else if (typeof value === 'string') s = value === '' || /^\s|\s$|^[\d.]+$|^(true|false|null)$/.test(value) ? JSON.stringify(value) : value;
  else s = JSON.stringify(value);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

const sideLabel = (s: Side, code = (x: string) => x): string =>
  s.label === 'working tree'
    ? `working tree${s.sha ? ` at ${code(short(s.sha))}` : ''}${s.dirty ? ' with uncommitted changes' : ''}`
    : `${code(s.label)}${s.sha && !s.sha.startsWith(s.label) ? ` (${code(short(s.sha))})` : ''}`;

function counts(t: TargetDiff): string {
  if (t.error) return 'could not be rendered';
  return `${t.added.length} added, ${t.removed.length} removed, ${t.changed.length} changed`;
}

/** Image changes that are the same in several targets, as one row naming the targets. */
export function groupImages(images: readonly ImageChange[]): Array<Omit<ImageChange, 'target'> & { targets: string[] }> {
  const rows = new Map<string, Omit<ImageChange, 'target'> & { targets: string[] }>();
  for (const { target, ...rest } of images) {
    const key = JSON.stringify([rest.workload, rest.container, rest.repository, rest.before, rest.after]);
    const row = rows.get(key) ?? { ...rest, targets: [] };
    row.targets.push(target);
    rows.set(key, row);
  }
  return [...rows.values()];
}

const imageLine = (i: ReturnType<typeof groupImages>[number]): string =>
  `${i.targets.join(', ')}  ${i.workload}  ${i.container}  ${i.repository}  ${i.before ?? '(new)'} → ${i.after ?? '(removed)'}`;

function fieldLinesText(c: FieldChange, indent: string): string[] {
  if (c.lines) return [`${indent}${c.path}:`, ...c.lines.map((l) => `${indent}  ${l}`)];
  if (c.before === undefined) return [`${indent}${c.path}: + ${show(c.after)}`];
  if (c.after === undefined) return [`${indent}${c.path}: - ${show(c.before)}`];
  return [`${indent}${c.path}: ${show(c.before)} → ${show(c.after)}`];
}

/** The image-tag section of the text diff (empty when no image changed). */
export const imagesText = (images: readonly ImageChange[]): string[] =>
  images.length ? ['Image tags', ...groupImages(images).map((i) => `  ${imageLine(i)}`), ''] : [];

/** One target's lines of the text diff: counts, then added, removed and changed objects with old → new values. */
export function targetText(t: TargetDiff): string[] {
  if (!hasChanges(t)) return [`${t.target} (${t.path}): no changes`];
  const out = [`${t.target} (${t.path}): ${counts(t)}`];
  if (t.error) out.push(`  error: ${t.error}`);
  for (const o of t.added) out.push(`  + ${o.ref}${o.origin ? `  (${o.origin})` : ''}`);
  for (const o of t.removed) out.push(`  - ${o.ref}`);
  for (const o of t.changed) out.push(`  ~ ${o.ref}`, ...o.changes.flatMap((c) => fieldLinesText(c, '      ')));
  return out;
}

export function toText(d: RenderDiff): string {
  const out = [`rendered diff: ${sideLabel(d.base)} → ${sideLabel(d.head)}`, ''];
  out.push(...imagesText(d.targets.flatMap((t) => t.images)));
  for (const t of d.targets) out.push(...targetText(t));
  return out.join('\n') + '\n';
}

/** Body of one target's ```diff block: + added, - removed, ! changed objects with -/+ value pairs. */
function diffBlock(t: TargetDiff): string[] {
  const lines: string[] = [];
  if (t.error) lines.push(`! error: ${t.error}`);
  for (const o of t.added) lines.push(`+ ${o.ref}`);
  for (const o of t.removed) lines.push(`- ${o.ref}`);
  for (const o of t.changed) {
    lines.push(`! ${o.ref}`);
    for (const c of o.changes) {
      if (c.lines) {
        lines.push(`  ${c.path}:`);
        for (const l of c.lines) lines.push(l.startsWith('+') || l.startsWith('-') ? `${l[0]}     ${l.slice(1)}` : `      ${l.slice(1)}`);
      } else {
        if (c.before !== undefined) lines.push(`-   ${c.path}: ${show(c.before)}`);
        if (c.after !== undefined) lines.push(`+   ${c.path}: ${show(c.after)}`);
      }
    }
  }
  return lines.map((l) => l.replaceAll('```', "'''"));
}

/** A target's diff with its own namespace abstracted, to spot environments that changed alike. */
const sameKey = (t: TargetDiff, body: string[]): string =>
  t.namespace ? body.join('\n').replaceAll(`/${t.namespace}/`, '/<namespace>/') : body.join('\n');

const cell = (s: string) => s.replaceAll('|', '\\|');

export function toMarkdown(d: RenderDiff, runHint = `npm run diff -- --base ${d.base.label}`): string {
  const changed = d.targets.filter(hasChanges);
  const code = (x: string) => `\`${x}\``;
  const out = [commentMarker, `### Rendered manifests: ${sideLabel(d.base, code)} → ${sideLabel(d.head, code)}`, ''];
  if (!changed.length) {
    out.push('No rendered changes in any environment.', '');
    return out.join('\n');
  }
  const images = d.targets.flatMap((t) => t.images);
  if (images.length) {
    out.push('**Image tags**', '', '| target | workload | container | image | before | after |', '|---|---|---|---|---|---|');
    for (const i of groupImages(images))
      out.push(`| ${i.targets.join(', ')} | ${cell(i.workload)} | ${cell(i.container)} | \`${cell(i.repository)}\` | ${i.before ? `\`${cell(i.before)}\`` : '_new_'} | ${i.after ? `\`${cell(i.after)}\`` : '_removed_'} |`);
    out.push('');
  }
  const quiet = d.targets.filter((t) => !hasChanges(t)).map((t) => `\`${t.target}\``);
  if (quiet.length) out.push(`No changes: ${quiet.join(', ')}.`, '');
  let used = out.join('\n').length;
  const seen: Array<{ target: string; body: string }> = [];
  for (const t of changed) {
    const open = `<details><summary><b>${t.target}</b> (<code>${t.path}</code>): ${counts(t)}</summary>\n\n\`\`\`diff`;
    const close = '```\n\n</details>\n';
    const body = diffBlock(t);
    // Environments usually change alike: say so instead of repeating the block.
    const same = seen.find((s) => s.body === sameKey(t, body));
    if (same) {
      const line = `**${t.target}** (\`${t.path}\`): ${counts(t)}, the same changes as **${same.target}**.\n`;
      out.push(line);
      used += line.length;
      continue;
    }
    seen.push({ target: t.target, body: sameKey(t, body) });
    const kept: string[] = [];
    let size = open.length + close.length + 2;
    for (const l of body) {
      if (used + size + l.length + 1 > MARKDOWN_BUDGET) break;
      kept.push(l);
      size += l.length + 1;
    }
    if (kept.length < body.length) kept.push(`… ${body.length - kept.length} more lines: run \`${runHint}\` locally`);
    out.push(open, ...kept, close);
    used += size;
  }
  return out.join('\n');
}

/** Machine-readable: the whole RenderDiff (added/removed objects in full). */
export function toJson(d: RenderDiff): string {
  return JSON.stringify(d, null, 2) + '\n';
}

export function format(d: RenderDiff, f: Format): string {
  return f === 'json' ? toJson(d) : f === 'markdown' ? toMarkdown(d) : toText(d);
}

