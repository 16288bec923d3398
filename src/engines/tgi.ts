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
  pinnedImageFor,
  pythonHealthCheck,
  SCHEDULER,
  sharedFit,
  VLLM_SHARES,
} from "./common.js";
import type { EngineCommand, EngineImage, EngineModule } from "./types.js";
import { pinnedOnly } from "./version.js";
import { defaultVllmSettings, VLLM, vllmMemory } from "./vllm.js";

const IMAGE: EngineImage = {
  image: "ghcr.io/huggingface/text-generation-inference:3.3.4",
  version: "3.3.4",
  source:
    "https://github.com/IlyasMoutawwakil/py-txi/pull/19 (image ghcr.io/huggingface/text-generation-inference:3.3.4)",
};
const MEMORY_MODEL = `approximated by vLLM's budget (vLLM ${VLLM.version}'s profile, 0.9 of the GPU)`;

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
  // launcher --cuda-graphs: "Specify the batch sizes to compute cuda graphs for. Use "0" to disable."
  if (e.enforceEager === true) args.push("--cuda-graphs", "0");
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

export const tgi: EngineModule = {
  name: "tgi",
  label: "TGI",
  image: IMAGE,
  versions: pinnedOnly("TGI", IMAGE.version),
  imageFor: pinnedImageFor(IMAGE),
  eagerMode: true,
  defaultShare: () => 0.9,
  checkpointFormat: "safetensors",
  defaultPort: 8000,
  // TGI shards tensors only: no pipeline parallelism, no multi-node (launcher --num-shard).
  parallel: { tensor: true, layersInNode: false, multiNode: null, maxGpus: null },
  efficiency: efficiency(VLLM_SHARES, SCHEDULER, sharedFit("vLLM")),
  memoryModel: MEMORY_MODEL,
  memoryModelFor: () => MEMORY_MODEL,
  settings: (device, o) =>
    applyOverrides(
      {
        ...defaultVllmSettings(device.memoryBytes.value, device.name),
        gpuMemoryUtilization: 0.9,
        engineVersion: IMAGE.version,
      },
      o,
    ),
  supportProblem: hfEngineSupport,
  // vLLM's arithmetic at vLLM's pinned release stands in for TGI's own.
  memory: (req) => vllmMemory({ ...req, settings: { ...req.settings, engineVersion: VLLM.version } }),
  startupLog: null,
  command,
  // https://huggingface.co/docs/text-generation-inference/reference/metrics
  metrics: { waiting: "tgi_queue_size", kvUsage: [], ttftBucket: null },
};
