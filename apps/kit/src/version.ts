// The app's version, read once from its package.json (present in the image too).
import { readFileSync } from 'node:fs';

/** packageVersion(new URL('../package.json', import.meta.url)) */
export function packageVersion(packageJson: URL): string {
  const pkg = JSON.parse(readFileSync(packageJson, 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error(`${packageJson.pathname}: "version" is missing`);
  return pkg.version;
}
