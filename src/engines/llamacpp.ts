/**
 * llama.cpp's (llama-server's, and Ollama's) memory per GPU with every layer offloaded (-ngl 999,
 * --split-mode layer over several GPUs). Unlike vLLM it takes only what it needs:
 *
 *   weights  the GGUF tensors of this GPU's layers, the output layer on the last GPU; the token
 *            embedding stays in host memory (llama.cpp's "CPU_Mapped model buffer", e.g. 281.81 MiB
 *            = 128256 × 4096 Q4_K for Llama 3 8B Q4_K_M);
 *   KV       --ctx-size tokens shared by --parallel slots: max-model-len × slots, f16 K and V
 *            (q8_0 with fp8, 34 bytes per 32 values), sliding-window layers capped at their window;
 *   compute  the graph buffer of one micro-batch (n_ubatch 512): f32 logits over the vocabulary plus
 *            the widest f32 activations (the MLP's gate and up), with flash attention (the default on
 *            CUDA), so no n_ctx × n_ubatch score matrix;
 *   context  the CUDA context and cuBLAS workspace, outside llama.cpp's own accounting.
 */
import { imageProblem, type OtherVendorBuilds } from "./hardware.js";
import type { DeviceEntry } from "../catalog/types.js";
import type { Plan } from "../contract/plan.js";
import type { ModelArch } from "../models/arch.js";
import type { Tensor } from "../sizing/inventory.js";
import { type KvCacheDtype, kvBytesForSequence } from "../sizing/kv.js";
import { stageLayers, type StageWeights } from "../sizing/placement.js";
import { tensorBytes, type Precision } from "../sizing/weights.js";
import {
  efficiency,
  FIT,
  LLAMACPP_SHARES,
  MODEL_DIR,
  pinnedImageFor,
  SLOTS,
  argReader,
  missing,
} from "./common.js";
import { pinnedOnly } from "./version.js";
import type {
  CheckpointSupport,
  EngineCommand,
  EngineImage,
  EngineLaunch,
  EngineModule,
  GpuLedger,
  LaunchedSettings,
  MemoryPlacement,
  MemoryRequest,
  RuntimeSettings,
  SettingsOverrides,
} from "./types.js";

const GiB = 1024 ** 3;

export const LLAMACPP_IMAGE: EngineImage = {
  image: "ghcr.io/ggml-org/llama.cpp:server-cuda-b9246",
  // The same build without CUDA (llama.cpp docs/docker.md: the "server" and "server-cuda" images).
  cpuImage: "ghcr.io/ggml-org/llama.cpp:server-b9246",
  version: "b9246",
  source:
    "https://github.com/noonghunna/club-3090/pull/188 ('pin both composes to the validated build server-cuda-b9246 (2026-05-20)')",
  cuda: {
    version: "12.8",
    minDriver: "570",
    minComputeCapability: 5.0,
    source:
      "https://github.com/ggml-org/llama.cpp/blob/00d69466401fcd0adefa36d269861b5efda8a551/.devops/cuda.Dockerfile ('ARG CUDA_VERSION=12.8.1'); CUDA 12.8 GA needs driver >= 570.26; ggml/src/ggml-cuda/CMakeLists.txt builds 50-virtual ... 120a-real below CUDA 13",
  },
  contents: {
    user: "root",
    programs: ["bash", "curl", "/app/llama-server"],
    source:
      "https://github.com/ggml-org/llama.cpp/blob/00d69466401fcd0adefa36d269861b5efda8a551/.devops/cuda.Dockerfile ('apt-get install -y libgomp1 curl', 'COPY --from=build /app/full/llama-server /app', 'ENTRYPOINT [ \"/app/llama-server\" ]'; no python3 in the server target)",
  },
};
/** llama.cpp's default micro-batch (--ubatch-size 512, common/arg.cpp). */
export const LLAMACPP_UBATCH = 512;
/** CUDA context + cuBLAS workspace per GPU (measured outside llama.cpp's log; ~0.3–0.5 GiB). */
export const CUDA_CONTEXT_BYTES = 0.4 * GiB;

export interface LlamacppPlacement {
  gpus: number;
  perGpu: GpuLedger;
  stages: StageWeights[];
  kvCacheTokens: number;
  slots: number;
  fits: boolean;
  reason: string | null;
}

export function llamacppPlacement(args: {
  arch: ModelArch;
  tensors: readonly Tensor[];
  precision: Precision;
  kvCacheDtype: KvCacheDtype;
  gpuMemoryBytes: number;
  gpus: number;
  maxModelLen: number;
  slots: number;
  /** A CPU host: everything, the embedding included, lives in its RAM; no CUDA context. */
  cpu?: boolean;
  /** Stored bytes over the architecture's estimate, when the GGUF file itself was read. */
  bytesScale?: number;
}): LlamacppPlacement {
  const { arch, tensors, precision, gpus, maxModelLen, slots } = args;
  const layerSets = stageLayers(arch.numLayers, gpus);
  const kvScale = args.kvCacheDtype === "fp8" ? 34 / 32 : 1; // q8_0 blocks vs 1 byte per element
  const compute =
    LLAMACPP_UBATCH *
    4 *
    (arch.vocabSize + 2 * Math.max(arch.intermediateSize, arch.moe?.expertIntermediateSize ?? 0));
  let tight: GpuLedger | null = null;
  const stages: StageWeights[] = [];
  let reason: string | null = null;
  layerSets.forEach((layers, i) => {
    const inStage = new Set(layers);
    const last = i === layerSets.length - 1;
    let bytes = 0;
    let experts = 0;
    for (const t of tensors) {
      const here =
        t.layer !== null
          ? inStage.has(t.layer)
          : t.role === "embedding"
            ? Boolean(args.cpu)
            : t.role === "vision"
              ? false
              : last;
      if (!here) continue;
      const b = tensorBytes(t, precision.format, arch.quantization?.skip ?? []);
      bytes += b;
      if (t.role === "expert") experts += b;
    }
    // A tied output layer is a second copy of the embedding on the GPU.
    if (last && arch.tieWordEmbeddings) {
      const emb = tensors.find((t) => t.role === "embedding");
      if (emb) bytes += tensorBytes(emb, precision.format, arch.quantization?.skip ?? []);
    }
    const scale = args.bytesScale ?? 1;
    bytes = Math.round(bytes * scale);
    experts = Math.round(experts * scale);
    stages.push({ layers, bytesPerGpu: bytes, expertBytesPerGpu: experts });
    const kv = Math.round(
      kvBytesForSequence(arch, "auto", maxModelLen, 1, layers) *
        slots *
        (args.kvCacheDtype === "fp8" ? 0.5 * kvScale : 1),
    );
    const context = args.cpu ? 0 : CUDA_CONTEXT_BYTES;
    const used = bytes + kv + compute + context;
    const ledger: GpuLedger = {
      totalBytes: args.gpuMemoryBytes,
      budgetBytes: args.gpuMemoryBytes,
      weightsBytes: bytes,
      activationBytes: compute,
      nonTorchBytes: context,
      kvCacheBytes: kv,
      cudaGraphBytes: 0,
    };
    if (used > args.gpuMemoryBytes && !reason) {
      reason = `${(used / GiB).toFixed(1)} GiB needed on GPU ${i} (weights, ${slots} × ${maxModelLen}-token KV cache, compute buffer), ${(args.gpuMemoryBytes / GiB).toFixed(1)} GiB there`;
    }
    if (
      !tight ||
      used > tight.weightsBytes + tight.kvCacheBytes + tight.activationBytes + tight.nonTorchBytes
    )
      tight = ledger;
  });
  return {
    gpus,
    perGpu: tight!,
    stages,
    kvCacheTokens: maxModelLen * slots,
    slots,
    fits: reason === null,
    reason,
  };
}

/** Prompt tokens per llama-server batch (--batch-size 2048, the default; tools/server/README.md). */
export const LLAMACPP_BATCH = 2048;
/** Most slots llmdeploy gives llama-server (each slot holds a whole context of KV cache). */
export const MAX_SLOTS = 32;

/**
 * Slots (--parallel): one per concurrent request, at most MAX_SLOTS; 4 (llama-server's auto value)
 * under an open loop or when the load is unknown. vLLM-style fields keep vLLM's defaults so plans
 * read the same whatever the engine.
 */
export function llamacppSettings(device: DeviceEntry, o: SettingsOverrides): RuntimeSettings {
  const slots = Math.min(
    MAX_SLOTS,
    o.requestRate ? SLOTS.defaultMaxSeqs : (o.concurrency ?? SLOTS.defaultMaxSeqs),
  );
  return {
    gpuMemoryUtilization: o.gpuMemoryUtilization ?? 0.9,
    blockSize: 16,
    maxNumBatchedTokens: LLAMACPP_BATCH,
    maxNumSeqs: o.maxNumSeqs ?? slots,
    enforceEager: o.enforceEager ?? false,
    cudaGraphsInBudget: true,
    engineVersion: LLAMACPP_IMAGE.version,
  };
  void device;
}

/** The module's memory model: llama.cpp's allocation, layers split over the GPUs of one node. */
export function llamacppMemory(req: MemoryRequest): MemoryPlacement {
  const slots = req.settings.maxNumSeqs;
  const cpu = req.device.kind === "cpu";
  const p = llamacppPlacement({
    arch: req.arch,
    tensors: req.tensors,
    precision: req.precision,
    kvCacheDtype: req.kvCacheDtype,
    gpuMemoryBytes: req.device.memoryBytes.value,
    gpus: req.pp,
    maxModelLen: req.maxModelLen,
    slots,
    cpu,
    bytesScale: req.bytesScale,
  });
  const g = p.perGpu;
  return {
    perGpu: g,
    lines: [
      { label: cpu ? "host memory" : "total memory", bytes: g.totalBytes },
      { label: "  weights", bytes: g.weightsBytes },
      {
        label: `  KV cache (${slots} slot${slots === 1 ? "" : "s"} × ${req.maxModelLen} tokens)`,
        bytes: g.kvCacheBytes,
      },
      { label: `  compute buffer (micro-batch ${LLAMACPP_UBATCH})`, bytes: g.activationBytes },
      ...(cpu ? [] : [{ label: "  CUDA context and cuBLAS workspace", bytes: g.nonTorchBytes }]),
    ],
    stages: p.stages,
    kvCacheTokens: p.kvCacheTokens,
    maxConcurrency: slots,
    fits: p.fits,
    reason: p.reason,
  };
}

/** A model the engine reads from the host's disk (an absolute path), rather than from the Hub. */
export function localModelPath(plan: Plan): string | null {
  const ref = plan.recommendation.engine.modelRef;
  return ref.startsWith("/") ? ref : null;
}

export function ggufFileName(plan: Plan): string {
  const base = (plan.model.hfId ?? plan.model.id).split("/").pop() ?? plan.model.id;
  return `${base.replace(/[^A-Za-z0-9._-]/g, "_")}-${plan.recommendation.precision.toUpperCase()}.gguf`;
}

/**
 * The GGUF file llama.cpp loads when the plan names no published one (plans made before 0.2): the
 * plan's own file when it names one on this host (mounted at the same path), else
 * `<model>-<PRECISION>.gguf` in the model volume, where the README says to put it.
 */
export function ggufPath(plan: Plan): string {
  const local = localModelPath(plan);
  if (local && /\.gguf$/i.test(local)) return local;
  return `${MODEL_DIR}/${ggufFileName(plan)}`;
}

/**
 * How llama-server gets the model: a local .gguf with --model; a published file with
 * `--hf-repo REPO --hf-file FILE` ("-hff, --hf-file FILE  Hugging Face model file. If specified, it
 * will override the quant in --hf-repo", tools/server/README.md), downloaded into LLAMA_CACHE
 * (common.cpp fs_get_cache_directory: `if (getenv("LLAMA_CACHE")) cache_directory =
 * std::getenv("LLAMA_CACHE")`), which is the model volume; else the file a README step copies in.
 */
function modelArgs(plan: Plan): {
  args: string[];
  hub: boolean;
  modelFile: { path: string; name: string } | null;
} {
  const local = localModelPath(plan);
  const ck = plan.recommendation.checkpoint;
  if (local && /\.gguf$/i.test(local)) return { args: ["--model", local], hub: false, modelFile: null };
  if (ck?.repo && ck.file)
    return { args: ["--hf-repo", ck.repo, "--hf-file", ck.file], hub: true, modelFile: null };
  const path = ggufPath(plan);
  return {
    args: ["--model", path],
    hub: false,
    modelFile: local ? null : { path, name: ggufFileName(plan) },
  };
}

/**
 * llama-server (https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md).
 * --ctx-size is shared by the --parallel slots: each slot gets ctx-size / parallel tokens.
 */
function command(plan: Plan): EngineCommand {
  const d = plan.recommendation;
  const e = d.engine;
  const slots = e.maxNumSeqs;
  const url = `http://127.0.0.1:${plan.spec.port}/health`;
  const model = modelArgs(plan);
  const args = [
    ...model.args,
    "--alias",
    e.servedModelName,
    "--host",
    "0.0.0.0",
    "--port",
    String(plan.spec.port),
    "--ctx-size",
    String(e.maxModelLen * slots),
    "--parallel",
    String(slots),
    "--batch-size",
    String(e.maxNumBatchedTokens),
    "--metrics",
  ];
  if (d.deviceKind !== "cpu") args.push("--n-gpu-layers", "999");
  if (d.gpuCount > 1) args.push("--split-mode", "layer");
  if (e.kvCacheDtype === "fp8") args.push("--cache-type-k", "q8_0", "--cache-type-v", "q8_0");
  return {
    engine: "llamacpp",
    program: "/app/llama-server",
    args,
    env: model.hub ? { LLAMA_CACHE: MODEL_DIR } : {},
    healthPath: "/health",
    metricsPath: "/metrics",
    // llama-server reads HF_TOKEN for gated repositories (-hft: "default: value from HF_TOKEN").
    usesHfHub: model.hub,
    multiNode: null,
    pullAfterStart: null,
    needsScript: false,
    // The llama.cpp server images ship curl (their own Dockerfiles' HEALTHCHECK uses it).
    healthCommand: ["curl", "-fsS", "-o", "/dev/null", url],
    modelFile: model.modelFile,
  };
}

/** llama-server loads GGUF files only, as published; it quantizes nothing while loading. */
export const LLAMACPP_CHECKPOINTS: CheckpointSupport = {
  loads: ["gguf"],
  inFlight: {},
  gguf: { ref: (g) => ({ modelRef: g.repo, file: g.file }), libraryTags: false },
  source: "llama.cpp tools/server/README.md (--model, --hf-repo, --hf-file)",
};

/**
 * The inverse of command(). Each of the --parallel slots holds --ctx-size / --parallel tokens; the
 * layers are split over every GPU the container is given (pp: null).
 */
export function readLlamacppLaunch(l: EngineLaunch): LaunchedSettings | { problem: string } {
  const r = argReader(l.args);
  const model = r.text("--hf-repo") ?? r.text("--model");
  const ctx = r.int("--ctx-size");
  const slots = r.int("--parallel") ?? SLOTS.defaultMaxSeqs;
  const problem =
    r.problem() ??
    missing([
      ["--model or --hf-repo", model],
      ["--ctx-size", ctx],
    ]);
  if (problem) return { problem };
  if (ctx! % slots !== 0)
    return { problem: `--ctx-size ${ctx} is not a whole number of --parallel ${slots} slots` };
  return {
    modelRef: model!,
    file: r.text("--hf-file"),
    tp: 1,
    pp: null,
    maxModelLen: ctx! / slots,
    kvCacheDtype: r.text("--cache-type-k") === "q8_0" ? "fp8" : "auto",
    quantization: null,
    overrides: { maxNumSeqs: slots, maxNumBatchedTokens: r.int("--batch-size") },
    // max-model-len is --ctx-size over the slots: the file's --ctx-size is where it is set.
    sources: r.sources({
      modelRef: r.text("--hf-repo") !== null ? "--hf-repo" : "--model",
      file: "--hf-file",
      maxModelLen: "--ctx-size",
      kvCacheDtype: "--cache-type-k",
      maxNumSeqs: "--parallel",
      maxNumBatchedTokens: "--batch-size",
    }),
  };
}

const MEMORY_MODEL =
  "llama.cpp's allocation (weights, --parallel slots × max-model-len of KV cache, compute buffer, CUDA context)";

/** Other vendors: llama.cpp builds for ROCm (HIP) as well (docs/docker.md); llmdeploy pins the CUDA one. */
export const LLAMACPP_OTHER_VENDORS: OtherVendorBuilds = {
  amd: "a ROCm (HIP) build of llama.cpp",
  gaudi: null,
  source: "https://github.com/ggml-org/llama.cpp/blob/master/docs/docker.md",
};

export const llamacpp: EngineModule = {
  name: "llamacpp",
  label: "llama.cpp",
  image: LLAMACPP_IMAGE,
  versions: pinnedOnly("llama.cpp", LLAMACPP_IMAGE.version),
  imageFor: pinnedImageFor(LLAMACPP_IMAGE),
  // llama.cpp takes what it needs; the share is recorded in plans but not passed to it.
  eagerMode: false,
  // --cache-type-k/--cache-type-v q8_0 (command()).
  fp8KvCache: true,
  defaultShare: () => 0.9,
  checkpointFormat: "gguf",
  defaultPort: 8080,
  // --split-mode layer over the GPUs of one machine; no tensor parallel, no multi-node here.
  parallel: { tensor: false, layersInNode: true, multiNode: null, maxGpus: null },
  efficiency: efficiency(LLAMACPP_SHARES, SLOTS, FIT),
  memoryModel: MEMORY_MODEL,
  memoryModelFor: () => MEMORY_MODEL,
  settings: llamacppSettings,
  supportProblem: (device) => imageProblem(llamacpp, LLAMACPP_OTHER_VENDORS, device),
  memory: llamacppMemory,
  startupLog: null,
  runsAsNonRoot: true,
  advisories: [],
  cliFlags: {
    flags: [
      "--model",
      "--hf-repo",
      "--hf-file",
      "--alias",
      "--host",
      "--port",
      "--ctx-size",
      "--parallel",
      "--batch-size",
      "--metrics",
      "--n-gpu-layers",
      "--split-mode",
      "--cache-type-k",
      "--cache-type-v",
    ],
    source: "https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md (llama-server options)",
  },
  command,
  checkpoints: LLAMACPP_CHECKPOINTS,
  readLaunch: readLlamacppLaunch,
  // tools/server/README.md: llamacpp:requests_deferred; the KV cache gauges were removed
  // (ggml-org/llama.cpp#13660, documented in #22879), so there is no KV alert for llama.cpp.
  // A release other than the pinned one is refused (versions: pinnedOnly), so its names are these.
  metricsFor: () => llamacpp.metrics,
  metrics: { waiting: "llamacpp:requests_deferred", kvUsage: [], ttftBucket: null },
};
