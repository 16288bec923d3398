/**
 * `plan --report FILE.html`: the plan as one self-contained page a person can read without the
 * terminal: the recommendation, the per-GPU memory ledger, the predicted figures with their error
 * bands, KV cache capacity against concurrency, cost against latency of the alternatives, and the
 * calibration behind the figures. Pure: Plan in, HTML string out; every number comes from the plan.
 */
import type { Deployment, Plan } from "../contract/plan.js";
import { bandRange, type BandRow, bandsSvg, figure as fig } from "./bands.js";
import { bandsOf, calibrationBody } from "./calibration.js";
import { type Cell, code, facts, figure, page, para, section, table } from "./html.js";
import { kvCapacitySvg } from "./kv-capacity.js";
import { type LedgerInput, ledgerBarSvg, segments } from "./ledger-bar.js";
import { type CostPoint, costLatencySvg, paretoFront } from "./pareto.js";
import { el, fmt, gibs, type Markup, ms, pct, text, usd } from "./svg.js";

/** "2 × (4× NVIDIA L40S 48GB)" or "1× NVIDIA H100 SXM5 80GB". */
export function deploymentName(d: Deployment): string {
  const one = `${d.gpuCount}× ${d.gpuName}`;
  return d.replicas > 1 ? `${d.replicas} × (${one})` : one;
}

/** The ledger of a deployment's GPUs, as the bar draws it. */
export function ledgerOf(d: Deployment): LedgerInput {
  const g = d.memory.perGpu;
  return {
    totalBytes: g.totalBytes,
    budgetBytes: g.budgetBytes ?? null,
    budgetSetting: `gpu_memory_utilization ${d.engine.gpuMemoryUtilization}`,
    weightsBytes: g.weightsBytes,
    activationBytes: g.activationBytes,
    nonTorchBytes: g.nonTorchBytes,
    cudaGraphBytes: g.cudaGraphBytes,
    kvCacheBytes: g.kvCacheBytes,
  };
}

const unitOf = (d: Deployment) => (d.deviceKind === "cpu" ? "host" : "GPU");

function recommendation(plan: Plan): Markup {
  const d = plan.recommendation;
  const s = plan.spec;
  const load =
    s.requestRate !== null ? `${s.requestRate} requests/s (Poisson)` : `${s.concurrency} concurrent requests`;
  const target = (v: number | null, what: string) =>
    v === null ? `${what}: none` : `${what} ≤ ${fmt(v)} ms`;
  const c = d.cost;
  const ck = d.checkpoint;
  const pairs: [string, Markup][] = [
    [
      "model",
      text(
        `${plan.model.name} (${plan.model.hfId ?? plan.model.id}), ${fmt(plan.model.params / 1e9, 2)}B parameters`,
      ),
    ],
    [
      "GPUs",
      el(
        "span",
        { "data-field": "gpus" },
        text(
          `${deploymentName(d)}: ${d.gpuCount * d.replicas} ${unitOf(d)}${d.gpuCount * d.replicas > 1 ? "s" : ""} in all`,
        ),
      ),
    ],
    [
      "parallelism",
      text(
        `TP ${d.tensorParallel} × PP ${d.pipelineParallel}, ${d.replicas} replica${d.replicas > 1 ? "s" : ""}, ${d.mode}` +
          (d.nodes > 1 ? ` (${d.nodes} nodes of ${d.gpusPerNode} GPUs)` : ""),
      ),
    ],
    ["precision", text(`${d.precision}, KV cache ${d.kvCacheDtype === "fp8" ? "fp8" : "16-bit (auto)"}`)],
    [
      "engine",
      text(
        `${d.engine.name} ${d.engine.version}${d.engine.enforceEager ? ", eager mode (no CUDA graphs)" : ""}`,
      ),
    ],
    ["image", code(d.engine.image)],
    [
      "checkpoint",
      ck
        ? el(
            "span",
            {},
            text(`${ck.label}: `),
            code(d.engine.modelRef + (ck.file ? ` (${ck.file})` : "")),
            text(` (${ck.source})`),
          )
        : code(d.engine.modelRef),
    ],
    [
      "engine settings",
      text(
        `max model len ${fmt(d.engine.maxModelLen)}, gpu_memory_utilization ${d.engine.gpuMemoryUtilization}, ` +
          `max_num_seqs ${d.engine.maxNumSeqs}, max_num_batched_tokens ${fmt(d.engine.maxNumBatchedTokens)}` +
          (d.engine.quantization ? `, quantization ${d.engine.quantization}` : ""),
      ),
    ],
    [
      "cost",
      el(
        "span",
        { "data-field": "cost" },
        text(
          c.perHourUsd === null
            ? `no price (${c.basis})`
            : `${usd(c.perHourUsd)}/h, ${c.perMonthUsd === null ? "-" : usd(c.perMonthUsd)}/month, ` +
                `${c.perMillionOutputTokensUsd === null ? "-" : usd(c.perMillionOutputTokensUsd)} per 1M output tokens (${c.basis})`,
        ),
      ),
    ],
    [
      "host per node",
      text(
        `${d.host.cpuCores} cores, ${d.host.ramGiB} GiB RAM, ${d.host.diskGiB} GiB disk, /dev/shm ${d.host.shmGiB} GiB` +
          (d.host.network ? `; ${d.host.network}` : ""),
      ),
    ],
    ["workload", text(`${fmt(s.inputTokens)} in / ${fmt(s.outputTokens)} out tokens, ${load}`)],
    [
      "targets",
      text(
        [
          target(s.targets.ttftMs, s.requestRate !== null ? "TTFT p95" : "TTFT"),
          target(s.targets.tpotMs, "TPOT"),
          target(s.targets.e2eMs, "e2e"),
        ].join(", "),
      ),
    ],
  ];
  const verdict = plan.feasible
    ? el("p", {}, el("span", { class: "verdict ok" }, text("✓ meets every target")))
    : el(
        "p",
        {},
        el(
          "span",
          { class: "verdict miss" },
          text("✗ no configuration meets every target: the closest is shown"),
        ),
      );
  return section("recommendation", "Recommendation", verdict, facts(pairs));
}

function memory(d: Deployment, unit: string): Markup {
  const l = ledgerOf(d);
  const segs = segments(l);
  const rows: [string, Cell][] = segs
    .filter((x) => x.key !== "overflow" && (x.bytes > 0 || !["free", "reserved"].includes(x.key)))
    .map((x) => [x.name, { v: gibs(x.bytes), num: true, data: { key: x.key, bytes: String(x.bytes) } }]);
  rows.push([
    "capacity",
    { v: gibs(l.totalBytes), num: true, data: { key: "total", bytes: String(l.totalBytes) } },
  ]);
  if (l.budgetBytes !== null)
    rows.push([
      `engine budget (${l.budgetSetting})`,
      { v: gibs(l.budgetBytes), num: true, data: { key: "budget", bytes: String(l.budgetBytes) } },
    ]);
  return section(
    "memory",
    `Memory per ${unit}`,
    figure(
      ledgerBarSvg("ledger", l, unit),
      text(
        `What each ${unit} holds (GiB = 1024³ bytes): the weights of its shard, the activation peak of the engine's profile run, ` +
          `memory outside PyTorch, the CUDA graph pool and the KV cache, against the device's memory; the dashed line is what the engine allows itself.`,
      ),
    ),
    table(["", { v: "GiB", num: true }], rows),
  );
}

/** The rows of the bands chart: TTFT (and its p95 under a request rate), TPOT, e2e, throughput. */
export function bandRows(plan: Plan, d: Deployment): BandRow[] {
  const p = d.performance;
  const b = bandsOf(d.engine.name, p);
  const t = plan.spec.targets;
  const open = plan.spec.requestRate !== null && p.percentiles !== null;
  const rows: BandRow[] = [
    {
      key: "ttft",
      name: open ? "TTFT (mean)" : "TTFT",
      value: p.ttftMs,
      unit: "ms",
      band: b.ttft,
      target: open ? null : t.ttftMs,
    },
  ];
  if (open && p.percentiles)
    rows.push({
      key: "ttftP95",
      name: "TTFT p95",
      value: p.percentiles.ttftP95Ms,
      unit: "ms",
      band: b.ttft,
      target: t.ttftMs,
    });
  rows.push(
    { key: "tpot", name: "TPOT", value: p.tpotMs, unit: "ms", band: b.tpot, target: t.tpotMs },
    {
      key: "e2e",
      name: "end-to-end latency",
      value: p.e2eLatencyMs,
      unit: "ms",
      band: b.overall,
      target: t.e2eMs,
    },
    {
      key: "throughput",
      name: "output throughput",
      value: p.outputTokensPerSec,
      unit: "tok/s",
      band: b.throughput,
      target: null,
    },
  );
  return rows;
}

function performance(plan: Plan, d: Deployment): Markup {
  const rows = bandRows(plan, d);
  const p = d.performance;
  return section(
    "performance",
    "Predicted performance",
    figure(
      bandsSvg("bands", rows),
      text(
        `Each dot is the prediction at the planned load; the hatched interval is its error band (90 % of the published ` +
          `measurements on the calibration's validation side were within it); dashed lines are the targets. ` +
          `${fmt(p.requestsPerSec, 2)} requests/s; ${Math.round(p.outputTokensPerSecPerUser)} tokens/s per user; ${p.bottleneck}-bound.`,
      ),
    ),
    table(
      [
        "figure",
        { v: "predicted", num: true },
        { v: "band", num: true },
        { v: "range", num: true },
        { v: "target", num: true },
      ],
      rows.map((r) => {
        const [lo, hi] = r.band !== null ? bandRange(r.value, r.band) : [r.value, r.value];
        return [
          r.name,
          { v: fig(r.value, r.unit), num: true, data: { figure: r.key, value: String(r.value) } },
          { v: r.band !== null ? pct(r.band) : "-", num: true },
          { v: r.band !== null ? `${fig(lo, r.unit)} – ${fig(hi, r.unit)}` : "-", num: true },
          {
            v:
              r.target !== null ? `≤ ${fig(r.target, r.unit)}${r.value <= r.target ? "" : " (missed)"}` : "-",
            num: true,
          },
        ];
      }),
    ),
    p.queued > 0
      ? para(
          `${Math.round(p.queued)} requests wait: the batch is capped at ${p.capacity} by the KV cache and max_num_seqs.`,
        )
      : "",
  );
}

function kvCapacity(plan: Plan, d: Deployment): Markup {
  const s = plan.spec;
  const perReplica =
    s.concurrency !== null
      ? Math.ceil(s.concurrency / d.replicas)
      : Math.max(1, Math.round(d.performance.batch / d.replicas));
  const what =
    s.concurrency !== null
      ? `${perReplica} concurrent per replica${d.replicas > 1 ? ` (${s.concurrency} over ${d.replicas})` : ""}`
      : `${perReplica} in flight per replica at ${s.requestRate} req/s`;
  return section(
    "kv-capacity",
    "KV cache capacity vs concurrency",
    figure(
      kvCapacitySvg("kv", {
        capacityTokens: d.memory.kvCacheTokens,
        maxModelLen: s.maxModelLen,
        typicalTokens: s.inputTokens + s.outputTokens,
        requested: perReplica,
        requestedLabel: what,
        maxNumSeqs: d.engine.maxNumSeqs,
      }),
      text(
        `One replica's KV cache holds ${fmt(d.memory.kvCacheTokens)} tokens: ${fmt(d.memory.maxConcurrency, 2)} sequences at the full ` +
          `${fmt(s.maxModelLen)}-token context, ${fmt(d.memory.kvCacheTokens / (s.inputTokens + s.outputTokens), 0)} at the workload's ` +
          `${fmt(s.inputTokens + s.outputTokens)} tokens; the engine runs at most ${d.engine.maxNumSeqs} sequences at once.`,
      ),
    ),
  );
}

function alternatives(plan: Plan): Markup {
  const all = [plan.recommendation, ...plan.alternatives];
  const open = plan.spec.requestRate !== null;
  const ttftOf = (d: Deployment) =>
    open && d.performance.percentiles ? d.performance.percentiles.ttftP95Ms : d.performance.ttftMs;
  const points = (lat: (d: Deployment) => number): CostPoint[] =>
    all.map((d, i) => ({
      n: i + 1,
      name: `${deploymentName(d)}, ${d.precision}`,
      cost: d.cost.perHourUsd,
      latency: lat(d),
      chosen: i === 0,
      meetsTargets: d.meetsTargets,
    }));
  const tpotPts = points((d) => d.performance.tpotMs);
  const ttftPts = points(ttftOf);
  const front = (pts: CostPoint[]) =>
    new Set(paretoFront(pts.filter((p): p is CostPoint & { cost: number } => p.cost !== null)));
  const fTpot = front(tpotPts);
  const fTtft = front(ttftPts);
  const ttftName = open ? "TTFT p95" : "TTFT";
  return section(
    "alternatives",
    "Cost vs latency",
    el(
      "div",
      { class: "charts" },
      figure(
        costLatencySvg({
          id: "cost-tpot",
          metric: "TPOT",
          costLabel: "$ per hour",
          points: tpotPts,
          target: plan.spec.targets.tpotMs,
        }),
        text("Cost per hour against time per output token."),
      ),
      figure(
        costLatencySvg({
          id: "cost-ttft",
          metric: ttftName,
          costLabel: "$ per hour",
          points: ttftPts,
          target: plan.spec.targets.ttftMs,
        }),
        text(`Cost per hour against ${open ? "the 95th percentile of " : ""}time to first token.`),
      ),
    ),
    para(
      "Numbers are the rows below (1 = the recommendation). The Pareto front holds the deployments that no other one beats on both cost and latency; the shaded side of a target meets it.",
      "caption",
    ),
    table(
      [
        "#",
        "deployment",
        "TP×PP",
        "precision",
        { v: ttftName, num: true },
        { v: "TPOT", num: true },
        { v: "out tok/s", num: true },
        { v: "$/h", num: true },
        { v: "$/1M out", num: true },
        "meets targets",
        "Pareto front",
      ],
      all.map((d, i) => {
        const n = i + 1;
        const on = [fTtft.has(n) ? ttftName : null, fTpot.has(n) ? "TPOT" : null].filter(Boolean).join(", ");
        return [
          { v: String(n), num: true },
          deploymentName(d),
          `${d.tensorParallel}×${d.pipelineParallel}`,
          d.precision + (d.kvCacheDtype === "fp8" ? " kv-fp8" : ""),
          { v: ms(ttftOf(d)), num: true },
          { v: ms(d.performance.tpotMs), num: true },
          { v: fmt(d.performance.outputTokensPerSec), num: true },
          { v: d.cost.perHourUsd === null ? "-" : usd(d.cost.perHourUsd), num: true },
          {
            v: d.cost.perMillionOutputTokensUsd === null ? "-" : usd(d.cost.perMillionOutputTokensUsd),
            num: true,
          },
          d.meetsTargets ? "yes" : `no: ${d.misses.join("; ")}`,
          on || "-",
        ];
      }),
      (i) => (i === 0 ? "chosen" : null),
    ),
  );
}

/** The report of a plan: a complete HTML document. */
export function planReport(plan: Plan): string {
  const d = plan.recommendation;
  const unit = d.deviceKind === "cpu" ? "host" : "GPU";
  const notes = [...d.misses.map((m) => `misses: ${m}`), ...plan.notes];
  const body: Markup[] = [
    el(
      "header",
      {},
      el("h1", {}, text(`Deployment plan: ${plan.model.name}`)),
      para(
        `${plan.spec.serviceName} · ${deploymentName(d)} · ${d.precision} · ${d.engine.name} ${d.engine.version} · generated by ${plan.generatedBy}`,
        "sub",
      ),
    ),
    recommendation(plan),
    memory(d, unit),
    performance(plan, d),
    kvCapacity(plan, d),
    alternatives(plan),
    section(
      "calibration",
      "Calibration used",
      ...calibrationBody(plan, d.engine.name, d.gpu, bandsOf(d.engine.name, d.performance)),
    ),
    notes.length
      ? section("notes", "Notes", el("ul", { class: "notes" }, ...notes.map((n) => el("li", {}, text(n)))))
      : "",
    el(
      "footer",
      {},
      text(
        `GiB = 1024³ bytes, GB = 10⁹ bytes. Latencies in milliseconds, prices in US dollars. This page was written by ${plan.generatedBy} from the plan alone; it loads nothing from the network.`,
      ),
    ),
  ];
  return page(`llmdeploy plan: ${plan.model.name} on ${deploymentName(d)}`, body);
}
