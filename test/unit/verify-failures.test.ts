import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { vllm } from "../../src/engines/vllm.js";
import {
  compareLog,
  failureVerdict,
  type LedgerSettings,
  logVersion,
  missed,
  parseVllmLog,
  settingNotes,
} from "../../src/verify/vllm-log.js";

// Published excerpts in test/fixtures/vllm-logs (URLs in verify-sources.json and index.json). Expected
// figures are the numbers printed in them.
const log = (f: string) => readFileSync(new URL(`../fixtures/vllm-logs/${f}`, import.meta.url), "utf8");

const settings: LedgerSettings = {
  tensorParallel: 1,
  pipelineParallel: 1,
  maxModelLen: 131072,
  gpuMemoryUtilization: 0.95,
  maxNumBatchedTokens: 1024,
  maxNumSeqs: 1024,
  kvCacheDtype: "auto",
  totalGpuMemoryGiB: 79.19,
  engineVersion: "0.28.0",
  enforceEager: false,
  precision: "mxfp4",
  quantization: null,
};

describe("failed starts", () => {
  it("V1: 'X GiB KV cache is needed ... available (Y GiB)' (gpt-oss-120b on one H100, vllm#27508)", () => {
    const p = parseVllmLog(log("gpt-oss-120b-h100-v1-kv-needed.log"));
    expect(p.failure).toMatchObject({
      kind: "kv-needed",
      maxModelLen: 131072,
      neededGiB: 4.54,
      availableGiB: 1.71,
      // the excerpt is cut before the number ("the estimated maximum model lengt")
      estimatedMaxModelLen: null,
    });
    expect(p).toMatchObject({
      kvCacheGiB: 1.71,
      gpuMemoryUtilization: 0.95,
      maxNumBatchedTokens: 1024,
      maxModelLen: 131072,
    });
    const verdict = failureVerdict(
      p,
      { ...none, kvCacheGiB: 6.2, kvCacheTokens: 150_000, maxConcurrency: 1.14 },
      settings,
    );
    expect(verdict).toBe(
      "vLLM could not fit one sequence of 131072: it needed 4.54 GiB of KV cache and had 1.71 GiB; " +
        "the ledger predicted 6.2 GiB of KV cache per GPU (150000 tokens, 1.14x that length) (one sequence needs 5.44 GiB by the ledger)",
    );
    expect(missed([], p)).toBe(true);
  });

  it("V1, wrapped over lines and spelled 'model's', with the estimated length (kaito#2132)", () => {
    const p = parseVllmLog(log("mistral-small-4-h100nvl-kv-needed.log"));
    expect(p.failure).toMatchObject({
      kind: "kv-needed",
      maxModelLen: 1_048_576,
      neededGiB: 22.5,
      availableGiB: 17.39,
      estimatedMaxModelLen: 810_208,
    });
    expect(failureVerdict(p, none, null)).toMatch(
      /^vLLM could not fit one sequence of 1048576: it needed 22\.5 GiB of KV cache and had 17\.39 GiB \(enough for 810208 tokens\); the ledger has no KV cache figure; start it with --max-model-len 810208 or less/,
    );
  });

  it("V0: 'larger than the maximum number of tokens that can be stored in KV cache (N)' (vllm#6746)", () => {
    const p = parseVllmLog(log("llama31-405b-fp8-8xh100-v0-kv-too-small.log"));
    expect(p.failure).toMatchObject({ kind: "kv-too-small", maxModelLen: 131072, kvCacheTokens: 79392 });
    // V0 labels GiB "GB": 57.7520 per worker
    expect(p.weightsGiB).toBe(57.752);
    expect(p.kvCacheTokens).toBe(79392);
    expect(failureVerdict(p, none, null)).toMatch(
      /its KV cache holds 79392 tokens; .*--max-model-len 79392 or less/,
    );
  });

  it("a negative 'Available KV cache memory' is read as such, and the start failed (vllm#23278)", () => {
    const p = parseVllmLog(log("gpt-oss-120b-h100-v010-negative-kv.log"));
    expect(p.kvCacheGiB).toBe(-2.14);
    expect(p.weightsGiB).toBe(65.9651);
    expect(p.failure).toBeNull();
    const rows = compareLog(p, { ...none, weightsGiB: 64.4, kvCacheGiB: 3.2 });
    expect(rows.find((r) => r.key === "kvCacheGiB")!.ok).toBe(false);
  });

  it("'No available memory for the cache blocks' (vllm#53013)", () => {
    const p = parseVllmLog(
      "(Worker pid=1) INFO 08-19 05:56:57 [gpu_model_runner.py:6936] Estimated CUDA graph memory: 118.65 GiB total\n" +
        "(EngineCore_DP0 pid=2) ERROR 08-19 05:56:57 [core.py:1346] ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.\n",
    );
    expect(p.failure?.kind).toBe("no-memory");
    expect(p.cudaGraphGiB).toBe(118.65);
  });
});

const none = {
  weightsGiB: null,
  activationGiB: null,
  nonTorchGiB: null,
  cudaGraphGiB: null,
  kvCacheGiB: null,
  kvCacheTokens: null,
  maxConcurrency: null,
};

describe("settings the log states, against the ledger's, said before the figures", () => {
  it("max_num_seqs, enforce_eager, the release and the quantization", () => {
    // v0.7.4 V0 config line: quantization=compressed-tensors, enforce_eager=False
    const p = parseVllmLog(log("v074-v0-config-line.log"));
    expect(p).toMatchObject({
      version: "0.7.4.dev390+gdebd6bbf",
      quantization: "compressed-tensors",
      enforceEager: false,
      maxModelLen: 65536,
    });
    const notes = settingNotes(
      { ...p, maxNumSeqs: 256 },
      { ...settings, maxModelLen: 65536, maxNumSeqs: 1024, enforceEager: true, precision: "bf16" },
    );
    expect(notes).toContain(
      "the engine ran with --max-num-seqs 256, the ledger with 1024: the profile run's sampler (and so the activation peak) scales with it",
    );
    expect(notes).toContain(
      "the engine ran with CUDA graphs, the ledger with --enforce-eager: the log holds graph memory the ledger does not",
    );
    expect(notes).toContain(
      "the engine is vLLM 0.7.4.dev390+gdebd6bbf, the ledger models 0.28.0: defaults, the sampler's temporaries and where CUDA graphs go differ by release (size for it with --engine-version 0.7.4)",
    );
    expect(notes).toContain(
      "the engine loaded compressed-tensors-quantized weights, the ledger sized bf16: weights per GPU differ",
    );
    // an AWQ ledger against an FP8 load
    expect(settingNotes(p, { ...settings, precision: "awq", engineVersion: "0.7.0" })).toContain(
      "the engine ran with quantization compressed-tensors, the ledger sized awq: weights per GPU differ",
    );
  });

  it("the log's release resolves against the modelled range, or says it is outside", () => {
    expect(logVersion(parseVllmLog(log("qwen2-7b-a100-tp1.log")), vllm.versions)).toEqual({
      version: "0.10.1",
    });
    expect(logVersion({ ...parseVllmLog(""), version: "0.5.3.post1" }, vllm.versions)).toEqual({
      outside: "the log's vLLM 0.5.3.post1 is outside the releases llmdeploy models (0.6.0 to 0.28.x)",
    });
    expect(logVersion(parseVllmLog(""), vllm.versions)).toBeNull();
  });
});

describe("more formats", () => {
  it("the one-line KV size and concurrency of 2026 builds, graph pool actual vs estimated (vllm#57047)", () => {
    const p = parseVllmLog(log("awq-47gib-new-log-format.log"));
    expect(p).toMatchObject({
      kvCacheTokens: 268_560,
      maxConcurrency: 131.13,
      maxModelLen: 2048,
      cudaGraphGiB: 0.22,
      activationGiB: 0.57,
      totalGpuMemoryGiB: 47.37,
      gpuMemoryUtilization: 0.85,
      // "2.81 GiB for consumed memory (weights + non-torch)" is not the weights alone
      weightsGiB: null,
      failure: null,
    });
  });

  it("V0 lines inside a table drawn with box characters (gateway-api-inference-extension#550)", () => {
    const p = parseVllmLog(log("llama2-7b-lora-80gb-v0.log"));
    expect(p).toMatchObject({
      totalGpuMemoryGiB: 79.19,
      gpuMemoryUtilization: 0.9,
      weightsGiB: 12.55,
      nonTorchGiB: 0.16,
      activationGiB: 2.38,
      kvCacheGiB: 56.18,
      // 7191 cuda blocks × 16
      kvCacheTokens: 115_056,
    });
  });
});

describe("figures that are not numbers, and hostile logs", () => {
  it("'1.2.3 GiB' is left out with a note, never NaN", () => {
    const p = parseVllmLog(
      "INFO [gpu_model_runner.py:2007] Model loading took 1.2.3 GiB and 3.0 seconds\n" +
        "INFO [gpu_worker.py:276] Available KV cache memory: 24.83 GiB\n",
    );
    expect(p.weightsGiB).toBeNull();
    expect(p.kvCacheGiB).toBe(24.83);
    expect(p.problems).toEqual(['"1.2.3" after "Model loading took" is not a number: left out']);
    const rows = compareLog(p, { ...none, weightsGiB: 14, kvCacheGiB: 25 });
    for (const r of rows) {
      for (const v of [r.log, r.predicted, r.difference])
        if (v !== null) expect(Number.isFinite(v)).toBe(true);
    }
  });

  it("a 5 MB adversarial log parses in linear time (well under a second; asserted < 5 s)", () => {
    // Long runs of digits and dots before "GiB for weight" (a pattern that starts with the number),
    // repeated prefixes without their ending ("Initializing a V1 LLM engine" with no model=, "Graph
    // capturing finished in" with no "took"), and one 1 MB line with no newline at all.
    const parts = [
      "1.".repeat(200_000) + "x GiB for weight\n",
      "Initializing a V1 LLM engine (v0.9.0) with config: ".repeat(20_000) + "\n",
      "Graph capturing finished in ".repeat(30_000) + "\n",
      "Maximum concurrency for 1,".repeat(30_000) + "\n",
      "To serve at least one request with the models's max seq len (1".repeat(10_000) + "\n",
      "a".repeat(1_000_000),
      "\nINFO Model loading took 7.1217 GiB and 2.8 seconds\n",
    ];
    let text = parts.join("");
    while (text.length < 5_000_000) text += "INFO  gpu_memory_utilization       " + "9".repeat(100) + "\n";
    const t0 = performance.now();
    const p = parseVllmLog(text);
    const ms = performance.now() - t0;
    console.log(`parsed ${(text.length / 1e6).toFixed(1)} MB adversarial log in ${ms.toFixed(0)} ms`);
    expect(p.weightsGiB).toBe(7.1217);
    expect(ms).toBeLessThan(5000);
  });
});
