import { describe, expect, it } from "vitest";
import { findGpu, models } from "../../src/catalog/index.js";
import type { DeviceEntry } from "../../src/catalog/types.js";
import { engineModule } from "../../src/engines/index.js";
import { ollamaGraph, ollamaKvPerLayer } from "../../src/engines/ollama-scheduler.js";
import { sglangDefaults } from "../../src/engines/sglang.js";
import { defaultVllmSettings, vllmBehaviour } from "../../src/engines/vllm.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { estimate } from "../../src/sizing/estimate.js";
import { gpus } from "../../src/catalog/index.js";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const archOf = (id: string) => {
  const e = models.find((m) => m.id === id)!;
  return parseHfConfig(e.config, e.id);
};
const modelOf = (id: string) => {
  const e = models.find((m) => m.id === id)!;
  return {
    id,
    name: e.name,
    hfId: e.hfId,
    arch: parseHfConfig(e.config, id),
    resolvedFrom: id,
    source: null,
  };
};
/** A catalog GPU with the driver-visible memory a log reports (the catalog's figure may differ). */
const withMemory = (id: string, bytes: number): DeviceEntry => {
  const g = findGpu(id);
  return { ...g, memoryBytes: { ...g.memoryBytes, value: bytes } };
};
const run = (o: Partial<Parameters<typeof estimate>[0]> & { model: ReturnType<typeof modelOf> }) =>
  estimate({
    kvCacheDtype: "auto",
    concurrency: 1,
    catalog: gpus,
    workload: { inputTokens: 1, outputTokens: 1, requestRate: null },
    ...o,
  });

describe("vLLM's defaults by release (src/engines/vllm-versions.ts)", () => {
  it("gpu_memory_utilization 0.9 before 0.21, 0.92 from it (vllm#38284); graphs into the budget at 0.21", () => {
    expect(vllmBehaviour("0.20.2")).toMatchObject({ gpuMemoryUtilization: 0.9, cudaGraphsInBudget: false });
    expect(vllmBehaviour("0.21.0")).toMatchObject({ gpuMemoryUtilization: 0.92, cudaGraphsInBudget: true });
    expect(vllmBehaviour("0.7.3").engine).toBe("V0");
    expect(vllmBehaviour("0.8.0").engine).toBe("V1");
  });

  it("max_num_seqs / max_num_batched_tokens by GPU memory, name and entry point", () => {
    const h100 = 79.22 * GiB;
    const a100 = 79.15 * GiB;
    // >= 70 GiB and not A100: 1024 / 8192 for vllm serve, 1024 / 16384 for the LLM class
    expect(defaultVllmSettings(h100, "NVIDIA H100 SXM5 80GB", { version: "0.11.0" })).toMatchObject({
      maxNumSeqs: 1024,
      maxNumBatchedTokens: 8192,
    });
    expect(defaultVllmSettings(h100, "H100", { version: "0.11.0", entryPoint: "llm" })).toMatchObject({
      maxNumSeqs: 1024,
      maxNumBatchedTokens: 16384,
    });
    // A100 80GB is excluded from 0.9.0 on, but not in 0.8.5 (the plain 70 GiB rule)
    expect(defaultVllmSettings(a100, "NVIDIA A100 80GB", { version: "0.10.1" })).toMatchObject({
      maxNumSeqs: 256,
      maxNumBatchedTokens: 2048,
    });
    expect(defaultVllmSettings(a100, "NVIDIA A100 80GB", { version: "0.8.5" })).toMatchObject({
      maxNumSeqs: 1024,
      maxNumBatchedTokens: 8192,
    });
    // 0.8.0: 1024 sequences on every GPU, capped by the 2048-token budget of small GPUs
    expect(defaultVllmSettings(24 * GiB, "L4", { version: "0.8.0" }).maxNumSeqs).toBe(1024);
    // V0: 256 sequences; the whole max model len is profiled below 32K, chunks of 2048 above
    expect(defaultVllmSettings(h100, "H100", { version: "0.6.6", maxModelLen: 20_000 })).toMatchObject({
      maxNumSeqs: 256,
      maxNumBatchedTokens: 20_000,
    });
    expect(
      defaultVllmSettings(h100, "H100", { version: "0.6.6", maxModelLen: 65_536 }).maxNumBatchedTokens,
    ).toBe(2048);
  });

  it("a release outside the table is refused with the range; the image follows the release", () => {
    const v = engineModule("vllm");
    expect(() => v.versions.resolve("0.5.4")).toThrow(
      "vLLM 0.5.4 is outside the releases llmdeploy models (0.6.0 to 0.28.x)",
    );
    expect(() => v.versions.resolve("0.29")).toThrow(/outside the releases/);
    expect(() => v.versions.resolve("latest")).toThrow('--engine-version takes X.Y or X.Y.Z, got "latest"');
    expect(v.versions.resolve("0.11")).toBe("0.11.0");
    expect(v.imageFor("0.11.0", "gpu")).toBe("vllm/vllm-openai:v0.11.0");
    expect(v.imageFor(v.versions.default, "gpu")).toBe("vllm/vllm-openai:v0.28.0");
    expect(() => engineModule("sglang").versions.resolve("0.5.19")).toThrow(/models SGLang 0\.5\.20 only/);
  });
});

describe("--enforce-eager", () => {
  // Public figure: the vLLM >= 0.21 log of Qwen3-8B on a 24 GB GPU (https://github.com/LMCache/LMCache/issues/3430)
  // says "The current --gpu-memory-utilization=0.9764 is equivalent to --gpu-memory-utilization=0.9543
  // without CUDA graph memory profiling" after "Estimated CUDA graph memory: 0.52 GiB total" and
  // "Available KV cache memory: 6.37 GiB": with no graphs the same GPU leaves 6.37 + 0.52 = 6.89 GiB of
  // KV cache. Total memory from the same lines: 0.52 / (0.9764 − 0.9543) = 23.53 GiB.
  const gpu = withMemory("rtx-4090", 23.53 * GiB);
  const base = {
    model: modelOf("qwen3-8b"),
    gpu,
    gpus: 1,
    tp: 1,
    pp: 1,
    maxModelLen: 16384,
    gpuMemoryUtilization: 0.9764,
    engineVersion: "0.21.0",
  };
  it("vLLM >= 0.21: the graph pool leaves the budget, and the KV cache gains it", () => {
    const graphs = run(base).placement!;
    const eager = run({ ...base, enforceEager: true }).placement!;
    expect(eager.perGpu.cudaGraphBytes).toBe(0);
    expect(eager.ledger.find((l) => /CUDA graphs/.test(l.label))!.label).toMatch(/none: --enforce-eager/);
    // the ledger's pool is 0.44 GiB (its estimate), the log's 0.52
    expect((eager.perGpu.kvCacheBytes - graphs.perGpu.kvCacheBytes) / GiB).toBeCloseTo(0.44, 2);
    // 6.89 GiB without graphs, by the log's own figures
    expect(Math.abs(eager.perGpu.kvCacheBytes / GiB / 6.89 - 1)).toBeLessThan(0.05);
  });

  it("engines whose launch command cannot turn graphs off refuse it, in one line", () => {
    expect(() =>
      run({
        ...base,
        engineVersion: undefined,
        gpuMemoryUtilization: undefined,
        engine: "trtllm",
        enforceEager: true,
      }),
    ).toThrow(
      "--enforce-eager: llmdeploy has no way to turn CUDA graphs off in TensorRT-LLM's launch command",
    );
  });

  it("vLLM < 0.21: graphs were never in the budget, so the KV cache is the same", () => {
    const old = { ...base, engineVersion: "0.20.0" };
    expect(run({ ...old, enforceEager: true }).placement!.perGpu.kvCacheBytes).toBe(
      run(old).placement!.perGpu.kvCacheBytes,
    );
  });
});

describe("SGLang: mem_fraction_static × total = weights + KV pool", () => {
  it("its default fraction, worked out as server_args.py does, in MiB", () => {
    // H100 (driver: 81,559 MiB for the PCIe card): chunked prefill 8192, cuda_graph_max_bs 256 at TP 1:
    // 512 + 8192 × 1.5 + 1 × 1 / 8 × 1024 + 256 × 2 = 13,440 MiB (above the 10,240 floor);
    // (81,559 − 13,440) / 81,559 = 0.8352 -> 0.835
    expect(sglangDefaults(81_559 * MiB, 1, 1)).toMatchObject({
      memFractionStatic: 0.835,
      chunkedPrefillSize: 8192,
      cudaGraphMaxBs: 256,
      reservedMiB: 13_440,
    });
    // L4 (23,034 MiB): 2048 chunk, max_bs 24: 512 + 3072 + 128 + 48 = 3,760; (23,034 − 3,760) / 23,034 = 0.837
    expect(sglangDefaults(23_034 * MiB, 1, 1).memFractionStatic).toBe(0.837);
    // 8 × H200 (143,771 MiB): 8192 chunk, max_bs 512 at TP 8: 512 + 12,288 + 1,024 + 1,024 = 14,848;
    // (143,771 − 14,848) / 143,771 = 0.8967 -> 0.897
    expect(sglangDefaults(143_771 * MiB, 8, 1).memFractionStatic).toBe(0.897);
  });

  it("the KV pool is the fraction of the GPU less the weights; the plan renders that fraction, never 0.9", () => {
    const gpu = withMemory("h100-pcie", 81_559 * MiB);
    const r = run({
      model: modelOf("llama-3.1-8b"),
      gpu,
      gpus: 1,
      tp: 1,
      pp: 1,
      engine: "sglang",
      maxModelLen: 8192,
    });
    const p = r.placement!;
    expect(p.engineSettings.gpuMemoryUtilization).toBe(0.835);
    // 0.835 × 81,559 MiB − 14.96 GiB of weights
    expect(p.perGpu.kvCacheBytes).toBe(Math.floor(0.835 * 81_559 * MiB - p.perGpu.weightsBytes));
    expect(r.engine.memoryModel).toMatch(
      /^SGLang 0\.5\.20: mem_fraction_static × total = weights \+ KV pool/,
    );
  });
});

describe("TensorRT-LLM: KV = free_gpu_memory_fraction × what is free after loading", () => {
  it("Llama 3.3 70B FP8 fits one H100 (vLLM's budget does not leave room at 0.9 of the total)", () => {
    const gpu = withMemory("h100-sxm", 79.22 * GiB);
    const base = {
      model: modelOf("llama-3.3-70b"),
      precision: "fp8",
      gpu,
      gpus: 1,
      tp: 1,
      pp: 1,
      maxModelLen: 8192,
    };
    const trt = run({ ...base, engine: "trtllm" }).placement!;
    expect(trt.fits).toBe(true);
    // 0.9 × (79.22 − 0.4 CUDA context − 67.67 weights − 1.69 activation of 8192 tokens) ≈ 8.5 GiB
    const free = 79.22 * GiB - 0.4 * GiB - trt.perGpu.weightsBytes - trt.perGpu.activationBytes;
    expect(trt.perGpu.kvCacheBytes).toBe(Math.floor(0.9 * free));
    expect(trt.perGpu.kvCacheBytes / GiB).toBeGreaterThan(8);
    // vLLM 0.14 on the same GPU: the sampler's 4.9 GiB peak leaves a negative KV budget, as the
    // llm-d H100 summary reports (-1.44 GiB for Llama-3.3-70B-FP8 at TP 1)
    const v = run({
      ...base,
      precision: "fp8-channel",
      engineVersion: "0.14.0",
      maxModelLen: 16000,
    }).placement!;
    expect(v.fits).toBe(false);
    expect(v.perGpu.kvCacheBytes / GiB).toBeCloseTo(-1.44, 0);
  });
});

describe("Ollama's scheduler estimate (llm/server.go and fs/ggml/ggml.go at v0.20.2)", () => {
  it("graph of a Llama at 8192 tokens, worked out by hand from GraphSize", () => {
    // e 4096, H 32, KV heads 8, head 128, V 128,256, b 512, c 8192:
    // full = max(4b(1 + 4e + c(1 + H)), 4b(e + V)) = max(2048 × 286,721, 2048 × 132,352) = 587,204,608
    // partial = 4be + max(4b(1 + e + max(c, e)) + e²·9/16 + 4c(bH + 128·8), 4b(e + V) + eV·105/128)
    //         = 8,388,608 + max(25,167,872 + 9,437,184 + 570,425,344, 271,056,896 + 430,940,160)
    //         = 710,385,664
    const arch = archOf("llama-3.1-8b");
    expect(ollamaGraph(arch, 8192, 0)).toEqual({ full: 587_204_608, partial: 710_385_664 });
  });

  it("KV per layer: the whole context, except Gemma 3's sliding layers (NUM_PARALLEL × window + batch)", () => {
    expect(ollamaKvPerLayer(archOf("llama-3.1-8b"), 8192, 1, "auto")[0]).toBe(8192 * 8 * 256 * 2);
    const gemma = ollamaKvPerLayer(archOf("gemma-3-27b"), 20480, 1, "auto");
    // 16 KV heads × (128 + 128) × 2 bytes = 8,192 per token; sliding: (1 × 1024 + 512) tokens
    expect(gemma[0]).toBe(1536 * 8192);
    expect(gemma[5]).toBe(20480 * 8192);
  });

  it("layers that do not fit go to the CPU, the output layer first, and the placement says how many", () => {
    const gpu = withMemory("rtx-4090", 24 * GiB);
    const q = {
      model: modelOf("llama-3.1-8b"),
      precision: "q4_k_m",
      engine: "ollama",
      gpu,
      gpus: 1,
      tp: 1,
      pp: 1,
    };
    const fits = run({ ...q, maxModelLen: 8192 }).placement!;
    expect(fits).toMatchObject({ fits: true, offloadedLayers: 0 });
    // 131,072 tokens of KV (16 GiB) and the graph beside 4.6 GiB of weights: some layers stay on the CPU
    const spill = run({ ...q, maxModelLen: 131072 }).placement!;
    expect(spill.fits).toBe(false);
    expect(spill.offloadedLayers).toBeGreaterThanOrEqual(2);
    expect(spill.reason).toMatch(/^Ollama's scheduler puts \d+ of 33 layers on the CPU/);
  });
});
