/**
 * Impossible numbers in a config.json or a GGUF's metadata are refused in one line that names the
 * file and the field (src/models/validate.ts), before any formula or allocation sees them.
 */
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { bufferSource, parseGguf } from "../../src/models/gguf.js";
import { ggufArch } from "../../src/models/gguf-arch.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { LIMITS } from "../../src/models/validate.js";
import { ggufHeader, type GgufKv, type GgufTensorSpec, tinyGgufSpec } from "../fixtures/checkpoints.js";

// Mixtral-8x7B's config.json (architecture fields), https://huggingface.co/mistralai/Mixtral-8x7B-v0.1
const mixtral = {
  architectures: ["MixtralForCausalLM"],
  model_type: "mixtral",
  hidden_size: 4096,
  intermediate_size: 14336,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  num_local_experts: 8,
  num_experts_per_tok: 2,
  vocab_size: 32000,
  max_position_embeddings: 32768,
  sliding_window: null,
  torch_dtype: "bfloat16",
};
const llama = { ...mixtral, model_type: "llama", architectures: ["LlamaForCausalLM"] } as Record<
  string,
  unknown
>;
delete llama.num_local_experts;
delete llama.num_experts_per_tok;
delete llama.sliding_window;

/** The UserError `f` throws (fails the test if it throws anything else, or nothing). */
function refusal(f: () => unknown, echoes = false): UserError {
  let err: unknown = null;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(UserError);
  const e = err as UserError;
  expect(e.message).not.toMatch(/\n/);
  // Only a value quoted from the file itself may read NaN, undefined or [object Object].
  if (!echoes) expect(e.message).not.toMatch(/NaN|Infinity|undefined|\[object/);
  expect(e.hint).toBeTruthy();
  return e;
}

describe("config.json: impossible values are refused, naming the file and the field", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      "num_key_value_heads 0",
      { ...llama, num_key_value_heads: 0 },
      "config.json: num_key_value_heads is 0; it must be a positive divisor of num_attention_heads (32)",
    ],
    [
      "num_key_value_heads negative",
      { ...llama, num_key_value_heads: -8 },
      "config.json: num_key_value_heads is -8; it must be a positive divisor of num_attention_heads (32)",
    ],
    [
      "num_key_value_heads not dividing the heads",
      { ...llama, num_key_value_heads: 5 },
      "config.json: num_key_value_heads is 5; it must be a positive divisor of num_attention_heads (32)",
    ],
    [
      "head_dim 0 (was: the KV cache holds Infinity tokens)",
      { ...llama, head_dim: 0 },
      "config.json: head_dim is 0; it must be a positive integer up to 65536",
    ],
    ["head_dim negative", { ...llama, head_dim: -5 }, "config.json: head_dim is -5; it must be a positive"],
    ["hidden_size 0", { ...llama, hidden_size: 0 }, "config.json: hidden_size is 0; it must be a positive"],
    ["hidden_size negative", { ...llama, hidden_size: -4096 }, "config.json: hidden_size is -4096"],
    ["hidden_size not an integer", { ...llama, hidden_size: 4096.5 }, "config.json: hidden_size is 4096.5"],
    [
      "hidden_size absurd",
      { ...llama, hidden_size: 2e6 },
      "config.json: hidden_size is 2000000; it must be a positive integer up to 1000000",
    ],
    [
      "intermediate_size negative",
      { ...llama, intermediate_size: -1 },
      "config.json: intermediate_size is -1; it must be a positive integer",
    ],
    [
      "a MoE's intermediate_size negative is named as intermediate_size (not moe_intermediate_size)",
      { ...mixtral, intermediate_size: -1 },
      "config.json: intermediate_size is -1",
    ],
    ["vocab_size 0", { ...llama, vocab_size: 0 }, "config.json: vocab_size is 0; it must be a positive"],
    [
      "vocab_size above 1e7",
      { ...llama, vocab_size: 1e8 },
      "config.json: vocab_size is 100000000; it must be a positive integer up to 10000000",
    ],
    [
      "a sliding window of 0",
      { ...mixtral, sliding_window: 0 },
      "config.json: sliding_window is 0; it must be a positive integer up to 1000000000, or null when the model has no window",
    ],
    ["a sliding window of -1", { ...mixtral, sliding_window: -1 }, "config.json: sliding_window is -1"],
    [
      "FP8 weight_block_size [0, 0] (was: weights Infinity GiB)",
      { ...llama, quantization_config: { quant_method: "fp8", weight_block_size: [0, 0] } },
      "config.json: quantization_config.weight_block_size is [0,0]; it must be two positive integers",
    ],
    [
      "FP8 weight_block_size not a pair",
      { ...llama, quantization_config: { quant_method: "fp8", weight_block_size: "128" } },
      'config.json: quantization_config.weight_block_size is "128"',
    ],
    [
      "GPTQ group_size 0",
      { ...llama, quantization_config: { quant_method: "gptq", bits: 4, group_size: 0 } },
      "config.json: quantization_config.group_size is 0; it must be a positive integer (or -1: per column)",
    ],
    [
      "AWQ group_size negative",
      { ...llama, quantization_config: { quant_method: "awq", bits: 4, group_size: -128 } },
      "config.json: quantization_config.group_size is -128; it must be a positive integer",
    ],
    [
      "GPTQ with 5 bits",
      { ...llama, quantization_config: { quant_method: "gptq", bits: 5, group_size: 128 } },
      "config.json: quantization_config.bits is 5; GPTQ stores 2, 3, 4 or 8 bits",
    ],
    [
      "num_experts_per_tok above the experts (was: exit 0, TTFT NaN ms, rate=NaNr/s in nginx.conf)",
      { ...mixtral, num_experts_per_tok: 9 },
      "config.json: num_experts_per_tok is 9; it must be at most num_local_experts (8)",
    ],
    [
      "num_experts_per_tok 0",
      { ...mixtral, num_experts_per_tok: 0 },
      "config.json: num_experts_per_tok is 0; it must be a positive integer",
    ],
    [
      "num_experts_per_tok negative",
      { ...mixtral, num_experts_per_tok: -2 },
      "config.json: num_experts_per_tok is -2",
    ],
    [
      "more experts than any published model",
      { ...mixtral, num_local_experts: 100_000 },
      "config.json: num_local_experts is 100000; it must be an integer from 0 up to 4096",
    ],
    [
      "num_hidden_layers 2^31 (was: V8 aborts after allocating GBs)",
      { ...llama, num_hidden_layers: 2 ** 31 },
      "config.json: num_hidden_layers is 2147483648; it must be a positive integer up to 1000",
    ],
    [
      "max_position_embeddings 0 (was: blamed --max-model-len)",
      { ...llama, max_position_embeddings: 0 },
      "config.json: max_position_embeddings is 0; it must be a positive integer",
    ],
    [
      "max_position_embeddings missing",
      { ...llama, max_position_embeddings: undefined },
      "config.json: missing max_position_embeddings",
    ],
    [
      "max_position_embeddings not a number",
      { ...llama, max_position_embeddings: "32k" },
      'config.json: max_position_embeddings is "32k"; it must be a number',
    ],
    [
      "a count written as a string is refused, not replaced by a default",
      { ...llama, num_key_value_heads: "8" },
      'config.json: num_key_value_heads is "8"; it must be a number',
    ],
    [
      "layer_types of the wrong length",
      { ...llama, layer_types: ["full_attention"] },
      "config.json: layer_types lists 1 layers, num_hidden_layers is 32",
    ],
    [
      "a model_type that reads as an unfilled value (fuzz: was 'internal error: model.architecture.modelType contains NaN')",
      { ...llama, model_type: "NaN" },
      'config.json: model_type is "NaN", which is not a model type',
    ],
    [
      "a model_type that is not a string",
      { ...llama, model_type: { a: 1 } },
      'config.json: model_type is {"a":1}; it must be a string',
    ],
    [
      "an architectures entry that reads as [object Object]",
      { ...llama, architectures: ["[object Object]"] },
      'config.json: architectures lists "[object Object]", which is not a model class',
    ],
    [
      "quant_method that is not a string (fuzz: was 'quantization method \"[object object]\"')",
      { ...llama, quantization_config: { quant_method: {}, bits: 4 } },
      "config.json: quantization_config.quant_method is {}; it must be a string",
    ],
    [
      "an MLA model's unused num_key_value_heads that is not a count (fuzz: was exit 0)",
      {
        ...llama,
        model_type: "deepseek_v3",
        num_key_value_heads: 2 ** 31,
        kv_lora_rank: 512,
        q_lora_rank: 1536,
        qk_nope_head_dim: 128,
        qk_rope_head_dim: 64,
        v_head_dim: 128,
      },
      "config.json: num_key_value_heads is 2147483648; it must be a positive integer up to 4096",
    ],
    [
      "DeepSeek's moe_layer_freq 0 (was: i % 0, no MoE layer at all)",
      {
        ...llama,
        model_type: "deepseek_v3",
        n_routed_experts: 8,
        num_experts_per_tok: 2,
        moe_intermediate_size: 1024,
        moe_layer_freq: 0,
      },
      "config.json: moe_layer_freq is 0; it must be a positive integer",
    ],
  ];
  for (const [name, config, message] of cases) {
    it(name, () => {
      const echoes = /"(NaN|\[object Object\])"/.test(message);
      expect(refusal(() => parseHfConfig(config, "config.json"), echoes).message).toContain(message);
    });
  }

  it("bounds counts before allocating: 2^31 layers is refused at once", () => {
    const t = performance.now();
    refusal(() => parseHfConfig({ ...mixtral, num_hidden_layers: 2 ** 31 }));
    expect(performance.now() - t).toBeLessThan(100);
  });

  it("null is 'none' (Mistral 7B v0.3 and Mixtral write sliding_window: null); GPTQ -1 is per column", () => {
    expect(parseHfConfig(mixtral).slidingWindow).toBeNull();
    const gptq = parseHfConfig({
      ...llama,
      quantization_config: { quant_method: "gptq", bits: 4, group_size: -1 },
    });
    expect(gptq.quantization).toMatchObject({ method: "gptq", groupSize: -1 });
  });

  it("the bounds are above every catalog model (no real config is refused)", () => {
    expect(LIMITS.layers).toBeGreaterThan(126);
    expect(LIMITS.experts).toBeGreaterThan(384);
    expect(LIMITS.vocab).toBeGreaterThan(262_208);
  });

  it("control characters in model_type and architectures are removed as they are read", () => {
    const a = parseHfConfig({
      ...llama,
      model_type: "lla\u2028ma\u0085",
      architectures: ["Llama\u0085ForCausalLM\u202e\n"],
    });
    expect(a.modelType).toBe("llama");
    expect(a.architecture).toBe("LlamaForCausalLM");
    // A model_type that is unknown once cleaned is refused by its cleaned name, no escape reaches the line.
    expect(() => parseHfConfig({ ...llama, model_type: "lla\u001b[31mma" })).toThrow(
      /^config\.json: model_type "lla\[31mma" is not an architecture llmdeploy models yet$/,
    );
  });
  it("a model_type llmdeploy does not know is refused by name, not sized as plain attention", () => {
    // RWKV-7 has no attention KV cache at all: sizing it as GQA would be a silent wrong figure.
    expect(() =>
      parseHfConfig({ ...llama, model_type: "rwkv7", architectures: ["RwkvForCausalLM"] }),
    ).toThrow(/model_type "rwkv7" is not an architecture llmdeploy models yet/);
    expect(() => parseHfConfig({ ...llama, model_type: undefined })).toThrow(
      /model_type \(none\) is not an architecture/,
    );
  });
});

/** A GGUF header in memory, tensor data left sparse. */
function gguf(kvs: GgufKv[], tensors: GgufTensorSpec[]) {
  const { head, size } = ggufHeader(kvs, tensors);
  const buf = new Uint8Array(size);
  buf.set(head);
  return parseGguf(bufferSource(buf), "m.gguf");
}

/** The tiny Llama GGUF with some metadata replaced (or removed, with value null). */
function tinyWith(changes: Record<string, GgufKv | null>) {
  const { kvs, tensors } = tinyGgufSpec();
  const out = kvs.filter(([k]) => changes[k] !== null).map((kv) => (changes[kv[0]] ? changes[kv[0]]! : kv));
  for (const [k, kv] of Object.entries(changes)) if (kv && !kvs.some(([x]) => x === k)) out.push(kv);
  return ggufArch(gguf(out, tensors), "m.gguf");
}

describe("GGUF metadata: the same checks, naming the GGUF key", () => {
  it("block_count 1e9 in a few hundred bytes is refused before any per-layer list", () => {
    const kvs: GgufKv[] = [
      ["general.architecture", "str", "llama"],
      ["llama.block_count", "u32", 1e9],
      ["llama.embedding_length", "u32", 64],
      ["llama.attention.head_count", "u32", 4],
      ["llama.context_length", "u32", 2048],
    ];
    const g = gguf(kvs, [{ name: "token_embd.weight", dims: [64, 256], type: 0 }]);
    const t = performance.now();
    expect(refusal(() => ggufArch(g, "m.gguf")).message).toBe(
      "m.gguf: llama.block_count is 1000000000; it must be a positive integer up to 512",
    );
    expect(performance.now() - t).toBeLessThan(100);
  });

  it("head_count_kv 0", () => {
    expect(
      refusal(() =>
        tinyWith({ "llama.attention.head_count_kv": ["llama.attention.head_count_kv", "u32", 0] }),
      ).message,
    ).toBe(
      "m.gguf: llama.attention.head_count_kv is 0; it must be a positive divisor of llama.attention.head_count (4)",
    );
  });

  it("key_length 0", () => {
    expect(
      refusal(() => tinyWith({ "llama.attention.key_length": ["llama.attention.key_length", "u32", 0] }))
        .message,
    ).toContain("m.gguf: llama.attention.key_length is 0; it must be a positive integer");
  });

  it("context_length missing or 0 names the GGUF key, never --max-model-len", () => {
    expect(refusal(() => tinyWith({ "llama.context_length": null })).message).toBe(
      "m.gguf: missing llama.context_length",
    );
    expect(
      refusal(() => tinyWith({ "llama.context_length": ["llama.context_length", "u32", 0] })).message,
    ).toContain("m.gguf: llama.context_length is 0");
  });

  it("expert_used_count above expert_count", () => {
    expect(
      refusal(() =>
        tinyWith({
          "llama.expert_count": ["llama.expert_count", "u32", 4],
          "llama.expert_used_count": ["llama.expert_used_count", "u32", 6],
          "llama.expert_feed_forward_length": ["llama.expert_feed_forward_length", "u32", 128],
        }),
      ).message,
    ).toBe("m.gguf: llama.expert_used_count is 6; it must be at most llama.expert_count (4)");
  });

  it("a sliding window of 0 is 'none', as in llama.cpp (n_swa 0: no SWA)", () => {
    const a = tinyWith({ "llama.attention.sliding_window": ["llama.attention.sliding_window", "u32", 0] });
    expect(a.slidingWindow).toBeNull();
    expect(a.layerTypes.every((t) => t === "full")).toBe(true);
  });

  it("general.name and the architecture name lose their control characters as they are read", () => {
    const { kvs, tensors } = tinyGgufSpec();
    const g = gguf(
      kvs.map((kv) =>
        kv[0] === "general.name" ? ["general.name", "str", "Tiny\u001b]0;pwned\u0007\nLlama\u2029"] : kv,
      ),
      tensors,
    );
    expect(g.metadata.get("general.name")).toBe("Tiny]0;pwnedLlama");
  });
});
