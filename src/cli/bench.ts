/**
 * `llmdeploy bench --url URL`: load-test an OpenAI-compatible endpoint and report latency percentiles,
 * throughput and errors; with --plan, compare them with what the plan predicted.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { authorization, makeAgent, type Prompt, type Target } from "../bench/client.js";
import {
  type Comparison,
  compareWithPlan,
  planPrediction,
  type PlanPrediction,
  planRunShape,
} from "../bench/compare.js";
import { discoverModel, MODELS_TIMEOUT_MS } from "../bench/discover.js";
import { parsePrompts } from "../bench/prompts.js";
import { type BenchResult, MAX_CONCURRENCY, MAX_DURATION_S, MAX_REQUESTS, runLoad } from "../bench/run.js";
import { DEFAULTS } from "../defaults.js";
import { UserError } from "../errors.js";
import { readTextFile } from "./read-file.js";
import { redact } from "../redact.js";
import { intFlag, numFlag } from "./flags.js";
import { readPlanFile, REGENERATE } from "./plan-file.js";
import { c, ce, info, out, printJson } from "./output.js";
import { renderTable } from "./table.js";

export interface BenchFlags {
  url?: string;
  endpoint?: string;
  model?: string;
  apiKey?: string;
  concurrency?: string;
  requestRate?: string;
  requests?: string;
  duration?: string;
  inputTokens?: string;
  outputTokens?: string;
  prompts?: string;
  timeout?: string;
  seed?: string;
  json?: boolean;
  plan?: string;
  failOnMiss?: boolean;
}

/** A bench flag: whole (`integer`) or any number above 0, at most `max`; null when not given. */
const num = (flag: string, v: string | undefined, integer: boolean, max?: number): number | null =>
  (integer ? intFlag(flag, v, { max }) : numFlag(flag, v, { max })) ?? null;

/**
 * A prompt of about n tokens: " hello" is one token in the tokenizers of the Llama, Qwen, Mistral
 * and GPT families. Every request starts with its own number, so a server's prefix cache cannot
 * serve one request's prompt from another's (which would make TTFT look far better than it is).
 */
export function syntheticPrompt(i: number, inputTokens: number): Prompt {
  return { prompt: `Request ${i + 1}:${" hello".repeat(Math.max(1, inputTokens - 4))}` };
}

/** The largest --prompts file read: 64 MiB. */
const MAX_PROMPTS_BYTES = 64 * 1024 * 1024;
/**
 * Prompt text in flight at once, at most: 48 Mi characters (2^23 tokens of " hello", 6 characters
 * each: 64 requests of 128K tokens). Each request holds its prompt twice (JSON text and the bytes
 * sent), so this keeps prompts under about 200 MB whatever --concurrency and --input-tokens say.
 */
const IN_FLIGHT_PROMPT_CHARS = 48 * 1024 * 1024;

function readPrompts(path: string): Prompt[] {
  const text = readTextFile(
    path,
    "prompts file",
    'a JSONL file: one {"prompt": ...} or {"messages": [...]} per line; a sample of a few thousand prompts measures as well',
    MAX_PROMPTS_BYTES,
  );
  return parsePrompts(text, path);
}

const promptChars = (p: Prompt) =>
  (p.prompt?.length ?? 0) + (p.messages ?? []).reduce((a, m) => a + m.content.length + m.role.length, 0);

/**
 * plan.yaml (or a folder with one), checked whole against the plan schema (cli/plan-file.ts) before
 * its predictions are read: a bad field is one line naming it.
 */
async function readPrediction(path: string): Promise<PlanPrediction> {
  const hint = `${REGENERATE}, or drop --plan`;
  let file = path;
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "plan.yaml");
  const plan = await readPlanFile(file, hint);
  const r = planPrediction(plan);
  if ("problem" in r) throw new UserError(`${file} ${r.problem}`, hint);
  return r.prediction;
}

/** A figure as printed: "-" when nothing was measured. */
const fmt = (v: number | null) => (v === null ? "-" : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));

function printResult(r: BenchResult): void {
  const rows = (["ttftMs", "tpotMs", "itlMs", "e2eLatencyMs"] as const).map((k) => [
    { ttftMs: "TTFT (ms)", tpotMs: "TPOT (ms)", itlMs: "inter-token (ms)", e2eLatencyMs: "end to end (ms)" }[
      k
    ],
    ...(["p50", "p90", "p95", "p99", "mean"] as const).map((q) => fmt(r[k][q])),
  ]);
  out(
    renderTable(
      ["", "p50", "p90", "p95", "p99", "mean"].map((h) => c.bold(h)),
      rows,
    ),
  );
  const load = r.load.requestRate
    ? `${r.load.requestRate} req/s (Poisson)`
    : `${r.load.concurrency} concurrent`;
  out(
    `${r.requests} requests in ${r.durationS.toFixed(1)} s at ${load}: ${r.requestsPerSec} req/s, ` +
      `${r.outputTokensPerSec} output tokens/s (${r.tokenCounts === "usage" ? "from usage blocks" : "counted from the stream"})`,
  );
  const errs = Object.entries(r.errors);
  if (!errs.length) out("errors: none");
  else {
    out(
      c.red(`errors: ${errs.map(([k, v]) => `${k} ${v}`).join(", ")} (${(r.errorRate * 100).toFixed(1)} %)`),
    );
    for (const [k, d] of Object.entries(r.errorDetails)) out(c.dim(`  ${k}: ${d}`));
  }
  if (r.incomplete) {
    const why = [
      r.cutByDeadline ? `${r.cutByDeadline} cut by the --duration deadline` : "",
      r.aborted ? `${r.aborted} stopped by Ctrl-C` : "",
    ].filter(Boolean);
    out(
      `incomplete: ${r.incomplete} requests still streaming (${why.join(", ")}): not errors; ` +
        `the TTFT and gaps of the ${r.incompleteWithToken} that had their first token are counted`,
    );
  }
  if (r.droppedArrivals)
    out(c.red(`dropped: ${r.droppedArrivals} arrivals not sent: too many requests were already in flight`));
  if (r.itlSampled)
    out(c.dim(`inter-token percentiles from a uniform sample of the ${r.samples.itlMs} gaps (memory bound)`));
  if (r.partial) out(c.red("partial: stopped before the planned end (Ctrl-C)"));
}

function printComparison(cmp: Comparison): void {
  out("");
  out(
    renderTable(
      ["vs plan", "measured", "predicted", "difference", "verdict"].map((h) => c.bold(h)),
      cmp.verdicts.map((v) => [
        v.figure,
        fmt(v.measured),
        fmt(v.predicted),
        `${v.difference >= 0 ? "+" : ""}${(v.difference * 100).toFixed(0)} %`,
        v.withinBand
          ? c.green(`within ±${Math.round(v.band * 100)} %`)
          : v.flagged
            ? c.dim(`outside ±${Math.round(v.band * 100)} % (not counted: another output length)`)
            : c.red(
                `miss: outside ±${Math.round(v.band * 100)} % (${v.better ? "better" : "worse"} than planned)`,
              ),
      ]),
    ),
  );
  for (const w of cmp.warnings) out(c.red(`warning: ${w}`));
  if (cmp.missing.length) out(c.dim(`the plan predicts no ${cmp.missing.join(", ")}: not compared`));
  for (const n of cmp.notes) out(c.dim(`note: ${n}`));
}

/** Exit code when no request completed and every one failed (all rate limited, all refused...). */
export const EXIT_ALL_FAILED = 4;

/** Why nothing was measured, when every finished request failed; null otherwise. */
export function allFailed(r: BenchResult): string | null {
  const kinds = Object.keys(r.errors);
  if (r.requests > 0 || !kinds.length) return null;
  if (kinds.length === 1 && kinds[0] === "http_429") return "every request was rate limited (HTTP 429)";
  const first = Object.entries(r.errorDetails)[0];
  return `every request failed (${kinds.map((k) => `${k} ${r.errors[k]}`).join(", ")})${first ? `; ${first[0]}: ${first[1]}` : ""}`;
}

/**
 * Exit code: 0 done; 130 interrupted (the partial result printed); 4 every request failed; 3 with
 * --fail-on-miss when a figure is outside its band; 1 bad input (thrown as a UserError).
 */
export async function runBench(flags: BenchFlags): Promise<number> {
  if (!flags.url)
    throw new UserError(
      "--url is required",
      "e.g. llmdeploy bench --url http://localhost:8000 --concurrency 8",
    );
  let url: URL;
  try {
    url = new URL(flags.url);
  } catch {
    throw new UserError(
      `--url ${redact(flags.url)} is not a URL`,
      "e.g. http://localhost:8000 (the server's base URL)",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UserError(`--url must be http or https, got ${url.protocol}`, "e.g. http://localhost:8000");
  const endpoint = flags.endpoint ?? "chat";
  if (endpoint !== "chat" && endpoint !== "completions")
    throw new UserError(`--endpoint is chat or completions, got "${endpoint}"`);
  const prediction = flags.plan ? await readPrediction(flags.plan) : null;
  // With --plan, the flags not given take the plan's own workload: its prompt and answer lengths
  // always, its load and replayed run only when no load flag (--concurrency, --request-rate) is given.
  const planShape = prediction ? planRunShape(prediction) : null;
  const fromPlan =
    planShape && flags.concurrency === undefined && flags.requestRate === undefined ? planShape : null;
  const concurrency =
    num("--concurrency", flags.concurrency, true, MAX_CONCURRENCY) ?? fromPlan?.concurrency ?? null;
  const requestRate =
    num("--request-rate", flags.requestRate, false, 10_000) ?? fromPlan?.requestRate ?? null;
  if (concurrency !== null && requestRate !== null) {
    throw new UserError(
      "give --concurrency or --request-rate, not both",
      "closed loop (users that wait for their answer) or open loop (arrivals whatever the server does)",
    );
  }
  const requestsFlag = num("--requests", flags.requests, true, MAX_REQUESTS) ?? fromPlan?.requests ?? null;
  const duration = num("--duration", flags.duration, false, MAX_DURATION_S);
  const requests = requestsFlag ?? (duration === null ? 100 : null);
  const timeoutMs = (num("--timeout", flags.timeout, false, MAX_DURATION_S) ?? 300) * 1000;
  const inputTokens =
    num("--input-tokens", flags.inputTokens, true, 1_000_000) ??
    planShape?.inputTokens ??
    DEFAULTS.benchInputTokens;
  const outputTokensFlag =
    num("--output-tokens", flags.outputTokens, true, 1_000_000) ?? planShape?.outputTokens ?? null;
  // With --prompts and no --output-tokens, the server decides when each answer ends.
  const maxTokens =
    flags.prompts && outputTokensFlag === null ? null : (outputTokensFlag ?? DEFAULTS.benchOutputTokens);
  const seed = num("--seed", flags.seed, true) ?? 1;
  const apiKey = flags.apiKey ?? process.env.LLMDEPLOY_API_KEY ?? null;
  // Masked wherever the server's words are printed (a server may echo the key back).
  const secrets = [apiKey, decodeURIComponent(url.password)].filter((x): x is string => Boolean(x));
  const fileprompts = flags.prompts ? readPrompts(flags.prompts) : null;
  // Prompt text in flight is bounded: as many requests at once as IN_FLIGHT_PROMPT_CHARS allows.
  const longest = fileprompts
    ? Math.max(...fileprompts.map(promptChars))
    : syntheticPrompt(0, inputTokens).prompt!.length;
  const maxInFlight = Math.max(1, Math.min(MAX_CONCURRENCY, Math.floor(IN_FLIGHT_PROMPT_CHARS / longest)));
  if (concurrency !== null && concurrency > maxInFlight)
    throw new UserError(
      `--concurrency ${concurrency} with prompts of ${longest} characters is over the ${IN_FLIGHT_PROMPT_CHARS / 1024 / 1024} Mi characters of prompts bench keeps in flight`,
      `at most --concurrency ${maxInFlight} with these prompts`,
    );
  const auth = authorization(url, apiKey);
  const model = await discoverModel(url, auth, Math.min(timeoutMs, MODELS_TIMEOUT_MS), flags.model, secrets);
  const users = requestRate === null ? (concurrency ?? 1) : null;
  // Open loop: at most 1024 sockets (a common file-descriptor limit); more requests wait for one.
  const agent = makeAgent(url, users ?? Math.min(1024, maxInFlight));
  const target: Target = { url, endpoint, authorization: auth, model, timeoutMs, agent };
  // An origin never holds userinfo (scheme, host, port only).
  const shown = url.origin;

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const live = Boolean(process.stderr.isTTY);
  info(
    `bench: ${model} at ${shown}, ${users !== null ? `${users} concurrent` : `${requestRate} req/s (Poisson, seed ${seed})`}, ` +
      `${requests !== null ? `${requests} requests` : ""}${requests !== null && duration !== null ? " or " : ""}${duration !== null ? `${duration} s` : ""}` +
      `${live ? " (Ctrl-C stops and reports)" : ""}`,
  );
  let result: BenchResult;
  try {
    result = await runLoad(
      target,
      {
        concurrency: users,
        requestRate,
        requests,
        durationS: duration,
        maxTokens,
        maxInFlight,
        prompt: fileprompts
          ? (i) => fileprompts[i % fileprompts.length]!
          : (i) => syntheticPrompt(i, inputTokens),
        seed,
      },
      stop.signal,
      live
        ? (p) =>
            process.stderr.write(
              `\r${ce.dim(`completed ${p.completed}, in flight ${p.inFlight}, errors ${p.errors}, ${p.tokensPerSec.toFixed(0)} tok/s`)}\u001b[K`,
            )
        : undefined,
    );
  } finally {
    if (live) process.stderr.write("\n");
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    agent.destroy();
  }
  result.errorDetails = Object.fromEntries(
    Object.entries(result.errorDetails).map(([k, d]) => [k, redact(d, secrets)]),
  );
  const comparison = prediction
    ? compareWithPlan(result, prediction, {
        concurrency: users,
        requestRate,
        inputTokens: fileprompts ? null : inputTokens,
        outputTokens: maxTokens,
        model,
      })
    : null;
  if (flags.json) {
    printJson({
      ...result,
      model,
      url: shown,
      endpoint,
      // The run's workload as it was asked for (calibrate reads it): the load, the prompt length (null
      // with --prompts), max_tokens, the stopping rule; and the plan's deployment with --plan.
      workload: {
        concurrency: users,
        requestRate,
        inputTokens: fileprompts ? null : inputTokens,
        maxTokens,
        prompts: flags.prompts ?? null,
        requests,
        durationS: duration,
        seed,
      },
      planned: prediction?.deployment ?? null,
      ...(comparison ? { comparison } : {}),
    });
  } else {
    printResult(result);
    if (comparison) printComparison(comparison);
  }
  const failed = allFailed(result);
  if (result.partial) return 130;
  if (failed) {
    process.stderr.write(`${ce.red("error:")} ${failed}\n`);
    return EXIT_ALL_FAILED;
  }
  if (comparison && flags.failOnMiss && comparison.miss) return 3;
  if (result.requests === 0)
    process.stderr.write(
      `${ce.red("warning:")} no request completed${result.cutByDeadline ? " before the --duration deadline" : ""}\n`,
    );
  return 0;
}
