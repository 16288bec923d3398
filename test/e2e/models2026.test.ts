import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { models } from "../../src/catalog/index.js";
import { cli } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "llmdeploy-2026-"));
/** A folder holding only this config.json, as a user who downloaded it would have. */
function configDir(name: string, config: unknown): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, "config.json"), JSON.stringify(config));
  return join(d, "config.json");
}
const catalogConfig = (id: string) => models.find((m) => m.id === id)!.config;

describe("estimate never sizes what it does not model", () => {
  it("a config with Falcon-H1's Mamba keys: exit 1, one line naming the feature, a hint, no stack", async () => {
    const falconH1 = configDir("falcon-h1", {
      ...catalogConfig("llama-3.1-8b"),
      model_type: "falcon_h1",
      architectures: ["FalconH1ForCausalLM"],
      mamba_d_ssm: 1024,
      mamba_n_heads: 128,
      mamba_d_state: 256,
    });
    const r = await cli(["estimate", falconH1, "--gpu", "h100-sxm"]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe("");
    const [line, hint] = r.stderr.trim().split("\n");
    expect(line).toMatch(
      /Mamba \/ state-space layers \(mamba_d_ssm\) are not modelled yet \(model_type falcon_h1\)$/,
    );
    expect(hint).toMatch(/^hint: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a Gated DeltaNet model under an engine without a hybrid memory model: refused, naming the engine's gap", async () => {
    const r = await cli(["estimate", "qwen3-next-80b-a3b", "--gpu", "h200", "--engine", "sglang"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /SGLang: Gated DeltaNet layers' per-sequence state is not modelled for this engine yet/,
    );
    expect(r.stderr).toMatch(/hint: size it with --engine vllm/);
  });
});

describe("the models of 2026, sized with their real cache layout", () => {
  it("Qwen3-Next's config.json in a local folder: 12 of 48 layers cache tokens, the rest hold a state", async () => {
    const path = configDir("qwen3-next", catalogConfig("qwen3-next-80b-a3b"));
    const r = await cli(["estimate", path, "--gpu", "h100-sxm", "--gpus", "4", "--json"]);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.model.architecture.layerKinds).toEqual({ linear: 36, full: 12 });
    // 12 layers × 2 KV heads × 512 × 2 bytes, not 48 layers' 98,304
    expect(j.memory.kvCacheBytesPerToken).toBe(24_576);
    expect(j.memory.stateBytesPerSequence).toBe(36 * 1_097_728);
    expect(j.model.params).toBe(79_674_391_296);
    // 4 × H100 80GB at TP 4 (one replicated KV head per rank, a = 1024 bytes): vLLM's
    // 16 ⌈274,432 / 16,384⌉ = 272-token blocks, one attention and three state groups of 12 layers
    expect(j.placement.hybridKv).toMatchObject({
      blockSize: 272,
      groupSize: 12,
      groups: { full: 1, state: 3 },
    });
  });

  for (const id of [
    "qwen3.6-27b",
    "deepseek-v3.2",
    "llama-4-scout",
    "nemotron-nano-9b-v2",
    "granite-4.0-h-small",
  ]) {
    it(`${id}: estimate --json reports its layer kinds and a placement that fits`, async () => {
      const r = await cli(["estimate", id, "--gpu", "h200", "--json"]);
      expect(r.exitCode).toBe(0);
      const j = JSON.parse(r.stdout);
      expect(j.placement.fits).toBe(true);
      expect(j.placement.kvCacheTokens).toBeGreaterThan(0);
      expect(
        Object.values(j.model.architecture.layerKinds).reduce((a: number, b) => a + (b as number), 0),
      ).toBe(j.model.architecture.layers);
    });
  }

  it("models --json lists the new entries with their config source", async () => {
    const r = await cli(["models", "--json"]);
    const list = JSON.parse(r.stdout) as { id: string; source: string; params: number }[];
    for (const id of [
      "qwen3-next-80b-a3b",
      "qwen3.6-35b-a3b",
      "deepseek-v3.2",
      "kimi-k2-instruct",
      "glm-4.6",
    ]) {
      const m = list.find((x) => x.id === id);
      expect(m, id).toBeDefined();
      expect(m!.source).toMatch(/^https:\/\//);
    }
  });

  it("plan --model qwen3-next-80b-a3b --defaults --out renders a deployment that render --check accepts", async () => {
    const out = join(dir, "deploy-next");
    const p = await cli(["plan", "--model", "qwen3-next-80b-a3b", "--defaults", "--out", out]);
    expect(p.exitCode).toBe(0);
    const launch = readFileSync(join(out, "launch-vllm.sh"), "utf8");
    expect(launch).toContain("Qwen/Qwen3-Next-80B-A3B-Instruct");
    expect(existsSync(join(out, "compose.yaml"))).toBe(true);
    const check = await cli(["render", join(out, "plan.yaml"), "--out", out, "--check"]);
    expect(check.exitCode).toBe(0);
  });
});
