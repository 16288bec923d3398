import { describe, expect, it } from "vitest";
import {
  compareWithPlan,
  loadMismatch,
  planPrediction,
  type PlanPrediction,
  planRunShape,
} from "../../src/bench/compare.js";
import type { BenchResult } from "../../src/bench/run.js";
import { loadFixture, variant } from "../tools/render.js";

const summary = (mean: number, p50 = mean, p90 = mean, p95 = mean, p99 = mean) => ({
  mean,
  p50,
  p90,
  p95,
  p99,
  min: p50,
  max: p99,
  n: 100,
});
const measured = {
  ttftMs: summary(300, 250, 500, 600, 800),
  tpotMs: summary(20),
  itlMs: summary(20),
  e2eLatencyMs: summary(5400, 5300, 5600, 5700, 5900),
  outputTokensPerSec: 3000,
  requestsPerSec: 11.7,
  requests: 200,
  errors: {},
  errorDetails: {},
  errorRate: 0,
  aborted: 0,
  outputTokens: 51200,
  durationS: 17,
  partial: false,
  load: { concurrency: 64, requestRate: null },
  tokenCounts: "usage",
  servedModels: [],
  clientCpuSeconds: 0,
  clientCpuShare: 0,
} as unknown as BenchResult;

/**
 * A whole plan (the standalone fixture: bench reads only plans that pass the plan schema) at 64 users,
 * with these predictions; a main figure the test leaves out is 0 (not predicted).
 */
const plan = (performance: Record<string, unknown>) =>
  variant(loadFixture("standalone"), (p) => {
    Object.assign(p.spec, { concurrency: 64, requestRate: null, inputTokens: 1024, outputTokens: 256 });
    Object.assign(p.recommendation.performance, {
      ttftMs: 0,
      tpotMs: 0,
      e2eLatencyMs: 0,
      outputTokensPerSec: 0,
      ...performance,
    });
  });

const replay = {
  numRequests: 200,
  loop: "closed",
  concurrency: 64,
  requestRate: null,
  seed: null,
  passes: 9000,
  durationS: 16,
  requestsPerSec: 12.5,
  outputTokensPerSec: 3200,
  ttftMs: { mean: 280, p50: 240, p90: 520, p95: 600, p99: 900 },
  tpotMs: { mean: 19, p50: 19, p90: 20, p95: 20, p99: 21 },
  e2eLatencyMs: { mean: 5200, p50: 5100, p90: 5500, p95: 5600, p99: 6000 },
};

describe("bench --plan against the plan's own workload", () => {
  it("a plan with a replayed run is compared with that run: its means and percentiles, its load", () => {
    const p = planPrediction(
      plan({ ttftMs: 90, tpotMs: 15, e2eLatencyMs: 4000, outputTokensPerSec: 4000, errorBand: 0.3, replay }),
    ) as { prediction: PlanPrediction };
    expect(p.prediction.basis).toBe("replay");
    expect(p.prediction.figures).toMatchObject({
      ttftMs: 280,
      "ttftMs.p50": 240,
      "ttftMs.p90": 520,
      "ttftMs.p99": 900,
      tpotMs: 19,
      outputTokensPerSec: 3200,
    });
    expect(p.prediction.assumed).toMatchObject({ concurrency: 64, requestRate: null, numRequests: 200 });
    // the bench flags that reproduce it
    expect(planRunShape(p.prediction)).toEqual({
      concurrency: 64,
      requestRate: null,
      requests: 200,
      inputTokens: 1024,
      outputTokens: 256,
    });
    const cmp = compareWithPlan(measured, p.prediction, {
      concurrency: 64,
      requestRate: null,
      inputTokens: 1024,
      outputTokens: 256,
    });
    expect(cmp.comparable).toBe(true);
    expect(cmp.warning).toBeNull();
    const v = Object.fromEntries(cmp.verdicts.map((x) => [x.figure, x]));
    // 300 / 280 − 1 = +7.1 %; p99 800 / 900 − 1 = −11.1 %
    expect(v.ttftMs).toMatchObject({ difference: 0.071, withinBand: true });
    expect(v["ttftMs.p99"]).toMatchObject({ difference: -0.111, withinBand: true, better: true });
    expect(cmp.miss).toBe(false);
  });

  it("a 1-concurrent bench against a 64-concurrent prediction is flagged, and no figure counts as a miss", () => {
    const p = planPrediction(plan({ ttftMs: 90, tpotMs: 5, errorBand: 0.2 })) as {
      prediction: PlanPrediction;
    };
    const run = { concurrency: 1, requestRate: null, inputTokens: 1024, outputTokens: 256 };
    const cmp = compareWithPlan(measured, p.prediction, run);
    expect(cmp.comparable).toBe(false);
    expect(cmp.warning).toBe(
      "the plan predicts 64 concurrent and this run was 1 concurrent: its figures do not describe this run, so none counts as a miss " +
        "(run bench --plan without --concurrency / --request-rate to use the plan's load)",
    );
    expect(cmp.verdicts.some((x) => !x.withinBand)).toBe(true);
    expect(cmp.miss).toBe(false);
  });

  it("load mismatches: open against closed, and more than a quarter apart", () => {
    const a = {
      concurrency: 64,
      requestRate: null,
      inputTokens: null,
      outputTokens: null,
      numRequests: null,
    };
    const run = (concurrency: number | null, requestRate: number | null) => ({
      concurrency,
      requestRate,
      inputTokens: null,
      outputTokens: null,
    });
    expect(loadMismatch(a, run(64, null))).toBeNull();
    // 56 / 64 − 1 = −12.5 %: the same load; 40 / 64 − 1 = −37.5 %: not
    expect(loadMismatch(a, run(56, null))).toBeNull();
    expect(loadMismatch(a, run(40, null))).toMatch(/64 concurrent and this run was 40 concurrent/);
    expect(loadMismatch(a, run(null, 5))).toMatch(/this run was 5 req\/s/);
    const open = { ...a, concurrency: null, requestRate: 4 };
    expect(loadMismatch(open, run(null, 4.5))).toBeNull();
    expect(loadMismatch(open, run(4, null))).toMatch(/4 req\/s and this run was 4 concurrent/);
  });

  it("a plan without a replay reads its p90 / p99 percentiles when it has them", () => {
    const p = planPrediction(
      plan({
        ttftMs: 90,
        percentiles: {
          ttftP50Ms: 80,
          ttftP95Ms: 200,
          e2eP50Ms: 1,
          e2eP95Ms: 2,
          ttftP90Ms: 150,
          ttftP99Ms: 400,
        },
      }),
    ) as { prediction: PlanPrediction };
    expect(p.prediction.basis).toBe("steady-state");
    expect(p.prediction.figures).toMatchObject({ "ttftMs.p90": 150, "ttftMs.p99": 400, "ttftMs.p95": 200 });
  });
});

describe("bench --plan judges each figure by its own band", () => {
  // The vLLM bands of ERROR_BANDS (src/sizing/perf-constants.ts): overall ±75 %, TTFT ±75 %, TPOT ±45 %,
  // throughput ±40 %, as plan writes them under recommendation.performance.
  const bands = { errorBand: 0.75, errorBandTtft: 0.75, errorBandTpot: 0.45, errorBandThroughput: 0.4 };
  const run = { concurrency: 64, requestRate: null, inputTokens: 1024, outputTokens: 256 };

  it("TPOT +60 % is a miss by its ±45 % though within the overall ±75 %; throughput −50 % by its ±40 %", () => {
    // measured: TPOT mean 20, TTFT mean 300, e2e mean 5400, 3000 tokens/s
    const p = planPrediction(
      plan({ ...bands, ttftMs: 200, tpotMs: 12.5, e2eLatencyMs: 3500, outputTokensPerSec: 6000 }),
    ) as { prediction: PlanPrediction };
    expect(p.prediction.bands).toEqual({
      ttftMs: 0.75,
      tpotMs: 0.45,
      e2eLatencyMs: 0.75,
      outputTokensPerSec: 0.4,
    });
    const cmp = compareWithPlan(measured, p.prediction, run);
    const v = Object.fromEntries(cmp.verdicts.map((x) => [x.figure, x]));
    // 300 / 200 − 1 = +50 % ≤ 75 %
    expect(v.ttftMs).toMatchObject({ difference: 0.5, band: 0.75, withinBand: true });
    // 20 / 12.5 − 1 = +60 % > 45 %
    expect(v.tpotMs).toMatchObject({ difference: 0.6, band: 0.45, withinBand: false });
    // 5400 / 3500 − 1 = +54.3 % ≤ 75 % (e2e: the overall band)
    expect(v.e2eLatencyMs).toMatchObject({ difference: 0.543, band: 0.75, withinBand: true });
    // 3000 / 6000 − 1 = −50 % > 40 %
    expect(v.outputTokensPerSec).toMatchObject({ difference: -0.5, band: 0.4, withinBand: false });
    expect(cmp.miss).toBe(true);
    expect(cmp.band).toBe(0.75);
  });

  it("percentiles are judged by their figure's band", () => {
    const p = planPrediction(plan({ ...bands, ttftMs: 300, replay })) as { prediction: PlanPrediction };
    expect(p.prediction.bands["ttftMs.p99"]).toBe(0.75);
    expect(p.prediction.bands["tpotMs.p50"]).toBe(0.45);
    expect(p.prediction.bands["e2eLatencyMs.p95"]).toBe(0.75);
  });
});

describe("bench --plan: another output length, another model", () => {
  const run = { concurrency: 64, requestRate: null, inputTokens: 1024, outputTokens: 256 };
  // measured answers: 51200 tokens over 200 requests = 256 each, as the plan assumes
  const p = (
    planPrediction(plan({ ttftMs: 300, tpotMs: 20, e2eLatencyMs: 2000, outputTokensPerSec: 1000 })) as {
      prediction: PlanPrediction;
    }
  ).prediction;

  it("max_tokens other than the plan's: a warning; e2e and throughput compared, flagged, not a miss", () => {
    const cmp = compareWithPlan(measured, p, { ...run, outputTokens: 1024 });
    expect(cmp.warnings).toEqual([
      "the plan assumed 256 output tokens per request, this run asked for 1024: end-to-end latency and throughput are compared but not counted as misses (--output-tokens 256)",
    ]);
    const v = Object.fromEntries(cmp.verdicts.map((x) => [x.figure, x]));
    // 5400 / 2000 − 1 = +170 %; 3000 / 1000 − 1 = +200 %: outside their bands, flagged
    expect(v.e2eLatencyMs).toMatchObject({ withinBand: false, flagged: true });
    expect(v.outputTokensPerSec).toMatchObject({ withinBand: false, flagged: true });
    expect(v.ttftMs).toMatchObject({ withinBand: true, flagged: false });
    expect(cmp.comparable).toBe(true);
    expect(cmp.miss).toBe(false);
    // TPOT is per token: still judged (20 / 10 − 1 = +100 % > 35 %)
    const q = (
      planPrediction(plan({ ttftMs: 300, tpotMs: 10, e2eLatencyMs: 2000 })) as {
        prediction: PlanPrediction;
      }
    ).prediction;
    expect(compareWithPlan(measured, q, { ...run, outputTokens: 1024 }).miss).toBe(true);
  });

  it("answers shorter than asked (the server stops at end-of-sequence): the same warning, from the lengths", () => {
    const short = { ...measured, outputTokens: 200 * 100 } as BenchResult;
    const cmp = compareWithPlan(short, p, run);
    expect(cmp.warnings).toEqual([
      "the plan assumed 256 output tokens per request, the answers averaged 100: end-to-end latency and throughput are compared but not counted as misses (does the server honour max_tokens and ignore_eos?)",
    ]);
    expect(cmp.miss).toBe(false);
    // within 10 %: the plan's length (240 / 256 − 1 = −6 %)
    expect(compareWithPlan({ ...measured, outputTokens: 200 * 240 } as BenchResult, p, run).warnings).toEqual(
      [],
    );
  });

  it("a served model that is not the plan's is named with the plan's; the plan's names pass", () => {
    const other = compareWithPlan({ ...measured, servedModels: ["fake-model"] } as BenchResult, p, {
      ...run,
      model: "Qwen/Qwen2.5-7B-Instruct",
    });
    expect(other.warnings).toEqual([
      `the server serves "fake-model" but the plan's model is Qwen/Qwen2.5-7B-Instruct: are these figures of the planned deployment? (bench --model NAME picks the served model)`,
    ]);
    // the name the requests asked for, when the answers name none
    expect(compareWithPlan(measured, p, { ...run, model: "llama\u001b[31m" }).warnings[0]).toMatch(
      /^the server serves "llama\\u001b\[31m" but/,
    );
    // the served name, the checkpoint, the model's catalog id (any case): the plan's model
    for (const name of ["Qwen/Qwen2.5-7B-Instruct", "qwen/qwen2.5-7b-instruct", "qwen2.5-7b"])
      expect(
        compareWithPlan({ ...measured, servedModels: [name] } as BenchResult, p, { ...run, model: name })
          .warnings,
      ).toEqual([]);
  });
});
