import { describe, expect, it } from "vitest";
import { findGpu, models } from "../../src/catalog/index.js";
import { engineModule } from "../../src/engines/index.js";
import { COLLECTIVES, perfConstantsFor } from "../../src/sizing/perf-constants.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { countParams, inventory } from "../../src/sizing/inventory.js";
import {
  erlangC,
  expertsTouched,
  matmulParamsPerToken,
  type PerfInput,
  predictPerformance,
} from "../../src/sizing/perf.js";
import { weightsPerStage } from "../../src/sizing/placement.js";
import { bindPrecision, lookupPrecision } from "../../src/sizing/weights.js";

function setup(id: string, precision: string, gpuId: string, tp: number, pp = 1) {
  const e = models.find((m) => m.id === id)!;
  const arch = parseHfConfig(e.config, e.id);
  const tensors = inventory(arch);
  const p = bindPrecision(lookupPrecision(precision), arch);
  return {
    arch,
    params: countParams(arch, tensors),
    precision: p,
    gpu: findGpu(gpuId),
    stages: weightsPerStage(arch, tensors, p, tp, pp),
  };
}

const base = (s: ReturnType<typeof setup>, over: Partial<PerfInput>): PerfInput => ({
  ...s,
  kvCacheDtype: "auto",
  tp: 1,
  pp: 1,
  nodes: 1,
  replicas: 1,
  kvCacheTokens: 400_000,
  maxNumSeqs: 1024,
  maxNumBatchedTokens: 8192,
  workload: { inputTokens: 1024, outputTokens: 256, concurrency: 1, requestRate: null },
  ...over,
});

/** The committed vLLM constants (every test here predicts vLLM unless it says otherwise). */
const K = perfConstantsFor(engineModule("vllm"));

describe("roofline, worked by hand", () => {
  // Llama 3.1 8B (config: hidden 4096, 32 layers, 32 heads, 8 KV heads, head_dim 128, vocab 128256,
  // intermediate 14336, untied) in bf16 on one H100 SXM (3350 GB/s, 989 dense bf16 TFLOPS).
  const s = setup("llama-3.1-8b", "bf16", "h100", 1);
  const eff = engineModule("vllm").efficiency;
  const bw = 3350e9 * eff.bandwidth;
  const flops = 989e12 * eff.compute;
  // weights: 8,030,261,248 params × 2 bytes = 16,060,522,496 bytes
  const weights = 16_060_522_496;
  // KV per token: 2 (K,V) × 8 heads × 128 × 2 bytes × 32 layers = 131,072 bytes
  const kvPerToken = 131_072;
  // matmul params: 8,030,261,248 − embedding 128256×4096 (525,336,576) − norms (32×2×4096 + 4096)
  const matmul = 8_030_261_248 - 525_336_576 - (32 * 2 * 4096 + 4096);
  const overheadMs = (32 * eff.layerOverheadUs) / 1000 + eff.stepOverheadMs;

  it("matmul parameters per token", () => {
    expect(matmulParamsPerToken(s.arch, s.params)).toBe(matmul);
    expect(s.stages[0]!.bytesPerGpu).toBe(weights);
  });

  it("batch 1 decode is bandwidth-bound: weights + KV of the mean context over the achieved bandwidth", () => {
    const r = predictPerformance(base(s, {}), K);
    // mean context during decode: 1024 + 256/2 = 1152 tokens
    const memoryMs = ((weights + 1152 * kvPerToken) / bw) * 1e3;
    expect(r.tpotMs).toBeCloseTo(memoryMs + overheadMs, 1);
    expect(r.bottleneck).toBe("memory-bandwidth");
  });

  it("batch 1 prefill is compute-bound: 2 FLOPs per matmul parameter per token plus causal attention", () => {
    const r = predictPerformance(base(s, {}), K);
    // attention per token per layer: 2 × 32 heads × (128 + 128) × 512 (half the prompt on average)
    const attn = 1024 * 32 * (2 * 32 * 256 * 512);
    const computeMs = ((2 * matmul * 1024 + attn) / flops) * 1e3;
    expect(r.ttftMs).toBeCloseTo(computeMs + overheadMs, 1);
    // e2e = TTFT + 255 more tokens (the figures are rounded to 0.01 ms each)
    expect(Math.abs(r.e2eLatencyMs - (r.ttftMs + 255 * r.tpotMs))).toBeLessThan(2);
  });

  it("tensor parallelism splits the bytes and adds two all-reduces per layer", () => {
    const s4 = setup("llama-3.1-8b", "bf16", "h100", 4);
    const r1 = predictPerformance(base(s, {}), K);
    const r4 = predictPerformance(base(s4, { tp: 4 }), K);
    // per GPU a quarter of the weights (vocab and heads split evenly), and 64 all-reduces of one
    // token's hidden state: latency-bound on NVLink
    const arMs =
      64 *
      (COLLECTIVES.allReduceLatencyUs.nvlink / 1e3 +
        ((1.5 * 4096 * 2) / (450e9 * COLLECTIVES.linkEfficiency)) * 1e3);
    const memoryMs = ((weights / 4 + (1152 * kvPerToken) / 4) / bw) * 1e3;
    expect(r4.tpotMs).toBeCloseTo(memoryMs + arMs + overheadMs, 1);
    expect(r4.tpotMs).toBeLessThan(r1.tpotMs);
  });
});

describe("batching and queueing", () => {
  const s = setup("llama-3.1-8b", "bf16", "h100", 1);

  it("a bigger batch raises throughput and TPOT", () => {
    const r1 = predictPerformance(base(s, {}), K);
    const r64 = predictPerformance(
      base(s, { workload: { inputTokens: 1024, outputTokens: 256, concurrency: 64, requestRate: null } }),
      K,
    );
    expect(r64.outputTokensPerSec).toBeGreaterThan(10 * r1.outputTokensPerSec);
    expect(r64.tpotMs).toBeGreaterThan(r1.tpotMs);
  });

  it("beyond the KV capacity requests queue, and Little's law holds for what the user sees", () => {
    // 40,000 tokens of KV hold 31 requests of 1024 + 256 tokens
    const r = predictPerformance(
      base(s, {
        kvCacheTokens: 40_000,
        workload: { inputTokens: 1024, outputTokens: 256, concurrency: 100, requestRate: null },
      }),
      K,
    );
    expect(r.capacity).toBe(31);
    expect(r.batch).toBe(31);
    expect(r.queued).toBe(69);
    // 100 users, each waiting e2e per request: throughput × e2e = users
    expect((r.requestsPerSec * r.e2eLatencyMs) / 1000).toBeCloseTo(100, 0);
  });

  it("replicas split the load", () => {
    const one = predictPerformance(
      base(s, { workload: { inputTokens: 1024, outputTokens: 256, concurrency: 64, requestRate: null } }),
      K,
    );
    const two = predictPerformance(
      base(s, {
        replicas: 2,
        workload: { inputTokens: 1024, outputTokens: 256, concurrency: 64, requestRate: null },
      }),
      K,
    );
    expect(two.tpotMs).toBeLessThan(one.tpotMs);
    expect(two.batch).toBe(64);
  });

  it("an open loop beyond capacity saturates; below it, throughput is the arrival rate", () => {
    const low = predictPerformance(
      base(s, { workload: { inputTokens: 1024, outputTokens: 256, concurrency: null, requestRate: 2 } }),
      K,
    );
    expect(low.saturated).toBe(false);
    expect(low.requestsPerSec).toBe(2);
    expect(low.outputTokensPerSec).toBe(512);
    expect(low.percentiles!.ttftP95Ms).toBeGreaterThanOrEqual(low.percentiles!.ttftP50Ms);
    const high = predictPerformance(
      base(s, {
        kvCacheTokens: 20_000,
        workload: { inputTokens: 1024, outputTokens: 256, concurrency: null, requestRate: 500 },
      }),
      K,
    );
    expect(high.saturated).toBe(true);
  });

  it("Erlang C: M/M/2 at 1 Erlang waits with probability 1/3", () => {
    // C(2, 1) = (a^c/c!)(c/(c−a)) / (Σ_{k<c} a^k/k! + (a^c/c!)(c/(c−a))) = (1/2·2) / (1 + 1 + 1) = 1/3
    expect(erlangC(2, 1)).toBeCloseTo(1 / 3, 10);
    expect(erlangC(1, 0.5)).toBeCloseTo(0.5, 10);
    expect(erlangC(4, 4)).toBe(1);
  });
});

describe("MoE", () => {
  it("a step reads only the experts its tokens visit: 1 − (1 − k/E)^B", () => {
    const s = setup("qwen3-30b-a3b", "bf16", "h100", 1);
    // Qwen3-30B-A3B: 128 experts, top 8
    expect(expertsTouched(s.arch, 1)).toBeCloseTo(8 / 128, 12);
    expect(expertsTouched(s.arch, 2)).toBeCloseTo(1 - (120 / 128) ** 2, 12);
    expect(expertsTouched(s.arch, 512)).toBeGreaterThan(0.999);
    const r = predictPerformance(base(s, {}), K);
    const dense = setup("qwen2.5-32b", "bf16", "h100", 1);
    // ~3B active of 30B: a batch-1 token is far cheaper than a dense 32B model's
    expect(r.tpotMs).toBeLessThan(predictPerformance(base(dense, {}), K).tpotMs / 3);
  });
});
