/**
 * llama.cpp's GGUF file types: the ggml block layouts and the per-tensor type each file type gives a
 * tensor (its quantization mixture rules). Pure.
 */
import type { Tensor } from "./inventory.js";

export type GgufFtype = "Q8_0" | "Q6_K" | "Q5_K_M" | "Q4_K_M" | "Q4_0";
type GgmlType = "F32" | "Q4_0" | "Q5_0" | "Q5_1" | "Q8_0" | "Q4_K" | "Q5_K" | "Q6_K";

/** ggml block layouts: [values per block, bytes per block] (ggml.c type traits). */
export const GGML_BLOCKS: Record<GgmlType, [number, number]> = {
  F32: [1, 4],
  Q4_0: [32, 18], // fp16 scale + 16 bytes of nibbles
  Q5_0: [32, 22], // fp16 scale + 4 bytes of high bits + 16 bytes of nibbles
  Q5_1: [32, 24], // fp16 scale and min + high bits + nibbles
  Q8_0: [32, 34], // fp16 scale + 32 int8
  Q4_K: [256, 144], // fp16 d, dmin + 12 bytes of 6-bit scales + 128 bytes of nibbles
  Q5_K: [256, 176], // Q4_K + 32 bytes of high bits
  Q6_K: [256, 210], // 128 low nibbles + 64 high 2-bit + 16 int8 scales + fp16 d
};

/**
 * llama.cpp (src/llama-quant.cpp, llama_tensor_get_type): ffn_down and attn_v of the first and last
 * eighth of the layers, and of every third layer in between, get more bits in the _M mixtures.
 */
export function ggufUseMoreBits(layer: number, numLayers: number): boolean {
  const e = Math.floor(numLayers / 8);
  return layer < e || layer >= Math.floor((7 * numLayers) / 8) || (layer - e) % 3 === 2;
}

/**
 * The ggml type llama.cpp gives a tensor in a file type. 1-D tensors stay F32; the output matrix
 * (or the token embedding when the output is tied to it) gets Q6_K unless the file is Q8_0; rows
 * that are not a whole number of 256-value super-blocks fall back to a 32-value type.
 */
export function ggufTensorType(
  t: Tensor,
  ftype: GgufFtype,
  numLayers: number,
  hasOutput: boolean,
  experts = 0,
): GgmlType {
  if (t.cols === 1) return "F32";
  const base: Record<GgufFtype, GgmlType> = {
    Q8_0: "Q8_0",
    Q6_K: "Q6_K",
    Q5_K_M: "Q5_K",
    Q4_K_M: "Q4_K",
    Q4_0: "Q4_0",
  };
  let type = base[ftype];
  const isOutput = t.role === "lm_head" || (!hasOutput && t.role === "embedding");
  if (isOutput) {
    if (type !== "Q8_0") type = "Q6_K";
  } else if ((ftype === "Q4_K_M" || ftype === "Q5_K_M") && t.layer !== null) {
    const more = /\.(v_proj|down_proj)\.weight$/.test(t.name) && ggufUseMoreBits(t.layer, numLayers);
    if (more) type = "Q6_K";
  }
  // Models with exactly 8 experts (Mixtral-like) keep attn_k and attn_v in Q8_0 in every file type.
  if (experts === 8 && /\.(k_proj|v_proj)\.weight$/.test(t.name)) type = "Q8_0";
  if (GGML_BLOCKS[type][0] === 256 && t.cols % 256 !== 0) {
    type = type === "Q4_K" ? "Q5_0" : type === "Q5_K" ? "Q5_1" : "Q8_0";
  }
  return type;
}
