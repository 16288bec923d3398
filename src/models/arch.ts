/**
 * The normalised architecture that every sizing function consumes. Built from a Hugging Face
 * config.json by `parseHfConfig` (catalog models go through the same parser).
 */

/**
 * What mixes tokens in each decoder layer:
 * - "full": softmax attention over the whole context (KV cache per token);
 * - "sliding": attention over the last `slidingWindow` tokens;
 * - "chunked": Llama 4's chunked local attention, over the tokens of the current
 *   `attentionChunkSize` chunk (cache capped at the chunk, like a sliding window);
 * - "linear": Gated DeltaNet linear attention (Qwen3-Next, Qwen3.5): a fixed-size recurrent state
 *   per sequence instead of a per-token cache (`gdn`);
 * - "mamba": a Mamba-2 mixer (Nemotron-H, Granite-4.0-H): a fixed-size SSM + conv state (`mamba`);
 * - "none": no token mixer, the layer is only an MLP or MoE block (Nemotron-H's "-" and "E").
 */
export type LayerAttention = "full" | "sliding" | "chunked" | "linear" | "mamba" | "none";

/** Gated DeltaNet linear-attention layers (Qwen3-Next, Qwen3.5 / 3.6): config linear_* keys. */
export interface GatedDeltaNetArch {
  numKeyHeads: number;
  numValueHeads: number;
  keyHeadDim: number;
  valueHeadDim: number;
  /** Causal depthwise conv1d kernel width (linear_conv_kernel_dim). */
  convKernel: number;
  /** dtype of the recurrent state in the engine (config mamba_ssm_dtype); null: the model's dtype. */
  stateDtype: "float32" | "bfloat16" | "float16" | null;
}

/** Mamba-2 mixer layers (Nemotron-H, Granite-4.0-H). Inner size = numHeads × headDim. */
export interface Mamba2Arch {
  numHeads: number;
  headDim: number;
  /** d_state (ssm_state_size / mamba_d_state). */
  stateSize: number;
  /** B/C groups (n_groups / mamba_n_groups). */
  numGroups: number;
  convKernel: number;
  convBias: boolean;
  /** in_proj / out_proj biases. */
  projBias: boolean;
  /** dtype of the SSM state in the engine; null: the model's dtype. */
  stateDtype: "float32" | "bfloat16" | "float16" | null;
}

/** DeepSeek sparse attention (V3.2): the lightning indexer beside MLA in every layer. */
export interface DsaIndexerArch {
  numHeads: number;
  headDim: number;
  /** Keys each query attends to (index_topk). */
  topK: number;
}

/** A vision tower stored in the checkpoint besides the ones described by `vision` (Gemma 3). */
export type VisionTowerArch =
  | {
      /** Qwen3-VL / Qwen3.5 ViT: Conv3d patches, learned positions, merger (+ deepstack mergers). */
      kind: "qwen3-vl";
      hiddenSize: number;
      intermediateSize: number;
      depth: number;
      patchSize: number;
      temporalPatchSize: number;
      inChannels: number;
      numPositionEmbeddings: number;
      spatialMergeSize: number;
      outHiddenSize: number;
      deepstackMergers: number;
    }
  | {
      /** Llama 4 ViT with its pixel-shuffle adapter and projector. */
      kind: "llama4";
      hiddenSize: number;
      intermediateSize: number;
      numLayers: number;
      patchSize: number;
      imageSize: number;
      numChannels: number;
      pixelShuffleRatio: number;
      projectorInputDim: number;
      projectorOutputDim: number;
    }
  | {
      /** Pixtral ViT (Mistral 3) with the Mistral 3 patch-merger projector. */
      kind: "pixtral";
      hiddenSize: number;
      intermediateSize: number;
      numLayers: number;
      patchSize: number;
      numChannels: number;
      spatialMergeSize: number;
    };

export interface MoeArch {
  /** Routed experts per MoE layer. */
  numExperts: number;
  /** Routed experts each token goes through. */
  expertsPerToken: number;
  /** Intermediate size of one routed expert. */
  expertIntermediateSize: number;
  /** Intermediate size of the always-on shared expert MLP (0 when none); DeepSeek: n_shared × moe size. */
  sharedIntermediateSize: number;
  /** Qwen2-MoE's sigmoid gate on the shared expert: Linear(hidden, 1). */
  sharedExpertGate: boolean;
  /** Router (gate) has a bias (gpt-oss). */
  routerBias: boolean;
  /** Experts' projections have biases (gpt-oss). */
  expertBias: boolean;
  /** DeepSeek-V3's e_score_correction_bias: one value per routed expert per MoE layer. */
  scoreCorrectionBias: boolean;
  /** Which layers are MoE (true) or dense MLP (false). Length = numLayers. */
  moeLayers: boolean[];
}

export interface MlaArch {
  /** null: q is projected directly (DeepSeek-V2-Lite). */
  qLoraRank: number | null;
  kvLoraRank: number;
  qkNopeHeadDim: number;
  qkRopeHeadDim: number;
  vHeadDim: number;
}

/** A ViT/SigLIP vision tower that ships in the checkpoint (Gemma 3), and its projector. */
export interface VisionArch {
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  patchSize: number;
  imageSize: number;
  numChannels: number;
  /** Attention heads of the vision tower (its attention scores are numPatches² per head). */
  numHeads: number;
  /** Projector: Linear(visionHidden -> textHidden) without bias + RMSNorm(visionHidden) (Gemma 3). */
  projector: "gemma3";
}

/** How the checkpoint stores its weights (from torch_dtype and quantization_config). */
export type CheckpointQuant =
  | { method: "awq"; bits: number; groupSize: number; zeroPoint: boolean; skip: string[] }
  | { method: "gptq"; bits: number; groupSize: number; descAct: boolean; skip: string[] }
  | { method: "fp8"; blockSize: [number, number] | null; skip: string[] }
  | { method: "fbgemm-fp8"; skip: string[] }
  | { method: "compressed-tensors-fp8"; strategy: "channel" | "tensor" | "block"; skip: string[] }
  | { method: "compressed-tensors-w4a16"; groupSize: number; skip: string[] }
  /** compressed-tensors int8 weights with a scale per output channel (W8A8 / W8A16). */
  | { method: "compressed-tensors-w8a8"; skip: string[] }
  | { method: "mxfp4"; skip: string[] }
  | { method: "bitsandbytes-4bit"; quantType: "nf4" | "fp4"; doubleQuant: boolean; skip: string[] }
  | { method: "bitsandbytes-8bit"; skip: string[] };

export interface ModelArch {
  /** config.json model_type (the text model's, for multimodal configs). */
  modelType: string;
  architecture: string | null;
  hiddenSize: number;
  numLayers: number;
  vocabSize: number;
  numHeads: number;
  numKvHeads: number;
  /** Query/key head dimension. */
  headDim: number;
  /** Value head dimension (equals headDim except in MLA). */
  vHeadDim: number;
  /** Dense MLP intermediate size (0 when every layer is MoE and no dense size is given). */
  intermediateSize: number;
  tieWordEmbeddings: boolean;
  /** Biases on q/k/v projections, on the output projection, and on MLP projections. */
  qkvBias: boolean;
  oBias: boolean;
  mlpBias: boolean;
  /** Gated MLP (gate, up, down: SwiGLU/GeGLU) or plain (up, down). */
  mlpGated: boolean;
  /** RMSNorm has a weight; LayerNorm a weight and a bias. */
  normKind: "rms" | "layer";
  /** Norms per decoder layer (2 usually; 1 for Falcon-7B's parallel block; 4 for Gemma 2/3). */
  normsPerLayer: number;
  /** Per-head RMSNorm on q and k (Qwen3, Gemma 3): 2 × headDim weights per layer. */
  qkNorm: boolean;
  /** gpt-oss attention sinks: one learned value per head per layer. */
  attentionSinks: boolean;
  moe: MoeArch | null;
  mla: MlaArch | null;
  /** Attention kind of each layer; length numLayers. */
  layerTypes: LayerAttention[];
  slidingWindow: number | null;
  maxPositionEmbeddings: number;
  /** Dtype the unquantized tensors are stored in. */
  dtype: "float32" | "float16" | "bfloat16";
  quantization: CheckpointQuant | null;
  vision: VisionArch | null;
  /** DeepSeek multi-token-prediction layers in the checkpoint (not loaded by vLLM unless speculative). */
  mtpLayers: number;

  // Architectures of 2025-2026 (src/models/hfconfig-hybrid.ts). Optional: absent means none.
  /** Gated DeltaNet shapes of the "linear" layers. */
  gdn?: GatedDeltaNetArch | null;
  /** Mamba-2 shapes of the "mamba" layers. */
  mamba?: Mamba2Arch | null;
  /** DeepSeek sparse-attention indexer in every MLA layer. */
  indexer?: DsaIndexerArch | null;
  /** Chunk of Llama 4's "chunked" layers, in tokens. */
  attentionChunkSize?: number | null;
  /** q_proj also produces a sigmoid output gate (Qwen3-Next / Qwen3.5 attn_output_gate): 2 × width. */
  attnOutputGate?: boolean;
  /**
   * Where the q/k norms' weights are: "head" (headDim each, the default when qkNorm), "full" (one
   * weight per q and k channel: MiniMax-M2's per_layer norm), "weightless" (Llama 4's L2 norm).
   */
  qkNormShape?: "head" | "full" | "weightless";
  /** Feed-forward block of each layer (length numLayers); absent: MoE where moe.moeLayers, else dense. */
  ffnLayers?: ("dense" | "moe" | "none")[];
  /** A vision tower the engine loads with the model (counted as weights, never in the KV cache). */
  visionTower?: VisionTowerArch | null;
  /**
   * Multi-token-prediction layers stored in the checkpoint in the Qwen3-Next / Qwen3.5 layout (one
   * full-attention decoder layer + fc 2h -> h + 3 norms each); vLLM's main model does not load them.
   */
  qwenMtpLayers?: number;
}
