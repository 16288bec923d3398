// Fits the performance model's efficiency constants to the calibration set and prints them with the
// residuals: `npm run calibrate:fit`. The printed constants are copied into src/catalog/perf.ts by hand
// (a reviewer sees every change); test/unit/calibration.test.ts keeps the committed ones honest.
import { readFileSync } from "node:fs";
import { devices as gpus, models } from "../src/catalog/index.js";
import { COLLECTIVES, ENGINE_EFFICIENCY, VENDOR_EFFICIENCY } from "../src/catalog/perf.js";
import { type CalibrationRecord, calibrate, errorSummary } from "../src/sizing/calibration.js";

const records = (
  JSON.parse(readFileSync("data/calibration/measurements.json", "utf8")) as { records: CalibrationRecord[] }
).records;

/**
 * Mean |log(predicted / measured)|, symmetric in over- and under-prediction, each record's term capped
 * at log 2 so one doubtful measurement cannot pull every constant.
 */
function loss(): number {
  const { residuals } = calibrate(records, models, gpus);
  return (
    residuals.reduce((s, r) => s + Math.min(Math.log(2), Math.abs(Math.log(1 + r.error))), 0) /
    residuals.length
  );
}

type Knob = { get: () => number; set: (v: number) => void; min: number; max: number; name: string };
const E = ENGINE_EFFICIENCY;
/**
 * Few knobs for few measurements: bandwidth and compute shares for the engines with enough records
 * (vLLM, TensorRT-LLM, llama.cpp); SGLang and TGI share vLLM's, Ollama llama.cpp's (the same kernels
 * in the same regime); one per-step and one per-layer overhead for all engines; AMD's share.
 */
function tie(): void {
  for (const e of ["sglang", "tgi"] as const)
    Object.assign(E[e], { bandwidth: E.vllm.bandwidth, compute: E.vllm.compute });
  Object.assign(E.ollama, { bandwidth: E.llamacpp.bandwidth, compute: E.llamacpp.compute });
}
const knobs: Knob[] = [];
for (const e of ["vllm", "trtllm", "llamacpp"] as const) {
  knobs.push({
    name: `${e}.bandwidth`,
    get: () => E[e].bandwidth,
    set: (v) => ((E[e].bandwidth = v), tie()),
    min: 0.5,
    max: 0.85,
  });
  knobs.push({
    name: `${e}.compute`,
    get: () => E[e].compute,
    set: (v) => ((E[e].compute = v), tie()),
    min: 0.3,
    max: 0.7,
  });
}
const all = Object.values(E);
knobs.push({
  name: "stepOverheadMs (all engines)",
  get: () => E.vllm.stepOverheadMs,
  set: (v) => all.forEach((x) => (x.stepOverheadMs = v)),
  min: 0,
  max: 3,
});
knobs.push({
  name: "layerOverheadUs (all engines)",
  get: () => E.vllm.layerOverheadUs,
  set: (v) => all.forEach((x) => (x.layerOverheadUs = v)),
  min: 0,
  max: 40,
});
knobs.push({
  name: "AMD",
  get: () => VENDOR_EFFICIENCY.AMD,
  set: (v) => (VENDOR_EFFICIENCY.AMD = v),
  min: 0.3,
  max: 1,
});
void COLLECTIVES;

let best = loss();
console.log(`start: loss ${best.toFixed(4)}`, errorSummary(calibrate(records, models, gpus).residuals));
for (let round = 0; round < 6; round++) {
  for (const k of knobs) {
    const steps = 24;
    let bestV = k.get();
    for (let i = 0; i <= steps; i++) {
      const v = k.min + ((k.max - k.min) * i) / steps;
      k.set(v);
      const l = loss();
      if (l < best - 1e-9) {
        best = l;
        bestV = v;
      }
    }
    k.set(bestV);
  }
}
const round = (v: number) => Math.round(v * 1000) / 1000;
console.log(`fitted: loss ${best.toFixed(4)}`);
for (const k of knobs) console.log(`  ${k.name} = ${round(k.get())}`);
const { residuals } = calibrate(records, models, gpus);
console.log(errorSummary(residuals));
for (const r of residuals) console.log(`  ${r.id.padEnd(46)} ${(r.error * 100).toFixed(0).padStart(5)} %`);
