/**
 * TensorRT-LLM's OpenAI server, `trtllm-serve` (PyTorch backend): Hugging Face checkpoints, TP and PP
 * within one node (multi-node needs its MPI launcher, which llmdeploy does not render).
 */
import type { Plan } from "../contract/plan.js";
import {
  applyOverrides,
  argReader,
  efficiency,
  FIT,
  hfEngineSupport,
  missing,
  MODEL_DIR,
  pythonHealthCheck,
  SCHEDULER,
} from "./common.js";
import type {
  CheckpointSupport,
  EngineCommand,
  EngineLaunch,
  EngineModule,
  LaunchedSettings,
} from "./types.js";
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
  const r = argReader(l.args.slice(1));
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
  };
}

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
  supportProblem: hfEngineSupport,
  memory: (req) => vllmMemory(req, "kv_cache_free_gpu_memory_fraction"),
  startupLog: null,
  command,
  checkpoints: TRTLLM_CHECKPOINTS,
  readLaunch: readTrtllmLaunch,
  // trtllm-serve's /metrics is JSON iteration statistics, not Prometheus text: no scrape target.
  metrics: null,
};
