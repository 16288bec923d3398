/**
 * One streamed request to an OpenAI-compatible server, timed: time to the first content token,
 * the gaps between content chunks, the whole request. Server-sent events are decoded with
 * eventsource-parser (src/bench/sse.ts) over node:http with a keep-alive agent: cheap enough for
 * hundreds of concurrent streams on one core. Bounded: one event is at most MAX_EVENT_CHARS, an
 * error body is read up to MAX_BODY_BYTES, and a request keeps at most PER_REQUEST_GAPS gaps.
 */
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { MAX_EVENT_CHARS, SseDecoder, type SseEvent } from "./sse.js";
import { Reservoir } from "./stats.js";
import { after } from "./timer.js";

/**
 * Why a request failed. `http_<status>`: the server answered with that status, or sent an error
 * event carrying it in the middle of the stream; `broken_stream`: the stream stopped before
 * `data: [DONE]`; `connection`: no answer at all (refused, reset before any token); `timeout`: the
 * per-request timeout; `malformed_event`: an event whose data is not a JSON object (`data: null`,
 * `data: 42`, text); `event_too_large`: one event over MAX_EVENT_CHARS; `empty_response`: the
 * stream ended properly without any generated text.
 * Not errors: `aborted` (stopped by Ctrl-C) and `deadline` (still streaming at the --duration
 * deadline, cut there).
 */
export type ErrorKind =
  | `http_${number}`
  | "timeout"
  | "broken_stream"
  | "connection"
  | "malformed_event"
  | "event_too_large"
  | "empty_response"
  | "aborted"
  | "deadline";

/** The bytes of a non-streamed answer (an error body, GET /v1/models) read at most: 4 MiB. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Inter-token gaps one request keeps (a uniform sample beyond): 4096 numbers, 32 KiB. */
export const PER_REQUEST_GAPS = 4096;
/** The abort reason runLoad gives at the --duration deadline. */
export const DEADLINE = "deadline";

export interface RequestResult {
  ok: boolean;
  error?: ErrorKind;
  /** The start of the server's error message, when it sent one. */
  detail?: string;
  /** ms from sending to the first content token (NaN when none came). */
  ttftMs: number;
  /** ms between consecutive content chunks: all of them, or a uniform sample of `itlSeen`. */
  itlMs: number[];
  /** How many gaps the stream had (itlMs.length unless sampled). */
  itlSeen: number;
  e2eMs: number;
  /** From the usage block when the server sends one, else the content chunks counted. */
  outputTokens: number;
  usageReported: boolean;
  /** The `model` the server named in its answer's chunks (the first), when it named one. */
  model?: string;
}

export interface Target {
  url: URL;
  endpoint: "chat" | "completions";
  /** The Authorization header's value (see authorization()), or null. */
  authorization: string | null;
  model: string;
  timeoutMs: number;
  agent: HttpAgent | HttpsAgent;
}

/**
 * The Authorization header for a server: `Bearer <key>` with an API key, else HTTP basic
 * authentication from the URL's userinfo (`http://user:password@host`, RFC 7617), else none.
 */
export function authorization(url: URL, apiKey: string | null): string | null {
  if (apiKey) return `Bearer ${apiKey}`;
  if (!url.username && !url.password) return null;
  const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return `Basic ${Buffer.from(pair, "utf8").toString("base64")}`;
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
  delta?: {
    content?: unknown;
    reasoning_content?: unknown;
    reasoning?: unknown;
    refusal?: unknown;
    tool_calls?: unknown;
  } | null;
  text?: unknown;
}

/**
 * Whether a streamed chunk carries generated text: a chat delta's content (or the reasoning text
 * that reasoning models stream first, a refusal, or tool-call arguments: those are output tokens
 * too), or a completion's text. The role-only first chunk of a chat stream and the final usage
 * chunk carry none.
 */
function hasContent(chunk: { choices?: unknown }): boolean {
  const c = Array.isArray(chunk.choices) ? (chunk.choices[0] as Choice | null | undefined) : undefined;
  if (!c || typeof c !== "object") return false;
  const d = c.delta;
  const text = (v: unknown) => typeof v === "string" && v !== "";
  if (d && typeof d === "object")
    return (
      text(d.content) ||
      text(d.reasoning_content) ||
      text(d.reasoning) ||
      text(d.refusal) ||
      (Array.isArray(d.tool_calls) && d.tool_calls.length > 0)
    );
  return text(c.text);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The timing of one stream, fed event by event with the time each arrived. Separate from the
 * socket so that its arithmetic can be tested on its own.
 */
export class StreamClock {
  first = -1;
  last = -1;
  /** The gaps between content chunks, bounded (PER_REQUEST_GAPS). */
  readonly itl: Reservoir;
  chunks = 0;
  usage: number | null = null;
  /** The first `model` a chunk named (OpenAI-compatible servers put the served name in every chunk). */
  model: string | null = null;
  done = false;
  error: { kind: ErrorKind; detail: string } | null = null;

  constructor(gapCapacity = PER_REQUEST_GAPS, random?: () => number) {
    this.itl = new Reservoir(gapCapacity, random);
  }

  onEvent(e: SseEvent, now: number): void {
    if (this.error || this.done) return;
    const data = e.data.trim();
    if (data === "[DONE]") {
      this.done = true;
      return;
    }
    // An empty `data:` carries nothing (a keep-alive some proxies send).
    if (data === "") return;
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      chunk = undefined;
    }
    if (!isObject(chunk)) {
      this.error = {
        kind: "malformed_event",
        detail: `an event's data is not a JSON object: ${data.slice(0, 80)}`,
      };
      return;
    }
    if (chunk.error !== undefined || chunk.object === "error" || e.event === "error") {
      // An error in the middle of a 200 stream (vLLM: {"error": {"message", "code"}}).
      const err = isObject(chunk.error) ? chunk.error : chunk;
      const code = Number(err.code);
      const message =
        typeof chunk.error === "string" ? chunk.error : typeof err.message === "string" ? err.message : data;
      this.error = {
        kind: Number.isInteger(code) && code >= 400 && code < 600 ? `http_${code}` : "broken_stream",
        detail: message.slice(0, 200),
      };
      return;
    }
    if (this.model === null && typeof chunk.model === "string" && chunk.model !== "")
      this.model = chunk.model.slice(0, 200);
    const u = chunk.usage;
    if (isObject(u) && typeof u.completion_tokens === "number" && Number.isFinite(u.completion_tokens))
      this.usage = u.completion_tokens;
    if (hasContent(chunk)) {
      if (this.first < 0) this.first = now;
      else this.itl.add(now - this.last);
      this.last = now;
      this.chunks++;
    }
  }

  /** The stream ended with [DONE]: without any generated text it is an error all the same. */
  get empty(): boolean {
    return this.chunks === 0;
  }
}

/**
 * Send one streamed request and time it. Never rejects: every outcome is a RequestResult. Stops at
 * `t.timeoutMs` ("timeout"), or when `signal` aborts: "deadline" when its reason is DEADLINE, else
 * "aborted"; a stopped request keeps what it measured (its TTFT when a token came, its gaps).
 */
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
      timer.clear();
      signal.removeEventListener("abort", onAbort);
      resolve({
        ok: !error,
        ...(error ? { error } : {}),
        ...(detail ? { detail } : {}),
        ttftMs: clock.first < 0 ? NaN : clock.first - t0,
        itlMs: clock.itl.values,
        itlSeen: clock.itl.seen,
        e2eMs: performance.now() - t0,
        outputTokens: clock.usage ?? clock.chunks,
        usageReported: clock.usage !== null,
        ...(clock.model !== null ? { model: clock.model } : {}),
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
          ...(t.authorization ? { authorization: t.authorization } : {}),
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          // Keep the start of the error body ("model not found" says more than "http_404"); read
          // at most MAX_BODY_BYTES of it.
          const decoder = new TextDecoder();
          let body = "";
          let bytes = 0;
          const done = () => finish(`http_${status}`, errorMessage(body));
          res.on("data", (b: Buffer) => {
            bytes += b.length;
            if (body.length < 2000) body += decoder.decode(b, { stream: true });
            if (bytes > MAX_BODY_BYTES) {
              done();
              res.destroy();
            }
          });
          res.on("end", done);
          res.on("error", done);
          res.on("close", done);
          return;
        }
        const decoder = new TextDecoder();
        const sse = new SseDecoder(
          (e) => {
            clock.onEvent(e, performance.now());
            if (clock.error) {
              finish(clock.error.kind, clock.error.detail);
              res.destroy();
            }
          },
          () => {
            finish("event_too_large", `one event is over ${MAX_EVENT_CHARS} characters`);
            res.destroy();
          },
        );
        const ended = () => {
          if (!clock.done) return finish("broken_stream");
          if (clock.empty)
            return finish(
              "empty_response",
              clock.usage
                ? `the server counted ${clock.usage} tokens but streamed no text`
                : "the stream ended without any generated text",
            );
          finish();
        };
        res.on("data", (b: Buffer) => {
          if (!settled) sse.push(decoder.decode(b, { stream: true }));
        });
        res.on("end", ended);
        res.on("error", () => finish("broken_stream"));
        res.on("close", ended);
      },
    );
    const timer = after(t.timeoutMs, () => {
      finish("timeout");
      req.destroy();
    });
    const onAbort = () => {
      finish(signal.reason === DEADLINE ? "deadline" : "aborted");
      req.destroy();
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort);
    req.on("error", () => finish(clock.first < 0 ? "connection" : "broken_stream"));
    req.end(payload);
  });
}

/** The message of an OpenAI-style error body ({"error": {"message"}} or {"message"}), else its start. */
export function errorMessage(body: string): string | undefined {
  if (!body.trim()) return undefined;
  try {
    const j = JSON.parse(body) as unknown;
    if (isObject(j)) {
      const m =
        typeof j.error === "string"
          ? j.error
          : [isObject(j.error) ? j.error.message : undefined, j.message, j.detail].find(
              (v) => typeof v === "string",
            );
      if (typeof m === "string" && m) return m.slice(0, 200);
    }
  } catch {
    // not JSON: plain text
  }
  return body.trim().replace(/\s+/g, " ").slice(0, 200);
}
