// @marquee/web: the storefront (apps/web/public), its assembler and the local dev server.
export { assembleSite, publicDir, type Assembled } from './assemble.ts';
export { build, version, type WebOptions } from './app.ts';
export * from './policy.ts';
