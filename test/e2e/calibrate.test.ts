import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startFakeServer } from "../fixtures/fake-openai-server.mjs";
import { cli } from "./helpers.js";

const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));
const CHAT_PLAN = fileURLToPath(new URL("../../examples/deployments/chat-7b/plan.yaml", import.meta.url));
const C4 = fixture("bench/chat-7b-fake-c4.json");
const PROFILE = fixture("calibration/chat-7b-fake.json");
const off = (predicted: number, measured: number) => Math.abs(predicted / measured - 1);

/** estimate's performance (and calibration) for qwen2.5-7b on one A100 at this load. */
async function estimateAt(concurrency: number, calibration: string, extra: string[] = []) {
  const r = await cli([
    "estimate",
    "qwen2.5-7b",
    "--gpu",
    "a100-80g",
    "--input-tokens",
    "512",
    "--output-tokens",
    "24",
    "--concurrency",
    String(concurrency),
    "--calibration",
    calibration,
    "--json",
    ...extra,
  ]);
  expect(r.exitCode, r.stderr).toBe(0);
  const j = JSON.parse(r.stdout);
  return {
    ttftMs: j.performance.ttftMs as number,
    tpotMs: j.performance.tpotMs as number,
    json: j,
    stderr: r.stderr,
  };
}

describe("calibrate against a fake streaming server with known delays", () => {
  it("bench -> calibrate -> estimate lands within 15 % of what was measured, and still follows the model at another load", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llmdeploy-calibrate-"));
    // The deployment: Qwen2.5 7B on one A100, planned for 4 users with 512-token prompts and 24-token answers.
    const planned = await cli([
      "plan",
      "--model",
      "qwen2.5-7b",
      "--gpu",
      "a100-80g",
      "--input-tokens",
      "512",
      "--output-tokens",
      "24",
      "--concurrency",
      "4",
      "--defaults",
      "--yaml",
    ]);
    expect(planned.exitCode, planned.stderr).toBe(0);
    const planFile = join(dir, "plan.yaml");
    writeFileSync(planFile, planned.stdout);
    const served = parse(planned.stdout).recommendation.engine.servedModelName as string;
    // A server that answers its first token after 80 ms and every next one 25 ms later, whatever the load.
    const server = await startFakeServer({ ttftMs: 80, itlMs: 25, models: [served] });
    let run;
    try {
      // bench --plan runs the plan's own workload: 4 users, 512 in, 24 out
      const b = await cli(["bench", "--url", server.url, "--plan", planFile, "--requests", "24", "--json"]);
      expect(b.exitCode, b.stderr).toBe(0);
      writeFileSync(join(dir, "run.json"), b.stdout);
      run = JSON.parse(b.stdout);
    } finally {
      await server.close();
    }
    expect(run.workload).toMatchObject({ concurrency: 4, inputTokens: 512, maxTokens: 24 });
    expect(run.planned).toMatchObject({ gpu: "a100-80g", engine: "vllm" });
    const measured = { ttftMs: run.ttftMs.mean as number, tpotMs: run.tpotMs.mean as number };

    const profile = join(dir, "profile.json");
    const c = await cli([
      "calibrate",
      "--bench",
      join(dir, "run.json"),
      "--plan",
      planFile,
      "--out",
      profile,
    ]);
    expect(c.exitCode, c.stderr).toBe(0);
    expect(c.stdout.split("\n")[0]).toMatch(
      /^NVIDIA A100 SXM4 80GB \/ vLLM 0\.28\.0: decode bandwidth share 0\.857 → 0\.\d+, prefill compute share 0\.358 → 0\.\d+; fitted on 1 run, residual (\d+|\d\.\d|< 0\.1) %$/,
    );
    expect(c.stdout).toMatch(
      /step overhead .* not fitted .* needs TPOT at two or more workloads \(1 given\)/,
    );
    expect(c.stdout).toContain(`wrote ${profile}`);
    const p = JSON.parse(readFileSync(profile, "utf8"));
    expect(p).toMatchObject({
      llmdeployCalibration: 1,
      gpu: "a100-80g",
      engine: "vllm",
      engineVersion: "0.28.0",
    });
    expect(Object.keys(p.factors).sort()).toEqual(["bandwidth", "compute"]);

    // Same model, GPU, engine and workload as the plan: calibrated within 15 %, uncalibrated further off.
    const before = await estimateAt(4, "none");
    const after = await estimateAt(4, profile);
    expect(off(after.ttftMs, measured.ttftMs)).toBeLessThan(0.15);
    expect(off(after.tpotMs, measured.tpotMs)).toBeLessThan(0.15);
    expect(off(before.ttftMs, measured.ttftMs)).toBeGreaterThan(0.15);
    expect(off(before.tpotMs, measured.tpotMs)).toBeGreaterThan(0.15);
    expect(before.json.calibration).toBeNull();
    expect(after.json.calibration).toMatchObject({
      path: profile,
      source: "flag",
      gpu: "a100-80g",
      fittedOn: 1,
    });
    expect(after.stderr).toContain(
      `calibration: ${profile} (--calibration), a100-80g / vllm 0.28.0: decode bandwidth share 0.857 → `,
    );

    // At 8× the load the calibrated model moves as the model does: TPOT and TTFT rise, as uncalibrated.
    const before32 = await estimateAt(32, "none");
    const after32 = await estimateAt(32, profile);
    expect(before32.tpotMs / before.tpotMs).toBeGreaterThan(1.05);
    expect(after32.tpotMs / after.tpotMs).toBeGreaterThan(1.05);
    expect(Math.sign(after32.ttftMs - after.ttftMs)).toBe(Math.sign(before32.ttftMs - before.ttftMs));
    // ...and it is the model, not a lookup of the measured figures
    expect(off(after32.tpotMs, measured.tpotMs)).toBeGreaterThan(0.15);
  }, 60_000);
});

describe("calibrate when the serving path adds a fixed latency", () => {
  it("TTFT 300 ms at one prompt length, two loads: the excess is a fixed cost per request, both runs within 15 %", async () => {
    // A server slower to its first token than any prefill share explains (300 ms for 512 tokens on an
    // A100, where the model predicts tens of ms): benched at 1 and 4 users, one prompt length. The
    // compute share would stop at its bound of 0.1 and leave TTFT 25-40 % off; the fit puts the rest
    // into the serving overhead per request instead.
    const dir = mkdtempSync(join(tmpdir(), "llmdeploy-calibrate-"));
    const planned = await cli([
      ...["plan", "--model", "qwen2.5-7b", "--gpu", "a100-80g", "--input-tokens", "512"],
      ...["--output-tokens", "24", "--concurrency", "4", "--defaults", "--yaml"],
    ]);
    expect(planned.exitCode, planned.stderr).toBe(0);
    const planFile = join(dir, "plan.yaml");
    writeFileSync(planFile, planned.stdout);
    const served = parse(planned.stdout).recommendation.engine.servedModelName as string;
    const server = await startFakeServer({ ttftMs: 300, itlMs: 15, models: [served] });
    const measured: Record<number, { ttftMs: number; tpotMs: number }> = {};
    try {
      for (const concurrency of [1, 4]) {
        const b = await cli([
          ...["bench", "--url", server.url, "--plan", planFile, "--requests", "6"],
          ...["--concurrency", String(concurrency), "--json"],
        ]);
        expect(b.exitCode, b.stderr).toBe(0);
        writeFileSync(join(dir, `run-c${concurrency}.json`), b.stdout);
        const run = JSON.parse(b.stdout);
        // --concurrency replaces the plan's load only: the prompt and answer lengths stay the plan's
        expect(run.workload).toMatchObject({ concurrency, inputTokens: 512, maxTokens: 24 });
        measured[concurrency] = { ttftMs: run.ttftMs.mean, tpotMs: run.tpotMs.mean };
      }
    } finally {
      await server.close();
    }
    const profile = join(dir, "profile.json");
    const c = await cli([
      ...["calibrate", "--bench", join(dir, "run-c1.json"), "--bench", join(dir, "run-c4.json")],
      ...["--plan", planFile, "--out", profile],
    ]);
    expect(c.exitCode, c.stderr).toBe(0);
    expect(c.stdout).toMatch(
      /prefill compute share .*held at the engine's value: the serving overhead per request explains the runs better \(residual (\d+) %, against (\d+) % with the prefill compute share/,
    );
    const p = JSON.parse(readFileSync(profile, "utf8"));
    expect(Object.keys(p.factors)).toContain("requestOverheadMs");
    for (const concurrency of [1, 4]) {
      const before = await estimateAt(concurrency, "none");
      const after = await estimateAt(concurrency, profile);
      const m = measured[concurrency]!;
      expect(off(after.ttftMs, m.ttftMs), `TTFT at ${concurrency}`).toBeLessThan(0.15);
      expect(off(before.ttftMs, m.ttftMs), `TTFT at ${concurrency}, uncalibrated`).toBeGreaterThan(0.5);
      // TPOT moves toward the measurement at 1 user; at 4 users the model keeps the prefill passes
      // that real engines interleave with decoding (issue #16), and this fake server does not slow
      // down for them, so the fit trades some TPOT there for TTFT: not asserted.
      if (concurrency === 1)
        expect(off(after.tpotMs, m.tpotMs), "TPOT at 1").toBeLessThan(off(before.tpotMs, m.tpotMs));
    }
    const [, withFixed, withShare] = /explains the runs better \(residual (\d+) %, against (\d+) %/.exec(
      c.stdout,
    )!;
    expect(Number(withFixed)).toBeLessThan(Number(withShare) / 2);
  }, 90_000);
});

describe("where estimate and plan find a profile", () => {
  it("LLMDEPLOY_CALIBRATION, then $XDG_CONFIG_HOME/llmdeploy/calibration.json; --calibration none turns it off", async () => {
    const home = mkdtempSync(join(tmpdir(), "llmdeploy-xdg-"));
    mkdirSync(join(home, "llmdeploy"));
    writeFileSync(join(home, "llmdeploy", "calibration.json"), readFileSync(PROFILE));
    const args = ["estimate", "qwen2.5-7b", "--gpu", "a100-80g", "--json"];
    const byDefault = await cli(args, { env: { XDG_CONFIG_HOME: home } });
    expect(byDefault.exitCode, byDefault.stderr).toBe(0);
    expect(JSON.parse(byDefault.stdout).calibration).toMatchObject({
      path: join(home, "llmdeploy", "calibration.json"),
      source: "default",
    });
    expect(byDefault.stderr).toMatch(
      /^calibration: .*calibration\.json \(default location\), a100-80g \/ vllm 0\.28\.0: /m,
    );
    const byEnv = await cli(args, { env: { LLMDEPLOY_CALIBRATION: PROFILE } });
    expect(JSON.parse(byEnv.stdout).calibration).toMatchObject({ path: PROFILE, source: "env" });
    const off = await cli([...args, "--calibration", "none"], { env: { XDG_CONFIG_HOME: home } });
    expect(JSON.parse(off.stdout).calibration).toBeNull();
    expect(off.stderr).not.toMatch(/calibration/);
    // without any, the field is there and null
    expect(JSON.parse((await cli(args)).stdout).calibration).toBeNull();
  });

  it("a profile for another GPU is not used, with a note on stderr", async () => {
    const r = await cli(["estimate", "qwen2.5-7b", "--gpu", "h100", "--calibration", PROFILE, "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).calibration).toBeNull();
    expect(r.stderr).toContain(
      `note: calibration profile ${PROFILE} not used: it is for NVIDIA A100 SXM4 80GB / vllm, not NVIDIA H100 SXM5 80GB / vllm`,
    );
  });

  it("plan records the profile it used, and its files still verify", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llmdeploy-calplan-"));
    const args = [
      "plan",
      "--model",
      "qwen2.5-7b",
      "--gpu",
      "a100-80g",
      "--defaults",
      "--calibration",
      PROFILE,
    ];
    const json = await cli([...args, "--json"]);
    expect(json.exitCode, json.stderr).toBeLessThan(2);
    const plan = JSON.parse(json.stdout);
    expect(plan.calibration).toMatchObject({ path: PROFILE, gpu: "a100-80g", engine: "vllm", fittedOn: 2 });
    expect(plan.calibration.factors.bandwidth).toMatchObject({
      label: "decode bandwidth share",
      default: 0.845,
      unit: "share",
    });
    const plain = JSON.parse((await cli([...args.slice(0, -2), "--calibration", "none", "--json"])).stdout);
    expect(plain.calibration).toBeNull();
    expect(plan.recommendation.performance.tpotMs).not.toBe(plain.recommendation.performance.tpotMs);
    const out = await cli([...args, "--out", join(dir, "deploy")]);
    expect(out.exitCode, out.stderr).toBeLessThan(2);
    expect(parse(readFileSync(join(dir, "deploy", "plan.yaml"), "utf8")).calibration.path).toBe(PROFILE);
    const v = await cli(["verify", "--deployment", join(dir, "deploy")]);
    expect(v.exitCode, v.stdout + v.stderr).toBe(0);
  }, 60_000);
});

describe("calibrate refuses bad input with one line and a hint, and writes nothing", () => {
  const dir = mkdtempSync(join(tmpdir(), "llmdeploy-calbad-"));
  const out = join(dir, "profile.json");
  const file = (name: string, content: string) => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  const c4 = JSON.parse(readFileSync(C4, "utf8"));

  const refuses = async (args: string[], message: RegExp, outFile = out) => {
    const r = await cli(["calibrate", ...args, "--out", outFile]);
    expect(r.exitCode, r.stdout).toBe(1);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0], r.stderr).toMatch(/^error: /);
    expect(lines[0]).toMatch(message);
    expect(lines[1]).toMatch(/^hint: /);
    expect(lines).toHaveLength(2);
    expect(r.stdout).toBe("");
    return r;
  };

  it("a malformed bench result", async () => {
    await refuses(["--bench", file("bad.json", "{ ttft"), "--plan", CHAT_PLAN], /bad\.json is not JSON: /);
    expect(existsSync(out)).toBe(false);
  });

  it("a bench result with no completed request (every request failed)", async () => {
    const server = await startFakeServer({ models: ["Qwen/Qwen2.5-7B-Instruct"], fate: () => "500" });
    let result: string;
    try {
      const b = await cli([
        "bench",
        "--url",
        server.url,
        "--requests",
        "4",
        "--output-tokens",
        "8",
        "--json",
      ]);
      expect(b.exitCode).toBe(4);
      result = file("failed.json", b.stdout);
    } finally {
      await server.close();
    }
    await refuses(
      ["--bench", result, "--plan", CHAT_PLAN],
      /^error: failed\.json: no request completed \(errors: http_500 4\): nothing to calibrate with/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("a bench result of another model", async () => {
    const other = file("other.json", JSON.stringify({ ...c4, model: "meta-llama/Llama-3.1-8B-Instruct" }));
    await refuses(
      ["--bench", other, "--plan", CHAT_PLAN],
      /other\.json measured model "meta-llama\/Llama-3\.1-8B-Instruct", but the plan serves "Qwen\/Qwen2\.5-7B-Instruct"/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("a bench result of another GPU (recorded by bench --plan)", async () => {
    const h100 = await cli(["plan", "--model", "qwen2.5-7b", "--gpu", "h100-sxm", "--defaults", "--yaml"]);
    expect(h100.exitCode, h100.stderr).toBeLessThan(2);
    await refuses(
      ["--bench", C4, "--plan", file("h100.yaml", h100.stdout)],
      /chat-7b-fake-c4\.json was run against a plan on a100-80g with vllm; this plan runs h100-sxm with vllm/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("two runs of one workload that contradict each other", async () => {
    const slow = file(
      "slow.json",
      JSON.stringify({ ...c4, tpotMs: { ...c4.tpotMs, mean: c4.tpotMs.mean * 2 } }),
    );
    await refuses(
      ["--bench", C4, "--bench", slow, "--plan", CHAT_PLAN],
      /chat-7b-fake-c4\.json and slow\.json ran the same workload \(4 concurrent, 256 in \/ 64 out\) but measured TPOT .* 100 % apart/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("too few runs for the factors asked for", async () => {
    await refuses(
      ["--bench", C4, "--plan", CHAT_PLAN, "--factors", "bandwidth,step-overhead"],
      /too few runs for the factors requested: step overhead needs TPOT at two or more workloads \(1 given\)/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("a start-up log of another deployment", async () => {
    await refuses(
      ["--bench", C4, "--log", fixture("vllm-logs/qwen2-7b-a100-tp1.log"), "--plan", CHAT_PLAN],
      /qwen2-7b-a100-tp1\.log is a log of Qwen2-7B-Instruct; the plan's engine loads Qwen\/Qwen2\.5-7B-Instruct/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it("an --out that exists and differs, without --force", async () => {
    const kept = file("kept.json", "{}\n");
    await refuses(["--bench", C4, "--plan", CHAT_PLAN], /kept\.json exists and differs/, kept);
    expect(readFileSync(kept, "utf8")).toBe("{}\n");
  });

  it("estimate and plan refuse a profile that is not one", async () => {
    const bad = file("notprofile.json", JSON.stringify({ llmdeployCalibration: 1, gpu: "a100-80g" }));
    for (const args of [
      ["estimate", "qwen2.5-7b", "--calibration", bad],
      ["plan", "--model", "qwen2.5-7b", "--defaults", "--calibration", bad],
    ]) {
      const r = await cli(args);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(
        /^error: calibration profile .*notprofile\.json is not a valid calibration profile: /,
      );
      expect(r.stderr).toMatch(/\nhint: llmdeploy schema calibration prints its JSON Schema/);
    }
    const env = await cli(["estimate", "qwen2.5-7b"], {
      env: { LLMDEPLOY_CALIBRATION: join(dir, "missing.json") },
    });
    expect(env.exitCode).toBe(1);
    expect(env.stderr).toMatch(/^error: calibration profile .*missing\.json does not exist\n/);
  });
});

describe("memory overheads from a start-up log", () => {
  it("the log's non-torch and CUDA graph memory replace the ledger's, and the KV cache shrinks by as much", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llmdeploy-callog-"));
    // Lines in the formats vLLM prints at start-up (see src/verify/vllm-log.ts); the figures are made up.
    const log = file(
      dir,
      "vllm.log",
      [
        "(APIServer pid=1) INFO 01-01 00:00:00 [api_server.py:1] vLLM API server version 0.28.0",
        "(EngineCore pid=2) INFO 01-01 00:00:01 [core.py:1] Initializing a V1 LLM engine (v0.28.0) with config: model='Qwen/Qwen2.5-7B-Instruct', tensor_parallel_size=1, pipeline_parallel_size=1, enforce_eager=False, kv_cache_dtype=auto,",
        "(EngineCore pid=2) INFO 01-01 00:00:09 [gpu_model_runner.py:1] Model loading took 14.25 GiB memory and 5.2 seconds",
        "(EngineCore pid=2) INFO 01-01 00:00:20 [gpu_worker.py:1] non-torch memory: 0.75 GiB",
        "(EngineCore pid=2) INFO 01-01 00:00:20 [gpu_worker.py:2] Estimated CUDA graph memory: 1.25 GiB total",
      ].join("\n") + "\n",
    );
    const profile = join(dir, "p.json");
    const c = await cli(["calibrate", "--log", log, "--plan", CHAT_PLAN, "--out", profile]);
    expect(c.exitCode, c.stderr).toBe(0);
    expect(c.stdout.split("\n")[0]).toBe(
      "NVIDIA A100 SXM4 80GB / vLLM 0.28.0: non-torch memory 0.20 GiB → 0.75 GiB, CUDA graph memory 0.44 GiB → 1.25 GiB; 1 log",
    );
    const GiB = 1024 ** 3;
    const ledger = async (cal: string) => {
      const r = await cli(["estimate", "qwen2.5-7b", "--gpu", "a100-80g", "--calibration", cal, "--json"]);
      expect(r.exitCode, r.stderr).toBe(0);
      return JSON.parse(r.stdout).placement.perGpu;
    };
    const before = await ledger("none");
    const after = await ledger(profile);
    expect(after.nonTorchBytes).toBe(Math.round(0.75 * GiB));
    expect(after.cudaGraphBytes).toBe(Math.round(1.25 * GiB));
    const grew = after.nonTorchBytes + after.cudaGraphBytes - before.nonTorchBytes - before.cudaGraphBytes;
    expect(before.kvCacheBytes - after.kvCacheBytes).toBeGreaterThanOrEqual(grew - 1);
    expect(before.kvCacheBytes - after.kvCacheBytes).toBeLessThanOrEqual(grew + 1);

    // A plan made with it records it; its files are checked against the same measured memory.
    const deploy = join(dir, "deploy");
    const p = await cli([
      "plan",
      "--config",
      fileURLToPath(new URL("../../examples/specs/chat-7b.yaml", import.meta.url)),
      "--gpu",
      "a100-80g",
      "--calibration",
      profile,
      "--out",
      deploy,
    ]);
    expect(p.exitCode, p.stderr).toBe(0);
    const plan = parse(readFileSync(join(deploy, "plan.yaml"), "utf8"));
    expect(plan.recommendation.memory.perGpu.nonTorchBytes).toBe(Math.round(0.75 * GiB));
    expect(plan.calibration.factors.cudaGraphBytes.value).toBe(Math.round(1.25 * GiB));
    const v = await cli(["verify", "--deployment", deploy]);
    expect(v.exitCode, v.stdout + v.stderr).toBe(0);
    expect(v.stdout + v.stderr).not.toMatch(/by today's sizing/);
  });
});

describe("schema", () => {
  it("prints the spec's schema by default, the profile's with calibration", async () => {
    const spec = await cli(["schema"]);
    expect(spec.exitCode).toBe(0);
    expect(JSON.parse(spec.stdout).title).toBe("llmdeploy plan spec");
    expect((await cli(["schema", "spec"])).stdout).toBe(spec.stdout);
    const cal = await cli(["schema", "calibration"]);
    expect(JSON.parse(cal.stdout)).toMatchObject({ title: "llmdeploy calibration profile" });
    expect(JSON.parse(cal.stdout).required).toContain("llmdeployCalibration");
    const bad = await cli(["schema", "profile"]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/^error: llmdeploy schema prints spec or calibration, got "profile"\n/);
  });
});

function file(dir: string, name: string, content: string): string {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
}
