/**
 * Ollama's scheduler estimate (https://github.com/ollama/ollama at v0.20.2, the pinned release): before
 * it starts its runner, Ollama decides how many layers go on the GPU from its own estimate and leaves
 * the rest on the CPU (llm/server.go, llamaServer.Load):
 *
 *   per layer   the layer's weights + its KV cache for OLLAMA_CONTEXT_LENGTH × OLLAMA_NUM_PARALLEL
 *               tokens (f16, or q8_0 with a quantized cache), the output layer (output norm and output
 *               matrix, or the tied token embedding) as one more layer;
 *   reserved    one layer (blk.0 and its cache) as a buffer, the vision projector's weights and
 *               its compute graph (ollamaVisionGraph), 457 MiB (DeviceInfo.MinimumMemory) and the
 *               compute graph (fs/ggml/ggml.go GraphSize, per-architecture formulas of the batch of
 *               512, the context and the vocabulary);
 *   placement   layers from the output down while they fit in the GPU's free memory; when not all fit,
 *               the output layer is left to the CPU first ("prefer offloading layers other than the
 *               output layer").
 *
 * Pure: a model, a GGUF precision and a GPU in, the layers on the GPU and the memory they take out.
 */
import type { ModelArch } from "../models/arch.js";
import { type Tensor, tensorParams } from "../sizing/inventory.js";
import type { KvCacheDtype } from "../sizing/kv.js";
import { type Precision, tensorBytes } from "../sizing/weights.js";

const MiB = 1024 ** 2;

/** ml/device.go DeviceInfo.MinimumMemory: "return 457 * format.MebiByte" (CUDA; 512 MiB on Metal). */
export const OLLAMA_MINIMUM_BYTES = 457 * MiB;
/** llm/server.go: the batch the graph is sized for (num_batch, 512 by default). */
export const OLLAMA_BATCH = 512;
/**
 * Memory a GPU reports in use before Ollama loads anything, which its free-memory figure leaves out:
 * "before.total=\"31.4 GiB\" before.free=\"30.9 GiB\" ... now.used=\"519.1 MiB\"" (RTX 5090, Ollama
 * 0.9.2, https://github.com/ollama/ollama/issues/11162).
 */
export const OLLAMA_IDLE_USED_BYTES = Math.round(519.1 * MiB);

export interface OllamaEstimate {
  /** Layers of the model as Ollama counts them: the blocks and the output layer. */
  totalLayers: number;
  gpuLayers: number;
  offloadedLayers: number;
  /** On the GPU: the layers placed there and the vision projector. */
  weightsBytes: number;
  kvBytes: number;
  graphBytes: number;
  /** The vision encoder's compute graph (ollamaVisionGraph), reserved with the projector. */
  visionGraphBytes: number;
  /** Free memory at the start, and what is reserved of it besides layers, projector and graph. */
  freeBytes: number;
  reservedBytes: number;
}

/** fs/ggml/ggml.go kvCacheBytesPerElement: f16 2 bytes, q8_0 1 (fp8 asks for the q8_0 cache). */
const kvElement = (dtype: KvCacheDtype): number => (dtype === "fp8" ? 1 : 2);

/**
 * KV cache of each block for `context` tokens (already × NUM_PARALLEL) as Ollama estimates it: every
 * layer holds the whole context, except Gemma 3's sliding layers (every layer but each sixth:
 * NUM_PARALLEL × window + batch) and gpt-oss's even layers (NUM_PARALLEL × 4096 + batch).
 */
export function ollamaKvPerLayer(
  arch: ModelArch,
  context: number,
  slots: number,
  dtype: KvCacheDtype,
): number[] {
  const perToken = arch.numKvHeads * (arch.headDim + arch.vHeadDim) * kvElement(dtype);
  return arch.layerTypes.map((_, i) => {
    if (/^gemma3/.test(arch.modelType) && (i + 1) % 6 !== 0 && arch.slidingWindow)
      return (slots * arch.slidingWindow + OLLAMA_BATCH) * perToken;
    if (arch.modelType === "gpt_oss" && i % 2 === 0) return (slots * 4096 + OLLAMA_BATCH) * perToken;
    return context * perToken;
  });
}

/**
 * fs/ggml/ggml.go GraphSize: the compute graph with every layer on the GPU (full) and with some on the
 * CPU (partial), for the Llama, Gemma and Qwen2 families and gpt-oss; other architectures fall back
 * to llm/server.go's "gqa * kvTotal / 6" for both. Mixtral's and the other special cases are not modelled.
 */
export function ollamaGraph(
  arch: ModelArch,
  context: number,
  kvTotalFullContext: number,
): { full: number; partial: number } {
  const b = OLLAMA_BATCH;
  const e = arch.hiddenSize;
  const V = arch.vocabSize;
  const H = arch.numHeads;
  const hkv = arch.numKvHeads;
  const eh = arch.headDim;
  const c = context;
  const t = arch.modelType;
  if (t === "llama" || t === "mistral") {
    const full = Math.max(4 * b * (1 + 4 * e + c * (1 + H)), 4 * b * (e + V));
    const partial =
      4 * b * e +
      Math.max(
        4 * b * (1 + e + Math.max(c, e)) + (e * e * 9) / 16 + 4 * c * (b * H + eh * hkv),
        4 * b * (e + V) + (e * V * 105) / 128,
      );
    return { full, partial };
  }
  if (/^gemma/.test(t)) {
    const full = Math.max(4 * b * (e + V), 4 * b * (2 + c + c * H + 2 * e + 2 * eh * H));
    const partial = Math.max(
      4 * e * b + (e * V * 105) / 128 + 4 * V * b,
      4 * b * (2 * e + 1 + 2 * eh * H + c + c * H) + 4 * eh * c * 8 + (e * eh * H * 9) / 16,
    );
    return { full, partial };
  }
  if (t === "qwen2") {
    const full = Math.max(4 * b * (e + V), 4 * b * (1 + 2 * e + c + c * H));
    const partial = Math.max(
      4 * b * (e + V) + (e * V * 105) / 128,
      4 * (b * (1 + 2 * e + c * (1 + H)) + e * (1 + c)),
    );
    return { full, partial };
  }
  const gqa = H / Math.max(1, hkv);
  const partial = ((t === "gpt_oss" ? 2 : 1) * gqa * kvTotalFullContext) / 6;
  return { full: partial, partial };
}

/**
 * The vision encoder's compute graph, which Ollama reserves on the GPU beside the projector's weights
 * (fs/ggml/ggml.go VisionGraphSize, "case \"gemma3\", \"mistral3\": graphSize = 4 * (imageSize*imageSize*numChannels
 * + embeddingLength*patchSize + numPatches*numPatches*headCount)", numPatches = (imageSize / patchSize)²;
 * llm/memory.go EstimateGPULayers adds it to the projector's weights: "projectorWeights, projectorGraph =
 * f.VisionGraphSize()", "gpuZeroOverhead := projectorWeights + projectorGraph", at v0.6.0). Logged as
 * "projector.weights=\"795.9 MiB\" projector.graph=\"1.0 GiB\"" for gemma3:27b
 * (https://github.com/ollama/ollama/issues/9818). Bytes; 0 for a model without a vision tower.
 */
export function ollamaVisionGraph(arch: ModelArch): number {
  const v = arch.vision;
  if (!v) return 0;
  const patches = Math.floor(v.imageSize / v.patchSize) ** 2;
  return (
    4 *
    (v.imageSize * v.imageSize * v.numChannels + v.hiddenSize * v.patchSize + patches * patches * v.numHeads)
  );
}

/** How many layers of `sizes` fit in `space`, taking them from the last one down (greedyFit). */
function fitFromTop(sizes: number[], space: number): number {
  let n = 0;
  for (let i = sizes.length - 1; i >= 0 && sizes[i]! <= space; i--) {
    space -= sizes[i]!;
    n++;
  }
  return n;
}

/** Ollama's estimate for one GPU of `totalBytes` serving `slots` × `context` tokens. */
export function ollamaSchedule(args: {
  arch: ModelArch;
  tensors: readonly Tensor[];
  precision: Precision;
  kvCacheDtype: KvCacheDtype;
  totalBytes: number;
  /** OLLAMA_CONTEXT_LENGTH (tokens per request). */
  context: number;
  /** OLLAMA_NUM_PARALLEL. */
  slots: number;
  /** Stored bytes over the architecture's estimate, when the GGUF file itself was read. */
  bytesScale?: number;
}): OllamaEstimate {
  const { arch, precision, slots } = args;
  const scale = args.bytesScale ?? 1;
  const skip = arch.quantization?.skip ?? [];
  const blocks = new Array<number>(arch.numLayers).fill(0);
  let output = 0;
  let embedding = 0;
  let projector = 0;
  for (const t of args.tensors) {
    const bytes = tensorBytes(t, precision.format, skip) * scale;
    if (t.layer !== null) blocks[t.layer] = (blocks[t.layer] ?? 0) + bytes;
    else if (t.role === "embedding") embedding += bytes;
    // Ollama ships the vision projector in 16 bit: "projector.weights=\"795.9 MiB\"" for gemma3:27b
    // (https://github.com/ollama/ollama/issues/9791), SigLIP's 0.42 B parameters × 2 bytes.
    else if (t.role === "vision") projector += tensorParams(t) * 2;
    else output += bytes; // output norm and output matrix
  }
  if (arch.tieWordEmbeddings) output += embedding; // "else if layer, ok := layers["token_embd"]"
  const context = args.context * slots;
  const kv = ollamaKvPerLayer(arch, context, slots, args.kvCacheDtype);
  const kvFull =
    arch.numLayers *
    context *
    arch.numKvHeads *
    (arch.headDim + arch.vHeadDim) *
    kvElement(args.kvCacheDtype);
  const graph = ollamaGraph(arch, context, kvFull);
  const layers = [...blocks.map((w, i) => w + kv[i]!), output];
  const free = Math.max(0, args.totalBytes - OLLAMA_IDLE_USED_BYTES);
  // One layer as a buffer and the minimum, besides the projector and the graph.
  const reserved = (blocks[0] ?? 0) + (kv[0] ?? 0) + OLLAMA_MINIMUM_BYTES;
  const visionGraph = projector > 0 ? ollamaVisionGraph(arch) : 0;
  const space = free - reserved - projector - visionGraph - Math.max(graph.full, graph.partial);
  let gpuLayers = fitFromTop(layers, space);
  let onGpu: number[] = layers.map((_, i) => i).slice(layers.length - gpuLayers);
  if (gpuLayers < layers.length) {
    // the output layer goes to the CPU first, then blocks from the top down fill the GPU
    gpuLayers = fitFromTop(layers.slice(0, -1), space);
    onGpu = layers.map((_, i) => i).slice(layers.length - 1 - gpuLayers, layers.length - 1);
  }
  const all = gpuLayers === layers.length;
  let weights = projector;
  let kvBytes = 0;
  for (const i of onGpu) {
    weights += i < blocks.length ? blocks[i]! : output;
    kvBytes += i < blocks.length ? kv[i]! : 0;
  }
  return {
    totalLayers: layers.length,
    gpuLayers,
    offloadedLayers: layers.length - gpuLayers,
    weightsBytes: Math.round(weights),
    kvBytes: Math.round(kvBytes),
    graphBytes: Math.round(all ? graph.full : graph.partial),
    visionGraphBytes: visionGraph,
    freeBytes: free,
    reservedBytes: Math.round(reserved),
  };
}
