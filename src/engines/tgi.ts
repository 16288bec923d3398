/**
 * Hugging Face Text Generation Inference: Hugging Face checkpoints, tensor parallel shards within
 * one node (no pipeline parallelism, no multi-node).
 */
import type { Plan } from "../contract/plan.js";
import {
  applyOverrides,
  argReader,
  efficiency,
  hfEngineSupport,
  missing,
  MODEL_DIR,
  pythonHealthCheck,
  SCHEDULER,
  sharedFit,
  VLLM_SHARES,
} from "./common.js";
import type {
  CheckpointSupport,
  EngineCommand,
  EngineLaunch,
  EngineModule,
  LaunchedSettings,
} from "./types.js";
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
 * text-generation-launcher --quantize: "It is not necessary to specify this option for pre-quantized
 * models, since the quantization method is read from the model configuration", with values awq, gptq,
 * compressed-tensors, ..., "bitsandbytes-nf4: Bitsandbytes 4bit. Can be applied on any model" and
 * "fp8: ... (e4m3) works on H100 and above" (docs/source/reference/launcher.md,
 * https://github.com/huggingface/text-generation-inference/blob/032fc4c4cf2572fdcfa08ae992987ac770267c98/docs/source/reference/launcher.md);
 * "for bits-and-bytes, EETQ and fp8, weights are quantized by TGI on the fly"
 * (https://huggingface.co/docs/text-generation-inference/conceptual/quantization).
 */
export const TGI_CHECKPOINTS: CheckpointSupport = {
  loads: ["awq", "gptq", "w4a16", "w8a8", "fp8"],
  inFlight: { fp8: "fp8", nf4: "bitsandbytes-nf4" },
  gguf: null,
  source: "TGI launcher reference (--quantize) and conceptual/quantization",
};

/** The inverse of command(): text-generation-launcher --model-id MODEL ... */
export function readTgiLaunch(l: EngineLaunch): LaunchedSettings | { problem: string } {
  const r = argReader(l.args);
  const model = r.text("--model-id");
  const maxModelLen = r.int("--max-total-tokens");
  const problem =
    r.problem() ??
    missing([
      ["--model-id", model],
      ["--max-total-tokens", maxModelLen],
    ]);
  if (problem) return { problem };
  return {
    modelRef: model!,
    file: null,
    tp: r.int("--num-shard") ?? 1,
    pp: 1,
    maxModelLen: maxModelLen!,
    kvCacheDtype: (r.text("--kv-cache-dtype") ?? "auto").startsWith("fp8") ? "fp8" : "auto",
    quantization: r.text("--quantize"),
    overrides: {
      gpuMemoryUtilization: r.num("--cuda-memory-fraction"),
      maxNumSeqs: r.int("--max-concurrent-requests"),
      maxNumBatchedTokens: r.int("--max-batch-prefill-tokens"),
    },
  };
}

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
  supportProblem: hfEngineSupport,
  memory: (req) => vllmMemory(req),
  startupLog: null,
  command,
  checkpoints: TGI_CHECKPOINTS,
  readLaunch: readTgiLaunch,
  // https://huggingface.co/docs/text-generation-inference/reference/metrics
  metrics: { waiting: "tgi_queue_size", kvUsage: [], ttftBucket: null },
};
