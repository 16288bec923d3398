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
      // every request has its own prompt (a server's prefix cache cannot answer one from another)
      const prompts = server.stats.bodies.map((b) => JSON.stringify(b.messages));
      expect(new Set(prompts).size).toBe(prompts.length);
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
    const SECRET = "sk-llmdeploy-test-7f3a9c";
    const server = await startFakeServer({ ttftMs: 5, itlMs: 1, apiKey: SECRET });
    try {
      let r = await cli(["bench", "--url", server.url, "--requests", "3", "--json"], {
        env: { LLMDEPLOY_API_KEY: "wrong" },
      });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/refused the API key \(GET \/v1\/models: HTTP 401\)/);
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
        env: { LLMDEPLOY_API_KEY: SECRET },
      });
      expect(JSON.parse(r.stdout).requests).toBe(2);
      // the key is sent, never printed
      expect(r.stdout + r.stderr).not.toContain(SECRET);
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
      expect(r.stdout).toMatch(/TTFT \(ms\)/);
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
    // what the fake server does at 1 user: TTFT 100 ms, TPOT 10 ms, e2e 100 + 9 × 10 = 190 ms; the
    // plan is made for 1 user, so bench --plan runs (and compares) at the plan's load
    plan.spec.concurrency = 1;
    plan.spec.requestRate = null;
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

  it("completions endpoint, CRLF-framed events, prompts from a file (the server decides the length)", async () => {
    const server = await startFakeServer({ ttftMs: 20, itlMs: 5, crlf: true, tokens: 12 });
    const dir = mkdtempSync(join(tmpdir(), "llmdeploy-bench-prompts-"));
    const file = join(dir, "prompts.jsonl");
    writeFileSync(
      file,
      '{"prompt": "first"}\n\n{"messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]}\n',
    );
    try {
      const r = await cli([
        "bench",
        "--url",
        `${server.url}/v1`,
        "--endpoint",
        "completions",
        "--prompts",
        file,
        "--concurrency",
        "2",
        "--requests",
        "4",
        "--json",
      ]);
      expect(r.exitCode, r.stderr).toBe(0);
      const b = JSON.parse(r.stdout);
      expect(b).toMatchObject({ requests: 4, errors: {}, outputTokens: 48, endpoint: "completions" });
      // a base URL ending in /v1 is the same server
      expect(new Set(server.stats.paths)).toEqual(new Set(["/v1/completions"]));
      expect(new Set(server.stats.bodies.map((x) => x.prompt))).toEqual(new Set(["first", "a\nb"]));
      expect(server.stats.bodies.every((x) => x.max_tokens === undefined)).toBe(true);
      // 11 gaps of 5 ms per request
      expect(within(b.itlMs.p50, 5, 0.6)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it("open loop: Poisson arrivals at --request-rate, whatever the server does", async () => {
    const server = await startFakeServer({ ttftMs: 20, itlMs: 5 });
    try {
      const r = await cli([
        "bench",
        "--url",
        server.url,
        "--request-rate",
        "20",
        "--requests",
        "30",
        "--seed",
        "3",
        "--output-tokens",
        "5",
        "--json",
      ]);
      expect(r.exitCode, r.stderr).toBe(0);
      const b = JSON.parse(r.stdout);
      expect(b.requests).toBe(30);
      expect(b.load).toEqual({ concurrency: null, requestRate: 20 });
      // 29 gaps of 50 ms on average: about 1.5 s, not the 0.1 s of 30 requests sent at once
      expect(b.durationS).toBeGreaterThan(0.6);
      expect(b.durationS).toBeLessThan(5);
    } finally {
      await server.close();
    }
  });

  it("an error event inside a stream and a 4xx are counted by kind, with the server's message", async () => {
    const fates = { 2: "error-event", 4: "404" } as Record<number, string>;
    const server = await startFakeServer({ ttftMs: 10, itlMs: 2, fate: (n: number) => fates[n] ?? "ok" });
    try {
      const r = await cli([
        "bench",
        "--url",
        server.url,
        "--requests",
        "6",
        "--output-tokens",
        "6",
        "--json",
      ]);
      expect(r.exitCode, r.stderr).toBe(0);
      const b = JSON.parse(r.stdout);
      expect(b.errors).toEqual({ http_500: 1, http_404: 1 });
      expect(b.errorDetails).toEqual({ http_500: "engine died", http_404: "fake failure 404" });
      expect(b.requests).toBe(4);
      const t = await cli(["bench", "--url", server.url, "--requests", "2", "--output-tokens", "4"]);
      expect(t.stdout).toMatch(/errors: none/);
    } finally {
      await server.close();
    }
  });

  it("bad input fails before any request, in one line with a hint", async () => {
    const server = await startFakeServer({ ttftMs: 5, itlMs: 1 });
    const dir = mkdtempSync(join(tmpdir(), "llmdeploy-bench-bad-"));
    writeFileSync(
      join(dir, "bare.yaml"),
      "apiVersion: llmdeploy/v1\nkind: Plan\nrecommendation:\n  gpu: l4\n",
    );
    try {
      const cases: [string[], RegExp][] = [
        [["--concurrency", "0"], /^error: --concurrency takes a positive whole number, got "0"/],
        [
          ["--concurrency", "2", "--request-rate", "1"],
          /^error: give --concurrency or --request-rate, not both\nhint:/,
        ],
        [["--requests", "100001"], /^error: --requests is at most 100000/],
        [["--duration", "90000"], /^error: --duration is at most 86400/],
        [["--endpoint", "embeddings"], /^error: --endpoint is chat or completions/],
        [["--prompts", join(dir, "none.jsonl")], /^error: prompts file .* does not exist\nhint:/],
        [
          ["--plan", join(dir, "bare.yaml")],
          // checked whole against the plan schema: the first field at fault
          /^error: .*bare\.yaml: generatedBy: expected a string, got nothing \(the field is missing\)\nhint:/,
        ],
        [["--plan", join(dir, "missing.yaml")], /^error: plan file .* does not exist/],
      ];
      for (const [args, re] of cases) {
        const r = await cli(["bench", "--url", server.url, ...args]);
        expect(r.exitCode, args.join(" ")).toBe(1);
        expect(r.stderr, args.join(" ")).toMatch(re);
      }
      expect(server.stats.requests).toBe(0);
    } finally {
      await server.close();
    }
    let r = await cli(["bench"]);
    expect(r.stderr).toMatch(/^error: --url is required\nhint: e\.g\. llmdeploy bench --url/);
    r = await cli(["bench", "--url", "ftp://example.com"]);
    expect(r.stderr).toMatch(/^error: --url must be http or https/);
    // with --model too, an unreachable server is said at once
    r = await cli(["bench", "--url", "http://127.0.0.1:9", "--model", "m"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^error: cannot reach http:\/\/127\.0\.0\.1:9: GET \/v1\/models: connection refused\nhint:/,
    );
  });

  it("the examples of --help work as written (with the fake server's URL, and 2 s for 120 s)", async () => {
    const server = await startFakeServer({ ttftMs: 5, itlMs: 1 });
    const dir = mkdtempSync(join(tmpdir(), "llmdeploy-bench-help-"));
    writeFileSync(
      join(dir, "plan.yaml"),
      readFileSync(fileURLToPath(new URL("../../examples/deployments/chat-7b/plan.yaml", import.meta.url))),
    );
    try {
      const help = await cli(["bench", "--help"]);
      const examples = help.stdout
        .split("Examples:")[1]!
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l.startsWith("llmdeploy "));
      expect(examples.length).toBeGreaterThanOrEqual(3);
      for (const ex of examples) {
        const args = ex
          .split(/\s+/)
          .slice(1)
          .map((a) =>
            /^https?:\/\//.test(a) ? server.url : a.replace("deploy/plan.yaml", join(dir, "plan.yaml")),
          )
          .map((a, i, all) => (all[i - 1] === "--duration" ? "2" : a));
        const r = await cli(args);
        // 3: --fail-on-miss, and a fake server is not the planned A100
        expect([0, 3], `${ex}\n${r.stderr}`).toContain(r.exitCode);
        expect(r.stdout).toMatch(/TTFT|ttftMs/);
      }
    } finally {
      await server.close();
    }
  });
});
