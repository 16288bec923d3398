import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ledgerFromPlan } from "../../src/verify/plan-ledger.js";
import { loadFixture, variant } from "../tools/render.js";
import { compareLog, type LedgerSettings, parseVllmLog, settingNotes } from "../../src/verify/vllm-log.js";

// Published vLLM start-up log excerpts: test/fixtures/vllm-logs (the URLs are in index.json and, for the
// excerpts added for `verify`, in verify-sources.json). Expected figures are the numbers printed in them.
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
      maxNumBatchedTokens: 2048,
      weightsGiB: 17.2217,
      kvCacheGiB: 45.32,
      kvCacheTokens: 2_640_144,
      maxConcurrency: 284.25,
      cudaGraphGiB: 1.88,
      // 0.10: graphs captured after the KV cache was sized
      cudaGraphsInBudget: false,
    });
  });

  it("V1 log whose config line was wrapped mid-word (Qwen2 7B, TP 2)", () => {
    const p = parseVllmLog(log("qwen2-7b-a100-tp2.log"));
    expect(p).toMatchObject({
      tensorParallel: 2,
      pipelineParallel: 1,
      maxModelLen: 16384,
      gpuMemoryUtilization: 0.5,
      weightsGiB: 7.1217,
      kvCacheTokens: 1_192_160,
      kvCacheDtype: "auto",
      quantization: null,
      enforceEager: false,
    });
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
      cudaGraphsInBudget: null,
    });
  });

  it("settings from the command saved at the top of the log (vllm serve M -tp 2 / --max-model-len ...)", () => {
    expect(parseVllmLog(log("llama3-8b-h100-tp2.log"))).toMatchObject({
      model: "meta-llama/Meta-Llama-3-8B",
      tensorParallel: 2,
      weightsGiB: 7.48,
      nonTorchGiB: 3.58,
    });
    expect(parseVllmLog(log("llama31-70b-w8a8-v1.log"))).toMatchObject({
      model: "neuralmagic/Meta-Llama-3.1-70B-Instruct-quantized.w8a8",
      maxModelLen: 2048,
      gpuMemoryUtilization: 0.98,
      // "Loading model weights took 67.7229 GB": GiB labelled GB
      weightsGiB: 67.7229,
      // 1381 blocks × 16
      kvCacheTokens: 22_096,
      maxConcurrency: 10.79,
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

  it("V0 one-liner of 0.7-0.9 with '# cuda blocks', and advice text that must not read as settings", () => {
    const p = parseVllmLog(log("v08-cuda-blocks-80gb.log"));
    expect(p).toMatchObject({
      totalGpuMemoryGiB: 79.19,
      gpuMemoryUtilization: 0.8,
      weightsGiB: 1.12,
      nonTorchGiB: 0.16,
      activationGiB: 0.23,
      kvCacheGiB: 61.84,
      // 36184 blocks × 16 tokens
      kvCacheTokens: 578_944,
      maxConcurrency: 70.67,
      maxModelLen: 8192,
      cudaGraphGiB: 0.13,
      cudaGraphsInBudget: false,
      // "set 'enforce_eager=True' or use '--enforce-eager'" is advice, not the setting
      enforceEager: null,
      maxNumSeqs: null,
    });
  });

  it("two pipeline stages with different figures: the binding one (most weights and activation, least KV)", () => {
    const p = parseVllmLog(log("v085-pp2-rtx5090.log"));
    expect(p).toMatchObject({
      totalGpuMemoryGiB: 31.37,
      gpuMemoryUtilization: 0.85,
      weightsGiB: 10.8,
      activationGiB: 1.77,
      nonTorchGiB: 0.33,
      kvCacheGiB: 14.26,
      // 7299 blocks × 16
      kvCacheTokens: 116_784,
      maxConcurrency: 2.34,
      maxModelLen: 50_000,
    });
  });

  it("vLLM ≥ 0.21: CUDA graphs in the budget, gpu_memory_utilization read from the graph note", () => {
    const p = parseVllmLog(log("qwen36-27b-2x3090-v021.log"));
    expect(p).toMatchObject({
      cudaGraphsInBudget: true,
      gpuMemoryUtilization: 0.88,
      kvCacheGiB: 9.84,
      kvCacheTokens: 619_202,
      maxConcurrency: 2.36,
      maxModelLen: 262_144,
      weightsGiB: null,
    });
  });

  it("vLLM 0.18: the graph pool estimated but not yet in the budget; utilization from 'from 0.9000'", () => {
    const p = parseVllmLog(log("qwen35-gguf-v018-graph-estimate.log"));
    expect(p).toMatchObject({
      cudaGraphsInBudget: false,
      cudaGraphGiB: 1.62,
      gpuMemoryUtilization: 0.9,
      kvCacheGiB: 6.9,
      kvCacheTokens: 89_760,
      maxConcurrency: 1.36,
    });
  });

  it("the 'Actual usage: X GiB for weights, ...' line (vllm-ascend's worker)", () => {
    const p = parseVllmLog(log("ascend-kv-cache-memory-advice.log"));
    expect(p).toMatchObject({
      totalGpuMemoryGiB: 61.27,
      gpuMemoryUtilization: 0.9,
      weightsGiB: 1.14,
      activationGiB: 0.22,
      nonTorchGiB: 0.13,
    });
  });
});

describe("comparing with the ledger", () => {
  const predicted = {
    weightsGiB: 14.19,
    activationGiB: 0.6,
    nonTorchGiB: 0.2,
    cudaGraphGiB: 0.44,
    kvCacheGiB: 30,
    kvCacheTokens: 560_000,
    maxConcurrency: 34,
  };

  it("figure by figure, with the flag to change", () => {
    const p = parseVllmLog(log("qwen2-7b-a100-tp1.log"));
    const rows = compareLog(p, predicted);
    const kv = rows.find((r) => r.key === "kvCacheGiB")!;
    // 24.83 / 30 − 1 = −17.2 %: beyond 10 %, so explained
    expect(kv.difference).toBeCloseTo(-0.172, 3);
    expect(kv.ok).toBe(false);
    // neither the log nor the ledger gives the GPU's size here: no utilization to suggest
    expect(kv.advice).not.toMatch(/--gpu-memory-utilization/);
    // 464,848 tokens / 34 sequences = 13,672 tokens each
    expect(rows.find((r) => r.key === "kvCacheTokens")!.advice).toBe(
      "as the KV cache in GiB; to keep the planned concurrency of 34x in this cache, --max-model-len 13672",
    );
    expect(rows.find((r) => r.key === "weightsGiB")!.ok).toBe(true);
    expect(rows.find((r) => r.key === "nonTorchGiB")!.ok).toBeNull();
  });

  it("a smaller KV cache is put down to the lines that grew, with the utilization that makes it up", () => {
    // RTX 3090 log: activation 2.07 GiB where the ledger has 0.56 (V0 profiled 20,000 tokens at once)
    const p = parseVllmLog(log("llama31-8b-rtx3090-tp1.log"));
    const rows = compareLog(
      p,
      {
        ...predicted,
        weightsGiB: 14.96,
        activationGiB: 0.56,
        kvCacheGiB: 5.06,
        kvCacheTokens: 41_456,
        maxConcurrency: 2.07,
      },
      { ...settings, gpuMemoryUtilization: 0.9, maxModelLen: 20_000, totalGpuMemoryGiB: 23.58 },
    );
    const kv = rows.find((r) => r.key === "kvCacheGiB")!;
    // 0.9 + (5.06 − 3.81) / 23.58 = 0.953 -> 0.96; 31,232 tokens / 2.07 = 15,087.9 -> 15,087
    expect(kv.advice).toBe(
      "less KV cache than the ledger (the other lines use activation peak +1.51 GiB, non-torch +0.15 GiB): " +
        "raise --gpu-memory-utilization to 0.96 if nothing else uses the GPU; or lower --max-num-batched-tokens " +
        "(the profiling peak grows with it); or to keep the planned concurrency of 2.07x in this cache, --max-model-len 15087",
    );
  });

  const settings: LedgerSettings = {
    tensorParallel: 1,
    pipelineParallel: 1,
    maxModelLen: 8192,
    gpuMemoryUtilization: 0.9,
    maxNumBatchedTokens: 2048,
    maxNumSeqs: 256,
    kvCacheDtype: "auto",
    totalGpuMemoryGiB: 79.15,
  };

  it("settings that differ from the ledger's are named, with the flag", () => {
    const notes = settingNotes(parseVllmLog(log("qwen2-7b-a100-tp2.log")), settings);
    expect(notes).toEqual([
      "the engine ran with --tensor-parallel-size 2, the ledger with 1: per-GPU figures are not comparable",
      // (0.9 − 0.5) × 79.15 = 31.66
      "the engine ran with --gpu-memory-utilization 0.5, the ledger with 0.9: less KV cache by about 31.66 GiB per GPU; start the engine with --gpu-memory-utilization 0.9 as planned",
      "the engine ran with --max-model-len 16384, the ledger with 8192: max concurrency scales by 0.5",
      expect.stringMatching(/^this vLLM \(0\.10\.1\.1\) captures CUDA graphs after sizing the KV cache/),
    ]);
  });
});

describe("the ledger of a plan, checked whole first", () => {
  const GiB = 1024 ** 3;
  const base = loadFixture("standalone");
  it("recommendation.memory.perGpu in bytes (shown in GiB), the engine's settings", () => {
    const plan = variant(base, (p) => {
      p.recommendation.tensorParallel = 2;
      p.recommendation.gpuCount = 2;
      Object.assign(p.recommendation.memory.perGpu, {
        weightsBytes: 7 * GiB,
        kvCacheBytes: 30 * GiB,
        totalBytes: 79.15 * GiB,
      });
      Object.assign(p.recommendation.memory, { kvCacheTokens: 1000, maxConcurrency: 12.5 });
    });
    expect(ledgerFromPlan(plan)).toMatchObject({
      predicted: { weightsGiB: 7, kvCacheGiB: 30, kvCacheTokens: 1000, maxConcurrency: 12.5 },
      settings: {
        tensorParallel: 2,
        maxModelLen: 8192,
        gpuMemoryUtilization: 0.9,
        totalGpuMemoryGiB: 79.15,
      },
      gpu: "l4",
      model: "qwen2.5-7b",
    });
  });

  it("a hand-edited or truncated plan: the first bad field, never a setting dropped or NaN", () => {
    // a string where a number belongs: before, the setting was silently left out of the comparison
    expect(
      ledgerFromPlan(
        variant(
          base,
          (p) => ((p.recommendation.engine as unknown as { maxModelLen: string }).maxModelLen = "8k"),
        ),
      ),
    ).toEqual({ problem: 'recommendation.engine.maxModelLen: expected a number, got the string "8k"' });
    expect(
      ledgerFromPlan(
        variant(
          base,
          (p) => delete (p.recommendation.memory as Partial<typeof p.recommendation.memory>).perGpu,
        ),
      ),
    ).toEqual({
      problem: "recommendation.memory.perGpu: expected a mapping, got nothing (the field is missing)",
    });
    expect(ledgerFromPlan({ recommendation: { perGpu: { weightsGiB: 3.5 }, kvCacheTokens: 10 } })).toEqual({
      problem: expect.stringMatching(/^apiVersion: /),
    });
    expect(ledgerFromPlan([1])).toEqual({ problem: "plan: expected a mapping, got a list" });
    expect(ledgerFromPlan(loadFixture("llamacpp-gguf"))).toEqual({
      problem: expect.stringMatching(/^is for llamacpp/),
    });
  });
});
