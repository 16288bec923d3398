/**
 * The plan: what `llmdeploy plan` decides and what `llmdeploy render` turns into files.
 * `plan --out DIR` writes it as plan.yaml; `plan --json` prints it. This is a contract read by CI users
 * and by `render`, `bench --plan` and `verify --plan`: add fields freely, rename none.
 *
 * Bytes are integers; latencies in milliseconds; prices in US dollars.
 */

import type { EngineName } from "../engines/index.js";

export type { EngineName };
export type Packaging = "compose" | "kubernetes";
export type SecurityLevel = "basic" | "enhanced" | "enterprise";
/**
 * cloud: on-demand list prices (the major clouds' cheapest per GPU-hour, or the named provider's
 * instances); spot: spot and marketplace offers where there are some; onprem: prices you give.
 */
export type PricingBasis = "cloud" | "spot" | "onprem";
/** Targets count as met at the prediction (median) or at its pessimistic end (band). */
export type TargetConfidence = "median" | "band";

/** Load given as users (`--users N --think-time S` or `--requests-per-user-per-minute R`). */
export interface UserLoad {
  users: number;
  /** Seconds a user waits between getting an answer and sending the next request. */
  thinkTimeSeconds: number | null;
  requestsPerUserPerMinute: number | null;
  /** The request rate it converts to (requests per second). */
  requestRate: number;
  /** How, in one sentence with the numbers. */
  formula: string;
}
/** As users say it: one GPU; one node with several GPUs (TP); several nodes (PP across nodes). */
export type DeploymentMode = "standalone" | "single-node" | "distributed";

/** The user's requirements with every default filled in (see src/contract/spec.ts for the input schema). */
export interface PlanSpec {
  model: string;
  /**
   * The user's own checkpoint (--model-ref: a Hub id, a local folder or a .gguf file), loaded instead
   * of a resolved one; absent or null: llmdeploy resolves the checkpoint for each precision.
   */
  modelRef?: string | null;
  /** Allowed weight precisions; the planner picks the cheapest that meets the targets. */
  precisions: string[];
  kvCacheDtypes: ("auto" | "fp8")[];
  /** Context length every sequence must fit (the engine's --max-model-len). */
  maxModelLen: number;
  /** Typical request: prompt and completion sizes in tokens. */
  inputTokens: number;
  outputTokens: number;
  /** Closed-loop load: requests in flight at once. */
  concurrency: number | null;
  /** Open-loop load: requests per second (Poisson). */
  requestRate: number | null;
  targets: { ttftMs: number | null; tpotMs: number | null; e2eMs: number | null };
  /** Allowed GPU ids (empty: every catalog GPU). */
  gpus: string[];
  maxGpus: number;
  budgetPerHourUsd: number | null;
  pricing: PricingBasis;
  /** On-prem: purchase price per GPU (USD) by GPU id, and the months it is written off over. */
  gpuPurchaseUsd: Record<string, number>;
  amortizationMonths: number;
  engine: EngineName;
  packaging: Packaging;
  security: SecurityLevel;
  /** Name of the service (containers, Kubernetes objects, served model name). */
  serviceName: string;
  /** Port the engine listens on inside its container. */
  port: number;
  /**
   * The engine's share of GPU memory; null: the engine's own default for each GPU and split (SGLang
   * works its mem_fraction_static out from the GPU's memory and the split). Each deployment records
   * the value it was sized with in `engine.gpuMemoryUtilization`.
   */
  gpuMemoryUtilization: number | null;
  /** The engine release the plan is sized for (its defaults and memory behaviour) and renders. */
  engineVersion: string;
  /** No CUDA graphs (vLLM --enforce-eager): slower decoding, no graph memory. */
  enforceEager: boolean;
  /**
   * Provider whose instances the plan is sized and priced in (data/instances/<id>.json), or null for
   * per-GPU prices. Absent in plans written before providers existed.
   */
  provider?: string | null;
  /** Workstation and GeForce GPUs may be chosen without being named. */
  allowConsumerGpus?: boolean;
  /** How targets are checked against the prediction's error band (absent: median, as before). */
  targetConfidence?: TargetConfidence;
  /** The load as users, when it was given that way (the request rate above is what it converts to). */
  load?: UserLoad | null;
}

/**
 * The instances a deployment is rented as (plans with a provider): whole instances, so GPUs an
 * instance has beyond what the replicas use are paid for too.
 */
export interface InstanceChoice {
  provider: string;
  /** The provider's instance type, e.g. "p5.48xlarge". */
  type: string;
  gpusPerInstance: number;
  /** Instances for the whole deployment (all replicas). */
  count: number;
  /** US dollars per instance-hour. */
  usdPerHour: number;
  pricing: "on-demand" | "spot";
  region: string | null;
  /** Date of the price; null when its source is undated. */
  date: string | null;
  /** URL of the price. */
  source: string;
  /** GPUs paid for but not used by the replicas (count × gpusPerInstance − GPUs the plan uses). */
  unusedGpus: number;
  /** What the instance lacks of the host needs (vCPUs, RAM), when no type of this GPU has enough. */
  hostShortfall?: string | null;
}

/** One latency target against the prediction, with the margin left. */
export interface TargetCheck {
  metric: "ttft" | "tpot" | "e2e";
  targetMs: number;
  /** The prediction (median; p95 under a request rate for TTFT and e2e). */
  predictedMs: number;
  /** The pessimistic end of the prediction's error band: predicted × (1 + band). */
  pessimisticMs: number;
  /** The error band used (e.g. 0.35). */
  band: number;
  /** Headroom at the median: 1 − predicted / target (0.2 = 20 % under the target; negative: over). */
  margin: number;
  /** Met under the spec's target confidence. */
  met: boolean;
  /** The median meets the target but the pessimistic end does not: it may well miss. */
  withinBand: boolean;
}

export interface PerGpuMemory {
  totalBytes: number;
  /**
   * What the engine allows itself on each GPU (vLLM: gpu_memory_utilization × total; SGLang: its
   * mem_fraction_static share for weights and KV pool; TensorRT-LLM: what is free after loading;
   * llama.cpp: the total). Absent in plans written before the field.
   */
  budgetBytes?: number;
  weightsBytes: number;
  activationBytes: number;
  nonTorchBytes: number;
  cudaGraphBytes: number;
  kvCacheBytes: number;
}

export interface Performance {
  ttftMs: number;
  tpotMs: number;
  e2eLatencyMs: number;
  /** Output tokens per second, all users together. */
  outputTokensPerSec: number;
  /** Output tokens per second seen by one user (1000 / tpotMs). */
  outputTokensPerSecPerUser: number;
  requestsPerSec: number;
  /** Requests the deployment runs at once in this prediction (capped by KV capacity and max-num-seqs). */
  batch: number;
  /** Requests waiting because the batch is full (closed loop) or the arrival rate exceeds capacity. */
  queued: number;
  /**
   * Percentiles where queueing makes them differ from the mean: open-loop load (from the queueing
   * model), or a finite run replayed with --num-requests (from the replay). Null otherwise.
   */
  percentiles: {
    ttftP50Ms: number;
    ttftP95Ms: number;
    e2eP50Ms: number;
    e2eP95Ms: number;
    ttftP90Ms?: number;
    ttftP99Ms?: number;
    e2eP90Ms?: number;
    e2eP99Ms?: number;
  } | null;
  /** Relative error expected from the calibration set (e.g. 0.25 = ±25 %): the widest of the three below. */
  errorBand: number;
  /** The error band of TTFT, TPOT and throughput on the validation side of the calibration set. */
  errorBandTtft?: number;
  errorBandTpot?: number;
  errorBandThroughput?: number;
  /** A finite run of --num-requests requests replayed pass by pass (absent without it). */
  replay?: ReplaySummary;
  /** What limits decode: "memory-bandwidth", "compute", "interconnect". */
  bottleneck: string;
  /** Open loop: arrivals outpace the deployment; the queue grows without bound. */
  saturated: boolean;
  /** Requests the deployment can run at once (KV cache, max-num-seqs, prefill budget). */
  capacity: number;
}

/** Mean and percentiles of one figure over the requests of a replayed run. */
export interface FigureSummary {
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
}

/** A finite benchmark run replayed pass by pass (src/sizing/replay.ts). */
export interface ReplaySummary {
  numRequests: number;
  /** closed: `concurrency` users, each sending its next request when the answer ends; open: Poisson. */
  loop: "closed" | "open";
  concurrency: number | null;
  requestRate: number | null;
  /** Seed of the Poisson arrivals (open loop), null in a closed loop. */
  seed: number | null;
  /** Engine passes the run took (one replica). */
  passes: number;
  /** From the first request sent to the last answer's end, s. */
  durationS: number;
  requestsPerSec: number;
  outputTokensPerSec: number;
  ttftMs: FigureSummary;
  tpotMs: FigureSummary;
  e2eLatencyMs: FigureSummary;
  /**
   * Inter-token latency: the gaps between consecutive tokens a client sees, over every token of every
   * request (vLLM bench serve's ITL; its mean weighs long answers more than TPOT's mean over requests,
   * its median is the common gap, without the passes that carry prompts).
   */
  itlMs?: FigureSummary;
}

export interface Cost {
  perHourUsd: number | null;
  perMonthUsd: number | null;
  perMillionOutputTokensUsd: number | null;
  /** Purchase price of the GPUs for on-prem plans, when the catalog has one. */
  purchaseUsd: number | null;
  basis: string;
}

export interface HostNeeds {
  /** Per node. */
  cpuCores: number;
  ramGiB: number;
  diskGiB: number;
  /** /dev/shm for the engine's worker processes (NCCL, PyTorch IPC). */
  shmGiB: number;
  /** Between nodes (distributed plans), e.g. "400 Gb/s InfiniBand or RoCE"; null on one node. */
  network: string | null;
}

export interface EngineSettings {
  name: EngineName;
  /** The engine release the deployment is sized for, and whose image `image` is (e.g. "0.28.0"). */
  version: string;
  /** Pinned container image (never `latest`). */
  image: string;
  maxModelLen: number;
  gpuMemoryUtilization: number;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  blockSize: number;
  kvCacheDtype: "auto" | "fp8";
  /**
   * The engine's quantization flag value when it quantizes in flight (vLLM --quantization
   * fp8_per_tensor on a 16-bit checkpoint); null when it reads the method from the checkpoint.
   */
  quantization: string | null;
  /** vLLM --dtype: "half" on GPUs without bfloat16 (Volta, Turing), "auto" (the checkpoint's) otherwise. */
  dtype: "auto" | "half";
  /** No CUDA graphs (vLLM --enforce-eager); absent in plans written before the field: false. */
  enforceEager: boolean;
  /** The model argument the engine loads (HF id or local path / GGUF file). */
  modelRef: string;
  servedModelName: string;
}

/** The checkpoint the engine loads, as resolved for the recommendation's precision and engine. */
export interface CheckpointRecord {
  /**
   * model: the model's own checkpoint; catalog: a published pre-quantized checkpoint
   * (data/checkpoints.json); in-flight: the model's checkpoint, quantized by the engine while loading;
   * user: --model-ref.
   */
  source: "model" | "catalog" | "in-flight" | "user";
  /** The Hub repository the engine downloads, or null (a local path, an Ollama library tag). */
  repo: string | null;
  /** A checkpoint on the host's disk, or null. */
  localPath: string | null;
  /** The GGUF file inside repo (llama.cpp), or null. */
  file: string | null;
  /** awq, gptq, w4a16, w8a8, fp8, bnb-nf4, gguf, or the precision of a model's own checkpoint (bf16, ...). */
  format: string;
  /** What was sized, for people: "INT4 AWQ, group 128". */
  label: string;
  /**
   * Where the quantization_config that was sized comes from: verbatim (a copy of the repository's),
   * assumed (the producing tool's documented settings), files (the checkpoint's own files, read), or
   * null (no quantization_config: 16-bit, GGUF, in flight).
   */
  config: "verbatim" | "assumed" | "files" | null;
  /** Where the checkpoint is published or named. */
  url: string | null;
  /**
   * The Hub repository is gated (it downloads only with the token of an account that accepted its
   * licence): the launch script refuses to start without one. null: not recorded; absent in plans
   * written before the field existed.
   */
  gated?: boolean | null;
}

export interface Deployment {
  gpu: string;
  gpuName: string;
  /** The product name the driver reports (for Kubernetes node selection), when the catalog has it. */
  gpuProduct?: string;
  /** "cpu" when the device is a CPU host (llama.cpp / Ollama without a GPU). */
  deviceKind: "gpu" | "cpu";
  /** GPUs per replica. */
  gpuCount: number;
  gpusPerNode: number;
  nodes: number;
  tensorParallel: number;
  pipelineParallel: number;
  replicas: number;
  mode: DeploymentMode;
  precision: string;
  kvCacheDtype: "auto" | "fp8";
  engine: EngineSettings;
  /** The checkpoint engine.modelRef names and how it is loaded (absent in plans made before 0.2). */
  checkpoint?: CheckpointRecord;
  memory: {
    perGpu: PerGpuMemory;
    weightsBytes: number;
    kvCacheTokens: number;
    maxConcurrency: number;
  };
  performance: Performance;
  cost: Cost;
  host: HostNeeds;
  meetsTargets: boolean;
  /** One sentence per missed target, e.g. "TPOT 31 ms > 20 ms". */
  misses: string[];
  /** The instances to rent, when the plan names a provider. */
  instance?: InstanceChoice | null;
  /** Each latency target against the prediction and its error band. */
  targets?: TargetCheck[];
}

export interface Plan {
  apiVersion: "llmdeploy/v1";
  kind: "Plan";
  generatedBy: string;
  spec: PlanSpec;
  model: {
    id: string;
    name: string;
    hfId: string | null;
    params: number;
    activeParams: number;
  };
  /** The cheapest deployment that meets every target (or the closest one when none does). */
  recommendation: Deployment;
  /** Runners-up: the cost-vs-latency Pareto set, best first. */
  alternatives: Deployment[];
  /** Whether any configuration met every target. */
  feasible: boolean;
  /**
   * The calibration profile applied to the candidates on its GPU × engine (`llmdeploy calibrate`), or
   * null when none was; absent in plans written before calibration existed.
   */
  calibration?: PlanCalibration | null;
  notes: string[];
}

/** One factor of a calibration profile as applied: its value and the value it replaced. */
export interface CalibrationFactor {
  /** What it is, for people: "decode bandwidth share". */
  label: string;
  value: number;
  /** llmdeploy's own value without the profile. */
  default: number;
  /** share: of the GPU's peak (0–1); ms; bytes (per GPU). */
  unit: "share" | "ms" | "bytes";
}

/** The calibration profile a plan (or an estimate) used. */
export interface PlanCalibration {
  /** The profile file, as it was named. */
  path: string;
  /** How it was found: --calibration (flag), LLMDEPLOY_CALIBRATION (env), or the config directory (default). */
  source: "flag" | "env" | "default";
  /** GPU catalog id, engine name and release the profile was fitted on. */
  gpu: string;
  engine: string;
  engineVersion: string;
  /** The model the runs served. */
  model: string;
  /** The factors applied, by name (bandwidth, compute, stepOverheadMs, requestOverheadMs, nonTorchBytes, cudaGraphBytes). */
  factors: Record<string, CalibrationFactor>;
  /** Bench runs the factors were fitted on. */
  fittedOn: number;
  /** exp(RMS of ln(predicted / measured)) − 1 over those runs (0.04 = 4 %); null without runs. */
  residual: number | null;
  /** When the profile was made (ISO 8601). */
  createdAt: string;
  /** Why only some of its factors apply (fitted on another engine release), or null. */
  note: string | null;
}

/** Each figure's error band, as fractions (0.45 = ±45 %). */
export interface FigureBands {
  overall: number;
  ttft: number;
  tpot: number;
  throughput: number;
}

/**
 * The band each figure of a prediction is judged and shown by: its own band, or the overall one for
 * a plan written before the per-figure bands. End-to-end latency adds TTFT and every TPOT: the
 * overall (widest) band. The one place the fallback is decided (planner targets, bench --plan,
 * README, alerts, report, terminal output).
 */
export function figureBands(
  p: Pick<Performance, "errorBand" | "errorBandTtft" | "errorBandTpot" | "errorBandThroughput">,
): FigureBands {
  return {
    overall: p.errorBand,
    ttft: p.errorBandTtft ?? p.errorBand,
    tpot: p.errorBandTpot ?? p.errorBand,
    throughput: p.errorBandThroughput ?? p.errorBand,
  };
}

/** "TTFT ±70 %, TPOT ±45 %, throughput ±45 %": a prediction's bands as people read them. */
export function bandsText(p: Parameters<typeof figureBands>[0]): string {
  const b = figureBands(p);
  const pct = (v: number) => `±${Math.round(v * 100)} %`;
  return `TTFT ${pct(b.ttft)}, TPOT ${pct(b.tpot)}, throughput ${pct(b.throughput)}`;
}
