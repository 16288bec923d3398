/**
 * Ollama (https://github.com/ollama/ollama): GGUF models from its library, served by its llama.cpp
 * runner on one GPU (or a CPU host); no Prometheus endpoint. Its memory model is its scheduler's own
 * estimate (ollama-scheduler.ts): the layers that do not fit on the GPU run on the CPU.
 */
import { imageProblem, type OtherVendorBuilds } from "./hardware.js";
import type { Plan } from "../contract/plan.js";
import { efficiency, LLAMACPP_SHARES, MODEL_DIR, pinnedImageFor, sharedFit, SLOTS } from "./common.js";
import { llamacppMemory, llamacppSettings } from "./llamacpp.js";
import { ollamaSchedule } from "./ollama-scheduler.js";
import type {
  EngineCommand,
  EngineImage,
  EngineModule,
  MemoryPlacement,
  MemoryRequest,
  CheckpointSupport,
  EngineLaunch,
  LaunchedSettings,
} from "./types.js";
import { pinnedOnly } from "./version.js";

const GiB = 1024 ** 3;

/**
 * Ollama has no tensor parallelism; a model too big for one GPU has its layers spread over every GPU
 * the server sees (https://github.com/ollama/ollama/blob/v0.32.15/docs/faq.mdx: "If the model will
 * entirely fit on any single GPU, Ollama will load the model on that GPU ... If the model does not fit
 * entirely on one GPU, then it will be spread across all the available GPUs"). That split is its
 * scheduler's own choice (per GPU free memory, at load time), which ollama-scheduler.ts models for one
 * GPU only: several GPUs are refused rather than sized as something Ollama does not do.
 */
const OLLAMA_ONE_GPU =
  "Ollama is sized on one GPU per replica: with more it spreads layers over all of them by its own " +
  "scheduler (no tensor parallelism), which llmdeploy does not model";

const IMAGE: EngineImage = {
  image: "ollama/ollama:0.32.15",
  version: "0.32.15",
  source: "https://github.com/ollama/ollama/tree/v0.32.15 (tag v0.32.15, 2026-08-19)",
  cuda: {
    version: "12.8",
    minDriver: "550",
    minComputeCapability: 5.0,
    source:
      "https://github.com/ollama/ollama/blob/v0.32.15/docs/gpu.mdx ('Ollama supports Nvidia GPUs with compute capability 5.0+ and driver version 550 and newer'); https://github.com/ollama/ollama/blob/v0.32.15/Dockerfile ('ARG CUDA12VERSION=12.8 ... ARG CUDA13VERSION=13.0')",
  },
  contents: {
    user: "root",
    programs: ["bash", "ollama"],
    source:
      "https://github.com/ollama/ollama/blob/v0.32.15/Dockerfile ('FROM ubuntu:24.04 ... apt-get install -y ca-certificates libvulkan1 libopenblas0', 'ENTRYPOINT [\"/bin/ollama\"]'; no curl, no python)",
  },
};

const MEMORY_MODEL =
  `Ollama ${IMAGE.version}'s scheduler estimate (layers of weights + OLLAMA_CONTEXT_LENGTH × OLLAMA_NUM_PARALLEL KV cache, ` +
  "compute graph, one-layer buffer, 457 MiB; layers that do not fit run on the CPU)";

/**
 * The module's memory model: Ollama's scheduler estimate on a GPU (a placement fits when every layer
 * goes on the GPU), llama.cpp's allocation on a CPU host.
 */
export function ollamaMemory(req: MemoryRequest): MemoryPlacement {
  if (req.device.kind === "cpu") return llamacppMemory(req);
  const slots = req.settings.maxNumSeqs;
  const total = req.device.memoryBytes.value;
  const e = ollamaSchedule({
    arch: req.arch,
    tensors: req.tensors,
    precision: req.precision,
    kvCacheDtype: req.kvCacheDtype,
    totalBytes: total,
    context: req.maxModelLen,
    slots,
    bytesScale: req.bytesScale,
  });
  const reason =
    e.offloadedLayers > 0
      ? `Ollama's scheduler puts ${e.offloadedLayers} of ${e.totalLayers} layers on the CPU (${e.gpuLayers} fit in ${(e.freeBytes / GiB).toFixed(1)} GiB free)`
      : null;
  return {
    perGpu: {
      totalBytes: total,
      budgetBytes: e.freeBytes,
      weightsBytes: e.weightsBytes,
      activationBytes: e.graphBytes + e.visionGraphBytes,
      nonTorchBytes: e.reservedBytes,
      kvCacheBytes: e.kvBytes,
      cudaGraphBytes: 0,
    },
    lines: [
      { label: "total memory", bytes: total },
      { label: "free before loading (total − memory in use)", bytes: e.freeBytes },
      {
        label: `  weights of ${e.gpuLayers}/${e.totalLayers} layers on the GPU (and the vision projector)`,
        bytes: e.weightsBytes,
      },
      {
        label: `  KV cache (${slots} × ${req.maxModelLen} tokens on those layers)`,
        bytes: e.kvBytes,
      },
      { label: `  compute graph (${e.offloadedLayers ? "partial" : "full"} offload)`, bytes: e.graphBytes },
      ...(e.visionGraphBytes
        ? [{ label: "  vision encoder's compute graph", bytes: e.visionGraphBytes }]
        : []),
      { label: "  reserve: one layer as a buffer and 457 MiB minimum", bytes: e.reservedBytes },
    ],
    stages: req.stageWeights,
    kvCacheTokens: req.maxModelLen * slots,
    maxConcurrency: slots,
    fits: reason === null,
    reason,
    offloadedLayers: e.offloadedLayers,
  };
}

/**
 * `ollama serve`, configured by environment (docs/faq.md: OLLAMA_HOST, OLLAMA_NUM_PARALLEL,
 * OLLAMA_CONTEXT_LENGTH, OLLAMA_KEEP_ALIVE); the launch script pulls the model once it serves.
 */
function command(plan: Plan): EngineCommand {
  const e = plan.recommendation.engine;
  return {
    engine: "ollama",
    program: "ollama",
    args: ["serve"],
    env: {
      OLLAMA_HOST: `0.0.0.0:${plan.spec.port}`,
      OLLAMA_MODELS: MODEL_DIR,
      OLLAMA_NUM_PARALLEL: String(e.maxNumSeqs),
      OLLAMA_CONTEXT_LENGTH: String(e.maxModelLen),
      OLLAMA_KEEP_ALIVE: "-1",
      // docs/faq.md at v0.32.15, "How can I set the quantization type for the K/V cache?": the
      // OLLAMA_KV_CACHE_TYPE environment variable (f16, q8_0, q4_0), "Flash Attention must be enabled"
      // first (OLLAMA_FLASH_ATTENTION=1). An 8-bit cache (fp8 in the plan) is q8_0, as sized.
      ...(e.kvCacheDtype === "fp8" ? { OLLAMA_FLASH_ATTENTION: "1", OLLAMA_KV_CACHE_TYPE: "q8_0" } : {}),
    },
    healthPath: "/",
    metricsPath: null,
    usesHfHub: false,
    multiNode: null,
    pullAfterStart: {
      // The resolved tag (a library tag, or hf.co/<repo>:<QUANT>); plans made before 0.2 name none.
      model: plan.recommendation.checkpoint ? e.modelRef : plan.model.id,
      override: "OLLAMA_MODEL",
      ready: ["ollama", "list"],
      pull: ["ollama", "pull"],
    },
    needsScript: true,
    healthCommand: ["ollama", "list"],
    modelFile: null,
  };
}

/**
 * Ollama pulls GGUF models: its library's tags, and any GGUF repository on the Hub: "ollama run
 * hf.co/{username}/{repository}:{quantization}" ("By default, the Q4_K_M quantization scheme is
 * used. To select a different scheme, simply add a tag", https://huggingface.co/docs/hub/ollama).
 */
export const OLLAMA_CHECKPOINTS: CheckpointSupport = {
  loads: ["gguf"],
  inFlight: {},
  gguf: { ref: (g) => ({ modelRef: `hf.co/${g.repo}:${g.quant}`, file: null }), libraryTags: true },
  source: "https://huggingface.co/docs/hub/ollama (hf.co/{username}/{repository}:{quantization})",
};

function envInt(env: Record<string, string>, name: string): number | undefined | null {
  const v = env[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** The inverse of command(): the pulled model and OLLAMA_* settings. */
export function readOllamaLaunch(l: EngineLaunch): LaunchedSettings | { problem: string } {
  if (!l.pullModel) return { problem: "it pulls no model" };
  const ctx = envInt(l.env, "OLLAMA_CONTEXT_LENGTH");
  const slots = envInt(l.env, "OLLAMA_NUM_PARALLEL");
  if (ctx === null || slots === null)
    return { problem: "OLLAMA_CONTEXT_LENGTH and OLLAMA_NUM_PARALLEL must be whole numbers" };
  if (ctx === undefined) return { problem: "no OLLAMA_CONTEXT_LENGTH" };
  return {
    modelRef: l.pullModel,
    file: null,
    tp: 1,
    pp: 1,
    maxModelLen: ctx,
    kvCacheDtype: (l.env.OLLAMA_KV_CACHE_TYPE ?? "f16") === "q8_0" ? "fp8" : "auto",
    quantization: null,
    overrides: { maxNumSeqs: slots ?? SLOTS.defaultMaxSeqs },
    sources: {
      modelRef: { pullModel: true },
      maxModelLen: { env: "OLLAMA_CONTEXT_LENGTH" },
      ...(l.env.OLLAMA_KV_CACHE_TYPE !== undefined ? { kvCacheDtype: { env: "OLLAMA_KV_CACHE_TYPE" } } : {}),
      ...(slots !== undefined ? { maxNumSeqs: { env: "OLLAMA_NUM_PARALLEL" } } : {}),
    },
  };
}

/**
 * Other vendors: AMD GPUs take the ollama/ollama:rocm image
 * (https://github.com/ollama/ollama/blob/main/docs/docker.md, "AMD GPU ... ollama/ollama:rocm").
 */
export const OLLAMA_OTHER_VENDORS: OtherVendorBuilds = {
  amd: "the ollama/ollama:rocm image",
  gaudi: null,
  source: "https://github.com/ollama/ollama/blob/main/docs/docker.md",
};

export const ollama: EngineModule = {
  name: "ollama",
  label: "Ollama",
  image: IMAGE,
  versions: pinnedOnly("Ollama", IMAGE.version),
  imageFor: pinnedImageFor(IMAGE),
  eagerMode: false,
  // An 8-bit cache is OLLAMA_KV_CACHE_TYPE=q8_0 with OLLAMA_FLASH_ATTENTION=1 (command()), sized at
  // 1 byte per element by the scheduler estimate (ollama-scheduler.ts kvElement).
  fp8KvCache: true,
  defaultShare: () => 0.9,
  checkpointFormat: "gguf",
  defaultPort: 11434,
  parallel: {
    tensor: false,
    layersInNode: false,
    multiNode: null,
    maxGpus: 1,
    maxGpusReason: OLLAMA_ONE_GPU,
  },
  efficiency: efficiency(LLAMACPP_SHARES, SLOTS, sharedFit("llama.cpp")),
  memoryModel: MEMORY_MODEL,
  memoryModelFor: () => MEMORY_MODEL,
  settings: (device, o) => ({ ...llamacppSettings(device, o), engineVersion: IMAGE.version }),
  supportProblem: (device) => imageProblem(ollama, OLLAMA_OTHER_VENDORS, device),
  memory: ollamaMemory,
  startupLog: null,
  runsAsNonRoot: true,
  advisories: [],
  cliFlags: {
    flags: [],
    source:
      "https://github.com/ollama/ollama/blob/v0.32.15/docs/faq.md (ollama serve is configured by environment: OLLAMA_HOST, OLLAMA_NUM_PARALLEL, OLLAMA_CONTEXT_LENGTH, OLLAMA_KEEP_ALIVE)",
  },
  command,
  checkpoints: OLLAMA_CHECKPOINTS,
  readLaunch: readOllamaLaunch,
  // A release other than the pinned one is refused (versions: pinnedOnly), so its names are these.
  metricsFor: () => ollama.metrics,
  unmonitored:
    "Ollama serves no Prometheus metrics at 0.32.15: the /metrics endpoint is still an open request " +
    "(https://github.com/ollama/ollama/issues/3144 'add /metrics endpoint', open; the pull requests #16998 and #18508 that add one are open)",
  metrics: null,
};
