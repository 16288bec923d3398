/**
 * `plan`'s table output: the recommendation, its ledger and targets, the alternatives table, and the
 * notes; each target with its margin, the instances rented, and the cells
 * of the alternatives table that show them. The JSON carries the same figures
 * (recommendation.targets, recommendation.instance).
 */
import { bandsText, type Deployment, type Plan, type TargetCheck } from "../contract/plan.js";
import { c, gib, info, out, params } from "./output.js";
import { describeFactors } from "../calibrate/apply.js";
import { renderTable } from "./table.js";

const ms = (v: number) => (v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`);
const pct = (v: number) => `${v >= 0 ? "+" : "−"}${Math.abs(Math.round(v * 100))} %`;

/** "TPOT 33.8 ms ≤ 50 ms: margin +32 %, 45.6 ms at +35 %". */
export function targetText(t: TargetCheck): string {
  const name = { ttft: "TTFT", tpot: "TPOT", e2e: "e2e" }[t.metric];
  const text =
    `${name} ${ms(t.predictedMs)} ${t.predictedMs <= t.targetMs ? "≤" : ">"} ${ms(t.targetMs)}: ` +
    `margin ${pct(t.margin)}, ${ms(t.pessimisticMs)} at +${Math.round(t.band * 100)} %`;
  if (!t.met) return c.red(text);
  return t.withinBand ? `${text} ${c.red("(within the band: may miss)")}` : text;
}

/** One line with every target, or null when there are none. */
export function targetsLine(d: Deployment): string | null {
  if (!d.targets?.length) return null;
  return `  targets: ${d.targets.map(targetText).join("; ")}`;
}

/** The table cell of a latency: its value and margin, marked when the target is inside the band. */
export function latencyCell(d: Deployment, metric: TargetCheck["metric"], value: number): string {
  const t = d.targets?.find((x) => x.metric === metric);
  if (!t) return ms(value);
  const cell = `${ms(value)} ${pct(t.margin)}`;
  return !t.met ? c.red(cell) : t.withinBand ? `${cell} ${c.red("!")}` : cell;
}

/** The instance cell: "1× g6e.2xlarge (AWS)", or "-". */
export function instanceCell(d: Deployment): string {
  const i = d.instance;
  return i ? `${i.count}× ${i.type}` : "-";
}

/** The recommendation's instances, one line, or null without a provider price. */
export function instanceLine(d: Deployment): string | null {
  const i = d.instance;
  if (!i) return null;
  return (
    `  instances: ${i.count}× ${i.type} (${i.provider}, ${i.gpusPerInstance} GPU${i.gpusPerInstance > 1 ? "s" : ""} each, ` +
    `$${i.usdPerHour.toFixed(2)}/h, ${i.pricing}, ${i.region ?? "region not stated"}, ${i.date ?? "undated source"}; ${i.source})`
  );
}

const usd = (v: number | null) => (v === null ? "-" : `$${v.toFixed(2)}`);

function row(d: Deployment): string[] {
  return [
    `${d.replicas > 1 ? `${d.replicas} × (` : ""}${d.gpuCount}× ${d.gpuName}${d.replicas > 1 ? ")" : ""}`,
    `${d.tensorParallel}×${d.pipelineParallel}`,
    d.precision + (d.kvCacheDtype === "fp8" ? " kv-fp8" : ""),
    latencyCell(d, "ttft", d.performance.percentiles?.ttftP95Ms ?? d.performance.ttftMs),
    latencyCell(d, "tpot", d.performance.tpotMs),
    String(Math.round(d.performance.outputTokensPerSec)),
    d.cost.perHourUsd === null ? "no price" : usd(d.cost.perHourUsd),
    instanceCell(d),
    d.cost.perMillionOutputTokensUsd === null ? "-" : `$${d.cost.perMillionOutputTokensUsd.toFixed(2)}`,
    d.meetsTargets ? c.green("yes") : c.red("no"),
  ];
}

export function printPlan(plan: Plan): void {
  const d = plan.recommendation;
  const s = plan.spec;
  const rate = s.requestRate !== null ? `${Number(s.requestRate.toPrecision(3))} req/s` : null;
  const load = s.load ? `${s.load.users} users (${rate})` : (rate ?? `${s.concurrency} concurrent`);
  out(
    `${c.bold(plan.model.name)} ${c.dim(`(${plan.model.hfId ?? plan.model.id}, ${params(plan.model.params)} parameters)`)}`,
  );
  out(
    `  workload: ${s.inputTokens} in / ${s.outputTokens} out tokens, ${load}, max model len ${s.maxModelLen}; ` +
      `targets: TTFT ${s.targets.ttftMs ?? "-"} ms, TPOT ${s.targets.tpotMs ?? "-"} ms, e2e ${s.targets.e2eMs ?? "-"} ms`,
  );
  out("");
  const head = plan.feasible
    ? c.green("Recommended")
    : c.red("No configuration meets every target; the closest");
  out(
    `${head}: ${c.bold(`${d.replicas > 1 ? `${d.replicas} replicas × ` : ""}${d.gpuCount}× ${d.gpuName}`)}, ` +
      `TP ${d.tensorParallel} × PP ${d.pipelineParallel}, ${d.mode}` +
      (d.nodes > 1 ? ` (${d.nodes} nodes of ${d.gpusPerNode})` : "") +
      `, ${d.precision}, ${d.engine.name} (${d.engine.image})`,
  );
  if (d.checkpoint)
    out(
      `  checkpoint: ${d.checkpoint.label}; loads ${d.engine.modelRef}${d.checkpoint.file ? ` (${d.checkpoint.file})` : ""}${d.engine.quantization ? `, quantization ${d.engine.quantization}` : ""}`,
    );
  const p = d.performance;
  out(
    `  TTFT ${ms(p.ttftMs)}, TPOT ${ms(p.tpotMs)} (${Math.round(p.outputTokensPerSecPerUser)} tok/s per user), ` +
      `e2e ${ms(p.e2eLatencyMs)}; ${Math.round(p.outputTokensPerSec)} output tok/s, ${p.requestsPerSec} req/s ` +
      c.dim(`(±${Math.round(p.errorBand * 100)} %, ${p.bottleneck}-bound)`),
  );
  if (p.errorBandTtft !== undefined) out(c.dim(`  error bands (validation set): ${bandsText(p)}`));
  if (plan.calibration && plan.calibration.gpu === d.gpu)
    out(c.dim(`  calibrated: ${plan.calibration.path} (${describeFactors(plan.calibration.factors)})`));
  if (p.percentiles) {
    const q = p.percentiles;
    out(
      `  p50/p90/p95/p99: TTFT ${ms(q.ttftP50Ms)} / ${ms(q.ttftP90Ms ?? q.ttftP95Ms)} / ${ms(q.ttftP95Ms)} / ${ms(q.ttftP99Ms ?? q.ttftP95Ms)}, ` +
        `e2e ${ms(q.e2eP50Ms)} / ${ms(q.e2eP90Ms ?? q.e2eP95Ms)} / ${ms(q.e2eP95Ms)} / ${ms(q.e2eP99Ms ?? q.e2eP95Ms)}`,
    );
  }
  if (p.replay) {
    const x = p.replay;
    out(
      `  replay of ${x.numRequests} requests (${x.loop} loop, ${x.durationS} s): TTFT p50/p90/p99 ${ms(x.ttftMs.p50)} / ${ms(x.ttftMs.p90)} / ${ms(x.ttftMs.p99)}, ` +
        `TPOT p50/p99 ${ms(x.tpotMs.p50)} / ${ms(x.tpotMs.p99)}, ${Math.round(x.outputTokensPerSec)} output tok/s ` +
        c.dim(`(bench --plan compares with this run)`),
    );
  }
  if (p.queued > 0)
    out(
      `  ${c.red(`${Math.round(p.queued)} requests wait`)}: the batch is capped at ${p.capacity} by the KV cache / max-num-seqs`,
    );
  const tl = targetsLine(d);
  if (tl) out(tl);
  if (d.misses.length) out(`  ${c.red("misses")}: ${d.misses.join("; ")}`);
  out(
    `  cost: ${usd(d.cost.perHourUsd)}/h, ${d.cost.perMonthUsd === null ? "-" : `$${d.cost.perMonthUsd}`}/month, ` +
      `${d.cost.perMillionOutputTokensUsd === null ? "-" : `$${d.cost.perMillionOutputTokensUsd.toFixed(2)}`} per 1M output tokens ${c.dim(`(${d.cost.basis})`)}`,
  );
  const il = instanceLine(d);
  if (il) out(il);
  const g = d.memory.perGpu;
  out(
    `  per ${d.deviceKind === "cpu" ? "host" : "GPU"}: weights ${gib(g.weightsBytes)}, activations ${gib(g.activationBytes)}, non-torch ${gib(g.nonTorchBytes)}, ` +
      `CUDA graphs ${gib(g.cudaGraphBytes)}, KV cache ${gib(g.kvCacheBytes)} of ${gib(g.totalBytes)} ` +
      `(${d.memory.kvCacheTokens} tokens, ${d.memory.maxConcurrency}× ${s.maxModelLen})`,
  );
  out(
    `  host per node: ${d.host.cpuCores} cores, ${d.host.ramGiB} GiB RAM, ${d.host.diskGiB} GiB disk, /dev/shm ${d.host.shmGiB} GiB` +
      (d.host.network ? `; ${d.host.network}` : ""),
  );
  if (plan.alternatives.length) {
    out("");
    out(c.bold("Alternatives (cost vs latency)"));
    out(
      renderTable(
        [
          "deployment",
          "TP×PP",
          "precision",
          "TTFT",
          "TPOT",
          "out tok/s",
          "$/h",
          "instances",
          "$/1M out",
          "meets",
        ].map((h) => c.bold(h)),
        [row(d), ...plan.alternatives.map(row)],
      ),
    );
  }
  for (const n of plan.notes) info(`note: ${n}`);
}
