/**
 * The planner: from a spec (model, workload, targets, constraints) to the cheapest deployment that
 * meets every target. Pure: data in, a Plan out.
 *
 * Search: allowed precisions × KV dtypes × GPU types × GPUs per replica (1, 2, 4, 8 on one node, then
 * whole nodes) × every TP/PP split (TP inside a node) × replicas. A configuration is kept when vLLM's
 * memory budget fits one sequence of max-model-len; it meets the targets when the performance model
 * says so at the spec's load. For each shape the fewest replicas that meet the targets are enough
 * (more only add cost), and a shape whose total GPU count already exceeds the cheapest success on
 * that GPU type is not tried.
 */
import { ENGINE_IMAGES, VLLM } from "../catalog/engines.js";
import { cheapestPrice } from "../catalog/prices.js";
import type { GpuEntry } from "../catalog/types.js";
import { UserError } from "../errors.js";
import type { ModelArch } from "../models/arch.js";
import type { CheckpointSummary } from "../models/checkpoint.js";
import type { Cost, Deployment, HostNeeds, Plan, PlanSpec } from "../plan/types.js";
import { countParams, inventory, type ParamCount, type Tensor } from "./inventory.js";
import { parallelismProblem, precisionProblem, type StageWeights, weightsPerStage } from "./placement.js";
import { llamacppPlacement } from "./llamacpp.js";
import { predictPerformance } from "./perf.js";
import { defaultVllmSettings, vllmPlacement } from "./vllm.js";
import {
  bindPrecision,
  checkpointPrecision,
  lookupPrecision,
  mxfp4Backend,
  type Precision,
  weightsBytes,
} from "./weights.js";

export const GPUS_PER_NODE = 8;
/** Hours in an average month (8766 h / 12), for $/month. */
export const HOURS_PER_MONTH = 730.5;
const GiB = 1024 ** 3;

export interface PlanModel {
  id: string;
  name: string;
  hfId: string | null;
  arch: ModelArch;
  /** Exact bytes from the checkpoint's headers (Hub, local safetensors, GGUF), when they were read. */
  checkpoint?: CheckpointSummary | undefined;
  /** What the engine loads: an HF id, a local folder or a GGUF file. */
  ref: string;
}

export interface PlanInput {
  spec: PlanSpec;
  model: PlanModel;
  catalog: readonly GpuEntry[];
  generatedBy: string;
  /** USD per GPU-hour by GPU id, overriding the catalog (on-prem amortisation, negotiated prices). */
  gpuPrices?: Record<string, number>;
}

/**
 * Can vLLM-class engines run this precision on this GPU? fp8 needs Ada/Hopper tensor cores or, on
 * Ampere, the Marlin W8A16 kernels (sm80+); AWQ's kernels need sm75+; MXFP4 (gpt-oss) sm80+.
 * Source: vLLM docs, features/quantization/supported_hardware.
 */
export function gpuPrecisionProblem(gpu: GpuEntry, p: Precision): string | null {
  const k = p.format.kind;
  const cc = gpu.computeCapability;
  if (gpu.vendor !== "NVIDIA" || cc === undefined) {
    if (k === "fp8" && !gpu.nativeFp8) return `${gpu.name} has no FP8 support`;
    return null;
  }
  if ((k === "fp8" || k === "mxfp4") && cc < 8.0)
    return `${p.id} needs compute capability 8.0+ (${gpu.name}: ${cc})`;
  if (k === "awq" && cc < 7.5) return `AWQ needs compute capability 7.5+ (${gpu.name}: ${cc})`;
  return null;
}

/** GeForce cards: no NVLink between nodes' worth of GPUs, and hosts without RDMA networking. */
export const isWorkstationGpu = (gpu: GpuEntry): boolean => /geforce/i.test(gpu.name);

const GGUF = new Set(["q8_0", "q6_k", "q5_k_m", "q4_k_m", "q4_0"]);
const isGgufEngine = (e: PlanSpec["engine"]) => e === "llamacpp" || e === "ollama";

/** Shapes of one replica: GPUs per replica and their TP × PP splits (TP within a node). */
export function replicaShapes(maxGpus: number): { count: number; tp: number; pp: number }[] {
  const counts = [1, 2, 4, 8, 16, 24, 32, 48, 64].filter((c) => c <= maxGpus);
  const out: { count: number; tp: number; pp: number }[] = [];
  for (const count of counts) {
    for (let tp = Math.min(count, GPUS_PER_NODE); tp >= 1; tp--) {
      if (count % tp !== 0) continue;
      const pp = count / tp;
      // Pipeline stages beyond one per node only when TP cannot grow further.
      if (pp > 1 && tp < Math.min(count, GPUS_PER_NODE) && count > GPUS_PER_NODE) continue;
      out.push({ count, tp, pp });
    }
  }
  return out;
}

interface Candidate {
  d: Deployment;
  /** max over targets of predicted / target (≤ 1 meets every target). */
  score: number;
  hourly: number | null;
}

function modeOf(count: number): Deployment["mode"] {
  return count === 1 ? "standalone" : count <= GPUS_PER_NODE ? "single-node" : "distributed";
}

/** Per node: CPU cores, RAM to load the checkpoint, disk for it and the image, /dev/shm. */
export function hostNeeds(
  gpusPerNode: number,
  nodes: number,
  checkpointBytes: number,
  weightsPerNodeBytes: number,
): HostNeeds {
  const roundUp = (x: number, step: number) => Math.ceil(x / step) * step;
  return {
    // One worker process per GPU plus the API server, tokenizer and detokenizer: 4 cores per GPU, 8 at least.
    cpuCores: Math.max(8, 4 * gpusPerNode),
    // Safetensors are memory-mapped while loading: the node's share of the weights in page cache, plus
    // 32 GiB for the processes themselves.
    ramGiB: roundUp(weightsPerNodeBytes / GiB + 32, 8),
    // Every node downloads the whole checkpoint; 40 GiB more for the engine image and compile caches.
    diskGiB: roundUp(checkpointBytes / GiB + 40, 10),
    // NCCL and PyTorch's worker IPC use /dev/shm; Docker's 64 MiB default is far too small.
    shmGiB: gpusPerNode > 1 ? 16 : 4,
    network:
      nodes > 1
        ? "400 Gb/s per GPU between nodes (InfiniBand NDR or RoCE), as the performance model assumes"
        : null,
  };
}

export function planDeployment(input: PlanInput): Plan {
  const { spec, model, catalog } = input;
  const arch = model.arch;
  const tensors: Tensor[] = inventory(arch);
  const params: ParamCount = countParams(arch, tensors);
  const notes: string[] = [];

  const ggufEngine = isGgufEngine(spec.engine);
  const allowedGpus = spec.gpus.length
    ? catalog.filter((g) => spec.gpus.includes(g.id))
    : catalog.filter((g) => g.kind !== "cpu" || ggufEngine);
  const cpuAsked = allowedGpus.filter((g) => g.kind === "cpu");
  if (cpuAsked.length && !ggufEngine) {
    throw new UserError(
      `${cpuAsked[0]!.id} is a CPU host: only llama.cpp and Ollama serve models without a GPU`,
      "add --engine llamacpp (and a GGUF precision such as --precision q4_k_m), or choose GPUs",
    );
  }
  if (!allowedGpus.length)
    throw new UserError("no GPU type allowed", "drop --gpu, or name GPUs from llmdeploy gpus");
  if (spec.maxModelLen > arch.maxPositionEmbeddings) {
    throw new UserError(
      `max model len ${spec.maxModelLen} exceeds ${model.id}'s context of ${arch.maxPositionEmbeddings} tokens`,
      `use --max-model-len ${arch.maxPositionEmbeddings} or less`,
    );
  }
  if (spec.inputTokens + spec.outputTokens > spec.maxModelLen) {
    throw new UserError(
      `--input-tokens ${spec.inputTokens} + --output-tokens ${spec.outputTokens} exceed --max-model-len ${spec.maxModelLen}`,
      "raise --max-model-len or shorten the requests",
    );
  }

  const precisions: Precision[] = [];
  const ggufFile = model.checkpoint?.format === "gguf";
  /** Precisions served straight from the checkpoint that was read: sized by its stored bytes. */
  const stored = new Set<string>();
  for (const id of spec.precisions) {
    let p = id === "auto" ? checkpointPrecision(arch) : bindPrecision(lookupPrecision(id), arch);
    if (id === "auto" && model.checkpoint) {
      p = { ...p, id: ggufFile ? "gguf" : p.id, label: model.checkpoint.label };
      stored.add(p.id);
    }
    const gguf = GGUF.has(p.id) || (ggufFile && stored.has(p.id));
    if (gguf !== isGgufEngine(spec.engine)) {
      notes.push(
        gguf
          ? `${p.id} is a GGUF type: only llama.cpp and Ollama serve it (--engine llamacpp); skipped`
          : `${spec.engine} serves GGUF files; ${p.id} skipped (use q4_k_m, q8_0, ...)`,
      );
      continue;
    }
    const problem = precisionProblem(arch, tensors, p);
    if (problem) {
      notes.push(`${p.id}: ${problem}; skipped`);
      continue;
    }
    precisions.push(p);
  }
  if (!precisions.length) {
    throw new UserError(
      `none of the precisions ${spec.precisions.join(", ")} can serve ${model.id} with ${spec.engine}`,
      isGgufEngine(spec.engine) ? "use a GGUF type such as --precision q4_k_m" : "use bf16, fp8 or int4",
    );
  }
  const ckptPrecision = checkpointPrecision(arch);
  const archCheckpointBytes = weightsBytes(tensors, ckptPrecision, arch.quantization?.skip ?? []);
  const checkpointBytes = model.checkpoint?.bytes ?? archCheckpointBytes;
  // Stored bytes over the architecture's estimate: per-GPU weights keep the architecture's split.
  const storedScale =
    model.checkpoint && archCheckpointBytes > 0 ? model.checkpoint.loadedBytes / archCheckpointBytes : 1;
  const scaleStages = (st: StageWeights[], p: Precision): StageWeights[] =>
    stored.has(p.id) && storedScale !== 1
      ? st.map((x) => ({
          ...x,
          bytesPerGpu: Math.round(x.bytesPerGpu * storedScale),
          expertBytesPerGpu: Math.round(x.expertBytesPerGpu * storedScale),
        }))
      : st;

  const price = (g: GpuEntry): { usd: number; basis: string; purchase: number | null } | null => {
    const bought = spec.gpuPurchaseUsd[g.id];
    if (bought !== undefined) {
      const hours = spec.amortizationMonths * HOURS_PER_MONTH;
      return {
        usd: bought / hours,
        basis: `on-prem: $${bought} per GPU written off over ${spec.amortizationMonths} months (power, hosting not included)`,
        purchase: bought,
      };
    }
    const own = input.gpuPrices?.[g.id];
    if (own !== undefined)
      return {
        usd: own,
        basis: `${spec.pricing === "onprem" ? "on-prem" : "given"} price per GPU-hour`,
        purchase: null,
      };
    if (spec.pricing === "onprem") return null;
    const p = cheapestPrice(g);
    return p ? { usd: p.usdPerGpuHour, basis: `${p.provider} ${p.basis}, ${p.date}`, purchase: null } : null;
  };

  const stageMemo = new Map<string, StageWeights[]>();
  const stagesFor = (p: Precision, tp: number, pp: number) => {
    const key = `${p.id}:${tp}x${pp}:${p.format.kind === "mxfp4" && p.format.pad ? p.format.pad.backend : ""}`;
    let v = stageMemo.get(key);
    if (!v) {
      v = scaleStages(weightsPerStage(arch, tensors, p, tp, pp, arch.quantization?.skip ?? []), p);
      stageMemo.set(key, v);
    }
    return v;
  };

  const t = spec.targets;
  const candidates: Candidate[] = [];
  const shapes = replicaShapes(spec.maxGpus);
  const load = spec.requestRate !== null ? spec.requestRate : (spec.concurrency ?? 1);
  // llama-server --parallel: a slot per concurrent request (at most 32); 4 under an open loop.
  const slots = Math.min(32, spec.requestRate !== null ? 4 : (spec.concurrency ?? 4));

  for (const p0 of precisions) {
    for (const kv of spec.kvCacheDtypes) {
      for (const gpu of allowedGpus) {
        if (gpuPrecisionProblem(gpu, p0)) continue;
        // MXFP4 experts as this GPU's MoE backend pads them.
        const p = mxfp4Backend(p0, gpu);
        const pr = price(gpu);
        let cheapestSuccess = Infinity;
        for (const { count, tp, pp } of shapes) {
          if (count >= cheapestSuccess) break;
          if (parallelismProblem(arch, tp, pp, p)) continue;
          const gguf = isGgufEngine(spec.engine);
          // llama.cpp splits layers over the GPUs of one node (--split-mode layer); Ollama uses one GPU.
          if (gguf && (tp > 1 || count > GPUS_PER_NODE || (spec.engine === "ollama" && count > 1))) continue;
          if (gpu.kind === "cpu" && count > 1) continue;
          // Several nodes need a datacenter network (RDMA at hundreds of Gb/s per GPU); workstation
          // cards (GeForce) are planned within one machine only.
          if (count > GPUS_PER_NODE && isWorkstationGpu(gpu)) continue;
          const settings = gguf
            ? {
                ...defaultVllmSettings(gpu.memoryBytes.value, gpu.name),
                maxNumSeqs: slots,
                maxNumBatchedTokens: 2048,
              }
            : {
                ...defaultVllmSettings(gpu.memoryBytes.value, gpu.name),
                gpuMemoryUtilization: spec.gpuMemoryUtilization,
              };
          const placement = gguf
            ? llamacppPlacement({
                arch,
                tensors,
                precision: p,
                kvCacheDtype: kv,
                gpuMemoryBytes: gpu.memoryBytes.value,
                gpus: pp,
                maxModelLen: spec.maxModelLen,
                slots,
                cpu: gpu.kind === "cpu",
                bytesScale: stored.has(p.id) ? storedScale : 1,
              })
            : vllmPlacement({
                arch,
                tensors,
                precision: p,
                skip: arch.quantization?.skip ?? [],
                kvCacheDtype: kv,
                gpuMemoryBytes: gpu.memoryBytes.value,
                tp,
                pp,
                maxModelLen: spec.maxModelLen,
                settings,
                stageWeights: stagesFor(p, tp, pp),
              });
          const stages = gguf
            ? (placement as ReturnType<typeof llamacppPlacement>).stages
            : stagesFor(p, tp, pp);
          const maxConcurrency = "maxConcurrency" in placement ? placement.maxConcurrency : slots;
          if (!placement.fits) continue;
          const nodes = Math.ceil(count / GPUS_PER_NODE);
          const maxReplicas = Math.max(1, Math.floor(spec.maxGpus / count));
          let best: Candidate | null = null;
          let prevScore = Infinity;
          for (let r = 1; r <= maxReplicas && count * r < cheapestSuccess; r++) {
            const perf = predictPerformance({
              arch,
              params,
              precision: p,
              kvCacheDtype: kv,
              gpu,
              tp,
              pp,
              nodes,
              replicas: r,
              engine: spec.engine,
              stages,
              kvCacheTokens: placement.kvCacheTokens,
              maxNumSeqs: settings.maxNumSeqs,
              maxNumBatchedTokens: settings.maxNumBatchedTokens,
              workload: {
                inputTokens: spec.inputTokens,
                outputTokens: spec.outputTokens,
                concurrency: spec.requestRate !== null ? null : (spec.concurrency ?? 1),
                requestRate: spec.requestRate,
              },
            });
            const misses: string[] = [];
            const ratios: number[] = [];
            const check = (name: string, got: number, want: number | null) => {
              if (want === null) return;
              ratios.push(got / want);
              if (got > want) misses.push(`${name} ${fmtMs(got)} > ${fmtMs(want)}`);
            };
            if (perf.saturated) {
              misses.push(`request rate ${load}/s exceeds the capacity of ${perf.requestsPerSec} requests/s`);
              ratios.push(1 + load / Math.max(perf.requestsPerSec, 1e-9));
            }
            check("TTFT", perf.percentiles?.ttftP95Ms ?? perf.ttftMs, t.ttftMs);
            check("TPOT", perf.tpotMs, t.tpotMs);
            check("e2e latency", perf.percentiles?.e2eP95Ms ?? perf.e2eLatencyMs, t.e2eMs);
            const total = count * r;
            const hourly = pr ? pr.usd * total : null;
            if (spec.budgetPerHourUsd !== null && hourly !== null && hourly > spec.budgetPerHourUsd) {
              misses.push(`cost $${hourly.toFixed(2)}/h > budget $${spec.budgetPerHourUsd}/h`);
              ratios.push(hourly / spec.budgetPerHourUsd);
            }
            const cost: Cost = {
              perHourUsd: hourly === null ? null : round2(hourly),
              perMonthUsd: hourly === null ? null : Math.round(hourly * HOURS_PER_MONTH),
              perMillionOutputTokensUsd:
                hourly === null || perf.outputTokensPerSec <= 0
                  ? null
                  : round2((hourly / (perf.outputTokensPerSec * 3600)) * 1e6),
              purchaseUsd: pr?.purchase ? pr.purchase * total : null,
              basis: pr
                ? pr.basis
                : spec.pricing === "onprem"
                  ? "no price given (--gpu-price)"
                  : "no catalog price",
            };
            const gpusPerNode = Math.min(count, GPUS_PER_NODE);
            const d: Deployment = {
              gpu: gpu.id,
              gpuName: gpu.name,
              deviceKind: gpu.kind === "cpu" ? "cpu" : "gpu",
              gpuCount: count,
              gpusPerNode,
              nodes,
              tensorParallel: tp,
              pipelineParallel: pp,
              replicas: r,
              mode: modeOf(count),
              precision: p.id,
              kvCacheDtype: kv,
              engine: {
                name: spec.engine,
                image:
                  gpu.kind === "cpu"
                    ? (ENGINE_IMAGES[spec.engine].cpuImage ?? ENGINE_IMAGES[spec.engine].image)
                    : ENGINE_IMAGES[spec.engine].image,
                maxModelLen: spec.maxModelLen,
                gpuMemoryUtilization: spec.gpuMemoryUtilization,
                maxNumSeqs: settings.maxNumSeqs,
                maxNumBatchedTokens: settings.maxNumBatchedTokens,
                blockSize: settings.blockSize,
                kvCacheDtype: kv,
                dtype: !gpu.bf16 && arch.dtype === "bfloat16" ? "half" : "auto",
                quantization: p.id.startsWith("fp8") && ckptPrecision.format.kind === "float" ? "fp8" : null,
                modelRef: model.ref,
                // What clients put in "model": the Hugging Face id when there is one.
                servedModelName: model.hfId ?? spec.serviceName,
              },
              memory: {
                perGpu: {
                  totalBytes: placement.perGpu.totalBytes,
                  weightsBytes: placement.perGpu.weightsBytes,
                  activationBytes: placement.perGpu.activationBytes,
                  nonTorchBytes: placement.perGpu.nonTorchBytes,
                  cudaGraphBytes: placement.perGpu.cudaGraphBytes,
                  kvCacheBytes: placement.perGpu.kvCacheBytes,
                },
                weightsBytes: stages.reduce((s, st) => s + st.bytesPerGpu * tp, 0),
                kvCacheTokens: placement.kvCacheTokens,
                maxConcurrency,
              },
              performance: perf,
              cost,
              host: hostNeeds(
                gpusPerNode,
                nodes,
                checkpointBytes,
                stages.reduce((s, st) => s + st.bytesPerGpu * tp, 0) / nodes,
              ),
              meetsTargets: misses.length === 0,
              misses,
            };
            const c: Candidate = { d, score: ratios.length ? Math.max(...ratios) : 0, hourly };
            if (!best || c.score < best.score) best = c;
            if (c.d.meetsTargets) {
              best = c;
              cheapestSuccess = total;
              break;
            }
            // Another replica halves the load on each; stop when that no longer brings the targets closer.
            if (c.score >= prevScore * 0.99) break;
            prevScore = c.score;
          }
          if (best) candidates.push(best);
        }
      }
    }
  }

  if (!candidates.length) {
    throw new UserError(
      `${model.id} does not fit on ${spec.maxGpus} or fewer of ${spec.gpus.length ? spec.gpus.join(", ") : "any catalog GPU"} at max model len ${spec.maxModelLen}`,
      "raise --max-gpus, allow a smaller precision (--precision int4) or bigger GPUs, or lower --max-model-len",
    );
  }
  const meeting = candidates.filter((c) => c.d.meetsTargets);
  const byCost = (a: Candidate, b: Candidate) =>
    (a.hourly ?? Infinity) - (b.hourly ?? Infinity) ||
    a.d.performance.e2eLatencyMs - b.d.performance.e2eLatencyMs;
  let recommendation: Candidate;
  let alternatives: Candidate[];
  if (meeting.length) {
    meeting.sort(byCost);
    recommendation = meeting[0]!;
    // Pareto set on cost vs e2e latency: each runner-up is faster than everything cheaper.
    const pareto: Candidate[] = [];
    let bestLatency = recommendation.d.performance.e2eLatencyMs;
    for (const c of meeting.slice(1)) {
      if (c.d.performance.e2eLatencyMs < bestLatency) {
        pareto.push(c);
        bestLatency = c.d.performance.e2eLatencyMs;
      }
    }
    // Fill with the cheapest configuration of other GPU types.
    const seen = new Set([recommendation.d.gpu, ...pareto.map((c) => c.d.gpu)]);
    for (const c of meeting) {
      if (pareto.length >= 5) break;
      if (!seen.has(c.d.gpu)) {
        pareto.push(c);
        seen.add(c.d.gpu);
      }
    }
    alternatives = pareto.slice(0, 5);
  } else {
    candidates.sort((a, b) => a.score - b.score || byCost(a, b));
    recommendation = candidates[0]!;
    alternatives = candidates.slice(1, 5);
    for (const [name, key, target] of [
      ["TTFT", "ttftMs", t.ttftMs],
      ["TPOT", "tpotMs", t.tpotMs],
      ["e2e latency", "e2eLatencyMs", t.e2eMs],
    ] as const) {
      if (target === null) continue;
      const bestC = candidates.reduce((a, b) => (b.d.performance[key] < a.d.performance[key] ? b : a));
      const v = bestC.d.performance[key];
      if (v > target) {
        notes.push(
          `${name} ≤ ${fmtMs(target)} is not reachable for ${model.name} within ${spec.maxGpus} GPUs; the best is ${fmtMs(v)} on ${bestC.d.gpuCount}×${bestC.d.gpuName} (${bestC.d.precision})`,
        );
      }
    }
  }

  if (recommendation.d.engine.dtype === "half") {
    notes.push(
      `${recommendation.d.gpuName} has no bfloat16: the engine runs this bfloat16 checkpoint in float16 (--dtype half); ` +
        "models trained in bfloat16 can overflow in float16 (Gemma is known to), so check outputs before going live",
    );
  }
  return {
    apiVersion: "llmdeploy/v1",
    kind: "Plan",
    generatedBy: input.generatedBy,
    spec,
    model: {
      id: model.id,
      name: model.name,
      hfId: model.hfId,
      params: params.total,
      activeParams: params.active,
    },
    recommendation: recommendation.d,
    alternatives: alternatives.map((c) => c.d),
    feasible: meeting.length > 0,
    notes: [
      ...notes,
      isGgufEngine(spec.engine)
        ? `memory modelled as llama.cpp allocates it (weights, --parallel slots × max-model-len of KV, compute buffer); performance ±${Math.round(recommendation.d.performance.errorBand * 100)} % (calibration set)`
        : `memory modelled as vLLM ${VLLM.version} budgets it; performance ±${Math.round(recommendation.d.performance.errorBand * 100)} % (calibration set)`,
    ],
  };
}

const round2 = (v: number) => Math.round(v * 100) / 100;
const fmtMs = (v: number) => (v >= 10 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`);
