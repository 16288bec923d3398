import { describe, expect, it } from "vitest";
import type { RequestResult } from "../../src/bench/client.js";
import { compareWithPlan, planPrediction, type PlanPrediction } from "../../src/bench/compare.js";
import { type BenchResult, report } from "../../src/bench/run.js";
import { allFailed } from "../../src/cli/bench.js";
import { loadFixture, variant } from "../tools/render.js";

const ok = (ttftMs: number, e2eMs: number, outputTokens: number, itlMs: number[] = []): RequestResult => ({
  ok: true,
  ttftMs,
  itlMs,
  itlSeen: itlMs.length,
  e2eMs,
  outputTokens,
  usageReported: true,
});
const fail = (error: RequestResult["error"], detail?: string): RequestResult => ({
  ok: false,
  error,
  ...(detail ? { detail } : {}),
  ttftMs: NaN,
  itlMs: [],
  itlSeen: 0,
  e2eMs: 5,
  outputTokens: 0,
  usageReported: false,
});

describe("the report of a run, worked by hand", () => {
  const results = [
    // TPOT (1000 − 200) / (9 − 1) = 100 ms; gaps 100 × 8
    ok(200, 1000, 9, Array(8).fill(100)),
    // TPOT (700 − 100) / (4 − 1) = 200 ms
    ok(100, 700, 4, [150, 250, 200]),
    // one token: no TPOT, no gap
    ok(300, 300, 1),
    fail("http_500", "boom"),
    fail("http_500", "second message, not kept"),
    fail("timeout"),
    fail("aborted"),
  ];
  const r = report(results, 2, true, { concurrency: 4, requestRate: null });

  it("latency figures from completed requests only", () => {
    // TTFT [100, 200, 300]: p50 200, mean 200
    expect(r.ttftMs.p50).toBe(200);
    expect(r.ttftMs.mean).toBe(200);
    // TPOT [100, 200]: p50 150, p90 190, mean 150
    expect(r.tpotMs).toMatchObject({ p50: 150, p90: 190, mean: 150 });
    // e2e [300, 700, 1000]: p50 700, p90 at rank 1.8 -> 700 + 0.8 × 300 = 940
    expect(r.e2eLatencyMs).toMatchObject({ p50: 700, p90: 940 });
    // 11 gaps: 8 of 100, then 150, 250, 200 -> p50 100, mean (800 + 600) / 11 = 127.27
    expect(r.itlMs.p50).toBe(100);
    expect(r.itlMs.mean).toBe(127.27);
  });

  it("throughput over the wall time; errors by kind with the first message; aborted apart", () => {
    expect(r.requests).toBe(3);
    expect(r.outputTokens).toBe(14);
    expect(r.outputTokensPerSec).toBe(7);
    expect(r.requestsPerSec).toBe(1.5);
    expect(r.errors).toEqual({ http_500: 2, timeout: 1 });
    expect(r.errorDetails).toEqual({ http_500: "boom" });
    // 3 failed of 6 finished (the aborted one is neither)
    expect(r.errorRate).toBe(0.5);
    expect(r.aborted).toBe(1);
    expect(r.partial).toBe(true);
    expect(r.load).toEqual({ concurrency: 4, requestRate: null });
  });
});

describe("honest reports: incomplete requests, nothing measured, everything failed", () => {
  // Stopped (Ctrl-C or the deadline) after its first token at 400 ms, with two gaps of 50 ms.
  const stopped = (error: "aborted" | "deadline", ttftMs: number, itlMs: number[] = []): RequestResult => ({
    ...fail(error),
    ttftMs,
    itlMs,
    itlSeen: itlMs.length,
  });

  it("Ctrl-C before any request ended: 0 completed, the TTFT of those that had a token, no 0.0", () => {
    const r = report([stopped("aborted", 400, [50, 50]), stopped("aborted", 600), fail("aborted")], 1, true, {
      concurrency: 3,
      requestRate: null,
    });
    expect(r.requests).toBe(0);
    expect(r.aborted).toBe(3);
    expect(r.incomplete).toBe(3);
    expect(r.incompleteWithToken).toBe(2);
    // TTFT [400, 600]: p50 500
    expect(r.ttftMs).toMatchObject({ p50: 500, mean: 500 });
    expect(r.itlMs).toMatchObject({ p50: 50 });
    // no request completed: no TPOT, no e2e (null, printed "-"), not 0
    expect(r.tpotMs).toEqual({ p50: null, p90: null, p95: null, p99: null, mean: null });
    expect(r.e2eLatencyMs.p50).toBeNull();
    expect(r.samples).toEqual({ ttftMs: 2, tpotMs: 0, itlMs: 2, e2eLatencyMs: 0 });
    expect(r.errors).toEqual({});
    expect(r.errorRate).toBe(0);
  });

  it("requests cut at the deadline are counted apart, not as errors", () => {
    const r = report([ok(100, 500, 5), stopped("deadline", 300), fail("deadline")], 1, false, {
      concurrency: 3,
      requestRate: null,
    });
    expect(r).toMatchObject({
      requests: 1,
      cutByDeadline: 2,
      aborted: 0,
      incomplete: 2,
      incompleteWithToken: 1,
    });
    expect(r.errors).toEqual({});
    expect(r.partial).toBe(false);
    // TTFT [100, 300]
    expect(r.ttftMs.p50).toBe(200);
    expect(r.e2eLatencyMs.p50).toBe(500);
  });

  it("every request failed: a sentence for the exit code 4; all 429 says rate limited", () => {
    const base = report([fail("http_429", "slow down"), fail("http_429")], 1, false, {
      concurrency: 1,
      requestRate: null,
    });
    const full = { ...base, clientCpuSeconds: 0, clientCpuShare: 0, droppedArrivals: 0 } as BenchResult;
    expect(allFailed(full)).toBe("every request was rate limited (HTTP 429)");
    const mixed = report([fail("http_429"), fail("empty_response", "no text")], 1, false, {
      concurrency: 1,
      requestRate: null,
    });
    expect(allFailed({ ...full, ...mixed })).toBe(
      "every request failed (http_429 1, empty_response 1); empty_response: no text",
    );
    // one completed request, or nothing finished at all: not "every request failed"
    const one = report([ok(1, 2, 2), fail("http_429")], 1, false, { concurrency: 1, requestRate: null });
    expect(allFailed({ ...full, ...one })).toBeNull();
    const none = report([fail("aborted")], 1, true, { concurrency: 1, requestRate: null });
    expect(allFailed({ ...full, ...none })).toBeNull();
  });
});

describe("against the plan's predictions", () => {
  // A whole plan (bench reads only plans that pass the plan schema): the standalone fixture at 16 users
  // with these predictions; a main figure the test leaves out is 0 (not predicted).
  const plan = (performance: Record<string, unknown>) =>
    variant(loadFixture("standalone"), (p) => {
      Object.assign(p.spec, { concurrency: 16, requestRate: null, inputTokens: 1024, outputTokens: 256 });
      Object.assign(p.recommendation.performance, {
        ttftMs: 0,
        tpotMs: 0,
        e2eLatencyMs: 0,
        outputTokensPerSec: 0,
        ...performance,
      });
    });
  const measured = {
    ...report([ok(100, 1100, 101, [10]), ok(300, 1300, 101, [10])], 1, false, {
      concurrency: 16,
      requestRate: null,
    }),
    clientCpuSeconds: 0,
    clientCpuShare: 0,
  } as BenchResult;

  it("a plan without predictions says why, naming the field; missing figures are listed", () => {
    expect(planPrediction("text")).toEqual({
      problem: 'plan: expected a mapping, got the string "text"',
    });
    const noRec = variant(plan({}), (p) => delete (p as Partial<typeof p>).recommendation);
    expect(planPrediction(noRec)).toMatchObject({ problem: expect.stringMatching(/^recommendation: /) });
    const noPerf = variant(
      plan({}),
      (p) => delete (p.recommendation as Partial<typeof p.recommendation>).performance,
    );
    expect(planPrediction(noPerf)).toMatchObject({
      problem: expect.stringMatching(/^recommendation\.performance: /),
    });
    expect(planPrediction(plan({ bottleneck: "compute" }))).toMatchObject({
      problem: expect.stringMatching(/has none of/),
    });
    const p = planPrediction(plan({ ttftMs: 200, tpotMs: 10 })) as { prediction: PlanPrediction };
    expect(p.prediction.missing).toEqual(["e2eLatencyMs", "outputTokensPerSec"]);
    // the fixture's own band (a plan written before the per-figure bands: every figure by it)
    expect(p.prediction.errorBand).toBe(0.35);
    expect(p.prediction.bands).toEqual({ ttftMs: 0.35, tpotMs: 0.35 });
  });

  it("each figure within ±band or a miss, better or worse; percentiles when the plan has them", () => {
    const p = planPrediction(
      plan({
        // measured: TTFT mean 200, TPOT mean 10, e2e mean 1200, 202 tokens/s
        ttftMs: 180,
        tpotMs: 20,
        e2eLatencyMs: 1200,
        outputTokensPerSec: 202,
        errorBand: 0.2,
        percentiles: { ttftP50Ms: 200, ttftP95Ms: 250, e2eP50Ms: 1200, e2eP95Ms: 1300 },
      }),
    ) as { prediction: PlanPrediction };
    const cmp = compareWithPlan(measured, p.prediction, {
      concurrency: 16,
      requestRate: null,
      inputTokens: 1024,
      outputTokens: 256,
    });
    const v = Object.fromEntries(cmp.verdicts.map((x) => [x.figure, x]));
    // 200 / 180 − 1 = +11.1 %: within ±20 %, worse
    expect(v.ttftMs).toMatchObject({ measured: 200, difference: 0.111, withinBand: true, better: false });
    // 10 / 20 − 1 = −50 %: a miss, better than planned
    expect(v.tpotMs).toMatchObject({ difference: -0.5, withinBand: false, better: true });
    expect(v.outputTokensPerSec).toMatchObject({ difference: 0, withinBand: true });
    // TTFT p95 of [100, 300] = 290; 290 / 250 − 1 = +16 %
    expect(v["ttftMs.p95"]).toMatchObject({ measured: 290, difference: 0.16, withinBand: true });
    expect(cmp.miss).toBe(true);
    expect(cmp.notes).toEqual([]);
  });

  it("says when the run is not like the plan (load, request shape)", () => {
    const p = planPrediction(plan({ ttftMs: 200 })) as { prediction: PlanPrediction };
    const cmp = compareWithPlan(measured, p.prediction, {
      concurrency: 4,
      requestRate: null,
      inputTokens: 256,
      outputTokens: 128,
    });
    expect(cmp.notes).toEqual([
      "the plan assumed 16 concurrent, this run 4 concurrent: compare at the same load (--concurrency 16)",
      "the plan assumed 1024 input tokens, this run 256 (--input-tokens 1024)",
    ]);
    // another output length is a warning (with the load's), not a note
    expect(cmp.warnings[1]).toMatch(
      /^the plan assumed 256 output tokens per request, this run asked for 128: /,
    );
  });
});
