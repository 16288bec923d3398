/**
 * The vision encoder's compute graph in Ollama's estimate (issue #15, item 7): Gemma 3's SigLIP tower
 * needs its own graph on the GPU besides the projector's weights, which the scheduler estimate missed.
 */
import { describe, expect, it } from "vitest";
import { findGpu, gpus, models } from "../../src/catalog/index.js";
import { OLLAMA_IDLE_USED_BYTES, ollamaVisionGraph } from "../../src/engines/ollama-scheduler.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { estimate } from "../../src/sizing/estimate.js";

const GiB = 1024 ** 3;
const archOf = (id: string) => {
  const e = models.find((m) => m.id === id)!;
  return parseHfConfig(e.config, id);
};
/** gemma-3-27b Q4_K_M under Ollama on a GPU with `freeBytes` free before loading. */
const ollamaOn = (freeBytes: number, maxModelLen: number, kvCacheDtype: "auto" | "fp8") => {
  const g = findGpu("rtx-4090");
  const gpu = { ...g, memoryBytes: { ...g.memoryBytes, value: freeBytes + OLLAMA_IDLE_USED_BYTES } };
  const model = { id: "gemma-3-27b", name: "gemma-3-27b", hfId: "google/gemma-3-27b-it" };
  return estimate({
    model: { ...model, arch: archOf("gemma-3-27b"), resolvedFrom: model.id, source: null },
    precision: "q4_k_m",
    engine: "ollama",
    gpu,
    gpus: 1,
    tp: 1,
    pp: 1,
    maxModelLen,
    kvCacheDtype,
    concurrency: 1,
    catalog: gpus,
    workload: { inputTokens: 1, outputTokens: 1, requestRate: null },
  }).placement!;
};

describe("Ollama: the vision encoder's compute graph (fs/ggml/ggml.go VisionGraphSize)", () => {
  it("Gemma 3's SigLIP graph, worked out by hand", () => {
    // google/gemma-3-27b-it vision_config: image_size 896, patch_size 14, hidden_size 1152,
    // num_attention_heads 16, 3 channels. numPatches = (896 / 14)² = 64² = 4096.
    // 4 × (896·896·3 + 1152·14 + 4096²·16) = 4 × (2,408,448 + 16,128 + 268,435,456) = 1,083,440,128
    // bytes = 1.009 GiB, which Ollama logs as projector.graph="1.0 GiB".
    expect(ollamaVisionGraph(archOf("gemma-3-27b"))).toBe(1_083_440_128);
    // a text-only model has none
    expect(ollamaVisionGraph(archOf("llama-3.1-8b"))).toBe(0);
  });

  it("replays gemma3:27b on an 11.0 GiB GPU (ollama/ollama#9818): 28 of 63 layers on the GPU", () => {
    // https://github.com/ollama/ollama/issues/9818 (rick-github, 2025-03-20, an RTX 3060 12 GB):
    //   msg=offload library=cuda layers.requested=-1 layers.model=63 layers.offload=28 layers.split=""
    //   memory.available="[11.0 GiB]" memory.gpu_overhead="1.0 KiB" memory.required.full="20.5 GiB"
    //   memory.required.partial="10.8 GiB" memory.required.kv="496.0 MiB"
    //   memory.required.allocations="[10.8 GiB]" memory.weights.total="14.3 GiB"
    //   memory.weights.repeating="14.3 GiB" memory.weights.nonrepeating="1.1 GiB"
    //   memory.graph.full="522.5 MiB" memory.graph.partial="1.6 GiB"
    //   projector.weights="795.9 MiB" projector.graph="1.0 GiB"
    // 2048 tokens (Ollama's default then); 496 MiB of KV for 62 layers × 2048 tokens is one byte per
    // element: the q8_0 cache. The log's available memory is rounded to 0.1 GiB (10.95-11.05 GiB):
    // 28 layers need 10.8 GiB, a 29th would need 0.24 GiB more, so either count replays the log.
    const p = ollamaOn(11.0 * GiB, 2048, "fp8");
    const gpuLayers = 63 - p.offloadedLayers!;
    expect([28, 29]).toContain(gpuLayers);
    // the graph on the GPU is the partial graph (1.6 GiB) and the vision graph (1.0 GiB)
    expect(p.perGpu.activationBytes / GiB).toBeCloseTo(1.6 + 1.0, 1);
    // what the GPU holds: the reserve, the projector, both graphs, and the layers with their cache
    const held =
      p.perGpu.weightsBytes + p.perGpu.kvCacheBytes + p.perGpu.activationBytes + p.perGpu.nonTorchBytes;
    expect(held / GiB).toBeGreaterThan(10.75);
    expect(held / GiB).toBeLessThanOrEqual(11.05);
    // Without the vision graph the same memory would have held 1.0 GiB / 0.24 GiB = 4 more layers,
    // which the log does not show.
    expect(gpuLayers).toBeLessThan(32);
  });
});
