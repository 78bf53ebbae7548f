// Types for kube/code-cache.mjs.
/**
 * `require` for a CommonJS file marquee bundled: the file, and the bundle's files it requires by a relative name,
 * compiled with their code caches where they have a valid one; any other name is required as Node resolves it.
 */
export declare function requireCached(file: string): unknown;
/**
 * Write the code cache of each file this thread loaded without a valid one (unless V8's flags changed since it was
 * compiled): how many files this thread compiled from their caches, and how many caches it wrote now.
 */
export declare function saveCodeCaches(): { taken: number; written: number };
/** import() of a file's URL or a package, resolved from this checkout, which works from a bundle requireCached loaded. */
export declare const importModule: (specifier: string) => Promise<any>;
