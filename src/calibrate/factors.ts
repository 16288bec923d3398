/**
 * The factors a calibration profile holds: names, units, what each is fitted from, and the bounds of
 * the fit. Plain data (no schema), so that applying a profile loads nothing more.
 */

/** The performance model's factors a bench run can fit (fields of EngineEfficiency). */
export const PERF_FACTORS = ["bandwidth", "compute", "stepOverheadMs", "requestOverheadMs"] as const;
export type PerfFactor = (typeof PERF_FACTORS)[number];
/** The memory ledger's overheads a start-up log measures (fields of MemoryOverheads). */
export const MEMORY_FACTORS = ["nonTorchBytes", "cudaGraphBytes"] as const;
export type MemoryFactor = (typeof MEMORY_FACTORS)[number];
export type FactorName = PerfFactor | MemoryFactor;

export type FactorUnit = "share" | "ms" | "bytes";

/** What a factor means, its unit, and (for fitted ones) the range the fit may move it in. */
export interface FactorInfo {
  label: string;
  unit: FactorUnit;
  /** What the figure it is fitted from is, for the messages. */
  fittedFrom: string;
  /** Lowest and highest value the fit may choose; null for measured (memory) factors. */
  bounds: readonly [number, number] | null;
}

/**
 * The factors and their bounds. The shares are bounded wider than the committed fit's (bandwidth
 * 0.5–0.9, compute 0.3–0.8 of peak: what published runs on well-kept hardware reach, see
 * src/engines/common.ts), because one deployment may be slower than any published run (a power cap,
 * a MIG slice, a shared or throttled GPU, an old driver), yet never at or above the datasheet peak
 * (the GPU catalog's figures): bandwidth 0.3–0.95, compute 0.1–0.9. The fixed costs are bounded
 * far above the committed values (step 2.7 ms, request 0.6 ms for vLLM) so that a slow host or a
 * proxy in front of the engine can be absorbed, and at 0 below.
 */
export const FACTORS: Readonly<Record<FactorName, FactorInfo>> = {
  bandwidth: {
    label: "decode bandwidth share",
    unit: "share",
    fittedFrom: "TPOT",
    bounds: [0.3, 0.95],
  },
  compute: {
    label: "prefill compute share",
    unit: "share",
    fittedFrom: "TTFT",
    bounds: [0.1, 0.9],
  },
  stepOverheadMs: {
    label: "step overhead",
    unit: "ms",
    fittedFrom: "TPOT at two or more workloads, or what the bandwidth share cannot explain",
    bounds: [0, 50],
  },
  requestOverheadMs: {
    label: "serving overhead per request",
    unit: "ms",
    fittedFrom: "TTFT at two or more prompt lengths, or what the compute share cannot explain",
    bounds: [0, 5000],
  },
  nonTorchBytes: {
    label: "non-torch memory",
    unit: "bytes",
    fittedFrom: "the start-up log",
    bounds: null,
  },
  cudaGraphBytes: {
    label: "CUDA graph memory",
    unit: "bytes",
    fittedFrom: "the start-up log",
    bounds: null,
  },
};
