/**
 * vLLM's memory budget, per GPU, as the V1 engine computes it at start-up:
 *
 *   requested  = gpu_memory_utilization × total GPU memory
 *   available  = requested − weights − peak activation (profile run) − non-torch memory increase
 *   KV blocks  = available ÷ (bytes of one block across this GPU's layers)
 *   KV tokens  = blocks × block_size
 *
 * Since vLLM 0.21 the CUDA graph pool is estimated during profiling and subtracted too
 * (VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS, on by default); `cudaGraphsInBudget: false` models the
 * older engines, where graphs were captured after the KV cache, on top of the budget. What changes
 * between releases (defaults, the sampler's temporaries, where graphs go) comes from vllm-versions.ts
 * through `vllmBehaviour(version)`; V0 (before 0.8) sizes its cache by the same arithmetic.
 */
import type { DeviceEntry } from "../catalog/types.js";
import type { Plan } from "../contract/plan.js";
import type { ModelArch } from "../models/arch.js";
import type { Tensor } from "../sizing/inventory.js";
import { type KvCacheDtype, kvBytesForSequence, kvBytesPerTokenPerLayer } from "../sizing/kv.js";
import { type StageWeights, stageLayers, weightsPerStage } from "../sizing/placement.js";
import type { Precision } from "../sizing/weights.js";
import {
  applyOverrides,
  argReader,
  budgetLines,
  efficiency,
  FIT,
  hfEngineSupport,
  missing,
  MODEL_DIR,
  pythonHealthCheck,
  SCHEDULER,
  VLLM_SHARES,
} from "./common.js";
import { VLLM_PINNED } from "./vllm-versions.js";
import type {
  CheckpointSupport,
  EngineCommand,
  EngineImage,
  EngineLaunch,
  EngineModule,
  GpuLedger,
  LaunchedSettings,
  MemoryOverheads,
  MemoryPlacement,
  MemoryRequest,
  RuntimeSettings,
} from "./types.js";

import {
  activationPeakBytes,
  cudaGraphBytes,
  defaultVllmSettings,
  effectiveBlockSize,
  VLLM,
  VLLM_RANGE,
  vllmBehaviour,
} from "./vllm-profile.js";

export {
  activationPeakBytes,
  cudaGraphBytes,
  defaultVllmSettings,
  effectiveBlockSize,
  forwardPeakBytes,
  samplerPeakBytes,
  VLLM,
  VLLM_RANGE,
  type VllmBehaviour,
  vllmBehaviour,
  type VllmSettings,
} from "./vllm-profile.js";

/**
 * vLLM's "GPU KV cache size": whole blocks of `blockSize` tokens, one block holding those tokens for
 * every attention layer on this GPU.
 */
export function kvTokensForBytes(
  arch: ModelArch,
  dtype: KvCacheDtype,
  tp: number,
  layersOnGpu: number,
  blockSize: number,
  bytes: number,
): number {
  const blockBytes = blockSize * kvBytesPerTokenPerLayer(arch, dtype, tp) * layersOnGpu;
  return bytes > 0 ? Math.floor(bytes / blockBytes) * blockSize : 0;
}

export interface VllmPlacement {
  tp: number;
  pp: number;
  /** The tightest GPU (the pipeline stage with the fewest KV tokens). */
  perGpu: GpuLedger;
  /** Per pipeline stage. */
  stages: { layers: number; perGpu: GpuLedger; kvCacheTokens: number }[];
  /** Tokens of KV cache (vLLM's "GPU KV cache size"): the minimum over stages. */
  kvCacheTokens: number;
  /** Bytes of KV one full sequence of maxModelLen needs across the model. */
  kvBytesPerSequence: number;
  /** Sequences of maxModelLen that fit at once (vLLM's "Maximum concurrency"). */
  maxConcurrency: number;
  fits: boolean;
  /** Why it does not fit, when it does not. */
  reason: string | null;
}

/** vLLM's per-GPU memory ledger and KV capacity for one placement. */
export function vllmPlacement(args: {
  arch: ModelArch;
  tensors: readonly Tensor[];
  precision: Precision;
  skip: readonly string[];
  kvCacheDtype: KvCacheDtype;
  gpuMemoryBytes: number;
  tp: number;
  pp: number;
  maxModelLen: number;
  settings: RuntimeSettings;
  /** Precomputed weightsPerStage for this TP/PP (the same for every GPU type); computed when absent. */
  stageWeights?: StageWeights[];
  /** The GPU's compute capability: MLA backends force their block size on Hopper and Blackwell. */
  computeCapability?: number | undefined;
  /** Non-torch and CUDA graph memory measured on the deployment (a calibration profile). */
  overheads?: MemoryOverheads | undefined;
}): VllmPlacement {
  const { arch, tp, pp, settings: s } = args;
  const stagesW = args.stageWeights ?? weightsPerStage(arch, args.tensors, args.precision, tp, pp, args.skip);
  const layerSets = stageLayers(arch.numLayers, pp);
  const perLayer = kvBytesPerTokenPerLayer(arch, args.kvCacheDtype, tp);
  const nonTorch = args.overheads?.nonTorchBytes ?? VLLM.nonTorchBytes;
  const graphs = s.enforceEager ? 0 : (args.overheads?.cudaGraphBytes ?? cudaGraphBytes(s));
  const budget = s.gpuMemoryUtilization * args.gpuMemoryBytes;
  const block = effectiveBlockSize(arch, s, args.computeCapability);
  const stages = stagesW.map((st, i) => {
    const layers = layerSets[i]!;
    // Only the last pipeline stage computes logits and runs the dummy sampler.
    const activation = activationPeakBytes(arch, tp, s, i === stagesW.length - 1);
    const kv = budget - st.bytesPerGpu - activation - nonTorch - (s.cudaGraphsInBudget ? graphs : 0);
    const ledger: GpuLedger = {
      totalBytes: args.gpuMemoryBytes,
      budgetBytes: Math.floor(budget),
      weightsBytes: st.bytesPerGpu,
      activationBytes: Math.round(activation),
      nonTorchBytes: nonTorch,
      kvCacheBytes: Math.floor(kv),
      cudaGraphBytes: Math.round(graphs),
    };
    return {
      layers: layers.length,
      perGpu: ledger,
      kvCacheTokens: kvTokensForBytes(arch, args.kvCacheDtype, tp, layers.length, block, kv),
      layerIdx: layers,
    };
  });
  const tight = stages.reduce((a, b) => (b.kvCacheTokens < a.kvCacheTokens ? b : a));
  const kvBytesPerSequence = kvBytesForSequence(arch, args.kvCacheDtype, args.maxModelLen, tp);
  // Concurrency: how many sequences' KV fit in the pool of the tightest stage. Sliding-window
  // layers need only their window per sequence.
  const seqBytesTight = kvBytesForSequence(arch, args.kvCacheDtype, args.maxModelLen, tp, tight.layerIdx);
  const poolBytes = tight.kvCacheTokens * perLayer * tight.layers;
  const maxConcurrency = seqBytesTight > 0 ? poolBytes / seqBytesTight : 0;
  let reason: string | null = null;
  if (tight.perGpu.kvCacheBytes <= 0) {
    reason = "weights and activations exceed the memory budget";
  } else if (maxConcurrency < 1) {
    reason = `the KV cache holds ${tight.kvCacheTokens} tokens, less than one sequence of ${args.maxModelLen}`;
  } else if (
    !s.cudaGraphsInBudget &&
    tight.perGpu.budgetBytes + tight.perGpu.cudaGraphBytes > args.gpuMemoryBytes
  ) {
    reason = "CUDA graphs do not fit beside the budget; lower --gpu-memory-utilization";
  }
  return {
    tp,
    pp,
    perGpu: tight.perGpu,
    stages: stages.map(({ layers, perGpu, kvCacheTokens }) => ({ layers, perGpu, kvCacheTokens })),
    kvCacheTokens: tight.kvCacheTokens,
    kvBytesPerSequence,
    maxConcurrency: Math.floor(maxConcurrency * 100) / 100,
    fits: reason === null,
    reason,
  };
}

/** The module's memory model: vLLM's budget for one placement, in its own terms. */
export function vllmMemory(req: MemoryRequest, budgetName = "gpu_memory_utilization"): MemoryPlacement {
  const p = vllmPlacement({
    arch: req.arch,
    tensors: req.tensors,
    precision: req.precision,
    skip: req.skip,
    kvCacheDtype: req.kvCacheDtype,
    gpuMemoryBytes: req.device.memoryBytes.value,
    tp: req.tp,
    pp: req.pp,
    maxModelLen: req.maxModelLen,
    settings: req.settings,
    stageWeights: req.stageWeights,
    computeCapability: req.device.computeCapability,
    overheads: req.overheads,
  });
  const s = req.settings;
  const rows = Math.min(s.maxNumSeqs, s.maxNumBatchedTokens);
  return {
    perGpu: p.perGpu,
    lines: budgetLines(
      p.perGpu,
      s,
      budgetName,
      `activation peak (${s.maxNumBatchedTokens} batched tokens; sampler over ${rows} sequences)`,
    ),
    stages: req.stageWeights,
    kvCacheTokens: p.kvCacheTokens,
    maxConcurrency: p.maxConcurrency,
    fits: p.fits,
    reason: p.reason,
    blockSize: effectiveBlockSize(req.arch, s, req.device.computeCapability),
  };
}

/**
 * `vllm serve` with every setting from the plan (https://docs.vllm.ai/en/stable/cli/serve.html).
 * Flags are the current ones of the releases since 0.18, which dropped `--swap-space`
 * (vllm-project/vllm#36216) and `--disable-log-requests`; neither is ever written.
 */
/** Port the nodes of a multi-node vLLM replica meet on, at the first node (--master-port). */
export const VLLM_MASTER_PORT = 29501;

function command(plan: Plan): EngineCommand {
  const d = plan.recommendation;
  const e = d.engine;
  // Multi-node without Ray (the vllm/vllm-openai images have not shipped Ray since 0.19.1:
  // https://github.com/ai-dynamo/dynamo/pull/8515 "vLLM 0.19.1 removed ray from its dependency
  // graph"): vLLM's own launcher, https://github.com/vllm-project/vllm/pull/23691 "vllm serve ...
  // --nnodes <# nodes> --node-rank <rank of node> --master-addr <leader_host_ip> [--master-port <port>]
  // [--headless (if not exposing API endpoint)]".
  const multiNode =
    d.nodes > 1
      ? {
          nodes: d.nodes,
          rankFlag: "--node-rank",
          leaderFlag: "--master-addr",
          port: VLLM_MASTER_PORT,
          portFlag: "--master-port",
          followerFlags: ["--headless"],
        }
      : null;
  const args = [
    "serve",
    e.modelRef,
    "--served-model-name",
    e.servedModelName,
    "--host",
    "0.0.0.0",
    "--port",
    String(plan.spec.port),
    "--tensor-parallel-size",
    String(d.tensorParallel),
    "--pipeline-parallel-size",
    String(d.pipelineParallel),
    "--max-model-len",
    String(e.maxModelLen),
    "--gpu-memory-utilization",
    String(e.gpuMemoryUtilization),
    "--max-num-seqs",
    String(e.maxNumSeqs),
    "--max-num-batched-tokens",
    String(e.maxNumBatchedTokens),
    "--block-size",
    String(e.blockSize),
  ];
  if (e.kvCacheDtype === "fp8") args.push("--kv-cache-dtype", "fp8");
  if (e.quantization) args.push("--quantization", e.quantization);
  if (e.dtype === "half") args.push("--dtype", "half");
  // Plans written before the field existed have none: CUDA graphs on, as vLLM's default.
  if (e.enforceEager === true) args.push("--enforce-eager");
  if (multiNode) args.push("--nnodes", String(d.nodes));
  const url = `http://127.0.0.1:${plan.spec.port}/health`;
  return {
    engine: "vllm",
    program: "vllm",
    args,
    env: { HF_HOME: MODEL_DIR },
    healthPath: "/health",
    metricsPath: "/metrics",
    usesHfHub: true,
    multiNode,
    pullAfterStart: null,
    needsScript: multiNode !== null,
    healthCommand: pythonHealthCheck(url),
    modelFile: null,
  };
}

/** One line naming vLLM's budget at a release, as it treats CUDA graphs and the sampler there. */
export function vllmMemoryModel(version: string): string {
  const b = vllmBehaviour(version);
  const graphs = b.cudaGraphsInBudget ? " − CUDA graphs" : "; CUDA graphs on top of the budget";
  return (
    `vLLM ${version} (${b.engine}) budget (gpu_memory_utilization × total − weights − activation peak − non-torch${graphs}; ` +
    `sampler: ${b.sampler.path}, ${b.sampler.bytesPerLogit} bytes per vocabulary entry per sequence)`
  );
}

/**
 * The official image of a release (https://hub.docker.com/r/vllm/vllm-openai/tags: every release is
 * tagged vX.Y.Z).
 */
export function vllmImage(version: string): string {
  return `vllm/vllm-openai:v${version}`;
}

/** The pinned image, what it needs of the host and what it contains. */
const VLLM_IMAGE: EngineImage = {
  image: vllmImage(VLLM_PINNED),
  version: VLLM_PINNED,
  source: VLLM.source,
  cuda: {
    version: "13.0",
    minDriver: "580",
    minComputeCapability: 7.5,
    source:
      "https://github.com/vllm-project/vllm/issues/42738 ('After v0.20.0, default wheel/docker nightly version is cu130'); CUDA 13.0 GA needs driver >= 580.65.06 (CUDA 13.1 release notes); https://github.com/vllm-project/vllm/pull/39878 (arch list '7.5 8.0 8.6 8.9 9.0 10.0 12.0', sm70 removed with the CUDA 13 switch)",
  },
  contents: {
    user: "root",
    programs: ["bash", "curl", "python3", "vllm"],
    source:
      "https://github.com/vllm-project/vllm/blob/dead20baf70df70580ecb093f82b0b7b8676e4f5/docker/Dockerfile ('apt-get install -y ... git curl wget sudo vim python3-pip' ... 'ENTRYPOINT [\"vllm\", \"serve\"]'); no ray since 0.19.1 (https://github.com/ai-dynamo/dynamo/pull/8515)",
  },
};

/**
 * What `vllm serve` loads: the method is read from a checkpoint's quantization_config ("If `None`, we
 * first check the `quantization_config` attribute in the model config file", ModelConfig.quantization,
 * https://github.com/Yuran-7/vllm-0.11/blob/2665d4910d814b0affde789ac16e4d4a3bcb4da9/vllm/config/model.py#L173),
 * among them awq, gptq, compressed-tensors (W4A16, W8A8, FP8), fp8 and bitsandbytes
 * (QuantizationMethods, vllm/model_executor/layers/quantization/__init__.py#L9 of the same tree).
 * In flight: "vllm serve meta-llama/Llama-3.1-8B --quantization fp8_per_tensor" ("fp8_e4m3 data, fp32
 * per-tensor scale", https://docs.vllm.ai/en/v0.20.0/features/quantization/online/), and "Append the
 * following to your model arguments for 4bit inflight quantization: --quantization bitsandbytes"
 * (docs/features/quantization/bnb.md,
 * https://github.com/vllm-project/vllm/blob/03c1ab5320abc4acd19c2ed16c4fc6aa4b129e8d/docs/features/quantization/bnb.md).
 */
export const VLLM_CHECKPOINTS: CheckpointSupport = {
  loads: ["awq", "gptq", "w4a16", "w8a8", "fp8", "bnb-nf4"],
  inFlight: { fp8: "fp8_per_tensor", nf4: "bitsandbytes" },
  gguf: null,
  source:
    "vLLM ModelConfig.quantization and QuantizationMethods (v0.11); docs features/quantization/online (v0.20) and bnb.md",
};

/** The inverse of command(): `vllm serve MODEL` and its flags. */
export function readVllmLaunch(l: EngineLaunch): LaunchedSettings | { problem: string } {
  const [verb, model] = l.args;
  if (verb !== "serve" || !model || model.startsWith("-"))
    return { problem: "it does not run `vllm serve MODEL`" };
  const r = argReader(l.args.slice(2));
  const maxModelLen = r.int("--max-model-len");
  const gone = missing([["--max-model-len", maxModelLen]]);
  const problem = r.problem() ?? gone;
  if (problem) return { problem };
  return {
    modelRef: model,
    file: null,
    tp: r.int("--tensor-parallel-size") ?? 1,
    pp: r.int("--pipeline-parallel-size") ?? 1,
    maxModelLen: maxModelLen!,
    kvCacheDtype: (r.text("--kv-cache-dtype") ?? "auto").startsWith("fp8") ? "fp8" : "auto",
    quantization: r.text("--quantization"),
    overrides: {
      gpuMemoryUtilization: r.num("--gpu-memory-utilization"),
      maxNumSeqs: r.int("--max-num-seqs"),
      maxNumBatchedTokens: r.int("--max-num-batched-tokens"),
    },
  };
}

export const vllm: EngineModule = {
  name: "vllm",
  label: "vLLM",
  image: VLLM_IMAGE,
  versions: VLLM_RANGE,
  imageFor: (version) => vllmImage(version),
  eagerMode: true,
  defaultShare: (version) => vllmBehaviour(version).gpuMemoryUtilization,
  checkpointFormat: "safetensors",
  defaultPort: 8000,
  parallel: { tensor: true, layersInNode: true, multiNode: "native", maxGpus: null },
  efficiency: efficiency(VLLM_SHARES, SCHEDULER, FIT),
  memoryModel: vllmMemoryModel(VLLM_PINNED),
  memoryModelFor: vllmMemoryModel,
  settings: (device: DeviceEntry, o) =>
    applyOverrides(
      defaultVllmSettings(device.memoryBytes.value, device.name, {
        version: o.engineVersion,
        maxModelLen: o.maxModelLen,
        entryPoint: o.entryPoint,
      }),
      o,
    ),
  supportProblem: (device, p) => hfEngineSupport(device, p, VLLM_IMAGE),
  memory: (req) => vllmMemory(req),
  startupLog: "vllm",
  runsAsNonRoot: true,
  advisories: [],
  cliFlags: {
    flags: [
      "--served-model-name",
      "--host",
      "--port",
      "--tensor-parallel-size",
      "--pipeline-parallel-size",
      "--max-model-len",
      "--gpu-memory-utilization",
      "--max-num-seqs",
      "--max-num-batched-tokens",
      "--block-size",
      "--kv-cache-dtype",
      "--quantization",
      "--dtype",
      "--enforce-eager",
      "--nnodes",
      "--node-rank",
      "--master-addr",
      "--master-port",
      "--headless",
    ],
    source:
      "https://docs.vllm.ai/en/stable/cli/serve.html (vllm serve engine arguments); https://github.com/vllm-project/vllm/pull/23691 (--nnodes, --node-rank, --master-addr, --master-port, --headless)",
  },
  command,
  checkpoints: VLLM_CHECKPOINTS,
  readLaunch: readVllmLaunch,
  // https://docs.vllm.ai/en/stable/usage/metrics/ (V1 engine): vllm:num_requests_waiting,
  // vllm:kv_cache_usage_perc, vllm:time_to_first_token_seconds (histogram). The older name
  // vllm:gpu_cache_usage_perc was deprecated (vllm-project/vllm#18354) and removed
  // (vllm-project/vllm#29330) before the pinned release, so no alert uses it.
  metrics: {
    waiting: "vllm:num_requests_waiting",
    kvUsage: ["vllm:kv_cache_usage_perc"],
    ttftBucket: "vllm:time_to_first_token_seconds_bucket",
  },
};
