import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { devices, models } from "../../src/catalog/index.js";
import {
  type CalibrationRecord,
  calibrate,
  DOCUMENT_CAP,
  prepareRecord,
  recordSettings,
  recordVersion,
  splitOf,
  weightedQuantile,
} from "../../src/sizing/calibration.js";
import { byMetric, documentLabel, errorBands } from "../../src/sizing/calibration-report.js";
import { engineModule } from "../../src/engines/index.js";
import { findGpu } from "../../src/catalog/index.js";
import { ERROR_BANDS } from "../../src/sizing/perf-constants.js";

// The calibration set: published measurements, each with its URL and a verbatim quote
// (data/calibration/measurements.json, serving.json). The report is `npm run calibrate`
// (scripts/calibration-report.ts), which writes docs/performance.md; this test checks the data, the
// split, and that the figures the docs report are what the model gives today.
const read = (f: string) =>
  (
    JSON.parse(readFileSync(new URL(`../../data/calibration/${f}`, import.meta.url), "utf8")) as {
      records: CalibrationRecord[];
    }
  ).records;
const records = [...read("measurements.json"), ...read("serving.json")];
const docs = readFileSync(new URL("../../docs/performance.md", import.meta.url), "utf8");

describe("calibration data", () => {
  it("every record names its source, quotes it, and says its split, API path and KV cache dtype", () => {
    for (const r of records) {
      expect(r.source, r.id).toMatch(/^https?:\/\//);
      expect(r.quote.length, r.id).toBeGreaterThan(5);
      expect(r.value, r.id).toBeGreaterThan(0);
      expect(typeof r.api, r.id).toBe("boolean");
      expect(["auto", "fp8"], r.id).toContain(r.kvCacheDtype);
    }
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);
  });

  it("the split is by source document: SHA-256 of the URL, never a document on both sides", () => {
    const sides = new Map<string, Set<string>>();
    for (const r of records) {
      expect(r.split, r.id).toBe(splitOf(r.source));
      sides.set(r.source, (sides.get(r.source) ?? new Set()).add(r.split!));
    }
    for (const [doc, s] of sides) expect(s.size, doc).toBe(1);
    // sha256("https://mushfiqrahman.dev/?p=1668") starts with an even byte: fit
    expect(splitOf("https://mushfiqrahman.dev/?p=1668")).toBe("fit");
  });

  it("runs the model cannot describe are kept with a reason, not dropped", () => {
    for (const r of records) {
      if (/nvfp4/i.test(r.precision)) expect(r.exclude, r.id).toMatch(/NVFP4/);
      if (/-mtp/.test(r.id)) expect(r.exclude, r.id).toMatch(/speculative/);
      if (/dp-?attn|enable_attention_dp: true|--enable-dp-attention/i.test(`${r.id} ${r.notes ?? ""}`))
        expect(r.exclude, r.id).toMatch(/attention data-parallel/);
    }
  });

  it("FP8 TensorRT-LLM runs of ModelOpt checkpoints are replayed with their FP8 KV cache", () => {
    const r = records.find((x) => x.id === "trtllm-l31-8b-h100-fp8-1000-1000")!;
    expect(r.kvCacheDtype).toBe("fp8");
    const p = prepareRecord(r, models, devices);
    if ("skipped" in p) throw new Error(p.skipped);
    expect(p.input.kvCacheDtype).toBe("fp8");
    // the same run with a 16-bit cache holds half the tokens: 8B FP8 on one H100 leaves the same bytes
    const p16 = prepareRecord({ ...r, kvCacheDtype: "auto" }, models, devices);
    if ("skipped" in p16) throw new Error(p16.skipped);
    expect(p.input.kvCacheTokens / p16.input.kvCacheTokens).toBeCloseTo(2, 1);
  });

  it("a record is replayed with its own engine release, split, context and entry point", () => {
    // the release the source states, where the engine module models it; else the pinned defaults
    expect(recordVersion("v0.11.0")).toBe("0.11.0");
    expect(recordVersion("0.9.1 (rocm/vllm:rocm6.4.1_vllm_0.9.1_20250715)")).toBe("0.9.1");
    expect(recordVersion("1.2.0rc6.post3")).toBe("1.2.0");
    expect(recordVersion("vllm-dev:20250112 (ROCm docker image)")).toBeNull();
    expect(recordVersion("not stated in the row")).toBeNull();
    const vllm = engineModule("vllm");
    const r = records.find((x) => x.engine === "vllm" && x.engineVersion === "0.6.0")!;
    const o = recordSettings(r, vllm, 1, 1, 4096);
    expect(o).toMatchObject({ engineVersion: "0.6.0", tp: 1, pp: 1, maxModelLen: 4096 });
    // vLLM 0.6.0 is V0: without chunked prefill a step takes max(max_model_len, 2048) tokens
    // (vllm/config.py at 0.6: "max_num_batched_tokens = max(max_model_len, 2048)"); the pinned V1
    // release on an H100 takes 8192 through `vllm serve`
    expect(vllm.settings(findGpu("h100"), o).maxNumBatchedTokens).toBe(4096);
    expect(vllm.settings(findGpu("h100"), {}).maxNumBatchedTokens).toBe(8192);
    // a release outside what TensorRT-LLM's module models (it models its pinned image only)
    const t = recordSettings({ engineVersion: "0.16.0", api: false }, engineModule("trtllm"), 8, 1, 4096);
    expect(t.engineVersion).toBeUndefined();
    // in-process runs (benchmark_throughput, trtllm-bench) are started as a library, not a server
    expect(t.entryPoint).toBe("llm");
  });

  it("documents are named short in the report: the repository and the last two parts of the path", () => {
    expect(
      documentLabel(
        "https://github.com/ROCm/rocm-blogs/blob/11235ac299a174b730d359a6b3d9eab85a520f59/blogs/artificial-intelligence/LLM_Inference/README.md",
      ),
    ).toBe("ROCm/rocm-blogs …/LLM_Inference/README.md");
    expect(documentLabel("https://github.com/vllm-project/vllm/issues/12315")).toBe(
      "vllm-project/vllm …/issues/12315",
    );
    expect(
      documentLabel("https://www.amd.com/en/developer/resources/rocm-hub/dev-ai/performance-results.html"),
    ).toBe("amd.com …/performance-results.html");
    expect(documentLabel("https://ahelpme.com/?p=6685")).toBe("ahelpme.com");
  });

  it("weighted quantiles: the smallest value whose cumulative weight reaches q", () => {
    // values 1, 2, 3 with weights 1, 1, 2 (total 4): the median needs 2 → 2; p90 needs 3.6 → 3
    const v = [
      { v: 3, w: 2 },
      { v: 1, w: 1 },
      { v: 2, w: 1 },
    ];
    expect(weightedQuantile(v, 0.5)).toBe(2);
    expect(weightedQuantile(v, 0.9)).toBe(3);
  });
});

describe("calibration against published measurements", () => {
  const { residuals } = calibrate(records, models, devices);
  const validation = residuals.filter((r) => r.split === "validation");
  const m = byMetric(validation);

  it("no source document counts for more than DOCUMENT_CAP figures (the aiconfigurator CSV has 246)", () => {
    const byDoc = new Map<string, number>();
    for (const r of residuals) byDoc.set(r.source, (byDoc.get(r.source) ?? 0) + r.weight);
    for (const [doc, w] of byDoc) expect(w, doc).toBeLessThanOrEqual(DOCUMENT_CAP + 1e-9);
    const aic = [...byDoc].find(([d]) => d.includes("silicon_sample.csv"))!;
    expect(aic[1]).toBeCloseTo(DOCUMENT_CAP, 9);
  });

  it("the validation side covers ≥ 100 figures, ≥ 3 engines, ≥ 4 GPU types, dense and MoE, TP 1 to 8", () => {
    expect(validation.length).toBeGreaterThanOrEqual(100);
    expect(new Set(validation.map((r) => r.engine)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(validation.map((r) => r.gpu)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(validation.map((r) => r.moe))).toEqual(new Set([true, false]));
    for (const tp of [1, 2, 4, 8])
      expect(
        validation.some((r) => r.tp === tp),
        `TP${tp}`,
      ).toBe(true);
  });

  it("the validation medians are the ones docs/performance.md reports (within a point)", () => {
    // the generated headline: "Validation side: … median |error| TTFT a %, TPOT b %, throughput c %"
    const line = /Validation side: .*?median \|error\| TTFT (\d+) %, TPOT (\d+) %, throughput (\d+) %/.exec(
      docs,
    );
    expect(line, "run npm run calibrate -- --write").not.toBeNull();
    const [ttft, tpot, tput] = line!.slice(1).map((x) => Number(x) / 100);
    expect(Math.abs(m.ttft.median - ttft!)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(m.tpot.median - tpot!)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(m.throughput.median - tput!)).toBeLessThanOrEqual(0.01);
  });

  it("the error bands printed with every prediction cover the validation side's 90th percentiles", () => {
    const bands = errorBands(validation);
    for (const [engine, b] of Object.entries(bands)) {
      const committed = ERROR_BANDS[engine] ?? ERROR_BANDS.default!;
      expect(committed, engine).toEqual(b);
    }
    expect(ERROR_BANDS.default!.ttft).toBeGreaterThanOrEqual(m.ttft.p90);
    expect(ERROR_BANDS.default!.tpot).toBeGreaterThanOrEqual(m.tpot.p90);
    expect(ERROR_BANDS.default!.throughput).toBeGreaterThanOrEqual(m.throughput.p90);
  });
});
