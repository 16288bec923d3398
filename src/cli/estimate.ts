/**
 * `llmdeploy estimate`: parse options with one zod schema, resolve the model and GPU, call the
 * engine, print the result (table, or the same object as JSON).
 */
import * as z from "zod/mini";
import { findGpu, gpus as gpuCatalog } from "../catalog/index.js";
import { UserError } from "../errors.js";
import { resolveModel } from "../models/resolve.js";
import { estimate, type EstimateResult, type PlacementResult } from "../sizing/estimate.js";
import { parseKvDtype } from "../sizing/kv.js";
import { c, gib, grouped, info, out, params, printJson } from "./output.js";
import { renderTable } from "./table.js";

// zod/mini: the same schemas as classic zod, a fraction of the start-up cost.
const intFlag = (_name: string) =>
  z.pipe(
    z.string().check(z.regex(/^\d+$/, "takes a whole number")),
    z.pipe(z.transform(Number), z.number().check(z.refine((n) => n >= 1, "must be at least 1"))),
  );

const fraction = (_name: string) =>
  z.pipe(
    z.string().check(z.regex(/^(0?\.\d+|1(\.0*)?|0)$/, "takes a fraction such as 0.9")),
    z.pipe(z.transform(Number), z.number().check(z.refine((n) => n > 0 && n <= 1, "must be in (0, 1]"))),
  );

export const estimateOptionsSchema = z.object({
  precision: z.optional(z.string()),
  int4: z.optional(z.boolean()),
  int8: z.optional(z.boolean()),
  fp8: z.optional(z.boolean()),
  fp16: z.optional(z.boolean()),
  bf16: z.optional(z.boolean()),
  kvCacheDtype: z._default(z.string(), "auto"),
  maxModelLen: z.optional(intFlag("--max-model-len")),
  concurrency: z._default(intFlag("--concurrency"), 1),
  gpu: z.optional(z.string()),
  gpus: z.optional(intFlag("--gpus")),
  tp: z.optional(intFlag("--tp")),
  pp: z.optional(intFlag("--pp")),
  gpuMemoryUtilization: z._default(fraction("--gpu-memory-utilization"), 0.9),
  maxNumBatchedTokens: z.optional(intFlag("--max-num-batched-tokens")),
  maxNumSeqs: z.optional(intFlag("--max-num-seqs")),
  inputTokens: z._default(intFlag("--input-tokens"), 1024),
  outputTokens: z._default(intFlag("--output-tokens"), 256),
  requestRate: z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d*\.?\d+$/, "takes a number of requests per second")),
      z.pipe(z.transform(Number), z.number().check(z.refine((n) => n > 0, "must be above 0"))),
    ),
  ),
  engine: z._default(
    z.enum(["vllm", "sglang", "trtllm", "llamacpp", "ollama", "tgi"], {
      error: "must be one of vllm, sglang, trtllm, llamacpp, ollama, tgi",
    }),
    "vllm",
  ),
  json: z.optional(z.boolean()),
});

export async function collectEstimate(
  modelArg: string,
  rawOpts: Record<string, unknown>,
): Promise<EstimateResult> {
  const parsed = estimateOptionsSchema.parse(rawOpts);
  const o = {
    ...parsed,
    precision: parsed.precision ?? (["int4", "int8", "fp8", "fp16", "bf16"] as const).find((k) => parsed[k]),
  };
  const model = await resolveModel(modelArg);
  if (model.note) info(model.note);
  if ((o.gpus !== undefined || o.tp !== undefined || o.pp !== undefined) && !o.gpu && o.gpus === undefined) {
    throw new UserError(
      "--tp and --pp need --gpu or --gpus",
      "e.g. llmdeploy estimate 70b --gpu h100 --tp 4",
    );
  }
  const gpu = o.gpu ? findGpu(o.gpu) : undefined;
  if (gpu?.kind === "cpu") {
    throw new UserError(
      `${gpu.id} is a CPU host; estimate sizes vLLM on GPUs`,
      `size a CPU deployment with llama.cpp: llmdeploy plan --model ${modelArg} --engine llamacpp --gpu ${gpu.id} --defaults`,
    );
  }
  return estimate({
    model,
    precision: o.precision,
    kvCacheDtype: parseKvDtype(o.kvCacheDtype),
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
    },
    engine: o.engine,
  });
}

export async function runEstimate(modelArg: string, rawOpts: Record<string, unknown>): Promise<void> {
  const r = await collectEstimate(modelArg, rawOpts);
  if (rawOpts.json) printJson(r);
  else printEstimate(r);
}

function printModel(r: EstimateResult): void {
  const a = r.model.architecture;
  const moe = a.experts
    ? `, MoE ${a.experts} experts (top ${a.expertsPerToken}), ${params(r.model.activeParams)} active`
    : "";
  const sw = a.slidingWindow
    ? `, sliding window ${a.slidingWindow} on ${a.slidingLayers}/${a.layers} layers`
    : "";
  out(`${c.bold(r.model.name)} ${c.dim(`(${r.model.hfId ?? r.model.id})`)}`);
  out(
    `  ${params(r.model.params)} parameters (${grouped(r.model.params)})${moe}; ${a.layers} layers, ` +
      `${a.attention} ${a.attentionHeads}/${a.kvHeads} heads × ${a.headDim}${sw}`,
  );
  out(`  weights ${r.precisionLabel}: ${c.bold(gib(r.memory.weightsBytes))}`);
  out(
    `  KV cache (${r.kvCacheDtype}): ${(r.memory.kvCacheBytesPerToken / 1024).toFixed(1)} KiB/token; ` +
      `${gib(r.memory.kvCacheBytesPerSequence)} per ${r.maxModelLen}-token sequence` +
      (r.concurrency > 1 ? `; ${gib(r.memory.kvCacheBytesForConcurrency)} for ${r.concurrency}` : ""),
  );
}

function printPlacement(p: PlacementResult, r: EstimateResult): void {
  const g = p.perGpu;
  out("");
  out(
    `${c.bold(`${p.count}× ${p.gpuName}`)}  TP ${p.tensorParallel} × PP ${p.pipelineParallel}` +
      (p.nodes > 1 ? ` across ${p.nodes} nodes` : "") +
      `  —  ${p.fits ? c.green("fits") : c.red(`does not fit: ${p.reason}`)}`,
  );
  const rows: string[][] = [
    ["total memory", (g.totalBytes / 1024 ** 3).toFixed(2)],
    [
      `budget (gpu_memory_utilization ${p.engineSettings.gpuMemoryUtilization})`,
      (g.budgetBytes / 1024 ** 3).toFixed(2),
    ],
    ["  weights", (g.weightsBytes / 1024 ** 3).toFixed(2)],
    [
      `  activation peak (${p.engineSettings.maxNumBatchedTokens} batched tokens)`,
      (g.activationBytes / 1024 ** 3).toFixed(2),
    ],
    ["  non-torch (CUDA libraries)", (g.nonTorchBytes / 1024 ** 3).toFixed(2)],
    ["  CUDA graphs", (g.cudaGraphBytes / 1024 ** 3).toFixed(2)],
    ["  KV cache", (g.kvCacheBytes / 1024 ** 3).toFixed(2)],
  ];
  out(renderTable([c.bold(`per GPU (vLLM ${r.engine.version})`), c.bold("GiB")], rows));
  out(
    `KV cache: ${grouped(p.kvCacheTokens)} tokens (block ${p.engineSettings.blockSize}); ` +
      `max concurrency at ${r.maxModelLen} tokens: ${p.maxConcurrency}x` +
      (p.costPerHourUsd !== null ? `; ~$${p.costPerHourUsd.toFixed(2)}/h (${p.priceSource})` : ""),
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
  out(
    c.dim(
      `GiB = 1024^3 bytes. ✗: does not fit within the GPUs tried. TPOT at ${r.workload.requestRate !== null ? `${r.workload.requestRate} req/s` : `${r.workload.concurrency} concurrent`}, ${r.workload.inputTokens} in / ${r.workload.outputTokens} out. --gpu ID shows one placement in detail.`,
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
      c.dim(`(±${Math.round(p.errorBand * 100)} %, ${p.bottleneck}-bound)`),
  );
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
