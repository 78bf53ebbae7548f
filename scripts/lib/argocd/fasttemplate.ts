// The non-goTemplate renderer: Argo CD's Render.Replace with useGoTemplate=false
// (applicationset/utils/utils.go, argoproj/argo-cd e9537cd0176053dd39a3f3f83fee8ca11a887ca7)
// over valyala/fasttemplate's NewTemplate (template.go): `{{tag}}` is replaced by the
// parameter named by the trimmed tag when that parameter is a string; any other tag is
// written back unchanged, braces and spaces included. Parameters are flat (`path.basename`,
// `values.x`, `path[0]`), as the generators produce them when goTemplate is false.
import { TemplateError, Unsupported } from './gotemplate.ts';

export type FlatParams = Readonly<Record<string, unknown>>;

/**
 * A parameter family whose keys the offline preview does not know (the labels of an Argo CD
 * cluster secret): any tag under `prefix` is an error instead of being left unreplaced.
 */
export const unknownFamily = (prefix: string): string => `${prefix}*`;

function lookup(params: FlatParams, tag: string, where: string): string | undefined {
  if (Object.hasOwn(params, tag)) {
    const v = params[tag];
    if (v instanceof Unsupported) throw new TemplateError(`${where}: {{${tag}}} is not available offline: ${v.reason}`);
    return typeof v === 'string' ? v : undefined;
  }
  for (const [k, v] of Object.entries(params))
    if (k.endsWith('*') && v instanceof Unsupported && tag.startsWith(k.slice(0, -1)))
      throw new TemplateError(`${where}: {{${tag}}} is not available offline: ${v.reason}`);
  return undefined;
}

/** Render.Replace(tmpl, params, false): one string. Throws TemplateError on an unterminated tag. */
export function renderFast(tmpl: string, params: FlatParams, where = 'template'): string {
  // isTemplatedRegex ".*{{.*}}.*": Go's `.` stops at "\n" only.
  if (!/\{\{[^\n]*\}\}/.test(tmpl)) return tmpl;
  let out = '';
  let rest = tmpl;
  for (;;) {
    const open = rest.indexOf('{{');
    if (open < 0) return out + rest;
    out += rest.slice(0, open);
    rest = rest.slice(open + 2);
    const close = rest.indexOf('}}');
    if (close < 0) throw new TemplateError(`${where}: invalid template: cannot find end tag "}}" in "${tmpl}" starting from "${rest}"`);
    const tag = rest.slice(0, close);
    rest = rest.slice(close + 2);
    const trimmed = tag.trim();
    const value = trimmed ? lookup(params, trimmed, where) : undefined;
    out += value ?? `{{${tag}}}`;
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every string of a value, map keys included (deeplyReplace), rendered with renderFast.
 * With no parameters at all Argo CD returns the template untouched (RenderTemplateParams).
 */
export function renderFastDeep<T>(value: T, params: FlatParams, where = 'template'): T {
  if (Object.keys(params).length === 0) return value;
  const walk = (v: unknown, path: string): unknown => {
    const at = `${where} ${path}`.trim();
    if (typeof v === 'string') return renderFast(v, params, at);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (isMap(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const key = renderFast(k, params, `${at} (key "${k}")`);
        if (Object.hasOwn(out, key)) throw new TemplateError(`${at}: keys "${k}" and another key both render to "${key}" (Argo CD would keep one of them at random)`);
        out[key] = walk(x, path ? `${path}.${k}` : k);
      }
      return out;
    }
    return v;
  };
  return walk(value, '') as T;
}
