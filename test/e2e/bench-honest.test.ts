import { execa } from "execa";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startFakeServer } from "../fixtures/fake-openai-server.mjs";
import { BIN, cli } from "./helpers.js";

const within = (v: number, target: number, tol = 0.15) => Math.abs(v / target - 1) <= tol;
const NULLS = { p50: null, p90: null, p95: null, p99: null, mean: null };

describe("bench reports what happened, no more and no less", () => {
  it("`data: null` in a stream is a malformed event, counted; every request failing exits 4", async () => {
    const server = await startFakeServer({ ttftMs: 5, itlMs: 1, fate: () => "null-event" });
    try {
      const r = await cli([
        "bench",
        "--url",
        server.url,
        "--requests",
        "3",
        "--output-tokens",
        "4",
        "--json",
      ]);
      expect(r.exitCode, r.stderr).toBe(4);
      const b = JSON.parse(r.stdout);
      expect(b.errors).toEqual({ malformed_event: 3 });
      expect(b.errorDetails.malformed_event).toBe("an event's data is not a JSON object: null");
      expect(r.stderr).toMatch(/^error: every request failed \(malformed_event 3\); malformed_event: /m);
      expect(r.stderr).not.toMatch(/internal error|TypeError|\n\s+at /);
    } finally {
      await server.close();
    }
  });

  it("a stream without any text is an error (empty_response), not a TTFT of 0; no sample prints -", async () => {
    const server = await startFakeServer({ ttftMs: 5, itlMs: 1, fate: () => "empty" });
    try {
      let r = await cli(["bench", "--url", server.url, "--requests", "2", "--json"]);
      expect(r.exitCode).toBe(4);
      const b = JSON.parse(r.stdout);
      expect(b.errors).toEqual({ empty_response: 2 });
      for (const k of ["ttftMs", "tpotMs", "itlMs", "e2eLatencyMs"]) expect(b[k], k).toEqual(NULLS);
      expect(b.samples).toEqual({ ttftMs: 0, tpotMs: 0, itlMs: 0, e2eLatencyMs: 0 });
      r = await cli(["bench", "--url", server.url, "--requests", "2"]);
      expect(r.stdout).toMatch(/│ TTFT \(ms\)\s+│ - +│ - +│ - +│ - +│ - +│/);
      const table = r.stdout.split("\n").filter((l) => l.startsWith("│ ") && !l.includes("p50"));
      expect(table.length).toBe(4);
      for (const row of table) expect(row).not.toMatch(/\d/);
    } finally {
      await server.close();
    }
  });

  it("every request rate limited (HTTP 429): exit 4 with that sentence; --help documents the code", async () => {
    const server = await startFakeServer({ fate: () => "429" });
    try {
      const r = await cli(["bench", "--url", server.url, "--requests", "3"]);
      expect(r.exitCode).toBe(4);
      expect(r.stdout).toMatch(/errors: http_429 3/);
      expect(r.stderr).toMatch(/^error: every request was rate limited \(HTTP 429\)$/m);
    } finally {
      await server.close();
    }
    const help = await cli(["bench", "--help"]);
    expect(help.stdout.replace(/\s+/g, " ")).toMatch(
      /4 no request completed, every one failed \(e\.g\. every request was rate limited, HTTP 429\)/,
    );
  });

  it("model discovery names the cause: a timeout, a refused connection, the server's HTTP status", async () => {
    const hang = await startFakeServer({ modelsFate: "hang" });
    const denied = await startFakeServer({ modelsFate: "401" });
    try {
      let r = await cli(["bench", "--url", hang.url, "--timeout", "1"]);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(
        /^error: cannot reach http:\/\/127\.0\.0\.1:\d+: GET \/v1\/models: timed out after 1 s\n/,
      );
      expect(r.stderr).not.toMatch(/TimeoutError/);
      r = await cli(["bench", "--url", denied.url]);
      expect(r.stderr).toMatch(/refused the API key \(GET \/v1\/models: HTTP 401: models say 401\)\nhint:/);
    } finally {
      await hang.close();
      await denied.close();
    }
    const r = await cli(["bench", "--url", "http://127.0.0.1:9"]);
    expect(r.stderr).toMatch(/GET \/v1\/models: connection refused\n/);
  });

  it("--duration cuts the streams still running at the deadline: counted apart, TTFT kept", async () => {
    // each request: 50 ms to the first token, then 39 × 100 ms: about 4 s, longer than the run
    const server = await startFakeServer({ ttftMs: 50, itlMs: 100 });
    try {
      const args = [
        "bench",
        "--url",
        server.url,
        "--concurrency",
        "2",
        "--duration",
        "1",
        "--output-tokens",
        "40",
      ];
      let r = await cli([...args, "--json"]);
      expect(r.exitCode, r.stderr).toBe(0);
      const b = JSON.parse(r.stdout);
      expect(b).toMatchObject({
        requests: 0,
        cutByDeadline: 2,
        incomplete: 2,
        incompleteWithToken: 2,
        aborted: 0,
      });
      expect(b.errors).toEqual({});
      expect(b.partial).toBe(false);
      // measured, not null: the server waits 50 ms, and the token came before the 1 s deadline
      expect(b.ttftMs.p50).toBeGreaterThanOrEqual(50);
      expect(b.ttftMs.p50).toBeLessThan(1000);
      expect(within(b.itlMs.p50, 100, 0.5)).toBe(true);
      expect(b.e2eLatencyMs).toEqual(NULLS);
      // stopped at the deadline, not 3 s later when the streams would have ended
      expect(b.durationS).toBeLessThan(1.5);
      expect(r.stderr).toMatch(/warning: no request completed before the --duration deadline/);
      r = await cli(args);
      expect(r.stdout).toMatch(
        /incomplete: 2 requests still streaming \(2 cut by the --duration deadline\): not errors/,
      );
    } finally {
      await server.close();
    }
  });

  it("Ctrl-C while every request is still streaming: 0 completed, their TTFT reported, exit 130", async () => {
    const server = await startFakeServer({ ttftMs: 50, itlMs: 100 });
    try {
      const p = execa(
        process.execPath,
        [BIN, "bench", "--url", server.url, "--concurrency", "2", "--output-tokens", "100", "--json"],
        { reject: false, env: { CI: "true", NO_COLOR: "1" } },
      );
      await new Promise((r) => setTimeout(r, 1500));
      p.kill("SIGINT");
      const r = await p;
      expect(r.exitCode).toBe(130);
      const b = JSON.parse(r.stdout);
      expect(b).toMatchObject({
        requests: 0,
        aborted: 2,
        incomplete: 2,
        incompleteWithToken: 2,
        partial: true,
      });
      expect(b.ttftMs.p50).toBeGreaterThanOrEqual(50);
      expect(b.ttftMs.p50).toBeLessThan(1500);
      expect(b.samples.ttftMs).toBe(2);
      expect(b.errors).toEqual({});
    } finally {
      await server.close();
    }
  });

  it("a very low --request-rate sends its arrivals far apart (not all at once)", async () => {
    const server = await startFakeServer({ ttftMs: 5, itlMs: 1 });
    try {
      const r = await cli([
        "bench",
        "--url",
        server.url,
        "--request-rate",
        "1e-7",
        "--requests",
        "20",
        "--duration",
        "2",
        "--output-tokens",
        "2",
        "--json",
      ]);
      expect(r.exitCode, r.stderr).toBe(0);
      const b = JSON.parse(r.stdout);
      // the first arrival at once, the next one ~10^7 s later: past the 2 s of the run
      expect(server.stats.requests).toBe(1);
      expect(b.requests).toBe(1);
      expect(b.durationS).toBeGreaterThan(1.9);
      expect(b.durationS).toBeLessThan(3);
    } finally {
      await server.close();
    }
  });

  it("LF, CRLF and CR framing give the same TTFT and TPOT, without errors", async () => {
    for (const eol of ["lf", "crlf", "cr"] as const) {
      const server = await startFakeServer({ ttftMs: 100, itlMs: 100, eol });
      try {
        const r = await cli([
          "bench",
          "--url",
          server.url,
          "--concurrency",
          "2",
          "--requests",
          "4",
          "--output-tokens",
          "6",
          "--json",
        ]);
        expect(r.exitCode, `${eol}: ${r.stderr}`).toBe(0);
        const b = JSON.parse(r.stdout);
        expect(b.errors, eol).toEqual({});
        expect(b.requests, eol).toBe(4);
        // An event dispatched one piece late (a CR held until the next piece) would show a TTFT of
        // 200 ms, one token late: twice the server's 100 ms.
        expect(within(b.ttftMs.p50, 100, 0.4), `${eol}: TTFT ${b.ttftMs.p50}`).toBe(true);
        expect(within(b.tpotMs.mean, 100, 0.4), `${eol}: TPOT ${b.tpotMs.mean}`).toBe(true);
      } finally {
        await server.close();
      }
    }
  });

  it("a URL's user:password is sent as basic authentication and never printed", async () => {
    const server = await startFakeServer({ ttftMs: 5, itlMs: 1 });
    try {
      const withAuth = server.url.replace("http://", "http://alice:s3cr3t-pw@");
      const r = await cli(["bench", "--url", withAuth, "--requests", "2", "--output-tokens", "2", "--json"]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toMatch(/s3cr3t-pw|alice/);
      expect(JSON.parse(r.stdout).url).toBe(server.url);
      const basic = `Basic ${Buffer.from("alice:s3cr3t-pw").toString("base64")}`;
      expect(server.stats.authorization).toEqual(Array(server.stats.authorization.length).fill(basic));
    } finally {
      await server.close();
    }
    for (const bad of ["http://alice:s3cr3t-pw@127.0.0.1:99999", "http://alice:s3cr3t/pw@127.0.0.1:9"]) {
      const r = await cli(["bench", "--url", bad]);
      expect(r.exitCode, bad).toBe(1);
      expect(r.stderr, bad).not.toMatch(/s3cr3t|alice/);
    }
  });

  it("flags and prompt files out of bounds are refused in one line before any request", async () => {
    const server = await startFakeServer({ ttftMs: 5, itlMs: 1 });
    const dir = mkdtempSync(join(tmpdir(), "llmdeploy-bench-bounds-flags-"));
    writeFileSync(join(dir, "null.jsonl"), '{"prompt": "a"}\nnull\n');
    writeFileSync(join(dir, "mixed.jsonl"), '{"prompt": "a", "messages": 5}\n');
    try {
      const cases: [string[], RegExp][] = [
        [["--concurrency", "100000000"], /^error: --concurrency is at most 10000, got 100000000\n/],
        [["--timeout", "3000000"], /^error: --timeout is at most 86400, got 3000000\n/],
        [["--request-rate", "20000"], /^error: --request-rate is at most 10000/],
        [
          ["--concurrency", "64", "--input-tokens", "1000000"],
          /^error: --concurrency 64 with prompts of \d+ characters is over the 48 Mi characters of prompts bench keeps in flight\nhint: at most --concurrency 8 /,
        ],
        [["--prompts", join(dir, "null.jsonl")], /^error: .*null\.jsonl:2 is null, not a JSON object\nhint:/],
        [["--prompts", join(dir, "mixed.jsonl")], /^error: .*mixed\.jsonl:1: "messages" is not a list/],
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
  });
});
