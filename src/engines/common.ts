/**
 * What several engine modules share: the model volume, the fitted efficiency shares, the hardware
 * rules of the engines that run Hugging Face checkpoints with CUDA kernels, and small helpers.
 * Nothing here names an engine; each module decides what it takes.
 */
import type { DeviceEntry } from "../catalog/types.js";
import type { Precision } from "../sizing/weights.js";
import type { EngineEfficiency, LedgerLine, RuntimeSettings, SettingsOverrides } from "./types.js";

/** Directory of the model cache volume inside every engine container. */
export const MODEL_DIR = "/models";

/**
 * Performance constants fitted by scripts/fit-calibration.ts (npm run calibrate:fit) to
 * data/calibration/measurements.json: bandwidth and compute shares for vLLM, TensorRT-LLM and
 * llama.cpp; SGLang and TGI share vLLM's, Ollama llama.cpp's (too few records of their own); one step
 * and one layer overhead for all. Shares are bounded to what kernels achieve (bandwidth 0.5–0.85,
 * compute 0.3–0.7 of peak). The fitted values are copied here by hand, so a reviewer sees each change.
 */
export const FIT =
  "fitted to data/calibration/measurements.json (scripts/fit-calibration.ts; docs/performance.md)";
export const sharedFit = (engine: string): string =>
  `${engine}'s shares (too few records of its own); ${FIT}`;

/** One step and one layer overhead for every engine (fitted together). */
export const OVERHEADS = { stepOverheadMs: 1, layerOverheadUs: 12 } as const;
/** Engines with vLLM-style continuous batching: max-num-seqs and the prefill chunk come from the plan. */
export const SCHEDULER = { defaultMaxSeqs: null, prefillChunk: null } as const;
/**
 * llama-server: 4 slots when --parallel is left to auto (tools/server/README.md, "-np, --parallel N"),
 * prompts in 2048-token batches (--batch-size); Ollama: OLLAMA_NUM_PARALLEL 4 with room (docs/faq.md).
 */
export const SLOTS = { defaultMaxSeqs: 4, prefillChunk: 2048 } as const;
export const VLLM_SHARES = { bandwidth: 0.66, compute: 0.7 } as const;
export const LLAMACPP_SHARES = { bandwidth: 0.806, compute: 0.667 } as const;

/** An efficiency record with its source. */
export const efficiency = (
  shares: { bandwidth: number; compute: number },
  scheduler: { defaultMaxSeqs: number | null; prefillChunk: number | null },
  source: string,
): EngineEfficiency => ({ ...shares, ...OVERHEADS, ...scheduler, source });

/** The user's overrides over an engine's defaults (undefined keeps the default). */
export function applyOverrides(base: RuntimeSettings, o: SettingsOverrides): RuntimeSettings {
  return {
    ...base,
    gpuMemoryUtilization: o.gpuMemoryUtilization ?? base.gpuMemoryUtilization,
    maxNumBatchedTokens: o.maxNumBatchedTokens ?? base.maxNumBatchedTokens,
    maxNumSeqs: o.maxNumSeqs ?? base.maxNumSeqs,
  };
}

/**
 * Can an engine built on vLLM-class CUDA kernels run this precision on this GPU? From vLLM's table of
 * quantization kernels by architecture (https://docs.vllm.ai/en/v0.15.1/features/quantization/, "Volta
 * refers to SM 7.0, Turing to SM 7.5, Ampere to SM 8.0/8.6, Ada to SM 8.9, and Hopper to SM 9.0"):
 * AWQ and INT8 W8A8 have no Volta kernels (Turing and later); FP8 W8A8 needs Ada or Hopper, and FP8
 * checkpoints run on Ampere as weight-only W8A16 through the Marlin kernels ("Marlin (GPTQ/AWQ/FP8)":
 * Ampere, Ada, Hopper), so FP8 needs sm80+; MXFP4 experts (gpt-oss) run through Marlin below Hopper
 * (sizing/weights.ts mxfp4Backend), sm80+ too. GPTQ has Volta kernels. The image's own limit (the CUDA
 * release it is built with) is checked first, by each module's `imageProblem`.
 */
export function hfEngineSupport(gpu: DeviceEntry, p: Precision): string | null {
  const k = p.format.kind;
  if (gpu.kind === "cpu")
    return `${gpu.name} is a CPU host: this engine needs GPUs (llama.cpp and Ollama serve on CPUs: --engine llamacpp)`;
  const cc = gpu.computeCapability;
  if (gpu.vendor !== "NVIDIA" || cc === undefined) {
    if (k === "fp8" && !gpu.nativeFp8) return `${gpu.name} has no FP8 support`;
    return null;
  }
  const sm = `${gpu.name} is sm${Math.round(cc * 10)}`;
  if (k === "fp8" && cc < 8.0)
    return `${p.id} needs compute capability 8.9+ for FP8 W8A8, or 8.0+ for weight-only FP8 through the Marlin kernels (${sm})`;
  if (k === "mxfp4" && cc < 8.0)
    return `${p.id} needs compute capability 8.0+: below Hopper, MXFP4 experts run through the Marlin kernels (${sm})`;
  if (k === "awq" && cc < 7.5) return `AWQ kernels need compute capability 7.5+ (Turing and later; ${sm})`;
  if (k === "int8" && cc < 7.5)
    return `INT8 W8A8 kernels need compute capability 7.5+ (Turing and later; ${sm})`;
  return null;
}

/** Python engines' health check: the standard library, so it needs nothing the image may lack. */
export const pythonHealthCheck = (url: string): string[] => [
  "python3",
  "-c",
  `import urllib.request; urllib.request.urlopen('${url}', timeout=4)`,
];

const gibLabel = (label: string, bytes: number): LedgerLine => ({ label, bytes });

/** A budget-style ledger (vLLM and the engines sized like it), top to bottom, as people read it. */
export function budgetLines(
  perGpu: {
    totalBytes: number;
    budgetBytes: number;
    weightsBytes: number;
    activationBytes: number;
    nonTorchBytes: number;
    cudaGraphBytes: number;
    kvCacheBytes: number;
  },
  s: RuntimeSettings,
  budgetName: string,
): LedgerLine[] {
  return [
    gibLabel("total memory", perGpu.totalBytes),
    gibLabel(`budget (${budgetName} ${s.gpuMemoryUtilization})`, perGpu.budgetBytes),
    gibLabel("  weights", perGpu.weightsBytes),
    gibLabel(`  activation peak (${s.maxNumBatchedTokens} batched tokens)`, perGpu.activationBytes),
    gibLabel("  non-torch (CUDA libraries)", perGpu.nonTorchBytes),
    gibLabel(
      s.cudaGraphsInBudget ? "  CUDA graphs" : "CUDA graphs (outside the budget)",
      perGpu.cudaGraphBytes,
    ),
    gibLabel("  KV cache", perGpu.kvCacheBytes),
  ];
}
