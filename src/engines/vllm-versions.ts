/**
 * vLLM's memory-relevant behaviour by release, as data: one list of rules per behaviour, each rule a
 * range of releases with its value and the public source it was read from. vllm.ts reads them through
 * `vllmBehaviour(version)`; nothing else in the code branches on a vLLM version.
 *
 * Release boundaries: where a source names the release (0.8.0, 0.11.0, 0.21.0) it is quoted. Where only
 * a pull request is known, the boundary is the first release after its merge date, and the rule's
 * `note` says so: those boundaries are inferred, not read from a release page.
 */
import type { VersionRule } from "./version.js";

/** The release llmdeploy's vLLM image pins, and the range it models. */
export const VLLM_PINNED = "0.28.0";
export const VLLM_OLDEST = "0.6.0";
/**
 * Newest minor release modelled. 0.29 makes model runner V2 the default for all models, which profiles
 * the sampler differently (its dummy batch skips the fp32 upcast, vllm-project/vllm#57926) and
 * estimates CUDA graphs with its own estimator; no published log measures either yet.
 */
export const VLLM_NEWEST_MINOR = "0.28";

/** Which GPUs get vLLM's "large" batch defaults. */
export type LargeGpuRule =
  /** every GPU */
  | "all"
  /** GPUs whose name contains H100 or H200 */
  | "h100-h200"
  /** at least 70 GiB of device memory */
  | "70gib"
  /** at least 70 GiB, and the name does not contain A100 */
  | "70gib-not-a100";

/** A default by entry point: `vllm serve` (OpenAI API server) and the Python `LLM` class. */
export interface ByEntry {
  serve: number;
  llm: number;
}

export interface Tiered {
  rule: LargeGpuRule;
  large: ByEntry;
  small: ByEntry;
}

export type BatchDefaults =
  /**
   * V0: max_num_seqs 256; max_num_batched_tokens max(max_model_len, 2048) unless chunked prefill is on,
   * which V0 turns on by itself above `longContext` tokens (and then uses `chunkedTokens`).
   */
  | { kind: "v0"; maxNumSeqs: number; longContext: number; chunkedTokens: number }
  | { kind: "v1"; maxNumSeqs: Tiered; maxNumBatchedTokens: Tiered };

export interface SamplerProfile {
  /**
   * Bytes live at once per vocabulary entry per sequence at the peak of the profile run's sampler
   * (the dummy run samples min(max_num_seqs, max_num_batched_tokens) sequences over the whole
   * vocabulary with top-k = vocab − 1 and top-p < 1).
   */
  bytesPerLogit: number;
  path: string;
}

const PR = (n: number) => `https://github.com/vllm-project/vllm/pull/${n}`;
const AT_0_11 = "https://github.com/vllm-project/vllm/blob/b8b302cde434df8c9289a2b465406b47ebab1c2d";

/** --gpu-memory-utilization default. */
export const GPU_MEMORY_UTILIZATION: VersionRule<number>[] = [
  {
    since: "0.6.0",
    until: "0.21.0",
    value: 0.9,
    source: { url: `${AT_0_11}/vllm/config/cache.py`, quote: "gpu_memory_utilization: float = 0.9" },
  },
  {
    since: "0.21.0",
    value: 0.92,
    source: {
      url: PR(38284),
      quote:
        "This feature was slated for default enablement in v0.21, so this PR enables it and correspondingly increases the default `--gpu-memory-utilization` to 0.92",
    },
  },
];

/** The engine `vllm serve` runs by default. */
export const ENGINE: VersionRule<"V0" | "V1">[] = [
  {
    since: "0.6.0",
    until: "0.8.0",
    value: "V0",
    source: { url: PR(15064), quote: "V1 is now enabled by default for all supported use cases" },
    note: "V1 became the default in 0.8.0 (ray-project/ray#51726: 'Since vLLM 0.8.0, ... it tries to use v1 engine')",
  },
  {
    since: "0.8.0",
    value: "V1",
    source: { url: PR(15064), quote: "V1 is now enabled by default for all supported use cases" },
  },
];

/** Whether the CUDA graph pool is taken out of the KV budget (estimated while profiling). */
export const CUDA_GRAPHS_IN_BUDGET: VersionRule<boolean>[] = [
  {
    since: "0.6.0",
    until: "0.21.0",
    value: false,
    source: {
      url: PR(30515),
      quote:
        "this functionality is off by default in order not to disturb default `--gpu-memory-utilization` behavior",
    },
    note: "graphs are captured after the KV cache is allocated (V0 worker.py capture_model(self.gpu_cache); V1 compile_or_warm_up_model), on top of the budget",
  },
  {
    since: "0.21.0",
    value: true,
    source: {
      url: "https://github.com/gpustack/runner/pull/251",
      quote: "CUDA graph memory profiling is enabled (default since v0.21.0)",
    },
  },
];

const SEQS_1024 = { serve: 1024, llm: 1024 };
const SEQS_256 = { serve: 256, llm: 256 };
const TOKENS_LARGE = { serve: 8192, llm: 16384 };
const TOKENS_SMALL = { serve: 2048, llm: 8192 };

/** max_num_seqs and max_num_batched_tokens defaults (engine/arg_utils.py). */
export const BATCH_DEFAULTS: VersionRule<BatchDefaults>[] = [
  {
    since: "0.6.0",
    until: "0.6.5",
    value: { kind: "v0", maxNumSeqs: 256, longContext: 32768, chunkedTokens: 512 },
    source: {
      url: "https://github.com/vllm-project/vllm/blob/380e18639f315a696bd5dcc93a24f250573b95a9/vllm/config.py",
      quote: "max_num_batched_tokens = max(max_model_len, 2048)",
    },
    note: "same file: 'max_num_batched_tokens = 512' with chunked prefill, which arg_utils.py turns on for long context ('# Enable chunked prefill by default for long context (> 32K)')",
  },
  {
    since: "0.6.5",
    until: "0.8.0",
    value: { kind: "v0", maxNumSeqs: 256, longContext: 32768, chunkedTokens: 2048 },
    source: {
      url: "https://github.com/vllm-project/vllm/blob/66d433b94ffd215820c6c90d97ca0d511dc12143/vllm/engine/arg_utils.py",
      quote: "# Enable chunked prefill by default for long context (> 32K)",
    },
    note: "PR #10544 (merged 2024-11-23) raised the chunked-prefill default from 512 to 2048; first release after the merge taken as 0.6.5 (inferred)",
  },
  {
    since: "0.8.0",
    until: "0.8.4",
    value: {
      kind: "v1",
      maxNumSeqs: { rule: "all", large: SEQS_1024, small: SEQS_1024 },
      maxNumBatchedTokens: { rule: "h100-h200", large: TOKENS_LARGE, small: TOKENS_SMALL },
    },
    source: { url: PR(15357), quote: "It's raised from 256 to 1024 by default" },
    note: "max_num_batched_tokens by GPU name since PR #12369: 'It seems the 2K token budget for API server is too small for H100 and H200'",
  },
  {
    since: "0.8.4",
    until: "0.8.5",
    value: {
      kind: "v1",
      maxNumSeqs: { rule: "h100-h200", large: SEQS_1024, small: SEQS_256 },
      maxNumBatchedTokens: { rule: "h100-h200", large: TOKENS_LARGE, small: TOKENS_SMALL },
    },
    source: {
      url: PR(16158),
      quote: "This PR reverts the default `max_num_seqs` from 1024 to 256 for hardware other than H100/200",
    },
    note: "merged 2025-04-08; first release after the merge taken as 0.8.4 (inferred)",
  },
  {
    since: "0.8.5",
    until: "0.9.0",
    value: {
      kind: "v1",
      maxNumSeqs: { rule: "70gib", large: SEQS_1024, small: SEQS_256 },
      maxNumBatchedTokens: { rule: "70gib", large: TOKENS_LARGE, small: TOKENS_SMALL },
    },
    source: {
      url: "https://github.com/vllm-project/vllm/blob/46e678bcff350518bee8b92c826f21c5cdd0d08f/vllm/engine/arg_utils.py",
      quote: "if device_memory >= 70 * GiB_bytes:",
    },
    note: "PR #17073, merged 2025-04-23; first release after the merge taken as 0.8.5 (inferred)",
  },
  {
    since: "0.9.0",
    value: {
      kind: "v1",
      maxNumSeqs: { rule: "70gib-not-a100", large: SEQS_1024, small: SEQS_256 },
      maxNumBatchedTokens: { rule: "70gib-not-a100", large: TOKENS_LARGE, small: TOKENS_SMALL },
    },
    source: {
      url: `${AT_0_11}/vllm/engine/arg_utils.py`,
      quote: 'if device_memory >= 70 * GiB_bytes and "a100" not in device_name:',
    },
    note:
      "PR #17885, merged 2025-05-11; first release after the merge taken as 0.9.0 (inferred). PR #51726 (merged 2026-08-10) " +
      "raises the large-GPU max_num_batched_tokens to 16384 'when gpu memory is enough' in a branch whose scope was not read; not modelled",
  },
];

/**
 * The profile run's sampler. Bytes per vocabulary entry per sequence live at its peak:
 * - PyTorch's sort (top-k/top-p without FlashInfer): the model-dtype logits (2) and their fp32 copy (4),
 *   the sorted values (4) and indices (int64, 8), and inside torch.sort's segmented sort an int64 index
 *   input (8, `reverse_indices`) and cub's alternate key and value buffers (4 + 8) = 38. Published H100
 *   and B200 peaks at 1024 sequences come to 38.4–39.8 bytes per entry (llm-d's empirical vLLM memory
 *   results; vllm-project/vllm#21489).
 * - FlashInfer's top_k_top_p_sampling_from_logits: the logits (2), their fp32 copy (4), the top-k masked
 *   logits (4) and their softmax (4) = 14 (no sort).
 */
export const SAMPLER: VersionRule<SamplerProfile>[] = [
  {
    since: "0.6.0",
    until: "0.8.0",
    value: { bytesPerLogit: 38, path: "PyTorch sort (V0 sampler)" },
    source: {
      url: "https://github.com/vllm-project/vllm/blob/da02cb4b274ab8bcebb8b8e677ff4b43440bc499/vllm/worker/model_runner.py",
      quote: "SamplingParams(top_p=0.99, top_k=self.vocab_size - 1)",
    },
    note: "V0 samples with FlashInfer only with VLLM_USE_FLASHINFER_SAMPLER=1; the sort is torch.sort's segmented sort (pytorch aten/src/ATen/native/cuda/Sort.cu: 'auto reverse_indices = cuda_allocator->allocate(numel * sizeof(int64_t));')",
  },
  {
    since: "0.8.0",
    until: "0.11.1",
    value: {
      bytesPerLogit: 14,
      path: "FlashInfer top-k/top-p (the vllm/vllm-openai image ships FlashInfer)",
    },
    source: {
      url: PR(11394),
      quote: "This PR brings FlashInfer's top-p & top-k sampling kernel to the V1 sampler.",
    },
    note: "a pip install without FlashInfer sorts instead (38 bytes per entry). Consistent with the 0.10.1.1 A100 logs in test/fixtures/vllm-logs, where activation and non-torch memory together take 0.5 GiB at 256 sequences of a 152k vocabulary",
  },
  {
    since: "0.11.1",
    until: "0.21.0",
    value: { bytesPerLogit: 38, path: "PyTorch sort (FlashInfer sampler off by default)" },
    source: {
      url: PR(26859),
      quote: "Let us disable it by default for now so users can opt-in",
    },
    note: "merged 2025-10-15, after the 0.11.0 release line; later releases replaced the sort with a Triton top-k/top-p kernel (PR #40376: 'Triton's implementation used by default now') whose memory no log measures: the sort figure is kept",
  },
  {
    since: "0.21.0",
    value: { bytesPerLogit: 14, path: "FlashInfer top-k/top-p (on by default)" },
    source: {
      url: "https://github.com/vllm-project/vllm/pull/44405",
      quote: "vLLM v0.21.0 enabled FlashInfer top-k/top-p sampling by default ([#40376]",
    },
  },
];

/**
 * KV block size of MLA models, whose attention backend forces its own (vllm/platforms/cuda.py at
 * 0.11): FlashMLA 64 on Hopper, CUTLASS MLA 128 on Blackwell (SM100); others keep 16.
 */
export const MLA_BLOCK: VersionRule<{ hopper: number; blackwell: number }>[] = [
  {
    since: "0.6.0",
    until: "0.8.0",
    value: { hopper: 16, blackwell: 16 },
    source: { url: `${AT_0_11}/vllm/config/cache.py`, quote: "block_size" },
    note: "V0 keeps block 16 unless FlashMLA is chosen (0.7.3 and later, not modelled)",
  },
  {
    since: "0.8.0",
    until: "0.11.0",
    value: { hopper: 64, blackwell: 16 },
    source: {
      url: `${AT_0_11}/vllm/platforms/cuda.py`,
      quote: "Forcing kv cache block size to 64 for FlashMLA backend.",
    },
  },
  {
    since: "0.11.0",
    value: { hopper: 64, blackwell: 128 },
    source: {
      url: `${AT_0_11}/vllm/platforms/cuda.py`,
      quote: "Forcing kv cache block size to 128 for CUTLASS_MLA backend.",
    },
  },
];

/** What the vllm/vllm-openai image of a release is built with, and the oldest GPU it runs on. */
export interface VllmImageBuild {
  /** CUDA release of the image ("12.4"). */
  cuda: string;
  /** Oldest NVIDIA driver branch that CUDA release needs (CUDA release notes, table 3). */
  minDriver: string;
  /** Oldest compute capability its PyTorch build and kernels run on. */
  minComputeCapability: number;
}

/**
 * The image's CUDA build by release. Drivers: CUDA 12.4 GA needs >= 550.54.14, CUDA 12.8 GA >= 570.26,
 * CUDA 13.0 GA >= 580.65.06 (https://docs.nvidia.com/cuda/cuda-toolkit-release-notes/ table 3, "CUDA
 * Toolkit and Corresponding Driver Versions").
 */
export const IMAGE_BUILD: VersionRule<VllmImageBuild>[] = [
  {
    since: "0.6.0",
    until: "0.9.0",
    value: { cuda: "12.4", minDriver: "550", minComputeCapability: 7.0 },
    source: {
      url: "https://github.com/vllm-project/vllm/blob/v0.6.0/Dockerfile",
      quote: "ARG torch_cuda_arch_list='7.0 7.5 8.0 8.6 8.9 9.0+PTX'",
    },
    note: "same file: 'ARG CUDA_VERSION=12.4.1'; the 0.6–0.8 images run PyTorch 2.4–2.6 cu124 wheels, which keep Volta (sm70)",
  },
  {
    since: "0.9.0",
    until: "0.20.0",
    value: { cuda: "12.8", minDriver: "570", minComputeCapability: 7.5 },
    source: {
      url: "https://github.com/vllm-project/vllm/issues/18818",
      quote:
        "Found GPU0 NVIDIA TITAN V which is of cuda capability 7.0. PyTorch no longer supports this GPU because it is too old. The minimum cuda capability supported by this library is 7.5.",
    },
    note:
      "the v0.9.0 image (torch 2.7.0+cu128, 'CUDA_VERSION=12.8.1'). Later CUDA 12 images run PyTorch 2.8–2.10, whose cu128 wheels " +
      "have Volta again (pytorch/pytorch#160269: 'Volta is still supported for both CUDA 12.8 and 12.9 builds'), but which releases " +
      "build vLLM's own kernels for sm70 was not read: they are kept at 7.5 (refused rather than assumed)",
  },
  {
    since: "0.20.0",
    value: { cuda: "13.0", minDriver: "580", minComputeCapability: 7.5 },
    source: {
      url: PR(39878),
      quote: "Switch default CUDA version from 12.9 to 13.0. CUDA 12.9 becomes the `cu129` variant",
    },
    note: "https://github.com/vllm-project/vllm/issues/42738: 'After v0.20.0, default wheel/docker nightly version is cu130'; arch list '7.5 8.0 8.6 8.9 9.0 10.0 12.0' (sm70 removed with the CUDA 13 switch)",
  },
];

/**
 * vLLM's own multi-node launch without Ray (`vllm serve --nnodes N --node-rank R --master-addr A
 * --master-port P [--headless]`, vllm-project/vllm#23691). Older releases span nodes only through a
 * Ray cluster, which llmdeploy does not render: a multi-node plan at such a release is refused.
 */
export const MULTI_NODE_LAUNCH: VersionRule<boolean>[] = [
  {
    since: "0.6.0",
    until: "0.11.1",
    value: false,
    source: {
      url: "https://docs.vllm.ai/en/v0.8.3/serving/distributed_serving.html",
      quote:
        "If your model is too large to fit in a single node, you can use tensor parallel together with pipeline parallelism",
    },
    note: "that page starts a Ray cluster on every node (ray start --head / ray start --address) before vllm serve",
  },
  {
    since: "0.11.1",
    value: true,
    source: {
      url: "https://github.com/volcengine/verl/blob/main/verl/workers/rollout/vllm_rollout/vllm_async_server.py",
      quote:
        "For multi-node without DP (e.g TP=16), need vllm>=0.11.1, https://github.com/vllm-project/vllm/pull/23691",
    },
  },
];

/** The Prometheus gauge of the KV cache's used share (0..1) a release exports. */
export const KV_USAGE_METRIC: VersionRule<string>[] = [
  {
    since: "0.6.0",
    until: "0.9.0",
    value: "vllm:gpu_cache_usage_perc",
    source: {
      url: PR(18354),
      quote:
        'vllm/v1/metrics/loggers.py: name="vllm:gpu_cache_usage_perc", documentation="GPU KV-cache usage. 1 means 100 percent usage."',
    },
    note: "V0 (vllm/engine/metrics.py) exports the same gauge: https://docs.vllm.ai/en/v0.4.1/serving/metrics.html",
  },
  {
    since: "0.9.0",
    value: "vllm:kv_cache_usage_perc",
    source: {
      url: "https://github.com/vllm-project/vllm/blob/005a810bc40faa25b8870fbc8559c3462581eee3/vllm/v1/metrics/loggers.py",
      quote: "# Deprecated in 0.9 - Renamed as vllm:kv_cache_usage_perc",
    },
    note: "the old name was hidden, then removed (vllm-project/vllm#29330, 'Scheduled removal of deprecated metrics: vllm:gpu_cache_usage_perc', merged 2025-11-24)",
  },
];
