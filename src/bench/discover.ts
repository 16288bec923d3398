/**
 * Before the load: GET /v1/models, bounded in time (the whole answer, not only each read) and in
 * size, so that a server that is down, slow, refuses the key or answers without end is one clear
 * line before any request is sent. Without --model, the first model listed is the one to ask for.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { UserError } from "../errors.js";
import { redact } from "../redact.js";
import { endpointPath, errorMessage, MAX_BODY_BYTES } from "./client.js";
import { after } from "./timer.js";

/** How long GET /v1/models may take at most, whole answer included (less with a shorter --timeout). */
export const MODELS_TIMEOUT_MS = 10_000;

/** Why a GET failed, in words: "connection refused", "timed out after 10 s", ... */
export class GetError extends Error {}

const CAUSES: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by the server",
  ENOTFOUND: "host not found (DNS)",
  EAI_AGAIN: "host name lookup failed (DNS)",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "connection timed out",
  EPIPE: "connection closed by the server",
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS: the server's certificate is self-signed",
  SELF_SIGNED_CERT_IN_CHAIN: "TLS: a self-signed certificate in the chain",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS: the server's certificate cannot be verified",
  CERT_HAS_EXPIRED: "TLS: the server's certificate has expired",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS: the certificate does not name this host",
  EPROTO: "TLS handshake failed (is it an http:// server?)",
};

/** A network error's cause in words (its code when unknown). */
export function causeOf(e: unknown): string {
  if (e instanceof GetError) return e.message;
  const err = e as NodeJS.ErrnoException;
  return (err.code && CAUSES[err.code]) ?? err.code ?? err.message ?? String(e);
}

/**
 * GET `url` with these headers; the whole answer within `timeoutMs`, at most `maxBytes` of body.
 * Rejects with a GetError ("timed out after 10 s", "the answer is over 4 MiB") or the socket's error.
 */
export function boundedGet(
  url: URL,
  headers: Record<string, string>,
  timeoutMs: number,
  maxBytes: number = MAX_BODY_BYTES,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      timer.clear();
      f();
    };
    const req = send(
      {
        host: url.hostname,
        port: url.port || (url.protocol === "https:" ? 443 : 80),
        path: url.pathname + url.search,
        method: "GET",
        headers: { accept: "application/json", ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on("data", (b: Buffer) => {
          bytes += b.length;
          if (bytes > maxBytes) {
            settle(() =>
              reject(new GetError(`the answer is over ${Math.round(maxBytes / 1024 / 1024)} MiB`)),
            );
            res.destroy();
            return;
          }
          chunks.push(b);
        });
        res.on("end", () =>
          settle(() =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
          ),
        );
        res.on("error", (e) => settle(() => reject(e)));
        res.on("close", () => settle(() => reject(new GetError("the connection closed mid-answer"))));
      },
    );
    const timer = after(timeoutMs, () => {
      settle(() => reject(new GetError(`timed out after ${formatSeconds(timeoutMs)}`)));
      req.destroy();
    });
    req.on("error", (e) => settle(() => reject(e)));
    req.end();
  });
}

const formatSeconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

/**
 * GET /v1/models: the server must answer (else one line naming the cause, not 100 failed requests);
 * without `model`, the first model it lists. With `model`, any HTTP answer will do (some servers
 * do not serve /v1/models, or protect it with another key): the load counts what follows.
 * `secrets`: strings to mask in the server's messages (the API key, the URL's password).
 */
export async function discoverModel(
  url: URL,
  authorization: string | null,
  timeoutMs: number,
  model: string | undefined,
  secrets: readonly string[] = [],
): Promise<string> {
  const models = new URL(endpointPath(url, "chat").replace(/chat\/completions$/, "models"), url);
  const what = `GET ${models.pathname}`;
  // An origin never holds userinfo (scheme, host, port only).
  const origin = url.origin;
  let res: { status: number; body: string };
  try {
    res = await boundedGet(models, authorization ? { authorization } : {}, timeoutMs);
  } catch (e) {
    throw new UserError(
      `cannot reach ${origin}: ${what}: ${causeOf(e)}`,
      "check --url and that the server is up",
    );
  }
  if (model) return model;
  const raw = errorMessage(res.body);
  const message = raw === undefined ? undefined : redact(raw, secrets);
  const said = message ? `: ${message}` : "";
  if (res.status === 401 || res.status === 403) {
    throw new UserError(
      `${origin} refused the API key (${what}: HTTP ${res.status}${said})`,
      "pass --api-key or set LLMDEPLOY_API_KEY",
    );
  }
  if (res.status !== 200)
    throw new UserError(
      `${what} answered HTTP ${res.status}${said}`,
      "pass --model NAME (the name the server serves), or check --url",
    );
  let id: unknown;
  try {
    const list = (JSON.parse(res.body) as { data?: unknown } | null)?.data;
    id = Array.isArray(list) ? (list[0] as { id?: unknown } | null)?.id : undefined;
  } catch {
    id = undefined;
  }
  if (typeof id !== "string" || !id)
    throw new UserError(
      `${what} at ${origin} did not name a model (HTTP ${res.status})`,
      "pass --model NAME (the name the server serves)",
    );
  return id;
}
