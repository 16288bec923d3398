/**
 * What several engine modules share: the model volume, the fitted efficiency shares, the hardware
 * rules of the engines that run Hugging Face checkpoints with CUDA kernels, and small helpers.
 * Nothing here names an engine; each module decides what it takes.
 */
import type { DeviceEntry } from "../catalog/types.js";
import type { AllReduceKernel } from "../sizing/allreduce.js";
import type { Precision } from "../sizing/weights.js";
import type {
  EngineEfficiency,
  EngineImage,
  LedgerLine,
  RuntimeSettings,
  SettingKey,
  SettingSource,
  SettingsOverrides,
} from "./types.js";

/** Directory of the model cache volume inside every engine container. */
export const MODEL_DIR = "/models";

/**
 * Performance constants fitted by scripts/fit-calibration.ts (npm run calibrate:fit) to the fit side
 * of data/calibration/ (documents split by the SHA-256 of their URL; docs/performance.md): per engine
 * family (vLLM with TGI, SGLang, TensorRT-LLM, llama.cpp with Ollama) the bandwidth and compute shares,
 * the per-sequence step cost and the HTTP serving cost; for all engines the per-step cost and the
 * kernels' floors. Shares are bounded to what kernels achieve (bandwidth 0.5–0.9, compute 0.3–0.8 of
 * peak). The fitted values are copied here by hand, so a reviewer sees each change.
 */
export const FIT =
  "fitted to data/calibration/measurements.json (scripts/fit-calibration.ts; docs/performance.md)";
export const sharedFit = (engine: string): string =>
  `${engine}'s shares (too few records of its own); ${FIT}`;

/**
 * Fixed costs a roofline leaves out, for every engine (fitted together; the kernels are shared): the
 * floor of a layer's dense kernels, what an MLA layer adds to it (low-rank projections
 * and their norms), the floor of a MoE layer's expert kernels (router, top-k, dispatch, grouped GEMMs,
 * combine), and the share of the dense GEMMs' efficiency the grouped expert GEMMs reach.
 */
export const OVERHEADS = {
  layerOverheadUs: 30.477,
  moeLayerOverheadUs: 50.265,
  mlaLayerOverheadUs: 176.119,
  moeGemmEfficiency: 0.882,
} as const;
/** Engines with vLLM-style continuous batching: max-num-seqs and the prefill chunk come from the plan. */
export const SCHEDULER = { defaultMaxSeqs: null, prefillChunk: null } as const;
/**
 * llama-server: 4 slots when --parallel is left to auto (tools/server/README.md, "-np, --parallel N"),
 * prompts in 2048-token batches (--batch-size); Ollama: OLLAMA_NUM_PARALLEL 4 with room (docs/faq.md).
 */
export const SLOTS = { defaultMaxSeqs: 4, prefillChunk: 2048 } as const;

/**
 * An engine's own fitted figures: achieved shares of peak, its scheduler's cost per step and per
 * sequence, its HTTP path's fixed latency, its all-reduce.
 */
export interface EngineShares {
  bandwidth: number;
  compute: number;
  stepOverheadMs: number;
  requestOverheadMs: number;
  requestLayerOverheadUs: number;
  seqOverheadUs: number;
  allReduce: AllReduceKernel;
}

/** vLLM (and TGI, too few records of its own); its custom all-reduce kernel under CUDA graphs. */
export const VLLM_SHARES: EngineShares = {
  bandwidth: 0.857,
  compute: 0.358,
  stepOverheadMs: 2.714,
  requestOverheadMs: 1.02,
  requestLayerOverheadUs: 0,
  seqOverheadUs: 1.787,
  allReduce: "vllm",
};
/** SGLang: its own shares, API path and custom all-reduce. */
export const SGLANG_SHARES: EngineShares = {
  bandwidth: 0.522,
  compute: 0.799,
  stepOverheadMs: 1.003,
  requestOverheadMs: 82.616,
  requestLayerOverheadUs: 0,
  seqOverheadUs: 47.996,
  allReduce: "sglang",
};
/**
 * llama.cpp and Ollama: no HTTP overhead fitted (the llama.cpp records are llama-bench runs, without
 * the server), NCCL-like collectives (llama.cpp splits layers or rows, without a custom all-reduce).
 */
export const LLAMACPP_SHARES: EngineShares = {
  bandwidth: 0.817,
  compute: 0.674,
  stepOverheadMs: 2.025,
  requestOverheadMs: 0,
  requestLayerOverheadUs: 0,
  seqOverheadUs: 0,
  allReduce: "nccl",
};

/** An efficiency record with its source. */
export const efficiency = (
  shares: EngineShares,
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
    enforceEager: o.enforceEager ?? base.enforceEager,
  };
}

/** The image of an engine modelled at its pinned release only (versions.resolve admits no other). */
export const pinnedImageFor =
  (image: EngineImage) =>
  (version: string, deviceKind: "gpu" | "cpu"): string => {
    if (version !== image.version) throw new Error(`${image.image}: no image for release ${version}`);
    return deviceKind === "cpu" ? (image.cpuImage ?? image.image) : image.image;
  };

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
  activationLabel = `activation peak (${s.maxNumBatchedTokens} batched tokens)`,
): LedgerLine[] {
  return [
    gibLabel("total memory", perGpu.totalBytes),
    gibLabel(`budget (${budgetName} ${s.gpuMemoryUtilization})`, perGpu.budgetBytes),
    gibLabel("  weights", perGpu.weightsBytes),
    gibLabel(`  ${activationLabel}`, perGpu.activationBytes),
    gibLabel("  non-torch (CUDA libraries)", perGpu.nonTorchBytes),
    gibLabel(
      s.enforceEager
        ? "  CUDA graphs (none: --enforce-eager)"
        : s.cudaGraphsInBudget
          ? "  CUDA graphs"
          : "CUDA graphs (outside the budget)",
      perGpu.cudaGraphBytes,
    ),
    gibLabel("  KV cache", perGpu.kvCacheBytes),
  ];
}

/**
 * Reads an engine's argv back (the inverse of a command() builder): `--flag value` or `--flag=value`,
 * the last occurrence winning as in argparse. Numbers that do not parse are remembered as a problem.
 */
export function argReader(args: readonly string[], offset = 0) {
  let problem: string | null = null;
  /** The index (in args, plus offset) of the word the last value of `name` was read from. */
  const at = (name: string): number | undefined => {
    let w: number | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === name) w = i + 1 < args.length ? i + 1 : i;
      else if (a.startsWith(`${name}=`)) w = i;
    }
    return w === undefined ? undefined : w + offset;
  };
  const text = (name: string): string | null => {
    let v: string | null = null;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === name) v = args[i + 1] ?? null;
      else if (a.startsWith(`${name}=`)) v = a.slice(name.length + 1);
    }
    return v;
  };
  const num = (name: string, integer: boolean): number | undefined => {
    const v = text(name);
    if (v === null) return undefined;
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
      problem ??= `${name} ${JSON.stringify(v)} is not ${integer ? "a whole number" : "a number"}`;
      return undefined;
    }
    return n;
  };
  /** Where each of these settings was read: the flag that gives it, when the args give it. */
  const sources = (
    flags: Partial<Record<SettingKey, string>>,
  ): Partial<Record<SettingKey, SettingSource>> => {
    const out: Partial<Record<SettingKey, SettingSource>> = {};
    for (const [key, flag] of Object.entries(flags) as [SettingKey, string][]) {
      const i = at(flag);
      if (i !== undefined) out[key] = { arg: i };
    }
    return out;
  };
  return {
    text,
    at,
    sources,
    has: (name: string): boolean => args.includes(name),
    int: (name: string): number | undefined => num(name, true),
    num: (name: string): number | undefined => num(name, false),
    problem: (): string | null => problem,
  };
}

/** The first missing required value as a problem ("no --max-model-len"), or null. */
export const missing = (entries: [string, unknown][]): string | null => {
  const m = entries.find(([, v]) => v === undefined || v === null);
  return m ? `no ${m[0]}` : null;
};
