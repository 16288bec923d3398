/**
 * `llmdeploy calibrate`: read bench results, start-up logs and the plan, fit the profile (the pure
 * part is src/calibrate/), print what changed (or --json) and write the profile with --out, all or
 * nothing. Bad input (a malformed file, another model or GPU, too few runs for --factors, runs that
 * contradict each other, no completed request) is one line and a hint; nothing is written.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import {
  calibrate,
  type CalibrationResult,
  formatFactor,
  formatResidual,
  type LogInput,
} from "../calibrate/index.js";
import { FACTORS, type FactorName, PERF_FACTORS, type PerfFactor } from "../calibrate/profile.js";
import { type BenchRun, describeWorkload, readBenchResult } from "../calibrate/runs.js";
import { devices } from "../catalog/index.js";
import { UserError } from "../errors.js";
import { jsonProblem } from "./safe-text.js";
import { resolveModel } from "../models/resolve.js";
import type { PlanModel } from "../planner/index.js";
import { parseVllmLog } from "../verify/vllm-log.js";
import { listFlag } from "./flags.js";
import { c, guardOutput, info, out, printJson } from "./output.js";
import { readPlanFile } from "./render.js";
import { renderTable } from "./table.js";
import { writeOneFile } from "./write-one.js";

export interface CalibrateFlags {
  bench?: string[];
  log?: string[];
  plan?: string;
  out?: string;
  force?: boolean;
  factors?: string;
  json?: boolean;
}

/** The largest bench result or log read: 64 MiB. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** --factors names as typed (kebab case or the profile's own) -> factors. */
const FACTOR_FLAGS: Record<string, PerfFactor> = {
  bandwidth: "bandwidth",
  compute: "compute",
  "step-overhead": "stepOverheadMs",
  stepOverheadMs: "stepOverheadMs",
  "request-overhead": "requestOverheadMs",
  requestOverheadMs: "requestOverheadMs",
};

export function parseFactors(v: string | undefined): PerfFactor[] | undefined {
  const list = listFlag(v);
  if (list === undefined) return undefined;
  if (!list.length)
    throw new UserError("--factors needs at least one factor", "e.g. --factors bandwidth,compute");
  const out: PerfFactor[] = [];
  for (const name of list) {
    const f = FACTOR_FLAGS[name];
    if (!f)
      throw new UserError(
        `--factors: "${name}" is not a factor`,
        "the factors are bandwidth, compute, step-overhead, request-overhead",
      );
    if (!out.includes(f)) out.push(f);
  }
  return PERF_FACTORS.filter((f) => out.includes(f));
}

/** A file's text, or a UserError naming the flag and the file. */
function readInput(path: string, flag: string, hint: string): string {
  if (!existsSync(path)) throw new UserError(`${flag} ${path} does not exist`, hint);
  const st = statSync(path);
  if (!st.isFile()) throw new UserError(`${flag} ${path} is not a file`, hint);
  if (st.size > MAX_INPUT_BYTES)
    throw new UserError(
      `${flag} ${path} is ${(st.size / 1024 / 1024).toFixed(0)} MiB, over the 64 MiB read`,
      hint,
    );
  return readFileSync(path, "utf8");
}

function readRun(path: string): BenchRun {
  const hint = "a result of llmdeploy bench --json (e.g. bench --url URL --plan plan.yaml --json > run.json)";
  const text = readInput(path, "--bench", hint);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path} is not JSON: ${jsonProblem(e, text)}`, hint, 1, "bench");
  }
  return readBenchResult(raw, basename(path));
}

function readLog(path: string): LogInput {
  const text = readInput(path, "--log", "the engine's start-up output (docker logs engine > vllm.log)");
  return { file: basename(path), figures: parseVllmLog(text) };
}

/** The plan's model (and --model-ref checkpoint) as the planner took it. */
async function planModel(plan: Awaited<ReturnType<typeof readPlanFile>>): Promise<PlanModel> {
  const m = await resolveModel(plan.spec.model);
  const ref = (x: typeof m) => x.hfId ?? (x.source?.url ? x.source.url.replace(/\/config\.json$/, "") : x.id);
  const own = plan.spec.modelRef ? await resolveModel(plan.spec.modelRef) : null;
  return {
    id: m.id,
    name: m.name,
    hfId: m.hfId,
    arch: m.arch,
    checkpoint: m.checkpoint,
    ref: ref(m),
    modelRef: own ? { ref: ref(own), arch: own.arch, checkpoint: own.checkpoint } : undefined,
  };
}

export interface CalibrateOutcome extends CalibrationResult {
  /** Where the profile was written (null: not asked to), and whether it changed. */
  out: string | null;
  written: "new" | "changed" | "unchanged" | null;
}

function printResult(r: CalibrateOutcome): void {
  const p = r.profile;
  out(c.bold(r.summary));
  const rows = [
    ...Object.entries(p.factors).map(([f, v]) => [
      v.label,
      formatFactor(f as FactorName, v.default),
      formatFactor(f as FactorName, v.value) + (v.atBound ? c.red(" (at its bound)") : ""),
      v.from === "log" ? "start-up log" : `fitted to ${FACTORS[f as FactorName].fittedFrom}`,
    ]),
    ...p.notFitted.map((n) => [FACTORS[n.factor].label, "", "not fitted", n.reason]),
  ];
  out(
    renderTable(
      ["factor", "was", "now", "from"].map((h) => c.bold(h)),
      rows,
    ),
  );
  if (p.fittedOn.length) {
    const ms = (v: number | null) => (v === null ? "-" : v >= 100 ? v.toFixed(0) : v.toFixed(1));
    out(
      renderTable(
        ["run", "workload", "TTFT ms measured", "before", "after", "TPOT ms measured", "before", "after"].map(
          (h) => c.bold(h),
        ),
        p.fittedOn.map((f) => [
          f.file,
          describeWorkload(f.workload),
          ms(f.measured.ttftMs),
          ms(f.before.ttftMs),
          ms(f.after.ttftMs),
          ms(f.measured.tpotMs),
          ms(f.before.tpotMs),
          ms(f.after.tpotMs),
        ]),
      ),
    );
    if (p.residual !== null && p.residualBefore !== null)
      out(`residual ${formatResidual(p.residual)} (uncalibrated ${formatResidual(p.residualBefore)})`);
  }
  if (r.out) out(r.written === "unchanged" ? `${r.out}: unchanged` : `wrote ${r.out}`);
  else out(c.dim("nothing written: pass --out FILE to write the profile"));
  for (const n of r.notes) info(`note: ${n}`);
}

export async function runCalibrate(flags: CalibrateFlags): Promise<void> {
  if (!flags.plan)
    throw new UserError(
      "--plan is required: the plan the measured deployment was made from",
      "e.g. llmdeploy calibrate --bench run.json --plan deploy/plan.yaml --out calibration.json",
    );
  const requested = parseFactors(flags.factors);
  const benchFiles = flags.bench ?? [];
  const logFiles = flags.log ?? [];
  if (!benchFiles.length && !logFiles.length)
    throw new UserError(
      "give --bench RESULT.json (repeatable) and/or --log vllm.log",
      "e.g. llmdeploy bench --url URL --plan plan.yaml --json > run.json, then llmdeploy calibrate --bench run.json --plan plan.yaml",
    );
  const plan = await readPlanFile(flags.plan);
  const runs = benchFiles.map(readRun);
  const logs = logFiles.map(readLog);
  const model = await planModel(plan);
  const result = calibrate({
    plan,
    model,
    catalog: devices,
    runs,
    logs,
    requested,
    createdAt: new Date().toISOString(),
    createdBy: `llmdeploy ${pkg.version}`,
  });
  // Written last, and only a profile that holds no NaN or undefined: on any problem, nothing is.
  guardOutput(result.profile, "profile");
  const written = flags.out
    ? writeOneFile(flags.out, JSON.stringify(result.profile, null, 2) + "\n", { force: flags.force })
    : null;
  const outcome: CalibrateOutcome = { ...result, out: flags.out ?? null, written };
  if (flags.json) printJson(outcome);
  else printResult(outcome);
}
