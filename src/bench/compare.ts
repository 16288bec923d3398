/**
 * Measured figures against a plan's predictions (`recommendation.performance` of plan.yaml): each
 * within the plan's error band or not. Pure: the plan document in (already parsed), verdicts out.
 * The plan format is a contract that grows; every field read here is optional and checked.
 */
import type { BenchResult } from "./run.js";

export interface PlanPrediction {
  /** Predicted figure by name (`ttftMs`, `ttftMs.p95`, ...), only those the plan has. */
  figures: Record<string, number>;
  /** The figures `bench` compares that the plan lacks. */
  missing: string[];
  /** Relative error the plan expects (0.25 = ±25 %). */
  errorBand: number;
  /** The load and request shape the prediction assumed, when the plan says. */
  assumed: {
    concurrency: number | null;
    requestRate: number | null;
    inputTokens: number | null;
    outputTokens: number | null;
    /** Requests of the finite run the plan replayed (plan --num-requests), else null. */
    numRequests: number | null;
  };
  /** replay: the plan's replay of a finite run of its own workload; steady-state otherwise. */
  basis: "replay" | "steady-state";
  saturated: boolean;
  /**
   * The deployment the plan describes (recorded in bench's JSON as `planned`, so that calibrate can
   * tell which GPU × engine a run measured), when the plan says.
   */
  deployment?: PlannedDeployment | null;
}

/** What bench --plan records of the deployment it measured. */
export interface PlannedDeployment {
  gpu: string;
  gpuCount: number | null;
  tensorParallel: number | null;
  pipelineParallel: number | null;
  replicas: number | null;
  engine: string;
  engineVersion: string | null;
  servedModelName: string | null;
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** The recommendation's GPU, split and engine, when the plan names them. */
function plannedDeployment(rec: Record<string, unknown>): PlannedDeployment | null {
  const engine = isObj(rec.engine) ? rec.engine : {};
  const gpu = str(rec.gpu);
  const name = str(engine.name);
  if (gpu === null || name === null) return null;
  return {
    gpu,
    gpuCount: pos(rec.gpuCount),
    tensorParallel: pos(rec.tensorParallel),
    pipelineParallel: pos(rec.pipelineParallel),
    replicas: pos(rec.replicas),
    engine: name,
    engineVersion: str(engine.version),
    servedModelName: str(engine.servedModelName),
  };
}

export const DEFAULT_ERROR_BAND = 0.25;

const MAIN = ["ttftMs", "tpotMs", "e2eLatencyMs", "outputTokensPerSec"] as const;

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const pos = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : null);
const posOrNull = (v: unknown): number | null => pos(v);

/**
 * What the plan predicted, or why nothing can be compared (a sentence for the user).
 */
export function planPrediction(doc: unknown): { prediction: PlanPrediction } | { problem: string } {
  if (!isObj(doc)) return { problem: "is not a plan (expected a YAML mapping)" };
  const rec = doc.recommendation;
  if (!isObj(rec))
    return { problem: "has no recommendation (is it the plan.yaml that llmdeploy plan --out wrote?)" };
  const perf = rec.performance;
  if (!isObj(perf))
    return { problem: "has no recommendation.performance: it predicts no latency or throughput" };
  const figures: Record<string, number> = {};
  const missing: string[] = [];
  for (const k of MAIN) {
    const v = pos(perf[k]);
    if (v === null) missing.push(k);
    else figures[k] = v;
  }
  const replay = isObj(perf.replay) ? perf.replay : null;
  const pct = perf.percentiles;
  if (replay) {
    // The plan replayed a finite run of its own workload: its figures are what a bench of that run
    // should measure (mean and percentiles per request, throughput over the run).
    for (const k of ["ttftMs", "tpotMs", "e2eLatencyMs"] as const) {
      const f = isObj(replay[k]) ? replay[k] : {};
      for (const q of ["mean", "p50", "p90", "p95", "p99"] as const) {
        const v = pos(f[q]);
        if (v === null) continue;
        if (q === "mean") figures[k] = v;
        else if (k !== "tpotMs" || q === "p50" || q === "p99") figures[`${k}.${q}`] = v;
      }
    }
    const t = pos(replay.outputTokensPerSec);
    if (t !== null) figures.outputTokensPerSec = t;
    for (const k of MAIN) {
      const i = missing.indexOf(k);
      if (figures[k] !== undefined && i >= 0) missing.splice(i, 1);
    }
  } else if (isObj(pct)) {
    const map: [string, string][] = [
      ["ttftP50Ms", "ttftMs.p50"],
      ["ttftP95Ms", "ttftMs.p95"],
      ["e2eP50Ms", "e2eLatencyMs.p50"],
      ["e2eP95Ms", "e2eLatencyMs.p95"],
      ["ttftP90Ms", "ttftMs.p90"],
      ["ttftP99Ms", "ttftMs.p99"],
      ["e2eP90Ms", "e2eLatencyMs.p90"],
      ["e2eP99Ms", "e2eLatencyMs.p99"],
    ];
    for (const [from, to] of map) {
      const v = pos(pct[from]);
      if (v !== null) figures[to] = v;
    }
  }
  if (!Object.keys(figures).length) {
    return {
      problem: `has none of recommendation.performance.${MAIN.join(", .")}`,
    };
  }
  const band = perf.errorBand;
  const spec = isObj(doc.spec) ? doc.spec : {};
  return {
    prediction: {
      figures,
      missing,
      errorBand: typeof band === "number" && band > 0 && band < 10 ? band : DEFAULT_ERROR_BAND,
      assumed: {
        concurrency: replay ? posOrNull(replay.concurrency) : posOrNull(spec.concurrency),
        requestRate: replay ? posOrNull(replay.requestRate) : posOrNull(spec.requestRate),
        inputTokens: posOrNull(spec.inputTokens),
        outputTokens: posOrNull(spec.outputTokens),
        numRequests: replay ? posOrNull(replay.numRequests) : null,
      },
      basis: replay ? "replay" : "steady-state",
      saturated: perf.saturated === true,
      deployment: plannedDeployment(rec),
    },
  };
}

export interface Verdict {
  figure: string;
  measured: number;
  predicted: number;
  /** measured / predicted − 1. */
  difference: number;
  withinBand: boolean;
  /** Whether the measurement is better than predicted (lower latency, higher throughput). */
  better: boolean;
}

export interface Comparison {
  band: number;
  /**
   * The run's load is not the plan's (a 1-concurrent bench against a 64-concurrent prediction): the
   * predictions do not describe this run, so no figure counts as a miss. The sentence says so.
   */
  comparable: boolean;
  warning: string | null;
  verdicts: Verdict[];
  /** Figures the plan does not predict. */
  missing: string[];
  /** Why the comparison may not be like for like (load, request shape). */
  notes: string[];
  /** Some figure is outside the band. */
  miss: boolean;
}

/** The measured value of a figure name (`ttftMs` is the mean, `ttftMs.p95` the percentile). */
function measured(r: BenchResult, figure: string): number {
  if (figure === "outputTokensPerSec") return r.outputTokensPerSec;
  const [k, q] = figure.split(".") as [keyof BenchResult, string | undefined];
  const s = r[k] as unknown as Record<string, number>;
  return s[q ?? "mean"] ?? NaN;
}

export interface RunShape {
  concurrency: number | null;
  requestRate: number | null;
  /** Synthetic prompt length; null with --prompts (unknown). */
  inputTokens: number | null;
  /** max_tokens per request; null when not set. */
  outputTokens: number | null;
}

export function compareWithPlan(r: BenchResult, p: PlanPrediction, run: RunShape): Comparison {
  const verdicts: Verdict[] = [];
  for (const [figure, predicted] of Object.entries(p.figures)) {
    const m = measured(r, figure);
    // No completed request: nothing measured, nothing to judge.
    if (!Number.isFinite(m) || (m === 0 && r.requests === 0)) continue;
    const difference = m / predicted - 1;
    verdicts.push({
      figure,
      measured: m,
      predicted,
      difference: Math.round(difference * 1000) / 1000,
      withinBand: Math.abs(difference) <= p.errorBand,
      better: figure === "outputTokensPerSec" ? difference > 0 : difference < 0,
    });
  }
  const notes: string[] = [];
  const a = p.assumed;
  const loadOf = (c: number | null, rate: number | null) =>
    rate !== null ? `${rate} req/s (Poisson)` : c !== null ? `${c} concurrent` : "an unknown load";
  if (
    (a.concurrency !== null || a.requestRate !== null) &&
    (a.concurrency !== run.concurrency || a.requestRate !== run.requestRate)
  ) {
    const flag =
      a.requestRate !== null ? `--request-rate ${a.requestRate}` : `--concurrency ${a.concurrency}`;
    notes.push(
      `the plan assumed ${loadOf(a.concurrency, a.requestRate)}, this run ${loadOf(run.concurrency, run.requestRate)}: compare at the same load (${flag})`,
    );
  }
  if (
    a.inputTokens !== null &&
    run.inputTokens !== null &&
    Math.abs(run.inputTokens / a.inputTokens - 1) > 0.1
  ) {
    notes.push(
      `the plan assumed ${a.inputTokens} input tokens, this run ${run.inputTokens} (--input-tokens ${a.inputTokens})`,
    );
  }
  if (a.outputTokens !== null && run.outputTokens !== null && run.outputTokens !== a.outputTokens) {
    notes.push(
      `the plan assumed ${a.outputTokens} output tokens, this run ${run.outputTokens} (--output-tokens ${a.outputTokens})`,
    );
  }
  if (p.saturated) notes.push("the plan itself predicts this load saturates the deployment (queues grow)");
  if (r.partial) notes.push("the run was stopped early: the figures are partial");
  if (p.basis === "replay" && a.numRequests !== null && r.requests !== a.numRequests)
    notes.push(
      `the plan replayed ${a.numRequests} requests, this run completed ${r.requests} (--requests ${a.numRequests})`,
    );
  const warning = loadMismatch(a, run);
  return {
    band: p.errorBand,
    comparable: warning === null,
    warning,
    verdicts,
    missing: p.missing,
    notes,
    miss: warning === null && verdicts.some((v) => !v.withinBand),
  };
}

/**
 * Why a run's load makes the plan's figures inapplicable, or null: an open loop against a closed
 * one, or a concurrency / rate that differs by more than a quarter (latency under load is not
 * latency at another load).
 */
export function loadMismatch(a: PlanPrediction["assumed"], run: RunShape): string | null {
  const planLoad =
    a.requestRate !== null
      ? `${a.requestRate} req/s`
      : a.concurrency !== null
        ? `${a.concurrency} concurrent`
        : null;
  if (planLoad === null) return null;
  const runLoad =
    run.requestRate !== null ? `${run.requestRate} req/s` : `${run.concurrency ?? 1} concurrent`;
  const off = (x: number, y: number) => Math.abs(x / y - 1) > 0.25;
  const differs =
    a.requestRate !== null
      ? run.requestRate === null || off(run.requestRate, a.requestRate)
      : run.requestRate !== null || off(run.concurrency ?? 1, a.concurrency!);
  if (!differs) return null;
  return (
    `the plan predicts ${planLoad} and this run was ${runLoad}: its figures do not describe this run, so none counts as a miss ` +
    `(run bench --plan without --concurrency / --request-rate to use the plan's load)`
  );
}

/** The bench settings that reproduce the plan's workload, for the flags the user did not give. */
export function planRunShape(p: PlanPrediction): {
  concurrency: number | null;
  requestRate: number | null;
  requests: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
} {
  const a = p.assumed;
  return {
    concurrency: a.requestRate !== null ? null : a.concurrency,
    requestRate: a.requestRate,
    requests: a.numRequests,
    inputTokens: a.inputTokens,
    outputTokens: a.outputTokens,
  };
}
