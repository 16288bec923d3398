/**
 * A model on the Hugging Face Hub, read without downloading its weights: config.json, the
 * safetensors index, and each shard's header through HTTP range requests (bytes 0..7 give the
 * header length N, bytes 8..8+N-1 the header).
 *
 * URLs: `${HF_ENDPOINT:-https://huggingface.co}/${id}/resolve/${revision:-main}/${file}`.
 * Environment (the names huggingface_hub uses):
 *   HF_ENDPOINT     another Hub (a mirror, or a test server)
 *   HF_TOKEN        bearer token; else the token file `${HF_HOME}/token` (written by `hf auth login`)
 *   HF_HOME         default ~/.cache/huggingface
 *   HF_HUB_OFFLINE  1: never touch the network, use the cache only
 *   LLMDEPLOY_HF_TIMEOUT_MS  per request, default 15000
 *
 * Cache: `${HF_HOME}/llmdeploy/hub/<org>--<name>/<revision>.json` holds what was read (config,
 * index, headers), so a second run of the same id needs no network. It is used whenever it exists,
 * online too: delete the folder (or pin another revision with `org/name@revision`) to read again.
 *
 * A request that fails on the network, times out or gets a 5xx is tried once more.
 *
 * Credentials are never echoed: every message and the cached snapshot show HF_ENDPOINT with its
 * userinfo redacted (src/redact.ts), and an HF_ENDPOINT with a user name or password is refused
 * before any request (fetch cannot send URL credentials; HF_TOKEN is the way to authenticate).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { UserError } from "../errors.js";
import { redactUrl } from "../redact.js";
import {
  headerLength,
  parseSafetensorsHeader,
  SAFETENSORS_DTYPE_BITS,
  type SafetensorsHeader,
} from "./safetensors.js";

export interface HubOptions {
  endpoint: string;
  token: string | null;
  offline: boolean;
  /** `${HF_HOME}/llmdeploy` */
  cacheDir: string;
  timeoutMs: number;
}

const truthy = (v: string | undefined): boolean => /^(1|true|yes|on)$/i.test((v ?? "").trim());

/** Options from the environment, as huggingface_hub reads them. */
export function hubOptions(env: NodeJS.ProcessEnv = process.env): HubOptions {
  const home = (env.HF_HOME || join(homedir(), ".cache", "huggingface")).replace(/^~(?=$|\/)/, homedir());
  let token = env.HF_TOKEN?.trim() || env.HUGGING_FACE_HUB_TOKEN?.trim() || null;
  if (!token) {
    try {
      token = readFileSync(env.HF_TOKEN_PATH || join(home, "token"), "utf8").trim() || null;
    } catch {
      token = null;
    }
  }
  const t = Number(env.LLMDEPLOY_HF_TIMEOUT_MS);
  return {
    endpoint: (env.HF_ENDPOINT || "https://huggingface.co").replace(/\/+$/, ""),
    token,
    offline: truthy(env.HF_HUB_OFFLINE),
    cacheDir: join(home, "llmdeploy"),
    timeoutMs: Number.isFinite(t) && t > 0 ? t : 15_000,
  };
}

/** What llmdeploy reads of a Hub model; also the cache file's content. */
export interface HubSnapshot {
  id: string;
  revision: string;
  endpoint: string;
  fetchedAt: string;
  config: unknown;
  /** model.safetensors.index.json, or null for a single-file (or safetensors-less) model. */
  index: unknown;
  /** One per safetensors file, in file-name order; empty when the repo has no safetensors. */
  headers: SafetensorsHeader[];
}

const CACHE_VERSION = 1;

export function cachePath(opts: HubOptions, id: string, revision: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, "_");
  return join(opts.cacheDir, "hub", id.split("/").map(safe).join("--"), `${safe(revision)}.json`);
}

function readCache(opts: HubOptions, id: string, revision: string): HubSnapshot | null {
  try {
    const raw = JSON.parse(readFileSync(cachePath(opts, id, revision), "utf8")) as {
      version?: number;
      snapshot?: HubSnapshot;
    };
    if (raw.version !== CACHE_VERSION || !raw.snapshot || raw.snapshot.id !== id) return null;
    // A damaged or hand-edited cache is read again from the Hub rather than trusted.
    return cachedHeadersOk(raw.snapshot) ? raw.snapshot : null;
  } catch {
    return null;
  }
}

/** The cached snapshot's headers have the shape parseSafetensorsHeader returns. */
function cachedHeadersOk(s: HubSnapshot): boolean {
  return (
    typeof s.endpoint === "string" &&
    Array.isArray(s.headers) &&
    s.headers.every(
      (h) =>
        typeof h === "object" &&
        h !== null &&
        typeof h.file === "string" &&
        Array.isArray(h.tensors) &&
        h.tensors.every(
          (t) =>
            typeof t === "object" &&
            t !== null &&
            typeof t.name === "string" &&
            Object.hasOwn(SAFETENSORS_DTYPE_BITS, t.dtype) &&
            Array.isArray(t.shape) &&
            t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) &&
            Number.isSafeInteger(t.bytes) &&
            t.bytes >= 0,
        ),
    )
  );
}

/** Write the cache atomically; a cache that cannot be written only costs the next run a fetch. */
function writeCache(opts: HubOptions, snap: HubSnapshot): void {
  const file = cachePath(opts, snap.id, snap.revision);
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: CACHE_VERSION, snapshot: snap }));
    renameSync(tmp, file);
  } catch {
    // read-only home, full disk: carry on without the cache
  }
}

interface Got {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

/** A failure to talk to the Hub at all (after the retry). */
class NetworkError extends Error {}

/** Read at most `limit` bytes of a body, then let go of the rest. */
async function readBody(res: Response, limit: number): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.length;
  }
  if (total >= limit) await reader.cancel().catch(() => undefined);
  const out = new Uint8Array(Math.min(total, limit));
  let at = 0;
  for (const c of chunks) {
    const part = c.subarray(0, Math.min(c.length, out.length - at));
    out.set(part, at);
    at += part.length;
    if (at >= out.length) break;
  }
  return out;
}

/** GET with the token, a timeout, an optional byte range and one retry on network errors and 5xx. */
async function get(url: string, opts: HubOptions, range?: [number, number], limit = 64 << 20): Promise<Got> {
  const headers: Record<string, string> = { "user-agent": "llmdeploy" };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (range) headers.range = `bytes=${range[0]}-${range[1]}`;
  const max = range ? range[1] - range[0] + 1 : limit;
  let lastError: unknown = null;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const res = await fetch(url, {
        headers,
        redirect: "follow",
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      if (res.status >= 500 && attempt === 0) {
        await res.body?.cancel().catch(() => undefined);
        continue;
      }
      // A server that ignores Range answers 200 with the whole file: read only what was asked.
      let body = await readBody(res, res.status === 200 && range ? range[1] + 1 : max);
      if (res.status === 200 && range) body = body.subarray(range[0]);
      return { status: res.status, headers: res.headers, body };
    } catch (e) {
      lastError = e;
    }
  }
  const e = lastError as (Error & { cause?: { code?: string; message?: string } }) | null;
  const timedOut = e?.name === "TimeoutError" || e?.name === "AbortError";
  throw new NetworkError(
    timedOut
      ? `no answer within ${opts.timeoutMs / 1000} s`
      : (e?.cause?.code ?? e?.cause?.message ?? e?.message ?? "network error"),
  );
}

export interface HubContext {
  id: string;
  revision: string;
  opts: HubOptions;
  /** Catalog names close to the id, for "not found". */
  suggestions: string[];
}

const resolveUrl = (c: HubContext, file: string): string =>
  `${c.opts.endpoint}/${c.id}/resolve/${encodeURIComponent(c.revision)}/${file}`;

/** The endpoint as messages show it (credentials redacted). */
const shownEndpoint = (c: HubContext): string => redactUrl(c.opts.endpoint);

/** Refuse an HF_ENDPOINT that is not an http(s) URL, or that carries credentials, before any request. */
export function checkEndpoint(endpoint: string): void {
  const shown = redactUrl(endpoint);
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UserError(
      `HF_ENDPOINT ${JSON.stringify(shown)} is not a URL`,
      "set it to the Hub's address, e.g. https://huggingface.co, or unset it",
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new UserError(
      `HF_ENDPOINT ${JSON.stringify(shown)} is not an http(s) URL`,
      "set it to the Hub's address, e.g. https://huggingface.co, or unset it",
    );
  if (url.username || url.password)
    throw new UserError(
      `HF_ENDPOINT ${shown} has a user name or password in it; llmdeploy never sends credentials in a URL`,
      "remove them from HF_ENDPOINT and set HF_TOKEN (sent as a bearer token) instead",
    );
}

function near(c: HubContext): string {
  return c.suggestions.length ? `; similar catalog models: ${c.suggestions.join(", ")}` : "";
}

/** A UserError for a Hub answer that is not a success. */
function httpError(c: HubContext, file: string, r: Got): UserError {
  const code = r.headers.get("x-error-code") ?? "";
  const page = `${shownEndpoint(c)}/${c.id}`;
  if (
    code === "RepoNotFound" ||
    (r.status === 404 && file === "config.json" && code !== "EntryNotFound" && code !== "RevisionNotFound")
  ) {
    return new UserError(
      `${c.id} is not in the catalog and was not found on the Hugging Face Hub`,
      `check the id (org/name, as on ${page})${c.opts.token ? "" : "; a private model needs HF_TOKEN"}${near(c)}`,
    );
  }
  if (code === "RevisionNotFound") {
    return new UserError(
      `revision "${c.revision}" of ${c.id} was not found on the Hugging Face Hub`,
      `check the branch, tag or commit after @ (${page})`,
    );
  }
  if (code === "GatedRepo" || r.status === 401 || r.status === 403) {
    return c.opts.token
      ? new UserError(
          `${c.id} is gated or private, and HF_TOKEN has no access to it (HTTP ${r.status})`,
          `accept the model's licence on its Hub page (${page}) with the account the token belongs to, or use another token`,
        )
      : new UserError(
          `${c.id} is gated or private on the Hugging Face Hub (HTTP ${r.status})`,
          `set HF_TOKEN and accept the model's licence on its Hub page (${page})`,
        );
  }
  if (r.status === 404) {
    return new UserError(
      `${c.id} has no ${file} on the Hugging Face Hub`,
      file === "config.json"
        ? `llmdeploy reads config.json and the safetensors headers; for a GGUF-only repo, download the .gguf and pass its path (${page})`
        : `check ${page}`,
    );
  }
  if (r.status === 429) {
    return new UserError(
      `the Hugging Face Hub is rate-limiting requests (HTTP 429)`,
      "wait a minute, or set HF_TOKEN",
    );
  }
  return new UserError(
    `the Hugging Face Hub answered HTTP ${r.status} for ${file} of ${c.id}`,
    "try again later, or download config.json and the *.safetensors and pass the folder",
  );
}

function unreachable(c: HubContext, why: string): UserError {
  return new UserError(
    `${c.id} is not in the catalog, and the Hugging Face Hub (${shownEndpoint(c)}) could not be reached: ${redactUrl(why).split("\n")[0]}`,
    `check the network or HF_ENDPOINT (HF_HUB_OFFLINE=1 uses only llmdeploy's cache); or download config.json and pass the folder${near(c)}`,
  );
}

async function getOrExplain(c: HubContext, file: string, range?: [number, number]): Promise<Got> {
  try {
    return await get(resolveUrl(c, file), c.opts, range);
  } catch (e) {
    if (e instanceof NetworkError) throw unreachable(c, e.message);
    throw e;
  }
}

function parseJson(c: HubContext, file: string, body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(body));
  } catch (e) {
    throw new UserError(
      `${file} of ${c.id} on the Hub is not valid JSON: ${(e as Error).message.split("\n")[0]}`,
      "check the repository's files",
    );
  }
}

/** First request for a header: this many bytes hold the length and, for most shards, the whole header. */
const FIRST_RANGE = 256 * 1024;

/** The header of one safetensors file, in one or two range requests; null if the file does not exist. */
async function fetchHeader(c: HubContext, file: string): Promise<SafetensorsHeader | null> {
  const first = await getOrExplain(c, file, [0, FIRST_RANGE - 1]);
  if (first.status === 404) return null;
  if (first.status === 416)
    throw new UserError(`${file} of ${c.id} is empty on the Hub`, "check the repository's files");
  if (first.status !== 206 && first.status !== 200) throw httpError(c, file, first);
  const label = `${c.id}/${file}`;
  const n = headerLength(first.body.subarray(0, 8), label);
  let json = first.body.subarray(8, 8 + n);
  if (json.length < n) {
    const rest = await getOrExplain(c, file, [8 + json.length, 8 + n - 1]);
    if (rest.status !== 206 && rest.status !== 200) throw httpError(c, file, rest);
    const all = new Uint8Array(n);
    all.set(json, 0);
    all.set(rest.body.subarray(0, n - json.length), json.length);
    if (rest.body.length < n - json.length)
      throw new UserError(`${label}: the Hub sent a short header`, "try again");
    json = all;
  }
  return parseSafetensorsHeader(json, file, label);
}

/** Run `f` over `items`, at most `limit` at a time, keeping the order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Read a model from the Hub (or the cache). `fromCache` says which. Throws UserErrors for every
 * failure the user can act on.
 */
export async function fetchHubModel(c: HubContext): Promise<{ snapshot: HubSnapshot; fromCache: boolean }> {
  const cached = readCache(c.opts, c.id, c.revision);
  if (cached) return { snapshot: cached, fromCache: true };
  if (c.opts.offline) {
    throw new UserError(
      `${c.id} is not in the catalog, and HF_HUB_OFFLINE=1 while llmdeploy has no cached copy of it`,
      `run once with the network (unset HF_HUB_OFFLINE) to cache it in ${join(c.opts.cacheDir, "hub")}, or pass a local folder${near(c)}`,
    );
  }
  checkEndpoint(c.opts.endpoint);
  const cfg = await getOrExplain(c, "config.json");
  if (cfg.status !== 200) throw httpError(c, "config.json", cfg);
  const config = parseJson(c, "config.json", cfg.body);

  const idx = await getOrExplain(c, "model.safetensors.index.json");
  let index: unknown = null;
  let files: string[];
  if (idx.status === 200) {
    index = parseJson(c, "model.safetensors.index.json", idx.body);
    const map = (index as { weight_map?: unknown }).weight_map;
    if (typeof map !== "object" || map === null)
      throw new UserError(
        `model.safetensors.index.json of ${c.id} has no weight_map`,
        "check the repository's files",
      );
    files = [...new Set(Object.values(map as Record<string, unknown>).map(String))].sort();
  } else if (idx.status === 404) {
    files = ["model.safetensors"];
  } else {
    throw httpError(c, "model.safetensors.index.json", idx);
  }
  const got = await mapLimit(files, 8, (f) => fetchHeader(c, f));
  const headers: SafetensorsHeader[] = [];
  for (const [i, h] of got.entries()) {
    if (h) headers.push(h);
    else if (index !== null)
      throw new UserError(
        `${c.id}: the index names ${files[i]}, which the Hub does not have`,
        "check the repository's files",
      );
  }
  const snapshot: HubSnapshot = {
    id: c.id,
    revision: c.revision,
    endpoint: shownEndpoint(c),
    fetchedAt: new Date().toISOString(),
    config,
    index,
    headers,
  };
  writeCache(c.opts, snapshot);
  return { snapshot, fromCache: false };
}
