/**
 * `llmdeploy verify --log vllm.log`: the figures vLLM printed at start-up against the ledger, from a
 * plan (--plan) or computed here (--model/--gpu, settings from the flags or the log).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { findGpu } from "../catalog/index.js";
import { UserError } from "../errors.js";
import { fractionFlag, intFlag } from "./flags.js";
import { resolveModel } from "../models/resolve.js";
import { ledgerForLog } from "../verify/computed-ledger.js";
import { ledgerFromPlan } from "../verify/plan-ledger.js";
import {
  compareLog,
  type LedgerSettings,
  parseVllmLog,
  type Predicted,
  type Row,
  settingNotes,
  type VllmLogFigures,
} from "../verify/vllm-log.js";
import { c, out, printJson } from "./output.js";
import { renderTable } from "./table.js";

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
  json?: boolean;
}

const int = (flag: string, v: string | undefined): number | undefined => intFlag(flag, v);

async function readPlanLedger(path: string) {
  let file = path;
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "plan.yaml");
  if (!existsSync(file))
    throw new UserError(`plan file ${file} does not exist`, "make one with llmdeploy plan --out DIR");
  let doc: unknown;
  try {
    const { parse } = await import("yaml");
    doc = parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UserError(`${file} is not valid YAML: ${String((e as Error).message).split("\n")[0]}`);
  }
  const r = ledgerFromPlan(doc);
  if ("problem" in r)
    throw new UserError(
      `${file} ${r.problem}`,
      "regenerate it with llmdeploy plan --out DIR, or pass --model and --gpu",
    );
  return { ...r, file };
}

/** The ledger computed by our engine for the model and GPU, with the settings the engine ran with. */
async function computedLedger(
  flags: VerifyFlags,
  log: VllmLogFigures,
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
  let model: Awaited<ReturnType<typeof resolveModel>>;
  try {
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
  return ledgerForLog(model, gpu, log, {
    tp: int("--tp", flags.tp),
    pp: int("--pp", flags.pp),
    maxModelLen: int("--max-model-len", flags.maxModelLen),
    gpuMemoryUtilization: fractionFlag("--gpu-memory-utilization", flags.gpuMemoryUtilization),
  });
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
  if (!existsSync(flags.log) || statSync(flags.log).isDirectory())
    throw new UserError(
      `log file ${flags.log} does not exist`,
      "save the engine's start-up output (docker logs engine > vllm.log)",
    );
  const log = parseVllmLog(readFileSync(flags.log, "utf8"));
  if (log.weightsGiB === null && log.kvCacheGiB === null && log.kvCacheTokens === null) {
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
    ({ predicted, settings, basis } = await computedLedger(flags, log));
  }
  const rows = compareLog(log, predicted, settings);
  const notes = settingNotes(log, settings);
  const result = { log, basis, settings, rows, notes, ok: rows.every((r) => r.ok !== false) };
  if (flags.json) return printJson(result);
  out(`${c.bold("vLLM start-up log")}${log.version ? ` (v${log.version})` : ""} against ${basis}`);
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
  for (const n of notes) out(c.dim(`note: ${n}`));
}
