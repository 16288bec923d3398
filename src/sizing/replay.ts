/**
 * A finite benchmark run replayed pass by pass with the pass times of the steady-state model
 * (src/sizing/pass.ts): `numRequests` requests, closed loop (each of `concurrency` users sends its
 * next request when the previous answer ends) or open loop (Poisson arrivals at the request rate,
 * from a seeded generator, so a replay is reproducible). A run of N requests above capacity is not a
 * steady state: the first requests find an empty deployment, the last ones a queue, and the
 * percentiles show it.
 *
 * Each pass, like vLLM's scheduler: admit waiting requests while a batch slot and KV room for I + O
 * tokens are free (first come, first served); every running request past its prompt decodes one
 * token; what is left of the step budget goes to prompt chunks in admission order. A token emitted
 * at the end of a pass is seen by the client at the end of the next pass (or one pass later when
 * none follows), plus the request's fixed serving overhead. Replicas split the requests evenly; one
 * replica is replayed.
 */
import type { ReplaySummary } from "../contract/plan.js";
import { UserError } from "../errors.js";
import { seededRandom } from "../random.js";
import { passTime, preparePass, requestOverheadOf } from "./pass.js";
import type { PerfConstants } from "./perf-constants.js";
import type { PerfInput } from "./perf.js";

/** Most requests one replay runs (each replica), and most passes (a guard against endless runs). */
export const MAX_REPLAY_REQUESTS = 100_000;
const MAX_PASSES = 20_000_000;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

interface Req {
  arrival: number;
  input: number;
  output: number;
  prefilled: number;
  generated: number;
  firstVisible: number;
  lastVisible: number;
  /** When the client saw this request's latest token (for the gaps between tokens). */
  prevVisible: number;
}

/**
 * How request lengths vary around the workload's means: fixed (llmdeploy bench: synthetic prompts,
 * ignore_eos), uniform within ±spread of the mean (SGLang's random dataset: spread 1), exponential
 * (conversation datasets such as ShareGPT, and answers that stop at EOS: a long tail), capped at 10×
 * the mean, or an answer that stops at EOS but never runs past its max_tokens (`exponentialUpTo`: a
 * random dataset without --ignore-eos, `--random-output-len` = the cap). Drawn from a seeded
 * generator.
 */
export type LengthDist = "fixed" | "exponential" | { uniform: number } | { exponentialUpTo: number };

/**
 * Scale s of an exponential whose draws, cut at `cap`, have mean `mean`: E[min(X, cap)] =
 * s·(1 − e^(−cap/s)) for X ~ Exp(mean s), which grows from 0 to cap with s; solved by bisection.
 * Infinity when mean ≥ cap (every answer runs to its cap).
 */
export function cappedExponentialScale(mean: number, cap: number): number {
  if (mean >= cap) return Infinity;
  const m = (s: number) => s * (1 - Math.exp(-cap / s));
  let lo = mean;
  let hi = mean;
  while (m(hi) < mean) hi *= 2;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (m(mid) < mean) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface ReplayOptions {
  seed?: number;
  lengths?: { input: LengthDist; output: LengthDist };
}

/** One length drawn from `d` with mean `mean` (≥ 1, whole tokens). */
export function drawLength(d: LengthDist, mean: number, rnd: () => number): number {
  if (d === "fixed") return mean;
  if (d === "exponential") return Math.max(1, Math.min(10 * mean, Math.round(-Math.log(1 - rnd()) * mean)));
  if ("exponentialUpTo" in d) {
    const scale = cappedExponentialScale(mean, d.exponentialUpTo);
    if (!Number.isFinite(scale)) return d.exponentialUpTo;
    return Math.max(1, Math.min(d.exponentialUpTo, Math.round(-Math.log(1 - rnd()) * scale)));
  }
  const s = Math.min(1, Math.max(0, d.uniform));
  return Math.max(1, Math.round(mean * (1 - s + 2 * s * rnd())));
}

const r2 = (v: number) => Math.round(v * 100) / 100;

function summary(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return {
    mean: r2(mean),
    p50: r2(percentile(s, 0.5)),
    p90: r2(percentile(s, 0.9)),
    p95: r2(percentile(s, 0.95)),
    p99: r2(percentile(s, 0.99)),
  };
}

/**
 * Mean and nearest-rank percentiles of values given with their counts ([value, count] pairs): the
 * summary of the list in which each value appears `count` times. Zeros when empty.
 */
export function weightedSummary(pairs: readonly (readonly [number, number])[]) {
  const s = [...pairs].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = s.reduce((a, [, n]) => a + n, 0);
  if (!total) return { mean: 0, p50: 0, p90: 0, p95: 0, p99: 0 };
  const at = (p: number) => {
    const rank = Math.min(total, Math.max(1, Math.ceil(p * total)));
    let acc = 0;
    for (const [v, n] of s) if ((acc += n) >= rank) return v;
    return s[s.length - 1]![0];
  };
  const mean = s.reduce((a, [v, n]) => a + v * n, 0) / total;
  return { mean: r2(mean), p50: r2(at(0.5)), p90: r2(at(0.9)), p95: r2(at(0.95)), p99: r2(at(0.99)) };
}

/**
 * Replays `numRequests` requests (all replicas together) of the workload in `inp`. Closed loop when
 * the workload has a concurrency, open loop with a request rate. UserError past MAX_REPLAY_REQUESTS
 * per replica or when the run would take more than MAX_PASSES passes.
 */
export function replayRun(
  inp: PerfInput,
  k: PerfConstants,
  numRequests: number,
  options: ReplayOptions = {},
): ReplaySummary {
  const seed = options.seed ?? 1;
  const lengths = options.lengths ?? { input: "fixed", output: "fixed" };
  const lengthRnd = seededRandom(seed + 0x9e3779b9);
  const pr = preparePass(inp, k);
  const { inputTokens: I, outputTokens: O } = inp.workload;
  const replicas = inp.replicas;
  const n = Math.ceil(numRequests / replicas);
  if (!(n >= 1) || n > MAX_REPLAY_REQUESTS)
    throw new UserError(
      `--num-requests replays 1 to ${MAX_REPLAY_REQUESTS} requests per replica, got ${n}`,
      "use fewer requests",
      1,
      "numRequests",
    );
  const rate = inp.workload.requestRate ? inp.workload.requestRate / replicas : null;
  const users = rate === null ? Math.max(1, Math.ceil((inp.workload.concurrency ?? 1) / replicas)) : 0;
  const budget = pr.eff.prefillChunk ?? inp.maxNumBatchedTokens;
  const slots = Math.max(1, Math.min(inp.maxNumSeqs, Math.floor(inp.kvCacheTokens / Math.max(1, I + O))));
  const overhead = requestOverheadOf(inp.arch, pr.eff, inp.throughApi);

  // Arrival times (ms), kept sorted; the closed loop adds one when an answer ends.
  const arrivals: number[] = [];
  if (rate !== null) {
    const rnd = seededRandom(seed);
    let t = 0;
    for (let i = 0; i < n; i++) {
      arrivals.push(t);
      t += (-Math.log(1 - rnd()) / rate) * 1e3;
    }
  } else for (let i = 0; i < Math.min(users, n); i++) arrivals.push(0);
  let sent = arrivals.length;
  const addArrival = (t: number) => {
    let i = arrivals.length;
    while (i > 0 && arrivals[i - 1]! > t) i--;
    arrivals.splice(i, 0, t);
  };

  const done: Req[] = [];
  const waiting: Req[] = [];
  const running: Req[] = [];
  // Tokens emitted by the last pass, seen by the client when the next pass ends.
  let pending: { r: Req; first: boolean; last: boolean }[] = [];
  let lastDt = 0;
  let now = 0;
  let passes = 0;
  // Gaps between consecutive tokens a client sees, over every request (vLLM bench serve's ITL
  // samples): [gap ms, how many tokens had it], equal gaps of one pass counted together.
  const gaps: [number, number][] = [];
  const see = (at: number) => {
    const seen = at + overhead;
    let gap = -1;
    let count = 0;
    for (const p of pending) {
      if (p.first) p.r.firstVisible = seen;
      else {
        const g = seen - p.r.prevVisible;
        if (g !== gap && count) {
          gaps.push([gap, count]);
          count = 0;
        }
        gap = g;
        count++;
      }
      p.r.prevVisible = seen;
      if (p.last) {
        p.r.lastVisible = at + overhead;
        done.push(p.r);
        if (rate === null && sent < n) {
          addArrival(p.r.lastVisible);
          sent++;
        }
      }
    }
    if (count) gaps.push([gap, count]);
    pending = [];
  };

  while (done.length < n) {
    while (arrivals.length && arrivals[0]! <= now) {
      waiting.push({
        arrival: arrivals.shift()!,
        input: drawLength(lengths.input, I, lengthRnd),
        output: drawLength(lengths.output, O, lengthRnd),
        prefilled: 0,
        generated: 0,
        firstVisible: 0,
        lastVisible: 0,
        prevVisible: 0,
      });
    }
    while (waiting.length && running.length < slots) running.push(waiting.shift()!);
    if (!running.length) {
      // Idle: what the last pass emitted is seen one pass later; then wait for the next arrival.
      see(now + lastDt);
      if (!arrivals.length) {
        if (done.length < n) throw new Error("replay stalled: no request left to arrive");
        break;
      }
      now = Math.max(now, arrivals[0]!);
      continue;
    }
    if (++passes > MAX_PASSES)
      throw new UserError(
        `the replay would run more than ${MAX_PASSES} engine passes`,
        "use fewer --num-requests or a higher concurrency",
        1,
        "numRequests",
      );
    let decodes = 0;
    let ctx = 0;
    for (const r of running) {
      if (r.prefilled >= r.input) {
        decodes++;
        ctx += r.input + r.generated;
      }
    }
    let left = Math.max(0, budget - decodes);
    let prompt = 0;
    let pctx = 0;
    const chunks: [Req, number][] = [];
    for (const r of running) {
      if (r.prefilled >= r.input || left <= 0) continue;
      const c = Math.min(left, r.input - r.prefilled);
      chunks.push([r, c]);
      pctx += c * (r.prefilled + c / 2);
      prompt += c;
      left -= c;
    }
    const dt = passTime(
      inp,
      pr,
      decodes + prompt,
      decodes,
      decodes ? ctx / decodes : 0,
      prompt ? pctx / prompt : 0,
    ).ms;
    now += dt;
    lastDt = dt;
    see(now);
    const emitted: typeof pending = [];
    for (const r of running) {
      if (r.prefilled >= r.input) {
        r.generated++;
        emitted.push({ r, first: false, last: r.generated >= r.output });
      }
    }
    for (const [r, c] of chunks) {
      r.prefilled += c;
      if (r.prefilled >= r.input) {
        r.generated = 1;
        emitted.push({ r, first: true, last: r.output <= 1 });
      }
    }
    pending = emitted;
    for (let i = running.length - 1; i >= 0; i--)
      if (running[i]!.generated >= running[i]!.output) running.splice(i, 1);
  }
  see(now + lastDt);

  const ttft = done.map((r) => r.firstVisible - r.arrival);
  const e2e = done.map((r) => r.lastVisible - r.arrival);
  const tpot = done.filter((r) => r.output > 1).map((r) => (r.lastVisible - r.firstVisible) / (r.output - 1));
  const start = Math.min(...done.map((r) => r.arrival));
  const end = Math.max(...done.map((r) => r.lastVisible));
  const seconds = Math.max(1e-9, (end - start) / 1e3);
  return {
    numRequests,
    loop: rate === null ? "closed" : "open",
    concurrency: rate === null ? inp.workload.concurrency : null,
    requestRate: rate === null ? null : inp.workload.requestRate,
    seed: rate === null ? null : seed,
    passes,
    durationS: Math.round(seconds * 1000) / 1000,
    requestsPerSec: r2((done.length * replicas) / seconds),
    outputTokensPerSec: r2((done.reduce((a, r) => a + r.output, 0) * replicas) / seconds),
    ttftMs: summary(ttft),
    tpotMs: summary(tpot),
    e2eLatencyMs: summary(e2e),
    itlMs: weightedSummary(gaps),
  };
}
