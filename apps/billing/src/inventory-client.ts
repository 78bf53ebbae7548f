// Asks inventory whether a movie exists, over a keep-alive undici pool.
import { Pool } from 'undici';

/** Inventory could not answer (down, slow, 5xx): the order is retried, never rejected for it. */
export class InventoryUnavailableError extends Error {
  override name = 'InventoryUnavailableError';
}

export interface InventoryClientOptions {
  /** e.g. http://inventory:3001 (INVENTORY_URL) */
  readonly url: string;
  /** per-request timeout, ms (UPSTREAM_TIMEOUT_MS) @default 5000 */
  readonly timeoutMs?: number;
  /** @default 16 */
  readonly connections?: number;
  /**
   * Remember "this movie exists" for this long, ms (INVENTORY_CACHE_MS). Only positive answers
   * are cached: a new movie is never rejected from a stale cache, a deleted one is honoured
   * within this window. 0 asks inventory for every order. @default 0
   */
  readonly cacheMs?: number;
}

/** bound on remembered movies; the cache is dropped wholesale beyond it */
const maxCached = 10_000;

export class InventoryClient {
  readonly #pool: Pool;
  readonly #timeoutMs: number;
  readonly #base: string;
  readonly #cacheMs: number;
  readonly #known = new Map<number, number>();

  constructor(opts: InventoryClientOptions) {
    const url = new URL(opts.url);
    this.#base = url.pathname.replace(/\/$/, '');
    this.#timeoutMs = opts.timeoutMs ?? 5000;
    this.#cacheMs = opts.cacheMs ?? 0;
    this.#pool = new Pool(url.origin, {
      connections: opts.connections ?? 16,
      keepAliveTimeout: 30_000,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    });
  }

  /** true: the movie exists; false: inventory says it does not (404/400). Throws InventoryUnavailableError otherwise. */
  async movieExists(movieId: number, requestId?: string): Promise<boolean> {
    if (this.#cacheMs > 0) {
      const until = this.#known.get(movieId);
      if (until !== undefined && until > Date.now()) return true;
    }
    const exists = await this.#ask(movieId, requestId);
    if (exists && this.#cacheMs > 0) {
      if (this.#known.size >= maxCached) this.#known.clear();
      this.#known.set(movieId, Date.now() + this.#cacheMs);
    }
    return exists;
  }

  async #ask(movieId: number, requestId: string | undefined): Promise<boolean> {
    let res;
    try {
      res = await this.#pool.request({
        method: 'GET',
        path: `${this.#base}/api/movies/${encodeURIComponent(String(movieId))}`,
        headers: requestId ? { 'x-request-id': requestId, accept: 'application/json' } : { accept: 'application/json' },
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      throw new InventoryUnavailableError(`inventory unreachable: ${(err as Error).message}`);
    }
    await res.body.dump().catch(() => {});
    if (res.statusCode === 200) return true;
    if (res.statusCode === 404 || res.statusCode === 400) return false;
    throw new InventoryUnavailableError(`inventory answered ${res.statusCode}`);
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }
}
