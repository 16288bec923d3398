/**
 * The rendered README and the TTFT alert give each predicted figure its own error band (TTFT, TPOT,
 * throughput), not the overall (widest) one; a plan written before the per-figure bands: the overall.
 */
import { describe, expect, it } from "vitest";
import { bandsText, figureBands } from "../../src/contract/plan.js";
import { loadFixture, renderPlan, variant } from "../tools/render.js";

const fileOf = (files: { path: string; content: string }[], path: string) =>
  files.find((f) => f.path === path)!.content;

describe("each figure with its own band in the rendered files", () => {
  it("README: TTFT ±85 %, TPOT ±95 %, throughput ±45 % (llama.cpp's bands), not ±95 % for all", () => {
    // ERROR_BANDS.default (src/sizing/perf-constants.ts): overall 0.95, TTFT 0.85, TPOT 0.95, throughput 0.45
    const plan = variant(loadFixture("standalone"), (p) =>
      Object.assign(p.recommendation.performance, {
        errorBand: 0.95,
        errorBandTtft: 0.85,
        errorBandTpot: 0.95,
        errorBandThroughput: 0.45,
      }),
    );
    const files = renderPlan(plan);
    expect(fileOf(files, "README.md")).toContain(
      "| predicted | TTFT 215 ms (±85 %), TPOT 79.6 ms (±95 %), 50 output tokens/s (±45 %) |",
    );
    const alerts = fileOf(files, "monitoring/alerts.yml");
    expect(alerts).toContain("The plan predicted 215.26 ms (±85 %).");
  });

  it("a plan without per-figure bands: the overall band for each", () => {
    const files = renderPlan(loadFixture("standalone"));
    expect(fileOf(files, "README.md")).toContain(
      "| predicted | TTFT 215 ms (±35 %), TPOT 79.6 ms (±35 %), 50 output tokens/s (±35 %) |",
    );
  });
});

describe("figureBands: the one rule for each figure's band", () => {
  it("takes each figure's own band, and the overall one for a plan written before them", () => {
    expect(
      figureBands({ errorBand: 0.7, errorBandTtft: 0.7, errorBandTpot: 0.45, errorBandThroughput: 0.4 }),
    ).toEqual({ overall: 0.7, ttft: 0.7, tpot: 0.45, throughput: 0.4 });
    expect(figureBands({ errorBand: 0.25 })).toEqual({
      overall: 0.25,
      ttft: 0.25,
      tpot: 0.25,
      throughput: 0.25,
    });
    expect(bandsText({ errorBand: 0.7, errorBandTpot: 0.45 })).toBe(
      "TTFT ±70 %, TPOT ±45 %, throughput ±70 %",
    );
  });
});
