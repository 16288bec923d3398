import { describe, expect, it } from "vitest";
import {
  compareWithPlan,
  loadMismatch,
  planPrediction,
  type PlanPrediction,
  planRunShape,
} from "../../src/bench/compare.js";
import type { BenchResult } from "../../src/bench/run.js";

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
  clientCpuSeconds: 0,
  clientCpuShare: 0,
} as unknown as BenchResult;

const plan = (performance: Record<string, unknown>) => ({
  spec: { concurrency: 64, requestRate: null, inputTokens: 1024, outputTokens: 256 },
  recommendation: { performance },
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
