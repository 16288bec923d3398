/**
 * The performance model: engine passes (src/sizing/pass.ts, a roofline per pass) composed into
 * serving dynamics.
 *
 * A request's prompt runs in prompt-carrying passes (chunked to the step budget, the decodes of the
 * other running sequences riding along); between prompts, passes are decode-only. Prompts arrive at
 * m per pass (each of the R − 1 other running requests starts a new one every O + k passes, k the
 * passes a prompt takes) and are packed into passes up to the budget: n arrivals in a pass (Poisson)
 * need ⌈n·I / budget⌉ prompt-carrying passes. TPOT is the mean gap over that mixture of passes.
 *
 * TTFT = the request's fixed serving overhead (HTTP, tokenisation, detokenisation, streaming; fitted)
 *      + the residual of the pass in progress, E[t²] / 2E[t]
 *      + the wait behind earlier prompts that cannot share a pass (M/D/1 on the step budget)
 *      + the prompt's own pass(es) (chunked prefill)
 *      + one more pass before the client sees the first token
 *      + the wait for a batch slot when the deployment is full (closed loop: users / X − e2e;
 *        open loop: Erlang C of an M/M/c queue, c = capacity).
 * e2e = TTFT + (O − 1) × TPOT. Throughput: X = users / e2e in a closed loop below capacity, else what
 * the batch slots (B / time in batch) or the step budget (prompts it can absorb) allow.
 */
import type { Performance } from "../contract/plan.js";
import { type PassPlacement, passTime, preparePass, type PreparedPass, requestOverheadOf } from "./pass.js";
import type { PerfConstants } from "./perf-constants.js";
import { replayRun } from "./replay.js";
import { type TtftParts, ttftMean, ttftQuantile } from "./ttft-distribution.js";

export {
  attentionFlopsPerTokenLayer,
  expertsTouched,
  matmulParamsPerToken,
  passTime,
  peakTflops,
  preparePass,
} from "./pass.js";

export interface Workload {
  inputTokens: number;
  outputTokens: number;
  /** Closed loop: requests in flight, all replicas together. */
  concurrency: number | null;
  /** Open loop: requests per second, all replicas together. */
  requestRate: number | null;
  /** A finite run of this many requests, replayed pass by pass (Performance.replay). */
  numRequests?: number | null;
}

export interface PerfInput extends PassPlacement {
  replicas: number;
  /** KV cache capacity of one replica, in tokens. */
  kvCacheTokens: number;
  maxNumSeqs: number;
  maxNumBatchedTokens: number;
  workload: Workload;
  /**
   * Requests come through the engine's HTTP API (the default), so they pay its fixed overhead; false
   * for in-process benchmarks (trtllm-bench, benchmark_latency, llama-bench).
   */
  throughApi?: boolean;
}

const MS = 1e3;
const round2 = (v: number) => Math.round(v * 100) / 100;

/** Poisson probability mass function P(n; mean m). */
export function poisson(n: number, m: number): number {
  if (m <= 0) return n === 0 ? 1 : 0;
  let logF = 0;
  for (let i = 2; i <= n; i++) logF += Math.log(i);
  return Math.exp(-m + n * Math.log(m) - logF);
}

/** Erlang C: probability that an arrival waits, M/M/c with offered load a (Erlangs). */
export function erlangC(c: number, a: number): number {
  if (a >= c) return 1;
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return (c * b) / (c - a * (1 - b));
}

/** The step budget: the engine's own prefill chunk, or max_num_batched_tokens. */
const budgetOf = (inp: PerfInput, pr: PreparedPass) => pr.eff.prefillChunk ?? inp.maxNumBatchedTokens;

/**
 * Sequences one replica runs at once: the KV cache (each holds I + O tokens), max_num_seqs, and what
 * the step budget can prefill (beyond budget × O / (I + O), prompt work alone fills every pass).
 */
export function capacityOf(inp: PerfInput, budget: number): number {
  const { inputTokens: I, outputTokens: O } = inp.workload;
  const kvSeqs = Math.floor(inp.kvCacheTokens / Math.max(1, I + O));
  const prefillCap = Math.max(1, Math.floor((budget * Math.max(O, 1)) / (I + O)));
  return Math.max(1, Math.min(inp.maxNumSeqs, kvSeqs, prefillCap));
}

/** The pass mixture and the TTFT parts a request sees when `running` requests (itself included) run. */
export interface Mixture {
  /** Mean gap between a decoding request's tokens (the mean pass of the mixture). ms */
  tpotMs: number;
  /** E[t²] / 2E[t]: mean residual of the pass in progress. ms */
  residualMs: number;
  /** Prompt arrivals per pass, and the share of the step budget they use (ρ). */
  arrivalsPerPass: number;
  rho: number;
  /** Decodes per pass, and the budget left for prompt tokens. */
  decodes: number;
  promptBudget: number;
  /** The prompt's own passes, the wait behind earlier prompts, and the first-token pass. ms */
  ownPromptMs: number;
  promptWaitMs: number;
  firstTokenMs: number;
  /** Time a request holds a batch slot: its own prompt passes and O − 1 decode passes. ms */
  inBatchMs: number;
  /** Prompts per second the step budget can absorb. */
  promptCapacityPerS: number;
  /** A decode-only pass (for the bottleneck). */
  decodePass: ReturnType<typeof passTime>;
}

/**
 * Pass mixture for a request that runs with `running − 1` others (closed loop: running = B; open
 * loop: 1 + the mean occupancy). Prompt arrivals per pass m = (running − 1) / (O + k); n arrivals in
 * a group (Poisson, mean m_g) take ⌈n·I / P⌉ passes, P = budget − decodes; the group mean m_g solves
 * m_g = m × E[passes per group]. TPOT = E[Σ t] / E[passes]; residual = E[Σ t²] / 2E[Σ t].
 */
export function mixture(inp: PerfInput, pr: PreparedPass, running: number): Mixture {
  const { inputTokens: I, outputTokens: O } = inp.workload;
  const budget = budgetOf(inp, pr);
  const R = Math.max(1, running);
  const others = R - 1;
  const ctx = I + O / 2;
  // Passes one prompt takes, with the others' decodes in the budget; then the decodes per pass.
  let k = Math.max(1, Math.ceil(I / Math.max(1, budget - others)));
  let D = 1 + (others * O) / (O + k);
  const P = Math.max(1, Math.floor(budget - D));
  k = Math.max(1, Math.ceil(I / P));
  D = 1 + (others * O) / (O + k);
  const m = others / (O + k);
  const t = (promptTokens: number, decodes = D) =>
    passTime(inp, pr, decodes + promptTokens, decodes, ctx, I / 2);
  const decodePass = t(0);
  // Pass times of a group of n arrivals (n ≥ 1): full passes of P prompt tokens, then the remainder.
  const full = t(P).ms;
  const groupTimes = (n: number) => {
    const passes = Math.ceil((n * I) / P);
    const rest = t(n * I - (passes - 1) * P).ms;
    return { passes, sum: (passes - 1) * full + rest, sq: (passes - 1) * full * full + rest * rest };
  };
  const moments = (mg: number) => {
    let Ep = poisson(0, mg);
    let Et = Ep * decodePass.ms;
    let Et2 = Ep * decodePass.ms ** 2;
    let mass = Ep;
    for (let n = 1; n < 400 && mass < 1 - 1e-9; n++) {
      const p = poisson(n, mg);
      if (p === 0 && n > mg) break;
      const g = groupTimes(n);
      Ep += p * g.passes;
      Et += p * g.sum;
      Et2 += p * g.sq;
      mass += p;
    }
    return { Ep: Ep / mass, Et: Et / mass, Et2: Et2 / mass };
  };
  // m_g = m × E[passes per group](m_g); above one group per pass the budget is saturated.
  let mg = m;
  for (let i = 0; i < 30; i++) mg = m * moments(mg).Ep;
  const mo = moments(mg);
  const tpot = mo.Et / mo.Ep;
  const residual = mo.Et2 / (2 * mo.Et);
  // Earlier prompts ahead in the budget: M/D/1 with service I / P passes, utilisation ρ = m·I / P.
  const s = I / P;
  const rho = Math.min(0.95, m * s);
  const promptWait = ((rho * s) / (2 * (1 - rho))) * tpot;
  // Own prompt passes: its chunks, the others' decodes, and the others' prompt tokens that fit.
  let own = 0;
  for (let left = I; left > 0; left -= P) {
    const chunk = Math.min(P, left);
    const extra = Math.min(P - chunk, m * I);
    own += t(chunk + extra, D - 1).ms;
  }
  return {
    tpotMs: tpot,
    residualMs: residual,
    arrivalsPerPass: m,
    rho,
    decodes: D,
    promptBudget: P,
    ownPromptMs: own,
    promptWaitMs: promptWait,
    firstTokenMs: tpot,
    inBatchMs: own + Math.max(0, O - 1) * tpot,
    promptCapacityPerS: P / I / (tpot / MS),
    decodePass,
  };
}

/** Per-request latency through the HTTP API (src/sizing/pass.ts, requestOverheadOf). ms */
const overheadOf = (inp: PerfInput, pr: PreparedPass) => requestOverheadOf(inp.arch, pr.eff, inp.throughApi);

/**
 * A static batch of `sequences` prompts submitted together (benchmark_latency, gptSessionBenchmark):
 * the prompts pushed through in chunks of the step budget, then O − 1 decode-only passes of the whole
 * batch. ttft: until the last prompt's first token; e2e: the whole batch. ms
 */
export function staticBatch(
  inp: PerfInput,
  sequences: number,
  k: PerfConstants,
): { ttftMs: number; tpotMs: number; e2eMs: number } {
  const pr = preparePass(inp, k);
  const { inputTokens: I, outputTokens: O } = inp.workload;
  const budget = budgetOf(inp, pr);
  let left = sequences * I;
  let prefill = 0;
  while (left > 0) {
    const t = Math.min(budget, left);
    prefill += passTime(inp, pr, t, 0, 0, I / 2).ms;
    left -= t;
  }
  const tpot = passTime(inp, pr, sequences, sequences, I + O / 2).ms;
  const ttft = prefill + overheadOf(inp, pr);
  return { ttftMs: ttft, tpotMs: tpot, e2eMs: ttft + Math.max(0, O - 1) * tpot };
}

/** Kept for the calibration of fixed-batch prefill figures (TGI's benchmark). */
export function batchPrefillMs(inp: PerfInput, sequences: number, k: PerfConstants): number {
  const s = staticBatch({ ...inp, throughApi: false }, sequences, k);
  return s.ttftMs;
}

type Prediction = Performance & { saturated: boolean; capacity: number };

/**
 * The prediction of a placement at its workload. Figures are rounded to 0.01 ms (0.01 tokens/s)
 * unless `opts.exact`: a fit (src/calibrate/fit.ts) differentiates the model numerically and needs
 * the figures unrounded.
 */
export function predictPerformance(
  inp: PerfInput,
  k: PerfConstants,
  opts: { exact?: boolean } = {},
): Prediction {
  const r2 = opts.exact ? (v: number) => v : round2;
  const pr = preparePass(inp, k);
  const { outputTokens: O } = inp.workload;
  const capacity = capacityOf(inp, budgetOf(inp, pr));
  const replicas = inp.replicas;
  const overhead = overheadOf(inp, pr);

  /** The prediction when `running` requests share a replica and TTFT has these parts. */
  const finish = (
    mx: Mixture,
    parts: TtftParts,
    perReplicaRps: number,
    batch: number,
    queued: number,
    saturated: boolean,
    withPercentiles: boolean,
  ): Prediction => {
    const ttft = ttftMean(parts);
    const tail = Math.max(0, O - 1) * mx.tpotMs;
    const q = (p: number) => r2(ttftQuantile(parts, p));
    const d = mx.decodePass;
    const bottleneck =
      d.commMs > Math.max(d.memoryMs, d.computeMs)
        ? "interconnect"
        : d.computeMs > d.memoryMs
          ? "compute"
          : "memory-bandwidth";
    const t50 = q(0.5);
    const t90 = q(0.9);
    const t95 = q(0.95);
    const t99 = q(0.99);
    return {
      ttftMs: r2(ttft),
      tpotMs: r2(mx.tpotMs),
      e2eLatencyMs: r2(ttft + tail),
      outputTokensPerSec: r2(perReplicaRps * O * replicas),
      outputTokensPerSecPerUser: r2(MS / mx.tpotMs),
      requestsPerSec: r2(perReplicaRps * replicas),
      batch: r2(batch * replicas),
      queued: r2(queued * replicas),
      percentiles: withPercentiles
        ? {
            ttftP50Ms: t50,
            ttftP95Ms: t95,
            e2eP50Ms: r2(t50 + tail),
            e2eP95Ms: r2(t95 + tail),
            ttftP90Ms: t90,
            ttftP99Ms: t99,
            e2eP90Ms: r2(t90 + tail),
            e2eP99Ms: r2(t99 + tail),
          }
        : null,
      errorBand: k.errorBand.overall,
      errorBandTtft: k.errorBand.ttft,
      errorBandTpot: k.errorBand.tpot,
      errorBandThroughput: k.errorBand.throughput,
      bottleneck,
      saturated,
      capacity: capacity * replicas,
    };
  };
  const partsOf = (mx: Mixture, busy: number, slotProb: number, slotRate: number, fixedWait: number) => ({
    fixedMs: overhead + mx.ownPromptMs + mx.firstTokenMs + fixedWait,
    busy,
    residualMs: mx.residualMs,
    promptWaitProb: mx.rho,
    promptWaitMs: mx.promptWaitMs,
    slotWaitProb: slotProb,
    slotWaitRate: slotRate,
  });

  let result: Prediction;
  if (inp.workload.requestRate !== null && inp.workload.requestRate !== undefined) {
    const lambda = inp.workload.requestRate / replicas; // per s
    const full = mixture(inp, pr, capacity);
    const maxRps = Math.min(capacity / (full.inBatchMs / MS), full.promptCapacityPerS);
    if (lambda >= maxRps) {
      // Arrivals outpace what a full batch finishes: the queue grows without bound.
      result = finish(full, partsOf(full, 1, 0, 0, 0), maxRps, capacity, capacity, true, false);
    } else {
      // Mean occupancy B solves B = λ · (time in system at B); a request sees 1 + B running (PASTA).
      const inSystem = (b: number) => {
        const mx = mixture(inp, pr, 1 + b);
        return (mx.promptWaitMs + mx.inBatchMs) / MS;
      };
      let lo = 0;
      let hi = capacity;
      for (let i = 0; i < 40; i++) {
        const mid = (lo + hi) / 2;
        if (lambda * inSystem(mid) > mid) lo = mid;
        else hi = mid;
      }
      const b = hi;
      const mx = mixture(inp, pr, Math.min(capacity, 1 + b));
      // Batch slots: M/M/c, c = capacity, service = time in batch.
      const mu = MS / mx.inBatchMs;
      const pw = erlangC(capacity, lambda / mu);
      const rate = (capacity * mu - lambda) / MS; // per ms
      // A pass is in progress unless the replica is empty: P(empty) = e^−B (M/G/∞).
      const parts = partsOf(mx, 1 - Math.exp(-b), pw, rate, 0);
      result = finish(mx, parts, lambda, b, (lambda * pw) / (capacity * mu - lambda), false, true);
    }
  } else {
    const users = Math.max(1, Math.ceil((inp.workload.concurrency ?? 1) / replicas));
    const batch = Math.min(users, capacity);
    const mx = mixture(inp, pr, batch);
    const busy = Math.min(1, batch - 1);
    if (users <= batch) {
      const parts = partsOf(mx, busy, 0, 0, 0);
      result = finish(
        mx,
        parts,
        users / ((ttftMean(parts) + Math.max(0, O - 1) * mx.tpotMs) / MS),
        batch,
        0,
        false,
        false,
      );
    } else {
      // Beyond capacity the slots (or the step budget) set the throughput; each user sees users / X.
      const x = Math.min(batch / (mx.inBatchMs / MS), mx.promptCapacityPerS);
      const base = partsOf(mx, busy, 0, 0, 0);
      const e2e = ttftMean(base) + Math.max(0, O - 1) * mx.tpotMs;
      const wait = Math.max(0, (users / x) * MS - e2e);
      result = finish(mx, partsOf(mx, busy, 0, 0, wait), x, batch, users - batch, false, false);
    }
  }
  const n = inp.workload.numRequests;
  if (n !== null && n !== undefined) {
    const replay = replayRun(inp, k, n);
    result.replay = replay;
    result.percentiles = {
      ttftP50Ms: replay.ttftMs.p50,
      ttftP95Ms: replay.ttftMs.p95,
      e2eP50Ms: replay.e2eLatencyMs.p50,
      e2eP95Ms: replay.e2eLatencyMs.p95,
      ttftP90Ms: replay.ttftMs.p90,
      ttftP99Ms: replay.ttftMs.p99,
      e2eP90Ms: replay.e2eLatencyMs.p90,
      e2eP99Ms: replay.e2eLatencyMs.p99,
    };
  }
  return result;
}
