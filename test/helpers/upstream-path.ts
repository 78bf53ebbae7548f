// Upstream's field paths (k8s.io/apimachinery field.Path: `properties[foo]`, `properties[int-or-string]`) written as
// policies/apiserver/lib/field.ts `at` writes them (`properties.foo`, `properties["int-or-string"]`), for the tests that
// port apiextensions' tables. Indexes stay `[0]`.
export const oursPath = (path: string): string =>
  path.replace(/\[([^\]]*[^\]0-9][^\]]*|)\]/g, (_, k: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`));
