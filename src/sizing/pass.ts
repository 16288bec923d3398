/**
 * One engine pass (forward step) as a roofline per pipeline stage, on each GPU:
 *
 *   GEMMs     max(weights read / bandwidth, 2 × matmul params × tokens / TP / FLOPS)
 *   attention max(KV cache read / bandwidth, attention FLOPs / FLOPS)
 *   comm      2 all-reduces per layer under TP (measured latency per call, src/sizing/allreduce.ts)
 *   floors    a kernel takes at least its launch-and-ramp time: per layer the dense kernels cost at
 *             least a floor (MLA layers a higher one: their low-rank projections), MoE layers' router,
 *             dispatch and grouped GEMMs another; at small batch or high TP the floors dominate,
 *             at large batch the bytes and FLOPs hide them
 *   per pass  scheduling and sampling, and a cost per sequence that gets a token
 *
 * Bandwidth and FLOPS are the GPU's peaks (GPU catalog, each with its source) times the engine's
 * achieved shares (its module; fitted, docs/performance.md). A MoE layer reads only the experts its
 * tokens visit: with n routed tokens, top-k of E, 1 − (1 − k/E)^n of the expert weights (uniform
 * routing). Pipeline stages run one after another for a micro-batch.
 */
import type { DeviceEntry } from "../catalog/types.js";
import type { ModelArch } from "../models/arch.js";
import { allReduceSeries, allReduceUs, allReduceUsOf } from "./allreduce.js";
import type { ParamCount } from "./inventory.js";
import { holdsState, layerState } from "./hybrid.js";
import {
  DSA_LATENT_BYTES,
  dsaBytesPerTokenPerLayer,
  type KvCacheDtype,
  kvBytesPerTokenPerLayer,
  tokensCached,
} from "./kv.js";
import type { PerfConstants } from "./perf-constants.js";
import { stageLayers, type StageWeights } from "./placement.js";
import type { Precision } from "./weights.js";

/** What a pass needs to know about the placement (a subset of PerfInput). */
export interface PassPlacement {
  arch: ModelArch;
  params: ParamCount;
  precision: Precision;
  kvCacheDtype: KvCacheDtype;
  gpu: DeviceEntry;
  tp: number;
  pp: number;
  /** Nodes one replica spans (pipeline stages on different nodes talk over the network). */
  nodes: number;
  /** Weights per GPU of each pipeline stage (placement.weightsPerStage). */
  stages: StageWeights[];
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

/** Share of the expert weights a pass with `tokens` routed tokens reads. */
export function expertsTouched(arch: ModelArch, tokens: number): number {
  if (!arch.moe || tokens <= 0) return tokens > 0 ? 1 : 0;
  const { numExperts: e, expertsPerToken: k } = arch.moe;
  return 1 - Math.pow(1 - k / e, tokens);
}

/** Time of one pass, ms, and where it went. */
export interface PassTime {
  ms: number;
  memoryMs: number;
  computeMs: number;
  commMs: number;
  /** Per-pass costs and what the kernels' floors add beyond their bytes or FLOPs. */
  fixedMs: number;
}

/** Everything about a placement that does not depend on the batch (computed once per prediction). */
export function preparePass(inp: PassPlacement, k: PerfConstants) {
  const { arch, gpu, pp, tp } = inp;
  const eff = k.engine;
  const vendorKey = gpu.kind === "cpu" ? "CPU" : gpu.vendor;
  const vendor = k.vendor[vendorKey];
  // Fixed costs (per step, per sequence, the kernels' floors) on this vendor's software stack.
  const fixedScale = k.vendorFixedCost[vendorKey];
  const bw = gpu.memoryBandwidthGBs.value * 1e9 * eff.bandwidth * vendor;
  const flops = peakTflops(gpu, inp.precision) * 1e12 * eff.compute * vendor;
  const linkBw = gpu.interconnect.gbsUnidirectional.value * 1e9 * k.collectives.linkEfficiency;
  const fallbackUs = k.collectives.allReduceLatencyUs[gpu.interconnect.kind];
  // Per stage: full-attention, sliding-window, MoE and MLA layers, so a pass costs O(stages).
  // Hybrid models (src/sizing/hybrid.ts): chunked layers attend within their chunk; linear-attention
  // and Mamba layers ("state") read and write their fixed per-sequence state once per step, whatever
  // the context, instead of a per-token cache; "none" layers (MLP-only) have no token mixer.
  const count = (layers: number[], t: string) => layers.filter((l) => arch.layerTypes[l] === t).length;
  const stageKinds = stageLayers(arch.numLayers, pp).map((layers) => {
    const sliding = arch.slidingWindow ? count(layers, "sliding") : 0;
    const chunked = count(layers, "chunked");
    const state = layers.filter((l) => holdsState(arch.layerTypes[l])).length;
    const moe = arch.moe ? layers.filter((l) => arch.moe!.moeLayers[l]).length : 0;
    // Floors (µs per stage): the dense kernels of every layer (and MLA's extra projections), and the
    // router / dispatch / grouped-GEMM kernels of the MoE layers.
    const denseFloorUs =
      layers.length * (eff.layerOverheadUs + (arch.mla ? eff.mlaLayerOverheadUs : 0)) * fixedScale;
    const expertFloorUs = moe * eff.moeLayerOverheadUs * fixedScale;
    return {
      layers: layers.length,
      full: layers.length - sliding - chunked - state - count(layers, "none"),
      sliding,
      chunked,
      state,
      denseFloorMs: denseFloorUs / 1e3,
      expertFloorMs: expertFloorUs / 1e3,
    };
  });
  // Point-to-point latency between pipeline stages inside a node: one small message.
  const hopUs = allReduceUs(gpu, "nccl", 2, 2 * arch.hiddenSize, linkBw, fallbackUs) / 2;
  const matmul = matmulParamsPerToken(arch, inp.params);
  const arSeries = tp > 1 ? (allReduceSeries(gpu, eff.allReduce, tp)?.series ?? null) : null;
  return {
    eff,
    k,
    fixedScale,
    stageKinds,
    bw,
    flops,
    matmul,
    // Routed-expert parameters one token multiplies by (its top-k experts of each MoE layer).
    expertMatmul: arch.moe ? (inp.params.byRole.expert * arch.moe.expertsPerToken) / arch.moe.numExperts : 0,
    linkBw,
    hopUs,
    // Attention FLOPs per token per layer per context token.
    attnCoef: attentionFlopsPerTokenLayer({ ...arch, layerTypes: ["full"] }, 0, 1),
    // DeepSeek sparse attention reads every context token's indexer key but attends to (and reads the
    // latents of) index_topk tokens only.
    kvPerTokenLayer: arch.indexer
      ? dsaBytesPerTokenPerLayer(arch) - DSA_LATENT_BYTES
      : kvBytesPerTokenPerLayer(arch, inp.kvCacheDtype, tp),
    sparseLatentBytes: arch.indexer ? DSA_LATENT_BYTES : 0,
    topK: arch.indexer?.topK ?? Infinity,
    stateBytes: layerState(arch, tp)?.bytes ?? 0,
    window: arch.slidingWindow ?? Infinity,
    chunk: arch.attentionChunkSize ?? Infinity,
    /** One all-reduce of `tokens` tokens' hidden states, ms. */
    allReduceMs: (tokens: number) =>
      allReduceUsOf(arSeries, tp, tokens * arch.hiddenSize * 2, linkBw, fallbackUs) / 1e3,
  };
}

export type PreparedPass = ReturnType<typeof preparePass>;

/**
 * Latency a request pays outside the GPU passes when served over the engine's HTTP API, ms: the
 * engine's fixed cost (HTTP, tokenisation, detokenisation, streaming) plus, per decoder layer of the
 * model, the dispatch of its prompt's pass, which runs outside the CUDA graphs the engines capture for
 * decode batches. None for in-process benchmarks (`throughApi: false`). NVIDIA aiconfigurator models
 * the second part for vLLM the same way ("CPU-side dispatch overhead scales with layer count and is
 * not captured in silicon benchmarks", `return model._num_layers * 0.8`,
 * aic-core/src/aiconfigurator_core/sdk/backends/vllm_backend.py at 095f58a); llmdeploy fits its own
 * value on the fit side of the calibration set (src/engines/common.ts).
 */
export function requestOverheadOf(
  arch: ModelArch,
  eff: PerfConstants["engine"],
  throughApi?: boolean,
): number {
  if (throughApi === false) return 0;
  return eff.requestOverheadMs + (arch.numLayers * eff.requestLayerOverheadUs) / MS;
}

/**
 * One pass of `tokens` tokens through every pipeline stage, of which `decodeSeqs` are decodes at
 * mean context `context` and the rest prompt tokens attending, on average, to `prefillContext`
 * tokens each (a whole prompt of n tokens: n/2). ms.
 */
export function passTime(
  inp: PassPlacement,
  pr: PreparedPass,
  tokens: number,
  decodeSeqs: number,
  context: number,
  prefillContext?: number,
): PassTime {
  const { arch, tp, pp } = inp;
  const prefillTokens = Math.max(0, tokens - decodeSeqs);
  const pctx = prefillContext ?? prefillTokens / 2;
  const ar = tp > 1 ? pr.allReduceMs(tokens) : 0;
  let memory = 0;
  let compute = 0;
  let comm = 0;
  // Per step, and per sequence that gets a token this step (input preparation, sampling, output).
  const perStep = (pr.eff.stepOverheadMs + (decodeSeqs * pr.eff.seqOverheadUs) / 1e3) * pr.fixedScale;
  let fixed = perStep;
  let total = perStep;
  for (let s = 0; s < pp; s++) {
    const st = inp.stages[s]!;
    const k = pr.stageKinds[s]!;
    const share = k.layers / arch.numLayers;
    const denseBytes = st.bytesPerGpu - st.expertBytesPerGpu;
    const expertBytes = st.expertBytesPerGpu * expertsTouched(arch, tokens);
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
    const attn = pr.attnCoef * (decodeSeqs * attended(context) + prefillTokens * attended(pctx));
    // Dense GEMMs, expert GEMMs and attention are separate kernels, one after the other: each is
    // bound by its own bytes (weights; KV cache) or its own FLOPs. Grouped expert GEMMs reach a
    // share of the dense GEMMs' efficiency.
    const flopsOf = (params: number) => ((2 * params * share * tokens) / tp / pr.flops) * MS;
    const denseMem = (denseBytes / pr.bw) * MS;
    const denseCmp = flopsOf(pr.matmul - pr.expertMatmul);
    const moeEff = pr.eff.moeGemmEfficiency;
    const expertMem = (expertBytes / pr.bw / moeEff) * MS;
    const expertCmp = flopsOf(pr.expertMatmul) / moeEff;
    const attnMem = (kvBytes / pr.bw) * MS;
    const attnCmp = (attn / tp / pr.flops) * MS;
    const c = 2 * k.layers * ar;
    memory += denseMem + expertMem + attnMem;
    compute += denseCmp + expertCmp + attnCmp;
    comm += c;
    // A kernel takes at least its launch-and-ramp floor: at small batch (or high TP) the layers' small
    // kernels cost their floors, at large batch their bytes or FLOPs, which hide the floors.
    const dense = Math.max(denseMem, denseCmp, k.denseFloorMs);
    const expert = pr.expertMatmul > 0 ? Math.max(expertMem, expertCmp, k.expertFloorMs) : 0;
    fixed +=
      Math.max(0, dense - Math.max(denseMem, denseCmp)) +
      Math.max(0, expert - Math.max(expertMem, expertCmp));
    total += dense + expert + Math.max(attnMem, attnCmp) + c;
  }
  if (pp > 1) {
    // Hidden states handed from stage to stage: over the network between nodes, else the node's link.
    const bytes = tokens * arch.hiddenSize * 2;
    const hops = pp - 1;
    const crossNode = Math.min(hops, inp.nodes - 1);
    const inNode = hops - crossNode;
    const col = pr.k.collectives;
    const send =
      crossNode * (col.interNodeLatencyUs / 1e6 + bytes / (col.interNodeGBs * 1e9)) +
      inNode * (pr.hopUs / 1e6 + bytes / pr.linkBw);
    comm += send * MS;
    total += send * MS;
  }
  return { ms: total, memoryMs: memory, computeMs: compute, commMs: comm, fixedMs: fixed };
}
