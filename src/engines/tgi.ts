/**
 * Hugging Face Text Generation Inference: Hugging Face checkpoints, tensor parallel shards within
 * one node (no pipeline parallelism, no multi-node).
 */
import { imageProblem, type OtherVendorBuilds } from "./hardware.js";
import type { Plan } from "../contract/plan.js";
import {
  applyOverrides,
  argReader,
  efficiency,
  hfEngineSupport,
  missing,
  MODEL_DIR,
  pinnedImageFor,
  pythonHealthCheck,
  SCHEDULER,
  sharedFit,
  VLLM_SHARES,
} from "./common.js";
import type {
  EngineCommand,
  EngineImage,
  EngineModule,
  CheckpointSupport,
  EngineLaunch,
  LaunchedSettings,
} from "./types.js";
import { pinnedOnly } from "./version.js";
import { defaultVllmSettings, VLLM, vllmMemory } from "./vllm.js";

const IMAGE: EngineImage = {
  image: "ghcr.io/huggingface/text-generation-inference:3.3.7",
  version: "3.3.7",
  source:
    "https://github.com/huggingface/text-generation-inference/tree/v3.3.7 (tag v3.3.7, 2025-12-18, the last release)",
  cuda: {
    version: "12.4",
    minDriver: "550",
    minComputeCapability: 8.0,
    source:
      "https://github.com/huggingface/text-generation-inference/blob/v3.3.7/Dockerfile ('FROM nvidia/cuda:12.4.0-base-ubuntu22.04', 'ENV TORCH_CUDA_ARCH_LIST=\"8.0;8.6;9.0+PTX\"'); CUDA 12.4 GA needs driver >= 550.54.14",
  },
  contents: {
    user: "root",
    programs: ["bash", "curl", "python3", "text-generation-launcher"],
    source:
      "https://github.com/huggingface/text-generation-inference/blob/v3.3.7/Dockerfile ('ENV LD_LIBRARY_PATH=...:/root/.local/share/uv/python/...', 'ENTRYPOINT [\"/tgi-entrypoint.sh\"]'); as non-root it cannot start: https://github.com/huggingface/text-generation-inference/issues/3082",
  },
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
    sources: r.sources({
      modelRef: "--model-id",
      tp: "--num-shard",
      maxModelLen: "--max-total-tokens",
      kvCacheDtype: "--kv-cache-dtype",
      quantization: "--quantize",
      gpuMemoryUtilization: "--cuda-memory-fraction",
      maxNumSeqs: "--max-concurrent-requests",
      maxNumBatchedTokens: "--max-batch-prefill-tokens",
    }),
  };
}

/** Other vendors: TGI has ROCm and Gaudi builds (not pinned by llmdeploy). */
export const TGI_OTHER_VENDORS: OtherVendorBuilds = {
  amd: "a ROCm build of TGI",
  gaudi: "a Gaudi build of TGI",
  source: "https://huggingface.co/docs/text-generation-inference/installation_amd",
};

export const tgi: EngineModule = {
  name: "tgi",
  label: "TGI",
  image: IMAGE,
  versions: pinnedOnly("TGI", IMAGE.version),
  imageFor: pinnedImageFor(IMAGE),
  eagerMode: true,
  // llmdeploy writes no --kv-cache-dtype for text-generation-launcher (command()).
  fp8KvCache: false,
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
  supportProblem: (device, p) => imageProblem(tgi, TGI_OTHER_VENDORS, device) ?? hfEngineSupport(device, p),
  // vLLM's arithmetic at vLLM's pinned release stands in for TGI's own.
  memory: (req) => vllmMemory({ ...req, settings: { ...req.settings, engineVersion: VLLM.version } }),
  startupLog: null,
  runsAsNonRoot: false,
  advisories: [
    "TGI is in maintenance mode upstream (https://github.com/huggingface/text-generation-inference/blob/v3.3.7/README.md: 'text-generation-inference is now in maintenance mode'): only minor fixes land; prefer vLLM or SGLang for new deployments",
    "TGI's image only runs as root (its Python lives under /root, huggingface/text-generation-inference#3082): the deployment runs it as root",
  ],
  cliFlags: {
    flags: [
      "--model-id",
      "--hostname",
      "--port",
      "--num-shard",
      "--max-total-tokens",
      "--max-input-tokens",
      "--max-concurrent-requests",
      "--max-batch-prefill-tokens",
      "--quantize",
      "--cuda-graphs",
    ],
    source:
      "https://huggingface.co/docs/text-generation-inference/reference/launcher (text-generation-launcher arguments)",
  },
  command,
  checkpoints: TGI_CHECKPOINTS,
  readLaunch: readTgiLaunch,
  // https://huggingface.co/docs/text-generation-inference/reference/metrics
  // A release other than the pinned one is refused (versions: pinnedOnly), so its names are these.
  metricsFor: () => tgi.metrics,
  metrics: { waiting: "tgi_queue_size", kvUsage: [], ttftBucket: null },
};
