/**
 * Summary statistics of latency samples. Percentiles use linear interpolation between the two
 * nearest ranks (the "R-7" definition NumPy and most load testers use), so p50 of [1, 2, 3, 4] is 2.5.
 * A figure with no sample is null (printed "-"), never 0: no measurement is not a latency of 0 ms.
 */
export interface Summary {
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  mean: number | null;
}

export function percentile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const r2 = (v: number) => (Number.isFinite(v) ? Math.round(v * 100) / 100 : null);

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

/** A seeded generator so an open-loop run's arrival times can be replayed (src/random.ts). */
export { seededRandom as rng } from "../random.js";

/** Exponential inter-arrival time (seconds) of a Poisson process at `rate` per second. */
export function exponential(random: () => number, rate: number): number {
  return -Math.log(1 - random()) / rate;
}

/**
 * A bounded uniform sample of a stream of numbers: all of them while at most `capacity` came, then a
 * uniform random `capacity` of them (reservoir sampling, Vitter's "Algorithm R": the i-th value
 * replaces a random slot with probability capacity / i). Memory is at most `capacity` numbers
 * whatever the stream's length; `seen` counts every value.
 */
export class Reservoir {
  readonly values: number[] = [];
  seen = 0;
  /** Whether some value was dropped: `values` is then a sample, not every value. */
  sampled = false;
  constructor(
    readonly capacity: number,
    private readonly random: () => number = Math.random,
  ) {}

  add(v: number): void {
    this.seen++;
    if (this.values.length < this.capacity) this.values.push(v);
    else {
      this.sampled = true;
      const j = Math.floor(this.random() * this.seen);
      if (j < this.capacity) this.values[j] = v;
    }
  }

  /**
   * Add a sample `kept` of `seen` values (another reservoir's content): each kept value stands for
   * seen / kept of them, so it is added that many times (the remainder spread over the first ones);
   * `seen` grows by exactly `seen`. Exact when nothing was dropped (kept.length === seen).
   */
  addSample(kept: readonly number[], seen: number): void {
    if (!kept.length) return;
    if (kept.length < seen) this.sampled = true;
    const each = Math.floor(seen / kept.length);
    const extra = seen - each * kept.length;
    kept.forEach((v, i) => {
      for (let k = each + (i < extra ? 1 : 0); k > 0; k--) this.add(v);
    });
  }
}
