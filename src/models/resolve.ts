/**
 * Resolving the <model> argument:
 * - a catalog id or alias, a size alias ("70b"), or a Hugging Face id the catalog knows (no I/O);
 * - a local path: a model folder (config.json, plus *.safetensors / model.safetensors.index.json
 *   when present, read for exact counts), a config.json, a .safetensors file next to its
 *   config.json, or a .gguf file (or a folder holding one .gguf and no config.json);
 * - any other Hugging Face id `org/name[@revision]`: config.json and the safetensors headers read
 *   from the Hub with range requests, cached (src/models/hub.ts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve as resolvePath } from "node:path";
import { models, SIZE_ALIASES } from "../catalog/index.js";
import type { ModelEntry, Source } from "../catalog/types.js";
import { closest, UserError } from "../errors.js";
import { redactUrl } from "../redact.js";
import { cleanText } from "../sanitize.js";
import type { ModelArch } from "./arch.js";
import { type CheckpointSummary, summarizeSafetensors } from "./checkpoint.js";
import { loadGguf } from "./gguf.js";
import { parseHfConfig } from "./hfconfig.js";
import { fetchHubModel, hubOptions } from "./hub.js";
import { readSafetensorsFile, type SafetensorsHeader } from "./safetensors.js";

export interface ResolvedModel {
  id: string;
  name: string;
  /**
   * How the argument was understood: "hf-id" is a Hub id the catalog knows, "hub" one read from the
   * Hub (or its cache), "local" a folder or config.json, "gguf" a GGUF file.
   */
  resolvedFrom: "catalog" | "size-alias" | "hf-id" | "local" | "hub" | "gguf";
  arch: ModelArch;
  hfId: string | null;
  source: Source | null;
  entry: ModelEntry | null;
  /** A sentence for the user, e.g. "70b -> Llama 3.3 70B Instruct (size alias)". */
  note: string | null;
  /** Exact parameters and bytes from the checkpoint's tensor headers, when llmdeploy read them. */
  checkpoint?: CheckpointSummary;
}

const norm = (s: string): string => s.trim().toLowerCase();

function fromEntry(
  e: ModelEntry,
  resolvedFrom: ResolvedModel["resolvedFrom"],
  note: string | null,
): ResolvedModel {
  return {
    id: e.id,
    name: e.name,
    resolvedFrom,
    arch: parseHfConfig(e.config, e.id),
    hfId: e.hfId,
    source: e.configSource,
    entry: e,
    note,
  };
}

export function findCatalogModel(
  input: string,
): { entry: ModelEntry; via: ResolvedModel["resolvedFrom"] } | null {
  const q = norm(input).replace(/^hf:/, "").replace(/@.*$/, "");
  for (const e of models) {
    if (e.id === q || (e.aliases ?? []).some((a) => norm(a) === q)) return { entry: e, via: "catalog" };
  }
  for (const e of models) {
    if (norm(e.hfId) === q || (e.otherHfIds ?? []).some((h) => norm(h) === q))
      return { entry: e, via: "hf-id" };
  }
  const size = SIZE_ALIASES[q];
  if (size) {
    const e = models.find((m) => m.id === size);
    if (e) return { entry: e, via: "size-alias" };
  }
  return null;
}

const looksLikePath = (s: string): boolean =>
  s.startsWith(".") ||
  s.startsWith("/") ||
  s.startsWith("~") ||
  s.endsWith(".json") ||
  /\.(gguf|safetensors)$/i.test(s) ||
  /^[A-Za-z]:\\/.test(s);

/** org/name, optionally @revision (a branch, tag or commit). */
const HUB_ID = /^(?:hf:)?([A-Za-z0-9][\w.-]*\/[\w.-]+)(?:@([\w./-]+))?$/;

const FS_PROBLEMS: Record<string, string> = {
  EISDIR: "it is a folder, not a file",
  ENOENT: "it does not exist",
  ENOTDIR: "a part of its path is not a folder",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ELOOP: "too many symbolic links",
  ENAMETOOLONG: "the name is too long",
  EMFILE: "too many open files",
  EIO: "input/output error",
};

/** A file-system error (EISDIR, EACCES ...) as one line naming the file, or null for anything else. */
export function fsProblem(e: unknown, path?: string): UserError | null {
  const err = e as NodeJS.ErrnoException | null;
  if (!(err instanceof Error) || typeof err.code !== "string" || typeof err.syscall !== "string") return null;
  const what = FS_PROBLEMS[err.code] ?? err.code;
  return new UserError(
    `cannot read ${cleanText(err.path ?? path ?? "a model file")}: ${what}`,
    "check the path and the file's permissions",
  );
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw fsProblem(e, path) ?? e;
  }
  if (text.trim() === "")
    throw new UserError(`${path} is empty`, "check the file, or re-download config.json");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(
      `${path} is not valid JSON: ${(e as Error).message}`,
      "check the file, or re-download config.json",
    );
  }
}

/** Headers of the safetensors files of a folder: those the index names, else every *.safetensors. */
function localHeaders(dir: string): SafetensorsHeader[] {
  const indexFile = join(dir, "model.safetensors.index.json");
  let files: string[];
  if (existsSync(indexFile)) {
    const map = (readJson(indexFile) as { weight_map?: unknown }).weight_map;
    if (typeof map !== "object" || map === null)
      throw new UserError(`${indexFile} has no weight_map`, "re-download model.safetensors.index.json");
    const names = Object.values(map as Record<string, unknown>);
    // Shard names are plain file names in the model folder (model-00001-of-00004.safetensors).
    const badName = names.find(
      (f) => typeof f !== "string" || f === "" || f.split(/[\\/]/).includes("..") || isAbsolute(f),
    );
    if (badName !== undefined)
      throw new UserError(
        `${indexFile}: weight_map names ${JSON.stringify(typeof badName === "string" ? cleanText(badName).slice(0, 80) : badName) ?? "nothing"}, which is not a file in the model folder`,
        "re-download model.safetensors.index.json",
      );
    files = [...new Set(names as string[])].sort();
    if (files.length === 0)
      throw new UserError(`${indexFile}: weight_map is empty`, "re-download model.safetensors.index.json");
    for (const f of files) {
      const shard = join(dir, f);
      if (!existsSync(shard))
        throw new UserError(
          `${cleanText(shard)} is missing`,
          "the index names it; download every shard of the model",
        );
      if (!statSync(shard).isFile())
        throw new UserError(
          `${cleanText(shard)} is not a file (the index names it as a safetensors shard)`,
          "re-download model.safetensors.index.json and the shards it names",
        );
    }
  } else {
    files = readdirSync(dir)
      .filter((f) => f.endsWith(".safetensors"))
      .sort();
    for (const f of files)
      if (!statSync(join(dir, f)).isFile())
        throw new UserError(
          `${cleanText(join(dir, f))} is a folder, not a safetensors file`,
          "a model folder holds config.json and its *.safetensors shards as files",
        );
  }
  return files.map((f) => readSafetensorsFile(join(dir, f), f));
}

function fromGguf(path: string, input: string): ResolvedModel {
  const { arch, checkpoint, name } = loadGguf(path);
  const id = cleanText(basename(path).replace(/\.gguf$/i, ""));
  return {
    id,
    name: name ?? id,
    resolvedFrom: "gguf",
    arch,
    hfId: null,
    source: { url: path },
    entry: null,
    note: `read ${input}: ${checkpoint.label}, ${checkpoint.tensors} tensors`,
    checkpoint,
  };
}

function fromLocal(input: string): ResolvedModel {
  const p = resolvePath(input.replace(/^~(?=$|\/)/, process.env.HOME ?? "~"));
  if (!existsSync(p)) {
    throw new UserError(
      `path ${cleanText(input)} does not exist`,
      "pass a model folder containing config.json, a config.json file, a .gguf file, or a catalog name (llmdeploy models)",
    );
  }
  const isDir = statSync(p).isDirectory();
  if (!isDir && /\.gguf$/i.test(p)) return fromGguf(p, input);
  const dir = isDir ? p : dirname(p);
  const file = isDir || /\.safetensors$/i.test(p) ? join(dir, "config.json") : p;
  if (!existsSync(file)) {
    const ggufs = isDir ? readdirSync(p).filter((f) => /\.gguf$/i.test(f)) : [];
    if (ggufs.length === 1) return fromGguf(join(p, ggufs[0]!), input);
    throw new UserError(
      `${input} has no config.json`,
      ggufs.length > 1
        ? `it holds several .gguf files; pass one of them (${ggufs.slice(0, 3).join(", ")})`
        : "a Hugging Face model folder holds config.json next to the weights",
    );
  }
  const arch = parseHfConfig(readJson(file), file);
  const name = cleanText(
    p
      .split(/[\\/]/)
      .filter(Boolean)
      .at(isDir ? -1 : -2) ?? input,
  );
  const headers = isDir
    ? localHeaders(dir)
    : /\.safetensors$/i.test(p)
      ? [readSafetensorsFile(p, basename(p))]
      : [];
  const checkpoint = headers.length ? summarizeSafetensors(headers, arch) : undefined;
  return {
    id: name,
    name,
    resolvedFrom: "local",
    arch,
    hfId: null,
    source: { url: file },
    entry: null,
    note: checkpoint
      ? `read ${file} and ${headers.length} safetensors header${headers.length > 1 ? "s" : ""}: ${checkpoint.label}`
      : `read ${file}`,
    ...(checkpoint ? { checkpoint } : {}),
  };
}

function catalogNames(): string[] {
  return [...models.map((m) => m.id), ...models.map((m) => m.hfId), ...Object.keys(SIZE_ALIASES)];
}

async function fromHub(
  id: string,
  revision: string,
  input: string,
  offline: boolean,
): Promise<ResolvedModel> {
  const opts = hubOptions();
  if (offline) opts.offline = true;
  const { snapshot, fromCache } = await fetchHubModel({
    id,
    revision,
    opts,
    suggestions: closest(id, catalogNames()),
  });
  const label = `${id}${revision === "main" ? "" : `@${revision}`}`;
  const arch = parseHfConfig(snapshot.config, `${label} config.json`);
  const checkpoint = snapshot.headers.length ? summarizeSafetensors(snapshot.headers, arch) : undefined;
  const what = checkpoint
    ? `config.json and ${snapshot.headers.length} safetensors header${snapshot.headers.length > 1 ? "s" : ""} (${checkpoint.label})`
    : "config.json (no safetensors: sized from the architecture)";
  return {
    id: label,
    name: id.split("/").at(-1) ?? id,
    resolvedFrom: "hub",
    arch,
    hfId: id,
    source: { url: `${redactUrl(snapshot.endpoint)}/${id}/blob/${encodeURIComponent(revision)}/config.json` },
    entry: null,
    note: `${input}: read ${what} ${fromCache ? "from the cache" : `from ${redactUrl(snapshot.endpoint)}`}`,
    ...(checkpoint ? { checkpoint } : {}),
  };
}

/** fromLocal, with file-system errors (a folder where a file should be, no permission) as one line. */
function fromLocalChecked(input: string): ResolvedModel {
  try {
    return fromLocal(input);
  } catch (e) {
    throw fsProblem(e) ?? e;
  }
}

/**
 * Resolve the <model> argument (see the module comment). Throws a UserError for anything it cannot
 * read or does not know, naming the input (cleaned of control characters) and what to pass instead.
 * `offline`: a Hub id is read from the cache only, as with HF_HUB_OFFLINE=1 (verify --deployment
 * never reaches the network).
 */
export async function resolveModel(
  rawInput: string,
  opts: { offline?: boolean } = {},
): Promise<ResolvedModel> {
  if (!rawInput.trim())
    throw new UserError("no model given", "name a model: llmdeploy estimate 70b (see llmdeploy models)");
  if (rawInput.includes("\0"))
    throw new UserError(
      `${JSON.stringify(cleanText(rawInput))} is not a model name or path`,
      "see llmdeploy models",
    );
  const input = rawInput;
  if (looksLikePath(input)) return fromLocalChecked(input);
  const hit = findCatalogModel(input);
  if (hit) {
    const note =
      hit.via === "size-alias"
        ? `${input} -> ${hit.entry.name} (${hit.entry.hfId}); pick another with its id, see llmdeploy models`
        : null;
    return fromEntry(hit.entry, hit.via, note);
  }
  if (existsSync(input)) return fromLocalChecked(input);
  const hub = HUB_ID.exec(input.trim());
  if (hub) return fromHub(hub[1]!, hub[2] ?? "main", input, Boolean(opts.offline));
  const near = closest(input, catalogNames());
  if (input.includes("/")) {
    throw new UserError(
      `${cleanText(input)} is not in the catalog, nor a Hugging Face id (org/name[@revision])`,
      `download its config.json and pass the folder or file path${near.length ? `; similar catalog models: ${near.join(", ")}` : ""}`,
    );
  }
  throw new UserError(
    `unknown model ${JSON.stringify(cleanText(input))}`,
    near.length
      ? `did you mean ${near.join(", ")}? (llmdeploy models lists all)`
      : "llmdeploy models lists the catalog",
  );
}
