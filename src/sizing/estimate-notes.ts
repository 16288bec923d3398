/**
 * What `estimate` says about the architectures of 2025-2026 besides the ledger: the per-sequence state
 * of linear-attention and Mamba layers, DeepSeek sparse attention's cache, chunked layers, and the
 * vision tower's place in the weights. Pure.
 */
import type { HybridKvLayout } from "../engines/vllm-hybrid.js";
import { blocksPerRequest } from "../engines/vllm-hybrid.js";
import type { ModelArch } from "../models/arch.js";
import { layerState } from "./hybrid.js";
import { countParams } from "./inventory.js";
import { visionTowerTensors } from "./inventory-hybrid.js";
import { dsaBytesPerTokenPerLayer, DSA_LATENT_BYTES } from "./kv.js";

const MiB = 1024 ** 2;
const count = (a: ModelArch, t: string) => a.layerTypes.filter((x) => x === t).length;

/** One line per feature of the model that shapes its memory differently from a plain transformer. */
export function architectureNotes(a: ModelArch): string[] {
  const notes: string[] = [];
  const st = layerState(a);
  if (st) {
    const n = count(a, "linear") + count(a, "mamba");
    const kind = a.gdn ? "Gated DeltaNet" : "Mamba-2";
    const dtype = (a.gdn ?? a.mamba)?.stateDtype ?? "the model dtype";
    notes.push(
      `${n} of ${a.numLayers} layers are ${kind} layers: no per-token KV cache, a fixed state of ` +
        `${(st.bytes / MiB).toFixed(2)} MiB per layer per sequence (recurrent state in ${dtype}, conv state in 16 bit); ` +
        `only the ${a.numLayers - n - count(a, "none")} attention layers cache tokens`,
    );
  }
  if (a.indexer) {
    notes.push(
      `DeepSeek sparse attention: ${dsaBytesPerTokenPerLayer(a)} bytes per token per layer = ${DSA_LATENT_BYTES} ` +
        `(MLA latent, vLLM's fp8_ds_mla) + ${dsaBytesPerTokenPerLayer(a) - DSA_LATENT_BYTES} (indexer key, fp8 + scale); ` +
        `each token attends to ${a.indexer.topK} selected tokens`,
    );
  }
  if (a.layerTypes.includes("chunked") && a.attentionChunkSize) {
    notes.push(
      `chunked local attention on ${count(a, "chunked")} of ${a.numLayers} layers: each attends within its ` +
        `${a.attentionChunkSize}-token chunk`,
    );
  }
  const tower = visionTowerTensors(a);
  if (a.visionTower && tower.length) {
    const n = tower.reduce((s, t) => s + t.rows * t.cols * t.count, 0);
    const share = (100 * n) / countParams(a).total;
    notes.push(
      `vision tower and projector: ${(n / 1e9).toFixed(2)}B parameters (${share.toFixed(1)} %) counted in the ` +
        `weights of every GPU of the first pipeline stage; it holds no KV cache (image tokens are cached like text)`,
    );
  }
  return notes;
}

/** vLLM's hybrid pool as `estimate` reports it (PlacementResult.hybridKv). */
export interface HybridKvSummary {
  /** Attention block size in tokens, raised so one page holds a sequence's state. */
  blockSize: number;
  /** Layers per KV cache group, and groups of each kind. */
  groupSize: number;
  groups: { full: number; sliding: number; state: number };
  numBlocks: number;
  /** Blocks one request of maxModelLen takes. */
  blocksPerRequest: number;
  /** How much vLLM pads each state page to the attention page, percent. */
  statePaddingPercent: number;
}

export function hybridSummary(
  h: { layout: HybridKvLayout; numBlocks: number },
  maxModelLen: number,
): HybridKvSummary {
  const l = h.layout;
  return {
    blockSize: l.blockSize,
    groupSize: l.groupSize,
    groups: l.groups,
    numBlocks: h.numBlocks,
    blocksPerRequest: blocksPerRequest(l, maxModelLen),
    statePaddingPercent: l.stateBytes > 0 ? Math.round((l.pageBytes / l.stateBytes - 1) * 10000) / 100 : 0,
  };
}
