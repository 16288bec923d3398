import { describe, expect, it } from "vitest";
import { findGpu } from "../../src/catalog/index.js";
import { allReduceSeries, allReduceUs } from "../../src/sizing/allreduce.js";
import {
  ttftCdf,
  ttftMean,
  ttftQuantile,
  waitsCdf,
  waitsCdfIntegral,
} from "../../src/sizing/ttft-distribution.js";

describe("all-reduce latency per call, from the published measurements", () => {
  const h100 = findGpu("h100");
  const link = 450e9 * 0.7; // NVLink 4: 450 GB/s one way, 70 % achieved

  it("reads the measured series, smoothed by a 3-point median, interpolated in log(bytes)", () => {
    // vLLM custom all-reduce, 8 × H100 (aiconfigurator's perf database): 8 KB 5.108 µs, 16 KB 5.31 µs,
    // 4 KB 5.554 µs (a spike between 4.649 and 5.108: the median makes it 5.108).
    expect(allReduceUs(h100, "vllm", 8, 16384, link, 99)).toBeCloseTo(5.31, 9);
    expect(allReduceUs(h100, "vllm", 8, 4096, link, 99)).toBeCloseTo(5.108, 9);
    // 12 KB: between 8 KB (median of 5.554, 5.108, 5.31 = 5.31) and 16 KB (5.31): 5.31
    expect(allReduceUs(h100, "vllm", 8, 12288, link, 99)).toBeCloseTo(5.31, 9);
    // 24 KB: between 16 KB (5.31) and 32 KB (median of 5.31, 5.581, 6.411 = 5.581), half way in log2:
    // 5.31 + log2(1.5) × 0.271 = 5.31 + 0.58496 × 0.271 = 5.46852
    expect(allReduceUs(h100, "vllm", 8, 24576, link, 99)).toBeCloseTo(5.46852, 4);
  });

  it("adds the ring's bandwidth term beyond the largest message measured", () => {
    // 1 MiB on 8 ranks: 6.411 µs at 64 KB + 2 × 7/8 × (1,048,576 − 65,536) B / 3.15e11 B/s
    // = 6.411 + 5.4613 = 11.8723 µs
    expect(allReduceUs(h100, "vllm", 8, 1_048_576, link, 99)).toBeCloseTo(11.8723, 3);
    expect(allReduceUs(h100, "vllm", 1, 1_048_576, link, 99)).toBe(0);
  });

  it("falls back: the engine's kernel, then vLLM's custom one, then NCCL, then the interconnect's reference GPU", () => {
    // TensorRT-LLM's kernel was measured on H100 and H200 only; on B200 vLLM's stands in
    expect(allReduceSeries(h100, "trtllm", 8)!.label).toBe("trtllm on h100-sxm, 8 ranks");
    expect(allReduceSeries(findGpu("b200"), "trtllm", 8)!.label).toBe("vllm on b200, 8 ranks");
    // an NVLink GPU without its own measurements (V100) reads H100's; a PCIe one (L4) L40S's
    expect(allReduceSeries(findGpu("v100"), "nccl", 4)!.label).toBe("nccl on h100-sxm, 4 ranks");
    expect(allReduceSeries(findGpu("l4"), "vllm", 2)!.label).toBe("vllm on l40s, 2 ranks");
    // MI300X: the AMD custom all-reduce figures (GPU model not printed in the sources); TP8 reads the
    // largest rank count measured (4)
    expect(allReduceSeries(findGpu("mi300x"), "vllm", 8)!.label).toMatch(/on infinity-fabric, 4 ranks/);
    // Gaudi's scale-out Ethernet: nothing measured, the fallback latency plus the ring's bandwidth
    // term: 40 µs + 2 × 7/8 × 1024 B / 4.2e11 B/s = 40.0042667 µs
    expect(allReduceSeries(findGpu("gaudi3"), "vllm", 8)).toBeNull();
    expect(allReduceUs(findGpu("gaudi3"), "vllm", 8, 1024, 600e9 * 0.7, 40)).toBeCloseTo(40.0042667, 6);
  });
});

describe("the TTFT distribution: fixed part + residual + prompt wait + slot wait", () => {
  const none = {
    busy: 0,
    residualMs: 0,
    promptWaitProb: 0,
    promptWaitMs: 0,
    slotWaitProb: 0,
    slotWaitRate: 0,
  };

  it("the residual of the pass in progress alone: uniform on [0, 2R] when busy", () => {
    // fixed 100, busy always, R = 10 ms: TTFT uniform on [100, 120]; mean 110, median 110, p90 118
    const p = { ...none, fixedMs: 100, busy: 1, residualMs: 10 };
    expect(ttftMean(p)).toBeCloseTo(110, 9);
    expect(ttftQuantile(p, 0.5)).toBeCloseTo(110, 1);
    expect(ttftQuantile(p, 0.9)).toBeCloseTo(118, 1);
    // busy half the time: P(TTFT = 100) = 0.5, so the median is the fixed part and p90 = 100 + 16
    const half = { ...p, busy: 0.5 };
    expect(ttftQuantile(half, 0.5)).toBeCloseTo(100, 1);
    expect(ttftQuantile(half, 0.9)).toBeCloseTo(116, 1);
  });

  it("the M/D/1-like prompt wait: P(wait) = ρ, exponential with mean W / ρ", () => {
    // ρ = 0.5, W = 5 ms (over all arrivals): given a wait it is Exp(mean 10 ms), α = 0.1 /ms.
    // P(T ≤ 100 + y) = 0.5 + 0.5 (1 − e^−0.1y): p90 → e^−0.1y = 0.2 → y = 10 ln 5 = 16.094 ms
    const p = { ...none, fixedMs: 100, promptWaitProb: 0.5, promptWaitMs: 5 };
    expect(ttftMean(p)).toBeCloseTo(105, 9);
    expect(ttftQuantile(p, 0.9)).toBeCloseTo(116.094, 2);
    expect(ttftCdf(p, 100)).toBeCloseTo(0.5, 9);
  });

  it("the residual's uniform spread integrates the waits' CDF in closed form", () => {
    // no wait: ∫0^2 1 dz = 2; Exp(1) wait: ∫0^1 (1 − e^−z) dz = 1 − (1 − e^−1) = e^−1 = 0.367879
    expect(waitsCdfIntegral(0, 2, 0, 0, 0, 0)).toBeCloseTo(2, 12);
    expect(waitsCdfIntegral(0, 1, 1, 1, 0, 0)).toBeCloseTo(Math.exp(-1), 9);
    // against a fine midpoint rule for two waits, equal and different rates
    for (const beta of [1, 2.5]) {
      let s = 0;
      const n = 20000;
      for (let i = 0; i < n; i++) s += waitsCdf(0.5 + ((i + 0.5) / n) * 2, 0.7, 1, 0.4, beta) * (2 / n);
      expect(waitsCdfIntegral(0.5, 2.5, 0.7, 1, 0.4, beta)).toBeCloseTo(s, 6);
    }
  });

  it("two exponential waits at once: the hypoexponential CDF", () => {
    // A ~ Exp(1), B ~ Exp(2): P(A + B ≤ 1) = 1 − (2e^−1 − e^−2) / (2 − 1) = 1 − 0.735759 + 0.135335
    expect(waitsCdf(1, 1, 1, 1, 2)).toBeCloseTo(0.399576, 6);
    // equal rates: Erlang-2, P(≤ 1) = 1 − e^−1 (1 + 1) = 0.264241
    expect(waitsCdf(1, 1, 1, 1, 1)).toBeCloseTo(0.264241, 6);
    // the slot wait of an M/M/c queue: P(wait) = 0.2, rate 0.05 /ms → mean 4 ms
    const slot = { ...none, fixedMs: 50, slotWaitProb: 0.2, slotWaitRate: 0.05 };
    expect(ttftMean(slot)).toBeCloseTo(54, 9);
    // p99: 0.01 = 0.2 e^−0.05y → y = 20 ln 20 = 59.915 ms
    expect(ttftQuantile(slot, 0.99)).toBeCloseTo(109.915, 2);
  });
});
