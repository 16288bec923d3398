/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): a small seeded generator, uniform in [0, 1), so a
 * replayed run (sizing/replay.ts) or an open-loop bench's arrival times (bench/run.ts) repeat exactly
 * for a seed. Not for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
