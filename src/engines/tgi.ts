/**
 * Hugging Face Text Generation Inference: Hugging Face checkpoints, tensor parallel shards within
 * one node (no pipeline parallelism, no multi-node).
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
import { imageProblem, type ImageBuild } from "./hardware.js";
import { defaultVllmSettings, vllmMemory } from "./vllm.js";

/** https://huggingface.co/docs/text-generation-inference/reference/launcher */
function command(plan: Plan): EngineCommand {
  const d = plan.recommendation;
  const e = d.engine;
  const args = [
    "--model-id",
    e.modelRef,
    "--hostname",
    "0.0.0.0",
    "--port",
    String(plan.spec.port),
    "--num-shard",
    String(d.tensorParallel),
    "--max-total-tokens",
    String(e.maxModelLen),
    "--max-input-tokens",
    String(e.maxModelLen - 1),
    "--max-concurrent-requests",
    String(e.maxNumSeqs),
    "--max-batch-prefill-tokens",
    String(e.maxNumBatchedTokens),
  ];
  if (e.quantization) args.push("--quantize", e.quantization);
  return {
    engine: "tgi",
    program: "text-generation-launcher",
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
 * The pinned image's build: a CUDA build (NVIDIA GPUs); no compute-capability limit beyond the
 * precision rules is recorded for it.
 */
export const TGI_IMAGE_BUILD: ImageBuild = {
  cuda: null,
  minComputeCapability: null,
  why: "",
  source: "https://github.com/IlyasMoutawwakil/py-txi/pull/19",
  amd: "a ROCm build of TGI",
  gaudi: "a Gaudi build of TGI",
};

export const tgi: EngineModule = {
  name: "tgi",
  label: "TGI",
  image: {
    image: "ghcr.io/huggingface/text-generation-inference:3.3.4",
    version: "3.3.4",
    source:
      "https://github.com/IlyasMoutawwakil/py-txi/pull/19 (image ghcr.io/huggingface/text-generation-inference:3.3.4)",
  },
  checkpointFormat: "safetensors",
  defaultPort: 8000,
  defaultGpuMemoryUtilization: 0.9,
  // TGI shards tensors only: no pipeline parallelism, no multi-node (launcher --num-shard).
  parallel: { tensor: true, layersInNode: false, multiNode: null, maxGpus: null },
  efficiency: efficiency(VLLM_SHARES, SCHEDULER, sharedFit("vLLM")),
  memoryModel: "approximated by vLLM's budget",
  settings: (device, o) => applyOverrides(defaultVllmSettings(device.memoryBytes.value, device.name), o),
  supportProblem: (d, p) => imageProblem(tgi, TGI_IMAGE_BUILD, d) ?? hfEngineSupport(d, p),
  memory: (req) => vllmMemory(req),
  startupLog: null,
  command,
  // https://huggingface.co/docs/text-generation-inference/reference/metrics
  metrics: { waiting: "tgi_queue_size", kvUsage: [], ttftBucket: null },
};
