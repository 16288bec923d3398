/**
 * Weight formats and the bytes each tensor takes in them.
 *
 * A format says how the quantizable tensors (2-D Linear weights inside decoder layers) are stored;
 * everything else (embeddings, lm_head, norms, biases, routers, vision tower) stays in 16 bit
 * (32 bit for fp32), which is how AWQ, GPTQ, FP8, MXFP4 and bitsandbytes checkpoints ship and how
 * vLLM loads them. Byte layouts: docs/research/quant-formats.md.
 */
import { UserError } from "../errors.js";
import type { CheckpointQuant, ModelArch } from "../models/arch.js";
import { GGML_BLOCKS, ggufTensorType } from "./gguf-types.js";
import { type Tensor, tensorParams } from "./inventory.js";
import { type Precision, PRECISION_ALIASES, PRECISIONS, type WeightFormat } from "./precisions.js";

export { type Precision, PRECISION_ALIASES, PRECISIONS, type WeightFormat };
export type { GgufFtype } from "./gguf-types.js";
export { GGML_BLOCKS, ggufTensorType, ggufUseMoreBits } from "./gguf-types.js";

const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/**
 * Does a skip pattern (quantization_config modules_to_not_convert / ignore / ignored_layers /
 * llm_int8_skip_modules) name this tensor? Patterns are module names ("model.layers.0.mlp.down_proj",
 * "lm_head": the module or anything under it), globs ("model.layers.*.self_attn") or, in
 * compressed-tensors' `ignore`, regular expressions after "re:" ("re:.*mlp.gate$"), matched from the
 * start of the module's name with or without its "model." prefix.
 */
export function skipped(t: Tensor, skip: readonly string[]): boolean {
  return skip.some((s) => {
    if (s.startsWith("re:")) {
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${s.slice(3)})`);
      } catch {
        return false;
      }
      const module = t.name.replace(/\.(weight|bias)$/, "");
      return re.test(module) || re.test(`model.${module}`);
    }
    const pat = s.replace(/^model\./, "");
    if (pat.includes("*")) {
      const re = new RegExp(
        "^" +
          pat
            .split("*")
            .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*"),
      );
      return re.test(t.name);
    }
    return t.name === pat || t.name.startsWith(pat + ".") || t.name.split(".").includes(pat);
  });
}

/**
 * Bytes of one tensor (all its stacked copies) in a format. `rows`/`cols` may be a TP shard.
 * Non-quantized tensors take `floatBytes` per parameter.
 */
export function tensorBytes(
  t: Tensor,
  format: WeightFormat,
  skip: readonly string[] = [],
  layout: "resident" | "stored" = "resident",
): number {
  const n = tensorParams(t);
  const floatBytes = format.kind === "float" ? format.bytes : 2;
  if (format.kind === "gguf") {
    // GGUF quantizes every 2-D tensor, embeddings and output included.
    const type = ggufTensorType(t, format.ftype, format.numLayers, !format.tiedEmbeddings, format.experts);
    const [per, bytes] = GGML_BLOCKS[type];
    return t.count * t.rows * Math.ceil(t.cols / per) * bytes;
  }
  const quantizable = t.linear && !skipped(t, skip) && (format.kind !== "mxfp4" || t.role === "expert");
  if (!quantizable) return n * floatBytes;
  const { rows, cols, count } = t;
  switch (format.kind) {
    case "float":
      return n * format.bytes;
    case "fp8": {
      const s = format.scale;
      const scales =
        s === "tensor" ? 1 : s === "channel" ? rows : ceilDiv(rows, s.block[0]) * ceilDiv(cols, s.block[1]);
      return count * (rows * cols + 4 * scales);
    }
    case "int8":
      return count * (rows * cols + 4 * rows);
    case "awq": {
      // qweight int32 [cols, rows*bits/32]; qzeros int32 [cols/g, rows*bits/32]; scales fp16 [cols/g, rows]
      const groups = ceilDiv(cols, format.groupSize);
      return (
        count * ((cols * rows * format.bits) / 8 + (groups * rows * format.bits) / 8 + groups * rows * 2)
      );
    }
    case "gptq": {
      // Resident after GPTQ-Marlin loading: K·N·bits/8 + 2·G·N (+ 8·K with desc_act);
      // docs/research/quant-formats.md §1.4. Per-channel (group_size -1) is one group.
      const groups = Number.isFinite(format.groupSize) ? ceilDiv(cols, format.groupSize) : 1;
      return count * ((cols * rows * format.bits) / 8 + groups * rows * 2 + (format.descAct ? 8 * cols : 0));
    }
    case "w4a16": {
      // weight_packed int32 [rows, cols/8]; weight_scale bf16 [rows, cols/g]; weight_shape int64 [2]
      const groups = ceilDiv(cols, format.groupSize);
      return count * (rows * cols * 0.5 + rows * groups * 2 + 16);
    }
    case "mxfp4": {
      // blocks of 32 along the input dimension: 16 bytes of E2M1 pairs + 1 byte E8M0 scale. With a
      // backend's padding, gate/up ([inner, hidden], split by rows) and down ([hidden, inner], split
      // by columns) are zero-padded to its multiples, and the padding is resident too.
      let r = rows;
      let c = cols;
      if (format.pad && t.role === "expert") {
        const up = (v: number, m: number) => ceilDiv(v, m) * m;
        const inner = t.tp === "row" ? "cols" : "rows";
        r = up(rows, inner === "rows" ? format.pad.inner : format.pad.hidden);
        c = up(cols, inner === "cols" ? format.pad.inner : format.pad.hidden);
      }
      return count * r * ceilDiv(c, 32) * 17;
    }
    case "bnb4":
      return count * bnb4Bytes(rows * cols, layout, format.doubleQuant === true);
    case "bnb8":
      return count * (rows * cols + 4 * rows);
  }
}

/**
 * Bytes of one bitsandbytes 4-bit weight of `values` values (bitsandbytes functional.py quantize_4bit,
 * blocksize 64; docs/research/quant-formats.md §6): packed 4-bit values (values / 2) and an absmax per
 * 64-value block.
 * - "resident": as vLLM holds it, fp32 absmax (4 + 32/64 = 4.5 bits per weight), whether or not the
 *   checkpoint was double-quantized (vLLM expands that at load).
 * - "stored": as the checkpoint stores it, the same plus the 16-entry fp32 NF4/FP4 code book
 *   (quant_map); with double quantization the absmax is uint8 with an fp32 second-level absmax per 256
 *   blocks (4 + 8/64 + 32/(64·256) = 4.127 bits; QLoRA, arXiv:2305.14314: "reduces the memory footprint
 *   per parameter from 32/64 = 0.5 bits, to 8/64 + 32/(64·256) = 0.127 bits") and a 256-entry fp32
 *   nested code book.
 */
export function bnb4Bytes(values: number, layout: "resident" | "stored", doubleQuant: boolean): number {
  const blocks = ceilDiv(values, 64);
  if (layout === "resident") return values / 2 + blocks * 4;
  const codebook = 16 * 4;
  if (!doubleQuant) return values / 2 + blocks * 4 + codebook;
  return values / 2 + blocks + ceilDiv(blocks, 256) * 4 + 256 * 4 + codebook;
}

/** A precision bound to a model: GGUF mixtures depend on the layer count. */
export function bindPrecision(p: Precision, arch: ModelArch): Precision {
  return p.format.kind === "gguf"
    ? {
        ...p,
        format: {
          ...p.format,
          numLayers: arch.numLayers,
          tiedEmbeddings: arch.tieWordEmbeddings,
          experts: arch.moe?.numExperts ?? 0,
        },
      }
    : p;
}

/** The format a checkpoint's own quantization_config implies. */
export function checkpointPrecision(arch: ModelArch): Precision {
  const q = arch.quantization;
  if (!q) {
    // vLLM's dtype "auto" serves float32 checkpoints in 16 bit (config.py _get_and_verify_dtype).
    const id = arch.dtype === "float16" ? "fp16" : "bf16";
    return PRECISIONS[id]!;
  }
  return precisionOfQuant(q);
}

/** The precision a quantization_config describes (the one switch from config to sizing format). */
export function precisionOfQuant(q: CheckpointQuant): Precision {
  switch (q.method) {
    case "awq":
      return {
        id: "awq",
        label: `INT${q.bits} AWQ, group ${q.groupSize}`,
        format: { kind: "awq", bits: q.bits, groupSize: q.groupSize },
      };
    case "gptq":
      return {
        id: q.bits === 8 ? "gptq-int8" : "gptq",
        label: `INT${q.bits} GPTQ, group ${q.groupSize}`,
        format: {
          kind: "gptq",
          bits: q.bits,
          groupSize: q.groupSize < 0 ? Number.POSITIVE_INFINITY : q.groupSize,
          descAct: q.descAct,
        },
      };
    case "fbgemm-fp8":
      // FBGEMMFp8Config: FP8 weights with an fp32 scale per output channel (weight_scale [N, 1]);
      // modules_to_not_convert stay 16-bit (https://docs.vllm.ai/en/latest/api/vllm/model_executor/
      // layers/quantization/fbgemm_fp8/: 'ignore_list = cls.get_from_keys(config, ["modules_to_not_convert"])').
      return {
        id: "fp8-channel",
        label: "FP8 fbgemm (E4M3, per-channel scale)",
        format: { kind: "fp8", scale: "channel" },
      };
    case "fp8":
      return q.blockSize
        ? {
            id: "fp8-block",
            label: `FP8 (E4M3, ${q.blockSize.join("x")} block scales)`,
            format: { kind: "fp8", scale: { block: q.blockSize } },
          }
        : PRECISIONS.fp8!;
    case "compressed-tensors-fp8":
      return q.strategy === "channel"
        ? PRECISIONS["fp8-channel"]!
        : q.strategy === "block"
          ? PRECISIONS["fp8-block"]!
          : PRECISIONS.fp8!;
    case "compressed-tensors-w4a16":
      return {
        id: "w4a16",
        label: `INT4 W4A16, group ${q.groupSize}`,
        format: { kind: "w4a16", groupSize: q.groupSize },
      };
    case "compressed-tensors-w8a8":
      return PRECISIONS.int8!;
    case "mxfp4":
      return PRECISIONS.mxfp4!;
    case "bitsandbytes-4bit":
      return {
        id: "nf4",
        label: `bitsandbytes ${q.quantType.toUpperCase()}${q.doubleQuant ? " (double quantization, expanded at load)" : ""}`,
        format: { kind: "bnb4", doubleQuant: q.doubleQuant },
      };
    case "bitsandbytes-8bit":
      return PRECISIONS["bnb-int8"]!;
  }
}

/** Resolve a --precision value (or shorthand). */
export function lookupPrecision(input: string): Precision {
  const key = input.toLowerCase();
  const p = PRECISIONS[PRECISION_ALIASES[key] ?? key];
  if (!p) {
    throw new UserError(`unknown precision "${input}"`, `use one of: ${Object.keys(PRECISIONS).join(", ")}`);
  }
  return p;
}

/** Whether a --precision value names a GGUF file type (served by llama.cpp / Ollama); false when unknown. */
export function isGgufPrecision(input: string): boolean {
  const key = input.toLowerCase();
  return PRECISIONS[PRECISION_ALIASES[key] ?? key]?.format.kind === "gguf";
}

/**
 * The precision to size: the requested one, checked against what the checkpoint can be served in.
 * A checkpoint that is already quantized cannot be served in another format; a 16-bit checkpoint
 * can be served in any (FP8 is quantized on the fly by vLLM; int4/int8 assume the matching
 * pre-quantized checkpoint of the same model).
 */
export function choosePrecision(
  arch: ModelArch,
  requested: string | undefined,
  modelLabel: string,
): Precision {
  const own = checkpointPrecision(arch);
  if (!requested) return own;
  const want = bindPrecision(lookupPrecision(requested), arch);
  if (!arch.quantization) return want;
  if (
    want.id === own.id ||
    (want.id === "int4" && (own.id === "awq" || own.id === "gptq" || own.id === "w4a16")) ||
    (want.format.kind === "fp8" && own.format.kind === "fp8")
  )
    return own;
  throw new UserError(
    `${modelLabel} is a ${own.label} checkpoint; it cannot be served as ${want.label}`,
    `leave out --precision to use the checkpoint as it is, or point at the unquantized checkpoint of the model`,
  );
}

/** Quantized layers need their input dimension to be a whole number of groups (per TP shard). */
export function groupSizeOf(format: WeightFormat): number | null {
  switch (format.kind) {
    case "awq":
    case "gptq":
    case "w4a16":
      return Number.isFinite(format.groupSize) ? format.groupSize : null;
    case "mxfp4":
      return 32;
    default:
      return null;
  }
}

/** Bytes of the whole model in a format, as the engine holds it. */
export function weightsBytes(tensors: readonly Tensor[], p: Precision, skip: readonly string[] = []): number {
  let sum = 0;
  for (const t of tensors) sum += tensorBytes(t, p.format, skip);
  return sum;
}

/**
 * Bytes of the whole model in a format as its checkpoint stores it (what is downloaded, and what a
 * checkpoint's headers add up to): the same as `weightsBytes` except where the engine expands the
 * stored layout (bitsandbytes double quantization).
 */
export function storedWeightsBytes(
  tensors: readonly Tensor[],
  p: Precision,
  skip: readonly string[] = [],
): number {
  let sum = 0;
  for (const t of tensors) sum += tensorBytes(t, p.format, skip, "stored");
  return sum;
}

/**
 * The MoE backend vLLM picks for MXFP4 experts on a GPU, and the padding it applies
 * (vllm/model_executor/layers/quantization/mxfp4.py; docs/research/quant-formats.md §5):
 *   Blackwell (SM100) FlashInfer: inner and hidden to multiples of 256;
 *   Hopper: inner to 64 (Triton), hidden to 256, which the published H100 figures show (gpt-oss-120b
 *     64.38 GiB at TP 1 in llm-d's empirical vLLM memory results);
 *   Ampere and Ada (Marlin, weight-only): inner to 128, hidden to 256 (gpt-oss-120b TP 4 on A100:
 *     17.22 GiB per GPU in test/fixtures/vllm-logs/gpt-oss-120b-a100-tp4.log).
 * Other precisions, and GPUs whose backend is not known (AMD), are returned unchanged.
 */
export function mxfp4Backend(
  p: Precision,
  gpu: { vendor: string; computeCapability?: number | undefined },
): Precision {
  if (p.format.kind !== "mxfp4" || gpu.vendor !== "NVIDIA" || gpu.computeCapability === undefined) return p;
  const cc = gpu.computeCapability;
  const pad =
    cc >= 10
      ? { inner: 256, hidden: 256, backend: "FlashInfer (SM100)" }
      : cc >= 9
        ? { inner: 64, hidden: 256, backend: "Triton (SM90)" }
        : { inner: 128, hidden: 256, backend: "Marlin" };
  return { ...p, format: { kind: "mxfp4", pad } };
}
