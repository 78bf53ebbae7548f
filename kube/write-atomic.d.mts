// Types for kube/write-atomic.mjs.
/** Write `data` to `file` through a temporary file renamed over it (one per process and thread). */
export declare function writeAtomic(file: string, data: string | Uint8Array): void;
