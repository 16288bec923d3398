/**
 * Reading a vLLM start-up log: the memory figures it prints and the settings it ran with, across the
 * formats of the versions in use:
 *
 * - V0 0.6.4: one line "Memory profiling results: total_gpu_memory=... peak_torch_memory=...
 *   non_torch_memory=... kv_cache_size=..." and "# GPU blocks: N";
 * - V0 0.6.5: a table ("model weights take", "non_torch_memory", "PyTorch activation peak memory",
 *   "available_kv_cache_memory");
 * - V0 0.7-0.8: "the current vLLM instance can use total_gpu_memory (X) x gpu_memory_utilization (U)",
 *   "model weights take ...; non_torch_memory takes ...; PyTorch activation peak memory takes ...; the
 *   rest of the memory reserved for KV Cache is ...", "# cuda blocks: N";
 * - V1: "Model loading took X GiB [memory] and S seconds", "Available KV cache memory: X GiB",
 *   "GPU KV cache size: N tokens", "Maximum concurrency for L tokens per request: Cx",
 *   "Graph capturing finished in S secs, took X GiB"; since 0.18 "Estimated CUDA graph memory: X GiB
 *   total", and since 0.21 "CUDA graph memory profiling is enabled ... The current
 *   --gpu-memory-utilization=U ...", when the graphs come out of the KV budget.
 *
 * Settings come from the engine config line (model=, max_seq_len=, tensor_parallel_size=, ...), the
 * "non-default args" dict or the argparse Namespace. Several workers (TP ranks, PP stages) print their
 * own figures: the binding one is kept (the most weights, activation and overhead; the least KV cache,
 * which is what vLLM sizes every worker's cache by). Pure: text in, figures out.
 * vLLM prints "GB" in some lines where it divides by 2^30: all figures here are GiB.
 */
export interface VllmLogFigures {
  version: string | null;
  model: string | null;
  tensorParallel: number | null;
  pipelineParallel: number | null;
  maxModelLen: number | null;
  gpuMemoryUtilization: number | null;
  maxNumBatchedTokens: number | null;
  maxNumSeqs: number | null;
  blockSize: number | null;
  /** As the log spells it (auto, fp8, fp8_e4m3, fp8_e5m2). */
  kvCacheDtype: string | null;
  quantization: string | null;
  enforceEager: boolean | null;
  /**
   * true: this vLLM reserves the CUDA graph pool inside gpu_memory_utilization before sizing the KV
   * cache (0.21 and later); false: graphs are captured after, on top of it; null: the log does not say.
   */
  cudaGraphsInBudget: boolean | null;
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
const r4 = (v: number) => Math.round(v * 10000) / 10000;

function first(text: string, patterns: RegExp[]): RegExpMatchArray | null {
  for (const p of patterns) {
    const m = text.match(p);
    if (m) return m;
  }
  return null;
}

/** Every value of the first pattern that matches at all (each worker prints its own line). */
function every(text: string, patterns: RegExp[]): number[] {
  for (const p of patterns) {
    const g = new RegExp(p.source, p.flags.includes("g") ? p.flags : p.flags + "g");
    const values = [...text.matchAll(g)].map((m) => num(m[1])!).filter(Number.isFinite);
    if (values.length) return values;
  }
  return [];
}
const most = (v: number[]) => (v.length ? Math.max(...v) : null);
const least = (v: number[]) => (v.length ? Math.min(...v) : null);

/** "0.21.1rc2.dev3" -> 21 (the minor version; vLLM is 0.x). */
function minor(version: string | null): number | null {
  const m = version?.match(/^0\.(\d+)/);
  return m ? Number(m[1]) : null;
}

export function parseVllmLog(raw: string): VllmLogFigures {
  const text = raw.replace(ANSI, "");
  // Config lines are sometimes wrapped mid-word by the terminal that captured them: for key=value
  // settings, read the log with its line breaks removed.
  const joined = text.replace(/\r?\n/g, "");
  const g = (patterns: RegExp[], i = 1) => num(first(text, patterns)?.[i]);
  const s = (patterns: RegExp[], i = 1) => num(first(joined, patterns)?.[i]);
  const str = (patterns: RegExp[]) => first(joined, patterns)?.[1] ?? null;
  // The command that started the engine, when the log was saved with it ("$ vllm serve M -tp 2"):
  // its flags are the settings when the engine's own lines do not print them.
  const command = text
    .split("\n")
    .filter((l) => /\bvllm serve\s|vllm\.entrypoints\.openai\.api_server/.test(l))
    .join(" ");
  const flag = (names: string[]) =>
    command.match(new RegExp(`(?:^|\\s)(?:${names.join("|")})(?:=|\\s+)([\\w./:@-]+)`))?.[1] ?? null;
  const numFlag = (names: string[]) => {
    const v = Number(flag(names) ?? NaN);
    return Number.isFinite(v) ? v : null;
  };

  const weights = most(
    every(text, [
      /model weights take\s+([\d.]+)\s*GiB/i,
      /Model loading took\s+([\d.]+)\s*Gi?B/i,
      /Loading (?:model )?weights took\s+([\d.]+)\s*Gi?B/i,
      /weights memory:?\s*([\d.]+)\s*GiB/i,
      /([\d.]+)\s*GiB for weight/,
    ]),
  );
  const peakTorch = g([/peak_torch_memory=([\d.]+)GiB/]);
  let activation = most(
    every(text, [
      /activation peak memory(?: takes)?\s+([\d.]+)\s*GiB/i,
      /torch peak memory increase:?\s*([\d.]+)\s*GiB/i,
      /([\d.]+)\s*GiB for peak activation/,
    ]),
  );
  // V0 one-line format: the peak includes the weights.
  if (activation === null && peakTorch !== null && weights !== null)
    activation = Math.round((peakTorch - weights) * 100) / 100;
  const blockSize = s([/\bblock_size[=:'"\s]+(\d+)/, /attention block size to (\d+) tokens/]);
  const blocks = g([/#\s*(?:GPU|gpu|cuda|CUDA) blocks:\s*([\d,]+)/, /GPU blocks:\s*([\d,]+)/]);
  const tokens =
    least(every(text, [/GPU KV cache size:\s*([\d,]+)\s*tokens/])) ??
    (blocks !== null ? blocks * (blockSize ?? 16) : null);
  const conc = first(text, [/Maximum concurrency for\s*([\d,]+)\s*tokens per request:\s*([\d.]+)x/]);
  const version =
    first(text, [
      /vLLM API server version\s+([\w.+-]+)/,
      /LLM engine \(v([\w.+-]+)\)/,
      /vLLM version\s+([\w.+-]+)/,
      // the start-up banner of 0.11 and later: "▄▄ ▄█ █  version 0.18.0"
      /[\u2588\u2580\u2584]\s+version\s+(\d[\w.+-]*)/,
    ])?.[1] ?? null;
  const graphsMeasured = every(text, [
    /Graph capturing finished in .*?took\s+([\d.]+)\s*GiB/,
    /CUDA graph pool memory:\s*([\d.]+)\s*GiB/i,
    /([\d.]+)\s*GiB for CUDAGraph memory/,
  ]);
  const graphsEstimated = every(text, [/Estimated CUDA graph memory:\s*([\d.]+)\s*GiB/]);
  let inBudget: boolean | null = null;
  if (/CUDA graph memory profiling is enabled/.test(text)) inBudget = true;
  else if (/CUDA graph memory profiling will be enabled/.test(text)) inBudget = false;
  else if (minor(version) !== null) inBudget = minor(version)! >= 21;
  else if (graphsMeasured.length && !graphsEstimated.length) inBudget = false;
  // Only the config line ("kv_cache_dtype=fp8,") and the args dict ("'quantization': 'fp8'"): prose such
  // as "FP8 quantization is being used" must not read as a setting.
  const kvDtype = str([/\bkv_cache_dtype(?:=|':\s*')(\w+)/]);
  const quant = str([/\bquantization(?:=|':\s*')([\w-]+)/]);
  // "enforce_eager=False," in the config line, "'enforce_eager': True" in the args; not the advice
  // "set 'enforce_eager=True' or use '--enforce-eager'" printed before capturing CUDA graphs.
  const eager = str([/\benforce_eager(?:=|':\s*)(True|False)(?=[,}\s)])/]);
  return {
    version,
    model:
      first(joined, [
        /Initializing a V[01] LLM engine.*?model='([^']+)'/,
        /\bmodel='([^']+)'/,
        /'model': '([^']+)'/,
      ])?.[1] ??
      first(text, [/[\u2588\u2580\u2584]\s+model\s+(\S+)/])?.[1] ??
      command.match(/\bvllm serve\s+([^\s-]\S*)/)?.[1] ??
      flag(["--model"]),
    tensorParallel: s([/tensor_parallel_size[=:'"\s]+(\d+)/]) ?? numFlag(["--tensor-parallel-size", "-tp"]),
    pipelineParallel:
      s([/pipeline_parallel_size[=:'"\s]+(\d+)/]) ?? numFlag(["--pipeline-parallel-size", "-pp"]),
    maxModelLen:
      s([
        /max_seq_len=(\d+)/,
        /'max_model_len':\s*(\d+)/,
        /\bmax_model_len=(\d+)/,
        /Using max model len (\d+)/,
      ]) ??
      numFlag(["--max-model-len"]) ??
      num(conc?.[1]),
    gpuMemoryUtilization:
      s([
        /gpu_memory_utilization[=:'"\s(]+([\d.]+)/,
        /The current --gpu-memory-utilization=([\d.]+)/,
        /--gpu-memory-utilization from ([\d.]+)/,
        /Desired GPU memory utilization is \(([\d.]+),/,
      ]) ?? numFlag(["--gpu-memory-utilization"]),
    maxNumBatchedTokens: s([/max_num_batched_tokens[=:'"\s]+(\d+)/]) ?? numFlag(["--max-num-batched-tokens"]),
    maxNumSeqs: s([/max_num_seqs[=:'"\s]+(\d+)/]) ?? numFlag(["--max-num-seqs"]),
    blockSize,
    kvCacheDtype: kvDtype ?? flag(["--kv-cache-dtype"]),
    quantization: quant === null ? flag(["--quantization", "-q"]) : /^none$/i.test(quant) ? null : quant,
    enforceEager: eager === null ? null : /true/i.test(eager),
    cudaGraphsInBudget: inBudget,
    totalGpuMemoryGiB: g([
      /total_gpu_memory[=\s(]+([\d.]+)\s*GiB/,
      /total capacity of ([\d.]+) GiB/,
      /Free memory on device \([\d.]+\/([\d.]+) GiB\)/,
    ]),
    weightsGiB: weights === null ? null : r4(weights),
    activationGiB: activation,
    nonTorchGiB: most(
      every(text, [
        /non_torch_memory(?: takes)?[=\s]+([\d.]+)\s*GiB/i,
        /non-torch forward increase(?: memory)?:?\s*([\d.]+)\s*GiB/i,
        /non-torch memory(?: takes)?:?\s*([\d.]+)\s*GiB/i,
        /([\d.]+)\s*GiB for non-torch memory/,
      ]),
    ),
    kvCacheGiB: least(
      every(text, [
        /Available KV cache memory:\s*([\d.]+)\s*GiB/,
        /available_kv_cache_memory\s+([\d.]+)\s*GiB/,
        /kv_cache_size=([\d.]+)GiB/,
        /reserved for KV Cache is\s*([\d.]+)\s*GiB/i,
      ]),
    ),
    cudaGraphGiB: most(graphsMeasured) ?? most(graphsEstimated),
    kvCacheTokens: tokens,
    maxConcurrency: num(conc?.[2]),
  };
}

export type Figure =
  | "weightsGiB"
  | "activationGiB"
  | "nonTorchGiB"
  | "cudaGraphGiB"
  | "kvCacheGiB"
  | "kvCacheTokens"
  | "maxConcurrency";

/** The ledger's figures; null where the source (a plan of another shape) lacks one. */
export type Predicted = Record<Figure, number | null>;

/** The settings a ledger was computed for, to set against the ones the engine ran with. */
export interface LedgerSettings {
  tensorParallel: number | null;
  pipelineParallel: number | null;
  maxModelLen: number | null;
  gpuMemoryUtilization: number | null;
  maxNumBatchedTokens: number | null;
  maxNumSeqs: number | null;
  kvCacheDtype: string | null;
  totalGpuMemoryGiB: number | null;
}

export interface Row {
  /** Key of the figure (weightsGiB, ...). */
  key: Figure;
  figure: string;
  log: number | null;
  predicted: number | null;
  /** log / predicted − 1, when both are known. */
  difference: number | null;
  /** null when the log (or the ledger) lacks the figure. */
  ok: boolean | null;
  advice: string | null;
}

/** How far each figure may stray before llmdeploy explains it (weights are exact; the rest estimates). */
const TOLERANCE: Record<Figure, number> = {
  weightsGiB: 0.02,
  kvCacheGiB: 0.1,
  kvCacheTokens: 0.1,
  maxConcurrency: 0.1,
  activationGiB: 0.5,
  nonTorchGiB: 1,
  cudaGraphGiB: 1,
};

const LABELS: [Figure, string][] = [
  ["weightsGiB", "weights (GiB per GPU)"],
  ["activationGiB", "activation peak (GiB)"],
  ["nonTorchGiB", "non-torch memory (GiB)"],
  ["cudaGraphGiB", "CUDA graphs (GiB)"],
  ["kvCacheGiB", "KV cache (GiB per GPU)"],
  ["kvCacheTokens", "KV cache (tokens)"],
  ["maxConcurrency", "max concurrency (x)"],
];

const r2 = (v: number) => Math.round(v * 100) / 100;
const signed = (v: number, unit = " GiB") => `${v >= 0 ? "+" : "−"}${Math.abs(r2(v))}${unit}`;

/**
 * Why the KV cache differs, from the other lines of the ledger: vLLM gives the KV cache what is left
 * of gpu_memory_utilization × total after weights, activation peak, non-torch memory (and, from 0.21,
 * the CUDA graph pool), so every GiB another figure takes more is a GiB of KV cache less.
 */
function kvAttribution(log: VllmLogFigures, p: Predicted, s: LedgerSettings | null): string | null {
  if (log.kvCacheGiB === null || p.kvCacheGiB === null) return null;
  const parts: string[] = [];
  const add = (label: string, l: number | null, q: number | null) => {
    if (l === null || q === null) return;
    const d = l - q;
    if (Math.abs(d) >= 0.05) parts.push(`${label} ${signed(d)}`);
  };
  add("weights", log.weightsGiB, p.weightsGiB);
  add("activation peak", log.activationGiB, p.activationGiB);
  add("non-torch", log.nonTorchGiB, p.nonTorchGiB);
  if (log.cudaGraphsInBudget) add("CUDA graphs", log.cudaGraphGiB, p.cudaGraphGiB);
  const total = log.totalGpuMemoryGiB ?? s?.totalGpuMemoryGiB ?? null;
  const uLog = log.gpuMemoryUtilization;
  const uPlan = s?.gpuMemoryUtilization ?? null;
  if (total !== null && uLog !== null && uPlan !== null && Math.abs(uLog - uPlan) > 0.001) {
    parts.push(`budget ${signed((uLog - uPlan) * total)} (gpu_memory_utilization ${uLog} vs ${uPlan})`);
  } else if (log.totalGpuMemoryGiB !== null && s?.totalGpuMemoryGiB && uLog !== null) {
    const d = (log.totalGpuMemoryGiB - s.totalGpuMemoryGiB) * uLog;
    if (Math.abs(d) >= 0.05) parts.push(`budget ${signed(d)} (GPU of ${log.totalGpuMemoryGiB} GiB)`);
  }
  return parts.length ? `the other lines use ${parts.join(", ")}` : null;
}

function advice(key: Figure, d: number, log: VllmLogFigures, p: Predicted, s: LedgerSettings | null): string {
  const more = d > 0;
  switch (key) {
    case "weightsGiB":
      return more
        ? "the engine loaded more than the ledger's precision: check --quantization / the checkpoint (an unquantized one?), and --tensor-parallel-size"
        : "the engine loaded less than the ledger: a more compressed checkpoint than planned, or a larger --tensor-parallel-size";
    case "kvCacheGiB":
    case "kvCacheTokens": {
      if (more) {
        return log.cudaGraphsInBudget === false
          ? "more KV cache than the ledger: this vLLM (< 0.21) captures CUDA graphs after sizing the KV cache, outside --gpu-memory-utilization; the ledger (vLLM ≥ 0.21) counts them inside"
          : "more KV cache than the ledger: the other lines took less than predicted; the plan is conservative";
      }
      const fixes: string[] = [];
      // Sequences of max model len the ledger fits, and the length that fits as many in the log's cache.
      const planned =
        p.maxConcurrency ?? (s?.maxModelLen && p.kvCacheTokens ? p.kvCacheTokens / s.maxModelLen : null);
      const len = planned && log.kvCacheTokens ? Math.floor(log.kvCacheTokens / planned) : null;
      const lenFix = len
        ? `to keep the planned concurrency of ${r2(planned!)}x in this cache, --max-model-len ${len}`
        : "lower --max-model-len so the planned number of sequences still fits";
      const gibRowOff =
        log.kvCacheGiB !== null &&
        p.kvCacheGiB !== null &&
        p.kvCacheGiB > 0 &&
        Math.abs(log.kvCacheGiB / p.kvCacheGiB - 1) > TOLERANCE.kvCacheGiB;
      if (key === "kvCacheTokens" && gibRowOff) return `as the KV cache in GiB; ${lenFix}`;
      const total = log.totalGpuMemoryGiB ?? s?.totalGpuMemoryGiB ?? null;
      const u = log.gpuMemoryUtilization ?? s?.gpuMemoryUtilization ?? null;
      if (total && u !== null && log.kvCacheGiB !== null && p.kvCacheGiB !== null) {
        const need = Math.ceil((u + (p.kvCacheGiB - log.kvCacheGiB) / total) * 100) / 100;
        fixes.push(
          need <= 0.98
            ? `raise --gpu-memory-utilization to ${need} if nothing else uses the GPU`
            : "more --gpu-memory-utilization alone cannot make it up",
        );
      }
      if (log.activationGiB !== null && p.activationGiB !== null && log.activationGiB > p.activationGiB * 1.5)
        fixes.push("lower --max-num-batched-tokens (the profiling peak grows with it)");
      fixes.push(lenFix);
      const why = kvAttribution(log, p, s);
      return `less KV cache than the ledger${why ? ` (${why})` : ""}: ${fixes.join("; or ")}`;
    }
    case "maxConcurrency": {
      const tokens =
        log.kvCacheTokens !== null && p.kvCacheTokens ? log.kvCacheTokens / p.kvCacheTokens - 1 : null;
      if (tokens !== null && Math.abs(tokens) <= TOLERANCE.kvCacheTokens) {
        return "the KV cache matches, but vLLM counts a sequence's blocks differently (sliding-window or hybrid attention layers, block rounding): trust the log's figure";
      }
      if (log.maxModelLen && s?.maxModelLen && log.maxModelLen !== s.maxModelLen) {
        return `the engine ran with --max-model-len ${log.maxModelLen}, the ledger with ${s.maxModelLen}: concurrency scales inversely with it`;
      }
      return more
        ? "more sequences fit than planned"
        : `fewer sequences fit than planned: lower --max-model-len${log.maxModelLen ? ` (now ${log.maxModelLen})` : ""} or raise --gpu-memory-utilization`;
    }
    case "activationGiB":
      return more
        ? `a larger profiling peak: --max-num-batched-tokens${log.maxNumBatchedTokens ? ` (${log.maxNumBatchedTokens})` : ""} or --max-num-seqs is larger than the ledger's${s?.maxNumBatchedTokens ? ` (${s.maxNumBatchedTokens})` : ""}; V0 without chunked prefill profiles a whole --max-model-len`
        : "a smaller profiling peak than the ledger: more room for the KV cache";
    case "nonTorchGiB":
      return more
        ? "more memory outside PyTorch (NCCL buffers under TP, custom all-reduce, cuBLAS workspaces, another process on the GPU)"
        : "less memory outside PyTorch than the ledger";
    case "cudaGraphGiB":
      return more
        ? `CUDA graphs took more than the ledger's allowance (more capture sizes, a larger model or batch)${log.cudaGraphsInBudget ? ": they come out of the KV cache" : ""}; --enforce-eager removes them at a speed cost, a lower --max-num-seqs shrinks them`
        : "CUDA graphs took less than the ledger's allowance";
  }
}

/** The log's figures against the ledger's, row by row, with the flag to change where they differ. */
export function compareLog(log: VllmLogFigures, p: Predicted, settings: LedgerSettings | null = null): Row[] {
  return LABELS.map(([key, label]) => {
    const measured = log[key];
    const predicted = p[key];
    const shown = predicted === null ? null : r2(predicted);
    if (measured === null || predicted === null || !(predicted > 0)) {
      return {
        key,
        figure: label,
        log: measured,
        predicted: shown,
        difference: null,
        ok: null,
        advice: null,
      };
    }
    const d = measured / predicted - 1;
    const ok = Math.abs(d) <= TOLERANCE[key];
    return {
      key,
      figure: label,
      log: measured,
      predicted: shown,
      difference: Math.round(d * 1000) / 1000,
      ok,
      advice: ok ? null : advice(key, d, log, p, settings),
    };
  });
}

/**
 * Settings the engine ran with that differ from the ledger's: each one explains differences in the
 * figures, and says which engine flag brings the deployment back to the plan.
 */
export function settingNotes(log: VllmLogFigures, s: LedgerSettings): string[] {
  const notes: string[] = [];
  const total = log.totalGpuMemoryGiB ?? s.totalGpuMemoryGiB;
  if (log.tensorParallel !== null && s.tensorParallel !== null && log.tensorParallel !== s.tensorParallel)
    notes.push(
      `the engine ran with --tensor-parallel-size ${log.tensorParallel}, the ledger with ${s.tensorParallel}: per-GPU figures are not comparable`,
    );
  if (
    log.pipelineParallel !== null &&
    s.pipelineParallel !== null &&
    log.pipelineParallel !== s.pipelineParallel
  )
    notes.push(
      `the engine ran with --pipeline-parallel-size ${log.pipelineParallel}, the ledger with ${s.pipelineParallel}`,
    );
  if (
    log.gpuMemoryUtilization !== null &&
    s.gpuMemoryUtilization !== null &&
    Math.abs(log.gpuMemoryUtilization - s.gpuMemoryUtilization) > 0.001
  ) {
    const d = (s.gpuMemoryUtilization - log.gpuMemoryUtilization) * (total ?? 0);
    notes.push(
      `the engine ran with --gpu-memory-utilization ${log.gpuMemoryUtilization}, the ledger with ${s.gpuMemoryUtilization}` +
        (total ? `: ${d > 0 ? "less" : "more"} KV cache by about ${Math.abs(r2(d))} GiB per GPU` : "") +
        `; start the engine with --gpu-memory-utilization ${s.gpuMemoryUtilization} as planned`,
    );
  }
  if (log.maxModelLen !== null && s.maxModelLen !== null && log.maxModelLen !== s.maxModelLen)
    notes.push(
      `the engine ran with --max-model-len ${log.maxModelLen}, the ledger with ${s.maxModelLen}: max concurrency scales by ${r2(s.maxModelLen / log.maxModelLen)}`,
    );
  if (
    log.maxNumBatchedTokens !== null &&
    s.maxNumBatchedTokens !== null &&
    log.maxNumBatchedTokens !== s.maxNumBatchedTokens
  )
    notes.push(
      `the engine ran with --max-num-batched-tokens ${log.maxNumBatchedTokens}, the ledger with ${s.maxNumBatchedTokens}: the activation peak scales with it`,
    );
  const dtype = (d: string | null) =>
    d === null ? null : /^fp8/i.test(d) ? "fp8" : /^auto$/i.test(d) ? "auto" : d;
  if (
    log.kvCacheDtype !== null &&
    s.kvCacheDtype !== null &&
    dtype(log.kvCacheDtype) !== dtype(s.kvCacheDtype)
  )
    notes.push(
      `the engine ran with --kv-cache-dtype ${log.kvCacheDtype}, the ledger with ${s.kvCacheDtype}: tokens per GiB differ by 2x`,
    );
  if (
    log.totalGpuMemoryGiB !== null &&
    s.totalGpuMemoryGiB !== null &&
    Math.abs(log.totalGpuMemoryGiB / s.totalGpuMemoryGiB - 1) > 0.02
  )
    notes.push(
      `the log's GPU has ${log.totalGpuMemoryGiB} GiB, the ledger's ${r2(s.totalGpuMemoryGiB)} GiB: is it the planned GPU?`,
    );
  if (log.cudaGraphsInBudget === false)
    notes.push(
      `this vLLM${log.version ? ` (${log.version})` : ""} captures CUDA graphs after sizing the KV cache, on top of --gpu-memory-utilization; the ledger follows vLLM ≥ 0.21, which reserves them first (expect the log's KV cache larger by about the graphs' size)`,
    );
  return notes;
}
