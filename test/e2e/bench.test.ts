import { execa } from "execa";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { startFakeServer } from "../fixtures/fake-openai-server.mjs";
import { BIN, cli } from "./helpers.js";

const within = (v: number, target: number, tol = 0.1) => Math.abs(v / target - 1) <= tol;

describe("llmdeploy bench against a fake streaming server", () => {
  it("TTFT 200 ms and 20 ms between tokens come out as such, with the throughput they imply", async () => {
    const server = await startFakeServer({ ttftMs: 200, itlMs: 20 });
    try {
      const r = await cli([
        "bench",
        "--url",
        server.url,
        "--concurrency",
        "4",
        "--requests",
        "24",
        "--output-tokens",
        "20",
        "--json",
      ]);
      expect(r.exitCode, r.stderr).toBe(0);
      const b = JSON.parse(r.stdout);
      expect(b.requests).toBe(24);
      expect(b.errors).toEqual({});
      expect(b.tokenCounts).toBe("usage");
      for (const k of ["ttftMs", "tpotMs", "itlMs", "e2eLatencyMs"]) {
        for (const q of ["p50", "p90", "p95", "p99", "mean"]) expect(typeof b[k][q]).toBe("number");
      }
      expect(within(b.ttftMs.p50, 200)).toBe(true);
      expect(within(b.itlMs.p50, 20)).toBe(true);
      expect(within(b.tpotMs.mean, 20)).toBe(true);
      // one request: 200 + 19 × 20 = 580 ms; 4 users → 4 / 0.58 s = 6.9 req/s, × 20 tokens = 138 tokens/s
      expect(within(b.e2eLatencyMs.p50, 580)).toBe(true);
      expect(within(b.requestsPerSec, 4 / 0.58)).toBe(true);
      expect(within(b.outputTokensPerSec, (4 / 0.58) * 20)).toBe(true);
      // the request asked for exactly that many tokens, streamed
      expect(server.stats.bodies[0]).toMatchObject({
        model: "fake-model",
        stream: true,
        max_tokens: 20,
        ignore_eos: true,
      });
    } finally {
      await server.close();
    }
  });

  it("server errors, broken streams and timeouts are counted, not fatal", async () => {
    const fates = { 3: "500", 6: "broken", 9: "hang" } as Record<number, string>;
    const server = await startFakeServer({ ttftMs: 20, itlMs: 5, fate: (n: number) => fates[n] ?? "ok" });
    try {
      const r = await cli([
        "bench",
        "--url",
        server.url,
        "--model",
        "fake-model",
        "--concurrency",
        "2",
        "--requests",
        "12",
        "--output-tokens",
        "10",
        "--timeout",
        "1",
        "--json",
      ]);
      expect(r.exitCode, r.stderr).toBe(0);
      const b = JSON.parse(r.stdout);
      expect(b.errors).toEqual({ http_500: 1, broken_stream: 1, timeout: 1 });
      expect(b.requests).toBe(9);
      expect(b.errorRate).toBeCloseTo(0.25, 5);
    } finally {
      await server.close();
    }
  });

  it("a key the server refuses: 401s counted; no server at all: one line and a hint", async () => {
    const server = await startFakeServer({ ttftMs: 5, itlMs: 1, apiKey: "right" });
    try {
      let r = await cli(["bench", "--url", server.url, "--requests", "3", "--json"], {
        env: { LLMDEPLOY_API_KEY: "wrong" },
      });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/refused the API key \(HTTP 401\)/);
      r = await cli([
        "bench",
        "--url",
        server.url,
        "--model",
        "m",
        "--requests",
        "3",
        "--api-key",
        "wrong",
        "--json",
      ]);
      expect(JSON.parse(r.stdout).errors).toEqual({ http_401: 3 });
      r = await cli(["bench", "--url", server.url, "--requests", "2", "--output-tokens", "3", "--json"], {
        env: { LLMDEPLOY_API_KEY: "right" },
      });
      expect(JSON.parse(r.stdout).requests).toBe(2);
      expect(r.stdout + r.stderr).not.toContain('right"');
    } finally {
      await server.close();
    }
    const r = await cli(["bench", "--url", "http://127.0.0.1:9", "--requests", "1"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot reach http:\/\/127\.0\.0\.1:9/m);
    expect((await cli(["bench", "--url", "not a url"])).stderr).toMatch(/is not a URL/);
  });

  it("on a terminal, a live progress line on stderr and a table on stdout", async () => {
    const server = await startFakeServer({ ttftMs: 50, itlMs: 20 });
    try {
      const tool = fileURLToPath(new URL("../tools/pty-run.py", import.meta.url));
      const r = await execa(
        "python3",
        [
          tool,
          "[]",
          "--",
          process.execPath,
          BIN,
          "bench",
          "--url",
          server.url,
          "--concurrency",
          "2",
          "--requests",
          "30",
          "--output-tokens",
          "10",
        ],
        { reject: false, env: { NO_COLOR: "1" }, timeout: 60_000 },
      );
      expect(r.exitCode, r.stdout).toBe(0);
      expect(r.stdout).toMatch(/completed \d+, in flight \d+, errors 0, \d+ tok\/s/);
      expect(r.stdout).toMatch(/ttft \(ms\)/);
      expect(r.stdout).toMatch(/30 requests in/);
    } finally {
      await server.close();
    }
  });

  it("Ctrl-C (SIGINT) stops cleanly and reports what was measured", async () => {
    const server = await startFakeServer({ ttftMs: 50, itlMs: 20 });
    try {
      const p = execa(
        process.execPath,
        [
          BIN,
          "bench",
          "--url",
          server.url,
          "--concurrency",
          "4",
          "--duration",
          "60",
          "--output-tokens",
          "10",
          "--json",
        ],
        { reject: false, env: { CI: "true", NO_COLOR: "1" } },
      );
      await new Promise((r) => setTimeout(r, 2500));
      p.kill("SIGINT");
      const r = await p;
      expect(r.exitCode).toBe(130);
      const b = JSON.parse(r.stdout);
      expect(b.partial).toBe(true);
      expect(b.requests).toBeGreaterThan(4);
      expect(b.errors).toEqual({});
    } finally {
      await server.close();
    }
  });

  it("--plan compares with the predictions; --fail-on-miss turns a miss into exit 3", async () => {
    const server = await startFakeServer({ ttftMs: 100, itlMs: 10 });
    const dir = mkdtempSync(join(tmpdir(), "llmdeploy-bench-plan-"));
    const plan = parse(
      readFileSync(
        fileURLToPath(new URL("../../examples/deployments/chat-7b/plan.yaml", import.meta.url)),
        "utf8",
      ),
    );
    // what the fake server does at 1 user: TTFT 100 ms, TPOT 10 ms, e2e 100 + 9 × 10 = 190 ms
    plan.recommendation.performance = {
      ...plan.recommendation.performance,
      ttftMs: 100,
      tpotMs: 10,
      e2eLatencyMs: 190,
      outputTokensPerSec: 52,
      errorBand: 0.25,
    };
    writeFileSync(join(dir, "good.yaml"), stringify(plan));
    plan.recommendation.performance.tpotMs = 2;
    writeFileSync(join(dir, "bad.yaml"), stringify(plan));
    try {
      const args = [
        "bench",
        "--url",
        server.url,
        "--requests",
        "8",
        "--output-tokens",
        "10",
        "--json",
        "--fail-on-miss",
      ];
      let r = await cli([...args, "--plan", join(dir, "good.yaml")]);
      expect(r.exitCode, r.stdout).toBe(0);
      const good = JSON.parse(r.stdout).comparison.verdicts;
      expect(good.map((v: { withinBand: boolean }) => v.withinBand)).toEqual([true, true, true, true]);
      r = await cli([...args, "--plan", join(dir, "bad.yaml")]);
      expect(r.exitCode).toBe(3);
      const bad = JSON.parse(r.stdout).comparison.verdicts.find(
        (v: { figure: string }) => v.figure === "tpotMs",
      );
      expect(bad.withinBand).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe("llmdeploy verify", () => {
  it("reads a published log and compares it with the ledger computed for the model and GPU", async () => {
    const log = fileURLToPath(new URL("../fixtures/vllm-logs/qwen2-7b-a100-tp2.log", import.meta.url));
    const r = await cli(["verify", "--log", log, "--model", "qwen2.5-7b", "--gpu", "a100-80g", "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v.basis).toMatch(/TP 2 × PP 1, max model len 16384, gpu_memory_utilization 0.5/);
    const weights = v.rows.find((x: { figure: string }) => x.figure.startsWith("weights"));
    expect(weights.log).toBe(7.1217);
    expect(weights.ok).toBe(true);
    expect(v.rows.find((x: { figure: string }) => x.figure === "KV cache (tokens)").ok).toBe(true);
  });

  it("against a plan; and bad input", async () => {
    const log = fileURLToPath(new URL("../fixtures/vllm-logs/qwen2-7b-a100-tp1.log", import.meta.url));
    const plan = fileURLToPath(new URL("../../examples/deployments/chat-7b/plan.yaml", import.meta.url));
    let r = await cli(["verify", "--log", log, "--plan", plan]);
    expect(r.exitCode).toBe(0);
    // the plan used 0.9 of the GPU, the log 0.5: the KV cache is far smaller, and the table says what to do
    expect(r.stdout).toMatch(/KV cache \(GiB per GPU\).*off/);
    expect(r.stdout).toMatch(/--gpu-memory-utilization/);
    r = await cli(["verify", "--log", "/nonexistent.log", "--plan", plan]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/does not exist/);
    const dir = mkdtempSync(join(tmpdir(), "llmdeploy-verify-"));
    writeFileSync(join(dir, "empty.log"), "hello\n");
    r = await cli(["verify", "--log", join(dir, "empty.log"), "--plan", plan]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/has no vLLM memory figures/);
  });
});
