/**
 * `llmdeploy estimate`: parse options with one zod schema, resolve the model and GPU, call the
 * engine, print the result (table, or the same object as JSON).
 */
import { bandsText } from "../contract/plan.js";
import { describeUse } from "../calibrate/apply.js";
import { findGpu, gpus as gpuCatalog } from "../catalog/index.js";
import { ENGINE_NAMES } from "../engines/index.js";
import { UserError } from "../errors.js";
import { checkModelArg } from "./model-arg.js";
import { resolveModel } from "../models/resolve.js";
import { estimate, type EstimateResult, type PlacementResult } from "../sizing/estimate.js";
import { parseKvDtype } from "../sizing/kv.js";
import { MAX_REPLAY_REQUESTS } from "../sizing/replay.js";
import { DEFAULTS } from "../defaults.js";
import { loadCalibration } from "./calibration-file.js";
import { choiceFlag, fractionFlag, intFlag, numFlag } from "./flags.js";
import { ledgerBar } from "./ledger-bar.js";
import { c, gib, grouped, info, lineWidth, out, params, printJson, unicodeOn } from "./output.js";
import { renderTable } from "./table.js";

/** The options `estimate` takes, parsed from commander's raw strings. */
export interface EstimateOptions {
  precision: string | undefined;
  kvCacheDtype: "auto" | "fp8";
  maxModelLen: number | undefined;
  concurrency: number;
  gpu: string | undefined;
  gpus: number | undefined;
  tp: number | undefined;
  pp: number | undefined;
  gpuMemoryUtilization: number | undefined;
  maxNumBatchedTokens: number | undefined;
  maxNumSeqs: number | undefined;
  inputTokens: number;
  outputTokens: number;
  requestRate: number | undefined;
  /** Replay a finite run of this many requests (--num-requests). */
  numRequests: number | undefined;
  engine: string | undefined;
  engineVersion: string | undefined;
  enforceEager: boolean;
  json: boolean;
  /** --report FILE.html: also write the estimate as a self-contained HTML page. */
  report: string | undefined;
  /** --calibration FILE (or none); absent: LLMDEPLOY_CALIBRATION, then the default location. */
  calibration: string | undefined;
}

const SHORTHANDS = ["int4", "int8", "fp8", "fp16", "bf16"] as const;

/** Raw commander options (strings and booleans) -> EstimateOptions; UserError naming the flag. */
export function estimateOptions(raw: Record<string, unknown>): EstimateOptions {
  const str = (k: string) => (typeof raw[k] === "string" ? (raw[k] as string) : undefined);
  return {
    precision: str("precision") ?? SHORTHANDS.find((k) => raw[k] === true),
    kvCacheDtype: parseKvDtype(str("kvCacheDtype") ?? "auto"),
    maxModelLen: intFlag("--max-model-len", str("maxModelLen")),
    concurrency: intFlag("--concurrency", str("concurrency"), { max: 1_000_000 }) ?? 1,
    gpu: str("gpu"),
    gpus: intFlag("--gpus", str("gpus"), { max: 4096 }),
    tp: intFlag("--tp", str("tp"), { max: 64 }),
    pp: intFlag("--pp", str("pp"), { max: 512 }),
    gpuMemoryUtilization: fractionFlag("--gpu-memory-utilization", str("gpuMemoryUtilization")),
    maxNumBatchedTokens: intFlag("--max-num-batched-tokens", str("maxNumBatchedTokens")),
    maxNumSeqs: intFlag("--max-num-seqs", str("maxNumSeqs"), { max: 1_000_000 }),
    inputTokens: intFlag("--input-tokens", str("inputTokens")) ?? DEFAULTS.inputTokens,
    outputTokens: intFlag("--output-tokens", str("outputTokens")) ?? DEFAULTS.outputTokens,
    requestRate: numFlag("--request-rate", str("requestRate"), { max: 1_000_000 }),
    numRequests: intFlag("--num-requests", str("numRequests"), { max: MAX_REPLAY_REQUESTS }),
    engine: choiceFlag("--engine", str("engine"), ENGINE_NAMES),
    engineVersion: str("engineVersion"),
    enforceEager: raw.enforceEager === true,
    json: raw.json === true,
    report: str("report"),
    calibration: str("calibration"),
  };
}

export async function collectEstimate(
  modelArg: string,
  rawOpts: Record<string, unknown>,
): Promise<EstimateResult> {
  const o = estimateOptions(rawOpts);
  checkModelArg(modelArg, "model");
  const model = await resolveModel(modelArg);
  if (model.note) info(model.note);
  if ((o.tp !== undefined || o.pp !== undefined) && !o.gpu && o.gpus === undefined) {
    throw new UserError(
      "--tp and --pp need --gpu or --gpus",
      "e.g. llmdeploy estimate 70b --gpu h100 --tp 4",
    );
  }
  const gpu = o.gpu ? findGpu(o.gpu) : undefined;
  const calibration = await loadCalibration(o.calibration);
  return estimate({
    calibration,
    model: { ...model, longContext: model.entry?.longContext },
    precision: o.precision,
    kvCacheDtype: o.kvCacheDtype,
    maxModelLen: o.maxModelLen,
    concurrency: o.concurrency,
    gpu,
    gpus: o.gpus,
    tp: o.tp,
    pp: o.pp,
    gpuMemoryUtilization: o.gpuMemoryUtilization,
    maxNumBatchedTokens: o.maxNumBatchedTokens,
    maxNumSeqs: o.maxNumSeqs,
    catalog: gpuCatalog,
    workload: {
      inputTokens: o.inputTokens,
      outputTokens: o.outputTokens,
      requestRate: o.requestRate ?? null,
      numRequests: o.numRequests ?? null,
    },
    engine: o.engine,
    engineVersion: o.engineVersion,
    enforceEager: o.enforceEager,
  });
}

/**
 * Exit code of `estimate`: 2 when a --gpu placement does not fit (as `plan` exits 2 when no plan
 * meets the targets), 0 otherwise; without --gpu the table is the answer, so 0.
 */
export const EXIT_DOES_NOT_FIT = 2;

export async function runEstimate(modelArg: string, rawOpts: Record<string, unknown>): Promise<number> {
  const reportPath = estimateOptions(rawOpts).report;
  // A bad --report path fails before any work, and the report module loads only when asked for.
  const report = reportPath !== undefined ? await import("./report-file.js") : null;
  report?.checkReportPath(reportPath!);
  const r = await collectEstimate(modelArg, rawOpts);
  if (r.calibration) info(describeUse(r.calibration));
  if (rawOpts.json) {
    printJson(r);
    // Notes are in the JSON; what became of the profile is said on stderr too.
    for (const n of r.notes) if (n.startsWith("calibration profile")) info(`note: ${n}`);
  } else printEstimate(r);
  if (report) await report.writeEstimateReport(r, reportPath!);
  return r.placement && !r.placement.fits ? EXIT_DOES_NOT_FIT : 0;
}

function printModel(r: EstimateResult): void {
  const a = r.model.architecture;
  const moe = a.experts
    ? `, MoE ${a.experts} experts (top ${a.expertsPerToken}), ${params(r.model.activeParams)} active`
    : "";
  const sw = a.slidingWindow
    ? `, sliding window ${a.slidingWindow} on ${a.slidingLayers}/${a.layers} layers`
    : "";
  const k = a.layerKinds;
  const hybrid = [
    k.linear ? `${k.linear} Gated DeltaNet` : "",
    k.mamba ? `${k.mamba} Mamba-2` : "",
    k.chunked ? `${k.chunked} chunked (${a.attentionChunkSize})` : "",
    k.none ? `${k.none} MLP-only` : "",
  ].filter(Boolean);
  const kinds = hybrid.length ? ` (${hybrid.join(", ")}, ${(k.full ?? 0) + (k.sliding ?? 0)} attention)` : "";
  out(`${c.bold(r.model.name)} ${c.dim(`(${r.model.hfId ?? r.model.id})`)}`);
  out(
    `  ${params(r.model.params)} parameters (${grouped(r.model.params)})${moe}; ${a.layers} layers, ` +
      `${a.attention} ${a.attentionHeads}/${a.kvHeads} heads × ${a.headDim}${sw}${kinds}`,
  );
  out(`  weights ${r.precisionLabel}: ${c.bold(gib(r.memory.weightsBytes))}`);
  if (r.checkpoint)
    out(
      `  checkpoint: ${r.checkpoint.label}; the engine loads ${r.checkpoint.modelRef}` +
        (r.checkpoint.file ? ` (${r.checkpoint.file})` : "") +
        (r.checkpoint.quantization ? ` with quantization ${r.checkpoint.quantization}` : ""),
    );
  out(
    `  KV cache (${r.kvCacheDtype}): ${(r.memory.kvCacheBytesPerToken / 1024).toFixed(1)} KiB/token; ` +
      `${gib(r.memory.kvCacheBytesPerSequence)} per ${r.maxModelLen}-token sequence` +
      (r.memory.stateBytesPerSequence > 0
        ? ` + ${(r.memory.stateBytesPerSequence / 1024 ** 2).toFixed(1)} MiB of state per sequence`
        : "") +
      (r.concurrency > 1 ? `; ${gib(r.memory.kvCacheBytesForConcurrency)} for ${r.concurrency}` : ""),
  );
}

function printPlacement(p: PlacementResult, r: EstimateResult): void {
  out("");
  out(
    `${c.bold(`${p.count}× ${p.gpuName}`)}  TP ${p.tensorParallel} × PP ${p.pipelineParallel}` +
      (p.nodes > 1 ? ` across ${p.nodes} nodes` : "") +
      `  —  ${p.fits ? c.green("fits") : c.red(`does not fit: ${p.reason}`)}`,
  );
  // What is left for the KV cache is negative when nothing fits: shown as none, and by how much it is short.
  const rows = p.ledger.map((l) => [
    l.label,
    l.bytes < 0
      ? `none: ${(-l.bytes / 1024 ** 3).toFixed(2)} over the budget`
      : (l.bytes / 1024 ** 3).toFixed(2),
  ]);
  out(renderTable([c.bold(`per GPU (${r.engine.name} ${r.engine.version})`), c.bold("GiB")], rows));
  for (const line of ledgerBar(p.perGpu, { width: lineWidth() - 2, unicode: unicodeOn() })) out(`  ${line}`);
  out(c.dim(`memory model: ${r.engine.memoryModel}`));
  out(
    `KV cache: ${grouped(p.kvCacheTokens)} tokens (${blockText(p)}); ` +
      `max concurrency at ${r.maxModelLen} tokens: ${p.maxConcurrency}x` +
      (p.costPerHourUsd !== null ? `; ~$${p.costPerHourUsd.toFixed(2)}/h (${p.priceSource})` : ""),
  );
  if (p.instance?.unusedGpus)
    out(
      c.dim(
        `  ${p.instance.unusedGpus} of the ${p.instance.count * p.instance.gpusPerInstance} GPUs rented are unused but paid for: ` +
          `the cheapest instance that holds the placement has more (instances are rented whole)`,
      ),
    );
}

/** The block size, and for hybrid pools how vLLM laid them out. */
function blockText(p: PlacementResult): string {
  const h = p.hybridKv;
  if (!h) return `block ${p.blockSize ?? p.engineSettings.blockSize}`;
  const g = h.groups;
  const groups = [
    g.full ? `${g.full} attention` : "",
    g.sliding ? `${g.sliding} sliding` : "",
    g.state ? `${g.state} state` : "",
  ]
    .filter(Boolean)
    .join(" + ");
  return (
    `block ${h.blockSize}, ${h.numBlocks} blocks × ${groups} group${g.full + g.sliding + g.state > 1 ? "s" : ""} of ${h.groupSize} layers` +
    (h.statePaddingPercent > 0 ? `, state pages padded ${h.statePaddingPercent} %` : "") +
    `, ${h.blocksPerRequest} blocks per sequence`
  );
}

function printGpuTable(list: PlacementResult[], r: EstimateResult): void {
  out("");
  const head = [
    "GPU",
    "GPUs",
    "TP×PP",
    "weights/GPU",
    "KV/GPU",
    "KV tokens",
    `seqs @${r.maxModelLen}`,
    "TPOT ms",
    "$/h",
  ];
  const rows: string[][] = [];
  for (const p of list) {
    const mark = p.fits ? "" : c.red(" ✗");
    rows.push([
      p.gpuName + mark,
      p.fits ? String(p.count) : `>${p.count}`,
      `${p.tensorParallel}×${p.pipelineParallel}`,
      (p.perGpu.weightsBytes / 1024 ** 3).toFixed(1),
      p.fits ? (p.perGpu.kvCacheBytes / 1024 ** 3).toFixed(1) : "-",
      p.fits ? grouped(p.kvCacheTokens) : "-",
      p.fits ? String(Math.floor(p.maxConcurrency)) : "-",
      p.performance ? p.performance.tpotMs.toFixed(1) : "-",
      p.costPerHourUsd !== null && p.fits ? p.costPerHourUsd.toFixed(2) : "-",
    ]);
  }
  out(
    renderTable(
      head.map((h) => c.bold(h)),
      rows,
    ),
  );
  for (const p of list.filter((x) => !x.fits && x.reason)) {
    // Image reasons start with the GPU's name; memory reasons do not.
    const reason = p.reason!.startsWith(p.gpuName) ? p.reason! : `${p.gpuName}: ${p.reason}`;
    out(`${c.red("✗")} ${reason}`);
  }
  out(
    c.dim(
      `GiB = 1024^3 bytes. $/h: the cheapest whole on-demand instance of AWS, Google Cloud or Azure that holds the placement (--json: instance). ✗: does not fit within the GPUs tried, or the engine's image cannot run it (the reason above; --json: fits false, reason). TPOT at ${r.workload.requestRate !== null ? `${r.workload.requestRate} req/s` : `${r.workload.concurrency} concurrent`}, ${r.workload.inputTokens} in / ${r.workload.outputTokens} out. --gpu ID shows one placement in detail.`,
    ),
  );
}

function printPerformance(r: EstimateResult): void {
  const p = r.performance;
  if (!p) return;
  const w = r.workload;
  const load = w.requestRate !== null ? `${w.requestRate} req/s` : `${w.concurrency} concurrent`;
  const ms = (v: number) => (v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`);
  out("");
  out(
    `${c.bold("Performance")} on ${p.count}× ${p.gpu} (${w.inputTokens} in / ${w.outputTokens} out tokens, ${load}): ` +
      `TTFT ${ms(p.ttftMs)}, TPOT ${ms(p.tpotMs)}, e2e ${ms(p.e2eLatencyMs)}; ` +
      `${Math.round(p.outputTokensPerSec)} output tok/s, ${p.requestsPerSec} req/s ` +
      c.dim(`(±${Math.round(p.errorBand * 100)} %, ${p.bottleneck}-bound)`) +
      (r.calibration && r.calibration.gpu === p.gpu ? c.dim(` calibrated: ${r.calibration.path}`) : ""),
  );
  const bands =
    p.errorBandTtft !== undefined ? c.dim(`  error bands (validation set): ${bandsText(p)}`) : null;
  if (bands) out(bands);
  if (p.percentiles && !p.replay)
    out(
      `  TTFT p50 ${ms(p.percentiles.ttftP50Ms)}, p90 ${ms(p.percentiles.ttftP90Ms ?? p.percentiles.ttftP95Ms)}, p99 ${ms(p.percentiles.ttftP99Ms ?? p.percentiles.ttftP95Ms)} (queueing model)`,
    );
  if (p.replay) {
    const x = p.replay;
    out(
      `  replay of ${x.numRequests} requests (${x.loop} loop): TTFT p50 ${ms(x.ttftMs.p50)}, p90 ${ms(x.ttftMs.p90)}, p99 ${ms(x.ttftMs.p99)}; ` +
        `TPOT p50 ${ms(x.tpotMs.p50)}, p99 ${ms(x.tpotMs.p99)}; ${Math.round(x.outputTokensPerSec)} output tok/s over ${x.durationS} s`,
    );
  }
  if (p.saturated)
    out(c.red(`  the request rate exceeds what ${p.capacity} concurrent sequences finish: the queue grows`));
  else if (p.queued > 0)
    out(
      c.red(
        `  ${Math.round(p.queued)} requests queue: the KV cache and max-num-seqs cap the batch at ${p.capacity}`,
      ),
    );
}

export function printEstimate(r: EstimateResult): void {
  printModel(r);
  if (r.placement) printPlacement(r.placement, r);
  if (r.gpus) printGpuTable(r.gpus, r);
  printPerformance(r);
  for (const n of r.notes) info(`note: ${n}`);
}
