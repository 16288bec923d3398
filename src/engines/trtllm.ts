/**
 * TensorRT-LLM's OpenAI server, `trtllm-serve` (PyTorch backend): Hugging Face checkpoints, TP and PP
 * within one node (multi-node needs its MPI launcher, which llmdeploy does not render).
 *
 * Memory: TensorRT-LLM gives the KV cache a fraction of the memory that is still free once the model is
 * loaded and its profiling pass has run (kv_cache_config.free_gpu_memory_fraction: "The fraction of GPU
 * memory fraction that should be allocated for the KV cache. Default is 90%", tensorrt_llm/llmapi/
 * llm_args.py; the runtime's memory.md: "KV cache will by default allocate ... of the remaining free
 * GPU memory"). So KV = fraction × (total − CUDA context − weights − activation peak), unlike vLLM's
 * fraction of the total.
 */
import { imageProblem, type OtherVendorBuilds } from "./hardware.js";
import type { Plan } from "../contract/plan.js";
import { kvBytesForSequence, kvBytesPerTokenPerLayer } from "../sizing/kv.js";
import { stageLayers } from "../sizing/placement.js";
import {
  applyOverrides,
  argReader,
  efficiency,
  FIT,
  hfEngineSupport,
  missing,
  MODEL_DIR,
  pinnedImageFor,
  pythonHealthCheck,
  SCHEDULER,
} from "./common.js";
import { CUDA_CONTEXT_BYTES } from "./llamacpp.js";
import type { EngineShares } from "./common.js";
import type {
  EngineCommand,
  EngineImage,
  EngineModule,
  GpuLedger,
  MemoryPlacement,
  MemoryRequest,
  CheckpointSupport,
  EngineLaunch,
  LaunchedSettings,
} from "./types.js";
import { pinnedOnly } from "./version.js";
import { defaultVllmSettings, forwardPeakBytes } from "./vllm.js";

const GiB = 1024 ** 3;

/**
 * The default free_gpu_memory_fraction (tensorrt_llm/llmapi/llm_args.py KvCacheConfig: "default=0.9",
 * "Default is 90%").
 */
export const TRTLLM_FREE_FRACTION = 0.9;

/**
 * TensorRT-LLM's KV cache per GPU for one placement: free_gpu_memory_fraction of what is free after the
 * CUDA context, the weights (the tightest pipeline stage) and the profiling pass's activation peak (one
 * step of max_num_tokens, the forward-pass part of vLLM's estimate; its sampler is not profiled), in
 * tokens of its blocks (tokens_per_block, llmdeploy passes the plan's block size).
 */
export function trtllmMemory(req: MemoryRequest): MemoryPlacement {
  const { arch, settings: s, tp } = req;
  const total = req.device.memoryBytes.value;
  const f = s.gpuMemoryUtilization;
  const activation = forwardPeakBytes(arch, tp, s.maxNumBatchedTokens);
  const perLayer = kvBytesPerTokenPerLayer(arch, req.kvCacheDtype, tp);
  const layerSets = stageLayers(arch.numLayers, req.pp);
  const stages = req.stageWeights.map((st, i) => {
    const free = total - CUDA_CONTEXT_BYTES - st.bytesPerGpu - activation;
    const kv = free > 0 ? f * free : free;
    const layers = layerSets[i]!;
    const blockBytes = s.blockSize * perLayer * layers.length;
    const tokens = kv > 0 ? Math.floor(kv / blockBytes) * s.blockSize : 0;
    return { st, free, kv, layers, tokens };
  });
  const tight = stages.reduce((a, b) => (b.tokens < a.tokens ? b : a));
  const perGpu: GpuLedger = {
    totalBytes: total,
    budgetBytes: Math.floor(Math.max(0, tight.free)),
    weightsBytes: tight.st.bytesPerGpu,
    activationBytes: Math.round(activation),
    nonTorchBytes: CUDA_CONTEXT_BYTES,
    kvCacheBytes: Math.floor(tight.kv),
    cudaGraphBytes: 0,
  };
  const seq = kvBytesForSequence(arch, req.kvCacheDtype, req.maxModelLen, tp, tight.layers);
  const maxConcurrency =
    seq > 0 ? Math.floor(((tight.tokens * perLayer * tight.layers.length) / seq) * 100) / 100 : 0;
  const reason =
    tight.free <= 0
      ? `weights (${(tight.st.bytesPerGpu / GiB).toFixed(1)} GiB) and the activation peak leave no free memory`
      : maxConcurrency < 1
        ? `the KV cache holds ${tight.tokens} tokens, less than one sequence of ${req.maxModelLen}`
        : null;
  return {
    perGpu,
    lines: [
      { label: "total memory", bytes: total },
      { label: "  CUDA context", bytes: perGpu.nonTorchBytes },
      { label: "  weights", bytes: perGpu.weightsBytes },
      { label: `  activation peak (${s.maxNumBatchedTokens} tokens)`, bytes: perGpu.activationBytes },
      { label: "free after loading", bytes: perGpu.budgetBytes },
      { label: `  KV cache (free_gpu_memory_fraction ${f})`, bytes: perGpu.kvCacheBytes },
    ],
    stages: req.stageWeights,
    kvCacheTokens: tight.tokens,
    maxConcurrency,
    fits: reason === null,
    reason,
  };
}

const IMAGE: EngineImage = {
  image: "nvcr.io/nvidia/tensorrt-llm/release:1.2.1",
  version: "1.2.1",
  source:
    "https://github.com/triton-inference-server/server/pull/8801 (26.05 compatibility row: TensorRT-LLM 1.2.1)",
  cuda: {
    version: "13.1",
    minDriver: "580",
    minComputeCapability: 8.0,
    source:
      "https://github.com/NVIDIA/TensorRT-LLM/pull/12754 ('Release 1.2.1 ... Bumped base Docker image to 25.12, CUDA to 13.1'); CUDA 13.x runs on drivers >= 580 by minor-version compatibility (CUDA 13.1 release notes); https://nvidia.github.io/TensorRT-LLM/supported-hardware.html (Blackwell, Hopper, Ada, Ampere A100)",
  },
  contents: {
    user: "root",
    programs: ["bash", "python3", "trtllm-serve"],
    source:
      "https://github.com/NVIDIA/TensorRT-LLM/blob/00f74add6b0d51b1e7b34d5bdd48a9ed39b868f3/docker/Dockerfile.multi (base nvcr.io/nvidia/pytorch, SHELL bash, pip install tensorrt_llm wheel; no USER)",
  },
};

/** https://nvidia.github.io/TensorRT-LLM/commands/trtllm-serve.html: trtllm-serve MODEL [OPTIONS] */
function command(plan: Plan): EngineCommand {
  const d = plan.recommendation;
  const e = d.engine;
  const args = [
    e.modelRef,
    "--host",
    "0.0.0.0",
    "--port",
    String(plan.spec.port),
    "--tp_size",
    String(d.tensorParallel),
    "--pp_size",
    String(d.pipelineParallel),
    "--max_seq_len",
    String(e.maxModelLen),
    "--max_batch_size",
    String(e.maxNumSeqs),
    "--max_num_tokens",
    String(e.maxNumBatchedTokens),
    "--kv_cache_free_gpu_memory_fraction",
    String(e.gpuMemoryUtilization),
  ];
  return {
    engine: "trtllm",
    program: "trtllm-serve",
    args,
    env: { HF_HOME: MODEL_DIR },
    healthPath: "/health",
    // /metrics is JSON iteration statistics, not Prometheus text (see `unmonitored` below).
    metricsPath: null,
    usesHfHub: true,
    multiNode: null,
    pullAfterStart: null,
    needsScript: false,
    healthCommand: pythonHealthCheck(`http://127.0.0.1:${plan.spec.port}/health`),
    modelFile: null,
  };
}

/** Fitted shares (docs/performance.md); TensorRT-LLM's own custom all-reduce kernel. */
const TRTLLM_SHARES: EngineShares = {
  bandwidth: 0.516,
  compute: 0.799,
  stepOverheadMs: 3.994,
  requestOverheadMs: 1.02,
  requestLayerOverheadUs: 0,
  seqOverheadUs: 2.346,
  allReduce: "trtllm",
};

const MEMORY_MODEL = `TensorRT-LLM ${IMAGE.version}: KV = free_gpu_memory_fraction × (total − CUDA context − weights − activation peak)`;
/**
 * "TensorRT LLM can directly run pre-quantized models generated with the NVIDIA Model Optimizer" and
 * "The default PyTorch backend supports FP4 and FP8 quantization on the latest Blackwell and Hopper
 * GPUs" (https://nvidia.github.io/TensorRT-LLM/features/quantization.html). Model Optimizer
 * checkpoints keep their settings in hf_quant_config.json (and may switch on an FP8 KV cache), which
 * llmdeploy does not size, and trtllm-serve quantizes nothing in flight: TensorRT-LLM serves a model's
 * own checkpoint only (a Model Optimizer export can be given with --model-ref when llmdeploy can read it).
 */
export const TRTLLM_CHECKPOINTS: CheckpointSupport = {
  loads: [],
  inFlight: {},
  gguf: null,
  source: "TensorRT-LLM docs features/quantization",
};

/** The inverse of command(): trtllm-serve MODEL ... */
export function readTrtllmLaunch(l: EngineLaunch): LaunchedSettings | { problem: string } {
  const [model] = l.args;
  if (!model || model.startsWith("-")) return { problem: "it does not run `trtllm-serve MODEL`" };
  const r = argReader(l.args.slice(1), 1);
  const maxModelLen = r.int("--max_seq_len");
  const problem = r.problem() ?? missing([["--max_seq_len", maxModelLen]]);
  if (problem) return { problem };
  return {
    modelRef: model,
    file: null,
    tp: r.int("--tp_size") ?? 1,
    pp: r.int("--pp_size") ?? 1,
    maxModelLen: maxModelLen!,
    kvCacheDtype: "auto",
    quantization: null,
    overrides: {
      gpuMemoryUtilization: r.num("--kv_cache_free_gpu_memory_fraction"),
      maxNumSeqs: r.int("--max_batch_size"),
      maxNumBatchedTokens: r.int("--max_num_tokens"),
    },
    sources: {
      modelRef: { arg: 0 },
      ...r.sources({
        tp: "--tp_size",
        pp: "--pp_size",
        maxModelLen: "--max_seq_len",
        gpuMemoryUtilization: "--kv_cache_free_gpu_memory_fraction",
        maxNumSeqs: "--max_batch_size",
        maxNumBatchedTokens: "--max_num_tokens",
      }),
    },
  };
}

/**
 * TensorRT-LLM runs on NVIDIA GPUs only (https://nvidia.github.io/TensorRT-LLM/supported-hardware.html:
 * Blackwell, Hopper, Ada Lovelace, Ampere).
 */
export const TRTLLM_OTHER_VENDORS: OtherVendorBuilds = {
  amd: null,
  gaudi: null,
  source: "https://nvidia.github.io/TensorRT-LLM/supported-hardware.html",
};

export const trtllm: EngineModule = {
  name: "trtllm",
  label: "TensorRT-LLM",
  image: IMAGE,
  versions: pinnedOnly("TensorRT-LLM", IMAGE.version),
  imageFor: pinnedImageFor(IMAGE),
  eagerMode: false,
  // trtllm-serve takes the KV cache dtype only in an --extra_llm_api_options file, which llmdeploy does not write.
  fp8KvCache: false,
  defaultShare: () => TRTLLM_FREE_FRACTION,
  checkpointFormat: "safetensors",
  defaultPort: 8000,
  parallel: { tensor: true, layersInNode: true, multiNode: null, maxGpus: null },
  efficiency: efficiency(TRTLLM_SHARES, SCHEDULER, FIT),
  memoryModel: MEMORY_MODEL,
  memoryModelFor: () => MEMORY_MODEL,
  // Batch sizes as vLLM's defaults (llmdeploy passes --max_batch_size and --max_num_tokens explicitly).
  settings: (device, o) =>
    applyOverrides(
      {
        ...defaultVllmSettings(device.memoryBytes.value, device.name),
        gpuMemoryUtilization: TRTLLM_FREE_FRACTION,
        cudaGraphsInBudget: false,
        engineVersion: IMAGE.version,
      },
      o,
    ),
  supportProblem: (device, p) =>
    imageProblem(trtllm, TRTLLM_OTHER_VENDORS, device) ?? hfEngineSupport(device, p),
  memory: trtllmMemory,
  startupLog: null,
  runsAsNonRoot: true,
  advisories: [],
  cliFlags: {
    flags: [
      "--host",
      "--port",
      "--tp_size",
      "--pp_size",
      "--max_seq_len",
      "--max_batch_size",
      "--max_num_tokens",
      "--kv_cache_free_gpu_memory_fraction",
    ],
    source: "https://nvidia.github.io/TensorRT-LLM/commands/trtllm-serve.html (trtllm-serve MODEL [OPTIONS])",
  },
  command,
  checkpoints: TRTLLM_CHECKPOINTS,
  readLaunch: readTrtllmLaunch,
  unmonitored:
    "trtllm-serve's /metrics answers runtime-iteration statistics as JSON, not Prometheus text " +
    "(https://nvidia.github.io/TensorRT-LLM/0.20.0rc1/commands/trtllm-serve.html: 'The metrics endpoint provides runtime-iteration statistics " +
    "such as GPU memory use and inflight-batching details'); its Prometheus request metrics at /prometheus/metrics " +
    "(NVIDIA/TensorRT-LLM#5785; https://nvidia.github.io/TensorRT-LLM/latest/examples/prometheus_metrics.html, prefix 'trtllm_') " +
    "were not read at 1.2.1, so llmdeploy scrapes and alerts on none of them",
  // A release other than the pinned one is refused (versions: pinnedOnly), so its names are these.
  metricsFor: () => trtllm.metrics,
  metrics: null,
};
