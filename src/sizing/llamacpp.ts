/**
 * llama.cpp's (llama-server's, and Ollama's) memory per GPU with every layer offloaded (-ngl 999,
 * --split-mode layer over several GPUs). Unlike vLLM it takes only what it needs:
 *
 *   weights  the GGUF tensors of this GPU's layers, the output layer on the last GPU; the token
 *            embedding stays in host memory (llama.cpp's "CPU_Mapped model buffer", e.g. 281.81 MiB
 *            = 128256 × 4096 Q4_K for Llama 3 8B Q4_K_M);
 *   KV       --ctx-size tokens shared by --parallel slots: max-model-len × slots, f16 K and V
 *            (q8_0 with fp8, 34 bytes per 32 values), sliding-window layers capped at their window;
 *   compute  the graph buffer of one micro-batch (n_ubatch 512): f32 logits over the vocabulary plus
 *            the widest f32 activations (the MLP's gate and up), with flash attention (the default on
 *            CUDA), so no n_ctx × n_ubatch score matrix;
 *   context  the CUDA context and cuBLAS workspace, outside llama.cpp's own accounting.
 */
import type { ModelArch } from "../models/arch.js";
import type { Tensor } from "./inventory.js";
import { type KvCacheDtype, kvBytesForSequence } from "./kv.js";
import { stageLayers, type StageWeights } from "./placement.js";
import type { GpuLedger } from "./vllm.js";
import { tensorBytes, type Precision } from "./weights.js";

const GiB = 1024 ** 3;
/** llama.cpp's default micro-batch (--ubatch-size 512, common/arg.cpp). */
export const LLAMACPP_UBATCH = 512;
/** CUDA context + cuBLAS workspace per GPU (measured outside llama.cpp's log; ~0.3–0.5 GiB). */
export const CUDA_CONTEXT_BYTES = 0.4 * GiB;

export interface LlamacppPlacement {
  gpus: number;
  perGpu: GpuLedger;
  stages: StageWeights[];
  kvCacheTokens: number;
  slots: number;
  fits: boolean;
  reason: string | null;
}

export function llamacppPlacement(args: {
  arch: ModelArch;
  tensors: readonly Tensor[];
  precision: Precision;
  kvCacheDtype: KvCacheDtype;
  gpuMemoryBytes: number;
  gpus: number;
  maxModelLen: number;
  slots: number;
  /** A CPU host: everything, the embedding included, lives in its RAM; no CUDA context. */
  cpu?: boolean;
  /** Stored bytes over the architecture's estimate, when the GGUF file itself was read. */
  bytesScale?: number;
}): LlamacppPlacement {
  const { arch, tensors, precision, gpus, maxModelLen, slots } = args;
  const layerSets = stageLayers(arch.numLayers, gpus);
  const kvScale = args.kvCacheDtype === "fp8" ? 34 / 32 : 1; // q8_0 blocks vs 1 byte per element
  const compute =
    LLAMACPP_UBATCH *
    4 *
    (arch.vocabSize + 2 * Math.max(arch.intermediateSize, arch.moe?.expertIntermediateSize ?? 0));
  let tight: GpuLedger | null = null;
  const stages: StageWeights[] = [];
  let reason: string | null = null;
  layerSets.forEach((layers, i) => {
    const inStage = new Set(layers);
    const last = i === layerSets.length - 1;
    let bytes = 0;
    let experts = 0;
    for (const t of tensors) {
      const here =
        t.layer !== null
          ? inStage.has(t.layer)
          : t.role === "embedding"
            ? Boolean(args.cpu)
            : t.role === "vision"
              ? false
              : last;
      if (!here) continue;
      const b = tensorBytes(t, precision.format, arch.quantization?.skip ?? []);
      bytes += b;
      if (t.role === "expert") experts += b;
    }
    // A tied output layer is a second copy of the embedding on the GPU.
    if (last && arch.tieWordEmbeddings) {
      const emb = tensors.find((t) => t.role === "embedding");
      if (emb) bytes += tensorBytes(emb, precision.format, arch.quantization?.skip ?? []);
    }
    const scale = args.bytesScale ?? 1;
    bytes = Math.round(bytes * scale);
    experts = Math.round(experts * scale);
    stages.push({ layers, bytesPerGpu: bytes, expertBytesPerGpu: experts });
    const kv = Math.round(
      kvBytesForSequence(arch, "auto", maxModelLen, 1, layers) *
        slots *
        (args.kvCacheDtype === "fp8" ? 0.5 * kvScale : 1),
    );
    const context = args.cpu ? 0 : CUDA_CONTEXT_BYTES;
    const used = bytes + kv + compute + context;
    const ledger: GpuLedger = {
      totalBytes: args.gpuMemoryBytes,
      budgetBytes: args.gpuMemoryBytes,
      weightsBytes: bytes,
      activationBytes: compute,
      nonTorchBytes: context,
      kvCacheBytes: kv,
      cudaGraphBytes: 0,
    };
    if (used > args.gpuMemoryBytes && !reason) {
      reason = `${(used / GiB).toFixed(1)} GiB needed on GPU ${i} (weights, ${slots} × ${maxModelLen}-token KV cache, compute buffer), ${(args.gpuMemoryBytes / GiB).toFixed(1)} GiB there`;
    }
    if (
      !tight ||
      used > tight.weightsBytes + tight.kvCacheBytes + tight.activationBytes + tight.nonTorchBytes
    )
      tight = ledger;
  });
  return {
    gpus,
    perGpu: tight!,
    stages,
    kvCacheTokens: maxModelLen * slots,
    slots,
    fits: reason === null,
    reason,
  };
}
