import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { devices, models } from "../../src/catalog/index.js";
import { constantsWith, defaultFactor } from "../../src/calibrate/apply.js";
import { plannedDeployment } from "../../src/calibrate/deployment.js";
import { fitFactors, type FitRun, requirementProblem, residualOf, solve } from "../../src/calibrate/fit.js";
import { UserError } from "../../src/errors.js";
import { PERF_FACTORS, type PerfFactor } from "../../src/calibrate/profile.js";
import type { Plan } from "../../src/contract/plan.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { perfConstantsFor } from "../../src/sizing/perf-constants.js";
import { predictPerformance, type Workload } from "../../src/sizing/perf.js";

const PLAN = parse(
  readFileSync(new URL("../../examples/deployments/chat-7b/plan.yaml", import.meta.url), "utf8"),
) as Plan;

function planModel(id: string) {
  const e = models.find((m) => m.id === id)!;
  return { id: e.id, name: e.name, hfId: e.hfId, arch: parseHfConfig(e.config, e.id), ref: e.hfId ?? e.id };
}

const deployment = plannedDeployment(PLAN, planModel("qwen2.5-7b"), devices);
const { engine, device } = deployment;
const base = perfConstantsFor(engine);
const defaults = Object.fromEntries(PERF_FACTORS.map((f) => [f, defaultFactor(engine, device, f)])) as Record<
  PerfFactor,
  number
>;

/** Runs whose "measurements" are the model's own predictions with known factors. */
function synthetic(truth: Partial<Record<PerfFactor, number>>, workloads: Workload[]): FitRun[] {
  const k = constantsWith(base, device, truth);
  return workloads.map((w, i) => {
    const input = deployment.inputAt(w);
    const p = predictPerformance(input, k, { exact: true });
    return { file: `run-${i}.json`, input, measured: { ttftMs: p.ttftMs, tpotMs: p.tpotMs } };
  });
}

const w = (concurrency: number, inputTokens: number, outputTokens = 128): Workload => ({
  concurrency,
  requestRate: null,
  inputTokens,
  outputTokens,
});

describe("fitting the factors to runs made by the model itself", () => {
  it("recovers four known factors within 1 % from runs at three workloads", () => {
    const truth = { bandwidth: 0.62, compute: 0.47, stepOverheadMs: 4.2, requestOverheadMs: 35 };
    const runs = synthetic(truth, [w(1, 256), w(16, 2048), w(64, 512, 256)]);
    const fit = fitFactors({ runs, base, device, defaults });
    expect(fit.notFitted).toEqual([]);
    for (const [f, v] of Object.entries(truth)) {
      expect(Math.abs(fit.values[f as PerfFactor]! / v - 1), f).toBeLessThan(0.01);
    }
    expect(fit.residual).toBeLessThan(0.001);
    // the committed constants were off: the fit had something to do
    expect(fit.residualBefore).toBeGreaterThan(0.1);
    expect(fit.atBound).toEqual([]);
  });

  it("with one run, fits the two shares it identifies (TPOT: bandwidth, TTFT: compute) and says why not the rest", () => {
    const truth = { bandwidth: 0.55, compute: 0.6 };
    const runs = synthetic(truth, [w(4, 512, 24)]);
    const fit = fitFactors({ runs, base, device, defaults });
    expect(Object.keys(fit.values).sort()).toEqual(["bandwidth", "compute"]);
    expect(Math.abs(fit.values.bandwidth! / 0.55 - 1)).toBeLessThan(0.01);
    expect(Math.abs(fit.values.compute! / 0.6 - 1)).toBeLessThan(0.01);
    expect(fit.notFitted).toEqual([
      { factor: "stepOverheadMs", reason: "needs TPOT at two or more workloads (1 given)" },
      { factor: "requestOverheadMs", reason: "needs TTFT at two or more prompt lengths (1 given)" },
    ]);
    // the prediction with the fitted factors is the measurement again
    expect(fit.after[0]!.tpotMs! / runs[0]!.measured.tpotMs! - 1).toBeLessThan(0.005);
  });

  it("a run that measured only TPOT fits the bandwidth share alone", () => {
    const [run] = synthetic({ bandwidth: 0.7 }, [w(8, 1024)]);
    const fit = fitFactors({
      runs: [{ ...run!, measured: { ttftMs: null, tpotMs: run!.measured.tpotMs } }],
      base,
      device,
      defaults,
    });
    expect(Object.keys(fit.values)).toEqual(["bandwidth"]);
    expect(Math.abs(fit.values.bandwidth! / 0.7 - 1)).toBeLessThan(0.01);
    expect(fit.notFitted.find((n) => n.factor === "compute")?.reason).toBe("needs a run that measured TTFT");
  });

  it("stops at a bound and says so when the runs ask for more than the factor can give", () => {
    // 5× slower decoding than the committed bandwidth share predicts: below 0.3 of peak
    const [run] = synthetic({}, [w(4, 512, 64)]);
    const slow = { ...run!, measured: { ttftMs: null, tpotMs: run!.measured.tpotMs! * 5 } };
    const fit = fitFactors({ runs: [slow], base, device, defaults, requested: ["bandwidth"] });
    expect(fit.values.bandwidth).toBe(0.3);
    expect(fit.atBound).toEqual(["bandwidth"]);
    expect(fit.residual).toBeGreaterThan(0.5);
    // Left to choose, the fit puts what the bandwidth share cannot give into the step overhead; 200×
    // slower is more than that can give too (bounded at 50 ms), and it says so.
    const swapped = fitFactors({ runs: [slow], base, device, defaults });
    expect(Object.keys(swapped.values)).toEqual(["stepOverheadMs"]);
    expect(swapped.residual).toBeLessThan(fit.residual);
    const hopeless = { ...run!, measured: { ttftMs: null, tpotMs: run!.measured.tpotMs! * 200 } };
    const stuck = fitFactors({ runs: [hopeless], base, device, defaults });
    expect(stuck.atBound).toEqual(["stepOverheadMs"]);
    expect(stuck.values.stepOverheadMs).toBe(50);
  });

  it("refuses factors asked for (--factors) that the runs cannot identify", () => {
    const runs = synthetic({}, [w(4, 512, 24)]);
    const ask = (requested: PerfFactor[]) => () => fitFactors({ runs, base, device, defaults, requested });
    expect(ask(["stepOverheadMs"])).toThrow(UserError);
    expect(ask(["stepOverheadMs"])).toThrow(
      /^too few runs for the factors requested: step overhead needs TPOT at two or more workloads \(1 given\)$/,
    );
    expect(ask(["requestOverheadMs"])).toThrow(
      /serving overhead per request needs TTFT at two or more prompt lengths/,
    );
    // asked for one that the run does identify: only that one moves
    const fit = fitFactors({ runs, base, device, defaults, requested: ["compute"] });
    expect(Object.keys(fit.values)).toEqual(["compute"]);
    expect(fit.notFitted.map((n) => n.reason)).toContain("not requested (--factors)");
  });
});

describe("what the runs identify", () => {
  const run = (
    concurrency: number,
    inputTokens: number,
    ttft: number | null,
    tpot: number | null,
  ): FitRun => ({
    file: "x.json",
    input: deployment.inputAt(w(concurrency, inputTokens)),
    measured: { ttftMs: ttft, tpotMs: tpot },
  });
  it.each([
    ["bandwidth", [run(1, 256, 50, null)], "needs a run that measured TPOT"],
    ["bandwidth", [run(1, 256, null, 10)], null],
    ["compute", [run(1, 256, null, 10)], "needs a run that measured TTFT"],
    [
      "stepOverheadMs",
      [run(1, 256, 50, 10), run(1, 256, 55, 11)],
      "needs TPOT at two or more workloads (1 given)",
    ],
    ["stepOverheadMs", [run(1, 256, 50, 10), run(8, 256, 60, 12)], null],
    [
      "requestOverheadMs",
      [run(1, 256, 50, 10), run(8, 256, 60, 12)],
      "needs TTFT at two or more prompt lengths (1 given)",
    ],
    ["requestOverheadMs", [run(1, 256, 50, 10), run(1, 2048, 160, 12)], null],
  ] as const)("%s from %j", (f, runs, problem) => {
    expect(requirementProblem(f, runs)).toBe(problem);
  });
});

describe("numerics", () => {
  it("solve: a 3 × 3 system worked by hand", () => {
    // 2x + y − z = 8, −3x − y + 2z = −11, −2x + y + 2z = −3  →  x = 2, y = 3, z = −1
    const x = solve(
      [
        [2, 1, -1],
        [-3, -1, 2],
        [-2, 1, 2],
      ],
      [8, -11, -3],
    )!;
    expect(x.map((v) => Math.round(v * 1e9) / 1e9)).toEqual([2, 3, -1]);
    expect(
      solve(
        [
          [1, 2],
          [2, 4],
        ],
        [1, 2],
      ),
    ).toBeNull();
  });
  it("the residual is exp(RMS of the log ratios) − 1", () => {
    // ln ratios ±ln 1.1: RMS ln 1.1 → 10 %
    expect(residualOf([Math.log(1.1), -Math.log(1.1)])).toBeCloseTo(0.1, 12);
    expect(residualOf([])).toBe(0);
  });
});

describe("a latency the shares cannot explain", () => {
  it("one prompt length, TTFT far above what any prefill share gives: fitted as a fixed cost per request", () => {
    // A deployment whose TTFT carries 400 ms of serving overhead (tokenisation, a queue in front of the
    // engine) at one prompt length: the compute share alone would have to fall below its bound of 0.1
    // (the slowest prefill any engine was measured at), so the excess is a fixed cost, and the
    // prediction at that workload is the measurement again.
    const runs = synthetic({ requestOverheadMs: 400 }, [w(1, 512, 32), w(4, 512, 32)]);
    const onlyCompute = fitFactors({ runs, base, device, defaults, requested: ["compute"] });
    expect(onlyCompute.atBound).toEqual(["compute"]); // what happened before the swap
    const fit = fitFactors({ runs, base, device, defaults });
    expect(fit.values.compute).toBeUndefined();
    expect(Math.abs(fit.values.requestOverheadMs! / 400 - 1)).toBeLessThan(0.02);
    expect(fit.notFitted.find((n) => n.factor === "compute")?.reason).toMatch(
      /held at the engine's value: the serving overhead per request explains the runs better \(residual \d+ %, against \d+ % with the prefill compute share, stopping at its bound of 0\.1\)/,
    );
    for (const [i, r] of runs.entries())
      expect(Math.abs(fit.after[i]!.ttftMs! / r.measured.ttftMs! - 1)).toBeLessThan(0.02);
    expect(fit.residual).toBeLessThan(onlyCompute.residual);
  });
  it("a share inside its bounds is kept: the swap only happens at the lower bound", () => {
    const runs = synthetic({ compute: 0.3 }, [w(1, 512, 32)]);
    const fit = fitFactors({ runs, base, device, defaults });
    expect(Math.abs(fit.values.compute! / 0.3 - 1)).toBeLessThan(0.01);
    expect(fit.values.requestOverheadMs).toBeUndefined();
  });
});
