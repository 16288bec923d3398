/**
 * A vLLM start-up log's figures against a ledger (a plan's, or one computed here): settings that differ
 * first, then figure by figure with the flag to change, and a verdict when the engine did not start.
 * Pure.
 */
import type { VllmLogFigures } from "./vllm-log.js";

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
  /** The engine release the ledger models (plans from before the field: null). */
  engineVersion?: string | null;
  enforceEager?: boolean | null;
  /** The weight precision the ledger sized (bf16, fp8, awq, ...). */
  precision?: string | null;
  /** --quantization the ledger told the engine, or null. */
  quantization?: string | null;
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
  if (log.maxNumSeqs !== null && s.maxNumSeqs !== null && log.maxNumSeqs !== s.maxNumSeqs)
    notes.push(
      `the engine ran with --max-num-seqs ${log.maxNumSeqs}, the ledger with ${s.maxNumSeqs}: the profile run's sampler (and so the activation peak) scales with it`,
    );
  if (log.enforceEager !== null && s.enforceEager != null && log.enforceEager !== s.enforceEager)
    notes.push(
      log.enforceEager
        ? "the engine ran with --enforce-eager, the ledger with CUDA graphs: no graph memory in the log"
        : "the engine ran with CUDA graphs, the ledger with --enforce-eager: the log holds graph memory the ledger does not",
    );
  const logMinor = minorOf(log.version);
  const ledgerMinor = minorOf(s.engineVersion ?? null);
  if (log.version !== null && s.engineVersion && logMinor !== null && logMinor !== ledgerMinor)
    notes.push(
      `the engine is vLLM ${log.version}, the ledger models ${s.engineVersion}: defaults, the sampler's temporaries and where CUDA graphs go differ by release (size for it with --engine-version ${log.version.replace(/^(\d+\.\d+(?:\.\d+)?).*$/, "$1")})`,
    );
  const q = quantizationMismatch(log.quantization, s);
  if (q) notes.push(q);
  const ledgerInBudget = ledgerMinor === null ? true : ledgerMinor >= 21;
  if (log.cudaGraphsInBudget === false && ledgerInBudget)
    notes.push(
      `this vLLM${log.version ? ` (${log.version})` : ""} captures CUDA graphs after sizing the KV cache, on top of --gpu-memory-utilization; the ledger follows vLLM ≥ 0.21, which reserves them first (expect the log's KV cache larger by about the graphs' size)`,
    );
  return notes;
}

/** "0.21.1rc2.dev3" -> 21 (the minor version; vLLM is 0.x). */
function minorOf(version: string | null): number | null {
  const m = version?.match(/^v?0\.(\d{1,4})/);
  return m ? Number(m[1]) : null;
}

/** Quantization method families as vLLM names them, by the ledger's precision. */
const FAMILIES: [RegExp, RegExp][] = [
  [/^(awq|int4)/, /awq/i],
  [/^gptq/, /gptq/i],
  [/^fp8/, /fp8|fbgemm|compressed-tensors|modelopt/i],
  [/^(w4a16|int8)/, /compressed-tensors|w8a8|gptq|awq/i],
  [/^mxfp4/, /mxfp4/i],
  [/^(nf4|bnb)/, /bitsandbytes/i],
];

/** Whether the quantization the log states contradicts the precision the ledger sized, and how. */
function quantizationMismatch(logQuant: string | null, s: LedgerSettings): string | null {
  const p = s.precision?.toLowerCase() ?? null;
  if (p === null) return null;
  const sixteen = /^(bf16|fp16|fp32)$/.test(p);
  if (logQuant === null) {
    // The config line states quantization=None for an unquantized load; only then is null a statement.
    return null;
  }
  if (sixteen)
    return `the engine loaded ${logQuant}-quantized weights, the ledger sized ${p}: weights per GPU differ`;
  const family = FAMILIES.find(([prec]) => prec.test(p));
  if (family && !family[1].test(logQuant))
    return `the engine ran with quantization ${logQuant}, the ledger sized ${p}: weights per GPU differ`;
  return null;
}

/** Whether a comparison misses: a figure off, or an engine that did not start. */
export function missed(rows: readonly Row[], log: VllmLogFigures): boolean {
  return log.failure !== null || rows.some((r) => r.ok === false);
}

/**
 * One sentence on a start that failed: what vLLM could not fit, against what the ledger predicted
 * (its KV cache in GiB and tokens, and what it says about the same sequence), and what to change.
 */
export function failureVerdict(log: VllmLogFigures, p: Predicted, s: LedgerSettings | null): string | null {
  const f = log.failure;
  if (!f) return null;
  const predicted =
    p.kvCacheGiB !== null
      ? `the ledger predicted ${r2(p.kvCacheGiB)} GiB of KV cache per GPU${p.kvCacheTokens ? ` (${p.kvCacheTokens} tokens${p.maxConcurrency !== null ? `, ${p.maxConcurrency}x that length` : ""})` : ""}`
      : "the ledger has no KV cache figure";
  const len = f.maxModelLen ?? log.maxModelLen ?? s?.maxModelLen ?? null;
  const perSeq =
    p.kvCacheGiB !== null && p.maxConcurrency
      ? ` (one sequence needs ${r2(p.kvCacheGiB / p.maxConcurrency)} GiB by the ledger)`
      : "";
  switch (f.kind) {
    case "kv-needed":
      return (
        `vLLM could not fit one sequence of ${len}: it needed ${f.neededGiB} GiB of KV cache and had ${f.availableGiB} GiB` +
        `${f.estimatedMaxModelLen ? ` (enough for ${f.estimatedMaxModelLen} tokens)` : ""}; ${predicted}${perSeq}` +
        `${f.estimatedMaxModelLen ? `; start it with --max-model-len ${f.estimatedMaxModelLen} or less, or give it more memory` : ""}`
      );
    case "kv-too-small":
      return (
        `vLLM could not fit one sequence of ${len}: its KV cache holds ${f.kvCacheTokens} tokens; ${predicted}` +
        `${f.kvCacheTokens ? `; start it with --max-model-len ${f.kvCacheTokens} or less, or give it more memory` : ""}`
      );
    case "no-memory":
      return `vLLM had no memory left for the KV cache${log.kvCacheGiB !== null ? ` (${log.kvCacheGiB} GiB available)` : ""} after the weights and the profile run; ${predicted}; use more GPUs (--tensor-parallel-size), a smaller precision, or a lower --max-num-seqs`;
    case "out-of-memory":
      return `vLLM ran out of GPU memory while starting; ${predicted}; lower --gpu-memory-utilization if another process uses the GPU, or --max-num-seqs / --max-num-batched-tokens`;
  }
}
