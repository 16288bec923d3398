import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findGpu, models } from "../../src/catalog/index.js";
import { defaultVllmSettings, kvTokensForBytes, vllmPlacement } from "../../src/engines/vllm.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { inventory } from "../../src/sizing/inventory.js";
import { checkpointPrecision, lookupPrecision, mxfp4Backend } from "../../src/sizing/weights.js";

// Published vLLM start-up logs (test/fixtures/vllm-logs, each with its URL in index.json), replayed at
// the vLLM release that printed them: the settings are that release's defaults from the version table
// (src/engines/vllm-versions.ts) plus what the log or its command states, on a GPU of the memory the log
// reports. The ledger must land within 2 % of the weights and 10 % of the KV cache per GPU (and, where
// the log gives the activation peak, within 5 % of it).
interface Case {
  file: string;
  source: string;
  era: "0.6–0.9" | "0.10–0.20" | "0.21+";
  engineVersion: string;
  model: string;
  /** A config.json under test/fixtures when the model is not in the catalog. */
  config?: string;
  /** The row of a summary file the figures come from. */
  row?: string;
  precision?: string;
  totalGpuMemoryGiB?: number;
  /** Catalog GPU, when the log says which (vLLM's large-GPU rule and the MoE backend depend on it). */
  gpuId?: string;
  tensorParallel: number;
  gpuMemoryUtilization: number;
  maxModelLen: number;
  /** The Python `LLM` class rather than `vllm serve` (its batch defaults differ). */
  entryPoint?: "serve" | "llm";
  /** Only what the log prints or its command sets; otherwise the release's defaults. */
  maxNumBatchedTokens?: number;
  maxNumSeqs?: number;
  weightsGiB: number | null;
  activationGiB?: number;
  kvCacheGiB: number | null;
  /** The excerpt is cut before the KV line: kvCacheGiB is the log's own arithmetic (see its notes). */
  kvFromArithmetic?: boolean;
}
const dir = new URL("../fixtures/vllm-logs/", import.meta.url);
const cases = JSON.parse(readFileSync(new URL("index.json", dir), "utf8")) as Case[];
const GiB = 1024 ** 3;

function archOf(c: Case) {
  if (c.config) {
    const raw = JSON.parse(readFileSync(new URL(`../fixtures/${c.config}`, import.meta.url), "utf8"));
    return parseHfConfig(raw, c.model);
  }
  const entry = models.find((m) => m.id === c.model)!;
  return parseHfConfig(entry.config, entry.id);
}

function replay(c: Case) {
  const arch = archOf(c);
  const gpu = c.gpuId ? findGpu(c.gpuId) : undefined;
  const total = (c.totalGpuMemoryGiB ?? 80) * GiB;
  const base = defaultVllmSettings(total, gpu?.name ?? "", {
    version: c.engineVersion,
    maxModelLen: c.maxModelLen,
    entryPoint: c.entryPoint,
  });
  const settings = {
    ...base,
    gpuMemoryUtilization: c.gpuMemoryUtilization,
    maxNumBatchedTokens: c.maxNumBatchedTokens ?? base.maxNumBatchedTokens,
    maxNumSeqs: c.maxNumSeqs ?? base.maxNumSeqs,
  };
  const own = c.precision ? lookupPrecision(c.precision) : checkpointPrecision(arch);
  const p = vllmPlacement({
    arch,
    tensors: inventory(arch),
    precision: gpu ? mxfp4Backend(own, gpu) : own,
    skip: arch.quantization?.skip ?? [],
    kvCacheDtype: "auto",
    gpuMemoryBytes: total,
    tp: c.tensorParallel,
    pp: 1,
    maxModelLen: c.maxModelLen,
    settings,
    computeCapability: gpu?.computeCapability,
  });
  return { arch, settings, p };
}

const pct = (a: number, b: number) =>
  `${a / b - 1 >= 0 ? "+" : "−"}${Math.abs((a / b - 1) * 100).toFixed(1)} %`;

describe("replay of published vLLM start-up logs, at the release that printed them", () => {
  for (const c of cases) {
    it(`${c.file}${c.row ? ` [${c.row}]` : ""}: ${c.model} TP ${c.tensorParallel}, vLLM ${c.engineVersion} (${c.source})`, () => {
      const log = readFileSync(new URL(c.file, dir), "utf8");
      // the figures in index.json are the ones printed in the log excerpt
      const printed = [c.weightsGiB, c.activationGiB, c.kvFromArithmetic ? null : c.kvCacheGiB];
      for (const v of printed) if (v != null) expect(log).toContain(String(v));
      const { p } = replay(c);
      const w = p.perGpu.weightsBytes / GiB;
      const kv = p.perGpu.kvCacheBytes / GiB;
      const act = p.perGpu.activationBytes / GiB;
      console.log(
        `${c.era} | ${c.file}${c.row ? ` [${c.row}]` : ""} | weights ${c.weightsGiB ?? "-"} -> ${w.toFixed(2)}` +
          (c.weightsGiB ? ` (${pct(w, c.weightsGiB)})` : "") +
          ` | activation ${c.activationGiB ?? "-"} -> ${act.toFixed(2)}` +
          ` | KV ${c.kvCacheGiB ?? "-"} -> ${kv.toFixed(2)}` +
          (c.kvCacheGiB ? ` (${pct(kv, c.kvCacheGiB)})` : ""),
      );
      if (c.weightsGiB !== null) expect(Math.abs(w / c.weightsGiB - 1)).toBeLessThan(0.02);
      if (c.kvCacheGiB !== null) expect(Math.abs(kv / c.kvCacheGiB - 1)).toBeLessThan(0.1);
      if (c.activationGiB !== undefined) expect(Math.abs(act / c.activationGiB - 1)).toBeLessThan(0.05);
    });
  }

  it("covers the three eras of vLLM, with weights and KV cache from the same log in each era", () => {
    for (const era of ["0.6–0.9", "0.10–0.20", "0.21+"] as const) {
      expect(cases.some((c) => c.era === era && c.kvCacheGiB !== null && c.weightsGiB !== null)).toBe(true);
    }
  });

  it("includes >= 70 GiB GPUs at vLLM's default 1024 sequences with large vocabularies", () => {
    const big = cases.filter((c) => {
      const { arch, settings } = replay(c);
      return (c.totalGpuMemoryGiB ?? 0) >= 70 && settings.maxNumSeqs === 1024 && arch.vocabSize >= 150_000;
    });
    // gpt-oss-20b (201,088 entries), Qwen3-0.6B and Qwen3-32B at TP 1 and 2 (151,936)
    expect(big.length).toBeGreaterThanOrEqual(2);
    expect(big.some((c) => c.model === "gpt-oss-20b")).toBe(true);
  });
});

describe("the sampler's temporaries at 1024 sequences (vLLM 0.11.1–0.20, PyTorch's sort)", () => {
  it("gpt-oss-20b on H100: 1024 × 201,088 × 38 bytes + the dummy run's hidden states = the published 7.38 GiB", () => {
    const c = cases.find((x) => x.model === "gpt-oss-20b")!;
    const { p, settings } = replay(c);
    // 1024 sequences (the >= 70 GiB default), 8192 batched tokens (vllm serve on H100).
    expect(settings.maxNumSeqs).toBe(1024);
    expect(settings.maxNumBatchedTokens).toBe(8192);
    // 1024 × 201,088 × 38 = 7,824,936,... bytes = 7.2877 GiB; hidden states 2 × 8192 × 2880 × 2 bytes =
    // 0.0879 GiB; 7.3756 GiB against the summary's 7.38 (the forward pass alone peaks at 0.4 GiB).
    expect(p.perGpu.activationBytes).toBe(Math.round(1024 * 201_088 * 38 + 2 * 8192 * 2880 * 2));
    expect(Math.abs(p.perGpu.activationBytes / GiB / 7.38 - 1)).toBeLessThan(0.01);
  });

  it("the same run at 0.28 (FlashInfer top-k/top-p, 14 bytes per entry) leaves 4.7 GiB more KV cache", () => {
    const c = cases.find((x) => x.model === "gpt-oss-20b")!;
    const at14 = replay(c);
    const at28 = replay({ ...c, engineVersion: "0.28.0" });
    // 1024 × 201,088 × (38 − 14) = 4.60 GiB less activation; 0.28 also takes 0.44 GiB of CUDA graphs out.
    const d = (at28.p.perGpu.kvCacheBytes - at14.p.perGpu.kvCacheBytes) / GiB;
    expect(d).toBeCloseTo((1024 * 201_088 * 24) / GiB - 0.44, 1);
  });
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
