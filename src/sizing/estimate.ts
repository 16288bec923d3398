/**
 * `estimate`: the memory ledger of a model at a precision under one engine, and where it fits.
 * Pure: data in, data out. Sizing goes through the shared pipeline (size.ts) and the engine's module.
 */
import { calibrationNotes, calibrationSession } from "../calibrate/apply.js";
import type { DeviceEntry } from "../catalog/types.js";
import { baseCheckpoint, ggufRefusalHint } from "../checkpoints/resolve.js";
import { sizeForEstimate } from "../checkpoints/sizing.js";
import {
  checkEagerMode,
  checkKvCacheDtypes,
  engineForFormat,
  engineImageFor,
  engineModule,
  engineVersionFor,
} from "../engines/index.js";
import type { EngineModule } from "../engines/types.js";
import { UserError } from "../errors.js";
import { checkpointBrief } from "../models/checkpoint.js";
import { hostNeeds } from "../planner/host.js";
import { DEFAULT_PRICING, gpuPrice, priceDeployment } from "../planner/pricing.js";
import { contextProblem, defaultMaxModelLen } from "./context.js";
import { architectureNotes, hybridSummary } from "./estimate-notes.js";
import { stateBytesPerSequence } from "./hybrid.js";
import { kvBytesForSequence, kvBytesPerToken } from "./kv.js";
import { assertParallelism, parallelismProblem, precisionProblem } from "./placement.js";
import {
  checkWorkload,
  GPUS_PER_NODE,
  modelWeightsBytes,
  prepareModel,
  servePrecision,
  sizePlacement,
  splitProblem,
} from "./size.js";
import { lookupPrecision } from "./weights.js";

export { GPUS_PER_NODE } from "./size.js";

export * from "./estimate-types.js";
import {
  archSummary,
  type EstimateRequest,
  type EstimateResult,
  type PlacementResult,
  DEFAULT_WORKLOAD,
} from "./estimate-types.js";

/** (tp, pp) splits of `count` GPUs to try, widest tensor parallel first, TP within one node. */
function splits(count: number): { tp: number; pp: number }[] {
  const out: { tp: number; pp: number }[] = [];
  for (let tp = Math.min(count, GPUS_PER_NODE); tp >= 1; tp--) {
    if (count % tp === 0) out.push({ tp, pp: count / tp });
  }
  return out;
}

/**
 * --gpus, --tp and --pp as one split of the GPUs (GPUs = TP × PP): a UserError naming the flags when
 * no split of whole numbers has them, e.g. --tp 4 on --gpus 2 (it would leave PP 0.5).
 */
export function checkSplitFlags(
  gpus: number | undefined,
  tp: number | undefined,
  pp: number | undefined,
): void {
  if (gpus === undefined) return;
  const hint = "--gpus is --tp × --pp: give --tp and --pp that divide --gpus, or leave them out";
  for (const [flag, v] of [
    ["--tp", tp],
    ["--pp", pp],
  ] as const) {
    if (v === undefined) continue;
    if (v > gpus)
      throw new UserError(`${flag} ${v} is more than --gpus ${gpus}`, hint, 1, flag === "--tp" ? "tp" : "pp");
    if (gpus % v !== 0)
      throw new UserError(
        `${flag} ${v} does not divide --gpus ${gpus}`,
        hint,
        1,
        flag === "--tp" ? "tp" : "pp",
      );
  }
  if (tp !== undefined && pp !== undefined && tp * pp !== gpus)
    throw new UserError(
      `--tp ${tp} × --pp ${pp} is not --gpus ${gpus}`,
      "give --gpus alone, or --tp and --pp that multiply to it",
    );
}

/** GPU counts tried per replica, smallest first. */
export const GPU_COUNTS = [1, 2, 4, 8, 16, 24, 32, 48, 64] as const;

export function estimate(req: EstimateRequest): EstimateResult {
  const { arch } = req.model;
  const base = prepareModel(arch, req.model.checkpoint);
  const counts = base.params;
  const notes: string[] = [];
  // The engine: the named one, or the one that loads the requested format.
  const guess = (() => {
    try {
      return servePrecision(base, req.precision, req.model.id).fileFormat;
    } catch {
      return req.precision && lookupPrecision(req.precision).format.kind === "gguf" ? "gguf" : "safetensors";
    }
  })();
  const engine: EngineModule = req.engine ? engineModule(req.engine) : engineForFormat(guess);
  // The checkpoint the engine would load, sized as stored; when none is offered, the format is sized
  // from the architecture and a note says so.
  const ref =
    req.model.hfId ??
    (req.model.source?.url ? req.model.source.url.replace(/\/config\.json$/, "") : req.model.id);
  const { model, served, checkpoint, note } = sizeForEstimate(base, {
    modelId: req.model.id,
    modelLabel: req.model.id,
    base: baseCheckpoint("model", ref, arch, req.model.checkpoint),
    precision: req.precision ?? "auto",
    engine,
  });
  if (note && served.fileFormat === engine.checkpointFormat) notes.push(note);
  const precision = served.precision;
  if (served.fileFormat !== engine.checkpointFormat) {
    throw new UserError(
      served.fileFormat === "gguf"
        ? `${precision.label} is a GGUF file type: ${engine.label} loads Hugging Face checkpoints`
        : `${engine.label} serves GGUF files; ${precision.label} is not one`,
      served.fileFormat === "gguf"
        ? `use --engine ${engineForFormat("gguf").name} (or leave --engine out)`
        : ggufRefusalHint(req.model.id, req.model.id, engine, null),
      1,
      "precision",
    );
  }
  const engineVersion = engineVersionFor(engine, req.engineVersion);
  checkEagerMode(engine, req.enforceEager);
  checkKvCacheDtypes(engine, [req.kvCacheDtype]);
  const precProblem = precisionProblem(model.arch, model.tensors, precision);
  if (precProblem) {
    throw new UserError(
      `${req.model.id}: ${precProblem}`,
      "choose another precision (e.g. fp8 or bf16) for this model",
      1,
      "precision",
    );
  }
  if (!Number.isInteger(req.concurrency) || req.concurrency < 1) {
    throw new UserError(
      `--concurrency must be a positive integer, got ${req.concurrency}`,
      undefined,
      1,
      "concurrency",
    );
  }
  const workload = req.workload ?? DEFAULT_WORKLOAD;
  const maxModelLen =
    req.maxModelLen ??
    defaultMaxModelLen(arch.maxPositionEmbeddings, workload.inputTokens, workload.outputTokens);
  if (!Number.isInteger(maxModelLen) || maxModelLen < 1) {
    throw new UserError(
      `--max-model-len must be a positive integer, got ${maxModelLen}`,
      undefined,
      1,
      "maxModelLen",
    );
  }
  const tooLong = contextProblem(
    {
      id: req.model.id,
      name: req.model.name,
      context: arch.maxPositionEmbeddings,
      longContext: req.model.longContext,
    },
    maxModelLen,
    workload.inputTokens,
    workload.outputTokens,
  );
  if (tooLong) throw tooLong;
  if (req.maxModelLen === undefined && arch.maxPositionEmbeddings > maxModelLen) {
    notes.push(
      `max model len ${maxModelLen} (the model supports ${arch.maxPositionEmbeddings}; set --max-model-len)`,
    );
  }
  if (
    req.gpuMemoryUtilization !== undefined &&
    !(req.gpuMemoryUtilization > 0 && req.gpuMemoryUtilization <= 1)
  ) {
    throw new UserError(
      `--gpu-memory-utilization must be in (0, 1], got ${req.gpuMemoryUtilization}`,
      undefined,
      1,
      "gpuMemoryUtilization",
    );
  }
  if (arch.dtype === "float32" && !req.precision)
    notes.push("fp32 checkpoint: the engine serves it in 16 bit (dtype auto)");

  checkWorkload({ ...workload, concurrency: req.concurrency }, maxModelLen);
  const kvPerSeq = kvBytesForSequence(arch, req.kvCacheDtype, maxModelLen);
  const statePerSeq = stateBytesPerSequence(arch);
  notes.push(...architectureNotes(arch));
  const ckpt = req.model.checkpoint;
  if (served.bytesScale !== 1 && ckpt)
    notes.push(
      `weights as stored in ${ckpt.files.length} checkpoint file${ckpt.files.length > 1 ? "s" : ""} (${ckpt.label}): ` +
        `${ckpt.loadedBytes} bytes; split over GPUs in proportion to the architecture's split`,
    );

  // A calibration profile applies to the placements on its GPU × engine; the first use is reported.
  const calibration = calibrationSession(req.calibration, engine, engineVersion);

  // What every node downloads: the checkpoint the engine loads (for the host an instance must have).
  const checkpointBytes = modelWeightsBytes(model, served);
  const place = (gpu: DeviceEntry, tp: number, pp: number): PlacementResult => {
    const settings = engine.settings(gpu, {
      gpuMemoryUtilization: req.gpuMemoryUtilization,
      maxNumBatchedTokens: req.maxNumBatchedTokens,
      maxNumSeqs: req.maxNumSeqs,
      concurrency: workload.requestRate === null ? req.concurrency : null,
      requestRate: workload.requestRate,
      engineVersion,
      enforceEager: req.enforceEager,
      maxModelLen,
      entryPoint: req.entryPoint,
      tp,
      pp,
    });
    const cal = calibration.of(gpu);
    const sized = sizePlacement({
      model,
      served,
      engine,
      device: gpu,
      constants: cal?.constants,
      overheads: cal?.overheads,
      tp,
      pp,
      kvCacheDtype: req.kvCacheDtype,
      maxModelLen,
      settings,
      workload: {
        inputTokens: workload.inputTokens,
        outputTokens: workload.outputTokens,
        concurrency: workload.requestRate === null ? req.concurrency : null,
        requestRate: workload.requestRate,
        numRequests: "numRequests" in workload ? (workload.numRequests ?? null) : null,
      },
    });
    const m = sized.memory;
    for (const n of m.notes ?? []) if (!notes.includes(n)) notes.push(n);
    let { fits, reason } = m;
    const unsupported =
      engine.supportProblem(gpu, sized.precision, engineVersion) ??
      splitProblem(engine, gpu, tp, pp, engineVersion);
    if (unsupported) {
      fits = false;
      reason = unsupported;
    } else if (fits && m.maxConcurrency < req.concurrency) {
      fits = false;
      reason = `${Math.floor(m.maxConcurrency)} sequences of ${maxModelLen} tokens fit, ${req.concurrency} requested`;
    }
    const count = tp * pp;
    // Priced as `plan` prices one replica: the cheapest on-demand instance of AWS, Google Cloud or
    // Azure that holds each node (and its host needs), rented whole.
    const gpusPerNode = Math.min(count, GPUS_PER_NODE);
    const weightsPerReplica = m.stages.reduce((s, st) => s + st.bytesPerGpu * tp, 0);
    const host = hostNeeds(gpusPerNode, sized.nodes, checkpointBytes, weightsPerReplica / sized.nodes);
    const priced = priceDeployment(gpuPrice(gpu, DEFAULT_PRICING), {
      gpusPerNode,
      nodes: sized.nodes,
      replicas: 1,
      host,
    });
    return {
      gpu: gpu.id,
      gpuName: gpu.name,
      count,
      tensorParallel: tp,
      pipelineParallel: pp,
      nodes: sized.nodes,
      fits,
      reason,
      perGpu: m.perGpu,
      ledger: m.lines,
      kvCacheTokens: m.kvCacheTokens,
      maxConcurrency: m.maxConcurrency,
      engineSettings: settings,
      ...(m.offloadedLayers !== undefined ? { offloadedLayers: m.offloadedLayers } : {}),
      ...(m.blockSize !== undefined ? { blockSize: m.blockSize } : {}),
      ...(m.hybridKv ? { hybridKv: hybridSummary(m.hybridKv, maxModelLen) } : {}),
      costPerHourUsd: priced.hourly === null ? null : Math.round(priced.hourly * 100) / 100,
      priceSource: priced.basis,
      instance: priced.instance,
      performance: unsupported ? null : sized.performance,
    };
  };

  /** The smallest placement on this GPU that fits, or the largest tried when none does. */
  const search = (gpu: DeviceEntry): PlacementResult => {
    let last: PlacementResult | null = null;
    const tried = req.gpus !== undefined ? [req.gpus] : GPU_COUNTS;
    for (const count of tried) {
      for (const { tp, pp } of splits(count)) {
        if (req.tp !== undefined && tp !== req.tp) continue;
        if (req.pp !== undefined && pp !== req.pp) continue;
        if (parallelismProblem(model.arch, tp, pp, precision)) continue;
        if (splitProblem(engine, gpu, tp, pp, engineVersion)) continue;
        const r = place(gpu, tp, pp);
        if (r.fits || engine.supportProblem(gpu, precision, engineVersion)) return r;
        last = r;
        break; // widest valid TP for this count tried; go to more GPUs
      }
    }
    if (last) return last;
    const tp = req.tp ?? 1;
    const pp = req.pp ?? 1;
    assertParallelism(model.arch, tp, pp, precision);
    return place(gpu, tp, pp);
  };

  const result: EstimateResult = {
    model: {
      id: req.model.id,
      name: req.model.name,
      hfId: req.model.hfId,
      resolvedFrom: req.model.resolvedFrom,
      source: req.model.source,
      params: ckpt ? ckpt.loadedParams : counts.total,
      // Tensors the architecture does not model (if any) are counted as always active.
      activeParams: ckpt ? Math.max(0, counts.active + ckpt.loadedParams - counts.total) : counts.active,
      paramsByRole: counts.byRole,
      architecture: archSummary(arch),
      ...(ckpt ? { checkpoint: checkpointBrief(ckpt) } : {}),
    },
    precision: req.precision && checkpoint ? lookupPrecision(req.precision).id : precision.id,
    precisionLabel: precision.label,
    checkpoint,
    kvCacheDtype: req.kvCacheDtype,
    maxModelLen,
    concurrency: req.concurrency,
    engine: {
      name: engine.name,
      version: engineVersion,
      source: engine.image.source,
      image: engineImageFor(engine, "gpu", engineVersion),
      memoryModel: engine.memoryModelFor(engineVersion),
    },
    memory: {
      weightsBytes: checkpointBytes,
      kvCacheBytesPerToken: kvBytesPerToken(arch, req.kvCacheDtype),
      kvCacheBytesPerSequence: kvPerSeq,
      stateBytesPerSequence: statePerSeq,
      kvCacheBytesForConcurrency: (kvPerSeq + statePerSeq) * req.concurrency,
    },
    workload: { ...workload, concurrency: req.concurrency },
    performance: null,
    calibration: null,
    notes,
  };

  checkSplitFlags(req.gpus, req.tp, req.pp);
  if (req.gpu) {
    const explicit = req.gpus !== undefined || req.tp !== undefined || req.pp !== undefined;
    if (explicit) {
      let tp = req.tp;
      let pp = req.pp;
      const n = req.gpus;
      if (n !== undefined) {
        if (!Number.isInteger(n) || n < 1) throw new UserError(`--gpus must be a positive integer, got ${n}`);
        if (tp === undefined && pp === undefined) {
          const valid = splits(n).find((s) => !parallelismProblem(model.arch, s.tp, s.pp, precision));
          tp = valid?.tp ?? Math.min(n, GPUS_PER_NODE);
          pp = valid?.pp ?? n / tp;
        } else if (tp === undefined) tp = n / pp!;
        else if (pp === undefined) pp = n / tp;
      }
      tp ??= 1;
      pp ??= 1;
      assertParallelism(model.arch, tp, pp, precision);
      result.placement = place(req.gpu, tp, pp);
    } else {
      result.placement = search(req.gpu);
    }
  } else {
    result.gpus = req.catalog.map(search);
  }
  result.calibration = calibration.use;
  const profileGpu = req.calibration?.profile;
  notes.push(
    ...calibrationNotes(req.calibration, calibration.use, {
      engine,
      engineVersion,
      devices: req.gpu ? [req.gpu] : req.catalog,
      what: "estimate",
      scope:
        result.gpus && profileGpu ? `applies to the ${profileGpu.gpuName || profileGpu.gpu} row only` : null,
    }),
  );
  const withPerf = (p: PlacementResult | undefined) =>
    p?.performance ? { ...p.performance, gpu: p.gpu, count: p.count } : null;
  if (result.placement) result.performance = withPerf(result.placement);
  else if (result.gpus) {
    const fits = result.gpus.filter((g) => g.fits && g.performance);
    const unsaturated = fits.filter((g) => !g.performance!.saturated);
    const fitting = unsaturated.length ? unsaturated : fits;
    const cheapest = [...fitting].sort(
      (a, b) => (a.costPerHourUsd ?? Infinity) - (b.costPerHourUsd ?? Infinity),
    )[0];
    result.performance = withPerf(cheapest);
  }
  return result;
}
