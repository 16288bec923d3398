import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findGpu, models } from "../../src/catalog/index.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { inventory } from "../../src/sizing/inventory.js";
import { kvTokensForBytes, vllmPlacement } from "../../src/engines/vllm.js";
import { checkpointPrecision, lookupPrecision, mxfp4Backend } from "../../src/sizing/weights.js";

// Published vLLM start-up logs (test/fixtures/vllm-logs, each with its URL in index.json): the engine
// must land within 2 % of the weights and 10 % of the KV cache the log reports per GPU.
interface Case {
  file: string;
  source: string;
  model: string;
  precision?: string;
  totalGpuMemoryGiB?: number;
  /** Catalog GPU, when the log says which (the MoE backend's padding depends on it). */
  gpuId?: string;
  tensorParallel: number;
  gpuMemoryUtilization: number;
  maxModelLen: number;
  maxNumBatchedTokens?: number;
  maxNumSeqs?: number;
  weightsGiB: number;
  kvCacheGiB: number | null;
}
const dir = new URL("../fixtures/vllm-logs/", import.meta.url);
const cases = JSON.parse(readFileSync(new URL("index.json", dir), "utf8")) as Case[];
const GiB = 1024 ** 3;

describe("replay of published vLLM start-up logs", () => {
  for (const c of cases) {
    it(`${c.file}: ${c.model} TP ${c.tensorParallel} (${c.source})`, () => {
      const log = readFileSync(new URL(c.file, dir), "utf8");
      // the figures in index.json are the ones printed in the log excerpt
      expect(log).toContain(String(c.weightsGiB));
      const entry = models.find((m) => m.id === c.model)!;
      const arch = parseHfConfig(entry.config, entry.id);
      const p = vllmPlacement({
        arch,
        tensors: inventory(arch),
        precision: ((p) => (c.gpuId ? mxfp4Backend(p, findGpu(c.gpuId)) : p))(
          c.precision ? lookupPrecision(c.precision) : checkpointPrecision(arch),
        ),
        skip: [],
        kvCacheDtype: "auto",
        gpuMemoryBytes: (c.totalGpuMemoryGiB ?? 80) * GiB,
        tp: c.tensorParallel,
        pp: 1,
        maxModelLen: c.maxModelLen,
        settings: {
          gpuMemoryUtilization: c.gpuMemoryUtilization,
          blockSize: 16,
          maxNumBatchedTokens: c.maxNumBatchedTokens ?? 8192,
          maxNumSeqs: c.maxNumSeqs ?? 256,
          enforceEager: false,
          // these logs predate CUDA graph profiling (vLLM 0.21): graphs were outside the budget
          cudaGraphsInBudget: false,
        },
      });
      const weights = p.perGpu.weightsBytes / GiB;
      console.log(
        `${c.file}: weights ${weights.toFixed(2)} GiB (log ${c.weightsGiB}); KV ${(p.perGpu.kvCacheBytes / GiB).toFixed(2)} GiB (log ${c.kvCacheGiB ?? "n/a"})`,
      );
      expect(Math.abs(weights / c.weightsGiB - 1)).toBeLessThan(0.02);
      if (c.kvCacheGiB !== null) {
        expect(Math.abs(p.perGpu.kvCacheBytes / GiB / c.kvCacheGiB - 1)).toBeLessThan(0.1);
      }
    });
  }
});

describe("KV tokens from available memory (vLLM's block arithmetic)", () => {
  it("Qwen3-235B-A22B, TP 4 on H100: 8.11 GiB -> 178,880 tokens (https://github.com/vllm-project/vllm/issues/21348)", () => {
    const log = readFileSync(new URL("qwen3-235b-fp8-h100-tp4.log", dir), "utf8");
    expect(log).toContain("Available KV cache memory: 8.11 GiB");
    expect(log).toContain("GPU KV cache size: 178,880 tokens");
    const entry = models.find((m) => m.id === "qwen3-235b-a22b")!;
    const arch = parseHfConfig(entry.config, entry.id);
    // 4 KV heads over 4 ranks = 1 head per rank: 94 layers × (128 + 128) × 2 bytes = 48,128 bytes per
    // token; 16-token blocks of 770,048 bytes; 8.11 GiB / 770,048 = 11,308 blocks = 180,928 tokens.
    const tokens = kvTokensForBytes(arch, "auto", 4, 94, 16, 8.11 * GiB);
    expect(tokens).toBe(180_928);
    // The log's 178,880 is 1.1 % lower (its 8.11 GiB is rounded, and the run used an LMCache connector).
    expect(Math.abs(tokens / 178_880 - 1)).toBeLessThan(0.02);
  });
});
