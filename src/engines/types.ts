/**
 * The contract every inference engine module fulfils (src/engines/<engine>.ts). Callers (estimate,
 * plan, render, verify, calibration) ask the module; nobody branches on an engine's name.
 *
 * Adding an engine: one file that exports an `EngineModule`, one line in the registry
 * (src/engines/index.ts), and its tests (test/unit/engines.test.ts renders and sizes every engine).
 */
import type { DeviceEntry } from "../catalog/types.js";
import type { CheckpointFormat } from "../checkpoints/schema.js";
import type { Plan } from "../contract/plan.js";
import type { ModelArch } from "../models/arch.js";
import type { AllReduceKernel } from "../sizing/allreduce.js";
import type { Tensor } from "../sizing/inventory.js";
import type { KvCacheDtype } from "../sizing/kv.js";
import type { StageWeights } from "../sizing/placement.js";
import type { Precision } from "../sizing/weights.js";
import type { VersionRange } from "./version.js";
import type { HybridKvLayout } from "./vllm-hybrid.js";

/** The container image an engine runs in, pinned to a release. */
export interface EngineImage {
  /** GPU image, e.g. "vllm/vllm-openai:v0.28.0" (never `latest`). */
  image: string;
  /** The same release built for CPUs, when the engine has one (llama.cpp, Ollama). */
  cpuImage?: string;
  version: string;
  /** Where the release was seen published. */
  source: string;
  /**
   * What the GPU image needs of the host: its CUDA version, the NVIDIA driver that CUDA needs, and
   * the oldest compute capability its kernels are built for (null: not a CUDA image), with sources.
   */
  cuda: { version: string; minDriver: string; minComputeCapability: number; source: string } | null;
  /** The user the image runs as ("root" when it sets none) and the programs it has, with a source. */
  contents: { user: string; programs: string[]; source: string };
}

/**
 * The engine's run-time settings that shape memory and scheduling. vLLM's names; every engine maps
 * them onto its own flags (SGLang --max-running-requests, llama-server --parallel, ...).
 */
export interface RuntimeSettings {
  /** Share of GPU memory the engine may use (vLLM gpu_memory_utilization). */
  gpuMemoryUtilization: number;
  /** KV cache block (page) size in tokens. */
  blockSize: number;
  /** Tokens per engine step (prefill chunk / profile size). */
  maxNumBatchedTokens: number;
  /** Sequences running at once (llama.cpp: --parallel slots). */
  maxNumSeqs: number;
  /** No CUDA graphs. */
  enforceEager: boolean;
  /** CUDA graph memory is taken out of the KV budget (vLLM ≥ 0.21) or lands on top of it (older). */
  cudaGraphsInBudget: boolean;
  /** The engine release these settings are the defaults of (canonical, e.g. "0.28.0"). */
  engineVersion: string;
}

/** What a user (or a plan) overrides of the engine's defaults. */
export interface SettingsOverrides {
  gpuMemoryUtilization?: number | undefined;
  maxNumBatchedTokens?: number | undefined;
  maxNumSeqs?: number | undefined;
  /** The load the deployment expects: llama.cpp sizes its slots from it. */
  concurrency?: number | null | undefined;
  requestRate?: number | null | undefined;
  /** The release whose defaults apply (canonical, from `versions.resolve`); the pinned one when absent. */
  engineVersion?: string | undefined;
  /** No CUDA graphs (vLLM --enforce-eager). */
  enforceEager?: boolean | undefined;
  /** The split the settings are for (SGLang's default memory share depends on it). */
  tp?: number | undefined;
  pp?: number | undefined;
  /** Context length of a sequence (vLLM V0 profiles max(max_model_len, 2048) tokens). */
  maxModelLen?: number | undefined;
  /** How the engine is started: its server (default) or vLLM's Python LLM class (other batch defaults). */
  entryPoint?: "serve" | "llm" | undefined;
}

/** Memory of one GPU (or CPU host) as the engine allocates it. Bytes. */
export interface GpuLedger {
  /** Total memory of the device (driver-reported). */
  totalBytes: number;
  /** What the engine allows itself (vLLM: gpu_memory_utilization × total; llama.cpp: the total). */
  budgetBytes: number;
  weightsBytes: number;
  activationBytes: number;
  nonTorchBytes: number;
  /** Memory for the KV cache (may be negative: does not fit). */
  kvCacheBytes: number;
  /** CUDA graph pool: inside the budget (vLLM ≥ 0.21) or on top of it. */
  cudaGraphBytes: number;
}

/** One line of a ledger as the engine names it, for people: "activation peak (8192 batched tokens)". */
export interface LedgerLine {
  label: string;
  bytes: number;
}

export interface MemoryRequest {
  arch: ModelArch;
  tensors: readonly Tensor[];
  precision: Precision;
  /** Module names the checkpoint keeps unquantized (quantization_config's skip lists). */
  skip: readonly string[];
  kvCacheDtype: KvCacheDtype;
  device: DeviceEntry;
  tp: number;
  pp: number;
  maxModelLen: number;
  settings: RuntimeSettings;
  /** Weights per GPU of each pipeline stage (the sizing pipeline computes them once per split). */
  stageWeights: StageWeights[];
  /** Stored bytes over the architecture's estimate, when the checkpoint's own files were read. */
  bytesScale: number;
  /**
   * Overheads measured on the deployment (`llmdeploy calibrate --log`, src/calibrate/), used instead of
   * the engine's own constants by the engines whose ledger has them; absent: the engine's own.
   */
  overheads?: MemoryOverheads | undefined;
}

/** Per-GPU memory overheads a calibration profile measured from start-up logs. Bytes. */
export interface MemoryOverheads {
  /** Non-torch memory (CUDA context growth, cuBLAS / NCCL workspaces) as vLLM reports it. */
  nonTorchBytes?: number | undefined;
  /** The CUDA graph pool. */
  cudaGraphBytes?: number | undefined;
}

export interface MemoryPlacement {
  /** The tightest GPU (the stage with the fewest KV tokens, or the fullest). */
  perGpu: GpuLedger;
  /** perGpu as lines in the engine's own terms, top to bottom (the budget first where there is one). */
  lines: LedgerLine[];
  /** Weights per GPU of each stage as this engine places them. */
  stages: StageWeights[];
  /** Tokens of KV cache one replica holds (vLLM's "GPU KV cache size"). */
  kvCacheTokens: number;
  /** Sequences of maxModelLen that fit at once. */
  maxConcurrency: number;
  fits: boolean;
  reason: string | null;
  /** Layers the engine puts on the CPU because they do not fit on the GPU (Ollama's scheduler). */
  offloadedLayers?: number;
  /** The KV block size the engine ends up with, when it overrides the setting (vLLM's MLA backends). */
  blockSize?: number;
  /**
   * A hybrid model's pool as vLLM lays it out (block size, groups, blocks), when the engine sized it
   * so: short requests still take whole state blocks, which the performance model counts.
   */
  hybridKv?: { layout: HybridKvLayout; numBlocks: number } | undefined;
  /** What the engine's memory model did differently from the model's own needs, for people. */
  notes?: string[] | undefined;
}

/** Each engine's Prometheus metric names at the pinned release. */
export interface MetricNames {
  /** Gauge of requests waiting for a slot. */
  waiting: string | null;
  /** Gauges of the KV cache's used share (0..1); the first that exists is used. */
  kvUsage: string[];
  /** Histogram buckets of the time to first token, in seconds. */
  ttftBucket: string | null;
}

/**
 * How one replica runs across nodes: every node runs the same launch script, which adds the node's
 * rank and the first node's address to the engine's arguments at run time (NODE_RANK and
 * LEADER_ADDRESS, or LeaderWorkerSet's LWS_WORKER_INDEX and LWS_LEADER_ADDRESS on Kubernetes).
 */
export interface MultiNodeLaunch {
  /** Nodes in one replica. */
  nodes: number;
  /** The flag that takes the node's rank (0 on the node that serves the API). */
  rankFlag: string;
  /** The flag that takes the first node's address. */
  leaderFlag: string;
  /** Port the nodes meet on, at the first node. */
  port: number;
  /** The port goes in a flag of its own (vLLM --master-port), or after the address (SGLang host:port). */
  portFlag: string | null;
  /** Flags for the nodes other than the first (vLLM --headless: they serve no API). */
  followerFlags: string[];
}

/** Which mechanism an engine uses across nodes ("native": its own flags), or null when it cannot. */
export type MultiNode = "native" | null;

/** The command line the container runs, built from the plan. */
export interface EngineCommand {
  engine: string;
  /** The program run inside the container. */
  program: string;
  /** Its arguments, every one a literal word (no shell expansion happens to them). */
  args: string[];
  /** Environment the engine needs (no secrets: those come from secret files at run time). */
  env: Record<string, string>;
  healthPath: string;
  /** Prometheus metrics path, or null when the engine exposes none (Ollama). */
  metricsPath: string | null;
  /** Whether the engine downloads from the Hugging Face Hub (and so may need HF_TOKEN). */
  usesHfHub: boolean;
  /** How the command runs across nodes, or null on one node. */
  multiNode: MultiNodeLaunch | null;
  /**
   * A model the engine fetches itself after it starts (Ollama's library tag): the launch script
   * serves in the background, waits until `ready` succeeds, runs `pull` with the model (or the value
   * of the environment variable `override`), then waits. Null for engines that load at start-up.
   */
  pullAfterStart: { model: string; override: string; ready: string[]; pull: string[] } | null;
  /** The launch script must run as a script (Kubernetes mounts it) rather than the program directly. */
  needsScript: boolean;
  /** Docker / compose health check, run inside the container with the image's own tools. */
  healthCommand: string[];
  /**
   * The model file the deployment expects in the model volume (llama.cpp's GGUF), or null when the
   * engine fetches the model itself.
   */
  modelFile: { path: string; name: string } | null;
}

/** What fraction of a GPU's peak the engine achieves, and the fixed costs a roofline leaves out. */
export interface EngineEfficiency {
  /** Share of peak memory bandwidth a decode step achieves reading weights and KV cache. */
  bandwidth: number;
  /** Share of peak tensor throughput a prefill chunk achieves (model FLOPs utilisation). */
  compute: number;
  /** Fixed cost of one engine step (scheduling, sampling, kernel launches outside CUDA graphs), ms. */
  stepOverheadMs: number;
  /**
   * Least time a decoder layer's dense kernels take per step (launch and ramp of small kernels), µs:
   * a floor under their bytes and FLOPs, so it shows at small batch and high TP only.
   */
  layerOverheadUs: number;
  /** The floor of a MoE layer's own kernels (router, top-k, dispatch, grouped GEMMs, combine), µs. */
  moeLayerOverheadUs: number;
  /** What an MLA layer adds to the dense floor (low-rank q/kv projections, their norms, absorbed bmm), µs. */
  mlaLayerOverheadUs: number;
  /** Share of the dense GEMM efficiency the grouped expert GEMMs of a MoE layer reach (0–1). */
  moeGemmEfficiency: number;
  /** Cost per running sequence per step outside the GPU kernels (input preparation, sampling, output), µs. */
  seqOverheadUs: number;
  /**
   * Fixed latency a request sees outside the GPU passes when served over the engine's HTTP API
   * (tokenisation, scheduling, detokenisation, streaming), ms: added to TTFT and end-to-end latency.
   */
  requestOverheadMs: number;
  /**
   * What a request's prompt adds per decoder layer of the model when served over the HTTP API, µs:
   * the prompt's pass runs outside CUDA graphs (engines capture graphs for decode batches), so its
   * kernels are dispatched layer by layer from Python. Added to TTFT and end-to-end latency with
   * requestOverheadMs (src/sizing/pass.ts, requestOverheadOf).
   */
  requestLayerOverheadUs: number;
  /** The all-reduce implementation the engine runs under tensor parallelism (data/calibration/allreduce.json). */
  allReduce: AllReduceKernel;
  /** Sequences the engine runs at once by default (llama.cpp's slots, Ollama's NUM_PARALLEL). */
  defaultMaxSeqs: number | null;
  /** Largest prefill chunk (tokens per step) when the engine has no vLLM-style setting. */
  prefillChunk: number | null;
  source: string;
}

/** How a replica may be split over GPUs. */
export interface ParallelSupport {
  /** Tensor parallelism (heads split over the GPUs of a node). */
  tensor: boolean;
  /** Layers split over the GPUs of one node (pipeline parallel, or llama.cpp's --split-mode layer). */
  layersInNode: boolean;
  /** One replica across nodes, and how. */
  multiNode: MultiNode;
  /** Most GPUs one replica uses (Ollama: 1), when the engine caps it. */
  maxGpus: number | null;
  /** Why the cap: one line, with its source, that refusals of more GPUs quote. */
  maxGpusReason?: string;
}

/**
 * Which checkpoints the engine loads and how: the published formats it detects from a checkpoint's
 * quantization_config (no flag), the precisions it quantizes a 16-bit checkpoint to while loading
 * (with the value of its quantization flag), and, for GGUF engines, how it names a GGUF file.
 */
export interface CheckpointSupport {
  /** Published checkpoint formats the engine loads as they are stored (data/checkpoints.json formats). */
  loads: readonly CheckpointFormat[];
  /** Precision id (as --precision takes it) -> the engine's flag value that quantizes in flight. */
  inFlight: Readonly<Record<string, string>>;
  /**
   * GGUF engines: the model argument for a published GGUF file (llama.cpp: the repository, with the
   * file beside it; Ollama: hf.co/<repo>:<QUANT>), and whether Ollama-library tags can stand in.
   */
  gguf: {
    ref: (g: { repo: string; file: string; quant: string }) => { modelRef: string; file: string | null };
    libraryTags: boolean;
  } | null;
  /** Where each of these was read. */
  source: string;
}

/** What a rendered file starts: the program, its arguments, its environment (the inverse of EngineCommand). */
export interface EngineLaunch {
  program: string;
  args: string[];
  env: Record<string, string>;
  /** The model pulled after start (Ollama), or null. */
  pullModel: string | null;
}

/** A setting of LaunchedSettings, by name (the overrides' included). */
export type SettingKey =
  | "modelRef"
  | "file"
  | "tp"
  | "pp"
  | "maxModelLen"
  | "kvCacheDtype"
  | "quantization"
  | "gpuMemoryUtilization"
  | "maxNumSeqs"
  | "maxNumBatchedTokens";

/**
 * Where a launch gives a setting: the index of the word of `args` that holds its value, an
 * environment variable, or the model the launch pulls (EngineLaunch.pullModel).
 */
export type SettingSource = { arg: number } | { env: string } | { pullModel: true };

/** The settings an engine runs with, read back from its command line (the inverse of command()). */
export interface LaunchedSettings {
  /** The model argument: a Hub id, a local path, or an Ollama tag. */
  modelRef: string;
  /** A GGUF file inside modelRef (llama-server --hf-file), or null. */
  file: string | null;
  tp: number;
  /** Pipeline stages; null when the engine splits layers over every GPU it is given (llama.cpp). */
  pp: number | null;
  maxModelLen: number;
  kvCacheDtype: KvCacheDtype;
  /** The engine's quantization flag value, or null when it gives none. */
  quantization: string | null;
  /** Memory and scheduling settings the command sets (absent: the engine's default). */
  overrides: SettingsOverrides;
  /**
   * Where each setting the launch gives was read (absent: a default the launch does not set), so
   * that `verify --deployment` can name the file and line of a setting that differs from the plan.
   */
  sources?: Partial<Record<SettingKey, SettingSource>>;
}

export interface EngineModule {
  name: string;
  /** How people write it: "vLLM", "llama.cpp". */
  label: string;
  image: EngineImage;
  /** What the engine loads: Hugging Face checkpoints (safetensors) or GGUF files. */
  checkpointFormat: "safetensors" | "gguf";
  /** Port the engine listens on by default. */
  defaultPort: number;
  /** The releases whose behaviour the module models; `versions.default` is the pinned image's. */
  versions: VersionRange;
  /** The GPU (or CPU) image of a release from `versions` (canonical X.Y.Z or the pinned build). */
  imageFor(version: string, deviceKind: "gpu" | "cpu"): string;
  /**
   * The engine's default share of GPU memory at a release (vLLM gpu_memory_utilization and its
   * equivalents), or null when the engine works it out per GPU and split (SGLang).
   */
  defaultShare(version: string): number | null;
  /** Whether the launch command can turn CUDA graphs off (--enforce-eager and its equivalents). */
  eagerMode: boolean;
  /**
   * Whether the launch command can set an 8-bit KV cache (vLLM/SGLang --kv-cache-dtype fp8, llama.cpp
   * --cache-type-k/v q8_0); when false, a plan or estimate asking for one is refused before sizing.
   */
  fp8KvCache: boolean;
  parallel: ParallelSupport;
  efficiency: EngineEfficiency;
  /** One line: whose memory model produced the figures (printed with every ledger), at the pinned release. */
  memoryModel: string;
  /** The same line at a release from `versions`. */
  memoryModelFor(version: string): string;
  /** The engine's defaults on this device, with the user's overrides applied. */
  settings(device: DeviceEntry, overrides: SettingsOverrides): RuntimeSettings;
  /**
   * Why the engine's image of release `version` (canonical, from `versions`; the pinned one when
   * absent) cannot run this precision on this device, or null when it can.
   */
  supportProblem(device: DeviceEntry, precision: Precision, version?: string): string | null;
  /**
   * Why release `version` cannot run one replica across nodes although the engine can at its pinned
   * release (its multi-node launch flags came later), or null. Absent: every modelled release can.
   */
  multiNodeProblem?(version: string): string | null;
  /** The per-GPU memory ledger and KV capacity of one placement. */
  memory(req: MemoryRequest): MemoryPlacement;
  /**
   * The command-line flags of the pinned release that llmdeploy writes, with where they are
   * documented: a rendered command may use no other (test/e2e/deployments-start.test.ts checks).
   */
  cliFlags: { flags: string[]; source: string };
  /**
   * The memory model sizes per-sequence recurrent state (Gated DeltaNet, Mamba layers) and DeepSeek
   * sparse attention's indexer cache. Engines without it refuse such models by name.
   */
  sizesHybridCache?: boolean;
  /** The start-up log format `verify` reads for this engine, or null when it reads none. */
  startupLog: "vllm" | null;
  /** The container's command line for a plan whose recommendation runs this engine. */
  command(plan: Plan): EngineCommand;
  /** What checkpoints it loads, and which precisions it quantizes in flight. */
  checkpoints: CheckpointSupport;
  /** The inverse of command(): the settings a launch runs with, or the problem that stops reading it. */
  readLaunch(launch: EngineLaunch): LaunchedSettings | { problem: string };
  /** The metric names of the pinned release (null: the engine exports no Prometheus metrics). */
  metrics: MetricNames | null;
  /** The metric names release `version` exports (names change between releases). */
  metricsFor(version: string): MetricNames | null;
  /**
   * Why llmdeploy renders no Prometheus monitoring for this engine, with the source (engines whose
   * `metrics` is null); the rendered README quotes it.
   */
  unmonitored?: string;
  /**
   * Whether the engine runs as an unprivileged user (uid 10001) in the rendered deployment; false
   * when the image only works as its own user (TGI installs its Python under /root).
   */
  runsAsNonRoot: boolean;
  /** Sentences a plan that chooses this engine carries in its notes (maintenance status ...). */
  advisories: string[];
}
