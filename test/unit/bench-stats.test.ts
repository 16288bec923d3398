import { describe, expect, it } from "vitest";
import { exponential, percentile, Reservoir, rng, summarize } from "../../src/bench/stats.js";

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

  it('an empty sample summarises to null (printed "-"), neither 0 nor NaN', () => {
    expect(summarize([])).toEqual({ p50: null, p90: null, p95: null, p99: null, mean: null });
    expect(JSON.stringify(summarize([]))).toBe('{"p50":null,"p90":null,"p95":null,"p99":null,"mean":null}');
  });

  it("a reservoir keeps everything up to its capacity, then a uniform sample of that size", () => {
    const small = new Reservoir(10);
    [3, 1, 2].forEach((v) => small.add(v));
    expect(small.values).toEqual([3, 1, 2]);
    expect(small.seen).toBe(3);
    // 0..99,999 into 1,000 slots: each value kept with probability 1 %, so the sample's mean is
    // near 49,999.5 (standard error 28,868 / sqrt(1000) = 913; 4 of them: 3,650)
    const r = new Reservoir(1000, rng(7));
    for (let i = 0; i < 100_000; i++) r.add(i);
    expect(r.values.length).toBe(1000);
    expect(r.seen).toBe(100_000);
    const mean = r.values.reduce((a, b) => a + b, 0) / r.values.length;
    expect(Math.abs(mean - 49_999.5)).toBeLessThan(3650);
    // a quarter of the sample from each quarter of the stream, within 4 standard errors (4 × 13.7)
    const q = r.values.filter((v) => v >= 75_000).length;
    expect(Math.abs(q - 250)).toBeLessThan(55);
  });

  it("a sample of n values added to a reservoir counts n, each kept value standing for n / kept", () => {
    const r = new Reservoir(100);
    r.addSample([1, 2, 3], 3);
    expect(r.values).toEqual([1, 2, 3]);
    // 2 values standing for 5: 3 copies of the first, 2 of the second
    r.addSample([7, 9], 5);
    expect(r.seen).toBe(8);
    expect(r.values).toEqual([1, 2, 3, 7, 7, 7, 9, 9]);
    r.addSample([], 0);
    expect(r.seen).toBe(8);
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
