/**
 * SGLang (https://github.com/sgl-project/sglang): Hugging Face checkpoints, TP and PP, one replica
 * across nodes with --nnodes / --node-rank / --dist-init-addr.
 */
import type { Plan } from "../contract/plan.js";
import {
  applyOverrides,
  efficiency,
  hfEngineSupport,
  MODEL_DIR,
  pythonHealthCheck,
  SCHEDULER,
  sharedFit,
  VLLM_SHARES,
} from "./common.js";
import type { EngineCommand, EngineModule } from "./types.js";
import { CUDA13_MIN_COMPUTE_CAPABILITY, imageProblem, type ImageBuild } from "./hardware.js";
import { defaultVllmSettings, vllmMemory } from "./vllm.js";

/** Port SGLang's nodes meet on (`--dist-init-addr head:PORT`). */
export const SGLANG_DIST_PORT = 5000;

/** https://docs.sglang.ai/advanced_features/server_arguments.html */
function command(plan: Plan): EngineCommand {
  const d = plan.recommendation;
  const e = d.engine;
  const multiNode = d.nodes > 1 ? "sglang" : null;
  const args = [
    "-m",
    "sglang.launch_server",
    "--model-path",
    e.modelRef,
    "--served-model-name",
    e.servedModelName,
    "--host",
    "0.0.0.0",
    "--port",
    String(plan.spec.port),
    "--tp-size",
    String(d.tensorParallel),
    "--pp-size",
    String(d.pipelineParallel),
    "--context-length",
    String(e.maxModelLen),
    "--mem-fraction-static",
    String(e.gpuMemoryUtilization),
    "--max-running-requests",
    String(e.maxNumSeqs),
    "--chunked-prefill-size",
    String(e.maxNumBatchedTokens),
    "--enable-metrics",
  ];
  if (e.kvCacheDtype === "fp8") args.push("--kv-cache-dtype", "fp8_e4m3");
  if (e.quantization) args.push("--quantization", e.quantization);
  if (e.dtype === "half") args.push("--dtype", "half");
  // --node-rank and --dist-init-addr differ per node: the launch script adds them at run time.
  if (multiNode) args.push("--nnodes", String(d.nodes));
  return {
    engine: "sglang",
    program: "python3",
    args,
    env: { HF_HOME: MODEL_DIR },
    healthPath: "/health",
    metricsPath: "/metrics",
    usesHfHub: true,
    multiNode,
    pullAfterStart: null,
    needsScript: multiNode !== null,
    healthCommand: pythonHealthCheck(`http://127.0.0.1:${plan.spec.port}/health`),
    modelFile: null,
  };
}

/**
 * The pinned image's build: SGLang's images are CUDA 13 builds since v0.5.11 (release notes quoted in
 * https://github.com/gpustack/gpustack/issues/5285: "Default CUDA version moves to 13.0 across SGLang,
 * sgl-kernel, and Docker images"; the CUDA 12 build carries a -cu129 tag).
 */
export const SGLANG_IMAGE_BUILD: ImageBuild = {
  cuda: "13.0",
  minComputeCapability: CUDA13_MIN_COMPUTE_CAPABILITY,
  why: "whose kernels start at compute capability 7.5",
  source: "https://github.com/gpustack/gpustack/issues/5285",
  amd: "a ROCm build of SGLang",
  gaudi: "a Gaudi build of SGLang",
};

export const sglang: EngineModule = {
  name: "sglang",
  label: "SGLang",
  image: {
    image: "lmsysorg/sglang:v0.5.20",
    version: "0.5.20",
    source:
      "https://github.com/aws/deep-learning-containers/pull/6772 ('upstream v0.5.20 released 2026-09-18'); tag scheme lmsysorg/sglang:vX.Y.Z per https://github.com/sgl-project/sglang/pull/10671",
  },
  checkpointFormat: "safetensors",
  defaultPort: 8000,
  defaultGpuMemoryUtilization: 0.9,
  parallel: { tensor: true, layersInNode: true, multiNode: "sglang", maxGpus: null },
  efficiency: efficiency(VLLM_SHARES, SCHEDULER, sharedFit("vLLM")),
  memoryModel: "approximated by vLLM's budget (--mem-fraction-static in the place of gpu_memory_utilization)",
  settings: (device, o) => applyOverrides(defaultVllmSettings(device.memoryBytes.value, device.name), o),
  supportProblem: (d, p) => imageProblem(sglang, SGLANG_IMAGE_BUILD, d) ?? hfEngineSupport(d, p),
  memory: (req) => vllmMemory(req, "mem_fraction_static"),
  startupLog: null,
  command,
  // https://docs.sglang.ai/references/production_metrics.html
  metrics: {
    waiting: "sglang:num_queue_reqs",
    kvUsage: ["sglang:token_usage"],
    ttftBucket: "sglang:time_to_first_token_seconds_bucket",
  },
};
