/**
 * The ledger llmdeploy computes for the configuration a start-up log describes: the model and GPU,
 * with the settings the log states (or the caller's overrides), through the same pipeline as
 * `estimate`. Pure: a resolved model and a device in, the predicted figures out.
 */
import { gpus as gpuCatalog } from "../catalog/index.js";
import type { DeviceEntry } from "../catalog/types.js";
import { UserError } from "../errors.js";
import type { ResolvedModel } from "../models/resolve.js";
import { estimate } from "../sizing/estimate.js";
import type { LedgerSettings, Predicted } from "./compare.js";
import type { VllmLogFigures } from "./vllm-log.js";

const GiB = 1024 ** 3;

export interface LedgerOverrides {
  tp?: number | undefined;
  pp?: number | undefined;
  maxModelLen?: number | undefined;
  gpuMemoryUtilization?: number | undefined;
  /** The vLLM release to model (canonical); the pinned one when absent. */
  engineVersion?: string | undefined;
  /**
   * The precision served (a precision id: fp8, int4, ...); absent: the log's own `quantization=fp8`
   * when it says so, else the model's own precision. Sizes the checkpoint that precision resolves to.
   */
  precision?: string | undefined;
}

/** The precision a log's quantization names without doubt (vLLM's `quantization=fp8`), or undefined. */
export function precisionFromLog(log: VllmLogFigures): string | undefined {
  return log.quantization && /^fp8$/i.test(log.quantization) ? "fp8" : undefined;
}

export function ledgerForLog(
  model: ResolvedModel,
  gpu: DeviceEntry,
  log: VllmLogFigures,
  o: LedgerOverrides = {},
): { predicted: Predicted; settings: LedgerSettings; basis: string } {
  const tp = o.tp ?? log.tensorParallel ?? 1;
  const pp = o.pp ?? log.pipelineParallel ?? 1;
  const kvCacheDtype = log.kvCacheDtype && /^fp8/i.test(log.kvCacheDtype) ? "fp8" : "auto";
  const r = estimate({
    model,
    precision: o.precision ?? precisionFromLog(log),
    kvCacheDtype,
    maxModelLen: o.maxModelLen ?? log.maxModelLen ?? undefined,
    concurrency: 1,
    gpu,
    gpus: tp * pp,
    tp,
    pp,
    gpuMemoryUtilization: o.gpuMemoryUtilization ?? log.gpuMemoryUtilization ?? undefined,
    maxNumBatchedTokens: log.maxNumBatchedTokens ?? undefined,
    maxNumSeqs: log.maxNumSeqs ?? undefined,
    catalog: gpuCatalog,
    // the memory ledger does not depend on the request shape; keep it inside any max model len
    workload: { inputTokens: 1, outputTokens: 1, requestRate: null },
    engine: "vllm",
    engineVersion: o.engineVersion,
    enforceEager: log.enforceEager ?? undefined,
  });
  const p = r.placement;
  if (!p) throw new UserError(`no placement of ${model.id} on ${tp * pp}× ${gpu.id} (TP ${tp} × PP ${pp})`);
  const s = p.engineSettings;
  const util = s.gpuMemoryUtilization;
  return {
    predicted: {
      weightsGiB: p.perGpu.weightsBytes / GiB,
      activationGiB: p.perGpu.activationBytes / GiB,
      nonTorchGiB: p.perGpu.nonTorchBytes / GiB,
      cudaGraphGiB: p.perGpu.cudaGraphBytes / GiB,
      kvCacheGiB: p.perGpu.kvCacheBytes / GiB,
      kvCacheTokens: p.kvCacheTokens,
      maxConcurrency: p.maxConcurrency,
    },
    settings: {
      tensorParallel: tp,
      pipelineParallel: pp,
      maxModelLen: r.maxModelLen,
      gpuMemoryUtilization: util,
      maxNumBatchedTokens: s.maxNumBatchedTokens,
      maxNumSeqs: s.maxNumSeqs,
      kvCacheDtype,
      totalGpuMemoryGiB: p.perGpu.totalBytes / GiB,
      engineVersion: r.engine.version,
      enforceEager: s.enforceEager,
      precision: r.precision,
      quantization: null,
    },
    basis:
      `${model.id} on ${tp * pp}× ${gpu.id}, vLLM ${r.engine.version}, TP ${tp} × PP ${pp}, max model len ${r.maxModelLen}, ` +
      `gpu_memory_utilization ${util}, max_num_seqs ${s.maxNumSeqs}, max_num_batched_tokens ${s.maxNumBatchedTokens}, kv cache ${kvCacheDtype}` +
      (s.enforceEager ? ", enforce eager" : ""),
  };
}
