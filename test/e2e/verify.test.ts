import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const fixture = (f: string) => fileURLToPath(new URL(`../fixtures/vllm-logs/${f}`, import.meta.url));
const PLAN = fileURLToPath(new URL("../../examples/deployments/chat-7b/plan.yaml", import.meta.url));
type Row = { key: string; figure: string; log: number | null; ok: boolean | null; advice: string | null };

describe("llmdeploy verify", () => {
  it("reads a published log and compares it with the ledger computed for the model and GPU", async () => {
    const r = await cli([
      "verify",
      "--log",
      fixture("qwen2-7b-a100-tp2.log"),
      "--model",
      "qwen2.5-7b",
      "--gpu",
      "a100-80g",
      "--json",
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout);
    // TP, max model len, utilization and the prefill chunk are the log's own
    // the release is the log's own (0.10.1.1 -> 0.10.1), and A100 gets its small defaults there
    expect(v.basis).toMatch(
      /vLLM 0\.10\.1, TP 2 × PP 1, max model len 16384, gpu_memory_utilization 0.5, max_num_seqs 256, max_num_batched_tokens 2048/,
    );
    const row = (k: string) => v.rows.find((x: Row) => x.key === k) as Row;
    expect(row("weightsGiB")).toMatchObject({ log: 7.1217, ok: true });
    expect(row("kvCacheTokens").ok).toBe(true);
    expect(v.log.tensorParallel).toBe(2);
    expect(v.settings).toMatchObject({ tensorParallel: 2, gpuMemoryUtilization: 0.5 });
    expect(v.ok).toBe(true);
  });

  it("against a plan: the KV cache is off, the table says why and which flag to change", async () => {
    const r = await cli(["verify", "--log", fixture("qwen2-7b-a100-tp1.log"), "--plan", PLAN]);
    expect(r.exitCode, r.stderr).toBe(0);
    // the plan used 0.9 of the GPU, the engine 0.5: the KV cache is far smaller
    expect(r.stdout).toMatch(/KV cache \(GiB per GPU\).*off/);
    expect(r.stdout).toMatch(/raise --gpu-memory-utilization to 0\.92 /);
    // settings that differ come first, before the table
    const settingAt = r.stdout.indexOf("setting: the engine ran with --gpu-memory-utilization 0.5");
    expect(settingAt).toBeGreaterThan(0);
    expect(settingAt).toBeLessThan(r.stdout.indexOf("KV cache (GiB per GPU)"));
    expect(r.stdout).toMatch(/setting: the engine ran with --max-model-len 16384, the ledger with 8192/);
    // a folder holding plan.yaml works too, and --json prints the same comparison
    const j = await cli([
      "verify",
      "--log",
      fixture("qwen2-7b-a100-tp1.log"),
      "--plan",
      join(PLAN, ".."),
      "--json",
    ]);
    const v = JSON.parse(j.stdout);
    expect(v.ok).toBe(false);
    expect(v.rows.find((x: Row) => x.key === "kvCacheGiB").advice).toMatch(/--gpu-memory-utilization/);
    expect(v.notes.length).toBeGreaterThanOrEqual(2);
  });

  it("a log of another format (V0, '# cuda blocks') against the computed ledger", async () => {
    const ok = await cli([
      "verify",
      "--log",
      fixture("v08-cuda-blocks-80gb.log"),
      "--model",
      "qwen2.5-0.5b",
      "--gpu",
      "h100-sxm",
      "--json",
    ]);
    expect(ok.exitCode, ok.stderr).toBe(0);
    const v = JSON.parse(ok.stdout);
    // settings from the log: utilization 0.8, max model len 8192 (the concurrency line)
    expect(v.basis).toMatch(/max model len 8192, gpu_memory_utilization 0.8/);
    expect(v.rows.find((x: Row) => x.key === "kvCacheTokens").log).toBe(578_944);
  });

  it("bad input: one line and a hint, no stack", async () => {
    let r = await cli(["verify", "--log", "/nonexistent.log", "--plan", PLAN]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: log file \/nonexistent\.log does not exist\nhint: /);
    const dir = mkdtempSync(join(tmpdir(), "llmdeploy-verify-"));
    writeFileSync(join(dir, "empty.log"), "hello\n");
    r = await cli(["verify", "--log", join(dir, "empty.log"), "--plan", PLAN]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/has no vLLM memory figures/);
    r = await cli(["verify"]);
    expect(r.stderr).toMatch(/^error: --log or --deployment is required/);
    // no model in the log, none given
    r = await cli(["verify", "--log", fixture("v08-cuda-blocks-80gb.log"), "--gpu", "h100-sxm"]);
    expect(r.stderr).toMatch(/^error: the log does not name the model\nhint: pass --model/);
    // the GPU is needed to compute a ledger; the hint gives the log's GPU size
    r = await cli(["verify", "--log", fixture("v08-cuda-blocks-80gb.log"), "--model", "qwen2.5-7b"]);
    expect(r.stderr).toMatch(/^error: --gpu is needed without --plan\nhint: .*79\.19 GiB/);
    // a plan for another engine; a fragment of a plan (checked whole: the first field at fault)
    r = await cli([
      "verify",
      "--log",
      fixture("qwen2-7b-a100-tp1.log"),
      "--plan",
      join(ROOT, "examples/deployments/cpu-llamacpp/plan.yaml"),
    ]);
    expect(r.stderr).toMatch(/plan\.yaml is for llamacpp: verify reads vLLM start-up logs/);
    writeFileSync(join(dir, "bare.yaml"), "recommendation:\n  gpu: l4\n");
    r = await cli(["verify", "--log", fixture("qwen2-7b-a100-tp1.log"), "--plan", join(dir, "bare.yaml")]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /bare\.yaml: not an llmdeploy\/v1 Plan \(kind: missing, apiVersion: missing\)\nhint: /,
    );
    expect(r.stderr).not.toMatch(/at .*\.cjs|undefined/);
  });

  it("--fail-on-miss exits 3 on a figure off, and on a failed start with its verdict", async () => {
    const off = await cli([
      "verify",
      "--log",
      fixture("qwen2-7b-a100-tp1.log"),
      "--plan",
      PLAN,
      "--fail-on-miss",
    ]);
    expect(off.exitCode).toBe(3);
    expect(off.stderr).toMatch(/^error: figures outside their tolerance \(--fail-on-miss\)/);
    const fine = await cli([
      "verify",
      "--log",
      fixture("qwen2-7b-a100-tp2.log"),
      "--model",
      "qwen2.5-7b",
      "--gpu",
      "a100-80g",
      "--fail-on-miss",
    ]);
    expect(fine.exitCode, fine.stderr).toBe(0);
    const failed = await cli([
      "verify",
      "--log",
      fixture("gpt-oss-120b-h100-v1-kv-needed.log"),
      "--gpu",
      "h100-sxm",
      "--model",
      "gpt-oss-120b",
      "--engine-version",
      "0.11",
      "--fail-on-miss",
    ]);
    expect(failed.exitCode).toBe(3);
    expect(failed.stdout).toMatch(
      /verdict: vLLM could not fit one sequence of 131072: it needed 4\.54 GiB of KV cache and had 1\.71 GiB; the ledger predicted/,
    );
  });

  it("a figure that is not a number is left out with a note, never NaN", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llmdeploy-verify-"));
    const file = join(dir, "nan.log");
    writeFileSync(
      file,
      "INFO [gpu_model_runner.py:2007] Model loading took 1.2.3 GiB and 3 seconds\n" +
        "INFO [gpu_worker.py:276] Available KV cache memory: 24.83 GiB\n",
    );
    const r = await cli(["verify", "--log", file, "--plan", PLAN]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/NaN|undefined/);
    expect(r.stderr).toMatch(/note: "1\.2\.3" after "Model loading took" is not a number: left out/);
  });

  it("--precision sizes the precision the log served (Llama 3.1 405B FP8 on 8 H100s, vllm#6746)", async () => {
    // The log has no quantization line, only "Loading model weights took 57.7520 GB" per GPU. Sized
    // as the model's own BF16, weights are ~94 GiB per GPU; as fp8 the catalog's FP8 checkpoint
    // (RedHatAI FP8-dynamic, every Linear in FP8) gives 47.8 GiB. The log loaded Meta's own FP8
    // release, which keeps attention in BF16 (about 10 GiB more per GPU): still off, but by a fifth,
    // not by 60 %; --model with that repository sizes it exactly.
    const args = ["verify", "--log", fixture("llama31-405b-fp8-8xh100-v0-kv-too-small.log")];
    const at = ["--model", "llama-3.1-405b", "--gpu", "h100-sxm", "--tp", "8", "--json"];
    const bf16 = JSON.parse((await cli([...args, ...at])).stdout);
    const r = await cli([...args, ...at, "--precision", "fp8"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout);
    const weights = (x: { rows: Row[] }) => x.rows.find((w) => w.key === "weightsGiB")!;
    const off = (row: Row & { predicted?: number }) => Math.abs(row.predicted! / row.log! - 1);
    expect(weights(bf16).log).toBe(57.752);
    expect(off(weights(bf16))).toBeGreaterThan(0.5);
    expect(off(weights(v))).toBeLessThan(0.25);
    expect(v.settings.precision).toBe("fp8");
    const bad = await cli([...args, ...at, "--precision", "fp9"]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/^error: .*fp9/);
    const withPlan = await cli([
      ...["verify", "--log", fixture("qwen2-7b-a100-tp1.log"), "--plan", PLAN, "--precision", "fp8"],
    ]);
    expect(withPlan.stderr).toMatch(/^error: --precision does not apply with --plan/);
  });

  it("with --plan, ledger flags are refused (bad values first), not ignored", async () => {
    let r = await cli(["verify", "--log", fixture("qwen2-7b-a100-tp1.log"), "--plan", PLAN, "--tp", "abc"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: --tp takes a positive whole number, got "abc"/);
    r = await cli([
      "verify",
      "--log",
      fixture("qwen2-7b-a100-tp1.log"),
      "--plan",
      PLAN,
      "--tp",
      "2",
      "--gpu",
      "l4",
    ]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: --gpu, --tp do not apply with --plan/);
    r = await cli([
      "verify",
      "--log",
      fixture("qwen2-7b-a100-tp1.log"),
      "--model",
      "qwen2.5-7b",
      "--gpu",
      "a100-80g",
      "--engine-version",
      "0.4",
    ]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^error: vLLM 0\.4 is outside the releases llmdeploy models \(0\.6\.0 to 0\.28\.x\)/,
    );
  });

  it("the examples of --help work as written (from the repository root)", async () => {
    const help = await cli(["verify", "--help"]);
    const examples = help.stdout
      .split("Examples:")[1]!
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.startsWith("llmdeploy "));
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const ex of examples) {
      const r = await cli(ex.split(/\s+/).slice(1), { cwd: ROOT });
      expect(r.exitCode, `${ex}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(ex.includes("--deployment") ? /is what the plan sized/ : /weights/);
    }
  });
});
