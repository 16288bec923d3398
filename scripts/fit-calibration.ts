// Fits the performance model's efficiency constants to the calibration set and prints them with the
// residuals: `npm run calibrate:fit`. The printed constants are copied into the engine modules
// (src/engines/common.ts, trtllm.ts) and src/sizing/perf-constants.ts by hand, so a reviewer sees
// every change; test/unit/calibration.test.ts keeps the committed ones honest. Trial values are passed
// to the model as arguments: no shared constant is modified.
import { readFileSync } from "node:fs";
import { devices as gpus, models } from "../src/catalog/index.js";
import { engineModule } from "../src/engines/index.js";
import type { EngineEfficiency, EngineModule } from "../src/engines/types.js";
import { type CalibrationRecord, calibrate, errorSummary } from "../src/sizing/calibration.js";
import { type PerfConstants, perfConstantsFor } from "../src/sizing/perf-constants.js";

const records = (
  JSON.parse(readFileSync("data/calibration/measurements.json", "utf8")) as { records: CalibrationRecord[] }
).records;

/**
 * Few knobs for few measurements: bandwidth and compute shares for the engines with enough records
 * (vLLM, TensorRT-LLM, llama.cpp); SGLang and TGI share vLLM's, Ollama llama.cpp's (the same kernels
 * in the same regime); one per-step and one per-layer overhead for all engines; AMD's share.
 */
const trial = {
  shares: {
    vllm: { bandwidth: 0, compute: 0 },
    trtllm: { bandwidth: 0, compute: 0 },
    llamacpp: { bandwidth: 0, compute: 0 },
  } as Record<"vllm" | "trtllm" | "llamacpp", { bandwidth: number; compute: number }>,
  stepOverheadMs: 0,
  layerOverheadUs: 0,
  amd: 0,
};
const SHARE_OF: Record<string, "vllm" | "trtllm" | "llamacpp"> = {
  vllm: "vllm",
  sglang: "vllm",
  tgi: "vllm",
  trtllm: "trtllm",
  llamacpp: "llamacpp",
  ollama: "llamacpp",
};
// Start from the committed values.
{
  for (const e of ["vllm", "trtllm", "llamacpp"] as const) {
    const eff = engineModule(e).efficiency;
    trial.shares[e] = { bandwidth: eff.bandwidth, compute: eff.compute };
  }
  const v = engineModule("vllm").efficiency;
  trial.stepOverheadMs = v.stepOverheadMs;
  trial.layerOverheadUs = v.layerOverheadUs;
  trial.amd = perfConstantsFor(engineModule("vllm")).vendor.AMD;
}

function constantsFor(engine: EngineModule): PerfConstants {
  const base = perfConstantsFor(engine);
  const shares = trial.shares[SHARE_OF[engine.name] ?? "vllm"];
  const eff: EngineEfficiency = {
    ...engine.efficiency,
    ...shares,
    stepOverheadMs: trial.stepOverheadMs,
    layerOverheadUs: trial.layerOverheadUs,
  };
  return { ...base, engine: eff, vendor: { ...base.vendor, AMD: trial.amd } };
}

/**
 * Mean |log(predicted / measured)|, symmetric in over- and under-prediction, each record's term capped
 * at log 2 so one doubtful measurement cannot pull every constant.
 */
function loss(): number {
  const { residuals } = calibrate(records, models, gpus, constantsFor);
  return (
    residuals.reduce((s, r) => s + Math.min(Math.log(2), Math.abs(Math.log(1 + r.error))), 0) /
    residuals.length
  );
}

type Knob = { get: () => number; set: (v: number) => void; min: number; max: number; name: string };
const knobs: Knob[] = [];
for (const e of ["vllm", "trtllm", "llamacpp"] as const) {
  knobs.push({
    name: `${e}.bandwidth`,
    get: () => trial.shares[e].bandwidth,
    set: (v) => (trial.shares[e].bandwidth = v),
    min: 0.5,
    max: 0.85,
  });
  knobs.push({
    name: `${e}.compute`,
    get: () => trial.shares[e].compute,
    set: (v) => (trial.shares[e].compute = v),
    min: 0.3,
    max: 0.7,
  });
}
knobs.push({
  name: "stepOverheadMs (all engines)",
  get: () => trial.stepOverheadMs,
  set: (v) => (trial.stepOverheadMs = v),
  min: 0,
  max: 3,
});
knobs.push({
  name: "layerOverheadUs (all engines)",
  get: () => trial.layerOverheadUs,
  set: (v) => (trial.layerOverheadUs = v),
  min: 0,
  max: 40,
});
knobs.push({ name: "AMD", get: () => trial.amd, set: (v) => (trial.amd = v), min: 0.3, max: 1 });

let best = loss();
console.log(
  `start: loss ${best.toFixed(4)}`,
  errorSummary(calibrate(records, models, gpus, constantsFor).residuals),
);
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
const { residuals } = calibrate(records, models, gpus, constantsFor);
console.log(errorSummary(residuals));
for (const r of residuals) console.log(`  ${r.id.padEnd(46)} ${(r.error * 100).toFixed(0).padStart(5)} %`);
