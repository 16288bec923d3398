/**
 * What a checkpoint stores beyond the weights vLLM's main model loads, so that a published total
 * (the Hub's safetensors.total counts every stored tensor) can be reconciled with the inventory:
 *
 * - multi-token-prediction (MTP) layers, which vLLM loads only for speculative decoding
 *   (qwen3_next.py: "MTP weights are loaded by the draft model, not this one."; deepseek_v2.py
 *   skips layers past num_hidden_layers);
 * - the float32 block scales of FP8 checkpoints (weight_scale_inv: one per 128 × 128 block of each
 *   FP8 Linear), which are scales, not parameters, but are tensors the Hub counts.
 *
 * Pure. Used by the catalog's check of published totals (test/unit/catalog.test.ts).
 */
import type { ModelArch } from "../models/arch.js";
import { decoderLayer, linear, norm, type Tensor, tensorParams, vec } from "./inventory.js";
import { inventory } from "./inventory.js";
import { skipped } from "./weights.js";

/** Parts of a published total that are not parameters vLLM's main model loads. */
export interface StoredExtras {
  /** MTP layers the total includes (none when absent). */
  mtpLayers?: number;
  /** Each MTP layer stores its own embed_tokens and shared_head.head (DeepSeek-V3, GLM-4.5; not GLM-4.6). */
  mtpEmbeddings?: boolean;
  /** The total includes the FP8 checkpoint's float32 block scales. */
  fp8Scales?: boolean;
}

/**
 * The tensors of `layers` MTP layers, numbered after the decoder layers.
 * - DeepSeek / GLM layout (`num_nextn_predict_layers`): a decoder layer with full attention and the
 *   MoE block, enorm [h], hnorm [h], eh_proj [h, 2h] (BF16 in the FP8 checkpoints), shared_head.norm [h],
 *   and with `ownEmbeddings` its own embed_tokens and shared_head.head [V, h].
 * - Qwen3-Next / Qwen3.5 layout (`mtp_num_hidden_layers`; Qwen3-Next stores one layer without a config
 *   key): a full-attention decoder layer with the model's feed-forward block, fc [h, 2h], and three
 *   norms (pre_fc_norm_hidden, pre_fc_norm_embedding, norm).
 * Qwen3.5-27B: 104,858,112 attention + 267,386,880 MLP + 10,240 + 52,428,800 + 15,360 = 424,699,392.
 */
export function mtpTensors(arch: ModelArch, layers: number, ownEmbeddings: boolean): Tensor[] {
  const out: Tensor[] = [];
  const n = arch.numLayers;
  const h = arch.hiddenSize;
  const qwen = arch.gdn !== undefined && arch.gdn !== null;
  for (let k = 0; k < layers; k++) {
    const i = n + k;
    const moeHere = arch.moe !== null;
    const ext: ModelArch = {
      ...arch,
      numLayers: i + 1,
      layerTypes: [...arch.layerTypes, ...Array.from({ length: k + 1 }, () => "full" as const)],
      moe: arch.moe
        ? { ...arch.moe, moeLayers: [...arch.moe.moeLayers, ...Array.from({ length: k + 1 }, () => moeHere)] }
        : null,
      ...(arch.ffnLayers
        ? {
            ffnLayers: [
              ...arch.ffnLayers,
              ...Array.from({ length: k + 1 }, () => (moeHere ? ("moe" as const) : ("dense" as const))),
            ],
          }
        : {}),
    };
    out.push(...decoderLayer(ext, i));
    const p = `mtp.layers.${k}`;
    if (qwen) {
      out.push(linear(`${p}.fc.weight`, "mlp", i, h, 2 * h, "column"));
      for (const name of ["pre_fc_norm_hidden", "pre_fc_norm_embedding", "norm"])
        out.push(...norm(arch, `${p}.${name}`, i, h));
    } else {
      for (const name of ["enorm", "hnorm", "shared_head.norm"])
        out.push(...norm(arch, `${p}.${name}`, i, h));
      const eh = linear(`${p}.eh_proj.weight`, "mlp", i, h, 2 * h, "column");
      eh.linear = false;
      out.push(eh);
      if (ownEmbeddings) {
        out.push(vec(`${p}.embed_tokens.weight`, "embedding", i, arch.vocabSize, "vocab"));
        out[out.length - 1]!.cols = h;
        out.push(vec(`${p}.shared_head.head.weight`, "lm_head", i, arch.vocabSize, "vocab"));
        out[out.length - 1]!.cols = h;
      }
    }
  }
  return out;
}

/**
 * Float32 scales of an FP8 block-quantized checkpoint: ⌈rows/b0⌉ × ⌈cols/b1⌉ per stored FP8 Linear
 * (the tensors a weight-quantization scheme quantizes, less the checkpoint's skip list).
 */
export function fp8ScaleCount(arch: ModelArch, tensors: readonly Tensor[]): number {
  const q = arch.quantization;
  if (!q || q.method !== "fp8" || !q.blockSize) return 0;
  const [b0, b1] = q.blockSize;
  let n = 0;
  for (const t of tensors) {
    if (!(t.linear || t.storedLinear) || skipped(t, q.skip)) continue;
    n += Math.ceil(t.rows / b0) * Math.ceil(t.cols / b1) * t.count;
  }
  return n;
}

/** A published total taken apart: the loaded parameters and what else the checkpoint stores. */
export interface StoredCount {
  loaded: number;
  mtp: number;
  fp8Scales: number;
  total: number;
}

export function storedCount(arch: ModelArch, extras: StoredExtras = {}): StoredCount {
  const loadedTensors = inventory(arch);
  const mtpTensorsList = mtpTensors(arch, extras.mtpLayers ?? 0, extras.mtpEmbeddings === true);
  const sum = (ts: readonly Tensor[]) => ts.reduce((a, x) => a + tensorParams(x), 0);
  const loaded = sum(loadedTensors);
  const mtp = sum(mtpTensorsList);
  const fp8Scales = extras.fp8Scales ? fp8ScaleCount(arch, [...loadedTensors, ...mtpTensorsList]) : 0;
  return { loaded, mtp, fp8Scales, total: loaded + mtp + fp8Scales };
}
