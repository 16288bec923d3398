import { execa } from "execa";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { startHostileServer } from "../fixtures/hostile-servers.mjs";
import { BIN } from "./helpers.js";

const PRELOAD = fileURLToPath(new URL("../fixtures/report-peak-rss.cjs", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "llmdeploy-bench-bounds-"));
let n = 0;
const servers: { close: () => Promise<unknown> }[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** Run bench against a hostile server; its exit, output, wall time and peak RSS (MB, kernel's figure). */
async function bench(kind: Parameters<typeof startHostileServer>[0], args: string[]) {
  const server = await startHostileServer(kind);
  servers.push(server);
  const rssFile = join(dir, `rss-${++n}`);
  const t0 = performance.now();
  const r = await execa(process.execPath, [BIN, "bench", "--url", server.url, ...args], {
    reject: false,
    env: {
      CI: "true",
      NO_COLOR: "1",
      NODE_OPTIONS: `--require ${PRELOAD}`,
      LLMDEPLOY_TEST_PEAK_RSS_FILE: rssFile,
    },
    stdin: "ignore",
    timeout: 25_000,
  });
  const seconds = (performance.now() - t0) / 1000;
  const peakMb = Number(readFileSync(rssFile, "utf8")) / 1024;
  // the figure is real: a Node process holds tens of MB at least
  expect(peakMb).toBeGreaterThan(20);
  await server.close();
  process.stderr.write(
    `bench vs ${kind}: exit ${r.exitCode}, ${seconds.toFixed(1)} s, peak RSS ${peakMb.toFixed(0)} MB\n`,
  );
  return { ...r, seconds, peakMb };
}

const LIMIT_MB = 300;

describe("bench stays bounded in memory and time whatever the server sends", () => {
  it("a stream that never ends its event: each request fails at 1 MiB (event_too_large)", async () => {
    const r = await bench("endless-event", ["--requests", "3", "--timeout", "20", "--json"]);
    expect(r.exitCode, r.stderr).toBe(4);
    const b = JSON.parse(r.stdout);
    expect(b.errors).toEqual({ event_too_large: 3 });
    expect(b.errorDetails.event_too_large).toMatch(/over 1048576 characters/);
    expect(r.seconds).toBeLessThan(8);
    expect(r.peakMb).toBeLessThan(LIMIT_MB);
  });

  it("a /v1/models answer that never ends: refused at 4 MiB, in one line", async () => {
    const r = await bench("endless-models", ["--requests", "1"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^error: cannot reach http:\/\/127\.0\.0\.1:\d+: GET \/v1\/models: the answer is over 4 MiB\n/,
    );
    expect(r.seconds).toBeLessThan(8);
    expect(r.peakMb).toBeLessThan(LIMIT_MB);
  });

  it("slow-loris, a byte a second: GET /v1/models times out as a whole; so does each stream", async () => {
    let r = await bench("slow-models", ["--requests", "1", "--timeout", "2"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/GET \/v1\/models: timed out after 2 s\n/);
    expect(r.seconds).toBeLessThan(6);
    expect(r.peakMb).toBeLessThan(LIMIT_MB);
    r = await bench("slow-stream", ["--requests", "2", "--concurrency", "2", "--timeout", "2", "--json"]);
    expect(r.exitCode).toBe(4);
    expect(JSON.parse(r.stdout).errors).toEqual({ timeout: 2 });
    expect(r.seconds).toBeLessThan(6);
    expect(r.peakMb).toBeLessThan(LIMIT_MB);
  });

  it("10^6 tiny events in one answer: all counted, gaps sampled, memory bounded", async () => {
    const r = await bench("many-events", ["--endpoint", "completions", "--requests", "1", "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const b = JSON.parse(r.stdout);
    expect(b.requests).toBe(1);
    expect(b.outputTokens).toBe(1_000_000);
    expect(b.tokenCounts).toBe("chunks");
    expect(b.samples.itlMs).toBe(999_999);
    expect(b.itlSampled).toBe(true);
    expect(typeof b.itlMs.p50).toBe("number");
    expect(r.peakMb).toBeLessThan(LIMIT_MB);
  });
});
