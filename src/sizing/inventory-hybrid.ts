/**
 * Weight tensors of the layer kinds of 2025-2026 (see src/models/arch.ts): Gated DeltaNet and
 * Mamba-2 mixers, DeepSeek-V3.2's sparse-attention indexer, and the vision towers of Qwen3-VL /
 * Qwen3.5, Llama 4 and Mistral 3 (Pixtral). Shapes follow the PyTorch Linear convention
 * (rows = out_features); TP splits are vLLM's (src/sizing/inventory.ts TpSplit).
 */
import type { ModelArch } from "../models/arch.js";
import type { Tensor, TensorRole, TpSplit } from "./inventory.js";

function t(
  name: string,
  role: TensorRole,
  layer: number | null,
  rows: number,
  cols: number,
  tp: TpSplit,
  linear: boolean,
  extra: Partial<Tensor> = {},
): Tensor {
  return { name, role, layer, rows, cols, count: 1, linear, tp, ...extra };
}

/**
 * One Gated DeltaNet layer (Qwen3-Next `Qwen3NextGatedDeltaNet`; Qwen3.5 stores in_proj_qkvz as
 * in_proj_qkv + in_proj_z and in_proj_ba as in_proj_b + in_proj_a, the same parameters), with
 * key_dim = Kh·dk, value_dim = Vh·dv, conv_dim = 2·key_dim + value_dim:
 *   in_proj_qkvz [2·key_dim + 2·value_dim, h], in_proj_ba [2·Vh, h]   column-parallel
 *   conv1d [conv_dim, 1, kernel], no bias                                column-parallel
 *   dt_bias [Vh], A_log [Vh]                                            split by value head
 *   norm [dv] (gated RMSNorm over one head)                             replicated
 *   out_proj [h, value_dim]                                              row-parallel
 * Source: transformers modular_qwen3_next.py (`self.conv_dim = self.key_dim * 2 + self.value_dim`,
 * `projection_size_qkvz = self.key_dim * 2 + self.value_dim * 2`, `projection_size_ba = self.num_v_heads * 2`,
 * `Qwen3NextRMSNormGated(self.head_v_dim, ...)`); vLLM qwen_gdn_linear_attn.py for the splits.
 * Qwen3-Next-80B: (2·2048 + 2·4096)·2048 + 64·2048 + 8192·4 + 32 + 32 + 128 + 2048·4096 = 33,718,464.
 */
export function gdnTensors(arch: ModelArch, i: number): Tensor[] {
  const g = arch.gdn!;
  const h = arch.hiddenSize;
  const p = `layers.${i}.linear_attn`;
  const keyDim = g.numKeyHeads * g.keyHeadDim;
  const valueDim = g.numValueHeads * g.valueHeadDim;
  const convDim = 2 * keyDim + valueDim;
  return [
    t(`${p}.in_proj_qkvz.weight`, "attention", i, 2 * keyDim + 2 * valueDim, h, "column", true),
    t(`${p}.in_proj_ba.weight`, "attention", i, 2 * g.numValueHeads, h, "column", true),
    t(`${p}.conv1d.weight`, "attention", i, convDim, g.convKernel, "column", false),
    t(`${p}.dt_bias`, "attention", i, g.numValueHeads, 1, "heads", false),
    t(`${p}.A_log`, "attention", i, g.numValueHeads, 1, "heads", false),
    t(`${p}.norm.weight`, "norm", i, g.valueHeadDim, 1, "replicated", false),
    t(`${p}.out_proj.weight`, "attention", i, h, valueDim, "row", true),
  ];
}

/**
 * One Mamba-2 mixer (state-spaces/mamba `Mamba2`, vLLM `MambaMixer2`), inner I = heads·head_dim,
 * G groups of state size N, conv_dim = I + 2·G·N:
 *   in_proj [2·I + 2·G·N + H, h] (z, x, B, C, dt), bias when projBias
 *   conv1d [conv_dim, 1, kernel] + bias [conv_dim] when convBias
 *   A_log, D, dt_bias [H]; gated RMSNorm [I]; out_proj [h, I] (+ bias [h] when projBias)
 * vLLM splits z, x, dt and the norm by rank and the B/C groups by group, each rank keeping whole
 * groups (`self.n_groups = n_groups + extra_groups_for_head_shards(n_groups, self.tp_size)`): with one
 * group every rank holds all of B and C. The B/C rows are therefore separate entries here.
 * Nemotron-Nano-9B-v2 (I 10240, G 8, N 128, H 128, kernel 4, conv bias, no proj bias, h 4480):
 * 22,656·4480 + 12,288·4 + 12,288 + 3·128 + 10,240 + 4480·10,240 = 147,446,144 per layer.
 */
export function mambaTensors(arch: ModelArch, i: number): Tensor[] {
  const m = arch.mamba!;
  const h = arch.hiddenSize;
  const p = `layers.${i}.mixer`;
  const inner = m.numHeads * m.headDim;
  const bc = 2 * m.numGroups * m.stateSize;
  const groups = { units: m.numGroups };
  const out: Tensor[] = [
    t(`${p}.in_proj.weight`, "attention", i, 2 * inner + m.numHeads, h, "column", true),
    t(`${p}.in_proj.bc.weight`, "attention", i, bc, h, "groups", true, groups),
    t(`${p}.conv1d.weight`, "attention", i, inner, m.convKernel, "column", false),
    t(`${p}.conv1d.bc.weight`, "attention", i, bc, m.convKernel, "groups", false, groups),
  ];
  if (m.projBias) {
    out.push(t(`${p}.in_proj.bias`, "bias", i, 2 * inner + m.numHeads, 1, "column", false));
    out.push(t(`${p}.in_proj.bc.bias`, "bias", i, bc, 1, "groups", false, groups));
  }
  if (m.convBias) {
    out.push(t(`${p}.conv1d.bias`, "bias", i, inner, 1, "column", false));
    out.push(t(`${p}.conv1d.bc.bias`, "bias", i, bc, 1, "groups", false, groups));
  }
  for (const n of ["A_log", "D", "dt_bias"])
    out.push(t(`${p}.${n}`, "attention", i, m.numHeads, 1, "heads", false));
  out.push(t(`${p}.norm.weight`, "norm", i, inner, 1, "column", false));
  out.push(t(`${p}.out_proj.weight`, "attention", i, h, inner, "row", true));
  if (m.projBias) out.push(t(`${p}.out_proj.bias`, "bias", i, h, 1, "replicated", false));
  return out;
}

/**
 * DeepSeek-V3.2's lightning indexer in MLA layer i (DeepSeek-V3.2-Exp inference/model.py `Indexer`:
 * `self.wq_b = Linear(self.q_lora_rank, self.n_heads * self.head_dim)`, `self.wk = Linear(self.dim,
 * self.head_dim)`, `self.k_norm = LayerNorm(self.head_dim)`, `self.weights_proj = Linear(self.dim,
 * self.n_heads, dtype=torch.get_default_dtype())`). vLLM replicates all of it on every rank and fuses
 * wk with weights_proj unquantized ("FP8 wk weights are upcasted to BF16 during loading"), so only wq_b
 * stays in the checkpoint's format; wk is FP8 in the checkpoint.
 * V3.2 (64 heads × 128, q_lora_rank 1536, h 7168): 8192·1536 + 128·7168 + 2·128 + 64·7168 = 13,959,424.
 */
export function indexerTensors(arch: ModelArch, i: number): Tensor[] {
  const x = arch.indexer!;
  const h = arch.hiddenSize;
  const p = `layers.${i}.self_attn.indexer`;
  const qLora = arch.mla?.qLoraRank ?? h;
  return [
    t(`${p}.wq_b.weight`, "attention", i, x.numHeads * x.headDim, qLora, "replicated", true),
    t(`${p}.wk.weight`, "attention", i, x.headDim, h, "replicated", false, { storedLinear: true }),
    t(`${p}.k_norm.weight`, "norm", i, x.headDim, 1, "replicated", false),
    t(`${p}.k_norm.bias`, "norm", i, x.headDim, 1, "replicated", false),
    t(`${p}.weights_proj.weight`, "attention", i, x.numHeads, h, "replicated", false),
  ];
}

const v = (name: string, rows: number, cols = 1): Tensor =>
  t(`vision.${name}`, "vision", null, rows, cols, "replicated", false);
/** A Linear with bias: weight [out, in] and bias [out]. */
const lin = (name: string, out: number, inp: number, bias = true): Tensor[] =>
  bias ? [v(`${name}.weight`, out, inp), v(`${name}.bias`, out)] : [v(`${name}.weight`, out, inp)];

/**
 * The vision tower and projector the engine loads with the language model: counted as stored
 * weights on the first pipeline stage, never in the KV cache.
 * - Qwen3-VL / Qwen3.5: Conv3d patch embedding [h, in·t·p²] + bias; learned positions [P, h]; per block
 *   two LayerNorms (weight + bias), qkv [3h, h] and proj [h, h] with biases, fc1 [I, h] and fc2 [h, I]
 *   with biases; merger LayerNorm(h) + fc1 [m, m] + fc2 [out, m] with biases, m = h·merge² (the merged
 *   2 × 2 patches); one more merger per deepstack index, with LayerNorm(m).
 *   Qwen3-VL-8B: 576,388,336.
 * - Llama 4: 34 blocks (LayerNorms, q/k/v/o with biases, fc1/fc2 with biases), class embedding, positions
 *   ((image/patch)² + 1)·h, patch linear [h, c·p²] without bias, pre/post LayerNorms; adapter
 *   fc1 [out, I] and fc2 [out, out] without bias; projector [text hidden, out] without bias. 871,932,416.
 * - Pixtral: patch conv [h, c·p²] without bias, ln_pre RMSNorm; per layer two RMSNorms, q/k/v/o [h, h]
 *   and gate/up/down (gated MLP) without biases; Mistral 3 projector: RMSNorm(h), patch merger
 *   [h, h·merge²], linear_1 [text hidden, h], linear_2 [text hidden, text hidden]. 438,958,080.
 * The counts above reproduce the published totals (data/models/*.json).
 */
export function visionTowerTensors(arch: ModelArch): Tensor[] {
  const tw = arch.visionTower;
  if (!tw) return [];
  const out: Tensor[] = [];
  switch (tw.kind) {
    case "qwen3-vl": {
      const h = tw.hiddenSize;
      const merged = h * tw.spatialMergeSize ** 2;
      out.push(...lin("patch_embed.proj", h, tw.inChannels * tw.temporalPatchSize * tw.patchSize ** 2));
      out.push(v("pos_embed.weight", tw.numPositionEmbeddings, h));
      for (let b = 0; b < tw.depth; b++) {
        const p = `blocks.${b}`;
        out.push(v(`${p}.norm1`, 2 * h), v(`${p}.norm2`, 2 * h));
        out.push(...lin(`${p}.attn.qkv`, 3 * h, h), ...lin(`${p}.attn.proj`, h, h));
        out.push(
          ...lin(`${p}.mlp.fc1`, tw.intermediateSize, h),
          ...lin(`${p}.mlp.fc2`, h, tw.intermediateSize),
        );
      }
      const merger = (name: string, normSize: number) => [
        v(`${name}.norm`, 2 * normSize),
        ...lin(`${name}.fc1`, merged, merged),
        ...lin(`${name}.fc2`, tw.outHiddenSize, merged),
      ];
      out.push(...merger("merger", h));
      for (let d = 0; d < tw.deepstackMergers; d++) out.push(...merger(`deepstack_merger.${d}`, merged));
      return out;
    }
    case "llama4": {
      const h = tw.hiddenSize;
      const patches = (tw.imageSize / tw.patchSize) ** 2 + 1;
      out.push(v("class_embedding", h), v("positional_embedding_vlm", patches, h));
      out.push(v("patch_embedding.linear.weight", h, tw.numChannels * tw.patchSize ** 2));
      out.push(v("layernorm_pre", 2 * h), v("layernorm_post", 2 * h));
      for (let l = 0; l < tw.numLayers; l++) {
        const p = `layers.${l}`;
        out.push(v(`${p}.input_layernorm`, 2 * h), v(`${p}.post_attention_layernorm`, 2 * h));
        for (const n of ["q_proj", "k_proj", "v_proj", "o_proj"])
          out.push(...lin(`${p}.self_attn.${n}`, h, h));
        out.push(
          ...lin(`${p}.mlp.fc1`, tw.intermediateSize, h),
          ...lin(`${p}.mlp.fc2`, h, tw.intermediateSize),
        );
      }
      // pixel shuffle folds (1/ratio)² patches into one: the adapter's input is h / ratio².
      const shuffled = Math.round(h / tw.pixelShuffleRatio ** 2);
      out.push(...lin("vision_adapter.mlp.fc1", tw.projectorInputDim, shuffled, false));
      out.push(...lin("vision_adapter.mlp.fc2", tw.projectorOutputDim, tw.projectorInputDim, false));
      out.push(...lin("multi_modal_projector.linear_1", arch.hiddenSize, tw.projectorOutputDim, false));
      return out;
    }
    case "pixtral": {
      const h = tw.hiddenSize;
      out.push(v("patch_conv.weight", h, tw.numChannels * tw.patchSize ** 2), v("ln_pre.weight", h));
      for (let l = 0; l < tw.numLayers; l++) {
        const p = `transformer.layers.${l}`;
        out.push(v(`${p}.attention_norm.weight`, h), v(`${p}.ffn_norm.weight`, h));
        for (const n of ["q_proj", "k_proj", "v_proj", "o_proj"])
          out.push(v(`${p}.attention.${n}.weight`, h, h));
        for (const n of ["gate_proj", "up_proj"])
          out.push(v(`${p}.feed_forward.${n}.weight`, tw.intermediateSize, h));
        out.push(v(`${p}.feed_forward.down_proj.weight`, h, tw.intermediateSize));
      }
      out.push(v("multi_modal_projector.norm.weight", h));
      out.push(v("multi_modal_projector.patch_merger.merging_layer.weight", h, h * tw.spatialMergeSize ** 2));
      out.push(v("multi_modal_projector.linear_1.weight", arch.hiddenSize, h));
      out.push(v("multi_modal_projector.linear_2.weight", arch.hiddenSize, arch.hiddenSize));
      return out;
    }
  }
}
