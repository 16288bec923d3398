import { describe, expect, it } from "vitest";
import { findGpu, models } from "../../src/catalog/index.js";
import { defaultVllmSettings, VLLM, vllmPlacement } from "../../src/engines/vllm.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { inventory } from "../../src/sizing/inventory.js";
import { checkpointPrecision } from "../../src/sizing/weights.js";

const GiB = 1024 ** 3;

describe("vLLM's budget on one L4, worked out by hand", () => {
  // Llama 3.1 8B Instruct in its own BF16, one L4, `vllm serve` defaults.
  //
  // total (driver)  23,583,784,960 B   data/devices/l4.json: CUDA's total for the L4 (deviceQuery
  //                                    "22491 MBytes (23583784960 bytes)"), not nvidia-smi's 23034 MiB
  // budget          × 0.9 (VLLM.gpuMemoryUtilization)             = 21,225,406,464 B
  // weights         8,030,261,248 params × 2 B (BF16)            = 16,060,522,496 B
  //                 (the published count; index total_size 16060522496, all BF16)
  // activation peak the L4 has < 70 GiB, so max_num_batched_tokens 2048, max_num_seqs 256
  //                 (VLLM.maxNumBatchedTokensSmall, VLLM.maxNumSeqsSmall). Largest layer, per token:
  //                 residual + normed copy 2 × 4096 = 8192, plus max(attention q,k,v,out
  //                 (32 + 2 × 8) × 128 + 32 × 128 = 10240, MLP 3 × 14336 = 43008) = 43008:
  //                 2048 tokens × 2 B × (8192 + 43008)                 = 209,715,200 B
  //                 sampler: 256 rows × 128256 vocab × 12 B (VLLM.samplerBytesPerLogit) = 394,002,432 B
  //                 together                                       =    603,717,632 B
  // non-torch       0.2 GiB (VLLM.nonTorchBytes)                   =    214,748,364.8 B
  // CUDA graphs     0.44 GiB (VLLM.cudaGraphBytes), inside the budget since vLLM 0.21
  //                                                                =    472,446,402.56 B
  // KV cache        21,225,406,464 − 16,060,522,496 − 603,717,632 − 214,748,364.8 − 472,446,402.56
  //                                                                =  3,873,971,568.64 B
  // KV per token    2 (K and V) × 8 KV heads × 128 × 2 B × 32 layers = 131,072 B
  // per block       16 tokens (VLLM.blockSize) × 131,072           =  2,097,152 B
  // blocks          floor(3,873,971,568.64 / 2,097,152) = floor(1847.25) = 1847
  // KV tokens       1847 × 16                                      =     29,552 tokens
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
    expect(settings).toMatchObject({ gpuMemoryUtilization: 0.9, blockSize: 16, maxNumBatchedTokens: 2048 });
    expect(settings.maxNumSeqs).toBe(256);
    expect(VLLM.nonTorchBytes).toBeCloseTo(0.2 * GiB, 3);
    expect(VLLM.cudaGraphBytes).toBeCloseTo(0.44 * GiB, 3);
  });

  it("gives the ledger worked out above, line by line", () => {
    expect(p.perGpu.budgetBytes).toBe(21_225_406_464);
    expect(p.perGpu.weightsBytes).toBe(16_060_522_496);
    expect(p.perGpu.activationBytes).toBe(603_717_632);
    expect(p.perGpu.kvCacheBytes).toBe(3_873_971_568);
    expect(p.kvCacheTokens).toBe(29_552);
    expect(p.fits).toBe(true);
  });
});
