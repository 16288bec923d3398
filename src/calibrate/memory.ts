/**
 * The memory ledger's overheads as a deployment's start-up logs measured them: vLLM's non-torch
 * memory and CUDA graph pool per GPU, which the ledger otherwise takes from published logs of other
 * deployments (src/engines/vllm-profile.ts). Each log is checked against the plan first (the model,
 * the GPU's memory, the split, the release, eager mode): a log of another deployment is refused.
 * Several logs (one per replica or worker): the largest figure of each, since every worker must fit.
 * Pure: parsed logs in.
 */
import type { Plan } from "../contract/plan.js";
import type { MemoryOverheads } from "../engines/types.js";
import { formatVersion, versionFromLog } from "../engines/version.js";
import { UserError } from "../errors.js";
import type { VllmLogFigures } from "../verify/vllm-log.js";
import type { PlannedDeployment } from "./deployment.js";
import type { LogRecord } from "./profile.js";

export interface LogInput {
  file: string;
  figures: VllmLogFigures;
}

const GiB = 1024 ** 3;
/** A log's GPU is the plan's when their memory agrees within this share (driver-visible vs catalog). */
const SAME_GPU_MEMORY = 0.05;

const tail = (s: string) => s.replace(/\/+$/, "").split("/").pop()!.toLowerCase();

/** Whether the model a log names is the one the plan's engine loads (its id, path or served name). */
function sameModel(logModel: string, plan: Plan): boolean {
  const d = plan.recommendation;
  const names = [d.engine.modelRef, d.engine.servedModelName, plan.model.hfId].filter((n): n is string =>
    Boolean(n),
  );
  return names.some((n) => n === logModel || tail(n) === tail(logModel));
}

/** The overheads the logs measured, and a record of each log; a UserError for a log that does not fit. */
export function overheadsFromLogs(
  logs: readonly LogInput[],
  plan: Plan,
  deployment: PlannedDeployment,
): { overheads: MemoryOverheads; records: LogRecord[]; notes: string[] } {
  const d = plan.recommendation;
  const { engine, device } = deployment;
  if (engine.startupLog !== "vllm")
    throw new UserError(
      `--log reads vLLM start-up logs; this plan runs ${engine.label}`,
      "leave out --log: the bench results calibrate its speed",
      1,
      "log",
    );
  const refuse = (file: string, why: string): never => {
    throw new UserError(
      `${file} ${why}`,
      "pass the start-up logs of this plan's deployment, or leave out --log",
      1,
      "log",
    );
  };
  const records: LogRecord[] = [];
  const notes: string[] = [];
  for (const { file, figures: f } of logs) {
    if (f.failure) refuse(file, `is of a start that failed (${f.failure.line.slice(0, 120)})`);
    if (f.model !== null && !sameModel(f.model, plan))
      refuse(file, `is a log of ${f.model}; the plan's engine loads ${d.engine.modelRef}`);
    if (
      f.totalGpuMemoryGiB !== null &&
      Math.abs((f.totalGpuMemoryGiB * GiB) / device.memoryBytes.value - 1) > SAME_GPU_MEMORY
    )
      refuse(
        file,
        `is of a GPU with ${f.totalGpuMemoryGiB} GiB; the plan's ${device.name} has ${(device.memoryBytes.value / GiB).toFixed(2)} GiB`,
      );
    if (f.tensorParallel !== null && f.tensorParallel !== d.tensorParallel)
      refuse(file, `ran tensor parallel ${f.tensorParallel}; the plan runs ${d.tensorParallel}`);
    if (f.pipelineParallel !== null && f.pipelineParallel !== d.pipelineParallel)
      refuse(file, `ran pipeline parallel ${f.pipelineParallel}; the plan runs ${d.pipelineParallel}`);
    const v = f.version === null ? null : versionFromLog(f.version);
    if (f.version !== null && (!v || formatVersion(v) !== deployment.engineVersion))
      refuse(file, `is of vLLM ${f.version}; the plan runs ${deployment.engineVersion}`);
    if (f.version === null)
      notes.push(`${file} names no vLLM release: taken as the plan's ${deployment.engineVersion}`);
    const eager = d.engine.enforceEager ?? false;
    if (f.enforceEager !== null && f.enforceEager !== eager)
      refuse(
        file,
        f.enforceEager
          ? "ran with --enforce-eager; the plan runs CUDA graphs"
          : "ran CUDA graphs; the plan runs with --enforce-eager",
      );
    if (f.nonTorchGiB === null && f.cudaGraphGiB === null)
      refuse(
        file,
        "states neither non-torch memory nor CUDA graph memory (vLLM prints them while it starts: “non-torch memory”, “Graph capturing finished … took X GiB”)",
      );
    records.push({
      file,
      version: f.version,
      tensorParallel: f.tensorParallel,
      nonTorchBytes: f.nonTorchGiB === null ? null : Math.round(f.nonTorchGiB * GiB),
      cudaGraphBytes: f.cudaGraphGiB === null || eager ? null : Math.round(f.cudaGraphGiB * GiB),
    });
  }
  const most = (xs: (number | null)[]) => {
    const v = xs.filter((x): x is number => x !== null);
    return v.length ? Math.max(...v) : undefined;
  };
  const overheads: MemoryOverheads = {};
  const nonTorch = most(records.map((r) => r.nonTorchBytes));
  const graphs = most(records.map((r) => r.cudaGraphBytes));
  if (nonTorch !== undefined) overheads.nonTorchBytes = nonTorch;
  if (graphs !== undefined) overheads.cudaGraphBytes = graphs;
  return { overheads, records, notes };
}
