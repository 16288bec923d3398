/**
 * `llmdeploy verify --log vllm.log`: the figures vLLM printed at start-up against the ledger, from a
 * plan (--plan) or computed here (--model/--gpu, settings from the flags or the log). Settings that
 * differ are reported first, then the figures, then a verdict when the engine did not start.
 * Exit codes: 0 done; 3 with --fail-on-miss when a figure is off or the engine failed; 1 bad input.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { findGpu } from "../catalog/index.js";
import { engineModule } from "../engines/index.js";
import { UserError } from "../errors.js";
import { readTextFile } from "./read-file.js";

import { checkModelArg } from "./model-arg.js";
import { fractionFlag, intFlag } from "./flags.js";
import { readPlanFile, REGENERATE } from "./plan-file.js";
import { resolveModel } from "../models/resolve.js";
import { ledgerForLog } from "../verify/computed-ledger.js";
import { ledgerFromPlan } from "../verify/plan-ledger.js";
import {
  compareLog,
  failureVerdict,
  type LedgerSettings,
  logVersion,
  missed,
  parseVllmLog,
  type Predicted,
  type Row,
  settingNotes,
  type VllmLogFigures,
} from "../verify/vllm-log.js";
import { c, info, out, printJson } from "./output.js";
import { renderTable } from "./table.js";

/** A vLLM start-up log is a few hundred KiB; a long-running server's whole log may be far more. */
const MAX_LOG_BYTES = 512 * 1024 * 1024;

export interface VerifyFlags {
  deployment?: string;
  log?: string;
  plan?: string;
  model?: string;
  gpu?: string;
  tp?: string;
  pp?: string;
  maxModelLen?: string;
  gpuMemoryUtilization?: string;
  engineVersion?: string;
  precision?: string;
  failOnMiss?: boolean;
  json?: boolean;
}

/** The flags that shape a computed ledger, parsed (bad values refused whether or not --plan is given). */
function ledgerFlags(flags: VerifyFlags) {
  return {
    tp: intFlag("--tp", flags.tp, { max: 64 }),
    pp: intFlag("--pp", flags.pp, { max: 512 }),
    maxModelLen: intFlag("--max-model-len", flags.maxModelLen),
    gpuMemoryUtilization: fractionFlag("--gpu-memory-utilization", flags.gpuMemoryUtilization),
    precision: flags.precision,
    engineVersion:
      flags.engineVersion === undefined
        ? undefined
        : engineModule("vllm").versions.resolve(flags.engineVersion),
  };
}

/** The plan's ledger: plan.yaml (or its folder) checked whole against the plan schema first (cli/plan-file.ts). */
async function readPlanLedger(path: string) {
  const hint = `${REGENERATE}, or pass --model and --gpu instead of --plan`;
  let file = path;
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "plan.yaml");
  const plan = await readPlanFile(file, hint);
  const r = ledgerFromPlan(plan);
  if ("problem" in r) throw new UserError(`${file} ${r.problem}`, hint);
  return { ...r, file };
}

/** The ledger computed by our engine for the model and GPU, with the settings the engine ran with. */
async function computedLedger(
  flags: VerifyFlags,
  log: VllmLogFigures,
  parsed: ReturnType<typeof ledgerFlags>,
): Promise<{ predicted: Predicted; settings: LedgerSettings; basis: string }> {
  const modelArg = flags.model ?? log.model;
  if (!modelArg)
    throw new UserError(
      "the log does not name the model",
      "pass --model (a catalog id, Hugging Face id or local folder) or --plan",
    );
  if (!flags.gpu)
    throw new UserError(
      "--gpu is needed without --plan",
      `e.g. --gpu a100-80g${log.totalGpuMemoryGiB ? ` (the log's GPU has ${log.totalGpuMemoryGiB} GiB)` : ""}; llmdeploy gpus lists them`,
    );
  const gpu = findGpu(flags.gpu);
  // The release: --engine-version, else the one the log names, else the pinned one.
  let engineVersion = parsed.engineVersion;
  if (engineVersion === undefined) {
    const v = logVersion(log, engineModule("vllm").versions);
    if (v && "outside" in v)
      throw new UserError(
        v.outside,
        "pass --engine-version X.Y to compare it with the ledger of a modelled release",
      );
    engineVersion = v?.version;
  }
  let model: Awaited<ReturnType<typeof resolveModel>>;
  try {
    checkModelArg(modelArg, "--model");
    model = await resolveModel(modelArg);
  } catch (e) {
    if (e instanceof UserError && !flags.model) {
      throw new UserError(
        `the log's model "${modelArg}" is not one llmdeploy can resolve: ${e.message}`,
        "pass --model with a catalog id (llmdeploy models), a Hugging Face id or a local folder",
      );
    }
    throw e;
  }
  const l = ledgerForLog(model, gpu, log, { ...parsed, engineVersion });
  if (engineVersion === undefined)
    l.basis += ` (the log names no vLLM release: the ledger models the pinned ${l.settings.engineVersion}; --engine-version picks another)`;
  return l;
}

export async function runVerify(flags: VerifyFlags): Promise<number | void> {
  if (flags.deployment) {
    if (flags.log) throw new UserError("give --deployment or --log, not both", "verify one thing at a time");
    const { runVerifyDeployment } = await import("./deployment-check.js");
    return runVerifyDeployment(flags.deployment, Boolean(flags.json));
  }
  if (!flags.log)
    throw new UserError(
      "--log or --deployment is required",
      "e.g. llmdeploy verify --deployment deploy/, or llmdeploy verify --log vllm.log --plan deploy/plan.yaml",
    );
  const logText = readTextFile(
    flags.log,
    "log file",
    "save the engine's start-up output (docker logs engine > vllm.log)",
    MAX_LOG_BYTES,
  );
  const parsed = ledgerFlags(flags);
  if (flags.plan) {
    const given = (
      [
        ["--model", flags.model],
        ["--gpu", flags.gpu],
        ["--precision", flags.precision],
        ["--tp", flags.tp],
        ["--pp", flags.pp],
        ["--max-model-len", flags.maxModelLen],
        ["--gpu-memory-utilization", flags.gpuMemoryUtilization],
        ["--engine-version", flags.engineVersion],
      ] as const
    ).filter(([, v]) => v !== undefined);
    if (given.length)
      throw new UserError(
        `${given.map(([f]) => f).join(", ")} ${given.length > 1 ? "do" : "does"} not apply with --plan: the plan states its own ledger and settings`,
        "drop them to compare with the plan, or drop --plan to compute the ledger for --model on --gpu",
      );
  }
  const started = performance.now();
  const log = parseVllmLog(logText);
  const parseMs = performance.now() - started;
  if (log.weightsGiB === null && log.kvCacheGiB === null && log.kvCacheTokens === null && !log.failure) {
    throw new UserError(
      `${flags.log} has no vLLM memory figures`,
      'pass the log from the engine\'s start until "Starting vLLM API server" (vLLM prints them at INFO level)',
    );
  }
  let predicted: Predicted;
  let settings: LedgerSettings;
  let basis: string;
  if (flags.plan) {
    const plan = await readPlanLedger(flags.plan);
    predicted = plan.predicted;
    settings = plan.settings;
    basis = `plan ${plan.file}${plan.model ? ` (${plan.model}` : ""}${plan.gpu ? ` on ${plan.gpu}` : ""}${plan.model ? ")" : ""}`;
  } else {
    ({ predicted, settings, basis } = await computedLedger(flags, log, parsed));
  }
  const notes = settingNotes(log, settings);
  const rows = compareLog(log, predicted, settings);
  const verdict = failureVerdict(log, predicted, settings);
  const miss = missed(rows, log);
  const result = {
    log,
    basis,
    settings,
    notes,
    rows,
    verdict,
    problems: log.problems,
    ok: !miss,
    parseMs: Math.round(parseMs),
  };
  if (flags.json) printJson(result);
  else {
    out(`${c.bold("vLLM start-up log")}${log.version ? ` (v${log.version})` : ""} against ${basis}`);
    // Settings that differ first: they explain the figures below.
    for (const n of notes) out(`${c.red("setting")}: ${n}`);
    out(
      renderTable(
        ["figure", "log", "predicted", "difference", ""].map((h) => c.bold(h)),
        rows.map((r: Row) => [
          r.figure,
          r.log === null ? "-" : String(r.log),
          r.predicted === null ? "-" : String(r.predicted),
          r.difference === null ? "-" : `${r.difference >= 0 ? "+" : ""}${(r.difference * 100).toFixed(1)} %`,
          r.ok === null
            ? c.dim(r.log === null ? "not in log" : "not predicted")
            : r.ok
              ? c.green("ok")
              : c.red("off"),
        ]),
      ),
    );
    for (const r of rows) if (r.advice) out(`${c.red(r.figure)}: ${r.advice}`);
    if (verdict) out(`${c.red("verdict")}: ${verdict}`);
    for (const p of log.problems) info(`note: ${p}`);
  }
  if (flags.failOnMiss && miss) {
    throw new UserError(
      log.failure
        ? "the engine did not start (--fail-on-miss)"
        : "figures outside their tolerance (--fail-on-miss)",
      "see the rows marked off and the advice above",
      3,
    );
  }
}
