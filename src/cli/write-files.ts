/**
 * Writing rendered files: compare with what is on disk first, then write all or nothing.
 * - identical files are left alone;
 * - a changed file is overwritten only with --force (otherwise: the list, exit 1, nothing written);
 * - --dry-run lists what would change; --check exits 1 when anything would (for CI);
 * - a new folder is written beside its target and renamed into place; into an existing folder each
 *   file goes to a temporary name and is renamed over the old one.
 */
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { RenderedFile } from "../render/index.js";
import { UserError } from "../errors.js";
import { info, out } from "./output.js";

export interface WriteOptions {
  force?: boolean;
  dryRun?: boolean;
  check?: boolean;
}

type Status = "new" | "changed" | "unchanged";

function statusOf(dir: string, f: RenderedFile): Status {
  const p = join(dir, f.path);
  if (!existsSync(p)) return "new";
  const same = readFileSync(p, "utf8") === f.content;
  const modeOk = (statSync(p).mode & 0o777) === (f.mode ?? 0o644) || f.mode === undefined;
  return same && modeOk ? "unchanged" : "changed";
}

/** Returns the exit code: 0, or 1 for --check with changes. Throws UserError on conflicts. */
export function writeOutput(files: RenderedFile[], outDir: string, opts: WriteOptions): number {
  const dir = resolve(outDir);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new UserError(`${outDir} exists and is not a folder`, "choose another --out");
  }
  for (const f of files) {
    if (f.path.startsWith("/") || f.path.split("/").includes("..")) throw new Error(`unsafe path ${f.path}`);
  }
  const status = files.map((f) => ({ f, s: existsSync(dir) ? statusOf(dir, f) : ("new" as Status) }));
  const pending = status.filter((x) => x.s !== "unchanged");
  if (opts.check || opts.dryRun) {
    for (const { f, s } of status) out(`${s.padEnd(9)} ${join(outDir, f.path)}`);
    if (opts.check && pending.length) {
      process.stderr.write(
        `error: ${pending.length} file(s) in ${outDir} differ from the plan\nhint: run llmdeploy render without --check to update them\n`,
      );
      return 1;
    }
    if (opts.check) info(`${outDir} is up to date`);
    return 0;
  }
  const changed = pending.filter((x) => x.s === "changed");
  if (changed.length && !opts.force) {
    throw new UserError(
      `${changed.length} file(s) in ${outDir} differ from what the plan renders: ${changed.map((x) => x.f.path).join(", ")}`,
      "pass --force to overwrite them, or --dry-run to list the changes",
    );
  }
  if (!pending.length) {
    info(`${outDir}: ${files.length} files, all up to date`);
    return 0;
  }
  if (!existsSync(dir)) {
    // All or nothing: a sibling folder, renamed into place once complete.
    const tmp = `${dir}.llmdeploy-${process.pid}-${randomBytes(4).toString("hex")}`;
    try {
      for (const f of files) put(tmp, f);
      mkdirSync(dirname(dir), { recursive: true });
      renameSync(tmp, dir);
    } catch (e) {
      try {
        rmSync(tmp, { recursive: true, force: true });
      } catch {
        // nothing was created (its parent is not a folder)
      }
      throw new UserError(
        `cannot write ${outDir}: ${(e as Error).message}`,
        "check the path and permissions",
      );
    }
  } else {
    for (const { f } of pending) {
      const target = join(dir, f.path);
      const tmp = `${target}.llmdeploy-tmp`;
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(tmp, f.content, { mode: f.mode ?? 0o644 });
      chmodSync(tmp, f.mode ?? 0o644);
      renameSync(tmp, target);
    }
  }
  for (const { f, s } of pending) info(`${s === "new" ? "wrote  " : "updated"} ${join(outDir, f.path)}`);
  return 0;
}

function put(root: string, f: RenderedFile): void {
  const p = join(root, f.path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, f.content, { mode: f.mode ?? 0o644 });
  chmodSync(p, f.mode ?? 0o644);
}

/** --generate-api-key: a random key in secrets/api-keys.map, mode 0600, unless the file exists. */
export function generateApiKey(outDir: string): void {
  const file = join(resolve(outDir), "secrets", "api-keys.map");
  if (existsSync(file)) {
    info(`${join(outDir, "secrets/api-keys.map")} exists; no key generated`);
    return;
  }
  mkdirSync(dirname(file), { recursive: true });
  const key = `sk-${randomBytes(24).toString("hex")}`;
  writeFileSync(file, `"Bearer ${key}" 1;\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  info(
    `wrote ${join(outDir, "secrets/api-keys.map")} (mode 0600) with one new API key; read it from that file, and keep the file out of version control`,
  );
}
