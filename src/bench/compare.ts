/**
 * Measured figures against a plan's predictions (`recommendation.performance` of plan.yaml): each
 * within its own error band or not (TTFT and its percentiles by errorBandTtft, TPOT by errorBandTpot,
 * throughput by errorBandThroughput, end-to-end latency by the overall errorBand, as the planner's
 * target checks and the report do; a plan written before the per-figure bands: the overall one).
 * Pure: the plan document in, checked whole against the plan schema first, verdicts out.
 */
import { figureBands, type Plan } from "../contract/plan.js";
import { planProblem, shownValue } from "../contract/plan-schema.js";
import type { BenchResult } from "./run.js";

export interface PlanPrediction {
  /** Predicted figure by name (`ttftMs`, `ttftMs.p95`, ...), only those the plan has. */
  figures: Record<string, number>;
  /** The figures `bench` compares that the plan lacks. */
  missing: string[];
  /** The overall relative error the plan expects (0.25 = ±25 %): the widest of its bands. */
  errorBand: number;
  /** The band each figure of `figures` is judged by (its own: TTFT, TPOT, throughput; e2e: overall). */
  bands: Record<string, number>;
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
  /** The model the plan serves: its served name, what the engine loads, and the model's ids. */
  model?: PlannedModel;
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

/** The names a server of the planned deployment may give its model (GET /v1/models, `model` of answers). */
export interface PlannedModel {
  /** --served-model-name: what the planned server lists. */
  servedModelName: string;
  /** The checkpoint the engine loads (a Hub id, a path, an Ollama tag). */
  modelRef: string;
  /** Every name that counts as the plan's model: the two above, the checkpoint's repository, the model's ids. */
  names: string[];
}

/** The recommendation's GPU, split and engine. */
function plannedDeployment(rec: Plan["recommendation"]): PlannedDeployment {
  return {
    gpu: rec.gpu,
    gpuCount: rec.gpuCount,
    tensorParallel: rec.tensorParallel,
    pipelineParallel: rec.pipelineParallel,
    replicas: rec.replicas,
    engine: rec.engine.name,
    engineVersion: rec.engine.version ?? null,
    servedModelName: rec.engine.servedModelName,
  };
}

function plannedModel(plan: Plan): PlannedModel {
  const e = plan.recommendation.engine;
  const names = [
    e.servedModelName,
    e.modelRef,
    plan.recommendation.checkpoint?.repo ?? null,
    plan.model.hfId,
    plan.model.id,
    plan.spec.model,
  ].filter((x): x is string => typeof x === "string" && x !== "");
  return { servedModelName: e.servedModelName, modelRef: e.modelRef, names: [...new Set(names)] };
}

/** The band a plan's error bands give a figure (`ttftMs.p95` is judged as TTFT). */
export function bandOf(perf: Plan["recommendation"]["performance"], figure: string): number {
  const kind = figure.split(".")[0];
  const b = figureBands(perf);
  if (kind === "ttftMs") return b.ttft;
  if (kind === "tpotMs") return b.tpot;
  if (kind === "outputTokensPerSec") return b.throughput;
  return b.overall;
}

const MAIN = ["ttftMs", "tpotMs", "e2eLatencyMs", "outputTokensPerSec"] as const;

const pos = (v: number | null | undefined): number | null =>
  typeof v === "number" && Number.isFinite(v) && v > 0 ? v : null;

/**
 * What the plan predicted, or why nothing can be compared (a sentence for the user, starting with the
 * field at fault when the document is not a valid plan: "recommendation.performance.tpotMs: ...").
 */
export function planPrediction(doc: unknown): { prediction: PlanPrediction } | { problem: string } {
  const bad = planProblem(doc);
  if (bad) return { problem: bad };
  const plan = doc as Plan;
  const rec = plan.recommendation;
  const perf = rec.performance;
  const figures: Record<string, number> = {};
  const missing: string[] = [];
  for (const k of MAIN) {
    const v = pos(perf[k]);
    if (v === null) missing.push(k);
    else figures[k] = v;
  }
  const replay = perf.replay ?? null;
  const pct = perf.percentiles;
  if (replay) {
    // The plan replayed a finite run of its own workload: its figures are what a bench of that run
    // should measure (mean and percentiles per request, throughput over the run).
    for (const k of ["ttftMs", "tpotMs", "e2eLatencyMs"] as const) {
      for (const q of ["mean", "p50", "p90", "p95", "p99"] as const) {
        const v = pos(replay[k][q]);
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
  } else if (pct) {
    const map: [keyof NonNullable<typeof pct>, string][] = [
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
      problem: `has none of recommendation.performance.${MAIN.join(", .")} above 0: it predicts no latency or throughput`,
    };
  }
  const spec = plan.spec;
  return {
    prediction: {
      figures,
      missing,
      errorBand: perf.errorBand,
      bands: Object.fromEntries(Object.keys(figures).map((f) => [f, bandOf(perf, f)])),
      assumed: {
        concurrency: pos(replay ? replay.concurrency : spec.concurrency),
        requestRate: pos(replay ? replay.requestRate : spec.requestRate),
        inputTokens: pos(spec.inputTokens),
        outputTokens: pos(spec.outputTokens),
        numRequests: replay ? pos(replay.numRequests) : null,
      },
      basis: replay ? "replay" : "steady-state",
      saturated: perf.saturated,
      deployment: plannedDeployment(rec),
      model: plannedModel(plan),
    },
  };
}

export interface Verdict {
  figure: string;
  measured: number;
  predicted: number;
  /** measured / predicted − 1. */
  difference: number;
  /** |difference| ≤ band: within the figure's own band. */
  withinBand: boolean;
  /** Whether the measurement is better than predicted (lower latency, higher throughput). */
  better: boolean;
  /** The band this figure was judged by (0.45 = ±45 %). */
  band: number;
  /**
   * The figure depends on the answers' length (end-to-end latency, throughput) and the run's output
   * length is not the plan's: compared all the same, but outside its band it is not counted as a miss.
   */
  flagged: boolean;
}

export interface Comparison {
  /** The overall band of the plan (each verdict carries the band it was judged by). */
  band: number;
  /**
   * The run's load is not the plan's (a 1-concurrent bench against a 64-concurrent prediction): the
   * predictions do not describe this run, so no figure counts as a miss. The sentence says so.
   */
  comparable: boolean;
  /** The load mismatch above, or null. */
  warning: string | null;
  /**
   * Everything that makes the comparison doubtful, one sentence each: the load mismatch, an output
   * length that is not the plan's, a served model that is not the plan's.
   */
  warnings: string[];
  verdicts: Verdict[];
  /** Figures the plan does not predict. */
  missing: string[];
  /** Why the comparison may not be like for like (load, request shape). */
  notes: string[];
  /** Some figure is outside its band (not counting flagged ones), on a comparable run. */
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
  /** The model name the requests asked for (--model, or the first GET /v1/models lists). */
  model?: string | null;
}

/** The answers' mean length may differ from the plan's by this share before it counts as another length. */
export const OUTPUT_LENGTH_TOLERANCE = 0.1;

/** Figures that grow with the answers' length: end-to-end latency and its percentiles, throughput. */
const lengthDependent = (figure: string) =>
  figure.startsWith("e2eLatencyMs") || figure === "outputTokensPerSec";

/**
 * Why the run's answers are not the plan's length, or null: max_tokens other than the plan's
 * outputTokens, or completed answers whose mean length is off by more than OUTPUT_LENGTH_TOLERANCE
 * (a server that stops at end-of-sequence, or ignores max_tokens).
 */
export function outputLengthMismatch(
  r: BenchResult,
  a: PlanPrediction["assumed"],
  run: RunShape,
): string | null {
  if (a.outputTokens === null) return null;
  if (run.outputTokens !== null && run.outputTokens !== a.outputTokens)
    return `the plan assumed ${a.outputTokens} output tokens per request, this run asked for ${run.outputTokens}: end-to-end latency and throughput are compared but not counted as misses (--output-tokens ${a.outputTokens})`;
  if (r.requests > 0) {
    const mean = r.outputTokens / r.requests;
    if (Math.abs(mean / a.outputTokens - 1) > OUTPUT_LENGTH_TOLERANCE)
      return `the plan assumed ${a.outputTokens} output tokens per request, the answers averaged ${Math.round(mean * 10) / 10}: end-to-end latency and throughput are compared but not counted as misses (does the server honour max_tokens and ignore_eos?)`;
  }
  return null;
}

/**
 * Why the server's model may not be the plan's, or null: the name the requests asked for and every
 * `model` the answers carried, against the plan's served name, checkpoint and model ids.
 */
export function servedModelMismatch(r: BenchResult, p: PlanPrediction, run: RunShape): string | null {
  if (!p.model) return null;
  const known = new Set(p.model.names.map((n) => n.toLowerCase()));
  const served = [...new Set([run.model ?? null, ...(r.servedModels ?? [])])].filter(
    (x): x is string => typeof x === "string" && x !== "",
  );
  const other = served.filter((s) => !known.has(s.toLowerCase()));
  if (!other.length) return null;
  const planned =
    p.model.servedModelName === p.model.modelRef
      ? p.model.servedModelName
      : `${p.model.servedModelName} (${p.model.modelRef})`;
  return `the server serves ${other.map(shownValue).join(", ")} but the plan's model is ${planned}: are these figures of the planned deployment? (bench --model NAME picks the served model)`;
}

export function compareWithPlan(r: BenchResult, p: PlanPrediction, run: RunShape): Comparison {
  const a = p.assumed;
  const lengthWarning = outputLengthMismatch(r, a, run);
  const verdicts: Verdict[] = [];
  for (const [figure, predicted] of Object.entries(p.figures)) {
    const m = measured(r, figure);
    // No completed request: nothing measured, nothing to judge.
    if (!Number.isFinite(m) || (m === 0 && r.requests === 0)) continue;
    const difference = m / predicted - 1;
    const band = p.bands[figure] ?? p.errorBand;
    verdicts.push({
      figure,
      measured: m,
      predicted,
      difference: Math.round(difference * 1000) / 1000,
      withinBand: Math.abs(difference) <= band,
      better: figure === "outputTokensPerSec" ? difference > 0 : difference < 0,
      band,
      flagged: lengthWarning !== null && lengthDependent(figure),
    });
  }
  const notes: string[] = [];
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
  if (p.saturated) notes.push("the plan itself predicts this load saturates the deployment (queues grow)");
  if (r.partial) notes.push("the run was stopped early: the figures are partial");
  if (p.basis === "replay" && a.numRequests !== null && r.requests !== a.numRequests)
    notes.push(
      `the plan replayed ${a.numRequests} requests, this run completed ${r.requests} (--requests ${a.numRequests})`,
    );
  const warning = loadMismatch(a, run);
  const warnings = [warning, lengthWarning, servedModelMismatch(r, p, run)].filter(
    (w): w is string => w !== null,
  );
  return {
    band: p.errorBand,
    comparable: warning === null,
    warning,
    warnings,
    verdicts,
    missing: p.missing,
    notes,
    miss: warning === null && verdicts.some((v) => !v.withinBand && !v.flagged),
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
