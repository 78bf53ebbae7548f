// app.kubernetes.io/* labels. Selectors use the stable subset (never version).
export const partOf = 'marquee';

export interface LabelProps {
  readonly name: string;
  /** e.g. `api`, `worker`, `frontend`, `database`, `broker`, `monitoring` */
  readonly component: string;
  /** The app version the base was generated for; overlays' image tags may differ. */
  readonly version?: string;
}

export function labelsFor(p: LabelProps): Record<string, string> {
  return {
    'app.kubernetes.io/name': p.name,
    'app.kubernetes.io/component': p.component,
    'app.kubernetes.io/part-of': partOf,
    ...(p.version ? { 'app.kubernetes.io/version': p.version } : {}),
  };
}

/** The immutable selector: name and part-of only. */
export function selectorFor(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': partOf };
}
