/**
 * `llmdeploy bench --url URL`: load-test an OpenAI-compatible endpoint and report latency percentiles,
 * throughput and errors; with --plan, compare them with what the plan predicted.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { get as httpGet } from "node:http";
import { get as httpsGet } from "node:https";
import { join } from "node:path";
import { endpointPath, makeAgent, type Prompt, type Target } from "../bench/client.js";
import {
  type Comparison,
  compareWithPlan,
  planPrediction,
  type PlanPrediction,
  planRunShape,
} from "../bench/compare.js";
import { type BenchResult, MAX_CONCURRENCY, MAX_DURATION_S, MAX_REQUESTS, runLoad } from "../bench/run.js";
import { UserError } from "../errors.js";
import { intFlag, numFlag } from "./flags.js";
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

function readPrompts(path: string): Prompt[] {
  if (!existsSync(path))
    throw new UserError(
      `prompts file ${path} does not exist`,
      'a JSONL file: one {"prompt": ...} or {"messages": [...]} per line',
    );
  const prompts: Prompt[] = [];
  readFileSync(path, "utf8")
    .split("\n")
    .forEach((line, i) => {
      if (!line.trim()) return;
      let v: Prompt;
      try {
        v = JSON.parse(line) as Prompt;
      } catch {
        throw new UserError(
          `${path}:${i + 1} is not JSON`,
          'one JSON object per line, e.g. {"prompt": "Hi"}',
        );
      }
      const okMessages =
        Array.isArray(v?.messages) &&
        v.messages.length > 0 &&
        v.messages.every((m) => typeof m?.role === "string" && typeof m?.content === "string");
      if (typeof v?.prompt !== "string" && !okMessages) {
        throw new UserError(
          `${path}:${i + 1} has neither "prompt" (a string) nor "messages" (a list of {role, content})`,
        );
      }
      prompts.push(v);
    });
  if (!prompts.length) throw new UserError(`${path} holds no prompts`);
  return prompts;
}

/** GET a URL with node:http(s) (fetch refuses "bad ports" such as 6000 or 10080; servers do not). */
function get(
  url: URL,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsGet : httpGet;
    const req = send(url, { headers, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (s: string) => {
        if (body.length < 1 << 20) body += s;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("no answer in time"), { code: "timeout" })));
    req.on("error", reject);
  });
}

/**
 * GET /v1/models before the load: the server must answer (else a one-line error, not 100 failed
 * requests), and without --model its first model is the one to ask for.
 */
async function probe(
  url: URL,
  apiKey: string | null,
  timeoutMs: number,
  model: string | undefined,
): Promise<string> {
  const models = new URL(endpointPath(url, "chat").replace(/chat\/completions$/, "models"), url);
  let res: { status: number; body: string };
  try {
    res = await get(models, apiKey ? { authorization: `Bearer ${apiKey}` } : {}, Math.min(timeoutMs, 30_000));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UserError(
      `cannot reach ${url.origin}: ${err.code ?? err.message}`,
      "check --url and that the server is up",
    );
  }
  if (model) return model;
  if (res.status === 401 || res.status === 403) {
    throw new UserError(
      `${url.origin} refused the API key (HTTP ${res.status})`,
      "pass --api-key or set LLMDEPLOY_API_KEY",
    );
  }
  let id: unknown;
  try {
    id = (JSON.parse(res.body) as { data?: { id?: unknown }[] }).data?.[0]?.id;
  } catch {
    id = undefined;
  }
  if (res.status !== 200 || typeof id !== "string" || !id)
    throw new UserError(
      `${models.href} did not name a model (HTTP ${res.status})`,
      "pass --model NAME (the name the server serves)",
    );
  return id;
}

/** plan.yaml (or a folder with one), read with `yaml`; only recommendation.performance is needed. */
async function readPrediction(path: string): Promise<PlanPrediction> {
  let file = path;
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "plan.yaml");
  if (!existsSync(file))
    throw new UserError(`plan file ${file} does not exist`, "make one with llmdeploy plan --out DIR");
  let doc: unknown;
  try {
    const { parse } = await import("yaml");
    doc = parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UserError(`${file} is not valid YAML: ${String((e as Error).message).split("\n")[0]}`);
  }
  const r = planPrediction(doc);
  if ("problem" in r)
    throw new UserError(
      `${file} ${r.problem}`,
      "regenerate it with llmdeploy plan --out DIR, or drop --plan",
    );
  return r.prediction;
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));

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
  if (r.partial)
    out(c.red(`partial: stopped before the planned end (${r.aborted} requests in flight dropped)`));
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
          ? c.green(`within ±${Math.round(cmp.band * 100)} %`)
          : c.red(`miss (${v.better ? "better" : "worse"} than planned)`),
      ]),
    ),
  );
  if (cmp.warning) out(c.red(`warning: ${cmp.warning}`));
  if (cmp.missing.length) out(c.dim(`the plan predicts no ${cmp.missing.join(", ")}: not compared`));
  for (const n of cmp.notes) out(c.dim(`note: ${n}`));
}

export async function runBench(flags: BenchFlags): Promise<void> {
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
      `--url ${flags.url} is not a URL`,
      "e.g. http://localhost:8000 (the server's base URL)",
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UserError(`--url must be http or https, got ${url.protocol}`, "e.g. http://localhost:8000");
  const endpoint = flags.endpoint ?? "chat";
  if (endpoint !== "chat" && endpoint !== "completions")
    throw new UserError(`--endpoint is chat or completions, got "${endpoint}"`);
  const prediction = flags.plan ? await readPrediction(flags.plan) : null;
  // With --plan, the flags not given take the plan's own workload (its load, lengths, replayed run).
  const fromPlan =
    prediction && flags.concurrency === undefined && flags.requestRate === undefined
      ? planRunShape(prediction)
      : null;
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
    num("--input-tokens", flags.inputTokens, true, 1_000_000) ?? fromPlan?.inputTokens ?? 256;
  const outputTokensFlag =
    num("--output-tokens", flags.outputTokens, true, 1_000_000) ?? fromPlan?.outputTokens ?? null;
  // With --prompts and no --output-tokens, the server decides when each answer ends.
  const maxTokens = flags.prompts && outputTokensFlag === null ? null : (outputTokensFlag ?? 128);
  const seed = num("--seed", flags.seed, true) ?? 1;
  const apiKey = flags.apiKey ?? process.env.LLMDEPLOY_API_KEY ?? null;
  const fileprompts = flags.prompts ? readPrompts(flags.prompts) : null;
  const model = await probe(url, apiKey, timeoutMs, flags.model);
  const users = requestRate === null ? (concurrency ?? 1) : null;
  const agent = makeAgent(url, users ?? 1024);
  const target: Target = { url, endpoint, apiKey, model, timeoutMs, agent };

  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const live = Boolean(process.stderr.isTTY);
  info(
    `bench: ${model} at ${url.origin}, ${users !== null ? `${users} concurrent` : `${requestRate} req/s (Poisson, seed ${seed})`}, ` +
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
  const comparison = prediction
    ? compareWithPlan(result, prediction, {
        concurrency: users,
        requestRate,
        inputTokens: fileprompts ? null : inputTokens,
        outputTokens: maxTokens,
      })
    : null;
  const allFailed = result.requests === 0 && Object.keys(result.errors).length > 0;
  if (flags.json) {
    printJson({
      ...result,
      model,
      url: url.origin,
      endpoint,
      ...(comparison ? { comparison } : {}),
    });
  } else {
    printResult(result);
    if (comparison) printComparison(comparison);
  }
  if (allFailed && !result.partial) {
    process.stderr.write(
      `${ce.red("warning:")} every request failed; the first error: ${Object.entries(result.errorDetails)[0]?.join(": ") ?? Object.keys(result.errors)[0]}\n`,
    );
  }
  if (result.partial) process.exitCode = 130;
  else if (comparison && flags.failOnMiss && comparison.miss) process.exitCode = 3;
}
