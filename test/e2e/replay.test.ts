import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { startFakeServer } from "../fixtures/fake-openai-server.mjs";
import { cli } from "./helpers.js";

describe("--num-requests: a finite run replayed pass by pass (built bin)", () => {
  it("estimate --num-requests replays the run and prints its percentiles", async () => {
    const args = ["estimate", "llama-3.1-8b", "--gpu", "h100", "--concurrency", "8", "--num-requests", "40"];
    const j = JSON.parse((await cli([...args, "--json"])).stdout);
    const p = j.performance;
    expect(j.workload.numRequests).toBe(40);
    expect(p.replay).toMatchObject({ numRequests: 40, loop: "closed", concurrency: 8 });
    expect(p.replay.ttftMs.p99).toBeGreaterThanOrEqual(p.replay.ttftMs.p50);
    expect(p.percentiles.ttftP99Ms).toBe(p.replay.ttftMs.p99);
    for (const k of ["errorBandTtft", "errorBandTpot", "errorBandThroughput"])
      expect(p[k]).toBeGreaterThan(0);
    const r = await cli(args);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/replay of 40 requests \(closed loop\): TTFT p50 .*, p90 .*, p99/);
    expect(r.stdout).toMatch(/error bands \(validation set\): TTFT ±\d+ %, TPOT ±\d+ %, throughput ±\d+ %/);
  });

  it("bad --num-requests: one line naming the flag, exit 1", async () => {
    for (const v of ["0", "-3", "1.5", "100001"]) {
      const r = await cli(["estimate", "8b", "--gpu", "h100", "--num-requests", v]);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/--num-requests/);
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    }
  });

  it("plan --num-requests stores the replay; bench --plan then runs and compares at the plan's load", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llmdeploy-replay-"));
    const r = await cli([
      ...["plan", "--model", "llama-3.1-8b", "--gpu", "h100", "--defaults", "--concurrency", "4"],
      ...["--input-tokens", "64", "--output-tokens", "8", "--num-requests", "12", "--json"],
    ]);
    expect(r.exitCode).toBe(0);
    const plan = JSON.parse(r.stdout);
    const replay = plan.recommendation.performance.replay;
    expect(replay).toMatchObject({ numRequests: 12, loop: "closed", concurrency: 4 });
    const file = join(dir, "plan.yaml");
    writeFileSync(file, stringify(plan));
    const server = await startFakeServer({ ttftMs: 20, itlMs: 5 });
    try {
      // no --concurrency, --requests or lengths: the plan's own (4 users, 12 requests, 8 tokens)
      let b = await cli(["bench", "--url", server.url, "--plan", file, "--json"]);
      expect(b.exitCode, b.stderr).toBe(0);
      const j = JSON.parse(b.stdout);
      expect(j.load).toEqual({ concurrency: 4, requestRate: null });
      expect(j.requests).toBe(12);
      expect(j.comparison).toMatchObject({ comparable: true, warning: null });
      expect(j.comparison.verdicts.map((v: { figure: string }) => v.figure)).toContain("ttftMs.p99");
      // at 1 user against the 4-user plan: a warning, and no figure counts as a miss
      b = await cli(["bench", "--url", server.url, "--plan", file, "--concurrency", "1", "--requests", "3"]);
      expect(b.exitCode).toBe(0);
      expect(b.stdout).toMatch(/warning: the plan predicts 4 concurrent and this run was 1 concurrent/);
    } finally {
      await server.close();
    }
  });
});
