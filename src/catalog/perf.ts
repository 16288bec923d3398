/**
 * Constants of the performance model: what fraction of a GPU's peak each engine achieves, and the
 * fixed costs a roofline leaves out. Peak figures come from the GPU catalog (each with its source);
 * the fractions here are fitted to the published measurements in data/calibration/measurements.json
 * (`npm run calibrate` prints the fit and its residuals; test/unit/calibration.test.ts keeps it honest).
 */
import type { EngineName } from "../plan/types.js";

export interface EngineEfficiency {
  /** Share of peak memory bandwidth a decode step achieves reading weights and KV cache. */
  bandwidth: number;
  /** Share of peak tensor throughput a prefill chunk achieves (model FLOPs utilisation). */
  compute: number;
  /** Fixed cost of one engine step (scheduling, sampling, kernel launches outside CUDA graphs), ms. */
  stepOverheadMs: number;
  /** Cost per decoder layer per step that neither bandwidth nor FLOPs explain (small kernels), µs. */
  layerOverheadUs: number;
  /** Sequences the engine runs at once by default (llama.cpp's slots, Ollama's NUM_PARALLEL). */
  defaultMaxSeqs: number | null;
  /** Largest prefill chunk (tokens per step) when the engine has no vLLM-style setting. */
  prefillChunk: number | null;
  source: string;
}

const FIT = "fitted to data/calibration/measurements.json (see docs/performance.md)";

export const ENGINE_EFFICIENCY: Record<EngineName, EngineEfficiency> = {
  vllm: {
    bandwidth: 0.75,
    compute: 0.55,
    stepOverheadMs: 1.0,
    layerOverheadUs: 12,
    defaultMaxSeqs: null,
    prefillChunk: null,
    source: FIT,
  },
  sglang: {
    bandwidth: 0.77,
    compute: 0.57,
    stepOverheadMs: 0.8,
    layerOverheadUs: 12,
    defaultMaxSeqs: null,
    prefillChunk: null,
    source: FIT,
  },
  trtllm: {
    bandwidth: 0.8,
    compute: 0.62,
    stepOverheadMs: 0.6,
    layerOverheadUs: 10,
    defaultMaxSeqs: null,
    prefillChunk: null,
    source: FIT,
  },
  tgi: {
    bandwidth: 0.7,
    compute: 0.5,
    stepOverheadMs: 1.5,
    layerOverheadUs: 15,
    defaultMaxSeqs: null,
    prefillChunk: null,
    source: FIT,
  },
  llamacpp: {
    bandwidth: 0.65,
    compute: 0.3,
    stepOverheadMs: 1.0,
    layerOverheadUs: 20,
    // llama-server --parallel: 4 slots when left to auto (tools/server/README.md, "-np, --parallel N").
    defaultMaxSeqs: 4,
    prefillChunk: 2048,
    source: FIT,
  },
  ollama: {
    bandwidth: 0.62,
    compute: 0.3,
    stepOverheadMs: 1.5,
    layerOverheadUs: 20,
    // OLLAMA_NUM_PARALLEL defaults to 1 or 4 depending on memory (docs/faq.md); 4 assumed with room.
    defaultMaxSeqs: 4,
    prefillChunk: 2048,
    source: FIT,
  },
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
  source: FIT,
} as const;

/** Relative error to print with a prediction when the calibration set says nothing better. */
export const DEFAULT_ERROR_BAND = 0.3;
