/**
 * Defects a fresh-eyes user test found in pricing and planning, through the built CLI: each case
 * says what the CLI did before.
 */
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

/** Exit 1, exactly one `error:` line (plus its hint), no NaN/undefined/fraction leak, no stack. */
function expectOneLine(r: { exitCode?: number; stdout: string; stderr: string }, message: string | RegExp) {
  expect(r.exitCode).toBe(1);
  const errors = r.stderr.split("\n").filter((l) => l.startsWith("error:"));
  expect(errors).toHaveLength(1);
  if (typeof message === "string") expect(errors[0]).toContain(message);
  else expect(errors[0]).toMatch(message);
  expect(r.stderr).toMatch(/\nhint: \S/);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at |NaN|undefined/);
  expect(r.stdout).toBe("");
}

describe("impossible TP/PP/GPU combinations are refused, naming the flags", () => {
  it("--tp above --gpus: was 'pipeline parallel size must be a positive integer, got 0.5'", async () => {
    const r = await cli(["estimate", "8b", "--gpu", "h100", "--tp", "4", "--gpus", "2"]);
    expectOneLine(r, "--tp 4 is more than --gpus 2");
    expect(r.stderr).not.toMatch(/0\.5/);
  });
  it("--pp that does not divide --gpus: was 'tensor parallel size must be a positive integer, got 1.5'", async () => {
    expectOneLine(
      await cli(["estimate", "8b", "--gpu", "h100", "--pp", "3", "--gpus", "6", "--tp", "3"]),
      "--tp 3 × --pp 3 is not --gpus 6",
    );
    const r = await cli(["estimate", "8b", "--gpu", "h100", "--pp", "4", "--gpus", "6"]);
    expectOneLine(r, "--pp 4 does not divide --gpus 6");
  });
  it("without --gpu, --tp 4 --gpus 2 was sized silently on 4 GPUs", async () => {
    expectOneLine(await cli(["estimate", "8b", "--tp", "4", "--gpus", "2"]), "--tp 4 is more than --gpus 2");
  });
});

describe("vLLM's start-up checks", () => {
  it("--max-num-batched-tokens below --max-num-seqs: was accepted, vLLM refuses it", async () => {
    const r = await cli([
      "estimate",
      "8b",
      "--gpu",
      "h100",
      "--max-num-batched-tokens",
      "64",
      "--max-num-seqs",
      "128",
    ]);
    expectOneLine(r, "--max-num-batched-tokens 64 is less than --max-num-seqs 128");
  });
});

describe("estimate's exit code says whether the --gpu placement fits", () => {
  it("exits 2 when it does not (was 0), with the result and the reason still printed", async () => {
    const r = await cli(["estimate", "llama-3.1-405b", "--gpu", "l4", "--gpus", "1"]);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/does not fit: weights and activations exceed the memory budget/);
    // --gpu alone searches for the fewest GPUs that fit: a T4 (sm75) runs no FP8 checkpoint at all.
    const t4 = await cli(["estimate", "kimi-k2-instruct", "--gpu", "t4", "--json"]);
    expect(t4.exitCode).toBe(2);
    expect(JSON.parse(t4.stdout).placement.fits).toBe(false);
  });
  it("exits 0 when it fits, and for the table without --gpu (some rows may not fit)", async () => {
    expect((await cli(["estimate", "8b", "--gpu", "h100"])).exitCode).toBe(0);
    const table = await cli(["estimate", "llama-3.1-405b", "--json"]);
    expect(table.exitCode).toBe(0);
    expect(JSON.parse(table.stdout).gpus.some((g: { fits: boolean }) => !g.fits)).toBe(true);
  });
  it("estimate --help documents it", async () => {
    expect((await cli(["estimate", "--help"])).stdout).toMatch(/2 the --gpu placement\s+does\s+not\s+fit/);
  });
});

describe("--budget-per-hour and GPUs without a price", () => {
  it("an unpriced GPU is not recommended as meeting a budget (was exit 0, recommended at no price)", async () => {
    const r = await cli([
      "plan",
      "-m",
      "8b",
      "--defaults",
      "--budget-per-hour",
      "0.5",
      "--gpu",
      "rtx-4090",
      "--json",
    ]);
    expect(r.exitCode).toBe(2);
    const j = JSON.parse(r.stdout);
    expect(j.feasible).toBe(false);
    expect(j.recommendation.meetsTargets).toBe(false);
    expect(j.recommendation.misses).toContain("no price: cannot be shown to meet the budget of $0.5/h");
    expect(j.notes.join("\n")).toMatch(
      /no price for rtx-4090 .*cannot be shown to meet the budget.*--gpu-price rtx-4090=/,
    );
  });
  it("a priced GPU under the budget is recommended over an unpriced one", async () => {
    const r = await cli([
      "plan",
      "-m",
      "8b",
      "--defaults",
      "--budget-per-hour",
      "5",
      "--gpu",
      "rtx-4090",
      "--gpu",
      "l4",
      "--json",
    ]);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.recommendation.gpu).toBe("l4");
    expect(j.recommendation.cost.perHourUsd).toBeLessThanOrEqual(5);
  });
  it("with --gpu-price the same GPU can meet the budget", async () => {
    const r = await cli([
      "plan",
      "-m",
      "8b",
      "--defaults",
      "--budget-per-hour",
      "2",
      "--gpu",
      "rtx-4090",
      "--gpu-price",
      "rtx-4090=0.4",
      "--json",
    ]);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).recommendation.meetsTargets).toBe(true);
  });
});

describe("estimate prices whole instances, as plan does", () => {
  it("2× H100: the 2-GPU instance (was 2 × the 1-GPU price, $13.76/h)", async () => {
    const r = await cli(["estimate", "70b", "--int4", "--gpu", "h100", "--gpus", "2", "--json"]);
    expect(r.exitCode).toBe(0);
    const p = JSON.parse(r.stdout).placement;
    expect(p.costPerHourUsd).toBe(22.12);
    expect(p.instance).toMatchObject({ provider: "gcp", type: "a3-highgpu-2g", count: 1 });
    const text = await cli(["estimate", "70b", "--int4", "--gpu", "h100", "--gpus", "2"]);
    expect(text.stdout).toMatch(/~\$22\.12\/h \(1× a3-highgpu-2g \(2 GPUs/);
  });
});

describe("--pricing spot bills what is rented", () => {
  it("1 A100 40GB: a 1-GPU spot instance, not 1/8 of Azure's 8-GPU one (was $0.37/h)", async () => {
    const r = await cli([
      "plan",
      "-m",
      "8b",
      "--defaults",
      "--pricing",
      "spot",
      "--gpu",
      "a100-40g",
      "--json",
    ]);
    expect(r.exitCode).toBe(0);
    const rec = JSON.parse(r.stdout).recommendation;
    expect(rec.instance.pricing).toBe("spot");
    // Every GPU rented is paid for: the cost is whole instances, whatever the replicas.
    expect(rec.cost.perHourUsd).toBeCloseTo(rec.instance.count * rec.instance.usdPerHour, 2);
    // 8B on one A100 40GB: Google Cloud a2-highgpu-1g spot, $1.92802/h.
    expect(rec.gpuCount * rec.replicas).toBe(1);
    expect(rec.instance.type).toBe("a2-highgpu-1g");
    expect(rec.cost.perHourUsd).toBe(1.93);
  });
});

describe("--provider values and combinations: one line, a hint, exit 1", () => {
  it("an unknown provider names the known ones", async () => {
    expectOneLine(
      await cli(["plan", "-m", "8b", "--defaults", "--provider", "runpod_community"]),
      'unknown provider "runpod_community"',
    );
  });
  it("runpod-community with a model its 1-GPU pods cannot hold (was 'does not fit on 64 or fewer')", async () => {
    expectOneLine(
      await cli(["plan", "-m", "70b", "--defaults", "--provider", "runpod-community"]),
      /fits on none of the instances offered: RunPod Community Cloud rents .* at most 1 GPU per instance/,
    );
  });
  it("a model bigger than one node with a one-node engine: the engine is the limit, not --max-gpus (was 'does not fit on 64 or fewer', hint int4)", async () => {
    // TGI has tensor parallelism on one node and no pipeline parallelism; TensorRT-LLM's module here
    // runs on one node. DeepSeek-V3's 627 GiB of FP8 weights need more than 8 H100s.
    for (const [engine, why] of [
      ["tgi", "TGI cannot split layers over GPUs"],
      ["trtllm", "TensorRT-LLM runs on one node only"],
    ] as const) {
      const r = await cli([
        "plan",
        "-m",
        "deepseek-v3",
        "--engine",
        engine,
        "--gpu",
        "h100-sxm",
        "--defaults",
      ]);
      expectOneLine(r, `does not fit on 8 or fewer of h100-sxm at max model len 8192, the most `);
      expect(r.stderr).toContain(why);
      expect(r.stderr).toMatch(
        /hint: choose an engine that runs on several nodes \(--engine vllm, --engine sglang\)/,
      );
      expect(r.stderr).not.toContain("--precision int4");
    }
  });
  it("a provider without spot instances under --pricing spot (was 'its GPUs: none')", async () => {
    expectOneLine(
      await cli(["plan", "-m", "8b", "--defaults", "--provider", "lambda", "--pricing", "spot"]),
      "Lambda has no spot instances",
    );
  });
  it("a provider with on-prem pricing (was: the provider silently ignored, exit 0)", async () => {
    expectOneLine(
      await cli(["plan", "-m", "8b", "--defaults", "--provider", "aws", "--pricing", "onprem"]),
      "--provider aws rents instances, and --pricing onprem prices GPUs you own",
    );
    expectOneLine(
      await cli(["plan", "-m", "8b", "--defaults", "--provider", "aws", "--gpu-purchase", "h100-sxm=20000"]),
      "--gpu-purchase prices GPUs you own",
    );
  });
  it("runpod-community itself plans what its pods hold, on and off spot", async () => {
    for (const extra of [[], ["--pricing", "spot"]]) {
      const r = await cli([
        "plan",
        "-m",
        "8b",
        "--defaults",
        "--provider",
        "runpod-community",
        "--json",
        ...extra,
      ]);
      expect(r.exitCode).toBe(0);
      expect(JSON.parse(r.stdout).recommendation.instance.provider).toBe("runpod-community");
    }
  });
});
