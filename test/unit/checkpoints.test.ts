// The checkpoint catalog (data/checkpoints.json) and checkpoint resolution (src/checkpoints/*):
// every entry is sourced and sizes through the quantization_config path; each precision resolves to
// the checkpoint the engine will load, or is refused with the reason and --model-ref as the hint.
import { describe, expect, it } from "vitest";
import raw from "../../data/checkpoints.json" with { type: "json" };
import { models } from "../../src/catalog/index.js";
import { checkpointCatalog } from "../../src/checkpoints/catalog.js";
import {
  baseCheckpoint,
  type CheckpointRefusal,
  isRefusal,
  type ResolvedCheckpoint,
  resolveCheckpoint,
} from "../../src/checkpoints/resolve.js";
import { catalogProblems, checkpointCatalogSchema } from "../../src/checkpoints/schema.js";
import { entrySizing } from "../../src/checkpoints/sizing.js";
import { engineModule } from "../../src/engines/index.js";
import { parseHfConfig, parseQuantization } from "../../src/models/hfconfig.js";
import { inventory } from "../../src/sizing/inventory.js";
import { tensorBytes } from "../../src/sizing/weights.js";

const arch = (id: string) => parseHfConfig(models.find((m) => m.id === id)!.config, id);
const hfId = (id: string) => models.find((m) => m.id === id)!.hfId;

function resolve(model: string, precision: string, engine: string): ResolvedCheckpoint | CheckpointRefusal {
  return resolveCheckpoint({
    modelId: model,
    modelLabel: model,
    base: baseCheckpoint("model", hfId(model), arch(model), null),
    precision,
    engine: engineModule(engine),
  });
}
const ok = (r: ResolvedCheckpoint | CheckpointRefusal): ResolvedCheckpoint => {
  if (isRefusal(r)) throw new Error(`refused: ${r.reason}`);
  return r;
};

describe("data/checkpoints.json", () => {
  it("parses with its schema, and every entry is whole (config and source, or files)", () => {
    const r = checkpointCatalogSchema.safeParse(raw);
    expect(r.success, r.success ? "" : JSON.stringify(r.error.issues[0])).toBe(true);
    expect(catalogProblems(checkpointCatalog)).toEqual([]);
  });
  it("names catalog models only, and every quantization_config sizes through the config.json path", () => {
    for (const e of checkpointCatalog.checkpoints) {
      expect(
        models.some((m) => m.id === e.model),
        `${e.repo}: ${e.model}`,
      ).toBe(true);
      if (e.format === "gguf") continue;
      const q = parseQuantization(e.quantizationConfig, e.repo);
      expect(q, e.repo).not.toBeNull();
      const s = entrySizing(e);
      expect(s.model.arch.quantization).toEqual(q);
      expect(s.served.own).toBe(true);
    }
  });
  it("Ollama tags only where the tag's quantization is confirmed; never the bare deepseek-r1 distill", () => {
    for (const t of checkpointCatalog.ollama) {
      expect(t.tag).not.toMatch(/^deepseek-r1(:latest)?$/);
      expect(models.some((m) => m.id === t.model)).toBe(true);
    }
  });
  it("Qwen2.5-72B's group-quantized releases carry their padded MLP (29696 = 232 groups of 128)", () => {
    const e = checkpointCatalog.checkpoints.find((x) => x.repo === "Qwen/Qwen2.5-72B-Instruct-AWQ")!;
    const s = entrySizing(e);
    expect(s.model.arch.intermediateSize).toBe(29696);
    expect(arch("qwen2.5-72b").intermediateSize).toBe(29568);
  });
  it("W8A8 int8 (compressed-tensors, per channel): rows × cols bytes + a 4-byte scale per row", () => {
    // RedHatAI/Qwen2.5-7B-Instruct-quantized.w8a8's quantization_config, as published.
    const e = checkpointCatalog.checkpoints.find(
      (x) => x.repo === "RedHatAI/Qwen2.5-7B-Instruct-quantized.w8a8",
    )!;
    const s = entrySizing(e);
    expect(s.served.precision.id).toBe("int8");
    // Qwen2.5-7B layer 0 down_proj: 3584 × 18944 int8 = 67,895,296 bytes + 3584 × 4 = 14,336: 67,909,632.
    const down = inventory(s.model.arch).find((t) => t.name === "layers.0.mlp.down_proj.weight")!;
    expect(tensorBytes(down, s.served.precision.format, s.model.skip)).toBe(67_909_632);
  });
});

describe("resolution: the checkpoint each engine loads for a precision", () => {
  it("the model's own checkpoint for its native precision", () => {
    const r = ok(resolve("llama-3.3-70b", "bf16", "vllm"));
    expect(r).toMatchObject({
      source: "model",
      modelRef: "meta-llama/Llama-3.3-70B-Instruct",
      quantization: null,
    });
    expect(ok(resolve("deepseek-v3", "fp8", "vllm"))).toMatchObject({ source: "model", format: "fp8-block" });
    expect(ok(resolve("gpt-oss-20b", "auto", "trtllm"))).toMatchObject({ source: "model", format: "mxfp4" });
  });
  it("int4: AWQ first, then GPTQ, then W4A16; the engine detects it (no quantization flag)", () => {
    expect(ok(resolve("llama-3.3-70b", "int4", "vllm"))).toMatchObject({
      source: "catalog",
      modelRef: "casperhansen/llama-3.3-70b-instruct-awq",
      format: "awq",
      quantization: null,
      config: "assumed",
    });
    expect(ok(resolve("qwen3-30b-a3b", "int4", "sglang"))).toMatchObject({
      format: "gptq",
      modelRef: "Qwen/Qwen3-30B-A3B-GPTQ-Int4",
    });
    expect(ok(resolve("phi-4", "int4", "tgi"))).toMatchObject({
      format: "w4a16",
      modelRef: "RedHatAI/phi-4-quantized.w4a16",
    });
    expect(ok(resolve("qwen2.5-7b", "gptq-int8", "vllm")).modelRef).toBe(
      "Qwen/Qwen2.5-7B-Instruct-GPTQ-Int8",
    );
  });
  it("fp8: a published FP8 checkpoint, else the engine's in-flight method on the 16-bit one", () => {
    expect(ok(resolve("llama-3.1-8b", "fp8", "vllm"))).toMatchObject({ source: "catalog", format: "fp8" });
    expect(ok(resolve("qwen2.5-14b", "fp8", "vllm"))).toMatchObject({
      source: "in-flight",
      modelRef: "Qwen/Qwen2.5-14B-Instruct",
      quantization: "fp8_per_tensor",
      sizeAs: "fp8",
    });
    expect(ok(resolve("qwen2.5-14b", "fp8", "sglang")).quantization).toBe("fp8");
    expect(ok(resolve("qwen2.5-14b", "fp8", "tgi")).quantization).toBe("fp8");
  });
  it("the 2026 models resolve to their published checkpoints: the vendor's own first, a quantizer's where none", () => {
    // Qwen's FP8 release, not vLLM's in-flight fp8 on the 16-bit repository.
    expect(ok(resolve("qwen3-next-80b-a3b", "fp8", "vllm"))).toMatchObject({
      source: "catalog",
      modelRef: "Qwen/Qwen3-Next-80B-A3B-Instruct-FP8",
      format: "fp8",
      quantization: null,
    });
    // Qwen publishes GPTQ-Int4 for Qwen3.5, so it is preferred to no int4 at all (there is no vendor AWQ).
    expect(ok(resolve("qwen3.5-27b", "int4", "vllm")).modelRef).toBe("Qwen/Qwen3.5-27B-GPTQ-Int4");
    expect(ok(resolve("llama-4-scout", "int4", "vllm"))).toMatchObject({
      format: "w4a16",
      modelRef: "RedHatAI/Llama-4-Scout-17B-16E-Instruct-quantized.w4a16",
    });
    expect(ok(resolve("qwen3.6-35b-a3b", "int4", "vllm")).modelRef).toBe("QuantTrio/Qwen3.6-35B-A3B-AWQ");
    // Natively FP8 models keep their own checkpoint for fp8.
    expect(ok(resolve("deepseek-v3.2", "fp8", "vllm"))).toMatchObject({ source: "model" });
  });
  it("nf4: a bitsandbytes checkpoint, else bitsandbytes in flight where the engine has it", () => {
    expect(ok(resolve("qwen2.5-7b", "nf4", "vllm")).modelRef).toBe("unsloth/Qwen2.5-7B-Instruct-bnb-4bit");
    expect(ok(resolve("mixtral-8x7b", "nf4", "vllm"))).toMatchObject({
      source: "in-flight",
      quantization: "bitsandbytes",
    });
    expect(ok(resolve("mixtral-8x7b", "nf4", "tgi")).quantization).toBe("bitsandbytes-nf4");
  });
  it("GGUF types: a single-file GGUF for llama.cpp; an Ollama tag, or hf.co/<repo>:<QUANT>", () => {
    expect(ok(resolve("llama-3.1-8b", "q4_k_m", "llamacpp"))).toMatchObject({
      modelRef: "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF",
      repo: "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF",
      file: "Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf",
      sizeAs: "q4_k_m",
    });
    expect(ok(resolve("llama-3.1-8b", "q4_k_m", "ollama")).modelRef).toBe("llama3.1:8b-instruct-q4_K_M");
    expect(ok(resolve("llama-3.1-8b", "q8_0", "ollama")).modelRef).toBe(
      "hf.co/bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:Q8_0",
    );
    // Qwen's own 7B Q4_K_M is split; bartowski's single file comes first
    expect(ok(resolve("qwen2.5-7b", "q4_k_m", "llamacpp")).file).toBe("Qwen2.5-7B-Instruct-Q4_K_M.gguf");
  });
  it("refused, with the reason and --model-ref as the hint; never the 16-bit repository", () => {
    const cases: [string, string, string, RegExp][] = [
      [
        "llama-3.3-70b",
        "int4",
        "trtllm",
        /int4 is not offered for llama-3\.3-70b with TensorRT-LLM: llmdeploy's catalog has casperhansen\/llama-3\.3-70b-instruct-awq \(AWQ\), which TensorRT-LLM does not load/,
      ],
      [
        "llama-3.3-70b",
        "int8",
        "vllm",
        /no published W8A8 int8 checkpoint in llmdeploy's catalog and vLLM has no in-flight int8/,
      ],
      [
        "mixtral-8x22b",
        "int4",
        "vllm",
        /no published AWQ\/GPTQ\/W4A16 checkpoint in llmdeploy's catalog and vLLM has no in-flight int4/,
      ],
      ["llama-3.3-70b", "q8_0", "llamacpp", /split in parts/],
      [
        "deepseek-v3",
        "int4",
        "vllm",
        /is stored as FP8 \(E4M3, 128x128 block scales\); it cannot be served as INT4/,
      ],
      ["llama-3.1-8b", "fp32", "vllm", /fp32 is not offered/],
      ["llama-3.1-8b", "q4_k_m", "vllm", /q4_k_m is a GGUF type/],
      ["llama-3.1-8b", "auto", "llamacpp", /serves GGUF files/],
    ];
    for (const [m, p, e, re] of cases) {
      const r = resolve(m, p, e);
      expect(isRefusal(r), `${m} ${p} ${e}`).toBe(true);
      expect((r as CheckpointRefusal).reason).toMatch(re);
    }
    expect((resolve("llama-3.3-70b", "int8", "vllm") as CheckpointRefusal).hint).toMatch(
      /--model-ref ORG\/NAME/,
    );
  });
  it("--model-ref: the user's checkpoint as it is, in flight on it, or refused; the catalog is not consulted", () => {
    const awq = parseHfConfig(
      {
        ...models.find((m) => m.id === "llama-3.1-8b")!.config,
        quantization_config: { quant_method: "awq", bits: 4, group_size: 64 },
      },
      "x",
    );
    const user = (a = awq, precision = "int4", engine = "vllm") =>
      resolveCheckpoint({
        modelId: "llama-3.1-8b",
        modelLabel: "llama-3.1-8b",
        base: baseCheckpoint("user", "me/my-awq", a, null),
        precision,
        engine: engineModule(engine),
      });
    expect(ok(user())).toMatchObject({
      source: "user",
      modelRef: "me/my-awq",
      format: "awq",
      sizeAs: "auto",
    });
    expect((user(awq, "fp8") as CheckpointRefusal).reason).toMatch(
      /me\/my-awq \(--model-ref\) is stored as INT4 AWQ, group 64; it cannot be served as FP8/,
    );
    expect(ok(user(arch("llama-3.1-8b"), "fp8"))).toMatchObject({
      source: "in-flight",
      modelRef: "me/my-awq",
    });
    expect(isRefusal(user(arch("llama-3.1-8b"), "int4"))).toBe(true);
  });
});
