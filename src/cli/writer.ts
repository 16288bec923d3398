/**
 * The one output writer of `render --out` and `plan --out`: rendered files in, a folder out, all or
 * nothing.
 * - Each file is compared with the folder: new, changed (content, or the executable bit), unchanged.
 *   A changed file is overwritten only with --force (otherwise a one-line refusal listing them and
 *   nothing written); --dry-run and --check compare and write nothing.
 * - A manifest, .llmdeploy-manifest.json, lists what llmdeploy wrote (sorted paths and SHA-256). A
 *   listed file that the plan no longer produces is stale: removed when its content is still what
 *   llmdeploy wrote, kept and reported when it was edited since (removed with --force). Files not in
 *   the manifest (secrets/api-keys.map, secrets/hf_token, notes) are the user's: carried over as they are.
 * - Writing never follows a symbolic link: --out itself as a link, a link at a path llmdeploy
 *   writes, or a linked folder inside --out on the way to one, is refused with one line naming it.
 *   Links among the folders that hold --out are resolved, and a note says where the folder is.
 * - The update itself (writer-swap.ts) builds the new folder beside the old one and swaps it in;
 *   a run that was killed is repaired by the next one. Every I/O failure is one line with a hint
 *   (writer-fs.ts).
 * - --generate-api-key adds secrets/api-keys.map (mode 0600, one random key) only when absent.
 */
import { createHash, randomBytes } from "node:crypto";
import { basename, dirname, join, resolve } from "node:path";
import * as z from "zod/mini";
import { UserError } from "../errors.js";
import type { RenderedFile } from "../render/index.js";
import { displayPaths, ioError, lstatOrNone, realFs, type Stats, type WriterFs } from "./writer-fs.js";
import { commitChange, isInPlaceLeftover, recoverFolder, type NewFile } from "./writer-swap.js";

export { realFs, type WriterFs } from "./writer-fs.js";

export const MANIFEST = ".llmdeploy-manifest.json";
export const API_KEYS = "secrets/api-keys.map";
const DEFAULT_MODE = 0o644;

/**
 * new / changed / unchanged: a file the plan renders, compared with the folder. stale: llmdeploy
 * wrote it, the plan no longer renders it: removed. kept: stale but edited since: left in place.
 */
export type FileStatus = "new" | "changed" | "unchanged" | "stale" | "kept";

export interface FileState {
  /** Path inside the folder, with "/" ("nginx/nginx.conf"). */
  path: string;
  status: FileStatus;
  /** The file on disk is not what llmdeploy last wrote (edited by hand, or absent from the manifest). */
  edited: boolean;
  /** The text on disk (null: none) and the text the write leaves (null: none); null for the API key. */
  before: string | null;
  after: string | null;
  /** When only the executable bit differs: [mode on disk, mode rendered]. */
  modes?: [number, number];
}

export interface WriteOptions {
  /** Overwrite files that differ; remove stale files even when edited. */
  force?: boolean;
  /** Compare and report; write nothing. */
  dryRun?: boolean;
  /** Compare for CI; write nothing (the caller turns differences into exit 1). */
  check?: boolean;
  /** Add secrets/api-keys.map with one new key (mode 0600) when it does not exist. */
  generateApiKey?: boolean;
  /** Manifest entries this command neither writes nor removes (render keeps plan.yaml). */
  keep?: readonly string[];
  /** The file-system layer; node:fs by default (tests inject failures). */
  fs?: WriterFs;
}

export interface WriteResult {
  /** The folder as the user named it. */
  outDir: string;
  /** Every rendered file, the API key, the manifest, and stale files: what writing does (did). */
  files: FileState[];
  /** Nothing was written (dry run, check, or all up to date). */
  wroteNothing: boolean;
  /** secrets/api-keys.map (as outDir/...) when --generate-api-key wrote (or would write) it. */
  apiKeyFile: string | null;
  /** --generate-api-key found secrets/api-keys.map already there and left it alone. */
  apiKeyKept: boolean;
  /** What was found or repaired of an earlier, interrupted run. */
  notes: string[];
}

interface Planned extends FileState {
  /** What to write (new / changed files). */
  file?: NewFile;
}

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** A relative path with "/" that stays inside the folder and is none of the writer's own names. */
function safePath(p: string): boolean {
  const parts = p.split("/");
  return (
    !p.startsWith("/") &&
    !p.includes("\\") &&
    parts.every((s) => s !== "" && s !== "." && s !== "..") &&
    p !== MANIFEST &&
    !isInPlaceLeftover(parts[0]!)
  );
}

/**
 * --out as an absolute folder path, and a note when it is not where the path says. --out itself must
 * not be a symbolic link (a UserError: a link planted at a shared path would send the files, and
 * with --force the removal of stale ones, wherever it points); links among the folders that hold it
 * are resolved (the user's own path: /tmp -> /private/tmp on macOS, a linked home) and said in the note.
 */
function resolveOut(fs: WriterFs, outDir: string): { dir: string; note: string | null } {
  const typed = resolve(fs.cwd(), outDir);
  if (lstatOrNone(fs, typed)?.isSymbolicLink()) {
    let target = "";
    try {
      target = ` (to ${fs.realpathSync(typed)})`;
    } catch {
      target = " (dangling)";
    }
    throw new UserError(
      `--out ${outDir} is a symbolic link${target}: llmdeploy does not write a deployment through one`,
      "pass the folder it points to as --out if that is where the files belong, or choose another --out; nothing was written",
    );
  }
  let head = typed;
  const tail: string[] = [];
  while (!lstatOrNone(fs, head) && dirname(head) !== head) {
    tail.unshift(basename(head));
    head = dirname(head);
  }
  let real = head;
  try {
    real = fs.realpathSync(head);
  } catch {
    // a dangling link: refused just below as "not a folder"
  }
  const dir = join(real, ...tail);
  const st = lstatOrNone(fs, dir);
  if (st && !st.isDirectory())
    throw new UserError(`${outDir} exists and is not a folder`, "choose another --out");
  const note = dir === typed ? null : `${outDir} is ${dir} (a symbolic link on the way there, resolved)`;
  return { dir, note };
}

/**
 * The regular file at `rel` inside dir, reached through real folders only: its Stats, or undefined
 * when nothing is there. `strict`: a link, a folder or a file in the way is a UserError naming it
 * (llmdeploy is about to write there); otherwise it counts as nothing there.
 */
function probe(fs: WriterFs, dir: string, rel: string, show: (p: string) => string, strict: boolean) {
  const parts = rel.split("/");
  const nothing = "; nothing was written";
  for (let i = 1; i <= parts.length; i++) {
    const p = join(dir, ...parts.slice(0, i));
    const st: Stats | undefined = lstatOrNone(fs, p);
    if (!st) return undefined;
    const last = i === parts.length;
    let why: [string, string] | null = null;
    if (st.isSymbolicLink()) {
      why = last
        ? [
            `${show(p)} is a symbolic link: llmdeploy never writes through one (it can point outside ${show(dir)})`,
            `remove the link (llmdeploy then writes a regular file there), or choose another --out${nothing}`,
          ]
        : [
            `${show(p)} is a symbolic link: llmdeploy never writes ${rel} through one (it can point outside ${show(dir)})`,
            `replace the link with a real folder, or choose another --out${nothing}`,
          ];
    } else if (!last && !st.isDirectory()) {
      why = [
        `${show(p)} is a file where llmdeploy needs a folder (for ${rel})`,
        `move or rename it, or choose another --out${nothing}`,
      ];
    } else if (last && st.isDirectory()) {
      why = [
        `${show(p)} is a folder where llmdeploy writes a file`,
        `move or rename it, or choose another --out${nothing}`,
      ];
    } else if (last && !st.isFile()) {
      why = [`${show(p)} is not a regular file`, `move it away, or choose another --out${nothing}`];
    }
    if (why) {
      if (strict) throw new UserError(...why);
      return undefined;
    }
    if (last) return st;
  }
  return undefined;
}

const manifestSchema = z.object({
  files: z.array(z.object({ path: z.string(), sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)) })),
});
type ManifestEntry = z.infer<typeof manifestSchema>["files"][number];

const MANIFEST_ABOUT =
  "Written by llmdeploy: the files it wrote here and their SHA-256. When a plan no longer renders a listed file, llmdeploy render removes it if it is unchanged. Files not listed are yours: llmdeploy never removes them.";

export function manifestText(entries: ManifestEntry[]): string {
  const byPath = new Map(entries.map((e) => [e.path, { path: e.path, sha256: e.sha256 }]));
  const files = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return JSON.stringify({ about: MANIFEST_ABOUT, files }, null, 2) + "\n";
}

function readManifest(fs: WriterFs, dir: string, show: (p: string) => string): Map<string, string> {
  if (!probe(fs, dir, MANIFEST, show, true)) return new Map();
  let parsed: ReturnType<typeof manifestSchema.safeParse> | null = null;
  try {
    parsed = manifestSchema.safeParse(JSON.parse(String(fs.readFileSync(join(dir, MANIFEST), "utf8"))));
  } catch {
    parsed = null;
  }
  if (!parsed?.success) {
    throw new UserError(
      `${show(join(dir, MANIFEST))} is not an llmdeploy manifest (expected {"files": [{"path", "sha256"}]})`,
      `restore it (git checkout), or delete it: llmdeploy then treats every file in ${show(dir)} as yours and removes none; nothing was written`,
    );
  }
  return new Map(parsed.data.files.filter((e) => safePath(e.path)).map((e) => [e.path, e.sha256]));
}

/** A file llmdeploy writes, compared with what is at its path. */
function compare(
  fs: WriterFs,
  dir: string,
  f: RenderedFile,
  recorded: Map<string, string>,
  show: (p: string) => string,
): Planned {
  const mode = f.mode ?? DEFAULT_MODE;
  const file = { content: f.content, mode };
  const st = probe(fs, dir, f.path, show, true);
  if (!st) return { path: f.path, status: "new", edited: false, before: null, after: f.content, file };
  const raw = fs.readFileSync(join(dir, f.path)) as Buffer;
  const before = raw.toString("utf8");
  // Only the executable bit counts: umask and checkouts vary the rest.
  const execOk = ((st.mode & 0o111) !== 0) === ((mode & 0o111) !== 0);
  const same = raw.equals(Buffer.from(f.content, "utf8")) && execOk;
  return {
    path: f.path,
    status: same ? "unchanged" : "changed",
    edited: recorded.get(f.path) !== sha256(raw),
    before,
    after: f.content,
    file,
    ...(execOk ? {} : { modes: [st.mode & 0o777, mode] as [number, number] }),
  };
}

/** The API keys file: one "Bearer sk-<48 hex>" key in nginx map syntax (the format nginx/nginx.conf reads). */
function newApiKeyFile(): NewFile {
  return { content: `"Bearer sk-${randomBytes(24).toString("hex")}" 1;\n`, mode: 0o600 };
}

function plan(
  fs: WriterFs,
  dir: string,
  outDir: string,
  files: RenderedFile[],
  opts: WriteOptions,
  show: (p: string) => string,
): WriteResult {
  const recorded = lstatOrNone(fs, dir) ? readManifest(fs, dir, show) : new Map<string, string>();
  const states: Planned[] = files.map((f) => compare(fs, dir, f, recorded, show));
  const entries: ManifestEntry[] = files.map((f) => ({ path: f.path, sha256: sha256(f.content) }));
  let apiKeyFile: string | null = null;
  let apiKeyKept = false;
  if (opts.generateApiKey && !opts.check) {
    if (probe(fs, dir, API_KEYS, show, true)) apiKeyKept = true;
    else {
      states.push({
        path: API_KEYS,
        status: "new",
        edited: false,
        before: null,
        after: null,
        file: newApiKeyFile(),
      });
      apiKeyFile = join(outDir, API_KEYS);
    }
  }
  const produced = new Set(states.map((s) => s.path));
  const keep = new Set(opts.keep ?? []);
  for (const [path, sha] of recorded) {
    if (produced.has(path) || path === API_KEYS) continue;
    const st = probe(fs, dir, path, show, false);
    if (!st) continue; // gone, or no longer a file of ours: dropped from the manifest
    if (keep.has(path)) {
      entries.push({ path, sha256: sha });
      continue;
    }
    const raw = fs.readFileSync(join(dir, path)) as Buffer;
    const edited = sha256(raw) !== sha;
    const text = raw.toString("utf8");
    if (edited && !opts.force) {
      states.push({ path, status: "kept", edited, before: text, after: text });
      entries.push({ path, sha256: sha });
    } else states.push({ path, status: "stale", edited, before: text, after: null });
  }
  states.push(compare(fs, dir, { path: MANIFEST, content: manifestText(entries) }, recorded, show));
  return { outDir, files: states, wroteNothing: true, apiKeyFile, apiKeyKept, notes: [] };
}

/**
 * Writes `files` (paths relative to the folder) into outDir as the options say, and returns what it
 * did (or would do). Throws a UserError, with nothing written, for: changed files without --force;
 * a symbolic link, a folder or a file in the way of a path it writes; an unreadable manifest; an
 * I/O failure (ENOSPC, EACCES, EROFS, ...), after putting the folder back as it was. A programming
 * error (an unsafe path in `files`) is a plain Error.
 */
export function writeOutput(files: RenderedFile[], outDir: string, opts: WriteOptions = {}): WriteResult {
  const fs = opts.fs ?? realFs;
  for (const f of files) {
    if (!safePath(f.path) || f.path === API_KEYS) throw new Error(`unsafe path in rendered files: ${f.path}`);
  }
  let show = (p: string) => p;
  let dir: string;
  let notes: string[];
  try {
    const out = resolveOut(fs, outDir);
    dir = out.dir;
    show = displayPaths(dir, outDir);
    notes = [...(out.note ? [out.note] : []), ...recoverFolder(fs, dir, show, !opts.dryRun && !opts.check)];
  } catch (e) {
    throw ioError(e, fs, show, false);
  }
  let result: WriteResult;
  try {
    result = plan(fs, dir, outDir, files, opts, show);
  } catch (e) {
    throw ioError(e, fs, show, true, "read");
  }
  result.notes = notes;
  if (opts.check || opts.dryRun) return result;
  const states = result.files as Planned[];
  const changed = states.filter((s) => s.status === "changed" && s.path !== MANIFEST);
  if (changed.length && !opts.force) {
    throw new UserError(
      `${changed.length} file(s) in ${outDir} differ from what the plan renders: ${changed.map((s) => s.path).join(", ")}`,
      "pass --force to overwrite them, or --dry-run to list every change; nothing was written",
    );
  }
  const write = new Map<string, NewFile>();
  const drop = new Set<string>();
  for (const s of states) {
    if ((s.status === "new" || s.status === "changed") && s.file) write.set(s.path, s.file);
    if (s.status === "stale") drop.add(s.path);
  }
  if (!write.size && !drop.size) return result;
  result.notes.push(...commitChange({ dir, write, drop, fs, show }));
  result.wroteNothing = false;
  return result;
}
