/**
 * The load: a closed loop (N users, each sending its next request when the last one ends) or an open
 * loop (Poisson arrivals at a rate, whatever the server's state). Bounded by a request count and/or a
 * duration, and stoppable (Ctrl-C): what was measured is reported, marked partial.
 */
import { setMaxListeners } from "node:events";
import { exponential, rng, summarize, type Summary } from "./stats.js";
import { type Prompt, type RequestResult, streamRequest, type Target } from "./client.js";

export interface LoadConfig {
  concurrency: number | null;
  requestRate: number | null;
  requests: number | null;
  durationS: number | null;
  maxTokens: number | null;
  /** The prompt of the i-th request (0-based). */
  prompt: (i: number) => Prompt;
  seed: number;
}

export interface BenchResult {
  ttftMs: Summary;
  tpotMs: Summary;
  itlMs: Summary;
  e2eLatencyMs: Summary;
  /** Output tokens of the completed requests over the wall time of the run. */
  outputTokensPerSec: number;
  requestsPerSec: number;
  /** Completed requests. */
  requests: number;
  /** Failed requests by kind: http_<status>, timeout, broken_stream, connection. */
  errors: Record<string, number>;
  /** The first message the server gave for each kind of error, when it gave one. */
  errorDetails: Record<string, string>;
  errorRate: number;
  /** Requests still in flight when the run was stopped (Ctrl-C): neither completed nor errors. */
  aborted: number;
  outputTokens: number;
  durationS: number;
  partial: boolean;
  load: { concurrency: number | null; requestRate: number | null };
  /** Whether token counts came from the server's usage blocks or from counting chunks. */
  tokenCounts: "usage" | "chunks" | "mixed";
  /** CPU the client itself used (user + system), to show the client was not the bottleneck. */
  clientCpuSeconds: number;
  clientCpuShare: number;
}

export interface Progress {
  completed: number;
  inFlight: number;
  errors: number;
  /** Output tokens per second over the last 2 s (of completed requests). */
  tokensPerSec: number;
}

/** Hard caps whatever the flags say. */
export const MAX_REQUESTS = 100_000;
export const MAX_DURATION_S = 24 * 3600;
export const MAX_CONCURRENCY = 10_000;

/** Sleep until `ms` from now, or until `stop` aborts; the listener never outlives the sleep. */
function sleep(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (stop.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      stop.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    stop.addEventListener("abort", done);
  });
}

export async function runLoad(
  target: Target,
  cfg: LoadConfig,
  stop: AbortSignal,
  onProgress?: (p: Progress) => void,
): Promise<BenchResult> {
  const results: RequestResult[] = [];
  const limit = Math.min(cfg.requests ?? MAX_REQUESTS, MAX_REQUESTS);
  const t0 = performance.now();
  const deadline = t0 + Math.min(cfg.durationS ?? MAX_DURATION_S, MAX_DURATION_S) * 1000;
  let started = 0;
  let inFlight = 0;
  let completed = 0;
  let failed = 0;
  let tokens = 0;
  const cpu0 = process.cpuUsage();
  const inner = new AbortController();
  // one abort listener per request in flight
  setMaxListeners(MAX_REQUESTS, inner.signal);
  const abortAll = () => inner.abort();
  stop.addEventListener("abort", abortAll);
  // Requests still running a timeout after the deadline would have timed out anyway.
  const timeUp = setTimeout(abortAll, Math.max(0, deadline - t0) + target.timeoutMs);
  // The live rate: output tokens of the requests completed in the last 2 s (8 ticks of 250 ms).
  const window: [number, number][] = [[t0, 0]];
  const progress = onProgress
    ? setInterval(() => {
        const now = performance.now();
        window.push([now, tokens]);
        if (window.length > 9) window.shift();
        const [then, before] = window[0]!;
        const rate = now > then ? ((tokens - before) * 1000) / (now - then) : 0;
        onProgress({ completed, inFlight, errors: failed, tokensPerSec: rate });
      }, 250)
    : null;

  const more = () => !stop.aborted && started < limit && performance.now() < deadline;
  const one = async () => {
    const i = started++;
    inFlight++;
    const r = await streamRequest(target, cfg.prompt(i), cfg.maxTokens, inner.signal);
    inFlight--;
    results.push(r);
    if (r.ok) {
      completed++;
      tokens += r.outputTokens;
    } else if (r.error !== "aborted") failed++;
  };

  if (cfg.requestRate) {
    const random = rng(cfg.seed);
    const pending: Promise<void>[] = [];
    let next = performance.now();
    while (more()) {
      pending.push(one());
      next += exponential(random, cfg.requestRate) * 1000;
      const wait = next - performance.now();
      if (wait > 0) await sleep(Math.min(wait, Math.max(0, deadline - performance.now())), stop);
    }
    await Promise.all(pending);
  } else {
    const users = Math.max(1, cfg.concurrency ?? 1);
    await Promise.all(
      Array.from({ length: users }, async () => {
        while (more()) await one();
      }),
    );
  }
  clearTimeout(timeUp);
  if (progress) clearInterval(progress);
  stop.removeEventListener("abort", abortAll);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  return {
    ...report(results, wall, stop.aborted, cfg),
    clientCpuSeconds: Math.round(cpuS * 1000) / 1000,
    clientCpuShare: wall > 0 ? Math.round((cpuS / wall) * 1000) / 1000 : 0,
  };
}

/**
 * The figures of a run from its requests. TPOT of a request is (e2e − TTFT) / (output tokens − 1):
 * the mean time per token after the first, as vLLM's benchmark defines it; requests of one token
 * have none. Throughput is over the wall time of the whole run, so idle users and ramp-up count.
 */
export function report(
  results: readonly RequestResult[],
  durationS: number,
  partial: boolean,
  cfg: Pick<LoadConfig, "concurrency" | "requestRate">,
): Omit<BenchResult, "clientCpuSeconds" | "clientCpuShare"> {
  const ok = results.filter((r) => r.ok);
  const errors: Record<string, number> = {};
  const errorDetails: Record<string, string> = {};
  let aborted = 0;
  for (const r of results) {
    if (r.ok) continue;
    if (r.error === "aborted") {
      aborted++;
      continue;
    }
    const kind = r.error ?? "broken_stream";
    errors[kind] = (errors[kind] ?? 0) + 1;
    if (r.detail && !errorDetails[kind]) errorDetails[kind] = r.detail;
  }
  const failed = results.length - ok.length - aborted;
  const outputTokens = ok.reduce((a, r) => a + r.outputTokens, 0);
  const tpot = ok
    .filter((r) => r.outputTokens > 1 && Number.isFinite(r.ttftMs))
    .map((r) => (r.e2eMs - r.ttftMs) / (r.outputTokens - 1));
  const usage = ok.filter((r) => r.usageReported).length;
  return {
    ttftMs: summarize(ok.map((r) => r.ttftMs).filter(Number.isFinite)),
    tpotMs: summarize(tpot),
    itlMs: summarize(ok.flatMap((r) => r.itlMs)),
    e2eLatencyMs: summarize(ok.map((r) => r.e2eMs)),
    outputTokensPerSec: durationS > 0 ? Math.round((outputTokens / durationS) * 100) / 100 : 0,
    requestsPerSec: durationS > 0 ? Math.round((ok.length / durationS) * 1000) / 1000 : 0,
    requests: ok.length,
    errors,
    errorDetails,
    errorRate: ok.length + failed ? Math.round((failed / (ok.length + failed)) * 10000) / 10000 : 0,
    aborted,
    outputTokens,
    durationS: Math.round(durationS * 1000) / 1000,
    partial,
    load: { concurrency: cfg.requestRate ? null : cfg.concurrency, requestRate: cfg.requestRate },
    tokenCounts: usage === ok.length ? "usage" : usage === 0 ? "chunks" : "mixed",
  };
}
