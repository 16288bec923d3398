/**
 * The load: a closed loop (N users, each sending its next request when the last one ends) or an open
 * loop (Poisson arrivals at a rate, whatever the server's state). Bounded by a request count and/or a
 * duration; at the duration's end the streams still running are cut (counted apart, not as errors).
 * Stoppable (Ctrl-C): what was measured is reported, marked partial, in-flight requests included as
 * incomplete. Memory is bounded whatever the server does: inter-token gaps are kept in a reservoir
 * (RUN_GAPS), in-flight requests of the open loop are capped (MAX_CONCURRENCY).
 */
import { setMaxListeners } from "node:events";
import { exponential, Reservoir, rng, summarize, type Summary } from "./stats.js";
import { DEADLINE, type Prompt, type RequestResult, streamRequest, type Target } from "./client.js";
import { after, sleep } from "./timer.js";

export interface LoadConfig {
  concurrency: number | null;
  requestRate: number | null;
  requests: number | null;
  durationS: number | null;
  maxTokens: number | null;
  /** Open loop: requests in flight at most (arrivals beyond are dropped); default MAX_CONCURRENCY. */
  maxInFlight?: number;
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
  /**
   * Failed requests by kind: http_<status>, timeout, broken_stream, connection, malformed_event,
   * event_too_large, empty_response.
   */
  errors: Record<string, number>;
  /** The first message the server gave for each kind of error, when it gave one. */
  errorDetails: Record<string, string>;
  errorRate: number;
  /** Requests still in flight when the run was stopped (Ctrl-C): neither completed nor errors. */
  aborted: number;
  /** Requests still streaming at the --duration deadline, cut there: neither completed nor errors. */
  cutByDeadline: number;
  /** aborted + cutByDeadline: requests that started but did not finish. */
  incomplete: number;
  /** Of the incomplete requests, those that had their first token (their TTFT and gaps count). */
  incompleteWithToken: number;
  /** Open loop: arrivals not sent because maxInFlight requests were already in flight. */
  droppedArrivals: number;
  /**
   * Measurements behind each figure: TTFT of completed and incomplete requests that had a token,
   * TPOT and e2e of completed ones, every inter-token gap seen (of completed and incomplete ones).
   */
  samples: { ttftMs: number; tpotMs: number; itlMs: number; e2eLatencyMs: number };
  /**
   * Whether the itlMs percentiles come from a uniform sample of the gaps (more than PER_REQUEST_GAPS
   * in a request, or RUN_GAPS in the run) rather than from every one.
   */
  itlSampled: boolean;
  outputTokens: number;
  durationS: number;
  partial: boolean;
  load: { concurrency: number | null; requestRate: number | null };
  /** Whether token counts came from the server's usage blocks or from counting chunks. */
  tokenCounts: "usage" | "chunks" | "mixed";
  /**
   * The `model` names the server gave in its answers (distinct, at most MAX_SERVED_MODELS, in the
   * order first seen); empty when it named none.
   */
  servedModels: string[];
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

/** Hard caps whatever the flags say (the flags refuse more, naming the cap). */
export const MAX_REQUESTS = 100_000;
export const MAX_DURATION_S = 24 * 3600;
/** Requests in flight at once, closed or open loop: sockets and buffers of 10,000 streams. */
export const MAX_CONCURRENCY = 10_000;
/** Inter-token gaps a run keeps for its percentiles (a uniform sample beyond): 2^20, 8 MiB. */
export const RUN_GAPS = 1 << 20;
/** Distinct `model` names of answers a run keeps (a server naming each answer differently is odd enough). */
export const MAX_SERVED_MODELS = 8;

export async function runLoad(
  target: Target,
  cfg: LoadConfig,
  stop: AbortSignal,
  onProgress?: (p: Progress) => void,
): Promise<BenchResult> {
  const results: RequestResult[] = [];
  const names = new Map<string, string>();
  const gaps = new Reservoir(RUN_GAPS, rng(cfg.seed));
  const limit = Math.min(cfg.requests ?? MAX_REQUESTS, MAX_REQUESTS);
  const t0 = performance.now();
  const durationMs = Math.min(cfg.durationS ?? MAX_DURATION_S, MAX_DURATION_S) * 1000;
  const deadline = t0 + durationMs;
  let started = 0;
  let inFlight = 0;
  let completed = 0;
  let failed = 0;
  let tokens = 0;
  let dropped = 0;
  const cpu0 = process.cpuUsage();
  const inner = new AbortController();
  // one abort listener per request in flight
  setMaxListeners(MAX_CONCURRENCY + 16, inner.signal);
  const interrupt = () => inner.abort("interrupted");
  stop.addEventListener("abort", interrupt);
  // At the deadline no request starts and the streams still running are cut.
  const timeUp = after(durationMs, () => inner.abort(DEADLINE));
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

  const more = () => !inner.signal.aborted && started < limit && performance.now() < deadline;
  const one = async () => {
    const i = started++;
    inFlight++;
    const r = await streamRequest(target, cfg.prompt(i), cfg.maxTokens, inner.signal);
    inFlight--;
    // The gaps go to the run's reservoir; the result keeps only its count (memory stays bounded).
    if (r.ok || r.error === "aborted" || r.error === "deadline") gaps.addSample(r.itlMs, r.itlSeen);
    // Each answer's model name is kept once per distinct name (memory stays bounded).
    let model: string | undefined;
    if (r.model !== undefined) {
      model = names.get(r.model);
      if (model === undefined && names.size < MAX_SERVED_MODELS) names.set(r.model, (model = r.model));
    }
    const kept: RequestResult = { ...r, itlMs: [] };
    delete kept.model;
    if (model !== undefined) kept.model = model;
    results.push(kept);
    if (r.ok) {
      completed++;
      tokens += r.outputTokens;
    } else if (r.error !== "aborted" && r.error !== "deadline") failed++;
  };

  if (cfg.requestRate) {
    const random = rng(cfg.seed);
    const pending: Promise<void>[] = [];
    let next = performance.now();
    while (more()) {
      // Send only once the arrival time has come: a sleep cut short by the deadline sends nothing.
      const wait = next - performance.now();
      if (wait > 0) {
        await sleep(Math.min(wait, deadline - performance.now()), inner.signal);
        continue;
      }
      if (inFlight < Math.min(cfg.maxInFlight ?? MAX_CONCURRENCY, MAX_CONCURRENCY)) pending.push(one());
      else {
        started++;
        dropped++;
      }
      next += exponential(random, cfg.requestRate) * 1000;
    }
    await Promise.all(pending);
  } else {
    const users = Math.min(Math.max(1, cfg.concurrency ?? 1), MAX_CONCURRENCY);
    await Promise.all(
      Array.from({ length: users }, async () => {
        while (more()) await one();
      }),
    );
  }
  timeUp.clear();
  if (progress) clearInterval(progress);
  stop.removeEventListener("abort", interrupt);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  return {
    ...report(results, wall, stop.aborted, cfg, gaps),
    droppedArrivals: dropped,
    clientCpuSeconds: Math.round(cpuS * 1000) / 1000,
    clientCpuShare: wall > 0 ? Math.round((cpuS / wall) * 1000) / 1000 : 0,
  };
}

/**
 * The figures of a run from its requests. TPOT of a request is (e2e − TTFT) / (output tokens − 1):
 * the mean time per token after the first, as vLLM's benchmark defines it; requests of one token
 * have none. TPOT and e2e come from completed requests only; TTFT and the inter-token gaps also from
 * incomplete ones (stopped by Ctrl-C or cut at the deadline) that had their first token: those were
 * measured, and dropping them would hide the slowest requests of a run stopped early. Throughput is
 * over the wall time of the whole run, so idle users and ramp-up count.
 * `gaps`: the run's reservoir of inter-token gaps; without it, the gaps of `results` are used.
 */
export function report(
  results: readonly RequestResult[],
  durationS: number,
  partial: boolean,
  cfg: Pick<LoadConfig, "concurrency" | "requestRate">,
  gaps?: Reservoir,
): Omit<BenchResult, "clientCpuSeconds" | "clientCpuShare" | "droppedArrivals"> {
  const ok = results.filter((r) => r.ok);
  const errors: Record<string, number> = {};
  const errorDetails: Record<string, string> = {};
  let aborted = 0;
  let cut = 0;
  const stopped: RequestResult[] = [];
  for (const r of results) {
    if (r.ok) continue;
    if (r.error === "aborted" || r.error === "deadline") {
      if (r.error === "aborted") aborted++;
      else cut++;
      stopped.push(r);
      continue;
    }
    const kind = r.error ?? "broken_stream";
    errors[kind] = (errors[kind] ?? 0) + 1;
    if (r.detail && !errorDetails[kind]) errorDetails[kind] = r.detail;
  }
  let itl = gaps;
  if (!itl) {
    itl = new Reservoir(RUN_GAPS, rng(1));
    for (const r of [...ok, ...stopped]) itl.addSample(r.itlMs, r.itlSeen);
  }
  const failed = results.length - ok.length - aborted - cut;
  const outputTokens = ok.reduce((a, r) => a + r.outputTokens, 0);
  const tpot = ok
    .filter((r) => r.outputTokens > 1 && Number.isFinite(r.ttftMs))
    .map((r) => (r.e2eMs - r.ttftMs) / (r.outputTokens - 1));
  const ttft = [...ok, ...stopped].map((r) => r.ttftMs).filter(Number.isFinite);
  const withToken = stopped.filter((r) => Number.isFinite(r.ttftMs)).length;
  const usage = ok.filter((r) => r.usageReported).length;
  const servedModels: string[] = [];
  for (const r of results)
    if (r.model !== undefined && !servedModels.includes(r.model) && servedModels.length < MAX_SERVED_MODELS)
      servedModels.push(r.model);
  return {
    ttftMs: summarize(ttft),
    tpotMs: summarize(tpot),
    itlMs: summarize(itl.values),
    e2eLatencyMs: summarize(ok.map((r) => r.e2eMs)),
    outputTokensPerSec: durationS > 0 ? Math.round((outputTokens / durationS) * 100) / 100 : 0,
    requestsPerSec: durationS > 0 ? Math.round((ok.length / durationS) * 1000) / 1000 : 0,
    requests: ok.length,
    errors,
    errorDetails,
    errorRate: ok.length + failed ? Math.round((failed / (ok.length + failed)) * 10000) / 10000 : 0,
    aborted,
    cutByDeadline: cut,
    incomplete: aborted + cut,
    incompleteWithToken: withToken,
    samples: { ttftMs: ttft.length, tpotMs: tpot.length, itlMs: itl.seen, e2eLatencyMs: ok.length },
    itlSampled: itl.sampled,
    outputTokens,
    durationS: Math.round(durationS * 1000) / 1000,
    partial,
    load: { concurrency: cfg.requestRate ? null : cfg.concurrency, requestRate: cfg.requestRate },
    tokenCounts: usage === ok.length ? "usage" : usage === 0 ? "chunks" : "mixed",
    servedModels,
  };
}
