/**
 * Shapes of the catalogs. The catalogs are data files (data/devices/<id>.json, data/models/<id>.json),
 * checked against these shapes by the zod schemas in schema.ts; every fact carries the source it came from.
 */

/** A public source for a fact: a URL (or repo@commit:path) and, where useful, a short verbatim quote. */
export interface Source {
  url: string;
  quote?: string;
}

/**
 * What a device's memory total is: "cuda" / "rocm" / "hpu" the total the device's runtime reports to
 * the engine (cudaMemGetInfo, as torch and vLLM read it; HIP; Habana's HPU runtime), "nvidia-smi" /
 * "rocm-smi" the management tool's figure (NVML's, 250-900 MiB above CUDA's on NVIDIA GPUs),
 * "marketed" the vendor's size, "host" a CPU host's RAM.
 */
export type MemoryBasis = "cuda" | "rocm" | "hpu" | "nvidia-smi" | "rocm-smi" | "marketed" | "host";

/** A device's memory total (see DeviceEntry.memoryBytes). */
export interface DeviceMemory extends SourcedNumber {
  value: number;
  basis: MemoryBasis;
  /** The quote (and where) that shows the basis of `value`. */
  basisSource: Source & { quote: string };
  /**
   * When `value` is not published for this device but worked out from a figure on another basis
   * (nvidia-smi's, rocm-smi's, the marketed size) by a rule measured on the same GPU family.
   */
  derived?: {
    from: { value: number; basis: MemoryBasis; source: Source };
    /** The rule, with the arithmetic. */
    rule: string;
    /** Where the rule's measurements come from. */
    sources: Source[];
  };
}

/**
 * A model in the catalog. `config` is a verbatim subset of the model's Hugging Face `config.json`
 * (every architecture field; token ids and the like may be left out), so catalog models go through
 * exactly the same parser as a local `config.json` does.
 */
export interface ModelEntry {
  /** Short, stable id used on the command line, e.g. "llama-3.1-70b". Lowercase, [a-z0-9.-]. */
  id: string;
  /** Display name, e.g. "Llama 3.1 70B Instruct". */
  name: string;
  /** Hugging Face repo id of the checkpoint the config was taken from. */
  hfId: string;
  /** Other Hugging Face ids with the same architecture (base vs instruct, reuploads). */
  otherHfIds?: string[];
  /** Extra names a user may type, e.g. ["llama3.1-70b"]. Size aliases ("70b") live in data/models/aliases.json. */
  aliases?: string[];
  /** Free text about the entry, e.g. which other entry has the same config. */
  note?: string;
  /** Verbatim subset of config.json. */
  config: Record<string, unknown>;
  /** Where the config came from (the config.json URL on the Hub). */
  configSource: Source;
  /**
   * The published total parameter count, to the parameter, and where it was published
   * (e.g. the Hub's safetensors metadata, or model.safetensors.index.json total_size / bytes per
   * parameter when every tensor has the same dtype; the quote says which and how).
   * `includes` says what the published number covers beyond what the engine loads.
   */
  publishedParams: {
    value: number;
    source: Source;
    note?: string;
    /**
     * What the published total counts besides the weights vLLM's main model loads (which are what the
     * architecture's inventory counts): MTP layers (with their own embedding and head copies, where the
     * checkpoint stores them) and the float32 block scales of an FP8 checkpoint. The catalog test adds
     * these (src/sizing/stored.ts) and expects the published figure to the parameter.
     */
    includes?: { mtpLayers?: number; mtpEmbeddings?: boolean; fp8Scales?: boolean };
    /**
     * Relative difference allowed between the count and `value`, only where the published figure is
     * known to hold something the architecture does not explain; `note` says what and why.
     */
    tolerance?: number;
  };
  /**
   * Config keys whose values were not read from the model's own config.json (a partial copy), with why
   * they are believed; the published total is then the check of those values.
   */
  configInferred?: { keys: string[]; note: string };
  /** Release date (YYYY-MM) for display; optional. */
  released?: string;
  /** Licence id for display; optional. */
  license?: string;
  /**
   * The model's published way past the context its config.json declares (RoPE scaling such as YaRN),
   * named when a request does not fit; llmdeploy does not apply it.
   */
  /**
   * Whether the Hub repository (hfId and otherHfIds) is gated: it downloads only with the token of an
   * account that accepted its licence. Absent: not recorded.
   */
  gated?: { value: boolean; source: { url: string; quote: string } };
  longContext?: LongContext;
}

/** A published context extension: method, the tokens it reaches, what to change, and the source. */
export interface LongContext {
  method: string;
  tokens: number;
  /** What to do, e.g. 'add "rope_scaling": {...} to config.json'. */
  howTo: string;
  source: Source;
}

/** GPU catalog entry. Numbers in the units their names say; each with sources. */
export interface SourcedNumber {
  value: number;
  sources: Source[];
  note?: string;
}

/**
 * What kind of seller a price comes from: a hyperscale cloud (AWS, Google Cloud, Azure, OCI), a GPU
 * cloud that runs its own datacenters (Lambda, Nebius, RunPod Secure Cloud, Hyperstack), a marketplace
 * whose offers are set by third-party hosts (Akash, RunPod Community Cloud: "starting at" floors that
 * come and go), or a seller whose kind was not established ("unknown").
 */
export type SellerKind = "hyperscaler" | "gpu-cloud" | "marketplace" | "unknown";

export interface GpuPrice {
  provider: string;
  usdPerGpuHour: number;
  basis: string;
  /** The kind of seller; marketplace and unknown prices are never a plan's default price. */
  kind: SellerKind;
  date: string;
  source: Source;
}

/**
 * A GPU instance a provider rents out (data/instances/<provider>.json): its shape and its price per
 * instance-hour, on demand or spot, in one region on one date. Fields the source does not give are null.
 */
export interface InstanceOffer {
  /** The provider's name for it: "p5.48xlarge", "a3-highgpu-8g", "Standard_ND96isr_H100_v5". */
  type: string;
  /** Catalog GPU id (data/devices/<id>.json). */
  gpu: string;
  gpusPerInstance: number;
  vcpus: number | null;
  ramGiB: number | null;
  /** Local disk, decimal GB. */
  localDiskGB: number | null;
  /** Network bandwidth, Gb/s (the burst figure where the source says "up to"). */
  networkGbps: number | null;
  pricing: "on-demand" | "spot";
  /** US dollars per instance-hour. */
  usdPerHour: number;
  /** Region priced; null when the source names none (one price everywhere, or unstated: see note). */
  region: string | null;
  /** Date of the price (YYYY-MM-DD); null when the source is undated (note says which snapshot). */
  date: string | null;
  source: Source;
  /** Where vCPUs and RAM come from when not from the price source. */
  specsSource?: Source;
  /** A later source showing the same price. */
  corroboration?: Source & { date: string };
  note?: string;
}

/** One provider's instances (data/instances/<id>.json). */
export interface ProviderEntry {
  /** CLI id: `--provider aws`. */
  id: string;
  name: string;
  kind: Exclude<SellerKind, "unknown">;
  /** Where the prices come from, how old they are, what they include. */
  note: string;
  instances: InstanceOffer[];
}

export type Interconnect =
  | { kind: "nvlink"; gen: number; gbsUnidirectional: SourcedNumber }
  | { kind: "infinity-fabric"; gbsUnidirectional: SourcedNumber }
  | { kind: "pcie"; gen: number; gbsUnidirectional: SourcedNumber }
  | { kind: "scale-out-ethernet"; gbsUnidirectional: SourcedNumber };

export interface DeviceEntry {
  /** CLI id, e.g. "h100-sxm", "a100-80g", "rtx-4090". Lowercase, [a-z0-9-]. */
  id: string;
  /** Other ids a user may type ("h100", "a100"). */
  aliases?: string[];
  name: string;
  /**
   * The product name the driver reports (NVML / nvidia-smi "name"), e.g. "NVIDIA H100 80GB HBM3":
   * Kubernetes GPU Feature Discovery labels nodes with it (nvidia.com/gpu.product).
   */
  productName?: { value: string; sources: Source[] };
  vendor: "NVIDIA" | "AMD" | "Intel";
  /**
   * "cpu": a CPU host for llama.cpp / Ollama (memory = the host's RAM, bandwidth = its DRAM channels,
   * no interconnect between devices). Absent means a GPU.
   */
  kind?: "gpu" | "cpu";
  architecture: string;
  /**
   * GPUs: where the product is meant to run, as NVIDIA's CUDA GPUs page groups them
   * (https://developer.nvidia.com/cuda-gpus: data center, professional workstation, GeForce):
   * "consumer" (GeForce, whose driver licence excludes datacenter deployment), "workstation"
   * (desktop professional cards), "datacenter" (server parts, including the RTX PRO 6000 Server Edition).
   * The planner considers only datacenter GPUs unless others are named or allowed.
   */
  segment?: "datacenter" | "workstation" | "consumer";
  /** Compute capability for NVIDIA (e.g. 9.0); informs which kernels/precisions exist. */
  computeCapability?: number;
  /** Marketed memory as the vendor states it, in the vendor's unit (GB or GiB as marketed). */
  memoryMarketed: { value: number; unit: "GB" | "GiB" } & { sources: Source[] };
  /**
   * Total device memory in bytes as the driver exposes it to CUDA (torch.cuda.mem_get_info()[1], vLLM's
   * total_gpu_memory; HIP on ROCm, HPU on Gaudi): the total every engine's budget is a share of.
   * `basis` says what kind of figure `value` is; `derived` says how it was worked out when no
   * device-visible figure is published for the GPU itself (data/README.md).
   */
  memoryBytes: DeviceMemory;
  /** Peak memory bandwidth, decimal GB/s. */
  memoryBandwidthGBs: SourcedNumber;
  /** Dense tensor-core peak, 10^12 FLOP/s (or OP/s for int). Missing when the GPU has no such path. */
  tflops: {
    fp32?: SourcedNumber;
    tf32?: SourcedNumber;
    bf16?: SourcedNumber;
    fp16: SourcedNumber;
    fp8?: SourcedNumber;
    int8?: SourcedNumber;
    int4?: SourcedNumber;
    fp4?: SourcedNumber;
  };
  /** GPU-to-GPU link inside a node. */
  interconnect: Interconnect;
  tdpW?: SourcedNumber;
  prices: GpuPrice[];
  /** Native FP8 tensor cores (Ada, Hopper, Blackwell, MI300). */
  nativeFp8: boolean;
  /** Native FP4 / MXFP4 tensor cores (Blackwell). */
  nativeFp4: boolean;
  /** Supports bfloat16 (Ampere and later). */
  bf16: boolean;
  /**
   * Free text about the entry: sources of facts that have no field of their own (architecture,
   * compute capability, feature flags) and doubts about its figures ("LOW CONFIDENCE: ...").
   */
  note?: string;
}

/** @deprecated name kept for older imports: a device is a GPU or a CPU host. */
export type GpuEntry = DeviceEntry;
