/**
 * The calibration set: published measurements (data/calibration/measurements.json and serving.json,
 * each with its source and a verbatim quote) replayed through the performance model. Pure: records
 * in, residuals out. Each record says which side of the fit/validation split its source document is
 * on (`split`), whether it was measured through the engine's HTTP API (`api`) and its KV cache dtype.
 * scripts/fit-calibration.ts fits the constants on the fit side; scripts/calibration-report.ts
 * (`npm run calibrate`) reports the errors on the validation side (docs/performance.md).
 */
import { createHash } from "node:crypto";
import type { DeviceEntry, ModelEntry } from "../catalog/types.js";
export { findRecordGpu, findRecordModel, recordSettings, recordVersion } from "./calibration-match.js";
import { engineModule, isEngineName } from "../engines/index.js";
import type { EngineModule } from "../engines/types.js";
import { parseHfConfig } from "../models/hfconfig.js";
import type { KvCacheDtype } from "./kv.js";
import { perfConstantsFor, type PerfConstants } from "./perf-constants.js";
import { type PerfInput, predictPerformance, staticBatch } from "./perf.js";
import { type LengthDist, replayRun } from "./replay.js";
import { type PlacementRequest, perfInputOf, prepareModel, servePrecision, sizePlacement } from "./size.js";
import { findRecordGpu, findRecordModel, norm, precisionFor, recordSettings } from "./calibration-match.js";

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
  /** Which side of the fit/validation split the source document is on (splitOf). */
  split?: "fit" | "validation";
  /** Measured through the engine's HTTP API (pays the per-request overhead); false: in-process. */
  api?: boolean;
  /** KV cache dtype of the run: auto (the 16-bit model dtype) or fp8. */
  kvCacheDtype?: KvCacheDtype;
  /** Requests in the benchmark run, when the source says: the run is replayed pass by pass. */
  numRequests?: number | null;
  /** The engine release the source states (free text: "0.11.0", "v0.5.3", "not stated"). */
  engineVersion?: string;
  /** How the run's lengths vary around inputTokens / outputTokens (the replay draws them). */
  lengths?: { input: LengthDist; output: LengthDist } | null;
}

/**
 * The side of the split a source document is on: the first byte of the SHA-256 of its URL, even →
 * fit, odd → validation. Decided by the URL alone, so a document is never on both sides and adding
 * documents moves none of the others.
 */
export function splitOf(source: string): "fit" | "validation" {
  return createHash("sha256").update(source).digest()[0]! % 2 === 0 ? "fit" : "validation";
}

export type MetricClass = "ttft" | "tpot" | "throughput" | "e2e";

/** What a record's figure measures, grouped as the report groups them. */
export function metricClass(metric: string): MetricClass | null {
  if (metric === "ttftMs" || metric === "prefillTokensPerSec") return "ttft";
  if (metric === "tpotMs" || metric === "itlMs" || metric === "decodeTokensPerSec") return "tpot";
  if (metric === "e2eLatencyMs") return "e2e";
  if (/TokensPerSec|requestsPerSec/.test(metric)) return "throughput";
  return null;
}

export interface Residual {
  id: string;
  source: string;
  split: "fit" | "validation";
  metric: string;
  metricClass: MetricClass;
  engine: string;
  model: string;
  gpu: string;
  moe: boolean;
  tp: number;
  /** Requests in flight per replica (static batch size; offline runs count as "offline"). */
  load: "1-8" | "9-64" | ">64" | "offline";
  measured: number;
  predicted: number;
  /** predicted / measured − 1 */
  error: number;
  /** The record's weight: no source document counts for more than DOCUMENT_CAP figures. */
  weight: number;
}

export interface Skipped {
  id: string;
  reason: string;
}

/** Users of an offline run (every prompt submitted at once): far beyond any capacity. */
const OFFLINE_USERS = 100_000;

/** Performance constants per engine: the committed ones, or a fit's trial values. */
export type ConstantsFor = (engine: EngineModule) => PerfConstants | undefined;

/** A record sized once (the memory ledger and placement do not depend on the fitted constants). */
export interface PreparedRecord {
  record: CalibrationRecord;
  engine: EngineModule;
  input: PerfInput;
  /** A fixed batch submitted at once, in-process (benchmark_latency, gptSessionBenchmark, llama-bench). */
  staticBatch: number | null;
  users: number | null;
  gpu: string;
  moe: boolean;
}

/** Sizes a record's run, or says why it cannot be predicted. */
export function prepareRecord(
  r: CalibrationRecord,
  models: readonly ModelEntry[],
  gpus: readonly DeviceEntry[],
): PreparedRecord | { skipped: string } {
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
  const api = r.api !== false;
  const staticBatchSize = !api && r.batchSize ? r.batchSize : null;
  // No concurrency, rate or batch: an offline throughput run (everything submitted at once).
  const users = r.concurrency ?? r.batchSize ?? (r.requestRate ? null : OFFLINE_USERS);
  const req: PlacementRequest = {
    model,
    served,
    engine,
    device: gpu,
    tp,
    pp,
    kvCacheDtype: r.kvCacheDtype ?? "auto",
    maxModelLen,
    // The engine's defaults for this run: its release where the module models it, its split, its
    // context and how it was started (llama.cpp: its default slots).
    settings: engine.settings(gpu, recordSettings(r, engine, tp, pp, maxModelLen)),
    workload: {
      inputTokens: Math.max(1, r.inputTokens),
      outputTokens: Math.max(1, r.outputTokens),
      concurrency: r.requestRate ? null : (users ?? 1) * replicas,
      requestRate: r.requestRate ?? null,
    },
    replicas,
  };
  const sized = sizePlacement({ ...req, workload: undefined });
  if (!sized.memory.fits) return { skipped: `does not fit: ${sized.memory.reason}` };
  return {
    record: r,
    engine,
    input: { ...perfInputOf(req, sized, replicas), throughApi: api },
    staticBatch: staticBatchSize,
    users,
    gpu: gpu.id,
    moe: arch.moe !== null,
  };
}

/** The model's prediction of a prepared record's figure, or why it cannot be made. */
export function predictPrepared(
  p: PreparedRecord,
  constantsFor: ConstantsFor = () => undefined,
  cache?: Map<string, unknown>,
): { predicted: number } | { skipped: string } {
  const r = p.record;
  // Figures of the same run (TTFT, TPOT, throughput of one benchmark) share one prediction.
  const once = <T>(kind: string, f: () => T): T => {
    if (!cache) return f();
    const key = `${kind}|${runKey(r)}`;
    if (!cache.has(key)) cache.set(key, f());
    return cache.get(key) as T;
  };
  const k = constantsFor(p.engine) ?? perfConstantsFor(p.engine);
  const { inputTokens: I, outputTokens: O } = p.input.workload;
  const gpusUsed = Math.max(1, r.gpuCount ?? p.input.tp * p.input.pp);
  if (p.staticBatch !== null) {
    // A fixed batch submitted at once: prefill of the whole batch, then its decode passes.
    const b = p.staticBatch;
    const s = once("static", () => staticBatch(p.input, b, k));
    const perReplicaTps = (b * O) / (s.e2eMs / 1e3);
    switch (r.metric) {
      case "ttftMs":
        return { predicted: s.ttftMs };
      case "tpotMs":
      case "itlMs":
        return { predicted: s.tpotMs };
      case "e2eLatencyMs":
        return { predicted: s.e2eMs };
      case "outputTokensPerSec":
        return { predicted: perReplicaTps * p.input.replicas };
      case "outputTokensPerSecPerGpu":
        return { predicted: (perReplicaTps * p.input.replicas) / gpusUsed };
      case "decodeTokensPerSec":
        // llama.cpp's tg: tokens/s of the whole batch in its decode passes
        return { predicted: (1000 / s.tpotMs) * b };
      case "prefillTokensPerSec":
        // llama.cpp's pp: the prompt of I tokens processed alone
        return { predicted: (b * I * 1000) / s.ttftMs };
      default:
        return { skipped: `metric ${r.metric}` };
    }
  }
  if (r.numRequests) {
    // A finite run the source describes: replayed pass by pass (its start-up burst and drain included).
    const n = r.numRequests;
    const run = once("replay", () => replayRun(p.input, k, n, r.lengths ? { lengths: r.lengths } : {}));
    const stat = (f: { mean: number; p50: number }) => (r.statistic === "median" ? f.p50 : f.mean);
    switch (r.metric) {
      case "ttftMs":
        return { predicted: stat(run.ttftMs) };
      case "tpotMs":
        return { predicted: stat(run.tpotMs) };
      case "itlMs":
        // ITL is over every gap between tokens, not per request (vLLM bench serve): its median is the
        // common gap, without the passes that carry prompts; its mean weighs long answers more.
        return { predicted: stat(run.itlMs ?? run.tpotMs) };
      case "e2eLatencyMs":
        return { predicted: stat(run.e2eLatencyMs) };
      case "outputTokensPerSec":
        return { predicted: run.outputTokensPerSec };
      case "outputTokensPerSecPerGpu":
        return { predicted: run.outputTokensPerSec / gpusUsed };
      case "requestsPerSec":
        return { predicted: run.requestsPerSec };
      default:
        return { skipped: `metric ${r.metric}` };
    }
  }
  const perf = once("steady", () => predictPerformance(p.input, k));
  switch (r.metric) {
    case "ttftMs":
      return { predicted: perf.ttftMs };
    case "tpotMs":
    case "itlMs":
      return { predicted: perf.tpotMs };
    case "e2eLatencyMs":
      return { predicted: perf.e2eLatencyMs };
    case "outputTokensPerSec":
      return { predicted: perf.outputTokensPerSec };
    case "outputTokensPerSecPerGpu":
      return { predicted: perf.outputTokensPerSec / gpusUsed };
    case "totalTokensPerSec":
      return { predicted: (perf.outputTokensPerSec * (I + O)) / Math.max(O, 1) };
    case "requestsPerSec":
      return { predicted: perf.requestsPerSec };
    case "decodeTokensPerSec":
      return { predicted: (1000 / perf.tpotMs) * Math.max(1, p.users ?? 1) };
    default:
      return { skipped: `metric ${r.metric}` };
  }
}

/** What identifies one benchmark run: every field of a record except the figure it reports. */
function runKey(r: CalibrationRecord): string {
  return JSON.stringify([
    r.source,
    r.engine,
    r.model,
    r.precision,
    r.gpu,
    r.gpuCount,
    r.tensorParallel,
    r.pipelineParallel,
    r.inputTokens,
    r.outputTokens,
    r.concurrency,
    r.requestRate,
    r.batchSize,
    r.numRequests,
    r.lengths,
    r.kvCacheDtype,
    r.api,
  ]);
}

/** The model's prediction of one record's figure, or why it cannot be made. */
export function predictRecord(
  r: CalibrationRecord,
  models: readonly ModelEntry[],
  gpus: readonly DeviceEntry[],
  constantsFor: ConstantsFor = () => undefined,
): { predicted: number } | { skipped: string } {
  const p = prepareRecord(r, models, gpus);
  return "skipped" in p ? p : predictPrepared(p, constantsFor);
}

/** No source document counts for more than this many figures (the aiconfigurator CSV has 246). */
export const DOCUMENT_CAP = 40;

const loadOf = (p: PreparedRecord): Residual["load"] => {
  const u = p.staticBatch ?? (p.record.requestRate ? null : p.users);
  if (u === null) return "9-64";
  if (u >= OFFLINE_USERS) return "offline";
  const perReplica = u / p.input.replicas;
  return perReplica <= 8 ? "1-8" : perReplica <= 64 ? "9-64" : ">64";
};

/**
 * Prepares every record once (records excluded or not predictable are listed with the reason).
 * `cache` keeps the preparations between calls (a fit calls calibrate thousands of times).
 */
export function prepareAll(
  records: readonly CalibrationRecord[],
  models: readonly ModelEntry[],
  gpus: readonly DeviceEntry[],
): { prepared: PreparedRecord[]; skipped: Skipped[] } {
  const prepared: PreparedRecord[] = [];
  const skipped: Skipped[] = [];
  for (const r of records) {
    if (r.exclude) {
      skipped.push({ id: r.id, reason: `excluded: ${r.exclude}` });
      continue;
    }
    if (!metricClass(r.metric)) {
      skipped.push({ id: r.id, reason: `metric ${r.metric}` });
      continue;
    }
    const p = prepareRecord(r, models, gpus);
    if ("skipped" in p) skipped.push({ id: r.id, reason: p.skipped });
    else prepared.push(p);
  }
  return { prepared, skipped };
}

/** Residuals of prepared records, each weighted so that no document counts for more than DOCUMENT_CAP. */
export function residualsOf(
  prepared: readonly PreparedRecord[],
  constantsFor: ConstantsFor = () => undefined,
) {
  const perDoc = new Map<string, number>();
  for (const p of prepared) perDoc.set(p.record.source, (perDoc.get(p.record.source) ?? 0) + 1);
  const residuals: Residual[] = [];
  const skipped: Skipped[] = [];
  const cache = new Map<string, unknown>();
  for (const p of prepared) {
    const r = p.record;
    const out = predictPrepared(p, constantsFor, cache);
    if ("skipped" in out) {
      skipped.push({ id: r.id, reason: out.skipped });
      continue;
    }
    residuals.push({
      id: r.id,
      source: r.source,
      split: r.split ?? splitOf(r.source),
      metric: r.metric,
      metricClass: metricClass(r.metric)!,
      engine: p.engine.name,
      model: r.model,
      gpu: p.gpu,
      moe: p.moe,
      tp: p.input.tp,
      load: loadOf(p),
      measured: r.value,
      predicted: Math.round(out.predicted * 100) / 100,
      error: out.predicted / r.value - 1,
      weight: Math.min(1, DOCUMENT_CAP / perDoc.get(r.source)!),
    });
  }
  return { residuals, skipped };
}

export function calibrate(
  records: readonly CalibrationRecord[],
  models: readonly ModelEntry[],
  gpus: readonly DeviceEntry[],
  constantsFor: ConstantsFor = () => undefined,
): { residuals: Residual[]; skipped: Skipped[] } {
  const { prepared, skipped } = prepareAll(records, models, gpus);
  const r = residualsOf(prepared, constantsFor);
  return { residuals: r.residuals, skipped: [...skipped, ...r.skipped] };
}

/** The weighted q-quantile of values (weights ≥ 0): the smallest value whose cumulative weight reaches q. */
export function weightedQuantile(values: readonly { v: number; w: number }[], q: number): number {
  const s = [...values].sort((a, b) => a.v - b.v);
  const total = s.reduce((a, b) => a + b.w, 0);
  if (!s.length || total <= 0) return NaN;
  let acc = 0;
  for (const x of s) {
    acc += x.w;
    if (acc >= q * total - 1e-12) return x.v;
  }
  return s[s.length - 1]!.v;
}

export interface ErrorSummary {
  /** Weighted median and 90th percentile of |error|, weighted median of the signed error. */
  median: number;
  p90: number;
  signedMedian: number;
  /** Figures, and their total weight. */
  n: number;
  weight: number;
}

/** Weighted median and 90th percentile of |error|, and the weighted median signed error. */
export function errorSummary(residuals: readonly Residual[]): ErrorSummary {
  const abs = residuals.map((r) => ({ v: Math.abs(r.error), w: r.weight }));
  const signed = residuals.map((r) => ({ v: r.error, w: r.weight }));
  return {
    median: weightedQuantile(abs, 0.5),
    p90: weightedQuantile(abs, 0.9),
    signedMedian: weightedQuantile(signed, 0.5),
    n: residuals.length,
    weight: residuals.reduce((a, r) => a + r.weight, 0),
  };
}
