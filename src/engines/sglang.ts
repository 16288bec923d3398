/**
 * SGLang (https://github.com/sgl-project/sglang): Hugging Face checkpoints, TP and PP, one replica
 * across nodes with --nnodes / --node-rank / --dist-init-addr.
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
 * "Offline quantization loads pre-quantized model weights directly ... there's no need to add
 * --quantization argument when starting the engine. The quantization method will be parsed from the
 * downloaded Hugging Face config" (https://docs.sglang.io/advanced_features/quantization.html), for
 * GPTQ, AWQ, FP8 and compressed-tensors checkpoints; in flight: "To enable fp8 weight quantization,
 * add --quantization fp8 on a fp16 checkpoint" (https://docs.sglang.io/docs/advanced_features/server_arguments).
 */
export const SGLANG_CHECKPOINTS: CheckpointSupport = {
  loads: ["awq", "gptq", "w4a16", "w8a8", "fp8"],
  inFlight: { fp8: "fp8" },
  gguf: null,
  source: "docs.sglang.io advanced_features/quantization and server_arguments",
};

/** The inverse of command(): `python3 -m sglang.launch_server --model-path MODEL ...`. */
export function readSglangLaunch(l: EngineLaunch): LaunchedSettings | { problem: string } {
  if (l.args[0] !== "-m" || l.args[1] !== "sglang.launch_server")
    return { problem: "it does not run `python3 -m sglang.launch_server`" };
  const r = argReader(l.args.slice(2));
  const model = r.text("--model-path");
  const maxModelLen = r.int("--context-length");
  const problem =
    r.problem() ??
    missing([
      ["--model-path", model],
      ["--context-length", maxModelLen],
    ]);
  if (problem) return { problem };
  return {
    modelRef: model!,
    file: null,
    tp: r.int("--tp-size") ?? 1,
    pp: r.int("--pp-size") ?? 1,
    maxModelLen: maxModelLen!,
    kvCacheDtype: (r.text("--kv-cache-dtype") ?? "auto").startsWith("fp8") ? "fp8" : "auto",
    quantization: r.text("--quantization"),
    overrides: {
      gpuMemoryUtilization: r.num("--mem-fraction-static"),
      maxNumSeqs: r.int("--max-running-requests"),
      maxNumBatchedTokens: r.int("--chunked-prefill-size"),
    },
  };
}

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
  supportProblem: hfEngineSupport,
  memory: (req) => vllmMemory(req, "mem_fraction_static"),
  startupLog: null,
  command,
  checkpoints: SGLANG_CHECKPOINTS,
  readLaunch: readSglangLaunch,
  // https://docs.sglang.ai/references/production_metrics.html
  metrics: {
    waiting: "sglang:num_queue_reqs",
    kvUsage: ["sglang:token_usage"],
    ttftBucket: "sglang:time_to_first_token_seconds_bucket",
  },
};
