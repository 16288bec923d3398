/**
 * One streamed request to an OpenAI-compatible server, timed: time to the first content token,
 * the gaps between content chunks, the whole request. Server-sent events are parsed by hand over
 * node:http with a keep-alive agent: cheap enough for hundreds of concurrent streams on one core.
 */
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { SseDecoder, type SseEvent } from "./sse.js";

/**
 * Why a request failed. `http_<status>`: the server answered with that status, or sent an error
 * event carrying it in the middle of the stream; `broken_stream`: the stream stopped before
 * `data: [DONE]`; `connection`: no answer at all (refused, reset before any token); `timeout`: the
 * per-request timeout; `aborted`: stopped by Ctrl-C or the end of the run (not counted as an error).
 */
export type ErrorKind = `http_${number}` | "timeout" | "broken_stream" | "connection" | "aborted";

export interface RequestResult {
  ok: boolean;
  error?: ErrorKind;
  /** The start of the server's error message, when it sent one. */
  detail?: string;
  /** ms from sending to the first content token (NaN when none came). */
  ttftMs: number;
  /** ms between consecutive content chunks. */
  itlMs: number[];
  e2eMs: number;
  /** From the usage block when the server sends one, else the content chunks counted. */
  outputTokens: number;
  usageReported: boolean;
}

export interface Target {
  url: URL;
  endpoint: "chat" | "completions";
  apiKey: string | null;
  model: string;
  timeoutMs: number;
  agent: HttpAgent | HttpsAgent;
}

export function makeAgent(url: URL, sockets: number): HttpAgent | HttpsAgent {
  const opts = { keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets };
  return url.protocol === "https:" ? new HttpsAgent(opts) : new HttpAgent(opts);
}

export interface Prompt {
  prompt?: string;
  messages?: { role: string; content: string }[];
}

/** The path of the endpoint under the base URL (which may carry a prefix, e.g. https://host/llm). */
export function endpointPath(url: URL, endpoint: "chat" | "completions"): string {
  const base = url.pathname.replace(/\/+$/, "").replace(/\/v1$/, "");
  return base + (endpoint === "chat" ? "/v1/chat/completions" : "/v1/completions");
}

export function requestBody(
  t: Pick<Target, "model" | "endpoint">,
  p: Prompt,
  maxTokens: number | null,
): string {
  const common: Record<string, unknown> = {
    model: t.model,
    stream: true,
    stream_options: { include_usage: true },
  };
  if (maxTokens !== null) {
    common.max_tokens = maxTokens;
    // vLLM and SGLang honour ignore_eos, so every request generates exactly max_tokens.
    common.ignore_eos = true;
  }
  if (t.endpoint === "chat") {
    return JSON.stringify({ ...common, messages: p.messages ?? [{ role: "user", content: p.prompt ?? "" }] });
  }
  return JSON.stringify({
    ...common,
    prompt: p.prompt ?? p.messages?.map((m) => m.content).join("\n") ?? "",
  });
}

interface Choice {
  delta?: { content?: string | null; reasoning_content?: string | null; reasoning?: string | null };
  text?: string;
}

/**
 * Whether a streamed chunk carries generated text: a chat delta's content (or the reasoning text
 * that reasoning models stream first: those are output tokens too), or a completion's text. The
 * role-only first chunk of a chat stream and the final usage chunk carry none.
 */
function hasContent(chunk: { choices?: Choice[] }): boolean {
  const c = chunk.choices?.[0];
  if (!c) return false;
  const d = c.delta;
  return Boolean(d ? d.content || d.reasoning_content || d.reasoning : c.text);
}

/**
 * The timing of one stream, fed event by event with the time each arrived. Separate from the
 * socket so that its arithmetic can be tested on its own.
 */
export class StreamClock {
  first = -1;
  last = -1;
  readonly itl: number[] = [];
  chunks = 0;
  usage: number | null = null;
  done = false;
  error: { kind: ErrorKind; detail: string } | null = null;

  onEvent(e: SseEvent, now: number): void {
    const data = e.data.trim();
    if (data === "[DONE]") {
      this.done = true;
      return;
    }
    let chunk: {
      choices?: Choice[];
      usage?: { completion_tokens?: number } | null;
      error?: { message?: string; code?: unknown } | string;
      object?: string;
      message?: string;
      code?: unknown;
    };
    try {
      chunk = JSON.parse(data);
    } catch {
      return;
    }
    if (chunk === null || typeof chunk !== "object") return;
    if (chunk.error !== undefined || chunk.object === "error" || e.event === "error") {
      // An error in the middle of a 200 stream (vLLM: {"error": {"message", "code"}}).
      const err = typeof chunk.error === "object" && chunk.error ? chunk.error : chunk;
      const code = Number((err as { code?: unknown }).code);
      const message =
        typeof chunk.error === "string" ? chunk.error : ((err as { message?: string }).message ?? data);
      this.error = {
        kind: Number.isInteger(code) && code >= 400 && code < 600 ? `http_${code}` : "broken_stream",
        detail: String(message).slice(0, 200),
      };
      return;
    }
    const u = chunk.usage;
    if (u && typeof u.completion_tokens === "number") this.usage = u.completion_tokens;
    if (hasContent(chunk)) {
      if (this.first < 0) this.first = now;
      else this.itl.push(now - this.last);
      this.last = now;
      this.chunks++;
    }
  }
}

export function streamRequest(
  t: Target,
  p: Prompt,
  maxTokens: number | null,
  signal: AbortSignal,
): Promise<RequestResult> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const clock = new StreamClock();
    let settled = false;
    const payload = requestBody(t, p, maxTokens);
    const finish = (error?: ErrorKind, detail?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve({
        ok: !error,
        ...(error ? { error } : {}),
        ...(detail ? { detail } : {}),
        ttftMs: clock.first < 0 ? NaN : clock.first - t0,
        itlMs: clock.itl,
        e2eMs: performance.now() - t0,
        outputTokens: clock.usage ?? clock.chunks,
        usageReported: clock.usage !== null,
      });
    };
    const send = t.url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(
      {
        host: t.url.hostname,
        port: t.url.port || (t.url.protocol === "https:" ? 443 : 80),
        path: endpointPath(t.url, t.endpoint),
        method: "POST",
        agent: t.agent,
        headers: {
          "content-type": "application/json",
          accept: "text/event-stream",
          "content-length": Buffer.byteLength(payload),
          ...(t.apiKey ? { authorization: `Bearer ${t.apiKey}` } : {}),
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.setEncoding("utf8");
        if (status < 200 || status >= 300) {
          // Keep the start of the error body: "model not found" says more than "http_404".
          let body = "";
          res.on("data", (s: string) => {
            if (body.length < 2000) body += s;
          });
          const done = () => finish(`http_${status}`, errorMessage(body));
          res.on("end", done);
          res.on("error", done);
          res.on("close", done);
          return;
        }
        const sse = new SseDecoder();
        const onEvent = (e: SseEvent) => {
          clock.onEvent(e, performance.now());
          if (clock.error) {
            finish(clock.error.kind, clock.error.detail);
            res.destroy();
          }
        };
        res.on("data", (text: string) => sse.push(text, onEvent));
        res.on("end", () => {
          sse.end(onEvent);
          finish(clock.done ? undefined : "broken_stream");
        });
        res.on("error", () => finish("broken_stream"));
        res.on("close", () => finish(clock.done ? undefined : "broken_stream"));
      },
    );
    const timer = setTimeout(() => {
      finish("timeout");
      req.destroy();
    }, t.timeoutMs);
    const onAbort = () => {
      finish("aborted");
      req.destroy();
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort);
    req.on("error", () => finish(clock.first < 0 ? "connection" : "broken_stream"));
    req.end(payload);
  });
}

/** The message of an OpenAI-style error body ({"error": {"message"}} or {"message"}), else its start. */
function errorMessage(body: string): string | undefined {
  if (!body.trim()) return undefined;
  try {
    const j = JSON.parse(body) as {
      error?: { message?: string } | string;
      message?: string;
      detail?: unknown;
    };
    const m =
      typeof j.error === "string"
        ? j.error
        : (j.error?.message ?? j.message ?? (typeof j.detail === "string" ? j.detail : undefined));
    if (m) return m.slice(0, 200);
  } catch {
    // not JSON: plain text
  }
  return body.trim().replace(/\s+/g, " ").slice(0, 200);
}
