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
  AMD: 0.6,
  Intel: 1,
  // CPU hosts (any vendor) against llama.cpp's GPU efficiency: NUMA, DRAM page misses. Fitted to the
  // EPYC 9554 record (Phi-4 Q4_K_M, 28.74 tokens/s single stream).
  CPU: 0.72,
};

/**
 * Collectives. An all-reduce of n bytes over a ring of p GPUs moves 2(p−1)/p · n per GPU
 * (NCCL's bus-bandwidth definition, nccl-tests doc/PERFORMANCE.md) and pays a fixed latency per call.
 */
export const COLLECTIVES = {
  /** Fixed latency of one small all-reduce inside a node, µs (NVLink / Infinity Fabric / PCIe). */
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

/**
 * The error band printed with every prediction: the 90th percentile of |predicted / measured − 1|
 * over the calibration set (32 % at the last fit; median 10 %), rounded up.
 */
export const DEFAULT_ERROR_BAND = 0.35;

/**
 * Everything the performance model takes besides the placement: passed in, never read from a shared
 * object, so a calibration fit can try other values without touching the constants above.
 */
export interface PerfConstants {
  engine: EngineEfficiency;
  vendor: Readonly<Record<"NVIDIA" | "AMD" | "Intel" | "CPU", number>>;
  collectives: {
    allReduceLatencyUs: Readonly<
      Record<"nvlink" | "infinity-fabric" | "pcie" | "scale-out-ethernet", number>
    >;
    linkEfficiency: number;
    interNodeGBs: number;
    interNodeLatencyUs: number;
  };
  /** Relative error printed with every prediction (0.35 = ±35 %). */
  errorBand: number;
}

/** The committed constants for an engine. */
export function perfConstantsFor(engine: EngineModule): PerfConstants {
  return {
    engine: engine.efficiency,
    vendor: VENDOR_EFFICIENCY,
    collectives: COLLECTIVES,
    errorBand: DEFAULT_ERROR_BAND,
  };
}
