/**
 * The one sizing pipeline: `estimate`, the planner and the calibration all size a placement here.
 *
 *   prepareModel      the model's tensors and parameter counts, once
 *   servePrecision    the precision the engine runs (the checkpoint's own, or a requested one), and
 *                     whether its bytes come from the checkpoint's files as stored
 *   sizePlacement     weights per GPU for the TP/PP split (cached per split), the engine's memory
 *                     model (its module), then the performance model at a workload
 *
 * Pure: data in, data out. Nothing here names an engine: the engine's module decides its memory model,
 * settings and efficiencies.
 */
import type { DeviceEntry } from "../catalog/types.js";
import type { Performance } from "../contract/plan.js";
import type { EngineModule, MemoryOverheads, MemoryPlacement, RuntimeSettings } from "../engines/types.js";
import { UserError } from "../errors.js";
import type { ModelArch } from "../models/arch.js";
import type { CheckpointSummary } from "../models/checkpoint.js";
import { sequencesFit } from "../engines/vllm-hybrid.js";
import { hybridCacheFeature } from "./hybrid.js";
import { countParams, inventory, type ParamCount, type Tensor } from "./inventory.js";
import type { KvCacheDtype } from "./kv.js";
import { perfConstantsFor, type PerfConstants } from "./perf-constants.js";
import { type PerfInput, predictPerformance, type Workload } from "./perf.js";
import { type StageWeights, weightsPerStage } from "./placement.js";
import {
  bindPrecision,
  checkpointPrecision,
  lookupPrecision,
  mxfp4Backend,
  type Precision,
  storedWeightsBytes,
  weightsBytes,
} from "./weights.js";

/** GPUs in one node: the tensor-parallel group stays inside a node; pipeline stages span nodes. */
export const GPUS_PER_NODE = 8;

/** A model ready to size: its tensors and counts, and a cache of per-GPU weights by split. */
export interface SizingModel {
  arch: ModelArch;
  tensors: Tensor[];
  params: ParamCount;
  /** Module names the checkpoint keeps unquantized. */
  skip: readonly string[];
  /** Exact bytes from the checkpoint's headers (Hub, local safetensors, GGUF), when they were read. */
  checkpoint: CheckpointSummary | null;
  /** weightsPerStage results by precision, split and MXFP4 backend (the same for every GPU type). */
  stageCache: Map<string, StageWeights[]>;
}

export function prepareModel(arch: ModelArch, checkpoint?: CheckpointSummary | null): SizingModel {
  const tensors = inventory(arch);
  return {
    arch,
    tensors,
    params: countParams(arch, tensors),
    skip: arch.quantization?.skip ?? [],
    checkpoint: checkpoint ?? null,
    stageCache: new Map(),
  };
}

/** A precision as the engine will hold it. */
export interface ServedPrecision {
  precision: Precision;
  /** The checkpoint's own precision: its bytes are the stored bytes when the checkpoint was read. */
  own: boolean;
  /** Stored bytes over the architecture's estimate (1 unless `own` and the checkpoint was read). */
  bytesScale: number;
  /** What the engine must load: a GGUF file (llama.cpp, Ollama) or a Hugging Face checkpoint. */
  fileFormat: "gguf" | "safetensors";
}

/**
 * The precision the engine serves for a request (undefined or "auto": the checkpoint's own).
 * A quantized checkpoint is served only as it is stored (int4 matches AWQ / GPTQ / W4A16); anything
 * else is a UserError with field "precision".
 */
export function servePrecision(
  m: SizingModel,
  requested: string | undefined,
  modelLabel: string,
): ServedPrecision {
  const arch = m.arch;
  const own = checkpointPrecision(arch);
  let p: Precision;
  let isOwn: boolean;
  if (requested === undefined || requested === "auto") {
    p = own;
    isOwn = true;
  } else {
    const want = bindPrecision(lookupPrecision(requested), arch);
    isOwn =
      want.id === own.id ||
      (Boolean(arch.quantization) &&
        want.id === "int4" &&
        (own.id === "awq" || own.id === "gptq" || own.id === "w4a16")) ||
      // an FP8 checkpoint (fbgemm, compressed-tensors, block scales) is what --precision fp8 asks for
      (Boolean(arch.quantization) && want.format.kind === "fp8" && own.format.kind === "fp8");
    if (arch.quantization && !isOwn) {
      throw new UserError(
        `${modelLabel} is a ${own.label} checkpoint; it cannot be served as ${want.label}`,
        "leave out --precision to use the checkpoint as it is, or point at the unquantized checkpoint of the model",
        1,
        "precision",
      );
    }
    p = isOwn ? own : want;
  }
  const ck = m.checkpoint;
  const fromFiles = isOwn && ck !== null;
  if (fromFiles) p = { ...p, id: ck.format === "gguf" ? "gguf" : p.id, label: ck.label };
  // Headers add up to the stored layout (bitsandbytes double quantization is expanded at load).
  const archBytes = fromFiles ? storedWeightsBytes(m.tensors, checkpointPrecision(arch), m.skip) : 0;
  return {
    precision: p,
    own: isOwn,
    bytesScale: fromFiles && archBytes > 0 ? ck.loadedBytes / archBytes : 1,
    fileFormat: p.format.kind === "gguf" || (fromFiles && ck.format === "gguf") ? "gguf" : "safetensors",
  };
}

/** The served precision's weights for the whole model: stored bytes, or the architecture's count. */
export function modelWeightsBytes(m: SizingModel, s: ServedPrecision): number {
  const resident = weightsBytes(m.tensors, s.precision, m.skip);
  if (s.own && m.checkpoint) {
    const stored = storedWeightsBytes(m.tensors, s.precision, m.skip);
    // The stored bytes, expanded as the engine expands the layout (equal for most formats).
    return stored === resident ? m.checkpoint.loadedBytes : Math.round(resident * s.bytesScale);
  }
  return resident;
}

/** Weights per GPU of each pipeline stage, scaled to the stored bytes when they were read. */
export function stageWeights(
  m: SizingModel,
  s: ServedPrecision,
  p: Precision,
  tp: number,
  pp: number,
): StageWeights[] {
  const pad = p.format.kind === "mxfp4" && p.format.pad ? p.format.pad.backend : "";
  const key = `${p.id}:${tp}x${pp}:${pad}:${s.bytesScale}`;
  let w = m.stageCache.get(key);
  if (!w) {
    w = weightsPerStage(m.arch, m.tensors, p, tp, pp, m.skip);
    const f = s.bytesScale;
    if (f !== 1) {
      // The checkpoint's own bytes, split over TP ranks and PP stages as the architecture splits them.
      w = w.map((st) => ({
        ...st,
        bytesPerGpu: Math.round(st.bytesPerGpu * f),
        expertBytesPerGpu: Math.round(st.expertBytesPerGpu * f),
      }));
    }
    m.stageCache.set(key, w);
  }
  return w;
}

/**
 * Why the engine (at release `version`, the pinned one when absent) cannot split this model over
 * tp × pp GPUs of this device, or null.
 */
export function splitProblem(
  engine: EngineModule,
  device: DeviceEntry,
  tp: number,
  pp: number,
  version?: string,
): string | null {
  const count = tp * pp;
  const par = engine.parallel;
  // The cap first: its reason says what the engine does with several GPUs (Ollama spreads layers).
  if (par.maxGpus !== null && count > par.maxGpus && par.maxGpusReason) return par.maxGpusReason;
  if (tp > 1 && !par.tensor) return `${engine.label} has no tensor parallelism`;
  if (pp > 1 && !par.layersInNode && par.multiNode === null)
    return `${engine.label} cannot split layers over GPUs`;
  if (par.maxGpus !== null && count > par.maxGpus)
    return `${engine.label} uses at most ${par.maxGpus} GPU${par.maxGpus > 1 ? "s" : ""} per replica`;
  if (count > GPUS_PER_NODE && par.multiNode === null) return `${engine.label} runs on one node only`;
  if (count > GPUS_PER_NODE && version !== undefined && engine.multiNodeProblem) {
    const p = engine.multiNodeProblem(version);
    if (p) return p;
  }
  if (device.kind === "cpu" && count > 1) return "a CPU host is one device";
  return null;
}

export interface PlacementRequest {
  model: SizingModel;
  served: ServedPrecision;
  engine: EngineModule;
  device: DeviceEntry;
  tp: number;
  pp: number;
  kvCacheDtype: KvCacheDtype;
  maxModelLen: number;
  settings: RuntimeSettings;
  /** The load the performance prediction assumes; without it, no prediction. */
  workload?: Workload | undefined;
  replicas?: number | undefined;
  /** Performance constants; the engine's and the catalog's when absent (calibration passes its own). */
  constants?: PerfConstants | undefined;
  /** Memory overheads measured on the deployment (a calibration profile); the engine's own when absent. */
  overheads?: MemoryOverheads | undefined;
}

export interface SizedPlacement {
  /** The precision as this device's kernels hold it (MXFP4 padded per MoE backend). */
  precision: Precision;
  memory: MemoryPlacement;
  /** Nodes one replica spans. */
  nodes: number;
  /** Predicted at the workload when it fits and a workload was given, else null. */
  performance: (Performance & { saturated: boolean; capacity: number }) | null;
}

/** Memory, then performance, of one placement: the step every command shares. */
export function sizePlacement(req: PlacementRequest): SizedPlacement {
  const { model: m, served, engine, device, tp, pp } = req;
  const hybrid = hybridCacheFeature(m.arch);
  if (hybrid && !engine.sizesHybridCache) {
    throw new UserError(
      `${engine.label}: ${hybrid} is not modelled for this engine yet`,
      "size it with --engine vllm, whose hybrid KV cache manager llmdeploy models",
      1,
      "engine",
    );
  }
  const precision = mxfp4Backend(served.precision, device);
  const weights = stageWeights(m, served, precision, tp, pp);
  const memory = engine.memory({
    arch: m.arch,
    tensors: m.tensors,
    precision,
    skip: m.skip,
    kvCacheDtype: req.kvCacheDtype,
    device,
    tp,
    pp,
    maxModelLen: req.maxModelLen,
    settings: req.settings,
    stageWeights: weights,
    bytesScale: served.bytesScale,
    ...(req.overheads ? { overheads: req.overheads } : {}),
  });
  const nodes = Math.ceil((tp * pp) / GPUS_PER_NODE);
  const sized = { precision, memory, nodes, performance: null };
  return {
    ...sized,
    performance: memory.fits && req.workload ? performanceOf(req, sized, req.replicas ?? 1) : null,
  };
}

/** The performance model's input for a sized placement run as `replicas` replicas at req.workload. */
export function perfInputOf(
  req: PlacementRequest,
  sized: Pick<SizedPlacement, "precision" | "memory" | "nodes">,
  replicas: number,
): PerfInput {
  if (!req.workload) throw new Error("perfInputOf needs a workload");
  const m = req.model;
  const requestTokens = req.workload.inputTokens + req.workload.outputTokens;
  return {
    arch: m.arch,
    params: m.params,
    precision: sized.precision,
    kvCacheDtype: req.kvCacheDtype,
    gpu: req.device,
    tp: req.tp,
    pp: req.pp,
    nodes: sized.nodes,
    replicas,
    stages: sized.memory.stages,
    // Hybrid pools (vLLM): a request takes whole state blocks however short it is, so the tokens the
    // pool holds for this workload are the requests of inputTokens + outputTokens that fit.
    kvCacheTokens: sized.memory.hybridKv
      ? sequencesFit(sized.memory.hybridKv.layout, sized.memory.hybridKv.numBlocks, requestTokens) *
        requestTokens
      : sized.memory.kvCacheTokens,
    maxNumSeqs: req.settings.maxNumSeqs,
    maxNumBatchedTokens: req.settings.maxNumBatchedTokens,
    workload: req.workload,
  };
}

/** The constants a request's prediction uses: its own, or the engine's committed ones. */
export const constantsOf = (req: PlacementRequest): PerfConstants =>
  req.constants ?? perfConstantsFor(req.engine);

/** The performance model for a sized placement run as `replicas` replicas at req.workload. */
export function performanceOf(
  req: PlacementRequest,
  sized: Pick<SizedPlacement, "precision" | "memory" | "nodes">,
  replicas: number,
): Performance & { saturated: boolean; capacity: number } {
  return predictPerformance(perfInputOf(req, sized, replicas), constantsOf(req));
}

/** The workload every command checks the same way: whole positive numbers, requests that fit. */
export function checkWorkload(w: Workload, maxModelLen: number): void {
  for (const [field, v] of [
    ["inputTokens", w.inputTokens],
    ["outputTokens", w.outputTokens],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new UserError(`${field} must be a positive whole number, got ${v}`, undefined, 1, field);
  }
  if (w.concurrency !== null && (!Number.isInteger(w.concurrency) || w.concurrency < 1))
    throw new UserError(
      `concurrency must be a positive whole number, got ${w.concurrency}`,
      undefined,
      1,
      "concurrency",
    );
  if (w.requestRate !== null && !(w.requestRate > 0 && Number.isFinite(w.requestRate)))
    throw new UserError(`requestRate must be above 0, got ${w.requestRate}`, undefined, 1, "requestRate");
  if (w.inputTokens + w.outputTokens > maxModelLen) {
    throw new UserError(
      `input tokens ${w.inputTokens} + output tokens ${w.outputTokens} exceed the max model len ${maxModelLen}`,
      "raise the max model len or shorten the requests",
      1,
      "maxModelLen",
    );
  }
}
