// HTTP policy of the storefront, shared by the nginx config generator (cluster) and
// the dev server (local): security headers, cache rules, body limit, request ids.
// Pure data with no imports, so generators/nginx.ts and the image build can load it.

/** Content-hashed files live here and only here; everything under it is immutable. */
export const assetsPrefix = '/assets/';

/** Cache-Control values: hashed assets never change; index.html and friends revalidate (ETag). */
export const cacheControl = {
  immutable: 'public, max-age=31536000, immutable',
  revalidate: 'no-cache',
} as const;

/**
 * Content-Security-Policy: no inline script or style, no third-party origin.
 * The storefront loads nothing from the internet (no CDN, no web fonts).
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers on every response. HSTS is deliberately absent: TLS ends at the ingress,
 * which owns Strict-Transport-Security.
 */
export const securityHeaders = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
} as const;

/** Largest request body accepted (orders are ~100 bytes of JSON). */
export const maxBodyBytes = 64 * 1024;

/**
 * A client-supplied X-Request-Id is kept only when it matches this (1–128 letters,
 * digits, `.`, `_`, `:`, `-`: the pattern @marquee/kit's services accept); anything else
 * is replaced, so logs cannot be injected. The same text is a PCRE for nginx's `map`
 * and a JavaScript RegExp.
 */
export const requestIdPattern = '^[A-Za-z0-9._:-]{1,128}$';
