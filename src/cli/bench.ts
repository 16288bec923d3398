/**
 * `llmdeploy bench --url URL`: load-test an OpenAI-compatible endpoint and report latency percentiles,
 * throughput and errors; with --plan, compare them with what the plan predicted.
 */
import { existsSync, readFileSync } from "node:fs";
import { makeAgent, type Prompt, type Target } from "../bench/client.js";
import { type BenchResult, MAX_REQUESTS, runLoad } from "../bench/run.js";
import { UserError } from "../errors.js";
import { c, ce, out, printJson } from "./output.js";
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

function num(flag: string, v: string | undefined, integer: boolean): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  if (!v.trim() || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UserError(`${flag} takes a positive ${integer ? "whole number" : "number"}, got "${v}"`);
  }
  return n;
}

/**
 * About n tokens of text: " hello" is one token in the tokenizers of Llama, Qwen, Mistral and GPT
 * families; a distinct number first keeps prefix caches from serving the prompts.
 */
export function syntheticPrompts(inputTokens: number, count = 32): Prompt[] {
  return Array.from({ length: count }, (_, i) => ({
    prompt: `Request ${i + 1}:${" hello".repeat(Math.max(1, inputTokens - 3))}`,
  }));
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
        throw new UserError(`${path}:${i + 1} is not JSON`, "one JSON object per line");
      }
      if (typeof v.prompt !== "string" && !Array.isArray(v.messages)) {
        throw new UserError(`${path}:${i + 1} has neither "prompt" nor "messages"`);
      }
      prompts.push(v);
    });
  if (!prompts.length) throw new UserError(`${path} holds no prompts`);
  return prompts;
}

async function discoverModel(url: URL, apiKey: string | null, timeoutMs: number): Promise<string> {
  let res: Response;
  try {
    res = await fetch(new URL(url.pathname.replace(/\/$/, "") + "/v1/models", url), {
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      signal: AbortSignal.timeout(Math.min(timeoutMs, 30_000)),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
    throw new UserError(`cannot reach ${url.origin}: ${cause}`, "check --url and that the server is up");
  }
  if (res.status === 401 || res.status === 403) {
    throw new UserError(
      `${url.origin} refused the API key (HTTP ${res.status})`,
      "pass --api-key or set LLMDEPLOY_API_KEY",
    );
  }
  const body = (await res.json().catch(() => null)) as { data?: { id?: string }[] } | null;
  const id = body?.data?.[0]?.id;
  if (!res.ok || !id)
    throw new UserError(`${url.origin}/v1/models did not name a model (HTTP ${res.status})`, "pass --model");
  return id;
}

export interface Verdict {
  figure: string;
  measured: number;
  predicted: number;
  difference: number;
  withinBand: boolean;
}

/** Measured means against the plan's predictions, each within the plan's error band or not. */
export function compareWithPlan(
  r: BenchResult,
  plan: Record<string, unknown>,
): { verdicts: Verdict[]; band: number } {
  const perf = (plan.recommendation as { performance?: Record<string, number> } | undefined)?.performance;
  if (!perf)
    throw new UserError(
      "the plan has no recommendation.performance",
      "regenerate it with llmdeploy plan --out DIR",
    );
  const band = perf.errorBand ?? 0.25;
  const pairs: [string, number, number | undefined][] = [
    ["ttftMs", r.ttftMs.mean, perf.ttftMs],
    ["tpotMs", r.tpotMs.mean, perf.tpotMs],
    ["e2eLatencyMs", r.e2eLatencyMs.mean, perf.e2eLatencyMs],
    ["outputTokensPerSec", r.outputTokensPerSec, perf.outputTokensPerSec],
  ];
  const verdicts = pairs
    .filter(([, m, p]) => typeof p === "number" && p > 0 && Number.isFinite(m))
    .map(([figure, measured, predicted]) => {
      const difference = measured / predicted! - 1;
      return {
        figure,
        measured,
        predicted: predicted!,
        difference: Math.round(difference * 1000) / 1000,
        withinBand: Math.abs(difference) <= band,
      };
    });
  return { verdicts, band };
}

function printResult(r: BenchResult): void {
  const rows = (["ttftMs", "tpotMs", "itlMs", "e2eLatencyMs"] as const).map((k) => [
    k.replace("Ms", " (ms)"),
    ...(["p50", "p90", "p95", "p99", "mean"] as const).map((q) => r[k][q].toFixed(1)),
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
  out(
    errs.length
      ? c.red(`errors: ${errs.map(([k, v]) => `${k} ${v}`).join(", ")} (${(r.errorRate * 100).toFixed(1)} %)`)
      : "errors: none",
  );
  if (r.partial) out(c.red("partial: stopped before the planned end"));
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
    throw new UserError(`--url must be http or https, got ${url.protocol}`);
  const endpoint = flags.endpoint ?? "chat";
  if (endpoint !== "chat" && endpoint !== "completions")
    throw new UserError("--endpoint is chat or completions");
  const concurrency = num("--concurrency", flags.concurrency, true);
  const requestRate = num("--request-rate", flags.requestRate, false);
  if (concurrency !== null && requestRate !== null) {
    throw new UserError(
      "give --concurrency or --request-rate, not both",
      "closed loop (users) or open loop (arrivals)",
    );
  }
  const requestsFlag = num("--requests", flags.requests, true);
  const duration = num("--duration", flags.duration, false);
  if (requestsFlag !== null && requestsFlag > MAX_REQUESTS)
    throw new UserError(`--requests is capped at ${MAX_REQUESTS}`);
  const requests = requestsFlag ?? (duration === null ? 100 : null);
  const timeoutMs = (num("--timeout", flags.timeout, false) ?? 300) * 1000;
  const inputTokens = num("--input-tokens", flags.inputTokens, true) ?? 256;
  const outputTokens = num("--output-tokens", flags.outputTokens, true);
  const apiKey = flags.apiKey ?? process.env.LLMDEPLOY_API_KEY ?? null;
  const plan = flags.plan ? await readPlanYaml(flags.plan) : null;
  const prompts = flags.prompts ? readPrompts(flags.prompts) : syntheticPrompts(inputTokens);
  const model = flags.model ?? (await discoverModel(url, apiKey, timeoutMs));
  const users = requestRate === null ? (concurrency ?? 1) : null;
  const target: Target = {
    url,
    endpoint,
    apiKey,
    model,
    timeoutMs,
    agent: makeAgent(url, users ?? 1024),
  };
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  process.once("SIGINT", onSigint);
  process.once("SIGTERM", onSigint);
  const live = Boolean(process.stderr.isTTY) && !flags.json;
  const result = await runLoad(
    target,
    {
      concurrency: users,
      requestRate,
      requests,
      durationS: duration,
      maxTokens: flags.prompts && !flags.outputTokens ? null : (outputTokens ?? 128),
      prompts,
      seed: num("--seed", flags.seed, true) ?? 1,
    },
    stop.signal,
    live
      ? (p) =>
          process.stderr.write(
            `\r${ce.dim(`completed ${p.completed}, in flight ${p.inFlight}, errors ${p.errors}, ${p.tokensPerSec.toFixed(0)} tok/s`)}   `,
          )
      : undefined,
  );
  if (live) process.stderr.write("\n");
  process.removeListener("SIGINT", onSigint);
  process.removeListener("SIGTERM", onSigint);
  const comparison = plan ? compareWithPlan(result, plan) : null;
  if (flags.json) printJson({ ...result, model, url: url.origin, ...(comparison ? { comparison } : {}) });
  else {
    printResult(result);
    if (comparison) {
      out("");
      out(
        renderTable(
          [
            "vs plan",
            "measured",
            "predicted",
            "difference",
            `within ±${Math.round(comparison.band * 100)} %`,
          ].map((h) => c.bold(h)),
          comparison.verdicts.map((v) => [
            v.figure,
            v.measured.toFixed(1),
            v.predicted.toFixed(1),
            `${v.difference >= 0 ? "+" : ""}${(v.difference * 100).toFixed(0)} %`,
            v.withinBand ? c.green("yes") : c.red("no"),
          ]),
        ),
      );
      const spec = plan!.spec as { concurrency?: number | null; requestRate?: number | null } | undefined;
      if (spec && (spec.concurrency ?? null) !== users && (spec.requestRate ?? null) !== requestRate) {
        process.stderr.write(
          ce.dim(
            `note: the plan assumed ${spec.requestRate ? `${spec.requestRate} req/s` : `${spec.concurrency} concurrent`}; compare at the same load\n`,
          ),
        );
      }
    }
  }
  if (result.partial) process.exitCode = 130;
  else if (comparison && flags.failOnMiss && comparison.verdicts.some((v) => !v.withinBand))
    process.exitCode = 3;
}

async function readPlanYaml(path: string): Promise<Record<string, unknown>> {
  const { readPlanFile } = await import("./render.js");
  return (await readPlanFile(path)) as unknown as Record<string, unknown>;
}
