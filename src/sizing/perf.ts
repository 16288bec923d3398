/**
 * The performance model: a roofline per engine step, then queueing.
 *
 * One engine step runs every running sequence one token forward (decode) and, with chunked prefill,
 * up to max_num_batched_tokens tokens in all (vLLM V1 schedules decodes first and fills the rest of
 * the budget with prompt chunks). On each GPU a step costs
 *
 *   memory  = (weights read + KV cache read) / (peak bandwidth × engine's achieved share)
 *   compute = (2 × matmul parameters per token × tokens + attention FLOPs) / (peak FLOPS × share)
 *   step    = max(memory, compute) + all-reduces (2 per layer under TP) + per-layer and per-step costs
 *
 * A MoE layer reads only the experts its tokens visit: with B tokens routed top-k of E experts,
 * 1 − (1 − k/E)^B of the expert weights (uniform routing). Pipeline stages run one after another
 * for a micro-batch; with pp micro-batches in flight every stage stays busy.
 *
 * Under load, B sequences run at once (capped by the KV cache and max_num_seqs). TPOT is the
 * average step; TTFT is the steps a prompt needs with the decodes riding along; throughput follows
 * from Little's law (X = B / e2e). A closed loop beyond capacity queues; an open loop (Poisson
 * arrivals at rate λ) is solved for its mean occupancy, and p50/p95 waiting times come from the
 * Erlang-C delay of an M/M/c queue with c = capacity.
 */
import type { DeviceEntry } from "../catalog/types.js";
import type { ModelArch } from "../models/arch.js";
import type { Performance } from "../contract/plan.js";
import type { PerfConstants } from "./perf-constants.js";
import type { ParamCount } from "./inventory.js";
import { holdsState, layerState } from "./hybrid.js";
import {
  DSA_LATENT_BYTES,
  dsaBytesPerTokenPerLayer,
  type KvCacheDtype,
  kvBytesPerTokenPerLayer,
  tokensCached,
} from "./kv.js";
import { stageLayers, type StageWeights } from "./placement.js";
import type { Precision } from "./weights.js";

export interface Workload {
  inputTokens: number;
  outputTokens: number;
  /** Closed loop: requests in flight, all replicas together. */
  concurrency: number | null;
  /** Open loop: requests per second, all replicas together. */
  requestRate: number | null;
}

export interface PerfInput {
  arch: ModelArch;
  params: ParamCount;
  precision: Precision;
  kvCacheDtype: KvCacheDtype;
  gpu: DeviceEntry;
  tp: number;
  pp: number;
  /** Nodes one replica spans (pipeline stages on different nodes talk over the network). */
  nodes: number;
  replicas: number;
  /** Weights per GPU of each pipeline stage (placement.weightsPerStage). */
  stages: StageWeights[];
  /** KV cache capacity of one replica, in tokens. */
  kvCacheTokens: number;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  workload: Workload;
}

const MS = 1e3;

/** Parameters that take part in a matrix multiply for one token (the embedding lookup does not). */
export function matmulParamsPerToken(arch: ModelArch, p: ParamCount): number {
  const lookup = p.byRole.embedding + p.byRole.norm + p.byRole.bias + p.byRole.vision;
  // Tied embeddings still multiply as the output projection.
  const tiedHead = arch.tieWordEmbeddings ? arch.vocabSize * arch.hiddenSize : 0;
  return p.active - lookup + tiedHead;
}

/** Attention FLOPs of one token attending to `context` tokens in one layer (QKᵀ and AV, 2 FLOPs/MAC). */
export function attentionFlopsPerTokenLayer(arch: ModelArch, layer: number, context: number): number {
  // The context this layer attends to: its window or chunk; none for state and MLP-only layers.
  const c = tokensCached(arch, layer, context);
  if (arch.mla) {
    // Absorbed MLA attends over the latent: scores use kv_lora_rank + rope dims, values kv_lora_rank.
    const m = arch.mla;
    return 2 * arch.numHeads * (m.kvLoraRank + m.qkRopeHeadDim + m.kvLoraRank) * c;
  }
  return 2 * arch.numHeads * (arch.headDim + arch.vHeadDim) * c;
}

/** Peak dense tensor throughput the precision's matmuls run at on this GPU, TFLOPS. */
export function peakTflops(gpu: DeviceEntry, precision: Precision): number {
  const f16 = gpu.tflops.bf16?.value ?? gpu.tflops.fp16.value;
  const k = precision.format.kind;
  if (k === "fp8") return gpu.nativeFp8 && gpu.tflops.fp8 ? gpu.tflops.fp8.value : f16;
  if (k === "int8") return gpu.tflops.int8?.value ?? f16;
  // Weight-only formats (AWQ, GPTQ, W4A16, MXFP4 on pre-Blackwell, bitsandbytes, GGUF) dequantize
  // into 16-bit matmuls.
  return f16;
}

/** Share of the expert weights a step with `tokens` routed tokens reads. */
export function expertsTouched(arch: ModelArch, tokens: number): number {
  if (!arch.moe || tokens <= 0) return tokens > 0 ? 1 : 0;
  const { numExperts: e, expertsPerToken: k } = arch.moe;
  return 1 - Math.pow(1 - k / e, tokens);
}

interface StepBreakdown {
  ms: number;
  memoryMs: number;
  computeMs: number;
  commMs: number;
}

/** Everything about a placement that does not depend on the batch. */
function prepare(inp: PerfInput, k: PerfConstants) {
  const { arch, gpu, pp } = inp;
  const eff = k.engine;
  const COLLECTIVES = k.collectives;
  const layerSets = stageLayers(arch.numLayers, pp);
  const vendor = k.vendor[gpu.kind === "cpu" ? "CPU" : gpu.vendor];
  const bw = gpu.memoryBandwidthGBs.value * 1e9 * eff.bandwidth * vendor;
  const flops = peakTflops(gpu, inp.precision) * 1e12 * eff.compute * vendor;
  const matmul = matmulParamsPerToken(arch, inp.params);
  const link = gpu.interconnect;
  const linkBw = link.gbsUnidirectional.value * 1e9 * COLLECTIVES.linkEfficiency;
  const linkLatency = COLLECTIVES.allReduceLatencyUs[link.kind] / 1e6;
  const actBytes = 2; // 16-bit activations cross the links
  // Per stage: full-attention and sliding-window layers, so a pass costs O(stages), not O(layers).
  // Hybrid models (src/sizing/hybrid.ts): chunked layers attend within their chunk; linear-attention
  // and Mamba layers ("state") read and write their fixed per-sequence state once per step, whatever
  // the context, instead of a per-token cache; "none" layers (MLP-only) have no token mixer.
  const count = (layers: number[], t: string) => layers.filter((l) => arch.layerTypes[l] === t).length;
  const stageKinds = layerSets.map((layers) => {
    const sliding = arch.slidingWindow ? count(layers, "sliding") : 0;
    const chunked = count(layers, "chunked");
    const state = layers.filter((l) => holdsState(arch.layerTypes[l])).length;
    const full = layers.length - sliding - chunked - state - count(layers, "none");
    return { layers: layers.length, full, sliding, chunked, state };
  });
  // Attention FLOPs per token per layer per context token (attentionFlopsPerTokenLayer / context).
  const attnCoef = attentionFlopsPerTokenLayer({ ...arch, layerTypes: ["full"] }, 0, 1);
  // DeepSeek sparse attention reads every context token's indexer key but attends to (and reads the
  // latents of) index_topk tokens only.
  const kvPerTokenLayer = arch.indexer
    ? dsaBytesPerTokenPerLayer(arch) - DSA_LATENT_BYTES
    : kvBytesPerTokenPerLayer(arch, inp.kvCacheDtype, inp.tp);
  const sparseLatentBytes = arch.indexer ? DSA_LATENT_BYTES : 0;
  const topK = arch.indexer?.topK ?? Infinity;
  const stateBytes = layerState(arch, inp.tp)?.bytes ?? 0;
  const window = arch.slidingWindow ?? Infinity;
  const chunk = arch.attentionChunkSize ?? Infinity;
  return {
    eff,
    collectives: COLLECTIVES,
    stageKinds,
    bw,
    flops,
    matmul,
    linkBw,
    linkLatency,
    actBytes,
    attnCoef,
    kvPerTokenLayer,
    sparseLatentBytes,
    topK,
    stateBytes,
    window,
    chunk,
  };
}

type Prepared = ReturnType<typeof prepare>;

/**
 * One pass of `tokens` tokens (of which `decodeSeqs` are decodes at `context`) through every
 * pipeline stage, in ms.
 */
function passTime(
  inp: PerfInput,
  pr: Prepared,
  tokens: number,
  decodeSeqs: number,
  context: number,
): StepBreakdown {
  const { arch, tp, pp } = inp;
  let memory = 0;
  let compute = 0;
  let comm = 0;
  let total = 0;
  const prefillTokens = Math.max(0, tokens - decodeSeqs);
  for (let s = 0; s < pp; s++) {
    const st = inp.stages[s]!;
    const k = pr.stageKinds[s]!;
    const share = k.layers / arch.numLayers;
    const weightBytes =
      st.bytesPerGpu - st.expertBytesPerGpu + st.expertBytesPerGpu * expertsTouched(arch, tokens);
    // Tokens of context each layer attends to: sliding layers stop at their window, chunked at their
    // chunk, sparse attention at its top-k.
    const seen = (ctx: number) =>
      k.full * ctx + k.sliding * Math.min(ctx, pr.window) + k.chunked * Math.min(ctx, pr.chunk);
    const attended = (ctx: number) => seen(Math.min(ctx, pr.topK));
    const kvBytes =
      decodeSeqs *
      (pr.kvPerTokenLayer * seen(context) +
        pr.sparseLatentBytes * attended(context) +
        2 * k.state * pr.stateBytes); // state layers: one read and one write of the state per step
    // A prompt chunk attends, on average, to half of itself.
    const attn = pr.attnCoef * (decodeSeqs * attended(context) + prefillTokens * attended(prefillTokens / 2));
    // GEMMs and attention are separate kernels, one after the other: each is bound by its own
    // bytes (weights; KV cache) or its own FLOPs.
    const gemmMem = (weightBytes / pr.bw) * MS;
    const gemmCmp = ((2 * pr.matmul * share * tokens) / tp / pr.flops) * MS;
    const attnMem = (kvBytes / pr.bw) * MS;
    const attnCmp = (attn / tp / pr.flops) * MS;
    const m = gemmMem + attnMem;
    const c = gemmCmp + attnCmp;
    const ar =
      tp > 1
        ? 2 *
          k.layers *
          (pr.linkLatency + ((2 * (tp - 1)) / tp) * ((tokens * arch.hiddenSize * pr.actBytes) / pr.linkBw)) *
          MS
        : 0;
    memory += m;
    compute += c;
    comm += ar;
    total +=
      Math.max(gemmMem, gemmCmp) +
      Math.max(attnMem, attnCmp) +
      ar +
      (k.layers * pr.eff.layerOverheadUs) / 1e3;
  }
  if (pp > 1) {
    // Hidden states handed from stage to stage: over the network between nodes, else the node's link.
    const bytes = tokens * arch.hiddenSize * pr.actBytes;
    const hops = pp - 1;
    const crossNode = Math.min(hops, inp.nodes - 1);
    const inNode = hops - crossNode;
    const send =
      crossNode * (pr.collectives.interNodeLatencyUs / 1e6 + bytes / (pr.collectives.interNodeGBs * 1e9)) +
      inNode * (pr.linkLatency + bytes / pr.linkBw);
    comm += send * MS;
    total += send * MS;
  }
  total += pr.eff.stepOverheadMs;
  return { ms: total, memoryMs: memory, computeMs: compute, commMs: comm };
}

/** Service times of one replica running `batch` sequences at once. */
function serviceAt(inp: PerfInput, pr: Prepared, batch: number, chunk: number) {
  const { inputTokens: I, outputTokens: O } = inp.workload;
  const context = I + O / 2;
  const pp = inp.pp;
  // Decode: each step advances every running sequence by one token; the prompts of the sequences
  // that replace the other finished ones ride along (I/O prompt tokens per decode token each).
  const perMicro = Math.max(batch / pp, 1e-9);
  const mixed = Math.min(chunk, perMicro + (Math.max(batch - 1, 0) / pp) * (I / Math.max(O, 1)));
  const decode = passTime(inp, pr, Math.max(mixed, perMicro), perMicro, context);
  const tpotMs = decode.ms;
  // Prefill of one prompt: chunks of what the step budget leaves after the decodes.
  const budget = Math.max(1, chunk - Math.min(batch, chunk - 1));
  const steps = Math.ceil(I / budget);
  const lastChunk = I - (steps - 1) * budget;
  let ttft = 0;
  for (let i = 0; i < steps; i++) {
    const t = i === steps - 1 ? lastChunk : budget;
    ttft += passTime(inp, pr, t + perMicro * (batch > 1 ? 1 : 0), batch > 1 ? perMicro : 0, context).ms;
  }
  // A new request waits, on average, for half of the step in progress.
  if (batch > 1) ttft += tpotMs / 2;
  const e2e = ttft + Math.max(0, O - 1) * tpotMs;
  return { tpotMs, ttftMs: ttft, e2eMs: e2e, decode };
}

/**
 * A static batch of `sequences` prompts submitted together (a benchmark's fixed batch): the time until
 * all of them have their first token, the prompts pushed through in chunks of max_num_batched_tokens.
 */
export function batchPrefillMs(inp: PerfInput, sequences: number, k: PerfConstants): number {
  const pr = prepare(inp, k);
  const chunk = pr.eff.prefillChunk ?? inp.maxNumBatchedTokens;
  let left = sequences * inp.workload.inputTokens;
  let ms = 0;
  while (left > 0) {
    const t = Math.min(chunk, left);
    ms += passTime(inp, pr, t, 0, 0).ms;
    left -= t;
  }
  return ms;
}

/** Erlang C: probability that an arrival waits, M/M/c with offered load a (Erlangs). */
export function erlangC(c: number, a: number): number {
  if (a >= c) return 1;
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return (c * b) / (c - a * (1 - b));
}

/** The q-quantile of the M/M/c waiting time (seconds), given Erlang C probability pw. */
function waitQuantile(pw: number, q: number, c: number, mu: number, lambda: number): number {
  if (pw <= 1 - q) return 0;
  return Math.log(pw / (1 - q)) / (c * mu - lambda);
}

export function predictPerformance(
  inp: PerfInput,
  k: PerfConstants,
): Performance & { saturated: boolean; capacity: number } {
  const pr = prepare(inp, k);
  const { inputTokens: I, outputTokens: O } = inp.workload;
  const chunk = pr.eff.prefillChunk ?? inp.maxNumBatchedTokens;
  const maxSeqs = inp.maxNumSeqs;
  // Sequences one replica holds at once: the KV cache (each needs I + O tokens) and the scheduler cap.
  const kvSeqs = Math.floor(inp.kvCacheTokens / Math.max(1, I + O));
  // Beyond chunk × O / (I + O) running sequences, prompt work alone fills every step.
  const prefillCap = Math.max(1, Math.floor((chunk * Math.max(O, 1)) / (I + O)));
  const capacity = Math.max(1, Math.min(maxSeqs, kvSeqs, prefillCap));
  const replicas = inp.replicas;
  const band = k.errorBand;

  const finish = (
    batch: number,
    queuedWaitMs: number,
    queued: number,
    saturated: boolean,
    percentiles: Performance["percentiles"],
  ) => {
    const s = serviceAt(inp, pr, batch, chunk);
    const x = batch / (s.e2eMs / MS); // requests/s of one replica
    const bottleneck =
      s.decode.commMs > Math.max(s.decode.memoryMs, s.decode.computeMs)
        ? "interconnect"
        : s.decode.computeMs > s.decode.memoryMs
          ? "compute"
          : "memory-bandwidth";
    const r2 = (v: number) => Math.round(v * 100) / 100;
    return {
      ttftMs: r2(s.ttftMs + queuedWaitMs),
      tpotMs: r2(s.tpotMs),
      e2eLatencyMs: r2(s.e2eMs + queuedWaitMs),
      outputTokensPerSec: r2(x * O * replicas),
      outputTokensPerSecPerUser: r2(MS / s.tpotMs),
      requestsPerSec: r2(x * replicas),
      batch: r2(batch * replicas),
      queued: r2(queued * replicas),
      percentiles,
      errorBand: band,
      bottleneck,
      saturated,
      capacity: capacity * replicas,
    };
  };

  if (inp.workload.requestRate !== null && inp.workload.requestRate !== undefined) {
    const lambda = inp.workload.requestRate / replicas;
    const e2eAt = (b: number) => serviceAt(inp, pr, Math.max(b, 1), chunk).e2eMs / MS;
    if (lambda * e2eAt(capacity) >= capacity) {
      // Arrivals outpace what a full batch finishes: the queue grows without bound.
      return finish(capacity, 0, capacity, true, null);
    }
    // Mean occupancy B solves B = λ · e2e(B) (Little's law); e2e grows with B, so bisect.
    let lo = 0;
    let hi = capacity;
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      if (lambda * e2eAt(mid) > mid) lo = mid;
      else hi = mid;
    }
    const b = Math.max(hi, 1e-6);
    const service = e2eAt(b);
    const mu = 1 / service;
    const a = lambda * service;
    const pw = erlangC(capacity, a);
    const meanWait = pw / (capacity * mu - lambda);
    const s = serviceAt(inp, pr, Math.max(b, 1), chunk);
    const w50 = waitQuantile(pw, 0.5, capacity, mu, lambda) * MS;
    const w95 = waitQuantile(pw, 0.95, capacity, mu, lambda) * MS;
    const r = finish(Math.max(b, Math.min(1, capacity)), meanWait * MS, lambda * meanWait, false, {
      ttftP50Ms: Math.round((s.ttftMs + w50) * 100) / 100,
      ttftP95Ms: Math.round((s.ttftMs + w95) * 100) / 100,
      e2eP50Ms: Math.round((s.e2eMs + w50) * 100) / 100,
      e2eP95Ms: Math.round((s.e2eMs + w95) * 100) / 100,
    });
    // In an open loop the throughput is the arrival rate.
    r.requestsPerSec = Math.round(lambda * replicas * 100) / 100;
    r.outputTokensPerSec = Math.round(lambda * replicas * O * 100) / 100;
    return r;
  }

  const users = Math.max(1, Math.ceil((inp.workload.concurrency ?? 1) / replicas));
  const batch = Math.min(users, capacity);
  if (users <= batch) return finish(batch, 0, 0, false, null);
  // Closed loop beyond capacity: each user waits for a slot; every user sees users / X per request.
  const s = serviceAt(inp, pr, batch, chunk);
  const x = batch / s.e2eMs; // per ms
  const wait = users / x - s.e2eMs;
  return finish(batch, wait, users - batch, false, null);
}
