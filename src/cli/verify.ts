/**
 * `llmdeploy verify --log vllm.log`: the figures vLLM printed at start-up against the ledger, from a
 * plan (--plan) or computed here (--model/--gpu, settings from the flags or the log).
 */
import { existsSync, readFileSync } from "node:fs";
import { findGpu, gpus as gpuCatalog } from "../catalog/index.js";
import { UserError } from "../errors.js";
import { resolveModel } from "../models/resolve.js";
import { estimate } from "../sizing/estimate.js";
import { compareLog, parseVllmLog, type Predicted, type Row } from "../verify/vllm-log.js";
import { c, info, out, printJson } from "./output.js";
import { renderTable } from "./table.js";

export interface VerifyFlags {
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

const GiB = 1024 ** 3;

function int(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UserError(`${flag} takes a whole number, got "${v}"`);
  return Number(v);
}

export async function runVerify(flags: VerifyFlags): Promise<void> {
  if (!flags.log)
    throw new UserError("--log is required", "e.g. llmdeploy verify --log vllm.log --plan deploy/plan.yaml");
  if (!existsSync(flags.log))
    throw new UserError(
      `log file ${flags.log} does not exist`,
      "save the engine's start-up output (docker logs engine > vllm.log)",
    );
  const log = parseVllmLog(readFileSync(flags.log, "utf8"));
  if (log.weightsGiB === null && log.kvCacheGiB === null && log.kvCacheTokens === null) {
    throw new UserError(
      `${flags.log} has no vLLM memory figures`,
      'pass the log from the engine\'s start until "Starting vLLM API server"',
    );
  }
  let predicted: Predicted;
  let basis: string;
  if (flags.plan) {
    const { readPlanFile } = await import("./render.js");
    const plan = await readPlanFile(flags.plan);
    const m = plan.recommendation.memory;
    predicted = {
      weightsGiB: m.perGpu.weightsBytes / GiB,
      activationGiB: m.perGpu.activationBytes / GiB,
      nonTorchGiB: m.perGpu.nonTorchBytes / GiB,
      cudaGraphGiB: m.perGpu.cudaGraphBytes / GiB,
      kvCacheGiB: m.perGpu.kvCacheBytes / GiB,
      kvCacheTokens: m.kvCacheTokens,
      maxConcurrency: m.maxConcurrency,
    };
    basis = `plan ${flags.plan}`;
  } else {
    const modelArg = flags.model ?? log.model;
    if (!modelArg)
      throw new UserError(
        "the log does not name the model",
        "pass --model (a catalog id, HF id or config path) or --plan",
      );
    if (!flags.gpu)
      throw new UserError("--gpu is needed without --plan", "e.g. --gpu h100 (llmdeploy gpus lists them)");
    let model: Awaited<ReturnType<typeof resolveModel>>;
    try {
      model = await resolveModel(modelArg);
    } catch (e) {
      if (e instanceof UserError && !flags.model) {
        throw new UserError(
          `the log's model "${modelArg}" is not one llmdeploy knows: ${e.message}`,
          "pass --model with a catalog id or a config path",
        );
      }
      throw e;
    }
    const tp = int("--tp", flags.tp) ?? log.tensorParallel ?? 1;
    const pp = int("--pp", flags.pp) ?? log.pipelineParallel ?? 1;
    const util =
      flags.gpuMemoryUtilization !== undefined
        ? Number(flags.gpuMemoryUtilization)
        : (log.gpuMemoryUtilization ?? 0.9);
    const gpu = findGpu(flags.gpu);
    const r = estimate({
      model,
      kvCacheDtype: "auto",
      maxModelLen: int("--max-model-len", flags.maxModelLen) ?? log.maxModelLen ?? undefined,
      concurrency: 1,
      gpu,
      gpus: tp * pp,
      tp,
      pp,
      gpuMemoryUtilization: util,
      catalog: gpuCatalog,
    });
    const p = r.placement!;
    predicted = {
      weightsGiB: p.perGpu.weightsBytes / GiB,
      activationGiB: p.perGpu.activationBytes / GiB,
      nonTorchGiB: p.perGpu.nonTorchBytes / GiB,
      cudaGraphGiB: p.perGpu.cudaGraphBytes / GiB,
      kvCacheGiB: p.perGpu.kvCacheBytes / GiB,
      kvCacheTokens: p.kvCacheTokens,
      maxConcurrency: p.maxConcurrency,
    };
    basis = `${model.id} on ${tp * pp}× ${gpu.id}, TP ${tp} × PP ${pp}, max model len ${r.maxModelLen}, gpu_memory_utilization ${util}`;
    if (
      log.totalGpuMemoryGiB !== null &&
      Math.abs((log.totalGpuMemoryGiB * GiB) / gpu.memoryBytes.value - 1) > 0.02
    ) {
      info(
        `note: the log's GPU has ${log.totalGpuMemoryGiB} GiB, ${gpu.id} in the catalog ${(gpu.memoryBytes.value / GiB).toFixed(2)} GiB: is --gpu right?`,
      );
    }
  }
  const rows = compareLog(log, predicted);
  const result = { log: log, basis, rows, ok: rows.every((r) => r.ok !== false) };
  if (flags.json) return printJson(result);
  out(`${c.bold("vLLM start-up log")} ${log.version ? `(v${log.version})` : ""} against ${basis}`);
  out(
    renderTable(
      ["figure", "log", "predicted", "difference", ""].map((h) => c.bold(h)),
      rows.map((r: Row) => [
        r.figure,
        r.log === null ? "-" : String(r.log),
        String(r.predicted),
        r.difference === null ? "-" : `${r.difference >= 0 ? "+" : ""}${(r.difference * 100).toFixed(1)} %`,
        r.ok === null ? c.dim("not in log") : r.ok ? c.green("ok") : c.red("off"),
      ]),
    ),
  );
  for (const r of rows) if (r.advice) out(`${c.red(r.figure)}: ${r.advice}`);
}
