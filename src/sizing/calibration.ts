/**
 * The calibration set: published measurements (data/calibration/measurements.json, each with its
 * source and a verbatim quote) replayed through the performance model. Pure: records in, residuals out.
 * test/unit/calibration.test.ts prints the residuals and fails when the median error passes 25 %.
 */
import type { DeviceEntry, ModelEntry } from "../catalog/types.js";
import { engineModule, isEngineName } from "../engines/index.js";
import type { EngineModule } from "../engines/types.js";
import type { ModelArch } from "../models/arch.js";
import { parseHfConfig } from "../models/hfconfig.js";
import type { PerfConstants } from "./perf-constants.js";
import { batchPrefillMs, predictPerformance } from "./perf.js";
import {
  constantsOf,
  type PlacementRequest,
  perfInputOf,
  prepareModel,
  servePrecision,
  sizePlacement,
} from "./size.js";
import { bindPrecision, checkpointPrecision, lookupPrecision, type Precision } from "./weights.js";

export interface CalibrationRecord {
  id: string;
  source: string;
  quote: string;
  engine: string;
  model: string;
  precision: string;
  gpu: string;
  gpuCount: number | null;
  tensorParallel: number | null;
  pipelineParallel?: number;
  inputTokens: number | null;
  outputTokens: number | null;
  concurrency: number | null;
  requestRate: number | null;
  batchSize?: number | null;
  metric: string;
  statistic?: string;
  value: number;
  notes?: string;
  /** Kept for the record but not compared, with the reason (e.g. a run the model cannot describe). */
  exclude?: string;
}

export interface Residual {
  id: string;
  metric: string;
  engine: string;
  model: string;
  gpu: string;
  measured: number;
  predicted: number;
  /** predicted / measured − 1 */
  error: number;
}

export interface Skipped {
  id: string;
  reason: string;
}

/** Models of a calibration source that share the architecture of a catalog entry. */
const SAME_ARCHITECTURE: Record<string, string> = {
  "meta-llama/meta-llama-3-8b": "llama-3.1-8b",
  "meta-llama/meta-llama-3-8b-instruct": "llama-3.1-8b",
  "meta-llama/llama-3.1-8b": "llama-3.1-8b",
  "meta-llama/meta-llama-3.1-8b-instruct": "llama-3.1-8b",
  "meta-llama/meta-llama-3-70b": "llama-3.1-70b",
  "meta-llama/meta-llama-3-70b-instruct": "llama-3.1-70b",
  "meta-llama/meta-llama-3.1-70b-instruct": "llama-3.1-70b",
  "meta-llama/llama-3.1-70b": "llama-3.1-70b",
  "meta-llama/meta-llama-3.1-405b-instruct": "llama-3.1-405b",
  "meta-llama/llama-2-7b-hf": "llama-2-7b",
  "meta-llama/llama-2-13b-hf": "llama-2-13b",
  "meta-llama/llama-2-70b-hf": "llama-2-70b",
  "mistralai/mixtral-8x7b-v0.1": "mixtral-8x7b",
  "mistralai/mistral-7b-instruct-v0.2": "mistral-7b-v0.3",
  "nvidia/llama-3.1-8b-instruct-fp8": "llama-3.1-8b",
  "nvidia/llama-3.3-70b-instruct-fp8": "llama-3.3-70b",
  "nvidia/qwen3-235b-a22b-fp8": "qwen3-235b-a22b",
  "qwen/qwen3-235b-a22b-fp8": "qwen3-235b-a22b",
  "deepseek-ai/deepseek-r1-0528": "deepseek-r1",
  "llama2-70b": "llama-2-70b",
  "llama 3.1 8b": "llama-3.1-8b",
  "llama 3 70b": "llama-3.1-70b",
  "mixtral 8x7b": "mixtral-8x7b",
  // Qwen2.5-Coder-3B shares Qwen2.5-3B's architecture (hidden 2048, 36 layers, 16/2 heads, tied).
  "qwen/qwen2.5-coder-3b-instruct": "qwen2.5-3b",
  "mistralai/mistral-7b-v0.1": "mistral-7b-v0.3",
};

const PRECISION_OF: Record<string, string> = {
  "int4-awq": "awq",
  awq: "awq",
  "int4-gptq": "gptq",
  gptq: "gptq",
  w4a16: "w4a16",
  "fp8-block": "fp8-block",
};

const norm = (s: string) => s.trim().toLowerCase();

/** "meta-llama/Llama-2-7b-hf (GGUF F16)" -> "meta-llama/llama-2-7b-hf": the name before any remark. */
const bare = (s: string) => norm(s.replace(/\s*\(.*$/, ""));

export function findRecordModel(name: string, models: readonly ModelEntry[]): ModelEntry | null {
  const q = bare(name);
  const alias = SAME_ARCHITECTURE[q];
  if (alias) return models.find((m) => m.id === alias) ?? null;
  return (
    models.find(
      (m) =>
        m.id === q ||
        norm(m.hfId) === q ||
        (m.otherHfIds ?? []).some((h) => norm(h) === q) ||
        (m.aliases ?? []).some((a) => norm(a) === q),
    ) ?? null
  );
}

export function findRecordGpu(name: string, gpus: readonly DeviceEntry[]): DeviceEntry | null {
  const q = bare(name)
    .replace(/^nvidia\s+|^amd\s+(instinct\s+)?|geforce\s+/g, "")
    .replace(/\s+/g, "-");
  const candidates = [q, q.replace(/-sxm[45]?$/, "-sxm"), q.replace(/gb$/, "g"), q.replace(/-80gb$/, "-80g")];
  for (const c of candidates) {
    const g = gpus.find((x) => x.id === c || (x.aliases ?? []).includes(c));
    if (g) return g;
  }
  // Sources that do not say the variant: the SXM boards of the benchmark servers.
  if (q === "h100") return gpus.find((g) => g.id === "h100-sxm") ?? null;
  if (q === "a100") return gpus.find((g) => g.id === "a100-80g") ?? null;
  return null;
}

function precisionFor(name: string, arch: ModelArch): Precision | null {
  const p = bare(name);
  try {
    if (p === "auto" || p === "checkpoint") return checkpointPrecision(arch);
    return bindPrecision(lookupPrecision(PRECISION_OF[p] ?? p), arch);
  } catch {
    return null;
  }
}

const OFFLINE_USERS = 100_000;

/** Performance constants per engine: the committed ones, or a fit's trial values. */
export type ConstantsFor = (engine: EngineModule) => PerfConstants | undefined;

/** The model's prediction of one record's figure, or why it cannot be made. */
export function predictRecord(
  r: CalibrationRecord,
  models: readonly ModelEntry[],
  gpus: readonly DeviceEntry[],
  constantsFor: ConstantsFor = () => undefined,
): { predicted: number } | { skipped: string } {
  const entry = findRecordModel(r.model, models);
  if (!entry) return { skipped: `model ${r.model} not in the catalog` };
  const gpu = findRecordGpu(r.gpu, gpus);
  if (!gpu) return { skipped: `GPU ${r.gpu} not in the catalog` };
  const engineName = norm(r.engine).replace(/[-.]/g, "");
  if (!isEngineName(engineName)) return { skipped: `engine ${r.engine}` };
  const engine = engineModule(engineName);
  const arch = parseHfConfig(entry.config, entry.id);
  const bare0 = precisionFor(r.precision, arch);
  if (!bare0) return { skipped: `precision ${r.precision}` };
  if (r.inputTokens === null || r.outputTokens === null || r.inputTokens === undefined) {
    return { skipped: "variable-length dataset without average lengths" };
  }
  const model = prepareModel(arch);
  const served = {
    ...servePrecision(model, undefined, entry.id),
    precision: bare0,
    own: false,
    bytesScale: 1,
  };
  const tp = r.tensorParallel || 1;
  const pp = r.pipelineParallel ?? 1;
  // GPUs beyond one TP × PP group are data-parallel replicas (MLPerf's "TP2 x 4").
  const replicas = Math.max(1, Math.round((r.gpuCount || tp * pp) / (tp * pp)));
  const maxModelLen = Math.min(arch.maxPositionEmbeddings, Math.max(2048, r.inputTokens + r.outputTokens));
  // No concurrency, rate or batch: an offline throughput run (everything submitted at once).
  const users = r.concurrency ?? r.batchSize ?? (r.requestRate ? null : OFFLINE_USERS);
  const req: PlacementRequest = {
    model,
    served,
    engine,
    device: gpu,
    tp,
    pp,
    kvCacheDtype: "auto",
    maxModelLen,
    // The engine's defaults for a benchmark run (llama.cpp: its default slots).
    settings: engine.settings(gpu, {}),
    workload: {
      inputTokens: Math.max(1, r.inputTokens),
      outputTokens: Math.max(1, r.outputTokens),
      concurrency: r.requestRate ? null : (users ?? 1) * replicas,
      requestRate: r.requestRate ?? null,
    },
    replicas,
    constants: constantsFor(engine),
  };
  const sized = sizePlacement({ ...req, workload: undefined });
  if (!sized.memory.fits) return { skipped: `does not fit: ${sized.memory.reason}` };
  const input = perfInputOf(req, sized, replicas);
  const perf = predictPerformance(input, constantsOf(req));
  const I = Math.max(1, r.inputTokens);
  const O = Math.max(1, r.outputTokens);
  switch (r.metric) {
    case "ttftMs":
      // A fixed batch submitted at once waits for all of its prompts (TGI's and TRT-LLM's benchmarks).
      if (r.batchSize && r.batchSize > 1 && !r.concurrency)
        return { predicted: batchPrefillMs(input, r.batchSize, constantsOf(req)) };
      return { predicted: perf.ttftMs };
    case "tpotMs":
    case "itlMs":
      return { predicted: perf.tpotMs };
    case "e2eLatencyMs":
      return { predicted: perf.e2eLatencyMs };
    case "outputTokensPerSec":
      return { predicted: perf.outputTokensPerSec };
    case "outputTokensPerSecPerGpu":
      return { predicted: perf.outputTokensPerSec / Math.max(1, r.gpuCount ?? tp * pp) };
    case "totalTokensPerSec":
      return { predicted: (perf.outputTokensPerSec * (I + O)) / Math.max(O, 1) };
    case "requestsPerSec":
      return { predicted: perf.requestsPerSec };
    case "decodeTokensPerSec":
      // llama.cpp's tg: tokens/s of one sequence (batch 1) or of the whole batch
      return { predicted: (1000 / perf.tpotMs) * Math.max(1, users ?? 1) };
    case "prefillTokensPerSec": {
      // llama.cpp's pp: a prompt of I tokens processed alone
      return { predicted: (I / perf.ttftMs) * 1000 };
    }
    default:
      return { skipped: `metric ${r.metric}` };
  }
}

export function calibrate(
  records: readonly CalibrationRecord[],
  models: readonly ModelEntry[],
  gpus: readonly DeviceEntry[],
  constantsFor: ConstantsFor = () => undefined,
): { residuals: Residual[]; skipped: Skipped[] } {
  const residuals: Residual[] = [];
  const skipped: Skipped[] = [];
  for (const r of records) {
    if (r.exclude) {
      skipped.push({ id: r.id, reason: `excluded: ${r.exclude}` });
      continue;
    }
    const p = predictRecord(r, models, gpus, constantsFor);
    if ("skipped" in p) {
      skipped.push({ id: r.id, reason: p.skipped });
      continue;
    }
    residuals.push({
      id: r.id,
      metric: r.metric,
      engine: r.engine,
      model: r.model,
      gpu: r.gpu,
      measured: r.value,
      predicted: Math.round(p.predicted * 100) / 100,
      error: p.predicted / r.value - 1,
    });
  }
  return { residuals, skipped };
}

/** Median and 90th percentile of |error|. */
export function errorSummary(residuals: readonly Residual[]): { median: number; p90: number; n: number } {
  const abs = residuals.map((r) => Math.abs(r.error)).sort((a, b) => a - b);
  const q = (p: number) => (abs.length ? abs[Math.min(abs.length - 1, Math.floor(p * abs.length))]! : NaN);
  return { median: q(0.5), p90: q(0.9), n: abs.length };
}
