import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { devices, models } from "../../src/catalog/index.js";
import { DEFAULT_ERROR_BAND } from "../../src/sizing/perf-constants.js";
import { type CalibrationRecord, calibrate, errorSummary } from "../../src/sizing/calibration.js";

// The calibration set: published measurements, each with its URL and a verbatim quote
// (data/calibration/measurements.json; docs/research/calibration-sources.md says what each source is).
const data = JSON.parse(
  readFileSync(new URL("../../data/calibration/measurements.json", import.meta.url), "utf8"),
) as { records: CalibrationRecord[] };

describe("calibration against published measurements", () => {
  const { residuals, skipped } = calibrate(data.records, models, devices);
  const summary = errorSummary(residuals);

  it("every record names its source and quotes it", () => {
    for (const r of data.records) {
      expect(r.source, r.id).toMatch(/^https?:\/\//);
      expect(r.quote.length, r.id).toBeGreaterThan(5);
      expect(r.value, r.id).toBeGreaterThan(0);
    }
  });

  it("prints the residuals; the median error stays under 25 % and within the printed error band", () => {
    const pct = (v: number) => `${(v * 100).toFixed(0)} %`;
    const lines = residuals
      .map(
        (r) =>
          `${r.id.padEnd(44)} ${r.metric.padEnd(20)} measured ${String(r.measured).padStart(9)}  predicted ${String(r.predicted).padStart(9)}  ${(r.error >= 0 ? "+" : "") + pct(r.error)}`,
      )
      .join("\n");
    console.log(
      `${lines}\n\ncalibration: ${summary.n} figures, median |error| ${pct(summary.median)}, p90 ${pct(summary.p90)}` +
        (skipped.length
          ? `; skipped ${skipped.length}: ${skipped.map((s) => `${s.id} (${s.reason})`).join(", ")}`
          : ""),
    );
    expect(summary.n).toBeGreaterThanOrEqual(20);
    expect(summary.median).toBeLessThan(0.25);
    // the error band every prediction prints is at least the median error of the calibration set
    expect(DEFAULT_ERROR_BAND).toBeGreaterThanOrEqual(summary.median);
  });
});
