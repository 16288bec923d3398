import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

const localModel = fileURLToPath(new URL("../fixtures/local-model/", import.meta.url));

describe("llmdeploy estimate (built bin)", () => {
  it("estimate 70b --int4: names the model it picked and prints the GPU table", async () => {
    const r = await cli(["estimate", "70b", "--int4"]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain("Llama 3.3 70B Instruct");
    expect(r.stdout).toContain("70,553,706,496");
    expect(r.stdout).toMatch(/H100 SXM5 80GB\s*│ 1 /);
  });

  it("--json prints the contract fields with integer bytes", async () => {
    const r = await cli(["estimate", "70b", "--int4", "--gpu", "h100", "--json"]);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.model.id).toBe("llama-3.3-70b");
    expect(j.model.params).toBe(70_553_706_496);
    expect(j.model.activeParams).toBe(70_553_706_496);
    expect(j.precision).toBe("int4");
    expect(j.kvCacheDtype).toBe("auto");
    expect(j.memory.kvCacheBytesPerToken).toBe(327_680); // 2 × 80 × 8 × 128 × 2
    expect(Number.isInteger(j.memory.weightsBytes)).toBe(true);
    expect(j.placement).toMatchObject({
      gpu: "h100-sxm",
      count: 1,
      tensorParallel: 1,
      pipelineParallel: 1,
      fits: true,
    });
    for (const k of ["weightsBytes", "kvCacheBytes"])
      expect(Number.isInteger(j.placement.perGpu[k])).toBe(true);
    expect(j.placement.kvCacheTokens % 16).toBe(0);
    expect(j.placement.maxConcurrency).toBeGreaterThan(1);
  });

  it("MoE: active parameters differ from the total", async () => {
    const r = await cli(["estimate", "mixtral-8x7b", "--json"]);
    const j = JSON.parse(r.stdout);
    expect(j.model.params).toBe(46_702_792_704);
    // 2 of 8 experts: total − 6/8 of the expert weights (32 layers × 8 × 3 × 14336 × 4096)
    expect(j.model.activeParams).toBe(46_702_792_704 - (32 * 8 * 3 * 14336 * 4096 * 6) / 8);
    expect(j.gpus.length).toBeGreaterThanOrEqual(20);
  });

  it("a placement that does not fit says so, and exits 2", async () => {
    const r = await cli(["estimate", "llama-3.1-405b", "--gpu", "l4", "--gpus", "2", "--json"]);
    expect(r.exitCode).toBe(2);
    const j = JSON.parse(r.stdout);
    expect(j.placement.fits).toBe(false);
    expect(j.placement.reason).toMatch(/exceed/);
  });

  it("reads a local model folder", async () => {
    const r = await cli(["estimate", localModel, "--json"]);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.model.params).toBe(494_032_768); // Qwen2.5-0.5B's config: same count as its Hub checkpoint
    expect(j.model.resolvedFrom).toBe("local");
  });
});

describe("bad input: one line and a hint on stderr, non-zero exit, no stack", () => {
  const dir = mkdtempSync(join(tmpdir(), "llmdeploy-"));
  const broken = join(dir, "config.json");
  writeFileSync(broken, "{ not json");
  const cases: [string, string[], RegExp][] = [
    ["unknown model", ["estimate", "lama-70b"], /unknown model "lama-70b"[\s\S]*hint: did you mean/],
    [
      "unknown GPU",
      ["estimate", "8b", "--gpu", "h1000"],
      /unknown GPU "h1000"[\s\S]*hint: did you mean h100/,
    ],
    ["path that does not exist", ["estimate", "./no/such/model"], /does not exist/],
    ["malformed config.json", ["estimate", broken], /not valid JSON/],
    [
      "TP that does not divide the heads",
      ["estimate", "70b", "--gpu", "h100", "--tp", "3"],
      /does not divide the 64 attention heads[\s\S]*valid --tp values/,
    ],
    [
      "precision the checkpoint cannot take",
      ["estimate", "gpt-oss-20b", "--fp16"],
      /MXFP4.*cannot be served as FP16/,
    ],
    ["precision the shapes cannot take", ["estimate", "falcon-7b", "--int4"], /multiple of 128/],
    ["bad number", ["estimate", "8b", "--max-model-len", "abc"], /max-model-len/],
    ["context longer than the model's", ["estimate", "llama-2-7b", "--max-model-len", "8192"], /exceeds/],
    ["Hub id not in the catalog", ["estimate", "someorg/some-model"], /not in the catalog/],
  ];
  for (const [name, args, re] of cases) {
    it(name, async () => {
      const r = await cli(args);
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toMatch(re);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe("");
    });
  }

  it("--debug shows the stack", async () => {
    const r = await cli(["estimate", "lama-70b", "--debug"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe("catalog listings", () => {
  it("models --json: an array with id and name", async () => {
    const r = await cli(["models", "--json"]);
    const j = JSON.parse(r.stdout);
    expect(j.length).toBeGreaterThanOrEqual(30);
    expect(j[0]).toHaveProperty("id");
    expect(j[0]).toHaveProperty("name");
  });
  it("gpus --json: an array with id and name", async () => {
    const r = await cli(["gpus", "--json"]);
    const j = JSON.parse(r.stdout);
    expect(j.length).toBeGreaterThanOrEqual(20);
    expect(j.find((g: { id: string }) => g.id === "h100-sxm").name).toMatch(/H100/);
  });
  it("gpus: the marketed size next to the driver's total in GiB", async () => {
    const r = await cli(["gpus"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("GiB (driver)");
    // L4: marketed 24 GB; CUDA sees 23583784960 bytes = 21.96 GiB (data/devices/l4.json)
    expect(r.stdout).toMatch(/│ l4 +│ NVIDIA L4 24GB +│ 24 GB +│ 21\.96 +│/);
  });
  it("--help teaches with examples", async () => {
    const r = await cli(["estimate", "--help"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain("llmdeploy estimate 70b --int4");
  });
});

describe("usage errors from the argument parser", () => {
  it("unknown option: one error line, a hint, exit 1", async () => {
    const r = await cli(["estimate", "8b", "--bogus"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: unknown option '--bogus'\nhint: /);
  });
  it("a reader that closes early (| head) is not an error", async () => {
    const { execa } = await import("execa");
    const r = await execa(
      "bash",
      ["-c", `node "${process.cwd()}/bin/llmdeploy.js" estimate 70b --int4 | head -1`],
      { reject: false, env: { NO_COLOR: "1" } },
    );
    expect(r.stderr).not.toMatch(/EPIPE/);
    expect(r.stdout).toContain("Llama 3.3 70B");
  });
});
