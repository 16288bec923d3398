/**
 * What a checkpoint holds, counted from its tensor headers (safetensors) or tensor infos (GGUF):
 * exact parameters and bytes, per dtype. Pure: headers in, a summary out.
 *
 * Parameters are logical weights: a packed int4 `qweight` counts the values it holds, not its int32
 * words; scales, zero points and g_idx of quantized layers are bytes but not parameters
 * (docs/research/quant-formats.md gives each layout).
 *
 * `loadedBytes` is what the engine holds, by these simple rules:
 * - tensors vLLM never loads are left out: DeepSeek's multi-token-prediction layers
 *   (`model.layers.{i}` with i ≥ num_hidden_layers when num_nextn_predict_layers > 0), rotary
 *   `inv_freq` buffers, and `lm_head.weight` of a model with tied embeddings;
 * - unquantized float tensors (F32, F16, BF16, F64) are counted at 2 bytes per parameter: vLLM casts
 *   them to the 16-bit model dtype (dtype "auto" serves float32 checkpoints in 16 bit too);
 * - quantized weights and their scales, zeros and g_idx as stored (GPTQ-Marlin later frees qzeros and
 *   g_idx without act-order, a few MB; that is not subtracted);
 * - GGUF: every tensor as stored (llama.cpp loads the file as it is).
 */
import { UserError } from "../errors.js";
import type { CheckpointQuant, ModelArch } from "./arch.js";
import { numel, type SafetensorsHeader } from "./safetensors.js";

/** One GGUF tensor as the summary lists it. */
export interface GgufTensorBrief {
  name: string;
  /** ggml type name (Q4_K, F32, ...). */
  type: string;
  /** ggml dims, innermost (the input dimension) first. */
  shape: number[];
  params: number;
  bytes: number;
}

export interface CheckpointSummary {
  format: "safetensors" | "gguf";
  /** e.g. "GGUF Q4_K_M", "safetensors GPTQ int4", "safetensors BF16". */
  label: string;
  /** The files read (relative names), in order. */
  files: string[];
  /** Tensors in the files. */
  tensors: number;
  /** Logical parameters of every tensor in the files. */
  params: number;
  /** The same, without the tensors the engine does not load. */
  loadedParams: number;
  /** Logical parameters by the type they are stored in (INT4 for packed int4, MXFP4, Q4_K, BF16 ...). */
  paramsByDtype: Record<string, number>;
  /** Tensor data on disk (headers and padding excluded). */
  bytes: number;
  /** The same, by stored dtype (I32 for packed int4, U8 for MXFP4 blocks ...). */
  bytesByDtype: Record<string, number>;
  /** Of `bytes`: scales, zero points, g_idx and other quantization metadata tensors. */
  quantAuxBytes: number;
  /** Weight bytes the engine holds (see the module comment). */
  loadedBytes: number;
  /** Tensors left out of loadedParams/loadedBytes, and why. */
  excluded: { tensors: number; params: number; bytes: number; reasons: string[] };
  /** Quantization recognised in the tensors, or null. */
  quantization: string | null;
  /** GGUF only: every tensor with its ggml type. */
  ggufTensors?: GgufTensorBrief[];
}

const add = (m: Record<string, number>, k: string, v: number): void => {
  m[k] = (m[k] ?? 0) + v;
};

const FLOAT_DTYPES = new Set(["F64", "F32", "F16", "BF16"]);

/** Bits of a packed integer format, from the checkpoint's quantization_config (4 when it says none). */
function packedBits(q: CheckpointQuant | null): number {
  return q && (q.method === "gptq" || q.method === "awq") ? q.bits : 4;
}

/**
 * The logical [out_features, in_features] of a packed int32 weight.
 * GPTQ `qweight` [K·bits/32, N] packs along the input dim K; AWQ `qweight` [K, N·bits/32] along the
 * output dim N; compressed-tensors `weight_packed` [N, K·bits/32] along K. Either way the int32
 * words × 32/bits is the number of values.
 */
export function unpackedShape(
  layout: "gptq" | "awq" | "compressed-tensors",
  shape: readonly number[],
  bits: number,
): [number, number] {
  const per = 32 / bits;
  const [a = 0, b = 0] = shape;
  switch (layout) {
    case "gptq":
      return [b, a * per];
    case "awq":
      return [b * per, a];
    case "compressed-tensors":
      return [a, b * per];
  }
}

type Kind = { aux: true } | { aux: false; params: number; dtype: string };

/**
 * Classify one safetensors tensor by its name, its dtype and its siblings (the other tensor names of
 * the checkpoint): a parameter tensor (with its logical count and type) or quantization metadata.
 */
function classify(
  name: string,
  dtype: string,
  shape: readonly number[],
  has: (n: string) => boolean,
  q: CheckpointQuant | null,
): Kind {
  const n = numel(shape);
  const base = name.slice(0, name.lastIndexOf(".") + 1); // "…proj." (with the dot)
  const leaf = name.slice(base.length);
  // GPTQ / AWQ: qweight (packed int32), qzeros, scales, g_idx.
  if (leaf === "qweight") {
    const bits = packedBits(q);
    const layout =
      q?.method === "awq" ? "awq" : q?.method === "gptq" ? "gptq" : has(`${base}g_idx`) ? "gptq" : "awq";
    const [rows, cols] = unpackedShape(layout, shape, bits);
    return { aux: false, params: rows * cols, dtype: `INT${bits}` };
  }
  if (
    (leaf === "qzeros" || leaf === "scales" || leaf === "g_idx" || leaf === "g_idx_sort_indices") &&
    has(`${base}qweight`)
  )
    return { aux: true };
  // compressed-tensors pack-quantized (W4A16): weight_packed int32 [N, K·bits/32].
  if (leaf === "weight_packed") {
    if (dtype === "U8") return { aux: false, params: n * 2, dtype: "FP4" }; // NVFP4: 2 values per byte
    const [rows, cols] = unpackedShape("compressed-tensors", shape, 4); // W4A16: the only packed scheme parsed
    return { aux: false, params: rows * cols, dtype: "INT4" };
  }
  if (
    [
      "weight_scale",
      "weight_zero_point",
      "weight_g_idx",
      "weight_shape",
      "weight_global_scale",
      "weight_scale_inv",
      "input_scale",
      "input_scale_ub", // fbgemm_fp8's activation-scale bound, one fp32 per layer
      "input_global_scale",
      "output_scale",
      "k_scale",
      "v_scale",
      "q_scale",
      "prob_scale",
    ].includes(leaf)
  )
    return { aux: true };
  // MXFP4 (gpt-oss): *_blocks U8 [..., K/32, 16] hold 2 E2M1 values per byte; *_scales one E8M0 per 32.
  if (dtype === "U8" && leaf.endsWith("_blocks")) return { aux: false, params: n * 2, dtype: "MXFP4" };
  if (dtype === "U8" && leaf.endsWith("_scales") && has(name.replace(/_scales$/, "_blocks")))
    return { aux: true };
  // bitsandbytes 4-bit: weight U8 [ceil(N·K/2), 1] + absmax, quant_map, nested_*, quant_state blob.
  if (leaf === "weight" && dtype === "U8" && (has(`${name}.absmax`) || q?.method === "bitsandbytes-4bit")) {
    const kind = q?.method === "bitsandbytes-4bit" ? q.quantType.toUpperCase() : "NF4";
    return { aux: false, params: n * 2, dtype: kind };
  }
  if (/\.weight\.(absmax|quant_map|nested_absmax|nested_quant_map|quant_state\..+)$/.test(name))
    return { aux: true };
  // bitsandbytes LLM.int8(): weight I8 + SCB (fp32 per row) + weight_format.
  if ((leaf === "SCB" || leaf === "weight_format") && has(`${base}weight`)) return { aux: true };
  if (dtype === "I8" && leaf === "weight") return { aux: false, params: n, dtype: "INT8" };
  return { aux: false, params: n, dtype };
}

/** Why the engine would not load this tensor, or null. */
function unloaded(name: string, arch: ModelArch, has: (n: string) => boolean): string | null {
  // Qwen3-Next / Qwen3.5 keep their MTP layers under "mtp." (vLLM qwen3_next.py: `orig_to_new_prefix={"mtp.": None}`).
  if (/^(model\.)?mtp\./.test(name))
    return "multi-token-prediction layers (vLLM loads them only for speculative decoding)";
  if (arch.mtpLayers > 0) {
    const m = /^model\.layers\.(\d+)\./.exec(name);
    if (m && Number(m[1]) >= arch.numLayers)
      return "multi-token-prediction layers (vLLM loads them only for speculative decoding)";
  }
  if (name.endsWith("rotary_emb.inv_freq")) return "rotary inv_freq buffers (recomputed by the engine)";
  if (
    arch.tieWordEmbeddings &&
    /(^|\.)lm_head\.weight$/.test(name) &&
    (has("model.embed_tokens.weight") || has("language_model.model.embed_tokens.weight"))
  )
    return "lm_head.weight of a model with tied embeddings";
  return null;
}

function describeQuant(q: CheckpointQuant | null, byDtype: Record<string, number>): string | null {
  if (q) {
    switch (q.method) {
      case "gptq":
        return `GPTQ int${q.bits}, group ${q.groupSize}`;
      case "awq":
        return `AWQ int${q.bits}, group ${q.groupSize}`;
      case "fp8":
        return q.blockSize ? `FP8 ${q.blockSize.join("x")} blocks` : "FP8";
      case "fbgemm-fp8":
        return "FP8 fbgemm (per-channel)";
      case "compressed-tensors-fp8":
        return `compressed-tensors FP8 (${q.strategy})`;
      case "compressed-tensors-w4a16":
        return `compressed-tensors W4A16, group ${q.groupSize}`;
      case "compressed-tensors-w8a8":
        return "compressed-tensors W8A8 int8";
      case "mxfp4":
        return "MXFP4 experts";
      case "bitsandbytes-4bit":
        return `bitsandbytes ${q.quantType.toUpperCase()}`;
      case "bitsandbytes-8bit":
        return "bitsandbytes int8";
    }
  }
  return Object.keys(byDtype).find((d) => /^(INT\d|F8_|MXFP4|NF4|FP4|F4|F6_)/.test(d)) ?? null;
}

/** The dtype holding the most parameters. */
const dominant = (m: Record<string, number>): string =>
  Object.entries(m).sort((a, b) => b[1] - a[1])[0]?.[0] ?? "empty";

/**
 * Summarise the safetensors headers of one checkpoint (all its shards). `arch` is the model's
 * config.json (its quantization_config says how packed weights are laid out, its layer count which
 * layers are MTP layers). A checkpoint whose headers hold no tensor at all is refused (UserError):
 * there is nothing to size, and "0 parameters" would be a wrong answer.
 */
export function summarizeSafetensors(
  headers: readonly SafetensorsHeader[],
  arch: ModelArch,
): CheckpointSummary {
  if (headers.length > 0 && headers.every((h) => h.tensors.length === 0)) {
    const files = headers.map((h) => h.file);
    throw new UserError(
      `${files.slice(0, 3).join(", ")}${files.length > 3 ? ` and ${files.length - 3} more` : ""}: the safetensors header${files.length > 1 ? "s hold" : " holds"} no tensors`,
      "the checkpoint is empty or was not saved completely; download it again",
    );
  }
  const names = new Set<string>();
  for (const h of headers) for (const t of h.tensors) names.add(t.name);
  const has = (n: string) => names.has(n);
  const q = arch.quantization;
  const paramsByDtype: Record<string, number> = {};
  const bytesByDtype: Record<string, number> = {};
  const reasons = new Set<string>();
  let tensors = 0;
  let params = 0;
  let bytes = 0;
  let aux = 0;
  let loadedParams = 0;
  let loadedBytes = 0;
  const excluded = { tensors: 0, params: 0, bytes: 0 };
  for (const h of headers) {
    for (const t of h.tensors) {
      tensors++;
      bytes += t.bytes;
      add(bytesByDtype, t.dtype, t.bytes);
      const k = classify(t.name, t.dtype, t.shape, has, q);
      const p = k.aux ? 0 : k.params;
      if (k.aux) aux += t.bytes;
      else {
        params += p;
        add(paramsByDtype, k.dtype, p);
      }
      const why = unloaded(t.name, arch, has);
      if (why) {
        reasons.add(why);
        excluded.tensors++;
        excluded.params += p;
        excluded.bytes += t.bytes;
        continue;
      }
      loadedParams += p;
      loadedBytes += !k.aux && FLOAT_DTYPES.has(t.dtype) ? 2 * p : t.bytes;
    }
  }
  const quantization = describeQuant(q, paramsByDtype);
  return {
    format: "safetensors",
    label: `safetensors ${quantization ?? dominant(paramsByDtype)}`,
    files: headers.map((h) => h.file),
    tensors,
    params,
    loadedParams,
    paramsByDtype,
    bytes,
    bytesByDtype,
    quantAuxBytes: aux,
    loadedBytes,
    excluded: { ...excluded, reasons: [...reasons] },
    quantization,
  };
}

/** Summarise GGUF tensors (already sized from their ggml types). */
export function summarizeGguf(
  tensors: readonly GgufTensorBrief[],
  files: string[],
  fileType: string | null,
): CheckpointSummary {
  const paramsByDtype: Record<string, number> = {};
  const bytesByDtype: Record<string, number> = {};
  let params = 0;
  let bytes = 0;
  for (const t of tensors) {
    params += t.params;
    bytes += t.bytes;
    add(paramsByDtype, t.type, t.params);
    add(bytesByDtype, t.type, t.bytes);
  }
  const mostly = dominant(bytesByDtype);
  return {
    format: "gguf",
    label: fileType ? `GGUF ${fileType}` : `GGUF (mostly ${mostly})`,
    files,
    tensors: tensors.length,
    params,
    loadedParams: params,
    paramsByDtype,
    bytes,
    bytesByDtype,
    quantAuxBytes: 0, // ggml blocks carry their scales inside
    loadedBytes: bytes,
    excluded: { tensors: 0, params: 0, bytes: 0, reasons: [] },
    quantization: fileType ?? mostly,
    ggufTensors: [...tensors],
  };
}

/** The summary without the per-tensor list, for reports (JSON output stays small). */
export function checkpointBrief(c: CheckpointSummary): Omit<CheckpointSummary, "ggufTensors"> {
  return {
    format: c.format,
    label: c.label,
    files: c.files,
    tensors: c.tensors,
    params: c.params,
    loadedParams: c.loadedParams,
    paramsByDtype: c.paramsByDtype,
    bytes: c.bytes,
    bytesByDtype: c.bytesByDtype,
    quantAuxBytes: c.quantAuxBytes,
    loadedBytes: c.loadedBytes,
    excluded: c.excluded,
    quantization: c.quantization,
  };
}
