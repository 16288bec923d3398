import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compareLog, parseVllmLog } from "../../src/verify/vllm-log.js";

const log = (f: string) => readFileSync(new URL(`../fixtures/vllm-logs/${f}`, import.meta.url), "utf8");

describe("vLLM start-up logs, as published (test/fixtures/vllm-logs)", () => {
  it("V1 log with ANSI colours and Ray prefixes (gpt-oss-120b, 4× A100)", () => {
    const p = parseVllmLog(log("gpt-oss-120b-a100-tp4.log"));
    expect(p).toMatchObject({
      version: "0.10.1.1",
      model: "gpt-oss-120b",
      tensorParallel: 4,
      maxModelLen: 16384,
      gpuMemoryUtilization: 0.8,
      weightsGiB: 17.2217,
      kvCacheGiB: 45.32,
      kvCacheTokens: 2_640_144,
      maxConcurrency: 284.25,
      cudaGraphGiB: 1.88,
    });
  });

  it("V1 log whose config line was wrapped mid-word (Qwen2 7B, TP 2)", () => {
    const p = parseVllmLog(log("qwen2-7b-a100-tp2.log"));
    expect(p.tensorParallel).toBe(2);
    expect(p.pipelineParallel).toBe(1);
    expect(p.maxModelLen).toBe(16384);
    expect(p.gpuMemoryUtilization).toBe(0.5);
    expect(p.weightsGiB).toBe(7.1217);
    expect(p.kvCacheTokens).toBe(1_192_160);
  });

  it("V0 profiling table (Llama 3 8B, H100): weights, non-torch, activation peak, KV", () => {
    const p = parseVllmLog(log("llama3-8b-h100-tp1.log"));
    expect(p).toMatchObject({
      totalGpuMemoryGiB: 79.22,
      gpuMemoryUtilization: 0.9,
      weightsGiB: 14.96,
      nonTorchGiB: 1.79,
      activationGiB: 1.26,
      kvCacheGiB: 53.29,
    });
  });

  it("V0 one-line profiling result (RTX 3090): activation = peak torch memory − weights", () => {
    const p = parseVllmLog(log("llama31-8b-rtx3090-tp1.log"));
    expect(p.weightsGiB).toBe(14.9888);
    // peak_torch_memory=17.06GiB − 14.9888 GiB of weights
    expect(p.activationGiB).toBe(2.07);
    expect(p.nonTorchGiB).toBe(0.35);
    expect(p.kvCacheGiB).toBe(3.81);
    // 1952 blocks of 16 tokens
    expect(p.kvCacheTokens).toBe(31_232);
    expect(p.maxConcurrency).toBe(1.56);
  });

  it("compares figure by figure and says which flag to change", () => {
    const p = parseVllmLog(log("qwen2-7b-a100-tp1.log"));
    const rows = compareLog(p, {
      weightsGiB: 14.19,
      activationGiB: 0.6,
      nonTorchGiB: 0.2,
      cudaGraphGiB: 0.44,
      kvCacheGiB: 30,
      kvCacheTokens: 560_000,
      maxConcurrency: 34,
    });
    const kv = rows.find((r) => r.figure.startsWith("KV cache (GiB"))!;
    // 24.83 / 30 − 1 = −17.2 %: beyond 10 %, so explained
    expect(kv.difference).toBeCloseTo(-0.172, 3);
    expect(kv.ok).toBe(false);
    expect(kv.advice).toMatch(/--max-model-len|--gpu-memory-utilization/);
    const w = rows.find((r) => r.figure.startsWith("weights"))!;
    expect(w.ok).toBe(true);
    expect(rows.find((r) => r.figure.startsWith("non-torch"))!.ok).toBeNull();
  });
});
