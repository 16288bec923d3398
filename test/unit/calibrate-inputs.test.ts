import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { plannedDeployment } from "../../src/calibrate/deployment.js";
import { calibrate } from "../../src/calibrate/index.js";
import { overheadsFromLogs } from "../../src/calibrate/memory.js";
import { type BenchRun, checkRuns, readBenchResult } from "../../src/calibrate/runs.js";
import { devices, models } from "../../src/catalog/index.js";
import type { Plan } from "../../src/contract/plan.js";
import { UserError } from "../../src/errors.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { parseVllmLog, type VllmLogFigures } from "../../src/verify/vllm-log.js";

const fixture = (p: string) => readFileSync(new URL(`../fixtures/${p}`, import.meta.url), "utf8");
const PLAN = parse(
  readFileSync(new URL("../../examples/deployments/chat-7b/plan.yaml", import.meta.url), "utf8"),
) as Plan;
const e = models.find((m) => m.id === "qwen2.5-7b")!;
const MODEL = { id: e.id, name: e.name, hfId: e.hfId, arch: parseHfConfig(e.config, e.id), ref: e.hfId! };
const BENCH = JSON.parse(fixture("bench/chat-7b-fake-c4.json")) as Record<string, unknown>;

/** The error a call throws: a UserError, whose message and hint are returned. */
function refusal(f: () => unknown): { message: string; hint: string | undefined } {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return { message: e.message, hint: e.hint };
    throw e;
  }
  throw new Error("no error");
}

describe("a bench result as a run", () => {
  it("reads the workload bench recorded and the mean figures it measured", () => {
    const r = readBenchResult(BENCH, "c4.json");
    expect(r.workload).toEqual({
      concurrency: 4,
      requestRate: null,
      inputTokens: 256,
      outputTokens: 64,
      requests: 32,
    });
    expect(r.model).toBe("Qwen/Qwen2.5-7B-Instruct");
    expect(r.measured.ttftMs).toBeGreaterThan(150);
    expect(r.measured.tpotMs).toBeGreaterThan(17);
    expect(r.planned).toMatchObject({ gpu: "a100-80g", engine: "vllm", engineVersion: "0.28.0" });
    expect(r.notes).toEqual([]);
  });

  it.each([
    ["not an object", [], /^c\.json is not a bench result: Invalid input: expected object, received array$/],
    [
      "a figure of the wrong type",
      { ...BENCH, ttftMs: { mean: "fast" } },
      /^c\.json is not a bench result: ttftMs\.mean: /,
    ],
    [
      "no completed request",
      {
        ...BENCH,
        requests: 0,
        outputTokens: 0,
        ttftMs: { mean: null },
        tpotMs: { mean: null },
        errors: { http_500: 12 },
      },
      /^c\.json: no request completed \(errors: http_500 12\): nothing to calibrate with$/,
    ],
    [
      "a result of an older bench (no workload)",
      { ...BENCH, workload: undefined },
      /does not record the prompt length it ran/,
    ],
    [
      "prompts from a file",
      { ...BENCH, workload: { inputTokens: null, maxTokens: null } },
      /^c\.json ran prompts from a file \(--prompts\): their length in tokens is unknown$/,
    ],
    [
      "neither figure",
      { ...BENCH, ttftMs: { mean: null }, tpotMs: { mean: null } },
      /^c\.json measured neither TTFT nor TPOT$/,
    ],
  ])("refuses %s with one line and a hint", (_what, raw, message) => {
    const r = refusal(() => readBenchResult(raw, "c.json"));
    expect(r.message).toMatch(message);
    expect(r.message).not.toContain("\n");
    expect(r.hint).toBeTruthy();
  });

  it("notes failed requests and a run stopped early", () => {
    const r = readBenchResult({ ...BENCH, errors: { timeout: 8 }, partial: true }, "c.json");
    expect(r.notes).toEqual([
      "c.json: 8 of 40 requests failed; its figures are those of the ones that completed",
      "c.json was stopped early (Ctrl-C): its figures are partial",
    ]);
  });
});

describe("runs against the plan and each other", () => {
  const base = readBenchResult(BENCH, "a.json");
  const other = (over: Partial<BenchRun>): BenchRun => ({ ...base, file: "b.json", ...over });

  it("accepts runs of the plan's model, and two runs of one workload that agree within half", () => {
    expect(() =>
      checkRuns(
        [base, other({ measured: { ttftMs: base.measured.ttftMs! * 1.4, tpotMs: base.measured.tpotMs } })],
        PLAN,
      ),
    ).not.toThrow();
  });

  it.each([
    [
      "another model",
      [other({ model: "meta-llama/Llama-3.1-8B-Instruct" })],
      /^b\.json measured model "meta-llama\/Llama-3\.1-8B-Instruct", but the plan serves "Qwen\/Qwen2\.5-7B-Instruct"$/,
    ],
    [
      "a run against a plan on another GPU",
      [
        other({
          planned: { gpu: "h100-sxm", engine: "vllm", engineVersion: "0.28.0", servedModelName: null },
        }),
      ],
      /^b\.json was run against a plan on h100-sxm with vllm; this plan runs a100-80g with vllm$/,
    ],
    ["the same file twice", [base, base], /^a\.json is given twice$/],
    [
      "requests longer than the deployment serves",
      [other({ workload: { ...base.workload, inputTokens: 9000 } })],
      /^b\.json ran 9000 \+ 64 tokens per request, more than the plan's max model len 8192$/,
    ],
    [
      "two runs of one workload more than 50 % apart",
      [base, other({ measured: { ttftMs: base.measured.ttftMs, tpotMs: base.measured.tpotMs! * 1.8 } })],
      /^a\.json and b\.json ran the same workload \(4 concurrent, 256 in \/ 64 out\) but measured TPOT [\d.]+ and [\d.]+ ms, 80 % apart$/,
    ],
  ])("refuses %s", (_what, runs, message) => {
    const r = refusal(() => checkRuns(runs, PLAN));
    expect(r.message).toMatch(message);
    expect(r.hint).toBeTruthy();
  });
});

/** Log figures as parseVllmLog gives them, with these set. */
const figures = (over: Partial<VllmLogFigures>): VllmLogFigures => ({
  ...parseVllmLog(""),
  version: "0.28.0",
  model: "Qwen/Qwen2.5-7B-Instruct",
  tensorParallel: 1,
  ...over,
});

describe("memory overheads from start-up logs", () => {
  const d = plannedDeployment(PLAN, MODEL, devices);
  const GiB = 1024 ** 3;

  it("the largest figure of each over the logs (every worker must fit)", () => {
    const m = overheadsFromLogs(
      [
        { file: "w0.log", figures: figures({ nonTorchGiB: 0.31, cudaGraphGiB: 0.58 }) },
        { file: "w1.log", figures: figures({ nonTorchGiB: 0.35, cudaGraphGiB: null }) },
      ],
      PLAN,
      d,
    );
    expect(m.overheads).toEqual({
      nonTorchBytes: Math.round(0.35 * GiB),
      cudaGraphBytes: Math.round(0.58 * GiB),
    });
    expect(m.records.map((r) => r.file)).toEqual(["w0.log", "w1.log"]);
  });

  it.each([
    [
      "of another model",
      { model: "Qwen/Qwen2-7B-Instruct" },
      /^x\.log is a log of Qwen\/Qwen2-7B-Instruct; the plan's engine loads Qwen\/Qwen2\.5-7B-Instruct$/,
    ],
    ["of another split", { tensorParallel: 2 }, /^x\.log ran tensor parallel 2; the plan runs 1$/],
    [
      "of another release",
      { version: "0.10.1.1" },
      /^x\.log is of vLLM 0\.10\.1\.1; the plan runs 0\.28\.0$/,
    ],
    [
      "of a GPU with other memory",
      { totalGpuMemoryGiB: 39.39 },
      /^x\.log is of a GPU with 39\.39 GiB; the plan's NVIDIA A100 SXM4 80GB has 79\.\d\d GiB$/,
    ],
    ["in eager mode", { enforceEager: true }, /^x\.log ran with --enforce-eager; the plan runs CUDA graphs$/],
    [
      "without either figure",
      { nonTorchGiB: null },
      /^x\.log states neither non-torch memory nor CUDA graph memory/,
    ],
  ])("refuses a log %s", (_what, over, message) => {
    const r = refusal(() =>
      overheadsFromLogs([{ file: "x.log", figures: figures({ nonTorchGiB: 0.3, ...over }) }], PLAN, d),
    );
    expect(r.message).toMatch(message);
  });

  it("refuses a log of a failed start and a published log of another model", () => {
    const failed = figures({
      nonTorchGiB: 0.3,
      failure: {
        kind: "out-of-memory",
        maxModelLen: null,
        kvCacheTokens: null,
        neededGiB: null,
        availableGiB: null,
        estimatedMaxModelLen: null,
        line: "CUDA out of memory",
      },
    });
    expect(refusal(() => overheadsFromLogs([{ file: "x.log", figures: failed }], PLAN, d)).message).toBe(
      "x.log is of a start that failed (CUDA out of memory)",
    );
    const published = parseVllmLog(fixture("vllm-logs/qwen2-7b-a100-tp1.log"));
    expect(
      refusal(() => overheadsFromLogs([{ file: "q.log", figures: published }], PLAN, d)).message,
    ).toMatch(/^q\.log is a log of Qwen2-7B-Instruct; /);
  });

  it("an engine without a start-up log format refuses --log", () => {
    const sglang = { ...d, engine: { ...d.engine, startupLog: null, label: "SGLang" } };
    expect(refusal(() => overheadsFromLogs([], PLAN, sglang)).message).toBe(
      "--log reads vLLM start-up logs; this plan runs SGLang",
    );
  });

  it("calibrate: measured memory replaces the ledger's and changes the KV cache the runs are predicted with", () => {
    const run = readBenchResult(BENCH, "c4.json");
    const logs = [{ file: "vllm.log", figures: figures({ nonTorchGiB: 1.5, cudaGraphGiB: 2 }) }];
    const base = { plan: PLAN, model: MODEL, catalog: devices, createdAt: "t", createdBy: "test" };
    const r = calibrate({ ...base, runs: [run], logs });
    expect(r.profile.factors.nonTorchBytes).toMatchObject({
      value: 1.5 * GiB,
      default: d.sized.memory.perGpu.nonTorchBytes,
      from: "log",
    });
    expect(r.profile.factors.cudaGraphBytes).toMatchObject({
      value: 2 * GiB,
      default: d.sized.memory.perGpu.cudaGraphBytes,
    });
    const measured = plannedDeployment(PLAN, MODEL, devices, {
      nonTorchBytes: 1.5 * GiB,
      cudaGraphBytes: 2 * GiB,
    });
    expect(measured.sized.memory.kvCacheTokens).toBeLessThan(d.sized.memory.kvCacheTokens);
    expect(r.summary).toMatch(
      /prefill compute share 0\.358 → [\d.]+, non-torch memory 0\.20 GiB → 1\.50 GiB, CUDA graph memory 0\.44 GiB → 2\.00 GiB; fitted on 1 run and 1 log, residual/,
    );
    // logs alone: the memory, and no residual
    const logsOnly = calibrate({ ...base, runs: [], logs });
    expect(logsOnly.profile.residual).toBeNull();
    expect(logsOnly.profile.notFitted.map((n) => n.reason)).toContain("no bench result given (--bench)");
    expect(refusal(() => calibrate({ ...base, runs: [], logs: [] })).message).toMatch(
      /^nothing to calibrate with/,
    );
  });
});
