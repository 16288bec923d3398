/**
 * The calibration report: errors of the performance model per figure (TTFT, TPOT, throughput,
 * end-to-end latency of static batches) and per group (engine, GPU, dense/MoE, load, TP), as
 * Markdown. Pure: residuals in, text out. scripts/calibration-report.ts (`npm run calibrate`) prints
 * it and writes it into docs/performance.md.
 */
import { errorSummary, type ErrorSummary, type MetricClass, type Residual } from "./calibration.js";

export const METRIC_CLASSES: readonly MetricClass[] = ["ttft", "tpot", "throughput", "e2e"];
const LABEL: Record<MetricClass, string> = {
  ttft: "TTFT",
  tpot: "TPOT",
  throughput: "throughput",
  e2e: "e2e (static batch)",
};

const pct = (v: number) => (Number.isFinite(v) ? `${Math.round(v * 100)} %` : "–");
const signed = (v: number) => (Number.isFinite(v) ? `${v >= 0 ? "+" : ""}${Math.round(v * 100)} %` : "–");

/** One cell: "median / p90 (signed median, n)" or a dash when no figure. */
function cell(s: ErrorSummary): string {
  if (!s.n) return "–";
  return `${pct(s.median)} / ${pct(s.p90)} (${signed(s.signedMedian)}, ${s.n})`;
}

export type GroupKey = "engine" | "gpu" | "kind" | "load" | "tp" | "document";

/**
 * A short name of a source document: `owner/repo …/folder/file` for a GitHub address (the commit and
 * the folders above the last two parts dropped), else the host and the path's last part. The split is
 * by document, so the gap between documents (not within one) is what the per-document rows show.
 */
export function documentLabel(url: string): string {
  const m = /^https?:\/\/(?:www\.)?([^/]+)(\/[^?#]*)?/.exec(url);
  if (!m) return url;
  const parts = (m[2] ?? "").split("/").filter(Boolean);
  if (m[1] === "github.com" && parts.length >= 2) {
    const repo = `${parts[0]}/${parts[1]}`;
    // blob/<commit>/…, tree/…, issues/N, pull/N: what follows the repository, its last two parts
    const rest = parts.slice(parts[2] === "blob" || parts[2] === "tree" ? 4 : 2);
    return rest.length ? `${repo} …/${rest.slice(-2).join("/")}` : repo;
  }
  const last = parts.pop();
  return last ? `${m[1]} …/${last}` : m[1]!;
}

export const groupOf: Record<GroupKey, (r: Residual) => string> = {
  engine: (r) => r.engine,
  gpu: (r) => r.gpu,
  kind: (r) => (r.moe ? "MoE" : "dense"),
  load: (r) => r.load,
  tp: (r) => `TP${r.tp}`,
  document: (r) => r.source,
};

/** Error summaries of one side, per figure. */
export function byMetric(residuals: readonly Residual[]): Record<MetricClass, ErrorSummary> {
  const out = {} as Record<MetricClass, ErrorSummary>;
  for (const m of METRIC_CLASSES) out[m] = errorSummary(residuals.filter((r) => r.metricClass === m));
  return out;
}

/** Error summaries per group value and figure. */
export function byGroup(
  residuals: readonly Residual[],
  key: GroupKey,
): { group: string; metrics: Record<MetricClass, ErrorSummary> }[] {
  const groups = [...new Set(residuals.map(groupOf[key]))].sort();
  return groups.map((g) => ({ group: g, metrics: byMetric(residuals.filter((r) => groupOf[key](r) === g)) }));
}

/** The Markdown report of one side of the split. */
export function reportTables(residuals: readonly Residual[], title: string): string {
  const head = `| ${title} | ${METRIC_CLASSES.map((m) => LABEL[m]).join(" | ")} |`;
  const rule = `| --- | ${METRIC_CLASSES.map(() => "---").join(" | ")} |`;
  const row = (name: string, s: Record<MetricClass, ErrorSummary>) =>
    `| ${name} | ${METRIC_CLASSES.map((m) => cell(s[m])).join(" | ")} |`;
  const lines = [head, rule, row("**all**", byMetric(residuals))];
  for (const key of ["engine", "gpu", "kind", "load", "tp"] as GroupKey[]) {
    for (const g of byGroup(residuals, key)) lines.push(row(`${key}: ${g.group}`, g.metrics));
  }
  // One row per source document, by its short name (numbered when two addresses share one).
  const seen = new Map<string, number>();
  const docs = byGroup(residuals, "document").map((g) => ({ ...g, label: documentLabel(g.group) }));
  docs.sort((a, b) => a.label.localeCompare(b.label));
  for (const g of docs) {
    const n = (seen.get(g.label) ?? 0) + 1;
    seen.set(g.label, n);
    lines.push(row(`document: ${g.label}${n > 1 ? ` (${n})` : ""}`, g.metrics));
  }
  return lines.join("\n");
}

/** Figures a band needs on the validation side before an engine gets its own (else the overall one). */
export const MIN_BAND_FIGURES = 10;

/** p90 |error| rounded up to 5 % (0 when no figure). */
const band = (s: ErrorSummary) => (s.n ? Math.ceil(s.p90 * 20 - 1e-9) / 20 : 0);

/**
 * The error bands the validation side supports: per figure, the 90th percentile of |error| rounded
 * up to 5 %, overall and for each engine with at least MIN_BAND_FIGURES figures of that kind (else
 * the overall value); `overall` of a row is its widest figure.
 */
export function errorBands(
  validation: readonly Residual[],
): Record<string, { overall: number; ttft: number; tpot: number; throughput: number }> {
  const all = byMetric(validation);
  const row = (m: Record<MetricClass, ErrorSummary>) => {
    const pick = (k: "ttft" | "tpot" | "throughput") =>
      m[k].n >= MIN_BAND_FIGURES ? band(m[k]) : band(all[k]);
    const r = { ttft: pick("ttft"), tpot: pick("tpot"), throughput: pick("throughput") };
    return { overall: Math.max(r.ttft, r.tpot, r.throughput), ...r };
  };
  const out: Record<string, ReturnType<typeof row>> = { default: row(all) };
  for (const g of byGroup(validation, "engine")) out[g.group] = row(g.metrics);
  return out;
}
