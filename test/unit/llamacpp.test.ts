import { describe, expect, it } from "vitest";
import { models } from "../../src/catalog/index.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { inventory } from "../../src/sizing/inventory.js";
import { CUDA_CONTEXT_BYTES, llamacppPlacement } from "../../src/engines/llamacpp.js";
import { bindPrecision, lookupPrecision, tensorBytes, weightsBytes } from "../../src/sizing/weights.js";

describe("llama.cpp memory per GPU", () => {
  const e = models.find((m) => m.id === "llama-3.1-8b")!;
  const arch = parseHfConfig(e.config, e.id);
  const tensors = inventory(arch);
  const q4 = bindPrecision(lookupPrecision("q4_k_m"), arch);
  const embedding = tensors.find((t) => t.role === "embedding")!;

  it("Llama 3.1 8B Q4_K_M, 4 slots of 8192 on one GPU", () => {
    const p = llamacppPlacement({
      arch,
      tensors,
      precision: q4,
      kvCacheDtype: "auto",
      gpuMemoryBytes: 24 * 1024 ** 3,
      gpus: 1,
      maxModelLen: 8192,
      slots: 4,
    });
    // token_embd (128256 × 4096 in Q4_K: 144 bytes per 256 values = 295,501,824 bytes, llama.cpp's
    // "CPU_Mapped model buffer size = 281.81 MiB") stays in host memory
    expect(tensorBytes(embedding, q4.format)).toBe(295_501_824);
    expect(p.perGpu.weightsBytes).toBe(weightsBytes(tensors, q4) - 295_501_824);
    // KV: 2 × 8 KV heads × 128 × 2 bytes × 32 layers = 131,072 bytes per token; 4 × 8192 tokens = 4 GiB
    expect(p.perGpu.kvCacheBytes).toBe(4 * 8192 * 131_072);
    // compute buffer: 512 tokens × 4 bytes × (vocab 128256 + 2 × intermediate 14336)
    expect(p.perGpu.activationBytes).toBe(512 * 4 * (128_256 + 2 * 14_336));
    expect(p.perGpu.nonTorchBytes).toBe(CUDA_CONTEXT_BYTES);
    expect(p.kvCacheTokens).toBe(32_768);
    expect(p.fits).toBe(true);
  });

  it("layers split over GPUs; the output layer on the last; too little memory says why", () => {
    const two = llamacppPlacement({
      arch,
      tensors,
      precision: q4,
      kvCacheDtype: "auto",
      gpuMemoryBytes: 8 * 1024 ** 3,
      gpus: 2,
      maxModelLen: 8192,
      slots: 1,
    });
    expect(two.stages.map((s) => s.layers.length)).toEqual([16, 16]);
    expect(two.stages[0]!.bytesPerGpu + two.stages[1]!.bytesPerGpu).toBe(
      weightsBytes(tensors, q4) - 295_501_824,
    );
    expect(two.fits).toBe(true);
    const tiny = llamacppPlacement({
      arch,
      tensors,
      precision: q4,
      kvCacheDtype: "auto",
      gpuMemoryBytes: 4 * 1024 ** 3,
      gpus: 1,
      maxModelLen: 8192,
      slots: 4,
    });
    expect(tiny.fits).toBe(false);
    expect(tiny.reason).toMatch(/GiB needed on GPU 0/);
  });
});
