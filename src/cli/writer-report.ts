/**
 * How a write (writer.ts) is reported: progress on stderr; the list of changes on stdout for
 * --dry-run; for --check, a unified diff of what would change on stdout and, when anything would, a
 * one-line error with the command that brings the folder up to date.
 */
import { join } from "node:path";
import type * as DiffModule from "diff";
import { UserError } from "../errors.js";
import { info, out } from "./output.js";
import { API_KEYS, type FileState, type WriteOptions, type WriteResult } from "./writer.js";

const LABEL: Record<FileState["status"], string> = {
  new: "new",
  changed: "changed",
  unchanged: "unchanged",
  stale: "remove",
  kept: "keep",
};

/** Files a write changes (or, for kept ones, reports). */
export const pendingOf = (r: WriteResult) => r.files.filter((f) => f.status !== "unchanged");

const keptLine = (r: WriteResult, f: FileState) =>
  `kept    ${join(r.outDir, f.path)}: no longer rendered, but edited since llmdeploy wrote it (--force removes it)`;

/** Prints a write result: the file list on stdout for --dry-run, progress on stderr otherwise. */
export function reportWrite(r: WriteResult, opts: Pick<WriteOptions, "dryRun" | "check"> = {}): void {
  for (const n of r.notes) info(n);
  const pending = pendingOf(r);
  const count = (s: FileState["status"]) => r.files.filter((f) => f.status === s).length;
  const [removed, unchanged] = [count("stale"), count("unchanged")];
  const written = pending.length - removed - count("kept");
  if (r.apiKeyKept && !opts.check) info(`${join(r.outDir, API_KEYS)} exists; no key generated`);
  if (opts.dryRun) {
    for (const f of pending) out(`${LABEL[f.status].padEnd(9)} ${join(r.outDir, f.path)}`);
    info(
      written || removed
        ? `dry run: ${written} file(s) would be written, ${removed} removed, ${unchanged} unchanged; nothing written`
        : `dry run: ${r.outDir} is up to date (${r.files.length} files)`,
    );
    return;
  }
  for (const f of pending) {
    if (f.status === "kept") info(keptLine(r, f));
    else if (f.status === "stale")
      info(`removed ${join(r.outDir, f.path)}${f.edited ? " (edited by hand; --force)" : ""}`);
    else if (join(r.outDir, f.path) !== r.apiKeyFile) {
      info(`${f.status === "new" ? "wrote  " : "updated"} ${join(r.outDir, f.path)}`);
    }
  }
  if (r.apiKeyFile) {
    info(
      `wrote ${r.apiKeyFile} (mode 0600) with one new API key; read it from that file and keep it out of version control`,
    );
  }
  if (r.wroteNothing) {
    info(`${r.outDir}: ${r.files.length} files, all up to date`);
    return;
  }
  info(`${r.outDir}: ${written} file(s) written, ${removed} removed, ${unchanged} unchanged`);
}

/** A word for the shell: as is when plain, else in single quotes. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

type DiffLib = typeof DiffModule;

/**
 * One file's difference as a unified diff (paths a/<file> and b/<file> relative to the folder, so
 * `patch -p1` inside it applies it); a lone executable-bit change as git's "old mode / new mode".
 */
function fileDiff(lib: DiffLib, f: FileState): string {
  const head = f.modes
    ? `diff --git a/${f.path} b/${f.path}\nold mode 100${f.modes[0].toString(8).padStart(3, "0")}\nnew mode 100${f.modes[1].toString(8).padStart(3, "0")}\n`
    : "";
  const gone = f.status === "stale" || f.status === "kept";
  const before = f.before ?? "";
  const after = gone ? "" : (f.after ?? "");
  if (before === after && !gone && f.before !== null) return head;
  const patch = lib.createTwoFilesPatch(
    f.before === null ? "/dev/null" : `a/${f.path}`,
    gone ? "/dev/null" : `b/${f.path}`,
    before,
    after,
    undefined,
    undefined,
    { context: 3 },
  );
  // The library starts each patch with a line of "=": not part of the unified format.
  return head + patch.replace(/^=+\n/, "");
}

/**
 * --check: prints the diff of every difference on stdout, then throws a UserError (exit 1) naming the
 * files, with `fix` (the command that writes the folder) as the hint; or says the folder is up to date.
 */
export async function reportCheck(r: WriteResult, fix: (needsForce: boolean) => string): Promise<void> {
  for (const n of r.notes) info(n);
  const pending = pendingOf(r);
  if (!pending.length) {
    info(`${r.outDir} is up to date (${r.files.length} files)`);
    return;
  }
  const m = (await import("diff")) as DiffLib & { default?: DiffLib };
  const lib = m.default ?? m;
  for (const f of pending) if (f.after !== null || f.before !== null) process.stdout.write(fileDiff(lib, f));
  const needsForce = pending.some((f) => f.status === "changed" || f.status === "kept");
  throw new UserError(
    `${pending.length} file(s) in ${r.outDir} differ from what the plan renders: ${pending.map((f) => `${f.path} (${f.status})`).join(", ")}`,
    `see the diff above; update the folder with: ${fix(needsForce)}`,
  );
}
