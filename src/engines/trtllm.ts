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
import type { EngineShares } from "./common.js";
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

/** Fitted shares (docs/performance.md); TensorRT-LLM's own custom all-reduce kernel. */
const TRTLLM_SHARES: EngineShares = {
  bandwidth: 0.516,
  compute: 0.799,
  stepOverheadMs: 3.994,
  requestOverheadMs: 0.559,
  seqOverheadUs: 2.346,
  allReduce: "trtllm",
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
  efficiency: efficiency(TRTLLM_SHARES, SCHEDULER, FIT),
  memoryModel:
    "approximated by vLLM's budget (kv_cache_free_gpu_memory_fraction in the place of gpu_memory_utilization)",
  settings: (device, o) => applyOverrides(defaultVllmSettings(device.memoryBytes.value, device.name), o),
  supportProblem: hfEngineSupport,
  memory: (req) => vllmMemory(req, "kv_cache_free_gpu_memory_fraction"),
  startupLog: null,
  command,
  // trtllm-serve's /metrics is JSON iteration statistics, not Prometheus text: no scrape target.
  metrics: null,
};
