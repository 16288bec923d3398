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
import type { EngineCommand, EngineImage, EngineModule } from "./types.js";
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

const trtllmImage: EngineImage = {
  image: "nvcr.io/nvidia/tensorrt-llm/release:1.2.1",
  version: "1.2.1",
  source:
    "https://github.com/triton-inference-server/server/pull/8801 (26.05 compatibility row: TensorRT-LLM 1.2.1); still the newest stable release (https://github.com/triton-inference-server/server/issues/8805, 2026-05-29)",
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

export const trtllm: EngineModule = {
  name: "trtllm",
  label: "TensorRT-LLM",
  image: trtllmImage,
  checkpointFormat: "safetensors",
  defaultPort: 8000,
  defaultGpuMemoryUtilization: 0.9,
  parallel: { tensor: true, layersInNode: true, multiNode: null, maxGpus: null },
  efficiency: efficiency({ bandwidth: 0.85, compute: 0.617 }, SCHEDULER, FIT),
  memoryModel:
    "approximated by vLLM's budget (kv_cache_free_gpu_memory_fraction in the place of gpu_memory_utilization)",
  settings: (device, o) => applyOverrides(defaultVllmSettings(device.memoryBytes.value, device.name), o),
  supportProblem: (device, p) => hfEngineSupport(device, p, trtllmImage),
  memory: (req) => vllmMemory(req, "kv_cache_free_gpu_memory_fraction"),
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
  startupLog: null,
  runsAsNonRoot: true,
  advisories: [],
  command,
  // trtllm-serve's /metrics is JSON iteration statistics, not Prometheus text: no scrape target.
  metrics: null,
};
