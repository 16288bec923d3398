/**
 * The normalised architecture that every sizing function consumes. Built from a Hugging Face
 * config.json by `parseHfConfig` (catalog models go through the same parser).
 */

export type LayerAttention = "full" | "sliding";

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
}
