/**
 * `llmdeploy render plan.yaml --out DIR`: read and check a plan, render it (src/render, pure), then
 * write the files all or nothing:
 * - identical files are left alone; a file that differs is overwritten only with --force (otherwise
 *   exit 1 with the list, nothing written); --dry-run lists what would change; --check exits 1 when
 *   anything would (for CI); neither writes;
 * - everything is first written to a staging folder (beside a new DIR, inside an existing one), then
 *   moved into place; if a move fails, the files already moved are put back, so DIR is never left
 *   half-written;
 * - secrets are never rendered; --generate-api-key adds secrets/api-keys.map (mode 0600) when absent.
 * Before writing, the files are checked against the plan (cli/deployment-check.ts): an inconsistent
 * deployment is refused.
 * Templates ship in the package's templates/ folder, found from this file's location.
 */
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type * as YamlModule from "yaml";
import { UserError } from "../errors.js";
import type { Plan } from "../contract/plan.js";
import { planProblem } from "../contract/plan-schema.js";
import { render, type RenderedFile, TEMPLATE_FILES, type Templates } from "../render/index.js";
import { info, out } from "./output.js";

// ---------------------------------------------------------------- templates

/** templates/ beside dist/ (the installed package) or beside src/ (the repository). */
export function templatesDir(): string {
  for (const rel of ["../templates/", "../../templates/"]) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (TEMPLATE_FILES.every((f) => existsSync(join(dir, f)))) return dir;
  }
  throw new Error("templates/ not found beside the llmdeploy package (reinstall it)");
}

export function loadTemplates(dir = templatesDir()): Templates {
  return Object.fromEntries(TEMPLATE_FILES.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}

export function renderFiles(plan: Plan): RenderedFile[] {
  return render(plan, loadTemplates());
}

// ---------------------------------------------------------------- reading a plan

type YamlLib = typeof YamlModule;
async function yamlLib(): Promise<YamlLib> {
  const m = (await import("yaml")) as YamlLib & { default?: YamlLib };
  return m.default ?? m;
}

/** Checks a parsed plan file; throws a one-line UserError naming the first bad field. */
export function checkPlan(raw: unknown, where: string): Plan {
  const hint = "regenerate it with llmdeploy plan --out DIR";
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new UserError(`${where}: not a plan (expected a mapping)`, hint);
  }
  const p = raw as Record<string, unknown>;
  if (p.kind !== "Plan" || p.apiVersion !== "llmdeploy/v1") {
    throw new UserError(
      `${where}: not an llmdeploy/v1 Plan (kind: ${String(p.kind)}, apiVersion: ${String(p.apiVersion)})`,
      hint,
    );
  }
  if (p.recommendation === undefined || p.recommendation === null) {
    throw new UserError(`${where}: recommendation is missing`, hint);
  }
  const problem = planProblem(raw);
  if (problem) throw new UserError(`${where}: ${problem}`, hint);
  return raw as Plan;
}

/** Reads plan.yaml (or JSON, or a folder holding plan.yaml) and checks it. */
export async function readPlanFile(path: string): Promise<Plan> {
  if (!existsSync(path)) {
    throw new UserError(
      `plan file ${path} does not exist`,
      "make one with llmdeploy plan --out DIR (it writes DIR/plan.yaml)",
    );
  }
  if (statSync(path).isDirectory()) {
    const inside = join(path, "plan.yaml");
    if (existsSync(inside)) return readPlanFile(inside);
    throw new UserError(`${path} is a folder without plan.yaml`, "pass the plan.yaml file");
  }
  let raw: unknown;
  try {
    raw = (await yamlLib()).parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UserError(
      `${path} is not valid YAML: ${String((e as Error).message).split("\n")[0]}`,
      "check the file, or regenerate it with llmdeploy plan --out DIR",
    );
  }
  return checkPlan(raw, path);
}

// ---------------------------------------------------------------- writing

export type FileStatus = "new" | "changed" | "unchanged";

export interface FileState {
  path: string;
  status: FileStatus;
}

export interface WriteOptions {
  /** Overwrite files that differ. */
  force?: boolean;
  /** List what would change; write nothing. */
  dryRun?: boolean;
  /** Like dryRun, and a UserError (exit 1) when anything would change. */
  check?: boolean;
  /** Add secrets/api-keys.map with one new key (mode 0600) when it does not exist. */
  generateApiKey?: boolean;
}

export interface WriteResult {
  outDir: string;
  /** Every rendered file and what writing it does (did). */
  files: FileState[];
  /** Nothing was written (dry run, check, or all up to date). */
  wroteNothing: boolean;
  /** secrets/api-keys.map when --generate-api-key wrote (or would write) it. */
  apiKeyFile: string | null;
  /** --generate-api-key found secrets/api-keys.map already there and left it alone. */
  apiKeyKept: boolean;
}

const API_KEYS = "secrets/api-keys.map";
const DEFAULT_MODE = 0o644;

function statusOf(dir: string, f: RenderedFile): FileStatus {
  const p = join(dir, f.path);
  let st;
  try {
    st = lstatSync(p);
  } catch {
    return "new";
  }
  if (!st.isFile()) return "changed";
  if (readFileSync(p, "utf8") !== f.content) return "changed";
  // Only the executable bit counts: umask and checkouts vary the rest.
  const wantExec = ((f.mode ?? DEFAULT_MODE) & 0o111) !== 0;
  return ((st.mode & 0o111) !== 0) === wantExec ? "unchanged" : "changed";
}

function put(root: string, f: RenderedFile): void {
  const p = join(root, f.path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, f.content, { mode: f.mode ?? DEFAULT_MODE });
  chmodSync(p, f.mode ?? DEFAULT_MODE);
}

/** mkdir -p that reports the folders it created, outermost first. */
function mkdirs(dir: string): string[] {
  const created: string[] = [];
  let d = dir;
  while (!existsSync(d)) {
    created.unshift(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  for (const c of created) mkdirSync(c);
  return created;
}

const staging = (prefix: string) => `${prefix}.llmdeploy-${process.pid}-${randomBytes(4).toString("hex")}`;

const cannotWrite = (outDir: string, e: unknown) =>
  new UserError(
    `cannot write ${outDir}: ${String((e as Error).message).split("\n")[0]}`,
    "nothing was changed; check the path and its permissions",
  );

/** A new folder: written beside its target, then renamed into place in one step. */
function writeNewFolder(dir: string, outDir: string, files: RenderedFile[]): void {
  let created: string[] = [];
  const stage = staging(join(dirname(dir), `.${basename(dir)}`));
  try {
    created = mkdirs(dirname(dir));
    for (const f of files) put(stage, f);
    renameSync(stage, dir);
  } catch (e) {
    try {
      rmSync(stage, { recursive: true, force: true });
      for (const c of created.reverse()) rmdirSync(c);
    } catch {
      // nothing was created where the folder could not be (its parent is a file)
    }
    throw cannotWrite(outDir, e);
  }
}

/**
 * An existing folder: the new files are staged inside it, then each moved over its target with the
 * old one kept aside; on any failure the moves are undone in reverse, so the folder is as it was.
 */
function updateFolder(dir: string, outDir: string, files: RenderedFile[]): void {
  const stage = staging(join(dir, ".staging"));
  const moves: { target: string; backup: string | null; placed: boolean; made: string[] }[] = [];
  try {
    for (const f of files) put(join(stage, "new"), f);
    for (const f of files) {
      const target = join(dir, f.path);
      const move = { target, backup: null as string | null, placed: false, made: [] as string[] };
      moves.push(move);
      move.made = mkdirs(dirname(target));
      if (existsSync(target)) {
        const backup = join(stage, "old", f.path);
        mkdirSync(dirname(backup), { recursive: true });
        renameSync(target, backup);
        move.backup = backup;
      }
      renameSync(join(stage, "new", f.path), target);
      move.placed = true;
    }
  } catch (e) {
    for (const m of moves.reverse()) {
      if (m.placed) rmSync(m.target, { force: true });
      if (m.backup) renameSync(m.backup, m.target);
      for (const c of m.made.reverse()) rmdirSync(c);
    }
    rmSync(stage, { recursive: true, force: true });
    throw cannotWrite(outDir, e);
  }
  rmSync(stage, { recursive: true, force: true });
}

function newApiKeyFile(): RenderedFile {
  const key = `sk-${randomBytes(24).toString("hex")}`;
  return { path: API_KEYS, content: `"Bearer ${key}" 1;\n`, mode: 0o600 };
}

const outOfDate = (outDir: string, pending: FileState[]) =>
  new UserError(
    `${pending.length} file(s) in ${outDir} differ from what the plan renders: ${pending.map((f) => `${f.path} (${f.status})`).join(", ")}`,
    "render again without --check to update them (with --force for files edited by hand)",
  );

/**
 * Writes rendered files into outDir as the options say. Returns what it did (or would do); throws a
 * UserError for changed files without --force, for --check when anything differs, and when the
 * folder cannot be written (then nothing was changed).
 */
export function writeRendered(files: RenderedFile[], outDir: string, opts: WriteOptions = {}): WriteResult {
  const dir = resolve(outDir);
  for (const f of files) {
    if (f.path.startsWith("/") || f.path.split("/").some((s) => s === ".." || s === "")) {
      throw new Error(`unsafe path in rendered files: ${f.path}`);
    }
  }
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UserError(`${outDir} exists and is not a folder`, "choose another --out");
  }
  const exists = existsSync(dir);
  const all = [...files];
  let apiKeyFile: string | null = null;
  const apiKeyKept = Boolean(opts.generateApiKey) && exists && existsSync(join(dir, API_KEYS));
  if (opts.generateApiKey && !opts.check && !apiKeyKept) {
    all.push(newApiKeyFile());
    apiKeyFile = join(outDir, API_KEYS);
  }
  const states = all.map((f) => ({ f, status: exists ? statusOf(dir, f) : ("new" as FileStatus) }));
  const pending = states.filter((s) => s.status !== "unchanged");
  const result: WriteResult = {
    outDir,
    files: states.map(({ f, status }) => ({ path: f.path, status })),
    wroteNothing: true,
    apiKeyFile,
    apiKeyKept,
  };
  if (opts.check) {
    if (pending.length)
      throw outOfDate(
        outDir,
        result.files.filter((f) => f.status !== "unchanged"),
      );
    return result;
  }
  if (opts.dryRun || !pending.length) return result;
  const changed = pending.filter((s) => s.status === "changed");
  if (changed.length && !opts.force) {
    throw new UserError(
      `${changed.length} file(s) in ${outDir} differ from what the plan renders: ${changed.map((s) => s.f.path).join(", ")}`,
      "pass --force to overwrite them, or --dry-run to list every change; nothing was written",
    );
  }
  if (exists)
    updateFolder(
      dir,
      outDir,
      pending.map((s) => s.f),
    );
  else writeNewFolder(dir, outDir, all);
  result.wroteNothing = false;
  return result;
}

/** Prints a write result: the file list on stdout for --dry-run / --check, progress on stderr. */
export function reportWrite(r: WriteResult, opts: WriteOptions = {}): void {
  const pending = r.files.filter((f) => f.status !== "unchanged");
  const unchanged = r.files.length - pending.length;
  if (r.apiKeyKept && !opts.check) info(`${join(r.outDir, API_KEYS)} exists; no key generated`);
  if (opts.check) {
    info(`${r.outDir} is up to date (${r.files.length} files)`);
    return;
  }
  if (opts.dryRun) {
    for (const f of pending) out(`${f.status.padEnd(9)} ${join(r.outDir, f.path)}`);
    info(
      pending.length
        ? `dry run: ${pending.length} file(s) would be written, ${unchanged} unchanged; nothing written`
        : `dry run: ${r.outDir} is up to date (${r.files.length} files)`,
    );
    return;
  }
  if (r.wroteNothing) {
    info(`${r.outDir}: ${r.files.length} files, all up to date`);
    return;
  }
  for (const f of pending) {
    if (join(r.outDir, f.path) !== r.apiKeyFile) {
      info(`${f.status === "new" ? "wrote  " : "updated"} ${join(r.outDir, f.path)}`);
    }
  }
  if (r.apiKeyFile) {
    info(
      `wrote ${r.apiKeyFile} (mode 0600) with one new API key; read it from that file and keep it out of version control`,
    );
  }
  info(`${r.outDir}: ${pending.length} file(s) written, ${unchanged} unchanged`);
}

// ---------------------------------------------------------------- the command

export interface RenderFlags {
  out?: string;
  force?: boolean;
  dryRun?: boolean;
  check?: boolean;
  generateApiKey?: boolean;
}

export async function runRender(planPath: string, flags: RenderFlags): Promise<void> {
  if (!flags.out) {
    throw new UserError("--out DIR is required", "e.g. llmdeploy render plan.yaml --out deploy/");
  }
  const plan = await readPlanFile(planPath);
  const files = renderFiles(plan);
  // The round trip before anything is written: the files must start what the plan sized.
  const { assertConsistent } = await import("./deployment-check.js");
  await assertConsistent(plan, files);
  const opts = {
    force: Boolean(flags.force),
    dryRun: Boolean(flags.dryRun),
    check: Boolean(flags.check),
    generateApiKey: Boolean(flags.generateApiKey),
  };
  if (opts.check) {
    // The list on stdout, then the verdict: exit 1 (a UserError) when anything differs.
    const r = writeRendered(files, flags.out, { dryRun: true });
    const pending = r.files.filter((f) => f.status !== "unchanged");
    for (const f of pending) out(`${f.status.padEnd(9)} ${join(flags.out, f.path)}`);
    if (pending.length) throw outOfDate(flags.out, pending);
    reportWrite(r, opts);
    return;
  }
  reportWrite(writeRendered(files, flags.out, opts), opts);
}
