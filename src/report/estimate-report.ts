/**
 * `estimate --report FILE.html`: an estimate as one self-contained page: the model and its bytes;
 * with --gpu, that placement's ledger, KV cache capacity against concurrency and the predicted
 * figures with their bands; without it, every catalog GPU's ledger in small bars, the fit table and
 * cost against TPOT of those that fit. Pure: EstimateResult in, HTML string out.
 */
import type { EstimateResult, PlacementResult } from "../sizing/estimate.js";
import { bandRange, type BandRow, bandsSvg, figure as fig } from "./bands.js";
import { bandsOf, calibrationBody } from "./calibration.js";
import { code, facts, figure, page, para, section, table } from "./html.js";
import { kvCapacitySvg } from "./kv-capacity.js";
import { type LedgerInput, ledgerBarSvg, ledgerRowsSvg } from "./ledger-bar.js";
import { type CostPoint, costLatencySvg } from "./pareto.js";
import { el, fmt, gibs, type Markup, pct, text, usd } from "./svg.js";

/** The ledger of a placement, as the bar draws it. */
export function placementLedger(p: PlacementResult): LedgerInput {
  const g = p.perGpu;
  return {
    totalBytes: g.totalBytes,
    budgetBytes: g.budgetBytes,
    budgetSetting: `gpu_memory_utilization ${p.engineSettings.gpuMemoryUtilization}`,
    weightsBytes: g.weightsBytes,
    activationBytes: g.activationBytes,
    nonTorchBytes: g.nonTorchBytes,
    cudaGraphBytes: g.cudaGraphBytes,
    kvCacheBytes: g.kvCacheBytes,
  };
}

const placementName = (p: PlacementResult) => `${p.count}× ${p.gpuName}`;

function modelSection(r: EstimateResult): Markup {
  const a = r.model.architecture;
  const m = r.memory;
  const pairs: [string, Markup][] = [
    ["model", text(`${r.model.name} (${r.model.hfId ?? r.model.id})`)],
    [
      "parameters",
      text(
        `${fmt(r.model.params)} (${fmt(r.model.params / 1e9, 2)}B)` +
          (r.model.activeParams !== r.model.params
            ? `, ${fmt(r.model.activeParams / 1e9, 2)}B active per token`
            : ""),
      ),
    ],
    [
      "architecture",
      text(
        `${a.modelType}, ${a.layers} layers, ${a.attention} ${a.attentionHeads}/${a.kvHeads} heads × ${a.headDim}` +
          (a.experts ? `, ${a.experts} experts (top ${a.expertsPerToken})` : "") +
          (a.slidingWindow ? `, sliding window ${fmt(a.slidingWindow)} on ${a.slidingLayers} layers` : ""),
      ),
    ],
    [
      "weights",
      el(
        "span",
        { "data-field": "weights", "data-bytes": String(m.weightsBytes) },
        text(`${r.precisionLabel}: ${gibs(m.weightsBytes)} GiB`),
      ),
    ],
    [
      "checkpoint",
      r.checkpoint
        ? el(
            "span",
            {},
            text(`${r.checkpoint.label}: `),
            code(r.checkpoint.modelRef + (r.checkpoint.file ? ` (${r.checkpoint.file})` : "")),
          )
        : text("none published for this precision and engine: sized from the architecture"),
    ],
    [
      "KV cache",
      text(
        `${r.kvCacheDtype === "fp8" ? "fp8" : "16-bit"}: ${fmt(m.kvCacheBytesPerToken / 1024, 1)} KiB per token, ${gibs(m.kvCacheBytesPerSequence)} GiB per ` +
          `${fmt(r.maxModelLen)}-token sequence` +
          (r.concurrency > 1 ? `, ${gibs(m.kvCacheBytesForConcurrency)} GiB for ${r.concurrency}` : ""),
      ),
    ],
    ["engine", el("span", {}, text(`${r.engine.name} ${r.engine.version}, `), code(r.engine.image))],
    ["memory model", text(r.engine.memoryModel)],
  ];
  return section("model", "Model", facts(pairs));
}

function placementSection(r: EstimateResult, p: PlacementResult): Markup[] {
  const l = placementLedger(p);
  const s = p.engineSettings;
  const ledgerRows = p.ledger.map((x) => [
    x.label.trim(),
    { v: gibs(x.bytes), num: true, data: { bytes: String(x.bytes) } },
  ]);
  const out: Markup[] = [
    section(
      "memory",
      `Memory per GPU: ${placementName(p)}, TP ${p.tensorParallel} × PP ${p.pipelineParallel}`,
      el(
        "p",
        {},
        el(
          "span",
          { class: `verdict ${p.fits ? "ok" : "miss"}` },
          text(p.fits ? "✓ fits" : `✗ does not fit: ${p.reason ?? ""}`),
        ),
      ),
      figure(
        ledgerBarSvg("ledger", l),
        text(
          `The ledger of the fullest GPU as ${r.engine.name} ${r.engine.version} allocates it (GiB = 1024³ bytes); the dashed line is the engine's budget.`,
        ),
      ),
      table(["per GPU", { v: "GiB", num: true }], ledgerRows),
      p.costPerHourUsd !== null
        ? para(`About ${usd(p.costPerHourUsd)}/h (${p.priceSource ?? "catalog price"}).`)
        : "",
    ),
  ];
  if (p.fits && p.kvCacheTokens > 0)
    out.push(
      section(
        "kv-capacity",
        "KV cache capacity vs concurrency",
        figure(
          kvCapacitySvg("kv", {
            capacityTokens: p.kvCacheTokens,
            maxModelLen: r.maxModelLen,
            typicalTokens: r.workload.inputTokens + r.workload.outputTokens,
            requested: r.concurrency,
            requestedLabel: `${r.concurrency} requested (--concurrency)`,
            maxNumSeqs: s.maxNumSeqs,
          }),
          text(
            `${fmt(p.kvCacheTokens)} tokens of KV cache: ${fmt(p.maxConcurrency, 2)} sequences at the full ${fmt(r.maxModelLen)}-token context; ` +
              `the engine runs at most ${s.maxNumSeqs} sequences at once.`,
          ),
        ),
      ),
    );
  return out;
}

function gpuListSection(r: EstimateResult, list: PlacementResult[]): Markup[] {
  const rows = list.map((p, i) => ({
    name: `${i + 1}. ${p.fits ? "" : ">"}${p.count}× ${p.gpuName}`,
    ledger: placementLedger(p),
    fits: p.fits,
    note: p.fits ? `fits, ${fmt(p.maxConcurrency, 1)} seqs` : "does not fit",
  }));
  const points: CostPoint[] = [];
  list.forEach((p, i) => {
    if (p.fits && p.performance)
      points.push({
        n: i + 1,
        name: placementName(p),
        cost: p.costPerHourUsd,
        latency: p.performance.tpotMs,
        chosen: false,
        meetsTargets: true,
      });
  });
  return [
    section(
      "gpus",
      "Per-GPU fit",
      figure(
        ledgerRowsSvg("ledgers", rows, "memory per GPU, each bar the GPU's own memory (100 %)"),
        text(
          `The ledger per GPU of the fewest GPUs of each type that hold the model (${r.engine.name} ${r.engine.version}); the figures are in the table.`,
        ),
      ),
      table(
        [
          "#",
          "GPU",
          { v: "GPUs", num: true },
          "TP×PP",
          { v: "weights/GPU GiB", num: true },
          { v: "KV/GPU GiB", num: true },
          { v: "KV tokens", num: true },
          { v: `seqs @${r.maxModelLen}`, num: true },
          { v: "TPOT", num: true },
          { v: "$/h", num: true },
          "fits",
        ],
        list.map((p, i) => [
          { v: String(i + 1), num: true },
          p.gpuName,
          { v: p.fits ? String(p.count) : `>${p.count}`, num: true },
          `${p.tensorParallel}×${p.pipelineParallel}`,
          {
            v: gibs(p.perGpu.weightsBytes),
            num: true,
            data: { gpu: p.gpu, bytes: String(p.perGpu.weightsBytes) },
          },
          { v: p.fits ? gibs(p.perGpu.kvCacheBytes) : "-", num: true },
          { v: p.fits ? fmt(p.kvCacheTokens) : "-", num: true },
          { v: p.fits ? String(Math.floor(p.maxConcurrency)) : "-", num: true },
          { v: p.performance ? fig(p.performance.tpotMs, "ms") : "-", num: true },
          { v: p.fits && p.costPerHourUsd !== null ? usd(p.costPerHourUsd) : "-", num: true },
          p.fits ? "yes" : "no",
        ]),
      ),
    ),
    points.length
      ? section(
          "cost",
          "Cost vs TPOT of the GPUs that fit",
          figure(
            costLatencySvg({
              id: "cost-tpot",
              metric: "TPOT",
              costLabel: "$ per hour",
              points,
              target: null,
            }),
            text(
              "Numbers are the table's rows. The Pareto front holds the GPUs no other beats on both cost and TPOT; GPUs without a catalog price are not plotted.",
            ),
          ),
        )
      : "",
  ];
}

function performanceSection(r: EstimateResult): Markup {
  const p = r.performance;
  if (!p)
    return section("performance", "Predicted performance", para("Nothing fits, so nothing is predicted."));
  const b = bandsOf(r.engine.name, p);
  const rows: BandRow[] = [
    { key: "ttft", name: "TTFT", value: p.ttftMs, unit: "ms", band: b.ttft, target: null },
    { key: "tpot", name: "TPOT", value: p.tpotMs, unit: "ms", band: b.tpot, target: null },
    {
      key: "e2e",
      name: "end-to-end latency",
      value: p.e2eLatencyMs,
      unit: "ms",
      band: b.overall,
      target: null,
    },
    {
      key: "throughput",
      name: "output throughput",
      value: p.outputTokensPerSec,
      unit: "tok/s",
      band: b.throughput,
      target: null,
    },
  ];
  const w = r.workload;
  const load = w.requestRate !== null ? `${w.requestRate} req/s` : `${w.concurrency} concurrent`;
  return section(
    "performance",
    `Predicted performance on ${p.count}× ${p.gpu}`,
    figure(
      bandsSvg("bands", rows),
      text(
        `At ${fmt(w.inputTokens)} in / ${fmt(w.outputTokens)} out tokens, ${load}. The hatched interval is the error band (90 % of the validation measurements within it).`,
      ),
    ),
    table(
      ["figure", { v: "predicted", num: true }, { v: "band", num: true }, { v: "range", num: true }],
      rows.map((x) => {
        const [lo, hi] = bandRange(x.value, x.band ?? 0);
        return [
          x.name,
          { v: fig(x.value, x.unit), num: true, data: { figure: x.key, value: String(x.value) } },
          { v: pct(x.band ?? 0), num: true },
          { v: `${fig(lo, x.unit)} – ${fig(hi, x.unit)}`, num: true },
        ];
      }),
    ),
  );
}

/** The report of an estimate: a complete HTML document. */
export function estimateReport(r: EstimateResult, generator: string): string {
  const gpu = r.placement?.gpu ?? r.performance?.gpu ?? "";
  const body: Markup[] = [
    el(
      "header",
      {},
      el("h1", {}, text(`Memory estimate: ${r.model.name}`)),
      para(
        `${r.precisionLabel} · ${r.engine.name} ${r.engine.version} · max model len ${fmt(r.maxModelLen)} · generated by ${generator}`,
        "sub",
      ),
    ),
    modelSection(r),
    ...(r.placement ? placementSection(r, r.placement) : []),
    ...(r.gpus ? gpuListSection(r, r.gpus) : []),
    performanceSection(r),
    section(
      "calibration",
      "Calibration used",
      ...calibrationBody(r, r.engine.name, gpu, bandsOf(r.engine.name, r.performance ?? undefined)),
    ),
    r.notes.length
      ? section("notes", "Notes", el("ul", { class: "notes" }, ...r.notes.map((n) => el("li", {}, text(n)))))
      : "",
    el(
      "footer",
      {},
      text(
        `GiB = 1024³ bytes. Written by ${generator} from the estimate alone; it loads nothing from the network.`,
      ),
    ),
  ];
  const where = r.placement ? ` on ${placementName(r.placement)}` : "";
  return page(`llmdeploy estimate: ${r.model.name}${where}`, body);
}
