/**
 * quantization_config -> how the checkpoint stores its weights (CheckpointQuant). Pure; a key set to
 * something that is not a number is refused, naming it; the bits and group sizes themselves are
 * checked with the rest of the architecture (src/models/validate.ts).
 */
import { UserError } from "../errors.js";
import { cleanText } from "../sanitize.js";
import type { CheckpointQuant } from "./arch.js";
import { invalidField, shown } from "./validate.js";

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The first of `keys` set (null: not set) as a number; anything else set is refused. */
function num(o: Json, label: string, keys: string[], prefix: string): number | undefined {
  for (const key of keys) {
    const v = o[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== "number" || !Number.isFinite(v))
      throw invalidField(label, `${prefix}${key} is ${shown(v)}; it must be a number`);
    return v;
  }
  return undefined;
}

function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string").map(cleanText) : [];
}

const bool = (o: Json, key: string): boolean | undefined =>
  typeof o[key] === "boolean" ? (o[key] as boolean) : undefined;

/** quantization_config -> how the checkpoint stores its weights. */
/**
 * The modules a quantization_config keeps unquantized, from every list a format uses: AWQ, MXFP4,
 * fbgemm_fp8 and Transformers' FP8 `modules_to_not_convert`; vLLM's FP8 `ignored_layers`;
 * compressed-tensors `ignore` (names or "re:" patterns); bitsandbytes `llm_int8_skip_modules`.
 */
export function quantSkipList(q: Record<string, unknown>): string[] {
  const all = [q.modules_to_not_convert, q.ignored_layers, q.ignore, q.llm_int8_skip_modules].flatMap(
    strList,
  );
  return [...new Set(all)];
}

export function parseQuantization(q: unknown, label: string): CheckpointQuant | null {
  if (!isObj(q)) return null;
  if (q.quant_method !== undefined && q.quant_method !== null && typeof q.quant_method !== "string")
    throw invalidField(
      label,
      `quantization_config.quant_method is ${shown(q.quant_method)}; it must be a string`,
    );
  const method = cleanText(q.quant_method ?? "").toLowerCase();
  const skip = quantSkipList(q);
  const n = (o: Json, keys: string[], prefix = "quantization_config.") => num(o, label, keys, prefix);
  switch (method) {
    case "awq":
      return {
        method: "awq",
        bits: n(q, ["bits", "w_bit"]) ?? 4,
        groupSize: n(q, ["group_size", "q_group_size"]) ?? 128,
        zeroPoint: bool(q, "zero_point") ?? true,
        skip,
      };
    case "gptq":
      return {
        method: "gptq",
        bits: n(q, ["bits"]) ?? 4,
        groupSize: n(q, ["group_size"]) ?? 128,
        descAct: bool(q, "desc_act") ?? false,
        skip,
      };
    case "fp8": {
      const b = q.weight_block_size;
      if (b === undefined || b === null) return { method: "fp8", blockSize: null, skip };
      if (!Array.isArray(b) || b.length !== 2 || !b.every((x) => typeof x === "number"))
        throw invalidField(
          label,
          `quantization_config.weight_block_size is ${shown(b)}; it must be two positive integers, e.g. [128, 128]`,
        );
      return { method: "fp8", blockSize: b as [number, number], skip };
    }
    case "fbgemm_fp8":
      // Meta's FP8 checkpoints (Llama 3.1 405B): FP8 rows with an fp32 scale each; activation_scale_ub
      // bounds the dynamic activation scales and takes no memory worth counting.
      return { method: "fbgemm-fp8", skip };
    case "compressed-tensors": {
      const groups = isObj(q.config_groups) ? Object.values(q.config_groups) : [];
      const g = groups.find(isObj);
      const w = g && isObj(g.weights) ? g.weights : undefined;
      if (!w)
        throw invalidField(label, "compressed-tensors quantization_config has no config_groups.*.weights");
      const prefix = "quantization_config.config_groups.*.weights.";
      const bits = n(w, ["num_bits"], prefix);
      const type = typeof w.type === "string" ? cleanText(w.type) : w.type == null ? "int" : shown(w.type);
      const strategy =
        typeof w.strategy === "string"
          ? cleanText(w.strategy)
          : w.strategy == null
            ? "channel"
            : shown(w.strategy);
      if (type === "float" && bits === 8) {
        const s = strategy === "tensor" || strategy === "block" ? strategy : "channel";
        return { method: "compressed-tensors-fp8", strategy: s, skip };
      }
      if (type === "int" && bits === 4) {
        return { method: "compressed-tensors-w4a16", groupSize: n(w, ["group_size"], prefix) ?? 128, skip };
      }
      // W8A8 / W8A16 int8: the compressed-tensors presets keep one scale per output channel
      // (compressed_tensors/quantization/quant_scheme.py INT8_W8A8, W8A16: strategy CHANNEL).
      if (type === "int" && bits === 8 && strategy === "channel") {
        return { method: "compressed-tensors-w8a8", skip };
      }
      throw new UserError(
        `${label}: compressed-tensors scheme ${shown(type)} ${shown(bits)} bits (${shown(strategy)}) is not supported yet`,
        "supported: FP8 (float, 8 bits), W4A16 (int, 4 bits) and W8A8 (int, 8 bits per channel)",
      );
    }
    case "mxfp4":
      return { method: "mxfp4", skip };
    case "bitsandbytes":
      if (q.load_in_8bit === true) return { method: "bitsandbytes-8bit", skip };
      return {
        method: "bitsandbytes-4bit",
        quantType: q.bnb_4bit_quant_type === "fp4" ? "fp4" : "nf4",
        doubleQuant: q.bnb_4bit_use_double_quant === true,
        skip,
      };
    default:
      throw new UserError(
        `${label}: quantization method ${method ? JSON.stringify(method.slice(0, 40)) : "(none)"} is not supported`,
        "supported: awq, gptq, fp8, fbgemm_fp8, compressed-tensors, mxfp4, bitsandbytes",
      );
  }
}
