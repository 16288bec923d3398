import { execa } from "execa";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BIN, cli } from "./helpers.js";

const spec = (name: string) => fileURLToPath(new URL(`../../examples/specs/${name}`, import.meta.url));

/** The contract fields of a deployment (recommendation and each alternative). */
function expectDeploymentShape(d: Record<string, unknown>) {
  for (const k of ["gpu", "gpuCount", "tensorParallel", "pipelineParallel", "replicas", "mode"]) {
    expect(d).toHaveProperty(k);
  }
  const perf = d.performance as Record<string, number>;
  for (const k of ["ttftMs", "tpotMs", "e2eLatencyMs", "outputTokensPerSec"]) {
    expect(typeof perf[k]).toBe("number");
    expect(perf[k]).toBeGreaterThan(0);
  }
  expect(d).toHaveProperty("cost.perHourUsd");
}

describe("llmdeploy plan from spec files", () => {
  it("7B chat: one GPU, standalone, meets its targets", async () => {
    const r = await cli(["plan", "--config", spec("chat-7b.yaml"), "--json"]);
    expect(r.exitCode).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.kind).toBe("Plan");
    expect(plan.feasible).toBe(true);
    const d = plan.recommendation;
    expectDeploymentShape(d);
    expect(d.gpuCount).toBe(1);
    expect(d.mode).toBe("standalone");
    expect(d.performance.tpotMs).toBeLessThanOrEqual(40);
    expect(d.performance.ttftMs).toBeLessThanOrEqual(1000);
    expect(["l4", "l40s", "a10g", "a100-80g", "h100-sxm"]).toContain(d.gpu);
    for (const a of plan.alternatives) expectDeploymentShape(a);
    // the recommendation is the cheapest of the ones that meet the targets
    for (const a of plan.alternatives) {
      if (a.cost.perHourUsd !== null) expect(a.cost.perHourUsd).toBeGreaterThanOrEqual(d.cost.perHourUsd);
    }
  });

  it("70B int4: AWQ weights, Kubernetes packaging carried into the plan", async () => {
    const r = await cli(["plan", "--config", spec("llama-70b-int4.yaml"), "--json"]);
    expect(r.exitCode).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.recommendation.precision).toBe("int4");
    expect(plan.spec.packaging).toBe("kubernetes");
    expect(plan.recommendation.performance.tpotMs).toBeLessThanOrEqual(60);
    // ~37 GiB of int4 weights in all: they fit on one 80 GB GPU
    expect(plan.recommendation.memory.weightsBytes / 1024 ** 3).toBeGreaterThan(35);
    expect(plan.recommendation.memory.weightsBytes / 1024 ** 3).toBeLessThan(40);
  });

  it("DeepSeek-V3 on H100s: too big for one node, so pipeline stages across nodes", async () => {
    const r = await cli(["plan", "--config", spec("deepseek-v3-multinode.yaml"), "--json"]);
    expect(r.exitCode).toBe(0);
    const d = JSON.parse(r.stdout).recommendation;
    expect(d.mode).toBe("distributed");
    expect(d.nodes).toBeGreaterThanOrEqual(2);
    expect(d.pipelineParallel).toBeGreaterThanOrEqual(2);
    expect(d.tensorParallel).toBe(8);
    expect(d.host.network).toMatch(/Gb\/s/);
  });

  it("llama.cpp on a workstation GPU and on a CPU-only host", async () => {
    let r = await cli(["plan", "--config", spec("llamacpp-8b-workstation.yaml"), "--json"]);
    expect(r.exitCode).toBe(0);
    let d = JSON.parse(r.stdout).recommendation;
    expect(d.engine.name).toBe("llamacpp");
    expect(d.precision).toBe("q4_k_m");
    expect(d.engine.image).toMatch(/llama\.cpp:server-cuda-b\d+$/);
    r = await cli(["plan", "--config", spec("cpu-llamacpp.yaml"), "--json"]);
    expect(r.exitCode).toBe(0);
    d = JSON.parse(r.stdout).recommendation;
    expect(d.deviceKind).toBe("cpu");
    expect(d.gpu).toBe("epyc-9554");
    expect(d.engine.image).toMatch(/llama\.cpp:server-b\d+$/);
    // a CPU host keeps everything in RAM: the embedding too, and no CUDA context
    expect(d.memory.perGpu.nonTorchBytes).toBe(0);
    // vLLM cannot use a CPU host
    r = await cli(["plan", "--model", "8b", "--defaults", "--gpu", "epyc-9554"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/CPU host: only llama\.cpp and Ollama/);
  });

  it("flags override the spec file; --yaml prints the same plan", async () => {
    const r = await cli([
      "plan",
      "--config",
      spec("chat-7b.yaml"),
      "--concurrency",
      "4",
      "--gpu",
      "h100",
      "--yaml",
    ]);
    expect(r.exitCode).toBe(0);
    const plan = parse(r.stdout);
    expect(plan.spec.concurrency).toBe(4);
    expect(plan.spec.gpus).toEqual(["h100-sxm"]);
    expect(plan.recommendation.gpu).toBe("h100-sxm");
  });
});

describe("plan: on-prem costs", () => {
  it("a purchase price is written off over the amortisation months", async () => {
    const r = await cli([
      "plan",
      "--model",
      "8b",
      "--defaults",
      "--gpu",
      "l40s",
      "--gpu-purchase",
      "l40s=8766",
      "--amortization-months",
      "12",
      "--json",
    ]);
    expect(r.exitCode).toBe(0);
    const d = JSON.parse(r.stdout).recommendation;
    // $8766 over 12 months of 730.5 hours = $1.00 per GPU-hour
    expect(d.cost.perHourUsd).toBeCloseTo(d.gpuCount * d.replicas * 1.0, 2);
    expect(d.cost.purchaseUsd).toBe(8766 * d.gpuCount * d.replicas);
    expect(JSON.parse(r.stdout).spec.pricing).toBe("onprem");
  });
});

describe("plan: exit codes and bad input", () => {
  it("exit 2 when no configuration meets the targets, with the closest and what to relax", async () => {
    const r = await cli(["plan", "--model", "70b", "--defaults", "--tpot-ms", "2", "--json"]);
    expect(r.exitCode).toBe(2);
    const plan = JSON.parse(r.stdout);
    expect(plan.feasible).toBe(false);
    expect(plan.recommendation.meetsTargets).toBe(false);
    expect(plan.notes.join("\n")).toMatch(/TPOT ≤ 2\.0 ms is not reachable .* the best is/);
  });

  it("without a TTY a missing answer names the flag", async () => {
    const r = await cli(["plan", "--model", "8b"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/missing --input-tokens, --output-tokens, --concurrency/);
    expect(r.stderr).toMatch(/--defaults/);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it("malformed YAML, a missing spec file and an unknown field: one line and a hint", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llmdeploy-plan-"));
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "model: [unclosed\n  inputTokens: 3\n");
    let r = await cli(["plan", "--config", bad]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/is not valid YAML/);
    r = await cli(["plan", "--config", join(dir, "nope.yaml")]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/does not exist/);
    const unknown = join(dir, "unknown.yaml");
    writeFileSync(unknown, "model: 8b\ninputTokns: 100\n");
    r = await cli(["plan", "--config", unknown, "--defaults"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/unknown field "inputTokns"/);
    r = await cli(["plan", "--model", "8b", "--defaults", "--concurrency", "lots"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/--concurrency takes a positive whole number/);
    r = await cli(["plan", "--model", "no-such-model", "--defaults"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/unknown model/);
  });

  it("--out writes plan.yaml, and refuses to overwrite a changed one without --force", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llmdeploy-plan-out-"));
    let r = await cli(["plan", "--model", "8b", "--defaults", "--gpu", "l4", "--out", dir]);
    expect(r.exitCode).toBe(0);
    const plan = parse(readFileSync(join(dir, "plan.yaml"), "utf8"));
    expect(plan.recommendation.gpu).toBe("l4");
    r = await cli(["plan", "--model", "8b", "--defaults", "--gpu", "l40s", "--out", dir]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/--force/);
    r = await cli(["plan", "--model", "8b", "--defaults", "--gpu", "l40s", "--out", dir, "--force"]);
    expect(r.exitCode).toBe(0);
    expect(parse(readFileSync(join(dir, "plan.yaml"), "utf8")).recommendation.gpu).toBe("l40s");
  });

  it("--out --dry-run lists what would be written or changed and writes nothing", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "llmdeploy-plan-dry-")), "deploy");
    let r = await cli(["plan", "--model", "8b", "--defaults", "--gpu", "l4", "--out", dir, "--dry-run"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^new +.*deploy\/plan\.yaml$/m);
    expect(r.stdout).toMatch(/^new +.*deploy\/compose\.yaml$/m);
    expect(r.stderr).toMatch(/nothing written/);
    expect(existsSync(dir)).toBe(false);
    expect((await cli(["plan", "--model", "8b", "--defaults", "--gpu", "l4", "--out", dir])).exitCode).toBe(
      0,
    );
    // the refusal's hint names --dry-run: it lists the changed files
    r = await cli(["plan", "--model", "8b", "--defaults", "--gpu", "l40s", "--out", dir]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^hint: pass --force to overwrite them, or --dry-run to list every change/m);
    r = await cli(["plan", "--model", "8b", "--defaults", "--gpu", "l40s", "--out", dir, "--dry-run"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^changed +.*deploy\/plan\.yaml$/m);
    expect(parse(readFileSync(join(dir, "plan.yaml"), "utf8")).recommendation.gpu).toBe("l4");
    // without --out there is nothing to list
    r = await cli(["plan", "--model", "8b", "--defaults", "--dry-run"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: --dry-run lists what --out would write: pass --out DIR$/m);
  });

  it("schema prints the spec's JSON Schema", async () => {
    const r = await cli(["schema"]);
    expect(r.exitCode).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.properties.model.type).toBe("string");
    expect(s.additionalProperties).toBe(false);
  });
});

describe("plan in a terminal", () => {
  it("asks what is missing, shows the plan and offers to write it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llmdeploy-pty-"));
    const steps = [
      ["Model", "llama-3.1-8b"],
      ["llama-3.1-8b", "\r"],
      ["Weight precision", "\r"],
      ["Context length", "\r"],
      ["prompt length", "\r"],
      ["completion length", "\r"],
      ["Concurrent", "32\r"],
      ["first token", "\r"],
      ["per output token", "\r"],
      ["GPU types", "\r"],
      ["Budget", "\r"],
      ["Packaging", "\r"],
      ["Security", "\r"],
      ["Write plan.yaml", "y\r"],
    ];
    const tool = fileURLToPath(new URL("../tools/pty-run.py", import.meta.url));
    const r = await execa("python3", [tool, JSON.stringify(steps), "--", process.execPath, BIN, "plan"], {
      reject: false,
      cwd: dir,
      env: { NO_COLOR: "1" },
      timeout: 60_000,
    });
    expect(r.stdout).toMatch(/Recommended: (\d+ replicas × )?1× /);
    expect(r.stdout).toMatch(/32 concurrent/);
    expect(r.exitCode).toBe(0);
    expect(existsSync(join(dir, "llama-3-1-8b", "plan.yaml"))).toBe(true);
  });
});
