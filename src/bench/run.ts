/**
 * The load: a closed loop (N users, each sending its next request when the last one ends) or an open
 * loop (Poisson arrivals at a rate, whatever the server's state). Bounded by a request count and/or a
 * duration, and stoppable (Ctrl-C): what was measured is reported, marked partial.
 */
import { setMaxListeners } from "node:events";
import { exponential, rng, summarize, type Summary } from "./stats.js";
import { type ErrorKind, type Prompt, type RequestResult, streamRequest, type Target } from "./client.js";

export interface LoadConfig {
  concurrency: number | null;
  requestRate: number | null;
  requests: number | null;
  durationS: number | null;
  maxTokens: number | null;
  prompts: Prompt[];
  seed: number;
}

export interface BenchResult {
  ttftMs: Summary;
  tpotMs: Summary;
  itlMs: Summary;
  e2eLatencyMs: Summary;
  outputTokensPerSec: number;
  requestsPerSec: number;
  /** Completed requests. */
  requests: number;
  /** Failed requests by kind: http_<status>, timeout, broken_stream, connection. */
  errors: Record<string, number>;
  errorRate: number;
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
  tokensPerSec: number;
}

/** Hard caps whatever the flags say. */
export const MAX_REQUESTS = 100_000;
export const MAX_DURATION_S = 24 * 3600;

export async function runLoad(
  target: Target,
  cfg: LoadConfig,
  stop: AbortSignal,
  onProgress?: (p: Progress) => void,
): Promise<BenchResult> {
  const results: RequestResult[] = [];
  const limit = Math.min(cfg.requests ?? MAX_REQUESTS, MAX_REQUESTS);
  const deadline = performance.now() + Math.min(cfg.durationS ?? MAX_DURATION_S, MAX_DURATION_S) * 1000;
  let started = 0;
  let inFlight = 0;
  let tokens = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const inner = new AbortController();
  // one abort listener per request in flight
  setMaxListeners(MAX_REQUESTS, inner.signal);
  const abortAll = () => inner.abort();
  stop.addEventListener("abort", abortAll);
  const timeUp = setTimeout(abortAll, Math.max(0, deadline - t0) + target.timeoutMs);
  const progress = onProgress
    ? setInterval(() => {
        const s = (performance.now() - t0) / 1000;
        onProgress({
          completed: results.filter((r) => r.ok).length,
          inFlight,
          errors: results.filter((r) => !r.ok && r.error !== "aborted").length,
          tokensPerSec: s > 0 ? tokens / s : 0,
        });
      }, 250)
    : null;

  const more = () => !stop.aborted && started < limit && performance.now() < deadline;
  const one = async () => {
    const prompt = cfg.prompts[started % cfg.prompts.length]!;
    started++;
    inFlight++;
    const r = await streamRequest(target, prompt, cfg.maxTokens, inner.signal);
    inFlight--;
    results.push(r);
    if (r.ok) tokens += r.outputTokens;
  };

  if (cfg.requestRate) {
    const random = rng(cfg.seed);
    const pending: Promise<void>[] = [];
    let next = performance.now();
    while (more()) {
      pending.push(one());
      next += exponential(random, cfg.requestRate) * 1000;
      const wait = next - performance.now();
      if (wait > 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, wait);
          stop.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
        });
      }
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

export function report(
  results: RequestResult[],
  durationS: number,
  partial: boolean,
  cfg: LoadConfig,
): Omit<BenchResult, "clientCpuSeconds" | "clientCpuShare"> {
  const ok = results.filter((r) => r.ok);
  const errors: Record<string, number> = {};
  for (const r of results) {
    if (r.ok || r.error === "aborted") continue;
    errors[r.error as ErrorKind] = (errors[r.error as ErrorKind] ?? 0) + 1;
  }
  const failed = Object.values(errors).reduce((a, b) => a + b, 0);
  const outputTokens = ok.reduce((a, r) => a + r.outputTokens, 0);
  const tpot = ok.filter((r) => r.outputTokens > 1).map((r) => (r.e2eMs - r.ttftMs) / (r.outputTokens - 1));
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
    errorRate: ok.length + failed ? Math.round((failed / (ok.length + failed)) * 10000) / 10000 : 0,
    outputTokens,
    durationS: Math.round(durationS * 1000) / 1000,
    partial,
    load: { concurrency: cfg.requestRate ? null : cfg.concurrency, requestRate: cfg.requestRate },
    tokenCounts: usage === ok.length ? "usage" : usage === 0 ? "chunks" : "mixed",
  };
}
