// Fits the performance model's constants on the FIT side of the calibration set and prints them with
// the fit-side errors: `npm run calibrate:fit`. The validation side is never read here (the split is
// per source document: data/calibration/*.json `split`). The printed constants are copied into the
// engine modules (src/engines/common.ts, trtllm.ts) and src/sizing/perf-constants.ts by hand, so a
// reviewer sees every change; `npm run calibrate` then reports the validation side. Trial values are
// passed to the model as arguments: no shared constant is modified.
import { readFileSync } from "node:fs";
import { devices as gpus, models } from "../src/catalog/index.js";
import type { EngineEfficiency, EngineModule } from "../src/engines/types.js";
import { type CalibrationRecord, errorSummary, prepareAll, residualsOf } from "../src/sizing/calibration.js";
import { byMetric } from "../src/sizing/calibration-report.js";
import { type PerfConstants, perfConstantsFor } from "../src/sizing/perf-constants.js";

const FILES = ["data/calibration/measurements.json", "data/calibration/serving.json"];
const all = FILES.flatMap(
  (f) => (JSON.parse(readFileSync(f, "utf8")) as { records: CalibrationRecord[] }).records,
);
const fitSide = all.filter((r) => r.split === "fit");
const { prepared } = prepareAll(fitSide, models, gpus);

/**
 * The knobs. Per engine family (SGLang its own; TGI vLLM's; Ollama llama.cpp's): the achieved
 * bandwidth and compute shares, the per-step and per-sequence costs of its scheduler, and the fixed
 * per-request API latency.
 * TensorRT-LLM's API latency is vLLM's: no fit-side record measures it. Shared by all engines (the
 * kernels are alike): the per-layer, per-MoE-layer and per-MLA-layer floors, the expert GEMMs' share, AMD's share of
 * the bandwidth and FLOPS and the multiplier of its fixed costs.
 */
type Family = "vllm" | "sglang" | "trtllm" | "llamacpp";
const FAMILY: Record<string, Family> = {
  vllm: "vllm",
  tgi: "vllm",
  sglang: "sglang",
  trtllm: "trtllm",
  llamacpp: "llamacpp",
  ollama: "llamacpp",
};
const REPRESENTATIVE: Record<Family, string> = {
  vllm: "vllm",
  sglang: "sglang",
  trtllm: "trtllm",
  llamacpp: "llamacpp",
};

interface Trial {
  family: Record<
    Family,
    {
      bandwidth: number;
      compute: number;
      stepOverheadMs: number;
      requestOverheadMs: number;
      seqOverheadUs: number;
    }
  >;
  shared: {
    layerOverheadUs: number;
    moeLayerOverheadUs: number;
    mlaLayerOverheadUs: number;
    moeGemmEfficiency: number;
    requestLayerOverheadUs: number;
  };
  amd: number;
  amdFixed: number;
}

const engines = new Map<string, EngineModule>();
for (const p of prepared) engines.set(p.engine.name, p.engine);
const base = (f: Family): EngineEfficiency =>
  [...engines.values()].find((e) => e.name === REPRESENTATIVE[f])?.efficiency ??
  [...engines.values()][0]!.efficiency;

// Start from the committed values.
const trial: Trial = {
  family: {} as Trial["family"],
  shared: {
    layerOverheadUs: base("vllm").layerOverheadUs,
    moeLayerOverheadUs: base("vllm").moeLayerOverheadUs,
    mlaLayerOverheadUs: base("vllm").mlaLayerOverheadUs,
    moeGemmEfficiency: base("vllm").moeGemmEfficiency,
    requestLayerOverheadUs: base("vllm").requestLayerOverheadUs,
  },
  amd: perfConstantsFor([...engines.values()][0]!).vendor.AMD,
  amdFixed: perfConstantsFor([...engines.values()][0]!).vendorFixedCost.AMD,
};
for (const f of ["vllm", "sglang", "trtllm", "llamacpp"] as Family[]) {
  const e = base(f);
  trial.family[f] = {
    bandwidth: e.bandwidth,
    compute: e.compute,
    stepOverheadMs: e.stepOverheadMs,
    requestOverheadMs: e.requestOverheadMs,
    seqOverheadUs: e.seqOverheadUs,
  };
}

function constantsFor(engine: EngineModule): PerfConstants {
  const c = perfConstantsFor(engine);
  const fam = FAMILY[engine.name] ?? "vllm";
  const own = trial.family[fam];
  const eff: EngineEfficiency = {
    ...engine.efficiency,
    ...trial.shared,
    bandwidth: own.bandwidth,
    compute: own.compute,
    stepOverheadMs: own.stepOverheadMs,
    seqOverheadUs: own.seqOverheadUs,
    // TensorRT-LLM has no fit-side API measurement: vLLM's.
    requestOverheadMs: fam === "trtllm" ? trial.family.vllm.requestOverheadMs : own.requestOverheadMs,
    // The prompt pass's per-layer dispatch: one value for the Python engines; llama.cpp's records
    // are in-process (llama-bench), so it has none.
    requestLayerOverheadUs: fam === "llamacpp" ? 0 : trial.shared.requestLayerOverheadUs,
  };
  return {
    ...c,
    engine: eff,
    vendor: { ...c.vendor, AMD: trial.amd },
    vendorFixedCost: { ...c.vendorFixedCost, AMD: trial.amdFixed },
  };
}

/**
 * Weighted mean |log(predicted / measured)| over the fit side, symmetric in over- and under-
 * prediction, each figure's term capped at log 2 so one doubtful measurement cannot pull every constant.
 */
function loss(): number {
  const { residuals } = residualsOf(prepared, constantsFor);
  let s = 0;
  let w = 0;
  for (const r of residuals) {
    s += r.weight * Math.min(Math.log(2), Math.abs(Math.log(1 + r.error)));
    w += r.weight;
  }
  return s / w;
}

type Knob = { name: string; get: () => number; set: (v: number) => void; min: number; max: number };
const knobs: Knob[] = [];
const famKnob = (f: Family, k: keyof Trial["family"][Family], min: number, max: number) =>
  knobs.push({
    name: `${f}.${k}`,
    get: () => trial.family[f][k],
    set: (v) => (trial.family[f][k] = v),
    min,
    max,
  });
for (const f of ["vllm", "sglang", "trtllm"] as Family[]) {
  famKnob(f, "bandwidth", 0.5, 0.9);
  famKnob(f, "compute", 0.3, 0.8);
  famKnob(f, "stepOverheadMs", 0, 4);
  if (f !== "trtllm") famKnob(f, "requestOverheadMs", 0, 120);
  famKnob(f, "seqOverheadUs", 0, 60);
}
famKnob("llamacpp", "bandwidth", 0.5, 0.9);
famKnob("llamacpp", "compute", 0.3, 0.8);
famKnob("llamacpp", "stepOverheadMs", 0, 4);
const sharedKnob = (k: keyof Trial["shared"], min: number, max: number) =>
  knobs.push({ name: k, get: () => trial.shared[k], set: (v) => (trial.shared[k] = v), min, max });
sharedKnob("layerOverheadUs", 0, 150);
sharedKnob("moeLayerOverheadUs", 0, 300);
sharedKnob("mlaLayerOverheadUs", 0, 300);
sharedKnob("moeGemmEfficiency", 0.15, 1);
sharedKnob("requestLayerOverheadUs", 0, 2000);
knobs.push({ name: "AMD", get: () => trial.amd, set: (v) => (trial.amd = v), min: 0.3, max: 1 });
knobs.push({
  name: "AMD fixed costs",
  get: () => trial.amdFixed,
  set: (v) => (trial.amdFixed = v),
  min: 0.5,
  max: 5,
});

/** Golden-section search of one knob within its bounds (the loss is close to unimodal in each). */
function searchKnob(k: Knob, current: number): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = k.min;
  let b = k.max;
  const at = (v: number) => {
    k.set(v);
    return loss();
  };
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = at(c);
  let fd = at(d);
  for (let i = 0; i < 12; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = at(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = at(d);
    }
  }
  const v = (a + b) / 2;
  const fv = at(v);
  if (fv < current) return v;
  k.set(k.get());
  return NaN;
}

// `npm run calibrate:fit -- ROUNDS [START.json] [KNOB,KNOB…]`: START sets knobs by name before the
// search (a restart from another point; the fit keeps whichever ends with the lower fit-side loss;
// "-" for none); the list, when given, searches only those knobs and keeps the others as committed.
const rounds = Number(process.argv[2] ?? 3);
if (process.argv[3] && process.argv[3] !== "-") {
  const start = JSON.parse(readFileSync(process.argv[3], "utf8")) as Record<string, number>;
  for (const k of knobs) if (start[k.name] !== undefined) k.set(start[k.name]!);
}
if (process.argv[4]) {
  const only = new Set(process.argv[4].split(","));
  const unknown = [...only].filter((n) => !knobs.some((k) => k.name === n));
  if (unknown.length) throw new Error(`no such knob: ${unknown.join(", ")}`);
  knobs.splice(0, knobs.length, ...knobs.filter((k) => only.has(k.name)));
}
let best = loss();
console.log(`fit side: ${prepared.length} figures; start loss ${best.toFixed(4)}`);
for (let round = 0; round < rounds; round++) {
  for (const k of knobs) {
    const before = k.get();
    const v = searchKnob(k, best);
    if (Number.isNaN(v)) k.set(before);
    else {
      k.set(v);
      best = loss();
    }
  }
  console.log(`round ${round + 1}: loss ${best.toFixed(4)}`);
}
const round3 = (v: number) => Math.round(v * 1000) / 1000;
console.log(`fitted: loss ${best.toFixed(4)}`);
for (const k of knobs) console.log(`  ${k.name} = ${round3(k.get())}`);
const { residuals } = residualsOf(prepared, constantsFor);
const m = byMetric(residuals);
const pct = (v: number) => `${Math.round(v * 100)} %`;
console.log(
  `fit side: median |error| TTFT ${pct(m.ttft.median)}, TPOT ${pct(m.tpot.median)}, throughput ${pct(m.throughput.median)}, e2e ${pct(m.e2e.median)}; all ${pct(errorSummary(residuals).median)}`,
);
