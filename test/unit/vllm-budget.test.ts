import { describe, expect, it } from "vitest";
import { findGpu, models } from "../../src/catalog/index.js";
import { defaultVllmSettings, VLLM, vllmPlacement } from "../../src/engines/vllm.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { inventory } from "../../src/sizing/inventory.js";
import { checkpointPrecision } from "../../src/sizing/weights.js";

const GiB = 1024 ** 3;

describe("vLLM's budget on one L4, worked out by hand", () => {
  // Llama 3.1 8B Instruct in its own BF16, one L4, `vllm serve` defaults of the pinned vLLM 0.28.0
  // (src/engines/vllm-versions.ts: gpu_memory_utilization 0.92 from 0.21; sampler 14 B per logit with
  // FlashInfer top-k/top-p, on by default from 0.21; CUDA graphs inside the budget from 0.21).
  //
  // total (driver)  23,583,784,960 B   data/devices/l4.json: CUDA's total for the L4 (deviceQuery
  //                                    "22491 MBytes (23583784960 bytes)"), not nvidia-smi's 23034 MiB
  // budget          × 0.92                                        = 21,697,082,163.2 B
  // weights         8,030,261,248 params × 2 B (BF16)            = 16,060,522,496 B
  //                 (the published count; index total_size 16060522496, all BF16)
  // activation peak the larger of the forward pass and the dummy sampler (vllm-profile.ts).
  //                 The L4 has < 70 GiB: max_num_batched_tokens 2048, max_num_seqs 256.
  //                 forward, per token: residual, normed copy and output 3 × 4096 = 12288, plus
  //                 max(attention (32 + 2 × 8) × 128 + 32 × 128 = 10240, MLP 3 × 14336 = 43008):
  //                 2048 × 2 B × (12288 + 43008)                       = 226,492,416 B
  //                 sampler: min(256, 2048) rows × 128256 vocab × 14 B = 459,669,504 B
  //                 + hidden states and residual 2 × 2048 × 4096 × 2 B =  33,554,432 B
  //                                                                    = 493,223,936 B
  //                 peak = max(226,492,416, 493,223,936)             =    493,223,936 B
  // non-torch       0.2 GiB, rounded (VLLM.nonTorchBytes)          =    214,748,365 B
  // CUDA graphs     0.44 GiB (VLLM.cudaGraphBytes), inside the budget since vLLM 0.21
  //                                                                =    472,446,402.56 B
  // KV cache        21,697,082,163.2 − 16,060,522,496 − 493,223,936 − 214,748,365 − 472,446,402.56
  //                                                                =  4,456,140,963.64 B
  // KV per token    2 (K and V) × 8 KV heads × 128 × 2 B × 32 layers = 131,072 B
  // per block       16 tokens (VLLM.blockSize) × 131,072           =  2,097,152 B
  // blocks          floor(4,456,140,963.64 / 2,097,152) = floor(2124.86) = 2124
  // KV tokens       2124 × 16                                      =     33,984 tokens
  const l4 = findGpu("l4");
  const entry = models.find((m) => m.id === "llama-3.1-8b")!;
  const arch = parseHfConfig(entry.config, entry.id);
  const settings = defaultVllmSettings(l4.memoryBytes.value, l4.name);
  const p = vllmPlacement({
    arch,
    tensors: inventory(arch),
    precision: checkpointPrecision(arch),
    skip: [],
    kvCacheDtype: "auto",
    gpuMemoryBytes: l4.memoryBytes.value,
    tp: 1,
    pp: 1,
    maxModelLen: 8192,
    settings,
  });

  it("uses the driver's total and the constants the working names", () => {
    expect(l4.memoryBytes.value).toBe(23_583_784_960);
    expect(settings).toMatchObject({ gpuMemoryUtilization: 0.92, blockSize: 16, maxNumBatchedTokens: 2048 });
    expect(settings.maxNumSeqs).toBe(256);
    expect(VLLM.nonTorchBytes).toBe(Math.round(0.2 * GiB)); // bytes are whole numbers
    expect(VLLM.cudaGraphBytes).toBeCloseTo(0.44 * GiB, 3);
  });

  it("gives the ledger worked out above, line by line", () => {
    expect(p.perGpu.budgetBytes).toBe(21_697_082_163);
    expect(p.perGpu.weightsBytes).toBe(16_060_522_496);
    expect(p.perGpu.activationBytes).toBe(493_223_936);
    expect(p.perGpu.kvCacheBytes).toBe(4_456_140_963);
    expect(p.kvCacheTokens).toBe(33_984);
    expect(p.fits).toBe(true);
  });
});
