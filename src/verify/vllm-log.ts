/**
 * Reading a vLLM start-up log: the memory figures it prints, the settings it ran with and, when the
 * engine did not start, why, across the formats of the versions in use:
 *
 * - V0 0.6.4: one line "Memory profiling results: total_gpu_memory=... peak_torch_memory=...
 *   non_torch_memory=... kv_cache_size=..." and "# GPU blocks: N";
 * - V0 0.6.5: a table ("model weights take", "non_torch_memory", "PyTorch activation peak memory",
 *   "available_kv_cache_memory");
 * - V0 0.7-0.9: "the current vLLM instance can use total_gpu_memory (X) x gpu_memory_utilization (U)",
 *   "model weights take ...; non_torch_memory takes ...; PyTorch activation peak memory takes ...; the
 *   rest of the memory reserved for KV Cache is ...", "# cuda blocks: N";
 * - V1: "Model loading took X GiB [memory] and S seconds", "Available KV cache memory: X GiB" (negative
 *   when nothing is left), "GPU KV cache size: N tokens", "Maximum concurrency for L tokens per request:
 *   Cx", "Graph capturing finished in S secs, took X GiB"; since 0.18 "Estimated CUDA graph memory: X GiB
 *   total", and since 0.21 "CUDA graph memory profiling is enabled ... The current
 *   --gpu-memory-utilization=U ...", when the graphs come out of the KV budget;
 * - failures: V0 "The model's max seq len (L) is larger than the maximum number of tokens that can be
 *   stored in KV cache (N)"; V1 "To serve at least one request with the model's max seq len (L), (X GiB
 *   KV cache is needed, which is larger than the available KV cache memory (Y GiB)"; "No available
 *   memory for the cache blocks"; "CUDA out of memory".
 *
 * Settings come from the engine config line (model=, max_seq_len=, tensor_parallel_size=, ...), the
 * "non-default args" dict or the argparse Namespace. Several workers (TP ranks, PP stages) print their
 * own figures: the binding one is kept (the most weights, activation and overhead; the least KV cache,
 * which is what vLLM sizes every worker's cache by). vLLM prints "GB" in some lines where it divides by
 * 2^30: all figures here are GiB.
 *
 * Linear in the log's size: every pattern starts at a literal or is bounded ({m,n} repetitions, no
 * unbounded `.*` between two parts), so a long or hostile log cannot make the regex engine backtrack.
 * A figure that is not a number ("1.2.3 GiB") is left out and listed in `problems`. Pure.
 */
import { type VersionRange, versionFromLog, formatVersion } from "../engines/version.js";

export interface VllmFailure {
  kind: "kv-too-small" | "kv-needed" | "no-memory" | "out-of-memory";
  /** The max model len vLLM could not serve, when it says. */
  maxModelLen: number | null;
  /** V0: tokens the KV cache holds. */
  kvCacheTokens: number | null;
  /** V1: KV cache one sequence needs and what was available, GiB. */
  neededGiB: number | null;
  availableGiB: number | null;
  /** V1: the longest sequence the available memory holds. */
  estimatedMaxModelLen: number | null;
  /** The line, as printed (trimmed). */
  line: string;
}

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
  /** Why the engine did not start, when the log says. */
  failure: VllmFailure | null;
  /** Figures that were not numbers and were left out, one sentence each. */
  problems: string[];
}

const ANSI = new RegExp(String.raw`\u001b\[[0-9;]{0,16}m`, "g");
const r4 = (v: number) => Math.round(v * 10000) / 10000;
/** A number as vLLM prints it: digits with thousands commas, an optional fraction and sign. */
const NUMBER = /^-?\d{1,3}(?:,\d{3})*(?:\.\d+)?$|^-?\d+(?:\.\d+)?$/;

/** A figure's text: the number, or null and a problem when it is not one. */
function parseNumber(s: string | undefined, where: string, problems: string[]): number | null {
  if (s === undefined) return null;
  const t = s.replace(/(\d)[.,]+$/, "$1"); // a sentence's full stop or comma after the figure
  if (!NUMBER.test(t)) {
    const p = `"${s}" after "${where}" is not a number: left out`;
    if (!problems.includes(p)) problems.push(p);
    return null;
  }
  return Number(t.replace(/,/g, ""));
}

/**
 * A matcher: a bounded regex and the literal it is named by in problems, or a number printed just
 * before a literal ("8.58 GiB for weight"), found by the literal first so that no regex starts at every
 * digit of a long run.
 */
type P = [RegExp, string] | { before: string };

export function parseVllmLog(raw: string): VllmLogFigures {
  const problems: string[] = [];
  const text = raw.replace(ANSI, "");
  // Config lines are sometimes wrapped mid-word by the terminal that captured them: for key=value
  // settings, read the log with its line breaks removed.
  const joined = text.replace(/\r?\n/g, "");
  type R = [RegExp, string];
  const firstMatch = (src: string, ps: R[]) => {
    for (const [re, where] of ps) {
      const m = re.exec(src);
      if (m) return { m, where };
    }
    return null;
  };
  const one = (src: string, ps: R[], i = 1) => {
    const f = firstMatch(src, ps);
    return f ? parseNumber(f.m[i], f.where, problems) : null;
  };
  const g = (ps: R[], i = 1) => one(text, ps, i);
  const s = (ps: R[], i = 1) => one(joined, ps, i);
  const str = (ps: R[]) => firstMatch(joined, ps)?.m[1] ?? null;
  /** The number printed just before each occurrence of `literal`. */
  const numbersBefore = (literal: string): string[] => {
    const found: string[] = [];
    for (let i = text.indexOf(literal); i >= 0; i = text.indexOf(literal, i + literal.length)) {
      const m = /(-?[\d.,]{1,24})\s{0,4}$/.exec(text.slice(Math.max(0, i - 32), i));
      if (m) found.push(m[1]!);
    }
    return found;
  };
  /** Every value of the first pattern that matches at all (each worker prints its own line). */
  const every = (ps: P[]): number[] => {
    for (const p of ps) {
      let raw: string[];
      let where: string;
      if (Array.isArray(p)) {
        const [re, w] = p;
        const g2 = new RegExp(re.source, re.flags.includes("g") ? re.flags : re.flags + "g");
        raw = [...text.matchAll(g2)].map((m) => m[1]!);
        where = w;
      } else {
        raw = numbersBefore(p.before);
        where = p.before;
      }
      if (!raw.length) continue;
      const values = raw.map((v) => parseNumber(v, where, problems)).filter((v): v is number => v !== null);
      if (values.length) return values;
    }
    return [];
  };
  const most = (v: number[]) => (v.length ? Math.max(...v) : null);
  const least = (v: number[]) => (v.length ? Math.min(...v) : null);

  // The command that started the engine, when the log was saved with it ("$ vllm serve M -tp 2"):
  // its flags are the settings when the engine's own lines do not print them.
  const command = text
    .split("\n")
    .filter((l) => /\bvllm serve\s|vllm\.entrypoints\.openai\.api_server/.test(l))
    .join(" ");
  const flag = (names: string[]) =>
    command.match(new RegExp(`(?:^|\\s)(?:${names.join("|")})(?:=|\\s{1,8})([\\w./:@-]{1,300})`))?.[1] ??
    null;
  const numFlag = (names: string[]) => {
    const v = flag(names);
    return v === null ? null : parseNumber(v, names[0]!, problems);
  };

  const N = String.raw`(-?[\d.,]{1,24})`;
  const weights = most(
    every([
      [new RegExp(String.raw`model weights take\s{0,16}${N}\s{0,4}GiB`, "i"), "model weights take"],
      [new RegExp(String.raw`Model loading took\s{1,4}${N}\s{0,4}Gi?B`, "i"), "Model loading took"],
      [
        new RegExp(String.raw`Loading (?:model )?weights took\s{1,4}${N}\s{0,4}Gi?B`, "i"),
        "Loading model weights took",
      ],
      [new RegExp(String.raw`weights memory:?\s{0,4}${N}\s{0,4}GiB`, "i"), "weights memory"],
      { before: "GiB for weight" },
    ]),
  );
  const peakTorch = g([[new RegExp(String.raw`peak_torch_memory=${N}GiB`), "peak_torch_memory="]]);
  let activation = most(
    every([
      [
        new RegExp(String.raw`activation peak memory(?: takes)?\s{1,16}${N}\s{0,4}GiB`, "i"),
        "activation peak memory",
      ],
      [
        new RegExp(String.raw`torch peak memory increase:?\s{0,4}${N}\s{0,4}GiB`, "i"),
        "torch peak memory increase",
      ],
      { before: "GiB for peak activation" },
    ]),
  );
  // V0 one-line format: the peak includes the weights.
  if (activation === null && peakTorch !== null && weights !== null)
    activation = Math.round((peakTorch - weights) * 100) / 100;
  const blockSize = s([
    [/\bblock_size[=:'"\s]{1,16}(\d{1,7})/, "block_size"],
    [/attention block size to (\d{1,7}) tokens/, "attention block size to"],
  ]);
  const blocks = g([
    [/#\s{0,4}(?:GPU|gpu|cuda|CUDA) blocks:\s{0,4}([\d,]{1,15})/, "# GPU blocks:"],
    [/GPU blocks:\s{0,4}([\d,]{1,15})/, "GPU blocks:"],
  ]);
  const v0MaxTokens = s([
    [
      /maximum number of tokens that can be\s{0,4}stored in KV cache \(([\d,]{1,15})\)/,
      "stored in KV cache (",
    ],
  ]);
  const tokens =
    least(every([[/GPU KV cache size:\s{0,4}([\d,]{1,15})\s{0,4}tokens/, "GPU KV cache size:"]])) ??
    (blocks !== null ? blocks * (blockSize ?? 16) : v0MaxTokens);
  const conc =
    /Maximum concurrency for\s{0,4}([\d,]{1,15})\s{0,4}tokens per request:\s{0,4}([\d.,]{1,16})x/.exec(text);
  const versionText =
    firstMatch(text, [
      [/vLLM API server version\s{1,4}([\w.+-]{1,60})/, ""],
      [/LLM engine \(v([\w.+-]{1,60})\)/, ""],
      [/vLLM version\s{1,4}([\w.+-]{1,60})/, ""],
      // the start-up banner of 0.11 and later: "▄▄ ▄█ █  version 0.18.0"
      [/[\u2588\u2580\u2584]\s{1,16}version\s{1,4}(\d[\w.+-]{0,60})/, ""],
    ])?.m[1] ?? null;
  const graphsMeasured = every([
    [
      new RegExp(String.raw`Graph capturing finished in [^\n]{0,80}?took\s{1,4}${N}\s{0,4}GiB`),
      "Graph capturing finished ... took",
    ],
    [new RegExp(String.raw`CUDA graph pool memory:\s{0,4}${N}\s{0,4}GiB`, "i"), "CUDA graph pool memory:"],
    { before: "GiB for CUDAGraph memory" },
  ]);
  const graphsEstimated = every([
    [
      new RegExp(String.raw`Estimated CUDA graph memory:\s{0,4}${N}\s{0,4}GiB`),
      "Estimated CUDA graph memory:",
    ],
  ]);
  const minorOf = (v: string | null) => {
    const x = v === null ? null : versionFromLog(v);
    return x && x[0] === 0 ? x[1] : null;
  };
  let inBudget: boolean | null = null;
  if (text.includes("CUDA graph memory profiling is enabled")) inBudget = true;
  else if (text.includes("CUDA graph memory profiling will be enabled")) inBudget = false;
  else if (minorOf(versionText) !== null) inBudget = minorOf(versionText)! >= 21;
  else if (graphsMeasured.length && !graphsEstimated.length) inBudget = false;
  // Only the config line ("kv_cache_dtype=fp8,") and the args dict ("'quantization': 'fp8'"): prose such
  // as "FP8 quantization is being used" must not read as a setting.
  const kvDtype = str([[/\bkv_cache_dtype(?:=|':\s{0,4}')(\w{1,20})/, ""]]);
  const quant = str([[/\bquantization(?:=|':\s{0,4}')([\w-]{1,40})/, ""]]);
  // "enforce_eager=False," in the config line, "'enforce_eager': True" in the args; not the advice
  // "set 'enforce_eager=True' or use '--enforce-eager'" printed before capturing CUDA graphs.
  const eager = str([[/\benforce_eager(?:=|':\s{0,4})(True|False)(?=[,}\s)])/, ""]]);
  const eagerFlag = /(?:^|\s)--enforce-eager(?:\s|$)/.test(command) ? true : null;

  const failure = parseFailure(text, joined, problems);
  return {
    version: versionText,
    model:
      firstMatch(joined, [
        [/Initializing a V[01] LLM engine[^']{0,300}?model='([^']{1,300})'/, ""],
        [/\bmodel='([^']{1,300})'/, ""],
        [/'model': '([^']{1,300})'/, ""],
      ])?.m[1] ??
      firstMatch(text, [[/[\u2588\u2580\u2584]\s{1,16}model\s{1,4}(\S{1,300})/, ""]])?.m[1] ??
      command.match(/\bvllm serve\s{1,8}([^\s-]\S{0,300})/)?.[1] ??
      flag(["--model"]),
    tensorParallel:
      s([[/tensor_parallel_size[=:'"\s]{1,16}(\d{1,5})/, "tensor_parallel_size"]]) ??
      numFlag(["--tensor-parallel-size", "-tp"]),
    pipelineParallel:
      s([[/pipeline_parallel_size[=:'"\s]{1,16}(\d{1,5})/, "pipeline_parallel_size"]]) ??
      numFlag(["--pipeline-parallel-size", "-pp"]),
    maxModelLen:
      s([
        [/max_seq_len=(\d{1,9})/, "max_seq_len="],
        [/'max_model_len':\s{0,4}(\d{1,9})/, "'max_model_len':"],
        [/\bmax_model_len=(\d{1,9})/, "max_model_len="],
        [/Using max model len (\d{1,9})/, "Using max model len"],
      ]) ??
      numFlag(["--max-model-len"]) ??
      parseNumber(conc?.[1], "Maximum concurrency for", problems) ??
      failure?.maxModelLen ??
      null,
    gpuMemoryUtilization:
      s([
        [/gpu_memory_utilization[=:'"\s(]{1,16}([\d.]{1,12})/, "gpu_memory_utilization"],
        [/The current --gpu-memory-utilization=([\d.]{1,12})/, "The current --gpu-memory-utilization="],
        [/--gpu-memory-utilization from ([\d.]{1,12})/, "--gpu-memory-utilization from"],
        [/Desired GPU memory utilization is \(([\d.]{1,12}),/, "Desired GPU memory utilization is ("],
      ]) ?? numFlag(["--gpu-memory-utilization"]),
    maxNumBatchedTokens:
      s([[/max_num_batched_tokens[=:'"\s]{1,16}(\d{1,9})/, "max_num_batched_tokens"]]) ??
      numFlag(["--max-num-batched-tokens"]),
    maxNumSeqs: s([[/max_num_seqs[=:'"\s]{1,16}(\d{1,9})/, "max_num_seqs"]]) ?? numFlag(["--max-num-seqs"]),
    blockSize,
    kvCacheDtype: kvDtype ?? flag(["--kv-cache-dtype"]),
    quantization: quant === null ? flag(["--quantization", "-q"]) : /^none$/i.test(quant) ? null : quant,
    enforceEager: eager === null ? eagerFlag : /true/i.test(eager),
    cudaGraphsInBudget: inBudget,
    totalGpuMemoryGiB: g([
      [/total_gpu_memory[=\s(]{1,16}([\d.]{1,12})\s{0,4}GiB/, "total_gpu_memory"],
      [/total capacity of ([\d.]{1,12}) GiB/, "total capacity of"],
      [/Free memory on device \([\d.]{1,12}\/([\d.]{1,12}) GiB\)/, "Free memory on device"],
    ]),
    weightsGiB: weights === null ? null : r4(weights),
    activationGiB: activation,
    nonTorchGiB: most(
      every([
        [
          new RegExp(String.raw`non_torch_memory(?: takes)?[=\s]{1,16}${N}\s{0,4}GiB`, "i"),
          "non_torch_memory",
        ],
        [
          new RegExp(String.raw`non-torch forward increase(?: memory)?:?\s{0,4}${N}\s{0,4}GiB`, "i"),
          "non-torch forward increase",
        ],
        [new RegExp(String.raw`non-torch memory(?: takes)?:?\s{0,4}${N}\s{0,4}GiB`, "i"), "non-torch memory"],
        { before: "GiB for non-torch memory" },
      ]),
    ),
    kvCacheGiB: least(
      every([
        [
          new RegExp(String.raw`Available KV cache memory:\s{0,4}${N}\s{0,4}GiB`),
          "Available KV cache memory:",
        ],
        [
          new RegExp(String.raw`available_kv_cache_memory\s{1,16}${N}\s{0,4}GiB`),
          "available_kv_cache_memory",
        ],
        [new RegExp(String.raw`kv_cache_size=${N}GiB`), "kv_cache_size="],
        [
          new RegExp(String.raw`reserved for KV Cache is\s{0,4}${N}\s{0,4}GiB`, "i"),
          "reserved for KV Cache is",
        ],
      ]),
    ),
    cudaGraphGiB: most(graphsMeasured) ?? most(graphsEstimated),
    kvCacheTokens: tokens,
    maxConcurrency: parseNumber(conc?.[2], "tokens per request:", problems),
    failure,
    problems,
  };
}

/** Why the engine did not start, from the last failure line the log holds. */
function parseFailure(text: string, joined: string, problems: string[]): VllmFailure | null {
  const num = (v: string | undefined, where: string) => parseNumber(v, where, problems);
  const lineOf = (src: string, at: number) => {
    const start = Math.max(0, src.lastIndexOf("\n", at) + 1, at - 400);
    const end = src.indexOf("\n", at);
    return src.slice(start, end < 0 ? Math.min(src.length, at + 400) : Math.min(end, at + 400)).trim();
  };
  const v1 =
    /To serve at least one request with the models?'s max seq len \(([\d,]{1,15})\),?\s{0,8}\(?([\d.]{1,16}) GiB KV cache is needed, which is larger than the available KV cache memory \((-?[\d.]{1,16}) GiB\)/.exec(
      joined,
    );
  if (v1) {
    const est = /estimated maximum model length is (\d{1,12})(?!\d)/.exec(
      joined.slice(v1.index, v1.index + 2000),
    );
    return {
      kind: "kv-needed",
      maxModelLen: num(v1[1], "max seq len ("),
      kvCacheTokens: null,
      neededGiB: num(v1[2], "KV cache is needed"),
      availableGiB: num(v1[3], "available KV cache memory ("),
      estimatedMaxModelLen: est ? num(est[1], "estimated maximum model length is") : null,
      line: lineOf(joined, v1.index),
    };
  }
  const v0 =
    /max seq len \(([\d,]{1,15})\) is larger than the maximum number of tokens that can be\s{0,4}stored in KV cache \(([\d,]{1,15})\)/.exec(
      joined,
    );
  if (v0)
    return {
      kind: "kv-too-small",
      maxModelLen: num(v0[1], "max seq len ("),
      kvCacheTokens: num(v0[2], "stored in KV cache ("),
      neededGiB: null,
      availableGiB: null,
      estimatedMaxModelLen: null,
      line: lineOf(joined, v0.index),
    };
  const none = text.indexOf("No available memory for the cache blocks");
  if (none >= 0)
    return {
      kind: "no-memory",
      maxModelLen: null,
      kvCacheTokens: null,
      neededGiB: null,
      availableGiB: null,
      estimatedMaxModelLen: null,
      line: lineOf(text, none),
    };
  const oom = /CUDA out of memory|torch\.OutOfMemoryError/.exec(text);
  if (oom)
    return {
      kind: "out-of-memory",
      maxModelLen: null,
      kvCacheTokens: null,
      neededGiB: null,
      availableGiB: null,
      estimatedMaxModelLen: null,
      line: lineOf(text, oom.index),
    };
  return null;
}

/**
 * The release a log names, canonical X.Y.Z, checked against the releases llmdeploy models; null when
 * the log names none. An Error-free answer: `{ version }` or `{ outside }` naming the problem.
 */
export function logVersion(
  log: VllmLogFigures,
  range: VersionRange,
): { version: string } | { outside: string } | null {
  if (log.version === null) return null;
  const v = versionFromLog(log.version);
  if (!v) return { outside: `the log's vLLM version "${log.version}" is not a release number` };
  try {
    return { version: range.resolve(formatVersion(v)) };
  } catch {
    return {
      outside: `the log's vLLM ${log.version} is outside the releases llmdeploy models (${range.oldest} to ${range.newest})`,
    };
  }
}

export * from "./compare.js";
