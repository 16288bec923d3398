/**
 * Reading a vLLM start-up log: the memory figures it prints, across the formats of recent versions
 * (V0 "Memory profiling results" one-liners and tables, V1 "Model loading took", "Available KV cache
 * memory", "GPU KV cache size", CUDA graph lines), and the settings it ran with. Pure: text in.
 * vLLM prints "GB" in some lines where it divides by 2^30: all figures here are GiB.
 */
export interface VllmLogFigures {
  version: string | null;
  model: string | null;
  tensorParallel: number | null;
  pipelineParallel: number | null;
  maxModelLen: number | null;
  gpuMemoryUtilization: number | null;
  totalGpuMemoryGiB: number | null;
  weightsGiB: number | null;
  activationGiB: number | null;
  nonTorchGiB: number | null;
  kvCacheGiB: number | null;
  cudaGraphGiB: number | null;
  kvCacheTokens: number | null;
  maxConcurrency: number | null;
}

const ANSI = new RegExp(String.raw`\u001b\[[0-9;]*m`, "g");
const num = (s: string | undefined) => (s === undefined ? null : Number(s.replace(/,/g, "")));

function first(text: string, patterns: RegExp[]): RegExpMatchArray | null {
  for (const p of patterns) {
    const m = text.match(p);
    if (m) return m;
  }
  return null;
}

export function parseVllmLog(raw: string): VllmLogFigures {
  const text = raw.replace(ANSI, "");
  // Config lines are sometimes wrapped mid-word by the terminal that captured them: for key=value
  // settings, read the log with its line breaks removed.
  const joined = text.replace(/\r?\n/g, "");
  const g = (patterns: RegExp[], i = 1) => num(first(text, patterns)?.[i]);
  const s = (patterns: RegExp[], i = 1) => num(first(joined, patterns)?.[i]);

  const weights = g([
    /model weights take\s+([\d.]+)\s*GiB/i,
    /Model loading took\s+([\d.]+)\s*Gi?B/i,
    /Loading (?:model )?weights took\s+([\d.]+)\s*Gi?B/i,
  ]);
  const peakTorch = g([/peak_torch_memory=([\d.]+)GiB/]);
  let activation = g([
    /activation peak memory(?: takes)?\s+([\d.]+)\s*GiB/i,
    /torch peak memory increase:?\s*([\d.]+)\s*GiB/i,
  ]);
  // V0 one-line format: the peak includes the weights.
  if (activation === null && peakTorch !== null && weights !== null)
    activation = Math.round((peakTorch - weights) * 100) / 100;
  const blocks = g([/# GPU blocks:\s*([\d,]+)/, /GPU blocks:\s*([\d,]+)/]);
  const tokens = g([/GPU KV cache size:\s*([\d,]+)\s*tokens/]) ?? (blocks !== null ? blocks * 16 : null);
  const conc = first(text, [/Maximum concurrency for\s*([\d,]+)\s*tokens per request:\s*([\d.]+)x/]);
  return {
    version:
      first(text, [
        /vLLM API server version\s+([\w.+-]+)/,
        /LLM engine \(v([\w.+-]+)\)/,
        /vLLM version\s+([\w.+-]+)/,
      ])?.[1] ?? null,
    model:
      first(joined, [
        /Initializing a V[01] LLM engine.*?model='([^']+)'/,
        /\bmodel='([^']+)'/,
        /'model': '([^']+)'/,
      ])?.[1] ?? null,
    tensorParallel: s([/tensor_parallel_size[=:'\s]+(\d+)/]),
    pipelineParallel: s([/pipeline_parallel_size[=:'\s]+(\d+)/]),
    maxModelLen: s([/max_seq_len=(\d+)/, /'max_model_len':\s*(\d+)/]) ?? num(conc?.[1]),
    gpuMemoryUtilization: s([/gpu_memory_utilization[=:'\s]+([\d.]+)/]),
    totalGpuMemoryGiB: g([/total_gpu_memory[=\s(]+([\d.]+)\s*GiB/, /total capacity of ([\d.]+) GiB/]),
    weightsGiB: weights,
    activationGiB: activation,
    nonTorchGiB: g([
      /non_torch_memory(?: takes)?[=\s]+([\d.]+)\s*GiB/i,
      /non-torch (?:memory|forward increase)(?: takes)?:?\s*([\d.]+)\s*GiB/i,
    ]),
    kvCacheGiB: g([
      /Available KV cache memory:\s*([\d.]+)\s*GiB/,
      /available_kv_cache_memory\s+([\d.]+)\s*GiB/,
      /kv_cache_size=([\d.]+)GiB/,
      /reserved for KV Cache is\s*([\d.]+)\s*GiB/i,
    ]),
    cudaGraphGiB: g([
      /Graph capturing finished in .*?took\s+([\d.]+)\s*GiB/,
      /CUDA graph memory:\s*([\d.]+)\s*GiB/i,
    ]),
    kvCacheTokens: tokens,
    maxConcurrency: num(conc?.[2]),
  };
}

export interface Predicted {
  weightsGiB: number;
  activationGiB: number;
  nonTorchGiB: number;
  kvCacheGiB: number;
  cudaGraphGiB: number;
  kvCacheTokens: number;
  maxConcurrency: number;
}

export interface Row {
  figure: string;
  log: number | null;
  predicted: number;
  /** log / predicted − 1, when the log has the figure. */
  difference: number | null;
  ok: boolean | null;
  advice: string | null;
}

/** How far each figure may stray before llmdeploy explains it (weights are exact; the rest estimates). */
const TOLERANCE: Record<string, number> = {
  weightsGiB: 0.02,
  kvCacheGiB: 0.1,
  kvCacheTokens: 0.1,
  maxConcurrency: 0.1,
  activationGiB: 0.5,
  nonTorchGiB: 1,
  cudaGraphGiB: 1,
};

function advice(figure: string, d: number): string {
  const more = d > 0;
  switch (figure) {
    case "weightsGiB":
      return more
        ? "the engine loaded more than the plan's precision: check --precision / quantization, and that the checkpoint is the one planned"
        : "the engine loaded less than planned: a more compressed checkpoint, or --precision differs from the plan";
    case "kvCacheGiB":
    case "kvCacheTokens":
    case "maxConcurrency":
      return more
        ? "more KV cache than planned (this vLLM keeps CUDA graphs or other buffers outside the budget): the plan is conservative"
        : "less KV cache than planned: lower --max-model-len or --max-num-seqs, or raise --gpu-memory-utilization if nothing else uses the GPU";
    case "activationGiB":
      return more
        ? "a larger profiling peak: --max-num-batched-tokens or --max-num-seqs is larger than planned"
        : "a smaller profiling peak than planned: more room for the KV cache";
    case "nonTorchGiB":
      return more
        ? "more memory outside PyTorch (NCCL buffers under TP, custom all-reduce, another process on the GPU)"
        : "less memory outside PyTorch than planned";
    default:
      return more ? "larger than planned" : "smaller than planned";
  }
}

export function compareLog(log: VllmLogFigures, p: Predicted): Row[] {
  const figures: [keyof Predicted & keyof VllmLogFigures, string][] = [
    ["weightsGiB", "weights (GiB per GPU)"],
    ["activationGiB", "activation peak (GiB)"],
    ["nonTorchGiB", "non-torch memory (GiB)"],
    ["cudaGraphGiB", "CUDA graphs (GiB)"],
    ["kvCacheGiB", "KV cache (GiB per GPU)"],
    ["kvCacheTokens", "KV cache (tokens)"],
    ["maxConcurrency", "max concurrency (x)"],
  ];
  return figures.map(([key, label]) => {
    const measured = log[key];
    const predicted = p[key];
    if (measured === null || !(predicted > 0)) {
      return {
        figure: label,
        log: measured,
        predicted: Math.round(predicted * 100) / 100,
        difference: null,
        ok: null,
        advice: null,
      };
    }
    const d = measured / predicted - 1;
    const ok = Math.abs(d) <= TOLERANCE[key]!;
    return {
      figure: label,
      log: measured,
      predicted: Math.round(predicted * 100) / 100,
      difference: Math.round(d * 1000) / 1000,
      ok,
      advice: ok ? null : advice(key, d),
    };
  });
}
