// A seeded random generator for the fuzz tests, so a failing run can be replayed exactly.

/** mulberry32: a small seeded generator returning numbers in [0, 1). */
export function rng(s: number): () => number {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
