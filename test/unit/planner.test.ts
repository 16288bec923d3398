// The planner's steps, each on its own (src/planner/*), and spec normalisation (src/contract/spec.ts).
import { describe, expect, it } from "vitest";
import { devices, findGpu, models } from "../../src/catalog/index.js";
import type { Deployment, PlanSpec } from "../../src/contract/plan.js";
import { normalizeSpec } from "../../src/contract/spec.js";
import { engineModule } from "../../src/engines/index.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { type Candidate, targetMisses } from "../../src/planner/evaluate.js";
import { allowedDevices, planDeployment, servablePrecisions } from "../../src/planner/index.js";
import { costOf, gpuPrice, HOURS_PER_MONTH } from "../../src/planner/pricing.js";
import { rankCandidates } from "../../src/planner/rank.js";
import { targetChecks } from "../../src/planner/targets.js";
import { modeOf, replicaShapes } from "../../src/planner/shapes.js";
import { baseCheckpoint } from "../../src/checkpoints/resolve.js";
import { prepareModel } from "../../src/sizing/size.js";

const arch = (id: string) => parseHfConfig(models.find((m) => m.id === id)!.config, id);
const spec = (over: Parameters<typeof normalizeSpec>[0], ctx = 131072): PlanSpec =>
  normalizeSpec(over, { id: over.model ?? "m", context: ctx });

describe("shapes", () => {
  it("every count up to maxGpus, widest TP first, TP inside a node", () => {
    // within a node every split of the count is tried (TP 3 does not divide 4)
    expect(replicaShapes(4)).toEqual([
      { count: 1, tp: 1, pp: 1 },
      { count: 2, tp: 2, pp: 1 },
      { count: 2, tp: 1, pp: 2 },
      { count: 4, tp: 4, pp: 1 },
      { count: 4, tp: 2, pp: 2 },
      { count: 4, tp: 1, pp: 4 },
    ]);
  });
  it("beyond a node: TP 8 and pipeline stages across nodes only", () => {
    const s16 = replicaShapes(16).filter((s) => s.count === 16);
    expect(s16).toEqual([{ count: 16, tp: 8, pp: 2 }]);
  });
  it("modes as users say them", () => {
    expect([1, 2, 8, 16].map(modeOf)).toEqual(["standalone", "single-node", "single-node", "distributed"]);
  });
});

describe("pricing", () => {
  const h100 = findGpu("h100");
  it("on-prem purchase written off over the months: $25,000 over 36 months = 25000 / (36 × 730.5) $/h", () => {
    const p = gpuPrice(h100, {
      gpuPurchaseUsd: { [h100.id]: 25000 },
      amortizationMonths: 36,
      pricing: "onprem",
    });
    expect(p!.usd).toBeCloseTo(25000 / (36 * 730.5), 10);
    expect(p!.purchase).toBe(25000);
  });
  it("a given price wins over the catalog; on-prem without one has no price", () => {
    expect(
      gpuPrice(h100, { gpuPurchaseUsd: {}, amortizationMonths: 36, pricing: "cloud" }, { [h100.id]: 1.5 })!
        .usd,
    ).toBe(1.5);
    expect(gpuPrice(h100, { gpuPurchaseUsd: {}, amortizationMonths: 36, pricing: "onprem" })).toBeNull();
  });
  it("cost: 2 GPUs at $2/h making 1000 output tokens/s = $4/h, $2922/month, $1.11 per million tokens", () => {
    // 4 $/h ÷ (1000 tok/s × 3600 s) × 1e6 = 1.111 $/M; 4 × 730.5 = 2922 $/month
    const c = costOf({ usd: 2, basis: "x", purchase: null }, 2, 1000, "cloud");
    expect(c).toMatchObject({
      perHourUsd: 4,
      perMonthUsd: Math.round(4 * HOURS_PER_MONTH),
      perMillionOutputTokensUsd: 1.11,
    });
    expect(costOf(null, 2, 1000, "onprem").basis).toMatch(/--gpu-price/);
  });
});

describe("targets", () => {
  const perf = (over: Partial<Deployment["performance"]>): Deployment["performance"] => ({
    ttftMs: 100,
    tpotMs: 20,
    e2eLatencyMs: 5000,
    outputTokensPerSec: 1,
    outputTokensPerSecPerUser: 50,
    requestsPerSec: 1,
    batch: 1,
    queued: 0,
    percentiles: null,
    errorBand: 0.35,
    bottleneck: "memory-bandwidth",
    saturated: false,
    capacity: 10,
    ...over,
  });
  const s = {
    targets: { ttftMs: 200, tpotMs: 25, e2eMs: null },
    requestRate: null,
    concurrency: 1,
    budgetPerHourUsd: null,
  };
  it("a met target scores its ratio; the score is the worst ratio", () => {
    // TTFT 100/200 = 0.5, TPOT 20/25 = 0.8
    expect(targetMisses(s, perf({}), null)).toMatchObject({ misses: [], score: 0.8 });
  });
  it("a missed target is one sentence", () => {
    const r = targetMisses(s, perf({ tpotMs: 30 }), null);
    expect(r.misses).toEqual(["TPOT 30 ms > 25 ms"]);
    expect(r.score).toBeCloseTo(1.2, 10);
  });
  it("the budget is a target too", () => {
    const r = targetMisses({ ...s, budgetPerHourUsd: 2 }, perf({}), 3);
    expect(r.misses).toEqual(["cost $3.00/h > budget $2/h"]);
  });
  it("a deployment without a price cannot be shown to meet a budget: it misses it", () => {
    // Was: no miss, so an unpriced GPU was recommended under --budget-per-hour.
    const r = targetMisses({ ...s, budgetPerHourUsd: 2 }, perf({}), null);
    expect(r.misses).toEqual(["no price: cannot be shown to meet the budget of $2/h"]);
    // Its distance to the latency targets is unchanged (TPOT 20/25).
    expect(r.score).toBe(0.8);
    // Without a budget, no price is no miss.
    expect(targetMisses(s, perf({}), null).misses).toEqual([]);
  });
});

describe("ranking", () => {
  const targets = { ttftMs: 1000, tpotMs: null, e2eMs: null };
  const cand = (gpu: string, hourly: number, e2e: number, meets: boolean): Candidate => {
    const performance = {
      e2eLatencyMs: e2e,
      ttftMs: e2e,
      tpotMs: 1,
      percentiles: null,
      errorBand: 0.35,
    } as Deployment["performance"];
    return {
      hourly,
      score: meets ? 0.5 : 2,
      d: {
        gpu,
        gpuName: gpu,
        meetsTargets: meets,
        performance,
        gpuCount: 1,
        precision: "bf16",
        targets: targetChecks({ targets }, performance),
      } as unknown as Deployment,
    };
  };
  it("the cheapest success wins; the runners-up are faster than everything cheaper (Pareto)", () => {
    const r = rankCandidates(
      [
        cand("a", 4, 500, true),
        cand("b", 1, 900, true),
        cand("c", 2, 950, true),
        cand("d", 3, 600, true),
        cand("e", 0.5, 10, false),
      ],
      { targets: { ttftMs: 1000, tpotMs: null, e2eMs: null }, maxGpus: 8 },
      "m",
    );
    expect(r.feasible).toBe(true);
    expect(r.recommendation.d.gpu).toBe("b");
    // c is slower than b and dearer: not Pareto, but the cheapest of its GPU type fills in after
    expect(r.alternatives.map((c) => c.d.gpu)).toEqual(["d", "a", "c"]);
  });
  it("nothing meets the targets: the closest, and a note per unreachable target", () => {
    const r = rankCandidates(
      [cand("x", 1, 3000, false)],
      { targets: { ttftMs: 1000, tpotMs: null, e2eMs: null }, maxGpus: 8 },
      "m",
    );
    expect(r.feasible).toBe(false);
    expect(r.notes[0]).toMatch(/TTFT ≤ 1000 ms is not reachable for m within 8 GPUs; the best is 3000 ms/);
  });
});

describe("devices and precisions", () => {
  it("a CPU host only for engines that serve GGUF", () => {
    const s = spec({ model: "llama-3.1-8b", gpus: ["epyc-9554"] });
    expect(() => allowedDevices(s, engineModule("vllm"), devices)).toThrow(/CPU host/);
    expect(allowedDevices(s, engineModule("llamacpp"), devices).map((d) => d.id)).toEqual(["epyc-9554"]);
  });
  it("GGUF precisions go to GGUF engines; the others are skipped with a note", () => {
    const a = arch("llama-3.1-8b");
    const m = {
      sizing: prepareModel(a),
      checkpoint: baseCheckpoint("model", "meta-llama/Llama-3.1-8B-Instruct", a, null),
    };
    const r = servablePrecisions(
      m,
      { precisions: ["bf16", "q4_k_m"], engine: "vllm" },
      engineModule("vllm"),
      "llama-3.1-8b",
    );
    expect(r.served.map((s) => s.served.precision.id)).toEqual(["bf16"]);
    expect(r.notes[0]).toMatch(/q4_k_m is a GGUF type/);
    expect(() =>
      servablePrecisions(m, { precisions: ["q4_k_m"], engine: "vllm" }, engineModule("vllm"), "llama-3.1-8b"),
    ).toThrow(/q4_k_m is a GGUF type/);
  });
});

describe("spec normalisation", () => {
  it("fills every default; the engine's module gives the port and memory share", () => {
    const s = spec({ model: "8b" });
    expect(s).toMatchObject({
      engine: "vllm",
      precisions: ["auto"],
      inputTokens: 1024,
      outputTokens: 256,
      concurrency: 16,
      port: 8000,
      gpuMemoryUtilization: engineModule("vllm").defaultShare(engineModule("vllm").image.version),
      maxModelLen: 8192,
    });
  });
  it("GGUF precisions pick llama.cpp when no engine is named; a GGUF file keeps its own precision", () => {
    expect(spec({ model: "8b", precision: ["q4_k_m"] })).toMatchObject({ engine: "llamacpp", port: 8080 });
    expect(normalizeSpec({ model: "f.gguf" }, { id: "f", context: 4096, ggufFile: true })).toMatchObject({
      engine: "llamacpp",
      precisions: ["auto"],
      maxModelLen: 4096,
    });
    expect(spec({ model: "8b", engine: "ollama" })).toMatchObject({ precisions: ["q4_k_m"], port: 11434 });
  });
  it("a request rate replaces the default concurrency", () => {
    expect(spec({ model: "8b", requestRate: 2 })).toMatchObject({ concurrency: null, requestRate: 2 });
  });
});

describe("planDeployment end to end, in-process", () => {
  it("a 7B on L40S with every engine that serves safetensors: one GPU, TP 1", () => {
    for (const engine of ["vllm", "sglang", "trtllm", "tgi"] as const) {
      const a = arch("qwen2.5-7b");
      // At the median prediction: under band confidence an engine with a wide TPOT band (SGLang's
      // ±95 %) takes a second GPU for the default 50 ms target, which is not what this test is about.
      const p = planDeployment({
        spec: spec(
          { model: "qwen2.5-7b", engine, gpus: ["l40s"], concurrency: 4, targetConfidence: "median" },
          a.maxPositionEmbeddings,
        ),
        model: {
          id: "qwen2.5-7b",
          name: "Qwen2.5 7B",
          hfId: "Qwen/Qwen2.5-7B-Instruct",
          arch: a,
          ref: "Qwen/Qwen2.5-7B-Instruct",
        },
        catalog: devices,
        generatedBy: "test",
      });
      expect(p.recommendation).toMatchObject({ gpu: "l40s", gpuCount: 1, tensorParallel: 1 });
      expect(p.recommendation.engine.name).toBe(engine);
      expect(p.notes.at(-1)).toContain(engineModule(engine).memoryModel);
    }
  });
});
