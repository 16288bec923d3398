import { describe, expect, it } from "vitest";
import { findGpu, models } from "../../src/catalog/index.js";
import { engineModule } from "../../src/engines/index.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { countParams, inventory } from "../../src/sizing/inventory.js";
import { type PerfConstants, perfConstantsFor } from "../../src/sizing/perf-constants.js";
import { passTime, type PerfInput, predictPerformance, preparePass } from "../../src/sizing/perf.js";
import { weightsPerStage } from "../../src/sizing/placement.js";
import {
  cappedExponentialScale,
  drawLength,
  percentile,
  replayRun,
  weightedSummary,
} from "../../src/sizing/replay.js";
import { seededRandom } from "../../src/random.js";
import { bindPrecision, lookupPrecision } from "../../src/sizing/weights.js";

// Llama 3.1 8B bf16 on one H100, with round constants (see perf.test.ts).
const entry = models.find((m) => m.id === "llama-3.1-8b")!;
const arch = parseHfConfig(entry.config, entry.id);
const tensors = inventory(arch);
const precision = bindPrecision(lookupPrecision("bf16"), arch);
const inp = (workload: PerfInput["workload"], over: Partial<PerfInput> = {}): PerfInput => ({
  arch,
  params: countParams(arch, tensors),
  precision,
  kvCacheDtype: "auto",
  gpu: findGpu("h100"),
  tp: 1,
  pp: 1,
  nodes: 1,
  stages: weightsPerStage(arch, tensors, precision, 1, 1),
  replicas: 1,
  kvCacheTokens: 400_000,
  maxNumSeqs: 256,
  maxNumBatchedTokens: 8192,
  workload,
  ...over,
});
const vllm = perfConstantsFor(engineModule("vllm"));
const K: PerfConstants = {
  ...vllm,
  engine: {
    ...vllm.engine,
    bandwidth: 0.7,
    compute: 0.6,
    stepOverheadMs: 1,
    layerOverheadUs: 10,
    requestOverheadMs: 30,
    requestLayerOverheadUs: 0,
    seqOverheadUs: 0,
  },
};

describe("replay of a finite run, pass by pass", () => {
  it("one user, two requests of 100 in / 3 out, worked pass by pass", () => {
    // Request 1 arrives at 0: a prompt pass of 100 tokens emits token 1 (t_p); two decode passes at
    // contexts 101 and 102 emit tokens 2 and 3 (t_d1, t_d2). A token is seen one pass later (the
    // last one: one pass of the same length later), plus the 30 ms API overhead:
    //   TTFT = t_p + t_d1 + 30;  e2e = t_p + t_d1 + t_d2 + t_d2 + 30;  TPOT = (e2e − TTFT) / 2 = t_d2.
    // Request 2 is sent when the answer ends (e2e) and repeats it; the run lasts 2 × e2e.
    const w = { inputTokens: 100, outputTokens: 3, concurrency: 1, requestRate: null };
    const x = inp(w);
    const pr = preparePass(x, K);
    const tp = passTime(x, pr, 100, 0, 0, 50).ms;
    const td1 = passTime(x, pr, 1, 1, 101).ms;
    const td2 = passTime(x, pr, 1, 1, 102).ms;
    const r = replayRun(x, K, 2);
    const ttft = tp + td1 + 30;
    const e2e = tp + td1 + 2 * td2 + 30;
    expect(r.passes).toBe(6);
    expect(r.ttftMs.mean).toBeCloseTo(ttft, 2);
    expect(r.ttftMs.p99).toBeCloseTo(ttft, 2);
    expect(r.e2eLatencyMs.mean).toBeCloseTo(e2e, 2);
    expect(r.tpotMs.mean).toBeCloseTo(td2, 2);
    expect(r.durationS).toBeCloseTo((2 * e2e) / 1000, 3);
    // 6 output tokens over the run
    expect(r.outputTokensPerSec).toBeCloseTo(6 / ((2 * e2e) / 1000), 1);
    expect(r.loop).toBe("closed");
  });

  it("ITL: every gap between tokens a client sees, over all requests; a prompt pass is one long gap", () => {
    // vLLM bench serve (vllm/benchmarks/serve.py): "itls += outputs[i].itl", "median_itl_ms =
    // np.median(itls)", while "tpot = latency_minus_ttft / (output_len - 1)" is one figure per request.
    // 2 users, 3 requests of 2000 in / 4 out, step budget 2000, no API overhead. Pass by pass (a token
    // is seen when the next pass ends; tN is the request's N-th token; ctx: the decodes' context):
    //   p1: A's prompt (2000)                       emits A t1
    //   p2: A decodes (ctx 2001) + B's prompt 1999  sees A t1; emits A t2
    //   p3: A (ctx 2002) + B's last prompt token    sees A t2 (gap p3); emits A t3, B t1
    //   p4: A (2003), B (2001): 2 decodes, ctx 2002 sees A t3 (gap p4), B t1; emits A t4 (A done), B t2
    //   p5: B (2002)                                sees A t4 (gap p5), B t2 (gap p5); emits B t3
    //       A's answer ended at p5's end: C is sent then and its prompt joins p6
    //   p6: B (2003) + C's prompt 1999              sees B t3 (gap p6, a prompt pass); emits B t4
    //   p7: C's last prompt token                   sees B t4 (gap p7); emits C t1
    //   p8: C (2001); p9: C (2002); p10: C (2003)   sees C t1; C t2 (gap p9); C t3 (gap p10)
    //   then idle: C t4 is seen one pass of p10's length later (gap p10).
    // Gaps: p3 p4 p5 | p5 p6 p7 | p9 p10 p10 (9). Their mean is TPOT's mean (fixed lengths); their
    // median (5th of 9) is a decode pass, their maximum the prompt pass p6 (1999 prompt tokens of an 8B
    // model: ~6 times a decode pass).
    const w = { inputTokens: 2000, outputTokens: 4, concurrency: 2, requestRate: null };
    const x = inp(w, { maxNumBatchedTokens: 2000 });
    const K0: PerfConstants = { ...K, engine: { ...K.engine, requestOverheadMs: 0 } };
    const pr = preparePass(x, K0);
    const p3 = passTime(x, pr, 2, 1, 2002, 1999.5).ms;
    const p4 = passTime(x, pr, 2, 2, 2002).ms;
    const p5 = passTime(x, pr, 1, 1, 2002).ms;
    const p6 = passTime(x, pr, 2000, 1, 2003, 999.5).ms;
    const p7 = passTime(x, pr, 1, 0, 0, 1999.5).ms;
    const p9 = passTime(x, pr, 1, 1, 2002).ms;
    const p10 = passTime(x, pr, 1, 1, 2003).ms;
    const gaps = [p3, p4, p5, p5, p6, p7, p9, p10, p10].sort((a, b) => a - b);
    const r = replayRun(x, K0, 3);
    expect(r.passes).toBe(10);
    expect(r.itlMs!.mean).toBeCloseTo(gaps.reduce((a, b) => a + b, 0) / 9, 1);
    expect(r.itlMs!.p50).toBeCloseTo(gaps[4]!, 1);
    expect(r.itlMs!.p99).toBeCloseTo(p6, 1);
    expect(r.itlMs!.mean).toBeCloseTo(r.tpotMs.mean, 1);
    // the common gap is a decode pass, well below the prompt pass that raises the mean
    expect(p6).toBeGreaterThan(4 * p5);
    expect(r.itlMs!.p50).toBeLessThan(0.7 * r.itlMs!.mean);
  });

  it("weighted summary: values with counts, nearest rank", () => {
    // 10 three times and 50 once: mean (30 + 50) / 4 = 20; p50 is the 2nd of 4 (10), p90 the 4th (50)
    expect(
      weightedSummary([
        [50, 1],
        [10, 3],
      ]),
    ).toEqual({ mean: 20, p50: 10, p90: 50, p95: 50, p99: 50 });
    expect(weightedSummary([])).toEqual({ mean: 0, p50: 0, p90: 0, p95: 0, p99: 0 });
  });

  it("a closed loop at one user agrees with the steady state (no queue, no interference)", () => {
    const w = { inputTokens: 1024, outputTokens: 256, concurrency: 1, requestRate: null };
    const steady = predictPerformance(inp(w), K);
    const r = replayRun(inp(w), K, 5);
    expect(Math.abs(r.ttftMs.mean / steady.ttftMs - 1)).toBeLessThan(0.02);
    expect(Math.abs(r.tpotMs.mean / steady.tpotMs - 1)).toBeLessThan(0.02);
  });

  it("a burst above capacity: the last requests queue, so the percentiles spread (not a steady state)", () => {
    // 40 users at once, but the KV cache holds 20 requests of 1024 + 256 tokens (25,600 tokens)
    const w = { inputTokens: 1024, outputTokens: 256, concurrency: 40, requestRate: null };
    const r = replayRun(inp(w, { kvCacheTokens: 25_600 }), K, 40);
    // the second half waits a whole answer (~256 passes) for a slot
    expect(r.ttftMs.p90).toBeGreaterThan(5 * r.ttftMs.p50);
    expect(r.ttftMs.p99).toBeGreaterThanOrEqual(r.ttftMs.p90);
  });

  it("an open loop is reproducible from its seed and spreads with load", () => {
    const w = { inputTokens: 512, outputTokens: 64, concurrency: null, requestRate: 8 };
    const a = replayRun(inp(w), K, 200, { seed: 7 });
    const b = replayRun(inp(w), K, 200, { seed: 7 });
    expect(a).toEqual(b);
    expect(a.loop).toBe("open");
    expect(a.seed).toBe(7);
    expect(a.ttftMs.p99).toBeGreaterThan(a.ttftMs.p50);
    // throughput ≈ the arrival rate × output tokens when the deployment keeps up
    expect(a.outputTokensPerSec / (8 * 64)).toBeGreaterThan(0.8);
    expect(a.outputTokensPerSec / (8 * 64)).toBeLessThan(1.2);
  });

  it("replicas split the requests; beyond the pass guard it refuses with one line", () => {
    const w = { inputTokens: 128, outputTokens: 16, concurrency: 4, requestRate: null };
    const one = replayRun(inp(w), K, 8);
    // 8 users and 16 requests over 2 replicas: each replica runs the 4 users and 8 requests of `one`
    const two = replayRun(inp({ ...w, concurrency: 8 }, { replicas: 2 }), K, 16);
    expect(two.outputTokensPerSec).toBeCloseTo(2 * one.outputTokensPerSec, 0);
    expect(() => replayRun(inp(w), K, 1_000_000)).toThrow(/replays 1 to 100000 requests per replica/);
  });

  it("length distributions: fixed, ±spread uniform, exponential with the same mean; nearest-rank percentiles", () => {
    const rnd = seededRandom(1);
    expect(drawLength("fixed", 100, rnd)).toBe(100);
    const u = Array.from({ length: 4000 }, () => drawLength({ uniform: 0.5 }, 100, rnd));
    expect(Math.min(...u)).toBeGreaterThanOrEqual(50);
    expect(Math.max(...u)).toBeLessThanOrEqual(150);
    const e = Array.from({ length: 4000 }, () => drawLength("exponential", 100, rnd));
    const mean = e.reduce((s, v) => s + v, 0) / e.length;
    expect(mean).toBeGreaterThan(90);
    expect(mean).toBeLessThan(110);
    // answers that stop at EOS but never past max_tokens 200, with mean 134 (gpustack's gpt-oss-120b
    // random 4K run: 67205 tokens over 500 requests): s·(1 − e^(−200/s)) = 134 at s ≈ 231
    // (231 × (1 − e^(−0.8658)) = 231 × 0.5793 = 133.8)
    expect(cappedExponentialScale(134, 200)).toBeGreaterThan(229);
    expect(cappedExponentialScale(134, 200)).toBeLessThan(233);
    expect(cappedExponentialScale(200, 200)).toBe(Infinity);
    const c = Array.from({ length: 4000 }, () => drawLength({ exponentialUpTo: 200 }, 134, rnd));
    expect(Math.max(...c)).toBe(200);
    const cm = c.reduce((s, v) => s + v, 0) / c.length;
    expect(cm).toBeGreaterThan(128);
    expect(cm).toBeLessThan(140);
    // every answer ran to its cap (DeepSeek-R1: 100000 tokens over 500 requests of at most 200)
    expect(drawLength({ exponentialUpTo: 200 }, 200, rnd)).toBe(200);
    // nearest rank: p50 of 1..10 is the 5th value, p90 the 9th, p99 the 10th
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect([percentile(ten, 0.5), percentile(ten, 0.9), percentile(ten, 0.99)]).toEqual([5, 9, 10]);
  });
});

describe("plan --num-requests: the recommendation's run, sized again as planned", () => {
  it("replays the planned placement: one user, one request is the steady state's first request", async () => {
    const { planDeployment } = await import("../../src/planner/index.js");
    const { normalizeSpec } = await import("../../src/contract/spec.js");
    const { devices } = await import("../../src/catalog/index.js");
    const { replayDeployment } = await import("../../src/sizing/replay-deployment.js");
    const spec = normalizeSpec(
      { model: "llama-3.1-8b", gpus: ["h100-sxm"], concurrency: 1, inputTokens: 512, outputTokens: 64 },
      { id: "llama-3.1-8b", context: arch.maxPositionEmbeddings, ggufFile: false },
    );
    const plan = planDeployment({
      spec,
      model: { id: "llama-3.1-8b", name: entry.name, hfId: entry.hfId, arch, ref: entry.hfId },
      catalog: devices,
      generatedBy: "test",
    });
    const d = plan.recommendation;
    const r = replayDeployment({
      model: { id: "llama-3.1-8b", arch },
      spec,
      deployment: d,
      catalog: devices,
      numRequests: 3,
    });
    expect(r).toMatchObject({ numRequests: 3, loop: "closed", concurrency: 1 });
    // the same placement, constants and pass times as the plan's own prediction
    expect(Math.abs(r.ttftMs.mean / d.performance.ttftMs - 1)).toBeLessThan(0.02);
    expect(Math.abs(r.tpotMs.mean / d.performance.tpotMs - 1)).toBeLessThan(0.02);
    expect(() =>
      replayDeployment({
        model: { id: "llama-3.1-8b", arch },
        spec: { ...spec, precisions: ["int4"] },
        deployment: d,
        catalog: devices,
        numRequests: 3,
      }),
    ).toThrow(/precision bf16 is not among the spec's/);
  });
});
