/**
 * The distribution of the time to first token under load, for its percentiles. TTFT is a fixed part
 * plus three independent waits:
 *
 *   residual    the pass in progress when the request arrives: with probability `busy`, uniform on
 *               [0, 2·R] where R = E[t²] / 2E[t] is the mean residual of a length-biased pass
 *   prompt wait earlier prompts ahead in the step budget (M/D/1-like): with probability ρ,
 *               exponential with mean W / ρ (so its mean is W)
 *   slot wait   no free batch slot (Erlang C of an M/M/c queue): with probability pw, exponential
 *               with rate cμ − λ
 *
 * The CDF of the sum is the average over the uniform part of the closed-form CDF of the two
 * exponential mixtures (a hypoexponential when both wait); quantiles by bisection.
 */

export interface TtftParts {
  /** Deterministic part: overhead, the prompt's own passes, the first-token pass, a fixed queue wait. ms */
  fixedMs: number;
  /** Probability that a pass is in progress at arrival. */
  busy: number;
  /** Mean residual of the pass in progress, given one is (E[t²] / 2E[t]). ms */
  residualMs: number;
  /** Probability of waiting behind earlier prompts, and the mean wait (over all arrivals). ms */
  promptWaitProb: number;
  promptWaitMs: number;
  /** Probability of waiting for a batch slot, and the exponential rate of that wait, per ms. */
  slotWaitProb: number;
  slotWaitRate: number;
}

/** Mean TTFT of the parts. ms */
export function ttftMean(p: TtftParts): number {
  const slot = p.slotWaitProb > 0 && p.slotWaitRate > 0 ? p.slotWaitProb / p.slotWaitRate : 0;
  return p.fixedMs + p.busy * p.residualMs + p.promptWaitMs + slot;
}

/** P(A + B ≤ y) for A = 0 w.p. 1 − a else Exp(α), B = 0 w.p. 1 − b else Exp(β), independent. */
export function waitsCdf(y: number, a: number, alpha: number, b: number, beta: number): number {
  if (y < 0) return 0;
  const ea = alpha > 0 ? 1 - Math.exp(-alpha * y) : 0;
  const eb = beta > 0 ? 1 - Math.exp(-beta * y) : 0;
  let both: number;
  if (alpha <= 0 || beta <= 0) both = 0;
  else if (Math.abs(alpha - beta) < 1e-12 * Math.max(alpha, beta))
    both = 1 - Math.exp(-alpha * y) * (1 + alpha * y);
  else both = 1 - (beta * Math.exp(-alpha * y) - alpha * Math.exp(-beta * y)) / (beta - alpha);
  return (1 - a) * (1 - b) + a * (1 - b) * ea + (1 - a) * b * eb + a * b * both;
}

/**
 * ∫ from z0 to z1 (0 ≤ z0 ≤ z1) of waitsCdf(z) dz, in closed form: the CDF is
 * 1 − A e^−αz − B e^−βz (− C z e^−αz when α = β).
 */
export function waitsCdfIntegral(
  z0: number,
  z1: number,
  a: number,
  alpha: number,
  b: number,
  beta: number,
): number {
  if (z1 <= z0) return 0;
  if (alpha <= 0) a = 0;
  if (beta <= 0) b = 0;
  const ex = (l: number) => (l > 0 ? (Math.exp(-l * z0) - Math.exp(-l * z1)) / l : 0);
  let A: number;
  let B: number;
  let C = 0;
  if (a > 0 && b > 0 && Math.abs(alpha - beta) < 1e-12 * Math.max(alpha, beta)) {
    A = a * (1 - b) + (1 - a) * b + a * b;
    B = 0;
    C = a * b * alpha;
  } else {
    A = a * (1 - b) + (a > 0 && b > 0 ? (a * b * beta) / (beta - alpha) : 0);
    B = (1 - a) * b - (a > 0 && b > 0 ? (a * b * alpha) / (beta - alpha) : 0);
  }
  // ∫ z e^−λz dz = −e^−λz (λz + 1) / λ²
  const zex = (l: number) => (Math.exp(-l * z0) * (l * z0 + 1) - Math.exp(-l * z1) * (l * z1 + 1)) / (l * l);
  return z1 - z0 - A * ex(alpha) - B * ex(beta) - (C > 0 ? C * zex(alpha) : 0);
}

/** P(TTFT ≤ x). */
export function ttftCdf(p: TtftParts, x: number): number {
  const a = p.promptWaitProb > 0 && p.promptWaitMs > 0 ? Math.min(1, p.promptWaitProb) : 0;
  const alpha = a > 0 ? a / p.promptWaitMs : 0;
  const b = p.slotWaitProb > 0 && p.slotWaitRate > 0 ? Math.min(1, p.slotWaitProb) : 0;
  const beta = b > 0 ? p.slotWaitRate : 0;
  const y = x - p.fixedMs;
  const width = 2 * p.residualMs;
  const now = waitsCdf(y, a, alpha, b, beta);
  if (p.busy <= 0 || width <= 0) return now;
  // Residual uniform on [0, width]: the average of the waits' CDF over y − width … y.
  const spread = waitsCdfIntegral(Math.max(0, y - width), Math.max(0, y), a, alpha, b, beta) / width;
  return (1 - p.busy) * now + p.busy * spread;
}

/** The q-quantile of TTFT (0 < q < 1), ms. */
export function ttftQuantile(p: TtftParts, q: number): number {
  let lo = p.fixedMs;
  let hi = p.fixedMs + 2 * p.residualMs + 1;
  for (let i = 0; i < 200 && ttftCdf(p, hi) < q; i++) hi = p.fixedMs + (hi - p.fixedMs) * 2;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (ttftCdf(p, mid) < q) lo = mid;
    else hi = mid;
  }
  return hi;
}
