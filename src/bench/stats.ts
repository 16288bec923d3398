/**
 * Summary statistics of latency samples. Percentiles use linear interpolation between the two
 * nearest ranks (the "R-7" definition NumPy and most load testers use), so p50 of [1, 2, 3, 4] is 2.5.
 */
export interface Summary {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  mean: number;
}

export function percentile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const r2 = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : 0);

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN;
  return {
    p50: r2(percentile(s, 0.5)),
    p90: r2(percentile(s, 0.9)),
    p95: r2(percentile(s, 0.95)),
    p99: r2(percentile(s, 0.99)),
    mean: r2(mean),
  };
}

/** A seeded generator (mulberry32) so an open-loop run's arrival times can be replayed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Exponential inter-arrival time (seconds) of a Poisson process at `rate` per second. */
export function exponential(random: () => number, rate: number): number {
  return -Math.log(1 - random()) / rate;
}
