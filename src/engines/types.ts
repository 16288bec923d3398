/**
 * The contract every inference engine module fulfils (src/engines/<engine>.ts). Callers (estimate,
 * plan, render, verify, calibration) ask the module; nobody branches on an engine's name.
 *
 * Adding an engine: one file that exports an `EngineModule`, one line in the registry
 * (src/engines/index.ts), and its tests (test/unit/engines.test.ts renders and sizes every engine).
 */
import type { DeviceEntry } from "../catalog/types.js";
import type { Plan } from "../contract/plan.js";
import type { ModelArch } from "../models/arch.js";
import type { Tensor } from "../sizing/inventory.js";
import type { KvCacheDtype } from "../sizing/kv.js";
import type { StageWeights } from "../sizing/placement.js";
import type { Precision } from "../sizing/weights.js";
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
}

/** What a user (or a plan) overrides of the engine's defaults. */
export interface SettingsOverrides {
  gpuMemoryUtilization?: number | undefined;
  maxNumBatchedTokens?: number | undefined;
  maxNumSeqs?: number | undefined;
  /** The load the deployment expects: llama.cpp sizes its slots from it. */
  concurrency?: number | null | undefined;
  requestRate?: number | null | undefined;
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

/** How one replica spans several nodes, when it can. */
export type MultiNode =
  /** vLLM: a Ray cluster; the head runs the engine, the other nodes run ray-worker.sh. */
  | "ray"
  /** SGLang: every node runs the launch script with its NODE_RANK and the head's address. */
  | "sglang"
  | null;

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
  multiNode: MultiNode;
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
  /** Cost per decoder layer per step that neither bandwidth nor FLOPs explain (small kernels), µs. */
  layerOverheadUs: number;
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
  /** The engine's default share of GPU memory (vLLM gpu_memory_utilization and its equivalents). */
  defaultGpuMemoryUtilization: number;
  parallel: ParallelSupport;
  efficiency: EngineEfficiency;
  /** One line: whose memory model produced the figures (printed with every ledger). */
  memoryModel: string;
  /** The engine's defaults on this device, with the user's overrides applied. */
  settings(device: DeviceEntry, overrides: SettingsOverrides): RuntimeSettings;
  /** Why the engine's image cannot run this precision on this device, or null when it can. */
  supportProblem(device: DeviceEntry, precision: Precision): string | null;
  /** The per-GPU memory ledger and KV capacity of one placement. */
  memory(req: MemoryRequest): MemoryPlacement;
  /**
   * The memory model sizes per-sequence recurrent state (Gated DeltaNet, Mamba layers) and DeepSeek
   * sparse attention's indexer cache. Engines without it refuse such models by name.
   */
  sizesHybridCache?: boolean;
  /** The start-up log format `verify` reads for this engine, or null when it reads none. */
  startupLog: "vllm" | null;
  /** The container's command line for a plan whose recommendation runs this engine. */
  command(plan: Plan): EngineCommand;
  metrics: MetricNames | null;
}
