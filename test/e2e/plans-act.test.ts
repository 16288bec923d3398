import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

// Issue #17 "Plans a team can act on", end to end through the built CLI: the commands of its
// "Done means", and the new flags.
describe("plans a team can act on", () => {
  it("plan --model 8b --defaults: a datacenter GPU priced from a named cloud's on-demand instance", async () => {
    const r = await cli(["plan", "--model", "8b", "--defaults", "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout).recommendation;
    expect(["rtx-3090", "rtx-4090", "rtx-4080", "rtx-5090", "rtx-a6000", "rtx-6000-ada"]).not.toContain(
      d.gpu,
    );
    expect(d.cost.basis).toMatch(/(AWS|Google Cloud|Azure) on-demand, [a-z0-9-]+, \d{4}-\d{2}-\d{2}/);
    expect(d.cost.basis).not.toMatch(/marketplace|starting at|Akash/);
    expect(["aws", "gcp", "azure"]).toContain(d.instance.provider);
    const table = await cli(["plan", "--model", "8b", "--defaults"]);
    expect(table.stderr).toMatch(/note: datacenter GPUs only: .*--allow-consumer-gpus/);
    expect(table.stderr).toMatch(/note: priced as whole on-demand instances: .*AWS, Google Cloud, Azure/);
    // the margin of each target, in the lines and in the table
    // (each at its own band: vLLM's TTFT ±70 %, TPOT ±45 %; docs/performance.md)
    expect(table.stdout).toMatch(
      /targets: TTFT .* margin \+\d+ %, .* at \+\d+ %; TPOT .* margin \+\d+ %, .* at \+\d+ %/,
    );
  });

  it("plan --model 70b --defaults --provider aws --json: an AWS instance type with price, region, date, source", async () => {
    const r = await cli(["plan", "--model", "70b", "--defaults", "--provider", "aws", "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.spec.provider).toBe("aws");
    const i = plan.recommendation.instance;
    expect(i).toMatchObject({ provider: "aws", region: "us-east-1", pricing: "on-demand" });
    expect(i.type).toMatch(/^[a-z0-9-]+\.\d*x?large$/);
    expect(i.gpusPerInstance).toBeGreaterThanOrEqual(plan.recommendation.gpusPerNode);
    expect(i.usdPerHour).toBeGreaterThan(0);
    expect(i.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(i.source).toMatch(/^https:\/\//);
    expect(plan.recommendation.cost.perHourUsd).toBeCloseTo(i.count * i.usdPerHour, 1);
  });

  it("estimate 70b --int4: the V100 row is fits: false with the image's reason, in JSON and in the table", async () => {
    const r = await cli(["estimate", "70b", "--int4", "--json"]);
    expect(r.exitCode).toBe(0);
    const v100 = JSON.parse(r.stdout).gpus.find((g: { gpu: string }) => g.gpu === "v100");
    expect(v100).toMatchObject({ fits: false, performance: null });
    expect(v100.reason).toMatch(
      /\(sm70\): the pinned vLLM .* is built for CUDA 13\.0 and runs on compute capability 7\.5 and later/,
    );
    const t = await cli(["estimate", "70b", "--int4"]);
    expect(t.stdout).toMatch(/✗ NVIDIA V100 SXM2 32GB \(sm70\): the pinned vLLM/);
    expect(t.stdout).toMatch(/✗ AMD Instinct MI300X 192GB: AMD GPUs need vLLM's ROCm build/);
  });

  it("plan --precision int4 --gpu v100 names the real reason, not the flag already given", async () => {
    const r = await cli(["plan", "--model", "70b", "--defaults", "--precision", "int4", "--gpu", "v100"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/no allowed GPU can serve llama-3\.3-70b as int4 with vLLM: .*CUDA 13\.0/);
    expect(r.stderr).not.toMatch(/--precision int4\)/);
  });

  it("long prompts: 20000 + 2000 tokens on Llama 3.1 8B exit 0 with max model len ≥ 22000", async () => {
    const r = await cli([
      "plan",
      "--model",
      "llama-3.1-8b",
      "--defaults",
      "--input-tokens",
      "20000",
      "--output-tokens",
      "2000",
      "--json",
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).spec.maxModelLen).toBeGreaterThanOrEqual(22000);
    // beyond the context: one line, and the model's RoPE scaling option
    const q = await cli(["plan", "--model", "qwen2.5-7b", "--defaults", "--input-tokens", "40000"]);
    expect(q.exitCode).toBe(1);
    expect(q.stderr).toMatch(/exceeds qwen2\.5-7b's context of 32768 tokens/);
    expect(q.stderr).toMatch(/hint: .*YaRN.*rope_scaling.*huggingface\.co\/Qwen\/Qwen2\.5-7B-Instruct/);
  });

  it("load in users: --users --think-time becomes a request rate, and the notes say how", async () => {
    const r = await cli([
      "plan",
      "--model",
      "8b",
      "--defaults",
      "--users",
      "300",
      "--think-time",
      "20",
      "--json",
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const spec = JSON.parse(r.stdout).spec;
    expect(spec).toMatchObject({
      requestRate: 15,
      concurrency: null,
      load: { users: 300, thinkTimeSeconds: 20 },
    });
    const t = await cli([
      "plan",
      "--model",
      "8b",
      "--defaults",
      "--users",
      "300",
      "--requests-per-user-per-minute",
      "2",
    ]);
    expect(t.stdout).toMatch(/300 users \(10 req\/s\)/);
    expect(t.stderr).toMatch(
      /note: load: 300 users × 2 requests per user per minute ÷ 60 = 10\.00 requests\/s/,
    );
    const bad = await cli(["plan", "--model", "8b", "--defaults", "--users", "300"]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/--think-time SECONDS or --requests-per-user-per-minute/);
  });

  it("a named GeForce card is planned, with the licence's datacenter clause; an unknown provider is one line", async () => {
    const r = await cli([
      "plan",
      "--model",
      "8b",
      "--defaults",
      "--gpu",
      "rtx-4090",
      "--gpu-price",
      "rtx-4090=0.5",
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Recommended: (\d+ replicas × )?1× NVIDIA GeForce RTX 4090/);
    expect(r.stderr).toMatch(
      /rtx-4090: NVIDIA's GeForce driver licence \(section 2\.1\.3, .*\) says "No Datacenter Deployment\./,
    );
    const p = await cli(["plan", "--model", "8b", "--defaults", "--provider", "awz"]);
    expect(p.exitCode).toBe(1);
    expect(p.stderr).toMatch(/unknown provider "awz"/);
    expect(p.stderr).toMatch(/did you mean aws/);
  });

  it("--target-confidence median is recorded; a bad value is refused with the flag's name", async () => {
    const r = await cli(["plan", "--model", "8b", "--defaults", "--target-confidence", "median", "--json"]);
    expect(JSON.parse(r.stdout).spec.targetConfidence).toBe("median");
    const bad = await cli(["plan", "--model", "8b", "--defaults", "--target-confidence", "p99"]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/--target-confidence/);
  });
});
