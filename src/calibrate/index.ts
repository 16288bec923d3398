/**
 * `llmdeploy calibrate`, the pure part: from bench runs and start-up logs of the deployment a plan
 * describes, the profile of that GPU × engine × release (src/calibrate/profile.ts). The steps, each
 * in its own module:
 *
 *   runs        bench results as runs, checked against the plan and each other (runs.ts)
 *   deployment  the plan's deployment sized again, with the measured memory (deployment.ts)
 *   memory      non-torch and CUDA graph memory from the logs (memory.ts)
 *   fit         the performance factors the runs identify (fit.ts)
 *
 * The CLI (src/cli/calibrate.ts) reads the files, calls `calibrate`, prints and writes the profile.
 */
import type { DeviceEntry } from "../catalog/types.js";
import type { Plan } from "../contract/plan.js";
import { UserError } from "../errors.js";
import type { PlanModel } from "../planner/index.js";
import { perfConstantsFor } from "../sizing/perf-constants.js";
import { defaultFactor, describeFactors, formatResidual, formatValue } from "./apply.js";
import { plannedDeployment } from "./deployment.js";
import { fitFactors, type FitOutcome } from "./fit.js";
import { type LogInput, overheadsFromLogs } from "./memory.js";
import {
  type CalibrationProfile,
  FACTORS,
  type FactorName,
  MEMORY_FACTORS,
  PERF_FACTORS,
  type PerfFactor,
  PROFILE_VERSION,
  type ProfileFactor,
} from "./profile.js";
import { type BenchRun, checkRuns } from "./runs.js";

export { type LoadedProfile, type CalibrationUse, calibrationFor, formatResidual } from "./apply.js";
export { type LogInput } from "./memory.js";
export { type BenchRun, readBenchResult } from "./runs.js";

export interface CalibrateInput {
  plan: Plan;
  model: PlanModel;
  catalog: readonly DeviceEntry[];
  runs: BenchRun[];
  logs: LogInput[];
  /** Factors asked for (--factors); absent: every one the runs identify. */
  requested?: PerfFactor[] | undefined;
  createdAt: string;
  createdBy: string;
}

export interface CalibrationResult {
  profile: CalibrationProfile;
  /** One line: "NVIDIA H100 SXM5 80GB / vLLM 0.28.0: decode bandwidth share 0.845 → 0.71, ...". */
  summary: string;
  /** Things to know (a factor at its bound, a run stopped early ...), one sentence each. */
  notes: string[];
}

/** A factor's value as people read it: "0.71", "4.2 ms", "0.31 GiB". */
export const formatFactor = (f: FactorName, v: number): string => formatValue(FACTORS[f].unit, v);

export function calibrate(x: CalibrateInput): CalibrationResult {
  const { plan, runs, logs } = x;
  if (!runs.length && !logs.length)
    throw new UserError(
      "nothing to calibrate with: give --bench RESULT.json (and/or --log vllm.log)",
      "e.g. llmdeploy bench --url URL --plan plan.yaml --json > run.json, then llmdeploy calibrate --bench run.json --plan plan.yaml --out profile.json",
      1,
      "bench",
    );
  checkRuns(runs, plan);
  const plain = plannedDeployment(plan, x.model, x.catalog);
  const notes = runs.flatMap((r) => r.notes);
  const factors: Partial<Record<FactorName, ProfileFactor>> = {};
  const notFitted: CalibrationProfile["notFitted"] = [];

  // Memory first: the measured overheads change the KV cache, hence the batch the runs are predicted at.
  let deployment = plain;
  let records: CalibrationProfile["logs"] = [];
  if (logs.length) {
    const m = overheadsFromLogs(logs, plan, plain);
    records = m.records;
    notes.push(...m.notes);
    for (const f of MEMORY_FACTORS) {
      const v = m.overheads[f];
      if (v === undefined) {
        notFitted.push({ factor: f, reason: "the logs do not state it" });
        continue;
      }
      factors[f] = {
        label: FACTORS[f].label,
        value: v,
        default: plain.sized.memory.perGpu[f],
        unit: "bytes",
        from: "log",
        bounds: null,
        atBound: false,
      };
    }
    if (!Object.keys(factors).length)
      throw new UserError(
        "the logs state no memory overhead this deployment's ledger uses",
        "pass the whole start-up log, or leave out --log",
        1,
        "log",
      );
    deployment = plannedDeployment(plan, x.model, x.catalog, m.overheads);
  } else {
    for (const f of MEMORY_FACTORS) notFitted.push({ factor: f, reason: "no start-up log given (--log)" });
  }

  const { engine, device } = deployment;
  const defaults = Object.fromEntries(
    PERF_FACTORS.map((f) => [f, defaultFactor(engine, device, f)]),
  ) as Record<PerfFactor, number>;
  let fit: FitOutcome | null = null;
  if (runs.length) {
    fit = fitFactors({
      runs: runs.map((r) => ({
        file: r.file,
        measured: r.measured,
        input: deployment.inputAt({
          inputTokens: r.workload.inputTokens,
          outputTokens: r.workload.outputTokens,
          concurrency: r.workload.concurrency,
          requestRate: r.workload.requestRate,
        }),
      })),
      base: perfConstantsFor(engine),
      device,
      defaults,
      requested: x.requested,
    });
    for (const f of PERF_FACTORS) {
      const v = fit.values[f];
      if (v === undefined) continue;
      const atBound = fit.atBound.includes(f);
      factors[f] = {
        label: FACTORS[f].label,
        value: v,
        default: Math.round(defaults[f] * 10000) / 10000,
        unit: FACTORS[f].unit,
        from: "bench",
        bounds: [...FACTORS[f].bounds!],
        atBound,
      };
      if (atBound)
        notes.push(
          `the ${FACTORS[f].label} stopped at its bound ${formatFactor(f, v)}: the runs ask for more than it can give; the residual shows what is left`,
        );
    }
    notFitted.push(...fit.notFitted);
  } else {
    for (const f of PERF_FACTORS) notFitted.push({ factor: f, reason: "no bench result given (--bench)" });
  }
  if (!Object.keys(factors).length)
    throw new UserError(
      `nothing could be fitted: ${notFitted
        .filter((n) => (PERF_FACTORS as readonly string[]).includes(n.factor))
        .map((n) => `${FACTORS[n.factor].label} ${n.reason}`)
        .join("; ")}`,
      "pass bench results that measured TTFT and TPOT (bench --plan plan.yaml --json)",
      1,
      "bench",
    );

  const d = plan.recommendation;
  const profile: CalibrationProfile = {
    llmdeployCalibration: PROFILE_VERSION,
    gpu: device.id,
    gpuName: device.name,
    engine: engine.name,
    engineVersion: deployment.engineVersion,
    model: plan.model.id,
    deployment: {
      tensorParallel: d.tensorParallel,
      pipelineParallel: d.pipelineParallel,
      replicas: d.replicas,
      precision: d.precision,
      kvCacheDtype: d.kvCacheDtype,
    },
    // Speed first, then memory, in the order FACTORS lists them.
    factors: Object.fromEntries(
      [...PERF_FACTORS, ...MEMORY_FACTORS].filter((f) => factors[f]).map((f) => [f, factors[f]!]),
    ),
    notFitted,
    fittedOn: runs.map((r, i) => ({
      file: r.file,
      workload: r.workload,
      measured: r.measured,
      before: fit!.before[i]!,
      after: fit!.after[i]!,
    })),
    logs: records,
    residual: fit ? Math.round(fit.residual * 10000) / 10000 : null,
    residualBefore: fit ? Math.round(fit.residualBefore * 10000) / 10000 : null,
    createdAt: x.createdAt,
    createdBy: x.createdBy,
  };
  return { profile, summary: summaryLine(profile, engine.label), notes };
}

/** "H100 SXM / vLLM 0.28.0: decode bandwidth share 0.845 → 0.71, ...; fitted on 3 runs, residual 4 %" */
export function summaryLine(p: CalibrationProfile, engineLabel: string): string {
  const runs = p.fittedOn.length;
  const basis = [
    runs ? `fitted on ${runs} run${runs > 1 ? "s" : ""}` : "",
    p.logs.length ? `${p.logs.length} log${p.logs.length > 1 ? "s" : ""}` : "",
  ]
    .filter(Boolean)
    .join(" and ");
  return (
    `${p.gpuName} / ${engineLabel} ${p.engineVersion}: ${describeFactors(p.factors)}; ${basis}` +
    (p.residual !== null ? `, residual ${formatResidual(p.residual)}` : "")
  );
}
