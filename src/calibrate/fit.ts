/**
 * Fitting the performance model's factors to bench runs of one deployment: a small bounded
 * least-squares fit of ln(predicted / measured) over each run's mean TTFT and TPOT, the prediction
 * made by the model itself (src/sizing/perf.ts) with trial values of the factors. Pure.
 *
 * Only what the runs identify is fitted (`identifiable`): the decode bandwidth share from TPOT, the
 * prefill compute share from TTFT, the step overhead from TPOT at two or more workloads (a fixed cost
 * per pass against bytes that grow with the batch and the context), the serving overhead per request
 * from TTFT at two or more prompt lengths (a fixed latency against prefill work that grows with the
 * prompt); and a factor whose effect on the figures the runs cannot tell apart from the factors
 * before it (normalised sensitivities nearly parallel) is left out too. The rest keep the engine's
 * values, each with the reason. When a share ends at its lower bound and its fixed cost could not be
 * fitted on its own (one prompt length, one workload), the fixed cost is fitted in its place (SWAPS).
 *
 * The solver is Levenberg–Marquardt on the factors scaled to [0, 1] within their bounds, with a
 * forward-difference Jacobian and an active set for factors held at a bound, started from the
 * engine's values and from the middle of the bounds; the better end wins.
 */
import type { DeviceEntry } from "../catalog/types.js";
import { UserError } from "../errors.js";
import type { PerfConstants } from "../sizing/perf-constants.js";
import { type PerfInput, predictPerformance } from "../sizing/perf.js";
import { constantsWith } from "./apply.js";
import { FACTORS, type LatencyFigures, PERF_FACTORS, type PerfFactor } from "./profile.js";

/** One bench run: the placement at the run's workload, and what was measured. */
export interface FitRun {
  file: string;
  input: PerfInput;
  measured: LatencyFigures;
}

export interface FitRequest {
  runs: FitRun[];
  /** The engine's committed constants (perfConstantsFor). */
  base: PerfConstants;
  device: DeviceEntry;
  /** Each factor's value without the profile (defaultFactor): where the fit starts. */
  defaults: Record<PerfFactor, number>;
  /** Factors asked for (--factors); absent: every factor the runs identify. */
  requested?: PerfFactor[] | undefined;
}

export interface FitOutcome {
  values: Partial<Record<PerfFactor, number>>;
  /** Fitted factors that ended at a bound. */
  atBound: PerfFactor[];
  notFitted: { factor: PerfFactor; reason: string }[];
  /** Per run, the model without the profile and with it. */
  before: LatencyFigures[];
  after: LatencyFigures[];
  /** exp(RMS of ln(predicted / measured)) − 1, with and without the fit. */
  residual: number;
  residualBefore: number;
}

/** A run's workload as a key: runs with the same key ran the same load and request shape. */
export const workloadKey = (
  w: Pick<PerfInput["workload"], "concurrency" | "requestRate" | "inputTokens" | "outputTokens">,
): string => `${w.concurrency ?? "-"}|${w.requestRate ?? "-"}|${w.inputTokens}|${w.outputTokens}`;

const count = (xs: Iterable<string | number>) => new Set(xs).size;

/**
 * Why the runs cannot identify a factor by themselves (one phrase), or null when they can: a figure
 * that depends on it, at enough different workloads.
 */
export function requirementProblem(f: PerfFactor, runs: readonly FitRun[]): string | null {
  const withTpot = runs.filter((r) => r.measured.tpotMs !== null);
  const withTtft = runs.filter((r) => r.measured.ttftMs !== null);
  switch (f) {
    case "bandwidth":
      return withTpot.length ? null : "needs a run that measured TPOT";
    case "compute":
      return withTtft.length ? null : "needs a run that measured TTFT";
    case "stepOverheadMs": {
      const n = count(withTpot.map((r) => workloadKey(r.input.workload)));
      return n >= 2 ? null : `needs TPOT at two or more workloads (${n} given)`;
    }
    case "requestOverheadMs": {
      const n = count(withTtft.map((r) => r.input.workload.inputTokens));
      return n >= 2 ? null : `needs TTFT at two or more prompt lengths (${n} given)`;
    }
  }
}

/** The model's TTFT and TPOT of a run with these constants, unrounded. */
function predict(run: FitRun, k: PerfConstants): { ttftMs: number; tpotMs: number } {
  const p = predictPerformance(run.input, k, { exact: true });
  return { ttftMs: p.ttftMs, tpotMs: p.tpotMs };
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
/** A fitted value as the profile stores it: shares to 4 decimals, milliseconds to 3. */
export const roundFactor = (f: PerfFactor, v: number): number =>
  round(v, FACTORS[f].unit === "share" ? 4 : 3);
const figures = (p: { ttftMs: number; tpotMs: number }, m: LatencyFigures): LatencyFigures => ({
  ttftMs: m.ttftMs === null ? null : round(p.ttftMs, 2),
  tpotMs: m.tpotMs === null ? null : round(p.tpotMs, 2),
});

/** ln(predicted / measured) for every measured figure of every run. */
function logRatios(runs: readonly FitRun[], k: PerfConstants): number[] {
  const out: number[] = [];
  for (const run of runs) {
    const p = predict(run, k);
    if (run.measured.ttftMs !== null) out.push(Math.log(p.ttftMs / run.measured.ttftMs));
    if (run.measured.tpotMs !== null) out.push(Math.log(p.tpotMs / run.measured.tpotMs));
  }
  return out;
}

const sumSq = (r: readonly number[]) => r.reduce((a, x) => a + x * x, 0);
/** exp(RMS) − 1 of log ratios: the typical relative error. */
export const residualOf = (r: readonly number[]): number =>
  r.length ? Math.exp(Math.sqrt(sumSq(r) / r.length)) - 1 : 0;

/** Solves A x = b (small, dense) by Gaussian elimination with partial pivoting; null when singular. */
export function solve(A: number[][], b: number[]): number[] | null {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    if (Math.abs(M[p]![c]!) < 1e-300) return null;
    [M[c], M[p]] = [M[p]!, M[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= M[r]![k]! * x[k]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

/** Determinant of a small square matrix (by elimination). */
function det(A: number[][]): number {
  const M = A.map((r) => [...r]);
  const n = M.length;
  let d = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    if (Math.abs(M[p]![c]!) < 1e-300) return 0;
    if (p !== c) {
      [M[c], M[p]] = [M[p]!, M[c]!];
      d = -d;
    }
    d *= M[c]![c]!;
    for (let r = c + 1; r < n; r++) {
      const f = M[r]![c]! / M[c]![c]!;
      for (let k = c; k < n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  return d;
}

/**
 * A factor whose normalised sensitivity column is within 1.8° (sin² = 0.001) of the span of the
 * columns kept before it is not separable from them: the ratio of the Gram determinants with and
 * without it is that sin².
 */
const SEPARABLE = 1e-3;

/**
 * A share of the peak and the fixed cost that adds to the same figure: prefill compute and the
 * serving overhead per request (TTFT), memory bandwidth and the overhead per step (TPOT).
 */
const SWAPS: readonly (readonly [PerfFactor, PerfFactor])[] = [
  ["compute", "requestOverheadMs"],
  ["bandwidth", "stepOverheadMs"],
];
const STEP = 1e-6;

/** The fit's problem over a set of factors: residuals as a function of the scaled values u ∈ [0, 1]ⁿ. */
function problemOf(req: FitRequest, fs: readonly PerfFactor[]) {
  const lo = fs.map((f) => FACTORS[f].bounds![0]);
  const hi = fs.map((f) => FACTORS[f].bounds![1]);
  const valuesOf = (u: readonly number[]) =>
    Object.fromEntries(fs.map((f, i) => [f, lo[i]! + u[i]! * (hi[i]! - lo[i]!)])) as Partial<
      Record<PerfFactor, number>
    >;
  const residuals = (u: readonly number[]) =>
    logRatios(req.runs, constantsWith(req.base, req.device, valuesOf(u)));
  const jacobian = (u: readonly number[], r0: readonly number[]) =>
    u.map((ui, i) => {
      const h = ui + STEP <= 1 ? STEP : -STEP;
      const v = [...u];
      v[i] = ui + h;
      const r = residuals(v);
      return r.map((x, j) => (x - r0[j]!) / h);
    }); // columns: one per factor
  const toU = (f: PerfFactor, x: number, i: number) =>
    Math.min(1, Math.max(0, (x - lo[i]!) / (hi[i]! - lo[i]!)));
  return { residuals, jacobian, valuesOf, toU };
}

/** Gram determinant of the columns, each scaled to unit length (1: orthogonal; 0: dependent). */
function separability(cols: number[][]): number {
  const unit = cols.map((c) => {
    const n = Math.sqrt(sumSq(c));
    return n > 0 ? c.map((x) => x / n) : c.map(() => 0);
  });
  const G = unit.map((a) => unit.map((b) => a.reduce((s, x, i) => s + x * b[i]!, 0)));
  return det(G);
}

/** Levenberg–Marquardt within [0, 1]ⁿ; factors at a bound that the gradient pushes out are held. */
function levenbergMarquardt(p: ReturnType<typeof problemOf>, u0: number[]): { u: number[]; cost: number } {
  let u = [...u0];
  let r = p.residuals(u);
  let cost = sumSq(r);
  let lambda = 1e-3;
  for (let it = 0; it < 200 && cost > 1e-20; it++) {
    const cols = p.jacobian(u, r);
    const n = u.length;
    const g = cols.map((c) => c.reduce((s, x, j) => s + x * r[j]!, 0));
    const A = cols.map((a) => cols.map((b) => a.reduce((s, x, j) => s + x * b[j]!, 0)));
    // Factors at a bound whose descent direction points out of the box are held there.
    const free = [...Array(n).keys()].filter(
      (i) => !((u[i]! <= 0 && g[i]! > 0) || (u[i]! >= 1 && g[i]! < 0)),
    );
    if (!free.length) break;
    let accepted = false;
    while (lambda < 1e12) {
      const M = free.map((i) =>
        free.map((j) => A[i]![j]! + (i === j ? lambda * Math.max(A[i]![i]!, 1e-12) : 0)),
      );
      const step = solve(
        M,
        free.map((i) => -g[i]!),
      );
      if (!step) {
        lambda *= 4;
        continue;
      }
      const next = [...u];
      free.forEach((i, k) => (next[i] = Math.min(1, Math.max(0, u[i]! + step[k]!))));
      const rn = p.residuals(next);
      const cn = sumSq(rn);
      if (cn < cost) {
        const gain = cost - cn;
        const moved = Math.max(...next.map((x, i) => Math.abs(x - u[i]!)));
        u = next;
        r = rn;
        cost = cn;
        lambda = Math.max(lambda / 3, 1e-12);
        accepted = gain > 1e-16 * Math.max(1, cost) && moved > 1e-12;
        break;
      }
      lambda *= 4;
    }
    if (!accepted) break;
  }
  return { u, cost };
}

/**
 * Fits the factors the runs identify (or the requested ones: a UserError when the runs cannot
 * identify one of them). Needs at least one run with a measured figure.
 */
export function fitFactors(req: FitRequest): FitOutcome {
  const { runs } = req;
  const candidates = req.requested ?? [...PERF_FACTORS];
  const notFitted: FitOutcome["notFitted"] = [];
  const chosen: PerfFactor[] = [];
  for (const f of candidates) {
    const problem = requirementProblem(f, runs);
    if (problem === null) chosen.push(f);
    else if (req.requested)
      throw new UserError(
        `too few runs for the factors requested: ${FACTORS[f].label} ${problem}`,
        "bench the deployment at another --concurrency or --input-tokens and pass that result too, or leave out --factors",
        1,
        "factors",
      );
    else notFitted.push({ factor: f, reason: problem });
  }
  // Keep a factor only if its effect is not (nearly) that of the factors kept before it.
  const start = (fs: readonly PerfFactor[]) => {
    const p = problemOf(req, fs);
    return { p, u: fs.map((f, i) => p.toU(f, req.defaults[f], i)) };
  };
  const kept: PerfFactor[] = [];
  let keptGram = 1;
  for (const f of chosen) {
    const trial = [...kept, f];
    const { p, u } = start(trial);
    const gram = separability(p.jacobian(u, p.residuals(u)));
    // gram / keptGram: sin² of the angle between f's column and the span of the kept ones.
    if (keptGram > 0 && gram / keptGram >= SEPARABLE) {
      kept.push(f);
      keptGram = gram;
      continue;
    }
    const reason = kept.length
      ? `the runs do not tell it apart from the ${kept.map((k) => FACTORS[k].label).join(" and ")}`
      : "the measured figures do not depend on it";
    if (req.requested)
      throw new UserError(
        `too few runs for the factors requested: ${FACTORS[f].label}: ${reason}`,
        "bench at workloads further apart (concurrency, prompt length), or leave out --factors",
        1,
        "factors",
      );
    notFitted.push({ factor: f, reason });
  }
  for (const f of PERF_FACTORS)
    if (!candidates.includes(f)) notFitted.push({ factor: f, reason: "not requested (--factors)" });
  const beforeK = constantsWith(req.base, req.device, {});
  const rBefore = logRatios(runs, beforeK);
  const before = runs.map((r) => figures(predict(r, beforeK), r.measured));
  if (!kept.length)
    return {
      values: {},
      atBound: [],
      notFitted,
      before,
      after: before,
      residual: residualOf(rBefore),
      residualBefore: residualOf(rBefore),
    };
  const solveFor = (fs: readonly PerfFactor[]) => {
    const { p, u: fromDefaults } = start(fs);
    const a = levenbergMarquardt(p, fromDefaults);
    const b = levenbergMarquardt(
      p,
      fs.map(() => 0.5),
    );
    return { p, best: b.cost < a.cost ? b : a };
  };
  let { p, best } = solveFor(kept);
  // One prompt length (or one workload) cannot split a latency between a share of the peak and a
  // fixed cost: both are one factor for the same figure. The share is tried first; the fixed cost in
  // its place (the share held at the engine's value) is kept when it explains the runs clearly
  // better, e.g. a serving path that adds a latency whatever the load, which a slower GPU would turn
  // into prefill interference the runs do not show, or a share that had to stop at its bound.
  if (!req.requested) {
    for (const [share, fixed] of SWAPS) {
      const i = kept.indexOf(share);
      if (i < 0 || kept.includes(fixed)) continue;
      const swapped = kept.map((f) => (f === share ? fixed : f));
      const trial = solveFor(swapped);
      const rShare = residualOf(p.residuals(best.u));
      const rFixed = residualOf(trial.p.residuals(trial.best.u));
      // Clearly better: a tenth smaller and two points of residual at least (ties keep the share).
      if (!(rFixed < rShare * 0.9 && rShare - rFixed > 0.02)) continue;
      const bound = best.u[i]! <= 1e-9 ? `, stopping at its bound of ${FACTORS[share].bounds![0]}` : "";
      const pct = (r: number) => `${Math.round(r * 100)} %`;
      const reason =
        `held at the engine's value: the ${FACTORS[fixed].label} explains the runs better (residual ` +
        `${pct(rFixed)}, against ${pct(rShare)} with the ${FACTORS[share].label}${bound})`;
      kept.splice(i, 1, fixed);
      ({ p, best } = trial);
      const at = notFitted.findIndex((n) => n.factor === fixed);
      if (at >= 0) notFitted.splice(at, 1);
      notFitted.push({ factor: share, reason });
      // A factor left out as inseparable is now measured against the factors kept after the swap.
      for (const n of notFitted)
        if (n.reason.startsWith("the runs do not tell it apart"))
          n.reason = `the runs do not tell it apart from the ${kept.map((k) => FACTORS[k].label).join(" and ")}`;
    }
  }
  const values = Object.fromEntries(
    Object.entries(p.valuesOf(best.u)).map(([f, v]) => [f, roundFactor(f as PerfFactor, v)]),
  ) as Partial<Record<PerfFactor, number>>;
  const afterK = constantsWith(req.base, req.device, values);
  const rAfter = logRatios(runs, afterK);
  return {
    values,
    atBound: kept.filter((_, i) => best.u[i]! <= 1e-9 || best.u[i]! >= 1 - 1e-9),
    notFitted,
    before,
    after: runs.map((r) => figures(predict(r, afterK), r.measured)),
    residual: residualOf(rAfter),
    residualBefore: residualOf(rBefore),
  };
}
