import { Ajv2020 } from "ajv/dist/2020.js";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { calibrationFor, constantsWith, planOverheads } from "../../src/calibrate/apply.js";
import { plannedDeployment } from "../../src/calibrate/deployment.js";
import { calibrate } from "../../src/calibrate/index.js";
import { type CalibrationProfile, parseProfile, profileJsonSchema } from "../../src/calibrate/profile.js";
import type { BenchRun } from "../../src/calibrate/runs.js";
import { devices, findGpu, models } from "../../src/catalog/index.js";
import type { Plan } from "../../src/contract/plan.js";
import { planProblem } from "../../src/contract/plan-schema.js";
import { engineModule } from "../../src/engines/index.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { perfConstantsFor } from "../../src/sizing/perf-constants.js";
import { predictPerformance } from "../../src/sizing/perf.js";

const PLAN = parse(
  readFileSync(new URL("../../examples/deployments/chat-7b/plan.yaml", import.meta.url), "utf8"),
) as Plan;
const e = models.find((m) => m.id === "qwen2.5-7b")!;
const MODEL = { id: e.id, name: e.name, hfId: e.hfId, arch: parseHfConfig(e.config, e.id), ref: e.hfId! };
const vllm = engineModule("vllm");
const a100 = findGpu("a100-80g");

/** A bench run of the chat-7b deployment whose figures are the model's own at these factors. */
function run(
  file: string,
  concurrency: number,
  inputTokens: number,
  truth = { bandwidth: 0.6, compute: 0.5 },
): BenchRun {
  const d = plannedDeployment(PLAN, MODEL, devices);
  const workload = { concurrency, requestRate: null, inputTokens, outputTokens: 64 };
  const p = predictPerformance(d.inputAt(workload), constantsWith(perfConstantsFor(vllm), a100, truth), {
    exact: true,
  });
  return {
    file,
    model: "Qwen/Qwen2.5-7B-Instruct",
    workload: { ...workload, requests: 100 },
    measured: { ttftMs: p.ttftMs, tpotMs: p.tpotMs },
    planned: null,
    notes: [],
  };
}

const input = (runs: BenchRun[]) => ({
  plan: PLAN,
  model: MODEL,
  catalog: devices,
  runs,
  logs: [],
  createdAt: "2026-01-02T03:04:05.000Z",
  createdBy: "llmdeploy test",
});

const made = calibrate(input([run("c4.json", 4, 512)]));
const PROFILE: CalibrationProfile = made.profile;

describe("the calibration profile", () => {
  it("records what was fitted, on what, and how well", () => {
    expect(PROFILE).toMatchObject({
      llmdeployCalibration: 1,
      gpu: "a100-80g",
      gpuName: "NVIDIA A100 SXM4 80GB",
      engine: "vllm",
      engineVersion: "0.28.0",
      model: "qwen2.5-7b",
      deployment: {
        tensorParallel: 1,
        pipelineParallel: 1,
        replicas: 1,
        precision: "bf16",
        kvCacheDtype: "auto",
      },
    });
    expect(Object.keys(PROFILE.factors).sort()).toEqual(["bandwidth", "compute"]);
    expect(PROFILE.factors.bandwidth).toMatchObject({
      default: 0.857,
      from: "bench",
      bounds: [0.3, 0.95],
      atBound: false,
    });
    expect(Math.abs(PROFILE.factors.bandwidth!.value / 0.6 - 1)).toBeLessThan(0.01);
    expect(PROFILE.fittedOn).toHaveLength(1);
    expect(PROFILE.fittedOn[0]!.workload).toEqual({
      concurrency: 4,
      requestRate: null,
      inputTokens: 512,
      outputTokens: 64,
      requests: 100,
    });
    expect(PROFILE.residual).toBeLessThan(0.005);
    expect(PROFILE.residualBefore).toBeGreaterThan(0.1);
    expect(made.summary).toMatch(
      /^NVIDIA A100 SXM4 80GB \/ vLLM 0\.28\.0: decode bandwidth share 0\.857 → 0\.6\d*, prefill compute share 0\.358 → 0\.5\d*; fitted on 1 run, residual (< )?0\.\d %$/,
    );
  });

  it("reads back from its JSON and passes its own JSON Schema", () => {
    const back = parseProfile(JSON.parse(JSON.stringify(PROFILE)));
    expect(back).toEqual({ profile: PROFILE });
    const schema = profileJsonSchema() as Record<string, unknown>;
    expect(schema.title).toBe("llmdeploy calibration profile");
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    expect(validate(PROFILE), JSON.stringify(validate.errors)).toBe(true);
    expect(
      validate({ ...PROFILE, factors: { bandwidth: { ...PROFILE.factors.bandwidth, value: "0.7" } } }),
    ).toBe(false);
    expect(validate({ ...PROFILE, llmdeployCalibration: 2 })).toBe(false);
  });

  it.each([
    [[], "is not a calibration profile (expected a JSON object)"],
    [{ gpu: "h100" }, 'is not a calibration profile (no "llmdeployCalibration" field)'],
    [{ llmdeployCalibration: 2 }, "is a version 2 calibration profile; this llmdeploy reads version 1"],
    [{ ...PROFILE, gpu: "" }, /^is not a valid calibration profile: gpu: /],
    [
      { ...PROFILE, factors: {} },
      "is not a valid calibration profile: factors: must hold at least one factor",
    ],
    [
      { ...PROFILE, factors: { compute: { ...PROFILE.factors.compute, value: -1 } } },
      /^is not a valid calibration profile: factors\.compute\.value: /,
    ],
    [{ ...PROFILE, residual: "4 %" }, /^is not a valid calibration profile: residual: /],
  ])("refuses %j with one sentence", (raw, problem) => {
    const r = parseProfile(raw);
    expect("problem" in r).toBe(true);
    if ("problem" in r) expect(r.problem).toMatch(problem);
  });
});

describe("applying a profile", () => {
  const loaded = { profile: PROFILE, path: "cal.json", source: "flag" as const };

  it("on its GPU × engine × release: its factors, with what they replace", () => {
    const c = calibrationFor(loaded, vllm, a100, "0.28.0");
    if ("ignored" in c) throw new Error(c.ignored);
    expect(c.constants.engine.bandwidth).toBe(PROFILE.factors.bandwidth!.value);
    expect(c.constants.engine.compute).toBe(PROFILE.factors.compute!.value);
    expect(c.constants.engine.stepOverheadMs).toBe(vllm.efficiency.stepOverheadMs);
    expect(c.overheads).toBeUndefined();
    expect(c.use).toMatchObject({
      path: "cal.json",
      source: "flag",
      gpu: "a100-80g",
      engine: "vllm",
      fittedOn: 1,
      note: null,
    });
    expect(c.use.factors.bandwidth).toEqual({
      label: "decode bandwidth share",
      value: PROFILE.factors.bandwidth!.value,
      default: 0.857,
      unit: "share",
    });
  });

  it("another GPU or engine: not at all, saying whose it is", () => {
    const h100 = calibrationFor(loaded, vllm, findGpu("h100"), "0.28.0");
    expect(h100).toEqual({
      ignored: "it is for NVIDIA A100 SXM4 80GB / vllm, not NVIDIA H100 SXM5 80GB / vllm",
    });
    const sglang = calibrationFor(
      loaded,
      engineModule("sglang"),
      a100,
      engineModule("sglang").versions.default,
    );
    expect("ignored" in sglang && sglang.ignored).toMatch(/ \/ vllm, not NVIDIA A100 SXM4 80GB \/ sglang$/);
  });

  it("another release: the speed factors with a note, not the memory overheads", () => {
    const withMemory: CalibrationProfile = {
      ...PROFILE,
      factors: {
        ...PROFILE.factors,
        nonTorchBytes: {
          label: "non-torch memory",
          value: 4e8,
          default: 214748365,
          unit: "bytes",
          from: "log",
          bounds: null,
          atBound: false,
        },
      },
    };
    const l = { ...loaded, profile: withMemory };
    const same = calibrationFor(l, vllm, a100, "0.28.0");
    expect("ignored" in same ? null : same.overheads).toEqual({ nonTorchBytes: 400000000 });
    const other = calibrationFor(l, vllm, a100, "0.26.0");
    if ("ignored" in other) throw new Error(other.ignored);
    expect(other.overheads).toBeUndefined();
    expect(Object.keys(other.use.factors).sort()).toEqual(["bandwidth", "compute"]);
    expect(other.use.note).toBe(
      "fitted on vLLM 0.28.0, used for 0.26.0: its speed factors apply, its memory overheads do not (a release changes what it allocates); calibrate again after upgrading",
    );
    const onlyMemory = {
      ...l,
      profile: { ...withMemory, factors: { nonTorchBytes: withMemory.factors.nonTorchBytes } },
    };
    expect(calibrationFor(onlyMemory, vllm, a100, "0.26.0")).toEqual({
      ignored: "it holds only memory overheads of vLLM 0.28.0, and this sizes 0.26.0",
    });
  });

  it("shares are achieved shares of the device's peak: on AMD the vendor factor is folded in", () => {
    const mi300 = devices.find((g) => g.vendor === "AMD")!;
    const base = perfConstantsFor(vllm);
    const k = constantsWith(base, mi300, { bandwidth: 0.5 });
    expect(k.vendor.AMD).toBe(1);
    expect(k.engine.bandwidth).toBe(0.5);
    // the share left unfitted keeps what it achieved before: committed × AMD's factor
    expect(k.engine.compute).toBeCloseTo(base.engine.compute * base.vendor.AMD, 12);
    // NVIDIA constants are untouched by a fit of AMD's
    expect(k.vendor.NVIDIA).toBe(1);
    expect(constantsWith(base, mi300, { stepOverheadMs: 5 }).vendor.AMD).toBe(base.vendor.AMD);
  });

  it("a plan's recorded calibration gives its measured memory back for its own GPU only", () => {
    const cal = {
      path: "p.json",
      source: "env" as const,
      gpu: "a100-80g",
      engine: "vllm",
      engineVersion: "0.28.0",
      model: "qwen2.5-7b",
      factors: {
        cudaGraphBytes: {
          label: "CUDA graph memory",
          value: 6e8,
          default: 472446403,
          unit: "bytes" as const,
        },
      },
      fittedOn: 0,
      residual: null,
      createdAt: "2026-01-01T00:00:00Z",
      note: null,
    };
    expect(planOverheads({ ...PLAN, calibration: cal })).toEqual({ cudaGraphBytes: 600000000 });
    expect(planOverheads({ ...PLAN, calibration: { ...cal, gpu: "h100-sxm" } })).toBeUndefined();
    expect(planOverheads({ ...PLAN, calibration: null })).toBeUndefined();
    // the plan schema takes it, and plans without it still load
    expect(planProblem({ ...PLAN, calibration: cal })).toBeNull();
    expect(planProblem({ ...PLAN, calibration: null })).toBeNull();
    const old: Record<string, unknown> = { ...PLAN };
    delete old.calibration;
    expect(planProblem(old)).toBeNull();
    expect(planProblem({ ...PLAN, calibration: { ...cal, source: "somewhere" } })).toMatch(
      /^calibration\.source: /,
    );
  });
});
