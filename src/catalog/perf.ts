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

/**
 * Fitted by scripts/fit-calibration.ts (npm run calibrate:fit) to data/calibration/measurements.json:
 * bandwidth and compute shares for vLLM, TensorRT-LLM and llama.cpp; SGLang and TGI share vLLM's,
 * Ollama llama.cpp's (too few records of their own); one step and one layer overhead for all.
 * Shares are bounded to what kernels achieve (bandwidth 0.5–0.85, compute 0.3–0.7 of peak).
 */
const FIT = "fitted to data/calibration/measurements.json (scripts/fit-calibration.ts; docs/performance.md)";

/** One step and one layer overhead for every engine (fitted together). */
const OVERHEADS = { stepOverheadMs: 1, layerOverheadUs: 12 };
/** Engines with vLLM-style continuous batching: max-num-seqs and the prefill chunk come from the plan. */
const SCHEDULER = { defaultMaxSeqs: null, prefillChunk: null };
/**
 * llama-server: 4 slots when --parallel is left to auto (tools/server/README.md, "-np, --parallel N"),
 * prompts in 2048-token batches (--batch-size); Ollama: OLLAMA_NUM_PARALLEL 4 with room (docs/faq.md).
 */
const SLOTS = { defaultMaxSeqs: 4, prefillChunk: 2048 };
const VLLM_SHARES = { bandwidth: 0.66, compute: 0.7 };
const LLAMACPP_SHARES = { bandwidth: 0.806, compute: 0.667 };
const SHARED = (engine: string) => `${engine}'s shares (too few records of its own); ${FIT}`;

export const ENGINE_EFFICIENCY: Record<EngineName, EngineEfficiency> = {
  vllm: { ...VLLM_SHARES, ...OVERHEADS, ...SCHEDULER, source: FIT },
  sglang: { ...VLLM_SHARES, ...OVERHEADS, ...SCHEDULER, source: SHARED("vLLM") },
  tgi: { ...VLLM_SHARES, ...OVERHEADS, ...SCHEDULER, source: SHARED("vLLM") },
  trtllm: { bandwidth: 0.85, compute: 0.617, ...OVERHEADS, ...SCHEDULER, source: FIT },
  llamacpp: { ...LLAMACPP_SHARES, ...OVERHEADS, ...SLOTS, source: FIT },
  ollama: { ...LLAMACPP_SHARES, ...OVERHEADS, ...SLOTS, source: SHARED("llama.cpp") },
};

/**
 * Share of the engine's NVIDIA efficiency reached on other vendors' GPUs (ROCm kernels, HIP graphs).
 * AMD is fitted to the MI300X records of the calibration set (vLLM, gpt-oss-120b); Intel has no
 * measurement there and is left at 1 (its predictions carry no calibrated error band).
 */
export const VENDOR_EFFICIENCY: Record<"NVIDIA" | "AMD" | "Intel" | "CPU", number> = {
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
  source: FIT,
} as const;

/**
 * The error band printed with every prediction: the 90th percentile of |predicted / measured − 1|
 * over the calibration set (32 % at the last fit; median 10 %), rounded up.
 */
export const DEFAULT_ERROR_BAND = 0.35;
