/**
 * The inference-engine behaviour llmdeploy models, each constant with its source.
 * Figures read from published vLLM start-up logs are quoted with their URL.
 */
const GiB = 1024 ** 3;

export const VLLM = {
  /** Behaviour modelled: V1 engine with CUDA graph memory profiling on (the default since v0.21.0). */
  version: "0.21+",
  source:
    "https://github.com/gpustack/runner/pull/251 (vLLM 0.27.1 log: 'CUDA graph memory profiling is enabled (default since v0.21.0)')",
  /** --gpu-memory-utilization default. Source: vLLM docs / engine args (0.9). */
  gpuMemoryUtilization: 0.9,
  /** KV cache block size on CUDA (tokens). Source: vLLM cache config default block_size 16. */
  blockSize: 16,
  /**
   * `vllm serve` raises max_num_batched_tokens / max_num_seqs on GPUs with at least 70 GiB that are
   * not A100 (engine/arg_utils.py default_max_num_batched_tokens / default_max_num_seqs).
   */
  largeGpuThresholdBytes: 70 * GiB,
  maxNumBatchedTokensLarge: 8192,
  maxNumBatchedTokensSmall: 2048,
  maxNumSeqsLarge: 1024,
  maxNumSeqsSmall: 256,
  /**
   * Bytes per vocabulary entry per sequence in the dummy sampler run: fp32 logits, fp32 probabilities
   * after softmax and fp32 log-probabilities (3 × 4 bytes).
   */
  samplerBytesPerLogit: 12,
  /**
   * Non-torch memory that grows during profiling (cuBLAS workspaces etc.), measured against the
   * baseline taken after the CUDA context exists. Logs: 0.16 GiB (H100, Llama 3.2 11B Vision,
   * https://github.com/vllm-project/vllm/pull/12126), 0.20 GiB (RTX 3090,
   * https://github.com/vllm-project/vllm/pull/14447), 0.16 GiB (H100,
   * https://github.com/kubernetes-sigs/gateway-api-inference-extension/pull/550).
   */
  nonTorchBytes: 0.2 * GiB,
  /**
   * Estimated CUDA graph pool with the default capture sizes (up to 512): "Estimated CUDA graph
   * memory: 0.44 GiB total" (https://github.com/vllm-project/vllm/pull/48214, PIECEWISE=51,
   * largest=512); 0.36 GiB with 16 sizes (https://github.com/gpustack/runner/pull/251).
   */
  cudaGraphBytes: 0.44 * GiB,
} as const;

/**
 * Pinned container images per engine (never `latest`), each with where the version was seen released.
 * `render` writes these into the Dockerfile, compose file and Kubernetes manifests.
 */
export const ENGINE_IMAGES: Record<
  "vllm" | "sglang" | "trtllm" | "llamacpp" | "ollama" | "tgi",
  { image: string; version: string; source: string; cpuImage?: string }
> = {
  vllm: {
    image: "vllm/vllm-openai:v0.28.0",
    version: "0.28.0",
    source: "https://github.com/coreweave/ml-containers/pull/218 ('vLLM 0.28.0 was released', 2026-08-26)",
  },
  sglang: {
    image: "lmsysorg/sglang:v0.5.20",
    version: "0.5.20",
    source:
      "https://github.com/aws/deep-learning-containers/pull/6772 ('upstream v0.5.20 released 2026-09-18'); tag scheme lmsysorg/sglang:vX.Y.Z per https://github.com/sgl-project/sglang/pull/10671",
  },
  trtllm: {
    image: "nvcr.io/nvidia/tensorrt-llm/release:1.2.1",
    version: "1.2.1",
    source:
      "https://github.com/triton-inference-server/server/pull/8801 (26.05 compatibility row: TensorRT-LLM 1.2.1)",
  },
  llamacpp: {
    image: "ghcr.io/ggml-org/llama.cpp:server-cuda-b9246",
    // The same build without CUDA (llama.cpp docs/docker.md: the "server" and "server-cuda" images).
    cpuImage: "ghcr.io/ggml-org/llama.cpp:server-b9246",
    version: "b9246",
    source:
      "https://github.com/noonghunna/club-3090/pull/188 ('pin both composes to the validated build server-cuda-b9246 (2026-05-20)')",
  },
  ollama: {
    image: "ollama/ollama:0.20.2",
    version: "0.20.2",
    source: "https://github.com/eleiton/ollama-intel-arc/pull/50 (bump image tag to 0.20.2, 2026-04-04)",
  },
  tgi: {
    image: "ghcr.io/huggingface/text-generation-inference:3.3.4",
    version: "3.3.4",
    source:
      "https://github.com/IlyasMoutawwakil/py-txi/pull/19 (image ghcr.io/huggingface/text-generation-inference:3.3.4)",
  },
};
