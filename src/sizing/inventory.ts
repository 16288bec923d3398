/**
 * Every weight tensor of a model, from its architecture. Parameter counts, bytes per precision and
 * per-GPU shards are all derived from this one list, so each fact about a layer lives here once.
 *
 * Shapes follow the PyTorch Linear convention: rows = out_features, cols = in_features.
 * 1-D tensors (norm weights, biases) have cols = 1.
 */
import type { ModelArch } from "../models/arch.js";
import { gdnTensors, indexerTensors, mambaTensors, visionTowerTensors } from "./inventory-hybrid.js";

export type TensorRole =
  | "embedding"
  | "lm_head"
  | "attention"
  | "mlp"
  | "expert"
  | "shared_expert"
  | "router"
  | "norm"
  | "bias"
  | "vision";

/**
 * How tensor parallelism splits a tensor across ranks (vLLM's parallel linear layers):
 * column: rows split; row: cols split (its bias is kept whole on every rank); kv: rows split by KV
 * head, replicated when TP > KV heads; vocab: rows split (vocab-parallel embedding/lm_head);
 * heads: 1-D per-head tensor split by head; groups: rows made of `units` groups (Mamba-2's B/C
 * groups), split by group and replicated when TP > groups (vLLM adds "extra groups for head shards");
 * replicated: whole on every rank.
 */
export type TpSplit = "column" | "row" | "kv" | "vocab" | "heads" | "groups" | "replicated";

export interface Tensor {
  name: string;
  role: TensorRole;
  /** Decoder layer index, or null for embeddings, final norm, lm_head, vision. */
  layer: number | null;
  rows: number;
  cols: number;
  /** Stacked copies (routed experts); 1 otherwise. */
  count: number;
  /** A 2-D Linear weight inside a decoder layer: what weight-quantization schemes quantize. */
  linear: boolean;
  tp: TpSplit;
  /** Groups the rows are made of (tp "groups"). */
  units?: number;
  /**
   * The checkpoint stores it quantized although the engine loads it in 16 bit (DeepSeek-V3.2's
   * indexer wk, which vLLM upcasts to BF16): counted for the checkpoint's FP8 scales only.
   */
  storedLinear?: boolean;
}

/** Parameters held by one tensor entry. */
export const tensorParams = (t: Tensor): number => t.rows * t.cols * t.count;

export function linear(
  name: string,
  role: TensorRole,
  layer: number,
  rows: number,
  cols: number,
  tp: TpSplit,
  count = 1,
): Tensor {
  return { name, role, layer, rows, cols, count, linear: true, tp };
}
export function vec(
  name: string,
  role: TensorRole,
  layer: number | null,
  size: number,
  tp: TpSplit,
  count = 1,
): Tensor {
  return { name, role, layer, rows: size, cols: 1, count, linear: false, tp };
}

export function norm(arch: ModelArch, name: string, layer: number | null, size: number): Tensor[] {
  const out = [vec(`${name}.weight`, "norm", layer, size, "replicated")];
  if (arch.normKind === "layer") out.push(vec(`${name}.bias`, "norm", layer, size, "replicated"));
  return out;
}

function attention(arch: ModelArch, i: number): Tensor[] {
  const p = `layers.${i}.self_attn`;
  const h = arch.hiddenSize;
  const out: Tensor[] = [];
  if (arch.mla) {
    // DeepSeek MLA (modeling_deepseek.py DeepseekV3Attention): q via an optional low-rank pair,
    // kv via a shared compressed latent plus a decoupled RoPE key.
    const m = arch.mla;
    const qHead = m.qkNopeHeadDim + m.qkRopeHeadDim;
    if (m.qLoraRank === null) {
      out.push(linear(`${p}.q_proj.weight`, "attention", i, arch.numHeads * qHead, h, "column"));
    } else {
      out.push(linear(`${p}.q_a_proj.weight`, "attention", i, m.qLoraRank, h, "replicated"));
      out.push(...norm(arch, `${p}.q_a_layernorm`, i, m.qLoraRank));
      out.push(linear(`${p}.q_b_proj.weight`, "attention", i, arch.numHeads * qHead, m.qLoraRank, "column"));
    }
    out.push(
      linear(
        `${p}.kv_a_proj_with_mqa.weight`,
        "attention",
        i,
        m.kvLoraRank + m.qkRopeHeadDim,
        h,
        "replicated",
      ),
    );
    out.push(...norm(arch, `${p}.kv_a_layernorm`, i, m.kvLoraRank));
    out.push(
      linear(
        `${p}.kv_b_proj.weight`,
        "attention",
        i,
        arch.numHeads * (m.qkNopeHeadDim + m.vHeadDim),
        m.kvLoraRank,
        "column",
      ),
    );
    out.push(linear(`${p}.o_proj.weight`, "attention", i, h, arch.numHeads * m.vHeadDim, "row"));
    if (arch.indexer) out.push(...indexerTensors(arch, i));
    return out;
  }
  const q = arch.numHeads * arch.headDim;
  // Gated attention (Qwen3-Next, Qwen3.5): q_proj also produces the output gate, 2 × as wide.
  const qOut = arch.attnOutputGate ? 2 * q : q;
  const kv = arch.numKvHeads * arch.headDim;
  const vOut = arch.numKvHeads * arch.vHeadDim;
  out.push(linear(`${p}.q_proj.weight`, "attention", i, qOut, h, "column"));
  out.push(linear(`${p}.k_proj.weight`, "attention", i, kv, h, "kv"));
  out.push(linear(`${p}.v_proj.weight`, "attention", i, vOut, h, "kv"));
  out.push(linear(`${p}.o_proj.weight`, "attention", i, h, arch.numHeads * arch.vHeadDim, "row"));
  if (arch.qkvBias) {
    out.push(vec(`${p}.q_proj.bias`, "bias", i, q, "column"));
    out.push(vec(`${p}.k_proj.bias`, "bias", i, kv, "kv"));
    out.push(vec(`${p}.v_proj.bias`, "bias", i, vOut, "kv"));
  }
  if (arch.oBias) out.push(vec(`${p}.o_proj.bias`, "bias", i, h, "replicated"));
  if (arch.qkNorm && arch.qkNormShape === "full") {
    // MiniMax-M2: one norm over every q channel and one over every k channel of the layer.
    out.push(...norm(arch, `${p}.q_norm`, i, q));
    out.push(...norm(arch, `${p}.k_norm`, i, kv));
  } else if (arch.qkNorm && arch.qkNormShape !== "weightless") {
    out.push(...norm(arch, `${p}.q_norm`, i, arch.headDim));
    out.push(...norm(arch, `${p}.k_norm`, i, arch.headDim));
  }
  if (arch.attentionSinks) out.push(vec(`${p}.sinks`, "attention", i, arch.numHeads, "heads"));
  return out;
}

/** A dense (or shared-expert) MLP: gate+up+down when gated, up+down otherwise. */
function mlp(
  arch: ModelArch,
  prefix: string,
  role: TensorRole,
  i: number,
  inter: number,
  bias: boolean,
): Tensor[] {
  const h = arch.hiddenSize;
  const out: Tensor[] = [];
  if (arch.mlpGated) out.push(linear(`${prefix}.gate_proj.weight`, role, i, inter, h, "column"));
  out.push(linear(`${prefix}.up_proj.weight`, role, i, inter, h, "column"));
  out.push(linear(`${prefix}.down_proj.weight`, role, i, h, inter, "row"));
  if (bias) {
    if (arch.mlpGated) out.push(vec(`${prefix}.gate_proj.bias`, "bias", i, inter, "column"));
    out.push(vec(`${prefix}.up_proj.bias`, "bias", i, inter, "column"));
    out.push(vec(`${prefix}.down_proj.bias`, "bias", i, h, "replicated"));
  }
  return out;
}

function moeBlock(arch: ModelArch, i: number): Tensor[] {
  const m = arch.moe!;
  const h = arch.hiddenSize;
  const p = `layers.${i}.mlp`;
  const e = m.numExperts;
  const inter = m.expertIntermediateSize;
  const out: Tensor[] = [linear(`${p}.gate.weight`, "router", i, e, h, "replicated")];
  out[0]!.linear = false; // routers stay in 16 bit in every quantization scheme we model
  if (m.routerBias) out.push(vec(`${p}.gate.bias`, "router", i, e, "replicated"));
  if (m.scoreCorrectionBias) out.push(vec(`${p}.gate.e_score_correction_bias`, "router", i, e, "replicated"));
  // Routed experts, stacked: gate and up (column-parallel), down (row-parallel).
  if (arch.mlpGated) out.push(linear(`${p}.experts.gate_proj.weight`, "expert", i, inter, h, "column", e));
  out.push(linear(`${p}.experts.up_proj.weight`, "expert", i, inter, h, "column", e));
  out.push(linear(`${p}.experts.down_proj.weight`, "expert", i, h, inter, "row", e));
  if (m.expertBias) {
    if (arch.mlpGated) out.push(vec(`${p}.experts.gate_proj.bias`, "expert", i, inter, "column", e));
    out.push(vec(`${p}.experts.up_proj.bias`, "expert", i, inter, "column", e));
    out.push(vec(`${p}.experts.down_proj.bias`, "expert", i, h, "replicated", e));
  }
  if (m.sharedIntermediateSize > 0) {
    out.push(...mlp(arch, `${p}.shared_expert`, "shared_expert", i, m.sharedIntermediateSize, false));
    if (m.sharedExpertGate) {
      const g = linear(`${p}.shared_expert_gate.weight`, "router", i, 1, h, "replicated");
      g.linear = false;
      out.push(g);
    }
  }
  return out;
}

function visionTower(arch: ModelArch): Tensor[] {
  const v = arch.vision;
  if (!v) return [];
  // SigLIP (modeling_siglip.py): conv patch embedding with bias, learned position embedding per patch,
  // per layer two LayerNorms, q/k/v/out projections with bias, fc1/fc2 with bias; a final LayerNorm.
  const h = v.hiddenSize;
  const patches = (v.imageSize / v.patchSize) ** 2;
  const t = (name: string, rows: number, cols = 1): Tensor => ({
    name: `vision.${name}`,
    role: "vision",
    layer: null,
    rows,
    cols,
    count: 1,
    linear: false,
    tp: "replicated",
  });
  const out: Tensor[] = [
    t("patch_embedding.weight", h, v.numChannels * v.patchSize * v.patchSize),
    t("patch_embedding.bias", h),
    t("position_embedding.weight", patches, h),
  ];
  for (let l = 0; l < v.numLayers; l++) {
    const p = `layers.${l}`;
    out.push(t(`${p}.layer_norm1`, 2 * h), t(`${p}.layer_norm2`, 2 * h));
    for (const n of ["q_proj", "k_proj", "v_proj", "out_proj"])
      out.push(t(`${p}.${n}.weight`, h, h), t(`${p}.${n}.bias`, h));
    out.push(t(`${p}.fc1.weight`, v.intermediateSize, h), t(`${p}.fc1.bias`, v.intermediateSize));
    out.push(t(`${p}.fc2.weight`, h, v.intermediateSize), t(`${p}.fc2.bias`, h));
  }
  out.push(t("post_layernorm", 2 * h));
  // Gemma 3 multi-modal projector: mm_input_projection_weight [vision_hidden, text_hidden] and
  // mm_soft_emb_norm (RMSNorm over vision_hidden).
  out.push(
    t("mm_input_projection_weight", v.hiddenSize, arch.hiddenSize),
    t("mm_soft_emb_norm.weight", v.hiddenSize),
  );
  return out;
}

/** The token mixer of decoder layer i: attention, Gated DeltaNet, a Mamba-2 mixer, or nothing. */
function mixer(arch: ModelArch, i: number): Tensor[] {
  switch (arch.layerTypes[i]) {
    case "linear":
      return gdnTensors(arch, i);
    case "mamba":
      return mambaTensors(arch, i);
    case "none":
      return [];
    default:
      return attention(arch, i);
  }
}

/** Every tensor of decoder layer i: its norms, token mixer and feed-forward block. */
export function decoderLayer(arch: ModelArch, i: number): Tensor[] {
  const out: Tensor[] = [];
  for (let n = 0; n < arch.normsPerLayer; n++)
    out.push(...norm(arch, `layers.${i}.norm${n}`, i, arch.hiddenSize));
  out.push(...mixer(arch, i));
  const ffn = arch.ffnLayers?.[i] ?? (arch.moe && arch.moe.moeLayers[i] ? "moe" : "dense");
  if (ffn === "moe") out.push(...moeBlock(arch, i));
  else if (ffn === "dense")
    out.push(...mlp(arch, `layers.${i}.mlp`, "mlp", i, arch.intermediateSize, arch.mlpBias));
  return out;
}

/** The full list of weight tensors of the model as the engine loads it (MTP layers excluded). */
export function inventory(arch: ModelArch): Tensor[] {
  const h = arch.hiddenSize;
  const out: Tensor[] = [
    {
      name: "embed_tokens.weight",
      role: "embedding",
      layer: null,
      rows: arch.vocabSize,
      cols: h,
      count: 1,
      linear: false,
      tp: "vocab",
    },
  ];
  for (let i = 0; i < arch.numLayers; i++) out.push(...decoderLayer(arch, i));
  out.push(...norm(arch, "norm", null, h));
  if (!arch.tieWordEmbeddings) {
    out.push({
      name: "lm_head.weight",
      role: "lm_head",
      layer: null,
      rows: arch.vocabSize,
      cols: h,
      count: 1,
      linear: false,
      tp: "vocab",
    });
  }
  out.push(...visionTower(arch), ...visionTowerTensors(arch));
  return out;
}

export interface ParamCount {
  /** Every parameter the engine loads. */
  total: number;
  /** Parameters used per token: routed experts count only the top-k of each MoE layer. */
  active: number;
  byRole: Record<TensorRole, number>;
}

/** Parameter counts from the inventory. */
export function countParams(arch: ModelArch, tensors: Tensor[] = inventory(arch)): ParamCount {
  const byRole = {
    embedding: 0,
    lm_head: 0,
    attention: 0,
    mlp: 0,
    expert: 0,
    shared_expert: 0,
    router: 0,
    norm: 0,
    bias: 0,
    vision: 0,
  } satisfies Record<TensorRole, number>;
  let total = 0;
  let inactive = 0;
  for (const t of tensors) {
    const n = tensorParams(t);
    byRole[t.role] += n;
    total += n;
    if (t.role === "expert" && arch.moe) inactive += n - (n / t.count) * arch.moe.expertsPerToken;
  }
  return { total, active: total - inactive, byRole };
}
