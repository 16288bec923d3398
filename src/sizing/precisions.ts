/**
 * The weight formats llmdeploy sizes and the precisions users name (`--precision`), with their
 * aliases. How many bytes a tensor takes in each: weights.ts. Byte layouts:
 * docs/research/quant-formats.md.
 */
import { type GgufFtype } from "./gguf-types.js";

export type WeightFormat =
  | { kind: "float"; bytes: 2 | 4 }
  /** FP8 E4M3 weights; scale fp32 per tensor (vLLM dynamic), per output channel, or per block. */
  | { kind: "fp8"; scale: "tensor" | "channel" | { block: [number, number] } }
  /** INT8 W8A8 weights with an fp32 scale per output channel (compressed-tensors / SmoothQuant). */
  | { kind: "int8" }
  /** AWQ (GEMM layout): int4 packed in int32, fp16 scales and int4 zeros per group. */
  | { kind: "awq"; bits: number; groupSize: number }
  /**
   * GPTQ as vLLM's Marlin kernels hold it: packed weights and fp16 group scales; qzeros are freed, and
   * g_idx with its permutation (2 × int32 per input row) is kept only for act-order (desc_act).
   */
  | { kind: "gptq"; bits: number; groupSize: number; descAct: boolean }
  /** compressed-tensors pack-quantized W4A16 (symmetric): packed int32 weights, bf16 scale per group. */
  | { kind: "w4a16"; groupSize: number }
  /**
   * OCP MX FP4 on MoE experts: 32 E2M1 values (16 bytes) + one E8M0 scale byte per block. `pad`: the
   * multiples vLLM's MoE backend rounds each expert's inner (per TP rank) and hidden sizes up to
   * (see mxfp4Backend); absent, the checkpoint's own shapes.
   */
  | { kind: "mxfp4"; pad?: { inner: number; hidden: number; backend: string } }
  /**
   * bitsandbytes NF4/FP4 (blocks of 64 values). `doubleQuant` (bnb_4bit_use_double_quant) is how the
   * checkpoint stores the absmax: uint8 with an fp32 second-level absmax per 256 blocks instead of fp32.
   * The engine holds 4-bit values and an fp32 absmax per block either way: vLLM expands double
   * quantization at load (bitsandbytes_loader.py _dequantize_dq: "we perform the dequantization of these
   * constants during weight loading ... This comes at the cost of increased memory usage").
   */
  | { kind: "bnb4"; doubleQuant?: boolean }
  /** bitsandbytes LLM.int8(): int8 weights, fp32 scale per output row. */
  | { kind: "bnb8" }
  /** A llama.cpp GGUF file type: per-tensor ggml types chosen by llama.cpp's quantization rules. */
  | { kind: "gguf"; ftype: GgufFtype; numLayers: number; tiedEmbeddings: boolean; experts: number };

export interface Precision {
  /** Canonical id as the CLI takes it. */
  id: string;
  label: string;
  format: WeightFormat;
}

/** The precisions `--precision` accepts, and their shorthands. */
export const PRECISIONS: Record<string, Precision> = {
  fp32: { id: "fp32", label: "FP32", format: { kind: "float", bytes: 4 } },
  bf16: { id: "bf16", label: "BF16", format: { kind: "float", bytes: 2 } },
  fp16: { id: "fp16", label: "FP16", format: { kind: "float", bytes: 2 } },
  fp8: {
    id: "fp8",
    label: "FP8 (E4M3, per-tensor scale)",
    format: { kind: "fp8", scale: "tensor" },
  },
  "fp8-channel": {
    id: "fp8-channel",
    label: "FP8 (E4M3, per-channel scale)",
    format: { kind: "fp8", scale: "channel" },
  },
  "fp8-block": {
    id: "fp8-block",
    label: "FP8 (E4M3, 128x128 block scales)",
    format: { kind: "fp8", scale: { block: [128, 128] } },
  },
  int8: { id: "int8", label: "INT8 W8A8 (per-channel scale)", format: { kind: "int8" } },
  int4: { id: "int4", label: "INT4 AWQ, group 128", format: { kind: "awq", bits: 4, groupSize: 128 } },
  awq: { id: "awq", label: "INT4 AWQ, group 128", format: { kind: "awq", bits: 4, groupSize: 128 } },
  gptq: {
    id: "gptq",
    label: "INT4 GPTQ, group 128",
    format: { kind: "gptq", bits: 4, groupSize: 128, descAct: false },
  },
  "gptq-int8": {
    id: "gptq-int8",
    label: "INT8 GPTQ, group 128",
    format: { kind: "gptq", bits: 8, groupSize: 128, descAct: false },
  },
  w4a16: {
    id: "w4a16",
    label: "INT4 W4A16 compressed-tensors, group 128",
    format: { kind: "w4a16", groupSize: 128 },
  },
  mxfp4: { id: "mxfp4", label: "MXFP4 experts (gpt-oss style)", format: { kind: "mxfp4" } },
  nf4: { id: "nf4", label: "bitsandbytes NF4", format: { kind: "bnb4" } },
  "bnb-int8": { id: "bnb-int8", label: "bitsandbytes LLM.int8()", format: { kind: "bnb8" } },
  // GGUF file types (llama.cpp); layers, tying and experts are bound to the model by bindPrecision.
  q8_0: {
    id: "q8_0",
    label: "GGUF Q8_0",
    format: { kind: "gguf", ftype: "Q8_0", numLayers: 0, tiedEmbeddings: false, experts: 0 },
  },
  q6_k: {
    id: "q6_k",
    label: "GGUF Q6_K",
    format: { kind: "gguf", ftype: "Q6_K", numLayers: 0, tiedEmbeddings: false, experts: 0 },
  },
  q5_k_m: {
    id: "q5_k_m",
    label: "GGUF Q5_K_M",
    format: { kind: "gguf", ftype: "Q5_K_M", numLayers: 0, tiedEmbeddings: false, experts: 0 },
  },
  q4_k_m: {
    id: "q4_k_m",
    label: "GGUF Q4_K_M",
    format: { kind: "gguf", ftype: "Q4_K_M", numLayers: 0, tiedEmbeddings: false, experts: 0 },
  },
  q4_0: {
    id: "q4_0",
    label: "GGUF Q4_0",
    format: { kind: "gguf", ftype: "Q4_0", numLayers: 0, tiedEmbeddings: false, experts: 0 },
  },
};

export const PRECISION_ALIASES: Record<string, string> = {
  float32: "fp32",
  bfloat16: "bf16",
  float16: "fp16",
  half: "fp16",
  "awq-int4": "awq",
  "gptq-int4": "gptq",
  "int4-awq": "awq",
  "int4-gptq": "gptq",
  "w8a8-fp8": "fp8-channel",
  "w8a8-int8": "int8",
  bnb4: "nf4",
};
