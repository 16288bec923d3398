// The engine registry and the contract every engine module fulfils (src/engines/*).
import { describe, expect, it } from "vitest";
import { findGpu, models } from "../../src/catalog/index.js";
import {
  ENGINE_NAMES,
  engineCommand,
  engineForFormat,
  engineModule,
  engineModules,
} from "../../src/engines/index.js";
import { parseHfConfig } from "../../src/models/hfconfig.js";
import { isPinnedImage } from "../../src/render/images.js";
import { prepareModel, servePrecision, sizePlacement } from "../../src/sizing/size.js";
import { enginePlans } from "../tools/render.js";

describe("the registry", () => {
  it("lists six engines, each with its module under its own name", () => {
    expect(ENGINE_NAMES).toHaveLength(6);
    for (const n of ENGINE_NAMES) expect(engineModule(n).name).toBe(n);
  });
  it("an unknown name is one line naming the known ones", () => {
    expect(() => engineModule("vlm")).toThrow(/unknown engine "vlm"/);
  });
  it("GGUF files go to llama.cpp, checkpoints to vLLM", () => {
    expect(engineForFormat("gguf").name).toBe("llamacpp");
    expect(engineForFormat("safetensors").name).toBe("vllm");
  });
});

describe("every engine module", () => {
  const l40s = findGpu("l40s");
  for (const e of engineModules()) {
    it(`${e.name}: a pinned image, its own memory model and settings, a command for its plans`, () => {
      expect(isPinnedImage(e.image.image)).toBe(true);
      if (e.image.cpuImage) expect(isPinnedImage(e.image.cpuImage)).toBe(true);
      expect(e.image.source).toMatch(/^https:\/\//);
      expect(e.memoryModel.length).toBeGreaterThan(10);
      const id = e.checkpointFormat === "gguf" ? "llama-3.1-8b" : "qwen2.5-7b";
      const entry = models.find((m) => m.id === id)!;
      const m = prepareModel(parseHfConfig(entry.config, id));
      const served = servePrecision(m, e.checkpointFormat === "gguf" ? "q4_k_m" : undefined, id);
      const settings = e.settings(l40s, { concurrency: 4 });
      const sized = sizePlacement({
        model: m,
        served,
        engine: e,
        device: l40s,
        tp: 1,
        pp: 1,
        kvCacheDtype: "auto",
        maxModelLen: 8192,
        settings,
      });
      expect(sized.memory.fits).toBe(true);
      // the ledger lines are the engine's own account of perGpu: weights appear with their bytes
      expect(sized.memory.lines.find((l) => /^weights\b/.test(l.label.trim()))?.bytes).toBe(
        sized.memory.perGpu.weightsBytes,
      );
      expect(sized.memory.kvCacheTokens).toBeGreaterThan(8192);
      expect(e.supportProblem(findGpu("epyc-9554"), served.precision) === null).toBe(
        e.checkpointFormat === "gguf",
      );
    });
  }

  it("the command of each planned engine loads what the plan names", () => {
    for (const { name, plan } of enginePlans()) {
      const cmd = engineCommand(plan);
      const e = plan.recommendation.engine;
      const loads = [...cmd.args, ...Object.values(cmd.env), cmd.pullAfterStart?.model ?? ""].join(" ");
      if (cmd.modelFile) expect(loads, name).toContain(cmd.modelFile.path);
      else if (!cmd.pullAfterStart) expect(loads, name).toContain(e.modelRef);
      expect(cmd.healthCommand.length, name).toBeGreaterThan(0);
    }
  });
});

describe("the README states each engine's image and driver", () => {
  it("every module's pinned image, CUDA version and driver appear in the README's table", async () => {
    const { readFileSync } = await import("node:fs");
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    for (const e of engineModules()) {
      const row = readme.split("\n").find((l) => l.includes(`\`${e.image.image}\``));
      expect(row, `${e.name}: ${e.image.image} is not in README.md`).toBeDefined();
      if (e.image.cuda) {
        expect(row).toContain(`| ${e.image.cuda.version} |`);
        expect(row).toContain(`≥ ${e.image.cuda.minDriver}`);
      }
    }
  });
});
