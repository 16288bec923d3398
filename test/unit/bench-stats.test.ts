import { describe, expect, it } from "vitest";
import { exponential, percentile, rng, summarize } from "../../src/bench/stats.js";

describe("bench statistics", () => {
  it("percentiles interpolate between ranks (R-7)", () => {
    // [1, 2, 3, 4]: p50 at rank 1.5 -> 2.5; p90 at rank 2.7 -> 3.7; p99 at 2.97 -> 3.97
    const s = [1, 2, 3, 4];
    expect(percentile(s, 0.5)).toBe(2.5);
    expect(percentile(s, 0.9)).toBeCloseTo(3.7, 10);
    expect(percentile(s, 0.99)).toBeCloseTo(3.97, 10);
    expect(percentile([7], 0.95)).toBe(7);
    expect(summarize([4, 1, 3, 2])).toEqual({ p50: 2.5, p90: 3.7, p95: 3.85, p99: 3.97, mean: 2.5 });
  });

  it("an empty sample summarises to zeros, not NaN (JSON-safe)", () => {
    expect(summarize([])).toEqual({ p50: 0, p90: 0, p95: 0, p99: 0, mean: 0 });
  });

  it("seeded Poisson arrivals: repeatable, with the rate's mean gap", () => {
    const a = rng(42);
    const b = rng(42);
    const gaps = Array.from({ length: 20000 }, () => exponential(a, 5));
    expect(exponential(b, 5)).toBe(gaps[0]);
    const mean = gaps.reduce((x, y) => x + y, 0) / gaps.length;
    expect(mean).toBeGreaterThan(0.19);
    expect(mean).toBeLessThan(0.21);
  });
});
