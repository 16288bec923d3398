/**
 * The vLLM engine module: its memory model (vllm-memory.ts: the V1 budget per GPU), its versioned
 * behaviour (vllm-profile.ts, vllm-versions.ts), hybrid pools (vllm-hybrid.ts), and here the command
 * line it is started with, read back, its image and what it loads.
 */
import { imageProblem, type OtherVendorBuilds } from "./hardware.js";
import type { DeviceEntry } from "../catalog/types.js";
import type { Plan } from "../contract/plan.js";
import {
  argReader,
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
import { VLLM_RELEASES } from "./vllm-releases.js";
import type {
  CheckpointSupport,
  EngineCommand,
  EngineImage,
  EngineLaunch,
  EngineModule,
  LaunchedSettings,
  MetricNames,
} from "./types.js";

import { VLLM, VLLM_RANGE, vllmBehaviour, vllmSettings } from "./vllm-profile.js";

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
  vllmSettings,
  type VllmSettings,
} from "./vllm-profile.js";

import { kvTokensForBytes, vllmMemory, vllmPlacement, type VllmPlacement } from "./vllm-memory.js";

export { kvTokensForBytes, vllmMemory, vllmPlacement, type VllmPlacement };

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

/** What the image of release `version` contains (the same Dockerfile layout at every modelled release). */
const VLLM_CONTENTS: EngineImage["contents"] = {
  user: "root",
  programs: ["bash", "curl", "python3", "vllm"],
  source:
    "https://github.com/vllm-project/vllm/blob/dead20baf70df70580ecb093f82b0b7b8676e4f5/docker/Dockerfile ('apt-get install -y ... git curl wget sudo vim python3-pip' ... 'ENTRYPOINT [\"vllm\", \"serve\"]'); no ray since 0.19.1 (https://github.com/ai-dynamo/dynamo/pull/8515)",
};

/**
 * The image of a release (canonical X.Y.Z), what it needs of the host (its CUDA build, from
 * vllm-versions.ts IMAGE_BUILD, where each range is sourced) and what it contains.
 */
export function vllmImageAt(version: string): EngineImage {
  const b = vllmBehaviour(version).image;
  return {
    image: vllmImage(version),
    version,
    source: version === VLLM_PINNED ? VLLM.source : "https://hub.docker.com/r/vllm/vllm-openai/tags",
    cuda: {
      version: b.cuda,
      minDriver: b.minDriver,
      minComputeCapability: b.minComputeCapability,
      source: "vllm-versions.ts IMAGE_BUILD (one sourced rule per range of releases)",
    },
    contents: VLLM_CONTENTS,
  };
}

/** The pinned image, what it needs of the host and what it contains. */
const VLLM_IMAGE: EngineImage = {
  ...vllmImageAt(VLLM_PINNED),
  cuda: {
    version: "13.0",
    minDriver: "580",
    minComputeCapability: 7.5,
    source:
      "https://github.com/vllm-project/vllm/issues/42738 ('After v0.20.0, default wheel/docker nightly version is cu130'); CUDA 13.0 GA needs driver >= 580.65.06 (CUDA 13.1 release notes); https://github.com/vllm-project/vllm/pull/39878 (arch list '7.5 8.0 8.6 8.9 9.0 10.0 12.0', sm70 removed with the CUDA 13 switch)",
  },
};

/**
 * Why release `version`'s image cannot run on this device, or null. When an older release's image
 * would (a CUDA 12.4 build on a Volta GPU), the message names the newest such release.
 */
export function vllmImageProblem(device: DeviceEntry, version: string = VLLM_PINNED): string | null {
  const problem = imageProblem(
    { label: "vLLM", image: vllmImageAt(version), pinned: version === VLLM_PINNED },
    VLLM_OTHER_VENDORS,
    device,
  );
  const cc = device.computeCapability;
  if (!problem || device.vendor !== "NVIDIA" || cc === undefined) return problem;
  const older = [...VLLM_RELEASES].reverse().find((r) => vllmBehaviour(r).image.minComputeCapability <= cc);
  return older
    ? `${problem}; vLLM ${older} and older (CUDA ${vllmBehaviour(older).image.cuda} images) run on it: --engine-version ${older}`
    : problem;
}

/** Why release `version` cannot launch one replica over several nodes, or null. */
export function vllmMultiNodeProblem(version: string): string | null {
  if (vllmBehaviour(version).multiNodeLaunch) return null;
  const first = VLLM_RELEASES.find((r) => vllmBehaviour(r).multiNodeLaunch);
  return (
    `vLLM ${version} has no multi-node launch without Ray (vllm serve --nnodes/--node-rank came in ${first}, ` +
    `vllm-project/vllm#23691), and llmdeploy renders no Ray cluster`
  );
}

/** The Prometheus names release `version` exports (vllm-versions.ts KV_USAGE_METRIC for the renamed gauge). */
export function vllmMetrics(version: string): MetricNames {
  return {
    waiting: "vllm:num_requests_waiting",
    kvUsage: [vllmBehaviour(version).kvUsageMetric],
    ttftBucket: "vllm:time_to_first_token_seconds_bucket",
  };
}

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
  const r = argReader(l.args.slice(2), 2);
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
    sources: {
      modelRef: { arg: 1 },
      ...r.sources({
        tp: "--tensor-parallel-size",
        pp: "--pipeline-parallel-size",
        maxModelLen: "--max-model-len",
        kvCacheDtype: "--kv-cache-dtype",
        quantization: "--quantization",
        gpuMemoryUtilization: "--gpu-memory-utilization",
        maxNumSeqs: "--max-num-seqs",
        maxNumBatchedTokens: "--max-num-batched-tokens",
      }),
    },
  };
}

/**
 * Other vendors: AMD publishes ROCm builds as rocm/vllm
 * (https://rocm.docs.amd.com/projects/ai-ecosystem/en/latest/inference/vllm.html); Gaudi support lives
 * in the vLLM-Gaudi plugin (https://docs.vllm.ai/en/v0.15.1/features/quantization/: "All Intel Gaudi
 * quantization support has been migrated to vLLM-Gaudi").
 */
export const VLLM_OTHER_VENDORS: OtherVendorBuilds = {
  amd: "vLLM's ROCm build (AMD publishes rocm/vllm images)",
  gaudi: "the vLLM-Gaudi plugin's build",
  source: "https://rocm.docs.amd.com/projects/ai-ecosystem/en/latest/inference/vllm.html",
};

export const vllm: EngineModule = {
  name: "vllm",
  label: "vLLM",
  image: VLLM_IMAGE,
  versions: VLLM_RANGE,
  imageFor: (version) => vllmImage(version),
  eagerMode: true,
  // --kv-cache-dtype fp8 (command()).
  fp8KvCache: true,
  defaultShare: (version) => vllmBehaviour(version).gpuMemoryUtilization,
  checkpointFormat: "safetensors",
  defaultPort: 8000,
  parallel: { tensor: true, layersInNode: true, multiNode: "native", maxGpus: null },
  efficiency: efficiency(VLLM_SHARES, SCHEDULER, FIT),
  memoryModel: vllmMemoryModel(VLLM_PINNED),
  memoryModelFor: vllmMemoryModel,
  settings: (device: DeviceEntry, o) => vllmSettings(device.memoryBytes.value, device.name, o),
  supportProblem: (device, p, version) => vllmImageProblem(device, version) ?? hfEngineSupport(device, p),
  multiNodeProblem: vllmMultiNodeProblem,
  memory: (req) => vllmMemory(req),
  sizesHybridCache: true,
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
  // vllm:kv_cache_usage_perc, vllm:time_to_first_token_seconds (histogram); V0 and V1 before 0.9 export
  // the KV gauge as vllm:gpu_cache_usage_perc (vllm-versions.ts KV_USAGE_METRIC).
  metrics: vllmMetrics(VLLM_PINNED),
  metricsFor: vllmMetrics,
};
