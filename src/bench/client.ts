/**
 * One streamed request to an OpenAI-compatible server, timed: time to the first content token,
 * the gaps between content chunks, the whole request. Server-sent events are parsed by hand over
 * node:http with a keep-alive agent: cheap enough for hundreds of concurrent streams on one core.
 */
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

export type ErrorKind = `http_${number}` | "timeout" | "broken_stream" | "connection" | "aborted";

export interface RequestResult {
  ok: boolean;
  error?: ErrorKind;
  /** ms from sending to the first content token. */
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

function body(t: Target, p: Prompt, maxTokens: number | null): string {
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

/** Text of a streamed chunk's delta (chat) or text (completions); "" when none. */
function contentOf(chunk: unknown): string {
  const c = (chunk as { choices?: { delta?: { content?: string }; text?: string }[] })?.choices?.[0];
  return c?.delta?.content ?? c?.text ?? "";
}

export function streamRequest(
  t: Target,
  p: Prompt,
  maxTokens: number | null,
  signal: AbortSignal,
): Promise<RequestResult> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let first = -1;
    let last = -1;
    const itl: number[] = [];
    let chunks = 0;
    let usage: number | null = null;
    let done = false;
    let settled = false;
    const path =
      t.url.pathname.replace(/\/$/, "") +
      (t.endpoint === "chat" ? "/v1/chat/completions" : "/v1/completions");
    const payload = body(t, p, maxTokens);
    const finish = (error?: ErrorKind) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      const now = performance.now();
      resolve({
        ok: !error,
        ...(error ? { error } : {}),
        ttftMs: first < 0 ? NaN : first - t0,
        itlMs: itl,
        e2eMs: now - t0,
        outputTokens: usage ?? chunks,
        usageReported: usage !== null,
      });
    };
    const send = t.url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(
      {
        host: t.url.hostname,
        port: t.url.port || (t.url.protocol === "https:" ? 443 : 80),
        path,
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
        if (res.statusCode !== 200) {
          res.resume();
          res.on("end", () => finish(`http_${res.statusCode ?? 0}`));
          res.on("error", () => finish(`http_${res.statusCode ?? 0}`));
          return;
        }
        res.setEncoding("utf8");
        let buf = "";
        res.on("data", (text: string) => {
          buf += text;
          let i: number;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            const event = buf.slice(0, i);
            buf = buf.slice(i + 2);
            for (const line of event.split("\n")) {
              if (!line.startsWith("data:")) continue;
              const data = line.slice(5).trim();
              if (data === "[DONE]") {
                done = true;
                continue;
              }
              let chunk: unknown;
              try {
                chunk = JSON.parse(data);
              } catch {
                continue;
              }
              const u = (chunk as { usage?: { completion_tokens?: number } | null }).usage;
              if (u && typeof u.completion_tokens === "number") usage = u.completion_tokens;
              if (contentOf(chunk)) {
                const now = performance.now();
                if (first < 0) first = now;
                else itl.push(now - last);
                last = now;
                chunks++;
              }
            }
          }
        });
        res.on("end", () => finish(done ? undefined : "broken_stream"));
        res.on("error", () => finish("broken_stream"));
        res.on("aborted", () => finish("broken_stream"));
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
    signal.addEventListener("abort", onAbort);
    req.on("error", () => finish(first < 0 ? "connection" : "broken_stream"));
    req.end(payload);
  });
}
