// What an engine cannot do is refused with the engine's own reason, at plan time.
import { describe, expect, it } from "vitest";
import { devices } from "../../src/catalog/index.js";
import { engineCommand, engineModule } from "../../src/engines/index.js";
import { enginePlans } from "../tools/render.js";
import { splitProblem } from "../../src/sizing/size.js";
import { normalizeSpec } from "../../src/contract/spec.js";

const device = (id: string) => devices.find((d) => d.id === id)!;

describe("Ollama on several GPUs", () => {
  const ollama = engineModule("ollama");
  it("is refused naming what Ollama does (spreads layers by its scheduler), not 'cannot split layers'", () => {
    for (const [tp, pp] of [
      [2, 1],
      [1, 2],
      [2, 2],
    ] as const) {
      const p = splitProblem(ollama, device("l40s"), tp, pp);
      expect(p).toMatch(
        /^Ollama is sized on one GPU per replica: with more it spreads layers over all of them/,
      );
      expect(p).not.toMatch(/cannot split layers/);
    }
    expect(splitProblem(ollama, device("l40s"), 1, 1)).toBeNull();
  });
});

describe("an fp8 KV cache the engine's command cannot set is refused at plan time", () => {
  const specFor = (engine: string, kvCacheDtype: ("auto" | "fp8")[]) =>
    normalizeSpec(
      {
        model: "qwen2.5-7b",
        engine: engine as never,
        kvCacheDtype,
        inputTokens: 512,
        outputTokens: 128,
        concurrency: 4,
        ...(engine === "ollama" || engine === "llamacpp" ? { precision: "q4_k_m" } : {}),
      },
      { id: "qwen2.5-7b", context: 32768 },
    );
  it("TGI, TensorRT-LLM: one line naming the engine, before any sizing", () => {
    for (const engine of ["tgi", "trtllm"]) {
      expect(() => specFor(engine, ["fp8"]), engine).toThrow(
        new RegExp(
          `no way to set an 8-bit KV cache in ${engineModule(engine).label.replace(/[.+]/g, "\\$&")}'s launch command`,
        ),
      );
      // asked among others too: the planner would otherwise choose it
      expect(() => specFor(engine, ["auto", "fp8"]), engine).toThrow(/8-bit KV cache/);
      expect(specFor(engine, ["auto"]).kvCacheDtypes).toEqual(["auto"]);
    }
  });
  it("engines whose command sets it (vLLM, SGLang, llama.cpp, Ollama) take fp8", () => {
    for (const engine of ["vllm", "sglang", "llamacpp", "ollama"])
      expect(specFor(engine, ["fp8"]).kvCacheDtypes).toEqual(["fp8"]);
  });
});

describe("Ollama's 8-bit KV cache", () => {
  it("is written as OLLAMA_KV_CACHE_TYPE=q8_0 with flash attention, and read back as fp8", () => {
    const base = enginePlans().find((p) => p.plan.recommendation.engine.name === "ollama")!.plan;
    const plan = structuredClone(base);
    plan.recommendation.engine.kvCacheDtype = "fp8";
    const env = engineCommand(plan).env;
    // docs/faq.md (v0.32.15): OLLAMA_KV_CACHE_TYPE q8_0 needs OLLAMA_FLASH_ATTENTION=1
    expect(env).toMatchObject({ OLLAMA_KV_CACHE_TYPE: "q8_0", OLLAMA_FLASH_ATTENTION: "1" });
    expect(engineCommand(base).env).not.toHaveProperty("OLLAMA_KV_CACHE_TYPE");
  });
});
