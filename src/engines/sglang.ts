/**
 * SGLang (https://github.com/sgl-project/sglang): Hugging Face checkpoints, TP and PP, one replica
 * across nodes with --nnodes / --node-rank / --dist-init-addr.
 *
 * Memory (python/sglang/srt/server_args.py): "mem_fraction_static is defined as (model weights + KV
 * cache pool) / GPU memory capacity, or equivalently, mem_fraction_static = (GPU memory capacity -
 * activations - cuda graph buffers) / GPU memory capacity". So the KV pool is mem_fraction_static ×
 * total − weights, and activations and CUDA graphs live in the rest, outside it. When the flag is not
 * given SGLang works the fraction out from the GPU's memory and the split (sglangDefaults).
 */
import { imageProblem, type OtherVendorBuilds } from "./hardware.js";
import type { DeviceEntry } from "../catalog/types.js";
import type { Plan } from "../contract/plan.js";
import { kvBytesForSequence, kvBytesPerTokenPerLayer } from "../sizing/kv.js";
import { stageLayers } from "../sizing/placement.js";
import {
  argReader,
  efficiency,
  hfEngineSupport,
  missing,
  MODEL_DIR,
  pinnedImageFor,
  pythonHealthCheck,
  SCHEDULER,
  SGLANG_SHARES,
  FIT,
} from "./common.js";
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
import { pinnedOnly } from "./version.js";
import { defaultVllmSettings } from "./vllm.js";

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

const SERVER_ARGS =
  "https://github.com/sgl-project/sglang/blob/001067fffe33427bee0ed2f007fb7551a1d76b44/python/sglang/srt/server_args.py";

/**
 * SGLang's defaults by GPU memory (server_args.py at 001067ff): [below this many GiB, chunked_prefill_size,
 * cuda_graph_max_bs with tp < 4, with tp ≥ 4]. "<20 GiB (T4, 4080): 2048, 8"; "<35 GiB (A10, 4090,
 * 5090): 2048, 24 if tp<4 else 80"; "<60 GiB (A100-40G, L40): 4096, 32 if tp<4 else 160"; "<90 GiB
 * (H100, A100-80G): 8192, 256 if tp<4 else 512"; "<160 GiB (H20, H200): 8192, 256 if tp<4 else 512";
 * ">=160 GiB (B200, MI300): 16384, 512".
 */
export const SGLANG_TIERS: readonly [number, number, number, number][] = [
  [20, 2048, 8, 8],
  [35, 2048, 24, 80],
  [60, 4096, 32, 160],
  [90, 8192, 256, 512],
  [160, 8192, 256, 512],
  [Infinity, 16384, 512, 512],
];

export interface SglangDefaults {
  memFractionStatic: number;
  chunkedPrefillSize: number;
  cudaGraphMaxBs: number;
  /** What SGLang keeps outside mem_fraction_static, MiB. */
  reservedMiB: number;
  /** Of it, the CUDA graph reserve (reserve_for_graph_mb), MiB. */
  graphMiB: number;
}

/**
 * SGLang's default mem_fraction_static for a GPU of `gpuBytes` and a tp × pp split, all in MiB as the
 * code counts (server_args.py: "reserved_mem = 512", "reserved_mem += activation_tokens * 1.5",
 * "reserved_mem += cfg.tp_size * cfg.pp_size / 8 * 1024", "reserved_mem += self.reserve_for_graph_mb()",
 * "if gpu_mem is not None and gpu_mem > 60 * 1024: reserved_mem = max(reserved_mem, 10 * 1024)",
 * "round((gpu_mem - reserved_mem) / gpu_mem, 3)"). activation_tokens is max(chunked_prefill_size,
 * 2048); reserve_for_graph_mb is cuda_graph_max_bs × 2 for decode graphs. Not modelled: data-parallel
 * attention, piecewise prefill graphs, DeepEP buffers and the vision-model adjustment, which add to it.
 */
export function sglangDefaults(gpuBytes: number, tp: number, pp: number): SglangDefaults {
  const gpuMiB = gpuBytes / MiB;
  const tier = SGLANG_TIERS.find(([below]) => gpuMiB < below * 1024)!;
  const chunkedPrefillSize = tier[1];
  const cudaGraphMaxBs = tp < 4 ? tier[2] : tier[3];
  const graphMiB = cudaGraphMaxBs * 2;
  let reservedMiB = 512 + Math.max(chunkedPrefillSize, 2048) * 1.5 + ((tp * pp) / 8) * 1024 + graphMiB;
  if (gpuMiB > 60 * 1024) reservedMiB = Math.max(reservedMiB, 10 * 1024);
  return {
    memFractionStatic: Math.round(((gpuMiB - reservedMiB) / gpuMiB) * 1000) / 1000,
    chunkedPrefillSize,
    cudaGraphMaxBs,
    reservedMiB,
    graphMiB,
  };
}

const IMAGE: EngineImage = {
  image: "lmsysorg/sglang:v0.5.20",
  version: "0.5.20",
  source:
    "https://github.com/aws/deep-learning-containers/pull/6772 ('upstream v0.5.20 released 2026-09-18'); tag scheme lmsysorg/sglang:vX.Y.Z per https://github.com/sgl-project/sglang/pull/10671",
  cuda: {
    version: "13.0",
    minDriver: "580",
    minComputeCapability: 7.5,
    source:
      "https://github.com/gpustack/gpustack/issues/5285 (SGLang v0.5.11 release notes: 'Default CUDA version moves to 13.0 across SGLang, sgl-kernel, and Docker images'); CUDA 13 has no Volta kernels (CUDA 13.0 release notes)",
  },
  contents: {
    user: "root",
    programs: ["bash", "curl", "python3"],
    source:
      "https://github.com/sgl-project/sglang/blob/004740a9cb3dbf6153455fb38b447021e3e07236/docker/Dockerfile ('apt install python3.12-full ... curl wget'; no USER; v0.5.5-era)",
  },
};

/**
 * SGLang's settings: --mem-fraction-static from its own formula for this GPU and split (or the user's
 * share), --chunked-prefill-size from its tier; running requests as vLLM's defaults (llmdeploy passes
 * --max-running-requests explicitly).
 */
export function sglangSettings(device: DeviceEntry, o: SettingsOverrides): RuntimeSettings {
  const d = sglangDefaults(device.memoryBytes.value, o.tp ?? 1, o.pp ?? 1);
  const v = defaultVllmSettings(device.memoryBytes.value, device.name);
  return {
    gpuMemoryUtilization: o.gpuMemoryUtilization ?? d.memFractionStatic,
    blockSize: 1,
    maxNumBatchedTokens: o.maxNumBatchedTokens ?? d.chunkedPrefillSize,
    maxNumSeqs: o.maxNumSeqs ?? v.maxNumSeqs,
    enforceEager: o.enforceEager ?? false,
    cudaGraphsInBudget: false,
    engineVersion: IMAGE.version,
  };
}

/**
 * SGLang's KV pool per GPU: mem_fraction_static × total − weights (the tightest pipeline stage), in
 * tokens of one page (page_size 1 by default). What is left outside the fraction is SGLang's reserve
 * for activations and CUDA graphs, shown as such.
 */
export function sglangMemory(req: MemoryRequest): MemoryPlacement {
  const { arch, settings: s, tp } = req;
  const total = req.device.memoryBytes.value;
  const f = s.gpuMemoryUtilization;
  const budget = f * total;
  const graphs = s.enforceEager ? 0 : sglangDefaults(total, tp, req.pp).graphMiB * MiB;
  const perLayer = kvBytesPerTokenPerLayer(arch, req.kvCacheDtype, tp);
  const layerSets = stageLayers(arch.numLayers, req.pp);
  const stages = req.stageWeights.map((st, i) => {
    const pool = budget - st.bytesPerGpu;
    const layers = layerSets[i]!;
    const tokens = pool > 0 ? Math.floor(pool / (perLayer * layers.length)) : 0;
    return { st, pool, layers, tokens };
  });
  const tight = stages.reduce((a, b) => (b.tokens < a.tokens ? b : a));
  const perGpu: GpuLedger = {
    totalBytes: total,
    budgetBytes: Math.floor(budget),
    weightsBytes: tight.st.bytesPerGpu,
    activationBytes: Math.max(0, Math.round(total - budget - graphs)),
    nonTorchBytes: 0,
    kvCacheBytes: Math.floor(tight.pool),
    cudaGraphBytes: graphs,
  };
  const seq = kvBytesForSequence(arch, req.kvCacheDtype, req.maxModelLen, tp, tight.layers);
  const maxConcurrency =
    seq > 0 ? Math.floor(((tight.tokens * perLayer * tight.layers.length) / seq) * 100) / 100 : 0;
  const reason =
    tight.pool <= 0
      ? `the weights (${(tight.st.bytesPerGpu / GiB).toFixed(1)} GiB) exceed mem_fraction_static ${f} × the GPU's memory`
      : maxConcurrency < 1
        ? `the KV pool holds ${tight.tokens} tokens, less than one sequence of ${req.maxModelLen}`
        : null;
  return {
    perGpu,
    lines: [
      { label: "total memory", bytes: total },
      { label: `mem_fraction_static ${f} (weights + KV pool)`, bytes: perGpu.budgetBytes },
      { label: "  weights", bytes: perGpu.weightsBytes },
      { label: "  KV cache pool", bytes: perGpu.kvCacheBytes },
      { label: "outside it: activations (SGLang's reserve)", bytes: perGpu.activationBytes },
      {
        label: s.enforceEager
          ? "outside it: CUDA graphs (none: --disable-cuda-graph)"
          : "outside it: CUDA graphs",
        bytes: perGpu.cudaGraphBytes,
      },
    ],
    stages: req.stageWeights,
    kvCacheTokens: tight.tokens,
    maxConcurrency,
    fits: reason === null,
    reason,
  };
}

/** Port SGLang's nodes meet on (`--dist-init-addr head:PORT`). */
export const SGLANG_DIST_PORT = 5000;

/** https://docs.sglang.ai/advanced_features/server_arguments.html */
function command(plan: Plan): EngineCommand {
  const d = plan.recommendation;
  const e = d.engine;
  // Every node: --nnodes, --node-rank and --dist-init-addr <first node>:<port> (server_args.py;
  // LeaderWorkerSet's SGLang example passes $(LWS_LEADER_ADDRESS):20000, $(LWS_WORKER_INDEX)).
  const multiNode =
    d.nodes > 1
      ? {
          nodes: d.nodes,
          rankFlag: "--node-rank",
          leaderFlag: "--dist-init-addr",
          port: SGLANG_DIST_PORT,
          portFlag: null,
          followerFlags: [],
        }
      : null;
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
  if (e.enforceEager === true) args.push("--disable-cuda-graph");
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
  const r = argReader(l.args.slice(2), 2);
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
    sources: r.sources({
      modelRef: "--model-path",
      tp: "--tp-size",
      pp: "--pp-size",
      maxModelLen: "--context-length",
      kvCacheDtype: "--kv-cache-dtype",
      quantization: "--quantization",
      gpuMemoryUtilization: "--mem-fraction-static",
      maxNumSeqs: "--max-running-requests",
      maxNumBatchedTokens: "--chunked-prefill-size",
    }),
  };
}

/** Other vendors: SGLang publishes ROCm and Gaudi builds separately (not pinned by llmdeploy). */
export const SGLANG_OTHER_VENDORS: OtherVendorBuilds = {
  amd: "a ROCm build of SGLang",
  gaudi: "a Gaudi build of SGLang",
  source: "https://docs.sglang.ai/platforms/amd_gpu.html",
};

export const sglang: EngineModule = {
  name: "sglang",
  label: "SGLang",
  image: IMAGE,
  versions: pinnedOnly("SGLang", IMAGE.version),
  imageFor: pinnedImageFor(IMAGE),
  eagerMode: true,
  // --kv-cache-dtype fp8_e4m3 (command()).
  fp8KvCache: true,
  defaultShare: () => null,
  checkpointFormat: "safetensors",
  defaultPort: 8000,
  parallel: { tensor: true, layersInNode: true, multiNode: "native", maxGpus: null },
  efficiency: efficiency(SGLANG_SHARES, SCHEDULER, FIT),
  memoryModel: `SGLang ${IMAGE.version}: mem_fraction_static × total = weights + KV pool; activations and CUDA graphs outside it (${SERVER_ARGS})`,
  memoryModelFor: () =>
    `SGLang ${IMAGE.version}: mem_fraction_static × total = weights + KV pool; activations and CUDA graphs outside it (${SERVER_ARGS})`,
  settings: sglangSettings,
  supportProblem: (device, p) =>
    imageProblem(sglang, SGLANG_OTHER_VENDORS, device) ?? hfEngineSupport(device, p),
  memory: sglangMemory,
  startupLog: null,
  runsAsNonRoot: true,
  advisories: [],
  cliFlags: {
    flags: [
      "--model-path",
      "--served-model-name",
      "--host",
      "--port",
      "--tp-size",
      "--pp-size",
      "--context-length",
      "--mem-fraction-static",
      "--max-running-requests",
      "--chunked-prefill-size",
      "--enable-metrics",
      "--kv-cache-dtype",
      "--quantization",
      "--dtype",
      "--disable-cuda-graph",
      "--nnodes",
      "--node-rank",
      "--dist-init-addr",
    ],
    source:
      "https://docs.sglang.ai/advanced_features/server_arguments.html; --nnodes, --node-rank, --dist-init-addr in python/sglang/srt/server_args.py (https://github.com/kubernetes-sigs/lws docs/examples/sglang/lws.yaml passes them)",
  },
  command,
  checkpoints: SGLANG_CHECKPOINTS,
  readLaunch: readSglangLaunch,
  // https://docs.sglang.ai/references/production_metrics.html
  // A release other than the pinned one is refused (versions: pinnedOnly), so its names are these.
  metricsFor: () => sglang.metrics,
  metrics: {
    waiting: "sglang:num_queue_reqs",
    kvUsage: ["sglang:token_usage"],
    ttftBucket: "sglang:time_to_first_token_seconds_bucket",
  },
};
