/**
 * What vLLM does at one release before it sizes its KV cache: its defaults on a GPU
 * (`defaultVllmSettings`) and the profile run's activation peak (forward pass and dummy sampler), from
 * the version table in vllm-versions.ts. Pure.
 */
import type { ModelArch } from "../models/arch.js";
import { mixerActivationWidth } from "../sizing/hybrid.js";
import { UserError } from "../errors.js";
import type { RuntimeSettings, SettingsOverrides } from "./types.js";
import { HOTFIX_PATTERN, VLLM_RELEASES } from "./vllm-releases.js";
import { parseVersion, ruleFor, versionFromLog, versionRange } from "./version.js";
import {
  BATCH_DEFAULTS,
  type BatchDefaults,
  CUDA_GRAPHS_IN_BUDGET,
  ENGINE,
  GPU_MEMORY_UTILIZATION,
  IMAGE_BUILD,
  KV_USAGE_METRIC,
  type LargeGpuRule,
  MLA_BLOCK,
  MULTI_NODE_LAUNCH,
  SAMPLER,
  type SamplerProfile,
  type VllmImageBuild,
  VLLM_NEWEST_MINOR,
  VLLM_OLDEST,
  VLLM_PINNED,
} from "./vllm-versions.js";

const GiB = 1024 ** 3;

/**
 * The vLLM behaviour llmdeploy models that does not change between releases, each constant with its
 * source; what does change lives in vllm-versions.ts. Figures read from published vLLM start-up logs
 * are quoted with their URL.
 */
export const VLLM = {
  /** The pinned release: its behaviour is the default. */
  version: VLLM_PINNED,
  source: "https://github.com/coreweave/ml-containers/pull/218 ('vLLM 0.28.0 was released', 2026-08-26)",
  /** --gpu-memory-utilization default of the pinned release (vllm-versions.ts GPU_MEMORY_UTILIZATION). */
  gpuMemoryUtilization: ruleFor(GPU_MEMORY_UTILIZATION, parseVersion(VLLM_PINNED)!, "utilization").value,
  /** KV cache block size on CUDA (tokens). Source: vLLM cache config default block_size 16. */
  blockSize: 16,
  /** The device-memory threshold of the large batch defaults (engine/arg_utils.py). */
  largeGpuThresholdBytes: 70 * GiB,
  /**
   * Non-torch memory that grows during profiling (cuBLAS workspaces etc.), measured against the
   * baseline taken after the CUDA context exists. Logs: 0.16 GiB (H100, Llama 3.2 11B Vision,
   * https://github.com/vllm-project/vllm/pull/12126), 0.20 GiB (RTX 3090,
   * https://github.com/vllm-project/vllm/pull/14447), 0.16 GiB (H100,
   * https://github.com/kubernetes-sigs/gateway-api-inference-extension/pull/550).
   */
  nonTorchBytes: Math.round(0.2 * GiB),
  /**
   * Estimated CUDA graph pool with the default capture sizes (up to 512): "Estimated CUDA graph
   * memory: 0.44 GiB total" (https://github.com/vllm-project/vllm/pull/48214, PIECEWISE=51,
   * largest=512); 0.36 GiB with 16 sizes (https://github.com/gpustack/runner/pull/251).
   */
  cudaGraphBytes: 0.44 * GiB,
} as const;

/** The releases of vLLM llmdeploy models. */
export const VLLM_RANGE = versionRange("vLLM", VLLM_PINNED, VLLM_OLDEST, VLLM_NEWEST_MINOR, {
  known: VLLM_RELEASES,
  hotfix: HOTFIX_PATTERN,
});

/** vLLM's memory-relevant behaviour at one release (canonical X.Y.Z), from vllm-versions.ts. */
export interface VllmBehaviour {
  version: string;
  engine: "V0" | "V1";
  gpuMemoryUtilization: number;
  cudaGraphsInBudget: boolean;
  batch: BatchDefaults;
  sampler: SamplerProfile;
  mlaBlock: { hopper: number; blackwell: number };
  /** The image's CUDA build and the oldest GPU it runs on. */
  image: VllmImageBuild;
  /** `vllm serve --nnodes/--node-rank` exists (0.11.1 and later). */
  multiNodeLaunch: boolean;
  /** The KV cache usage gauge the release exports. */
  kvUsageMetric: string;
}

export function vllmBehaviour(version: string = VLLM_PINNED): VllmBehaviour {
  const v = versionFromLog(version);
  if (!v) throw new Error(`not a vLLM version: ${version}`);
  return {
    version,
    engine: ruleFor(ENGINE, v, "engine").value,
    gpuMemoryUtilization: ruleFor(GPU_MEMORY_UTILIZATION, v, "utilization").value,
    cudaGraphsInBudget: ruleFor(CUDA_GRAPHS_IN_BUDGET, v, "CUDA graph").value,
    batch: ruleFor(BATCH_DEFAULTS, v, "batch").value,
    sampler: ruleFor(SAMPLER, v, "sampler").value,
    mlaBlock: ruleFor(MLA_BLOCK, v, "MLA block").value,
    image: ruleFor(IMAGE_BUILD, v, "image").value,
    multiNodeLaunch: ruleFor(MULTI_NODE_LAUNCH, v, "multi-node").value,
    kvUsageMetric: ruleFor(KV_USAGE_METRIC, v, "KV usage metric").value,
  };
}

/** @deprecated the engine-neutral name is RuntimeSettings. */
export type VllmSettings = RuntimeSettings;

function isLarge(rule: LargeGpuRule, bytes: number, name: string): boolean {
  switch (rule) {
    case "all":
      return true;
    case "h100-h200":
      return /h100|h200/i.test(name);
    case "70gib":
      return bytes >= VLLM.largeGpuThresholdBytes;
    case "70gib-not-a100":
      return bytes >= VLLM.largeGpuThresholdBytes && !/a100/i.test(name);
  }
}

/**
 * vLLM's defaults on a GPU with this much memory (engine/arg_utils.py at that release): `vllm serve`
 * unless `entryPoint` is "llm" (the Python LLM class). V0 profiles max(max_model_len, 2048) tokens
 * unless chunked prefill is on (it turns it on by itself above 32K tokens).
 */
export function defaultVllmSettings(
  gpuMemoryBytes: number,
  gpuName = "",
  opts: { version?: string; maxModelLen?: number; entryPoint?: "serve" | "llm"; enforceEager?: boolean } = {},
): RuntimeSettings {
  const b = vllmBehaviour(opts.version ?? VLLM_PINNED);
  const entry = opts.entryPoint ?? "serve";
  let maxNumSeqs: number;
  let maxNumBatchedTokens: number;
  if (b.batch.kind === "v0") {
    const len = opts.maxModelLen ?? 2048;
    maxNumSeqs = b.batch.maxNumSeqs;
    maxNumBatchedTokens = len > b.batch.longContext ? b.batch.chunkedTokens : Math.max(len, 2048);
  } else {
    const s = b.batch.maxNumSeqs;
    const t = b.batch.maxNumBatchedTokens;
    maxNumBatchedTokens = (isLarge(t.rule, gpuMemoryBytes, gpuName) ? t.large : t.small)[entry];
    // arg_utils.py: max_num_seqs = min(default_max_num_seqs, max_num_batched_tokens)
    maxNumSeqs = Math.min(
      (isLarge(s.rule, gpuMemoryBytes, gpuName) ? s.large : s.small)[entry],
      maxNumBatchedTokens,
    );
  }
  return {
    gpuMemoryUtilization: b.gpuMemoryUtilization,
    blockSize: VLLM.blockSize,
    maxNumBatchedTokens,
    maxNumSeqs,
    enforceEager: opts.enforceEager ?? false,
    cudaGraphsInBudget: b.cudaGraphsInBudget,
    engineVersion: b.version,
  };
}

/**
 * Peak of one layer's live tensors when the profile run pushes max_num_batched_tokens tokens through
 * the model, on one GPU, in bytes of the 16-bit compute dtype. Per token: three hidden-size buffers
 * (the layer's input, which the model's loop still references; the residual; the normed input of the
 * block), plus the larger of attention (q, k, v on this rank and the attention output) and the MLP
 * (gate+up output and the activated product: 3 × intermediate on this rank; a MoE layer holds that for
 * each of the top-k experts a token visits, plus the per-expert outputs), or of a linear-attention /
 * Mamba mixer (src/sizing/hybrid.ts mixerActivationWidth).
 */
export function forwardPeakBytes(arch: ModelArch, tp: number, tokens: number): number {
  const h = arch.hiddenSize;
  const qkv = (arch.numHeads / tp + 2 * Math.max(1, arch.numKvHeads / tp)) * arch.headDim;
  const attn = qkv + (arch.numHeads * arch.vHeadDim) / tp;
  const dense = arch.intermediateSize > 0 ? (3 * arch.intermediateSize) / tp : 0;
  const moe = arch.moe
    ? (arch.moe.expertsPerToken * (3 * arch.moe.expertIntermediateSize)) / tp +
      arch.moe.expertsPerToken * h +
      (3 * arch.moe.sharedIntermediateSize) / tp
    : 0;
  // Gated DeltaNet / Mamba layers: their input projection's output and the mixer's output.
  const mixer = mixerActivationWidth(arch, tp);
  return tokens * 2 * (3 * h + Math.max(attn, dense, moe, mixer));
}

/**
 * Peak of the profile run's dummy sampler on the last pipeline stage, in bytes: min(max_num_seqs,
 * max_num_batched_tokens) sequences of logits over the whole vocabulary (every TP rank holds them all)
 * times the release's bytes per entry (vllm-versions.ts SAMPLER), plus the dummy run's output hidden
 * states and residual (2 × tokens × hidden × 2 bytes), which stay allocated while it samples.
 * Published H100 peaks at 1024 sequences exceed the sampler term by about that much (llm-d's empirical
 * vLLM memory results: Llama 3.1 8B 4.76 GiB = 4.65 + 0.125; gpt-oss-20b 7.38 GiB = 7.29 + 0.09).
 */
export function samplerPeakBytes(arch: ModelArch, s: RuntimeSettings): number {
  const rows = Math.min(s.maxNumSeqs, s.maxNumBatchedTokens);
  const perLogit = vllmBehaviour(s.engineVersion).sampler.bytesPerLogit;
  return rows * arch.vocabSize * perLogit + 2 * s.maxNumBatchedTokens * arch.hiddenSize * 2;
}

/**
 * Peak activation memory of the profile run on one GPU (vLLM's "PyTorch activation peak" / "torch peak
 * memory increase", an allocated-bytes peak): the forward pass and the sampler run one after the other,
 * so the peak is the larger of the two. Stages other than the last run no sampler (`lastStage` false).
 */
export function activationPeakBytes(
  arch: ModelArch,
  tp: number,
  s: RuntimeSettings,
  lastStage = true,
): number {
  const forward = forwardPeakBytes(arch, tp, s.maxNumBatchedTokens);
  return lastStage ? Math.max(forward, samplerPeakBytes(arch, s)) : forward;
}

/** CUDA graph pool with the default capture sizes; 0 with enforce_eager. */
export function cudaGraphBytes(s: RuntimeSettings): number {
  return s.enforceEager ? 0 : VLLM.cudaGraphBytes;
}

/**
 * KV block size vLLM uses: `blockSize` except for MLA models, whose backend forces its own on Hopper
 * (FlashMLA) and Blackwell (CUTLASS MLA) (vllm-versions.ts MLA_BLOCK).
 */
export function effectiveBlockSize(arch: ModelArch, s: RuntimeSettings, computeCapability?: number): number {
  if (!arch.mla || computeCapability === undefined) return s.blockSize;
  const b = vllmBehaviour(s.engineVersion).mlaBlock;
  if (computeCapability >= 10 && computeCapability < 11) return b.blackwell;
  if (computeCapability >= 9 && computeCapability < 10) return b.hopper;
  return s.blockSize;
}

/**
 * The settings vLLM runs with on a GPU (`defaultVllmSettings`) under the user's overrides, as vLLM's
 * own argument handling combines them. From V1 on, a max_num_seqs left to its default is capped at
 * max_num_batched_tokens (engine/arg_utils.py: "self.max_num_seqs = min(default_max_num_seqs[
 * usage_context], self.max_num_batched_tokens or sys.maxsize)"), so `--max-num-batched-tokens 64`
 * alone runs 64 sequences at most; V0's default (256) is not capped.
 *
 * Throws a UserError (field maxNumBatchedTokens) for what vLLM refuses at start-up: fewer batched
 * tokens than sequences. vllm/config/scheduler.py, SchedulerConfig.verify_max_model_len
 * (https://github.com/vllm-project/vllm/blob/01230b40128e570a58e54e75f7e55c4d5cd9246d/vllm/config/scheduler.py):
 * "if self.max_num_batched_tokens < self.max_num_seqs: raise ValueError(f"max_num_batched_tokens
 * ({self.max_num_batched_tokens}) must be greater than or equal to max_num_seqs ({self.max_num_seqs}).")";
 * the same check is in SchedulerConfig._verify_args of the V0 releases.
 */
export function vllmSettings(gpuMemoryBytes: number, gpuName: string, o: SettingsOverrides): RuntimeSettings {
  const base = defaultVllmSettings(gpuMemoryBytes, gpuName, {
    version: o.engineVersion,
    maxModelLen: o.maxModelLen,
    entryPoint: o.entryPoint,
  });
  const v1 = vllmBehaviour(base.engineVersion).batch.kind === "v1";
  const maxNumBatchedTokens = o.maxNumBatchedTokens ?? base.maxNumBatchedTokens;
  const maxNumSeqs = o.maxNumSeqs ?? (v1 ? Math.min(base.maxNumSeqs, maxNumBatchedTokens) : base.maxNumSeqs);
  if (maxNumBatchedTokens < maxNumSeqs) {
    const seqs =
      o.maxNumSeqs !== undefined
        ? `--max-num-seqs ${maxNumSeqs}`
        : `max-num-seqs ${maxNumSeqs} (vLLM ${base.engineVersion}'s default)`;
    throw new UserError(
      `--max-num-batched-tokens ${maxNumBatchedTokens} is less than ${seqs}: vLLM refuses to start ("max_num_batched_tokens must be greater than or equal to max_num_seqs")`,
      `raise --max-num-batched-tokens to at least ${maxNumSeqs}, or lower --max-num-seqs to at most ${maxNumBatchedTokens}`,
      1,
      "maxNumBatchedTokens",
    );
  }
  return {
    ...base,
    gpuMemoryUtilization: o.gpuMemoryUtilization ?? base.gpuMemoryUtilization,
    maxNumBatchedTokens,
    maxNumSeqs,
    enforceEager: o.enforceEager ?? base.enforceEager,
  };
}
