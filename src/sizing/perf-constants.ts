/**
 * Constants of the performance model that are not an engine's: vendors' kernel efficiency, the
 * collectives, the error band. Each engine's own efficiencies live in its module
 * (src/engines/<engine>.ts). Peak figures come from the GPU catalog (each with its source); the
 * fractions are fitted to the published measurements in data/calibration/measurements.json
 * (`npm run calibrate` prints the fit and its residuals; test/unit/calibration.test.ts keeps it honest).
 */
import type { EngineEfficiency, EngineModule } from "../engines/types.js";

/**
 * Share of the engine's NVIDIA efficiency reached on other vendors' GPUs (ROCm kernels, HIP graphs).
 * AMD is fitted to the MI300X records of the calibration set (vLLM, gpt-oss-120b); Intel has no
 * measurement there and is left at 1 (its predictions carry no calibrated error band).
 */
export const VENDOR_EFFICIENCY: Readonly<Record<"NVIDIA" | "AMD" | "Intel" | "CPU", number>> = {
  NVIDIA: 1,
  AMD: 0.541,
  Intel: 1,
  // CPU hosts (any vendor) against llama.cpp's GPU efficiency: NUMA, DRAM page misses. Fitted to the
  // EPYC 9554 record (Phi-4 Q4_K_M, 28.74 tokens/s single stream).
  CPU: 0.72,
};

/**
 * Multiplier of the engine's fixed costs (per-step, per-sequence and the kernels' floors) on other
 * vendors' GPUs: ROCm's kernel launches and HIP graphs cost more than CUDA's. Fitted to the MI300X
 * records on the fit side, so they do not set the NVIDIA constants; Intel has no measurement (1).
 */
export const VENDOR_FIXED_COST: Readonly<Record<"NVIDIA" | "AMD" | "Intel" | "CPU", number>> = {
  NVIDIA: 1,
  AMD: 1.628,
  Intel: 1,
  CPU: 1,
};

/**
 * Collectives. The latency of one all-reduce comes from measurements (data/calibration/allreduce.json,
 * src/sizing/allreduce.ts); beyond the largest message measured, a ring moves 2(p−1)/p · n bytes per
 * GPU (NCCL's bus-bandwidth definition, nccl-tests doc/PERFORMANCE.md) at a share of the link.
 */
export const COLLECTIVES = {
  /**
   * Latency of one small all-reduce, µs, used only where no measurement covers the interconnect
   * (Intel Gaudi's scale-out Ethernet: a guess, flagged by the wide error band of uncalibrated GPUs).
   */
  allReduceLatencyUs: { nvlink: 8, "infinity-fabric": 10, pcie: 25, "scale-out-ethernet": 40 },
  /** Share of the link's unidirectional bandwidth an all-reduce achieves. */
  linkEfficiency: 0.7,
  /**
   * Between nodes (pipeline stages): one 400 Gb/s NIC per GPU (InfiniBand NDR or RoCE), i.e. 50 GB/s,
   * and the latency of one point-to-point send, µs.
   */
  interNodeGBs: 50,
  interNodeLatencyUs: 30,
  source: "fitted to data/calibration/measurements.json (scripts/fit-calibration.ts; docs/performance.md)",
} as const;

/** Relative error bands (0.3 = ±30 %): the widest (printed as errorBand) and per figure. */
export interface ErrorBands {
  overall: number;
  ttft: number;
  tpot: number;
  throughput: number;
}

/**
 * The error bands printed with every prediction: the 90th percentile of |predicted / measured − 1| on
 * the validation side of the calibration set, per figure, rounded up to 5 %; per engine where the
 * validation side has at least 10 figures of the kind, else the overall value (`default`); overall is
 * the widest. Copied from `npm run calibrate` (docs/performance.md, "Error bands").
 */
export const ERROR_BANDS: Readonly<Record<string, ErrorBands>> = {
  default: { overall: 0.95, ttft: 0.85, tpot: 0.95, throughput: 0.5 },
  sglang: { overall: 0.95, ttft: 0.95, tpot: 0.95, throughput: 0.5 },
  trtllm: { overall: 1.2, ttft: 0.9, tpot: 1.2, throughput: 0.45 },
  vllm: { overall: 0.7, ttft: 0.7, tpot: 0.45, throughput: 0.45 },
};

/** The bands of an engine's predictions. */
export const errorBandsFor = (engine: string): ErrorBands => ERROR_BANDS[engine] ?? ERROR_BANDS.default!;

/** Kept for callers that read one band: the widest of the default bands. */
export const DEFAULT_ERROR_BAND = errorBandsFor("default").overall;

/**
 * Everything the performance model takes besides the placement: passed in, never read from a shared
 * object, so a calibration fit can try other values without touching the constants above.
 */
export interface PerfConstants {
  engine: EngineEfficiency;
  vendor: Readonly<Record<"NVIDIA" | "AMD" | "Intel" | "CPU", number>>;
  vendorFixedCost: Readonly<Record<"NVIDIA" | "AMD" | "Intel" | "CPU", number>>;
  collectives: {
    allReduceLatencyUs: Readonly<
      Record<"nvlink" | "infinity-fabric" | "pcie" | "scale-out-ethernet", number>
    >;
    linkEfficiency: number;
    interNodeGBs: number;
    interNodeLatencyUs: number;
  };
  errorBand: ErrorBands;
}

/** The committed constants for an engine. */
export function perfConstantsFor(engine: EngineModule): PerfConstants {
  return {
    engine: engine.efficiency,
    vendor: VENDOR_EFFICIENCY,
    vendorFixedCost: VENDOR_FIXED_COST,
    collectives: COLLECTIVES,
    errorBand: errorBandsFor(engine.name),
  };
}
