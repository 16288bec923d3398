/**
 * --engine-version and --enforce-eager through the built bin: estimate, plan, and the files render
 * writes from the plan (the image of that release, the flag in the launch arguments).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cli } from "./helpers.js";

const tmp = () => mkdtempSync(join(tmpdir(), "llmdeploy-ver-"));
const plan8b = ["plan", "--model", "llama-3.1-8b", "--defaults", "--gpu", "h100-sxm"];

describe("--engine-version", () => {
  it("estimate: the release's defaults and sampler change the ledger, and the output names them", async () => {
    const at = async (v?: string) => {
      const r = await cli([
        "estimate",
        "gpt-oss-20b",
        "--gpu",
        "h100",
        "--json",
        ...(v ? ["--engine-version", v] : []),
      ]);
      expect(r.exitCode, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const pinned = await at();
    const v14 = await at("0.14");
    expect(pinned.engine).toMatchObject({ version: "0.28.0", image: "vllm/vllm-openai:v0.28.0" });
    expect(v14.engine).toMatchObject({ version: "0.14.0", image: "vllm/vllm-openai:v0.14.0" });
    expect(v14.engine.memoryModel).toMatch(/PyTorch sort.*38 bytes per vocabulary entry/);
    expect(v14.placement.engineSettings).toMatchObject({
      gpuMemoryUtilization: 0.9,
      cudaGraphsInBudget: false,
    });
    expect(pinned.placement.engineSettings).toMatchObject({
      gpuMemoryUtilization: 0.92,
      cudaGraphsInBudget: true,
    });
    // 1024 sequences × 201,088 vocabulary entries × 38 bytes at 0.14, 14 at 0.28
    expect(v14.placement.perGpu.activationBytes - pinned.placement.perGpu.activationBytes).toBe(
      1024 * 201_088 * 24,
    );
  });

  it("an unknown release: one line naming it and the range", async () => {
    const r = await cli(["estimate", "8b", "--gpu", "l4", "--engine-version", "0.31.0"]);
    expect(r.exitCode).toBe(1);
    const lines = r.stderr.trim().split("\n").slice(-2);
    expect(lines[0]).toMatch(
      /^error: vLLM 0\.31\.0 is outside the releases llmdeploy models \(0\.6\.0 to 0\.28\.x\)/,
    );
    expect(lines[1]).toMatch(/^hint: /);
  });

  it("plan records the release and render pins its image; --enforce-eager reaches the launch arguments", async () => {
    const r = await cli([...plan8b, "--engine-version", "0.11", "--enforce-eager", "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.spec).toMatchObject({
      engineVersion: "0.11.0",
      enforceEager: true,
      gpuMemoryUtilization: 0.9,
    });
    expect(plan.recommendation.engine).toMatchObject({
      version: "0.11.0",
      image: "vllm/vllm-openai:v0.11.0",
      enforceEager: true,
    });
    expect(plan.recommendation.memory.perGpu.cudaGraphBytes).toBe(0);
    const out = tmp();
    const w = await cli([...plan8b, "--engine-version", "0.11", "--enforce-eager", "--out", out]);
    expect(w.exitCode, w.stderr).toBe(0);
    expect(readFileSync(join(out, "Dockerfile"), "utf8")).toMatch(/^FROM vllm\/vllm-openai:v0\.11\.0/m);
    expect(readFileSync(join(out, "launch-vllm.sh"), "utf8")).toMatch(/--enforce-eager/);
    expect(parse(readFileSync(join(out, "plan.yaml"), "utf8")).recommendation.engine.version).toBe("0.11.0");
  });

  it("SGLang's plan renders --mem-fraction-static from SGLang's own formula, never vLLM's 0.9", async () => {
    const r = await cli([
      "plan",
      "--model",
      "llama-3.1-8b",
      "--defaults",
      "--gpu",
      "h100-sxm",
      "--engine",
      "sglang",
      "--json",
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.spec.gpuMemoryUtilization).toBeNull();
    const f = plan.recommendation.engine.gpuMemoryUtilization;
    expect(f).toBeGreaterThan(0.8);
    expect(f).toBeLessThan(0.87);
    const out = tmp();
    await cli([
      "plan",
      "--model",
      "llama-3.1-8b",
      "--defaults",
      "--gpu",
      "h100-sxm",
      "--engine",
      "sglang",
      "--out",
      out,
    ]);
    // SGLang's formula on an 80 GB H100 (test/unit/engines-memory.test.ts works it out by hand)
    expect(readFileSync(join(out, "launch-sglang.sh"), "utf8")).toContain(`--mem-fraction-static\n  ${f}\n`);
  });

  it("a spec's engineVersion must be quoted: YAML reads 0.10 as the number 0.1", async () => {
    const dir = tmp();
    const file = join(dir, "spec.yaml");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(file, "model: llama-3.1-8b\ninputTokens: 512\noutputTokens: 128\nengineVersion: 0.10\n");
    const r = await cli(["plan", "--config", file, "--defaults"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/engineVersion 0\.1 is a number in the spec/);
    expect(r.stderr).toMatch(/hint: quote it/);
  });
});
