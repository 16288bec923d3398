/**
 * How a model is split across GPUs: tensor parallelism (TP) inside a node, pipeline parallelism
 * (PP) across stages, as vLLM does it.
 */
import { UserError } from "../errors.js";
import type { ModelArch } from "../models/arch.js";
import { hybridParallelismProblem } from "./hybrid.js";
import type { Tensor } from "./inventory.js";
import { kvHeadsPerRank } from "./kv.js";
import { groupSizeOf, type Precision, tensorBytes } from "./weights.js";

/** vLLM pads the vocabulary of its vocab-parallel embedding and lm_head to a multiple of 64. */
export const VOCAB_PADDING = 64; // vllm/model_executor/layers/vocab_parallel_embedding.py DEFAULT_VOCAB_PADDING_SIZE

/**
 * Why this TP/PP cannot serve the model, or null when it can. Mirrors vLLM's checks: attention heads
 * must split evenly across ranks; KV heads must split evenly, or (fewer KV heads than ranks) each be
 * replicated a whole number of times; quantized row-parallel inputs must stay whole groups.
 */
export function parallelismProblem(
  arch: ModelArch,
  tp: number,
  pp: number,
  precision: Precision,
): string | null {
  if (!Number.isInteger(tp) || tp < 1) return `tensor parallel size must be a positive integer, got ${tp}`;
  if (!Number.isInteger(pp) || pp < 1) return `pipeline parallel size must be a positive integer, got ${pp}`;
  if (arch.numHeads % tp !== 0) {
    return `tensor parallel size ${tp} does not divide the ${arch.numHeads} attention heads`;
  }
  if (!arch.mla) {
    const kv = arch.numKvHeads;
    if (kv >= tp ? kv % tp !== 0 : tp % kv !== 0) {
      return `tensor parallel size ${tp} does not divide the ${kv} KV heads (nor is a multiple of them)`;
    }
  }
  const hybrid = hybridParallelismProblem(arch, tp);
  if (hybrid) return hybrid;
  if (pp > arch.numLayers) return `pipeline parallel size ${pp} exceeds the ${arch.numLayers} layers`;
  const g = groupSizeOf(precision.format);
  // MXFP4 experts are zero-padded per rank by vLLM's MoE backends (gpt-oss-120b runs at TP 4: 720 ->
  // 768 on Marlin; test/fixtures/vllm-logs/gpt-oss-120b-a100-tp4.log), so no alignment is required.
  if (g !== null && tp > 1 && precision.format.kind !== "mxfp4") {
    const inners = [
      arch.intermediateSize,
      arch.moe?.expertIntermediateSize ?? 0,
      arch.moe?.sharedIntermediateSize ?? 0,
    ];
    for (const inner of inners.filter((x) => x > 0)) {
      if (inner % tp !== 0 || (inner / tp) % g !== 0) {
        return `${precision.label}: the MLP input of ${inner} split over ${tp} GPUs (${inner / tp}) is not a whole number of ${g}-wide groups`;
      }
    }
  }
  return null;
}

/** Throws a UserError naming the valid sizes when the split is impossible. */
export function assertParallelism(arch: ModelArch, tp: number, pp: number, precision: Precision): void {
  const problem = parallelismProblem(arch, tp, pp, precision);
  if (problem) {
    const valid = [1, 2, 4, 8, 16].filter((t) => parallelismProblem(arch, t, 1, precision) === null);
    throw new UserError(problem, `valid --tp values for this model: ${valid.join(", ") || "none"}`);
  }
}

/** Also checks that a precision's group size fits the unsplit model (e.g. AWQ on Falcon-7B's 4544). */
export function precisionProblem(
  arch: ModelArch,
  tensors: readonly Tensor[],
  precision: Precision,
): string | null {
  const g = groupSizeOf(precision.format);
  if (g === null) return null;
  const bad = tensors.find(
    (t) => t.linear && (precision.format.kind !== "mxfp4" || t.role === "expert") && t.cols % g !== 0,
  );
  return bad
    ? `${precision.label} needs every quantized layer's input size to be a multiple of ${g}; ${bad.name} has ${bad.cols}`
    : null;
}

/**
 * Decoder layers of each pipeline stage, as vLLM's get_pp_indices splits them: an even share each,
 * the remainder going to the stages just before the last one (the last also holds the lm_head).
 */
export function stageLayers(numLayers: number, pp: number): number[][] {
  const base = Math.floor(numLayers / pp);
  const sizes = Array.from({ length: pp }, () => base);
  for (let i = 2; i < 2 + (numLayers % pp); i++) sizes[pp - i]! += 1;
  const out: number[][] = [];
  let start = 0;
  for (const s of sizes) {
    out.push(Array.from({ length: s }, (_, k) => start + k));
    start += s;
  }
  return out;
}

/** The part of a tensor one TP rank holds. */
export function shardTensor(t: Tensor, arch: ModelArch, tp: number): Tensor {
  if (tp === 1) return t;
  switch (t.tp) {
    case "column":
    case "heads":
      return { ...t, rows: Math.ceil(t.rows / tp) };
    case "row":
      return { ...t, cols: Math.ceil(t.cols / tp) };
    case "kv":
      return { ...t, rows: kvHeadsPerRank(arch, tp) * (t.rows / arch.numKvHeads) };
    case "groups": {
      // whole groups per rank; every rank keeps one when there are fewer groups than ranks
      const units = t.units ?? 1;
      return { ...t, rows: Math.max(1, units / tp) * (t.rows / units) };
    }
    case "vocab":
      return { ...t, rows: Math.ceil((Math.ceil(t.rows / VOCAB_PADDING) * VOCAB_PADDING) / tp) };
    case "replicated":
      return t;
  }
}

export interface StageWeights {
  layers: number[];
  /** Bytes of weights on each GPU of this stage. */
  bytesPerGpu: number;
  /** Of which routed-expert weights (a decode step reads only the experts its tokens visit). */
  expertBytesPerGpu: number;
}

/**
 * Weight bytes per GPU for each pipeline stage. The first stage holds the embedding, the last the
 * final norm and lm_head (a separate copy of tied embeddings when PP > 1, as vLLM loads it).
 */
export function weightsPerStage(
  arch: ModelArch,
  tensors: readonly Tensor[],
  precision: Precision,
  tp: number,
  pp: number,
  skip: readonly string[] = [],
): StageWeights[] {
  const stages = stageLayers(arch.numLayers, pp);
  return stages.map((layers, s) => {
    const first = s === 0;
    const last = s === stages.length - 1;
    const inStage = new Set(layers);
    let bytes = 0;
    let expertBytes = 0;
    for (const t of tensors) {
      let here: boolean;
      if (t.layer !== null) here = inStage.has(t.layer);
      else if (t.role === "embedding") here = first || (last && arch.tieWordEmbeddings && pp > 1);
      else if (t.role === "vision") here = first;
      else here = last; // final norm, lm_head
      if (!here) continue;
      const b = tensorBytes(shardTensor(t, arch, tp), precision.format, skip);
      bytes += b;
      if (t.role === "expert") expertBytes += b;
    }
    return { layers, bytesPerGpu: bytes, expertBytesPerGpu: expertBytes };
  });
}
