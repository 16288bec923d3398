/**
 * TensorRT-LLM's OpenAI server, `trtllm-serve` (PyTorch backend): Hugging Face checkpoints, TP and PP
 * within one node (multi-node needs its MPI launcher, which llmdeploy does not render).
 */
import type { Plan } from "../contract/plan.js";
import {
  applyOverrides,
  efficiency,
  FIT,
  hfEngineSupport,
  MODEL_DIR,
  pythonHealthCheck,
  SCHEDULER,
} from "./common.js";
import type { EngineCommand, EngineModule } from "./types.js";
import { imageProblem, type ImageBuild } from "./hardware.js";
import { defaultVllmSettings, vllmMemory } from "./vllm.js";

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
    metricsPath: "/metrics",
    usesHfHub: true,
    multiNode: null,
    pullAfterStart: null,
    needsScript: false,
    healthCommand: pythonHealthCheck(`http://127.0.0.1:${plan.spec.port}/health`),
    modelFile: null,
  };
}

/**
 * The pinned image's hardware: TensorRT-LLM's supported hardware is NVIDIA Blackwell, Hopper, Ada
 * Lovelace and Ampere (A100), https://nvidia.github.io/TensorRT-LLM/supported-hardware.html ("TensorRT
 * LLM supports the full spectrum of NVIDIA GPU architectures: ... NVIDIA Ampere: A100"): compute
 * capability 8.0 and later, NVIDIA only.
 */
export const TRTLLM_IMAGE_BUILD: ImageBuild = {
  cuda: null,
  minComputeCapability: 8.0,
  why: "TensorRT-LLM's supported hardware starts at Ampere (compute capability 8.0)",
  source: "https://nvidia.github.io/TensorRT-LLM/supported-hardware.html",
  amd: null,
  gaudi: null,
};

export const trtllm: EngineModule = {
  name: "trtllm",
  label: "TensorRT-LLM",
  image: {
    image: "nvcr.io/nvidia/tensorrt-llm/release:1.2.1",
    version: "1.2.1",
    source:
      "https://github.com/triton-inference-server/server/pull/8801 (26.05 compatibility row: TensorRT-LLM 1.2.1)",
  },
  checkpointFormat: "safetensors",
  defaultPort: 8000,
  defaultGpuMemoryUtilization: 0.9,
  parallel: { tensor: true, layersInNode: true, multiNode: null, maxGpus: null },
  efficiency: efficiency({ bandwidth: 0.85, compute: 0.617 }, SCHEDULER, FIT),
  memoryModel:
    "approximated by vLLM's budget (kv_cache_free_gpu_memory_fraction in the place of gpu_memory_utilization)",
  settings: (device, o) => applyOverrides(defaultVllmSettings(device.memoryBytes.value, device.name), o),
  supportProblem: (d, p) => imageProblem(trtllm, TRTLLM_IMAGE_BUILD, d) ?? hfEngineSupport(d, p),
  memory: (req) => vllmMemory(req, "kv_cache_free_gpu_memory_fraction"),
  startupLog: null,
  command,
  // trtllm-serve's /metrics is JSON iteration statistics, not Prometheus text: no scrape target.
  metrics: null,
};
