/**
 * The file-system layer of the output writer (writer.ts, writer-swap.ts) and how its failures read.
 * - WriterFs: the synchronous node:fs calls the writer makes, plus the process's current folder and
 *   the mount table. The default is node:fs itself; tests pass a wrapper that fails (ENOSPC, EACCES,
 *   ...) or "dies" at a chosen call, to check that a folder is always exactly the old or the new one.
 * - ioError: a failed call as one line naming the file (as the user typed --out) and what to do, so
 *   that no errno ever surfaces as "internal error: ENOSPC".
 */
import * as nodeFs from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { UserError } from "../errors.js";

export type WriterFs = Pick<
  typeof nodeFs,
  | "accessSync"
  | "chmodSync"
  | "copyFileSync"
  | "linkSync"
  | "lstatSync"
  | "mkdirSync"
  | "readdirSync"
  | "readFileSync"
  | "readlinkSync"
  | "realpathSync"
  | "renameSync"
  | "rmdirSync"
  | "symlinkSync"
  | "unlinkSync"
  | "utimesSync"
  | "writeFileSync"
> & {
  /** The process's current folder (process.cwd()). */
  cwd(): string;
};

export const realFs: WriterFs = { ...nodeFs, cwd: () => process.cwd() };

export type Stats = nodeFs.Stats;

/** The node:fs error code of e ("ENOSPC"), or undefined for anything else. */
export function errnoOf(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === "string" && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** lstat that answers undefined when nothing is there (ENOENT, or a parent that is a file). */
export function lstatOrNone(fs: WriterFs, path: string): Stats | undefined {
  try {
    return fs.lstatSync(path);
  } catch (e) {
    if (errnoOf(e) === "ENOENT" || errnoOf(e) === "ENOTDIR") return undefined;
    throw e;
  }
}

/**
 * Mount points (absolute paths) listed in /proc/self/mountinfo (Linux; none elsewhere). Field 5 of
 * each line is the mount point, with space, tab, newline and backslash written as \040 \011 \012 \134
 * (https://man7.org/linux/man-pages/man5/proc_pid_mountinfo.5.html: "(5) mount point: the pathname of
 * the mount point relative to the process's root directory").
 */
export function mountPoints(fs: WriterFs): string[] {
  let text: string;
  try {
    text = String(fs.readFileSync("/proc/self/mountinfo", "utf8"));
  } catch {
    return [];
  }
  return text
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((p): p is string => Boolean(p))
    .map((p) => p.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8))));
}

/** True when `path` is `root` or inside it (both absolute, resolved). */
export function isInside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** mkdir -p that returns the folders it created, outermost first. */
export function mkdirs(fs: WriterFs, dir: string): string[] {
  const missing: string[] = [];
  for (let d = dir; !lstatOrNone(fs, d) && dirname(d) !== d; d = dirname(d)) missing.unshift(d);
  for (const d of missing) fs.mkdirSync(d);
  return missing;
}

/** rm -rf that never follows a link and refuses to enter a mount point. */
export function removeTree(fs: WriterFs, path: string, mounts: Set<string>): void {
  const top = lstatOrNone(fs, path);
  if (!top) return;
  if (!top.isDirectory()) return fs.unlinkSync(path);
  const walk = (p: string, st: Stats) => {
    if ((st.mode & 0o700) !== 0o700) fs.chmodSync(p, (st.mode & 0o7777) | 0o700);
    for (const name of fs.readdirSync(p)) {
      const q = join(p, name);
      const s = fs.lstatSync(q);
      if (!s.isDirectory()) {
        fs.unlinkSync(q);
        continue;
      }
      if (s.dev !== st.dev || mounts.has(q)) {
        throw new UserError(
          `${q} is a mount point inside a folder llmdeploy is removing`,
          `unmount it, then run llmdeploy again (or remove ${path} yourself)`,
        );
      }
      walk(q, s);
    }
    fs.rmdirSync(p);
  };
  walk(path, top);
}

/** The first component of `path` (from the root down) that exists and is not a folder. */
function fileInTheWay(fs: WriterFs, path: string): string | undefined {
  const chain: string[] = [];
  for (let p = path; dirname(p) !== p; p = dirname(p)) chain.unshift(p);
  for (const p of chain.slice(0, -1)) {
    const st = lstatOrNone(fs, p);
    if (!st) return undefined;
    if (!st.isDirectory()) return p;
  }
  return undefined;
}

/** What an errno means for someone writing a folder, and what to do about it. */
const MEANING: Record<string, [string, string]> = {
  ENOSPC: [
    "no space left on the device",
    "free some space (df -h shows how much; an update needs room for the old and the new files at once) and run again",
  ],
  EDQUOT: ["the disk quota is exceeded", "free some space or ask for a larger quota, and run again"],
  EROFS: ["the file system is read-only", "choose an --out on a writable file system"],
  EACCES: [
    "permission denied",
    "llmdeploy writes the new files beside the folder and swaps them in: it needs write permission on the folder and on the one that holds it (ls -ld shows them); or choose another --out",
  ],
  EPERM: [
    "operation not permitted",
    "check the folder's owner and attributes (ls -ld, lsattr), or choose another --out",
  ],
  EBUSY: ["it is busy (a mount point, or in use)", "choose an --out that is not a mount point"],
  EXDEV: ["it is on another file system than its folder", "choose an --out without mount points inside it"],
  EISDIR: ["it is a folder", "move the folder away, or choose another --out"],
  ENAMETOOLONG: ["the path is too long", "choose a shorter --out"],
  ELOOP: ["too many symbolic links", "choose an --out without symbolic links"],
  EMFILE: ["too many open files", "raise the limit (ulimit -n) and run again"],
  ENFILE: ["too many open files in the system", "close some programs and run again"],
  EIO: ["an input/output error (the disk may be failing)", "check the disk (dmesg) and run again"],
};

/**
 * A failed file-system call as a UserError: "cannot write <file>: <meaning>" and a hint that ends with
 * whether the folder is as it was (`restored`) or an interrupted update that the next run repairs.
 * `show` turns an absolute path into the one the user knows (the --out they typed, not a temporary
 * name). Anything that is not an errno error is returned unchanged.
 */
export function ioError(
  e: unknown,
  fs: WriterFs,
  show: (abs: string) => string,
  restored: boolean,
  verb: "write" | "read" = "write",
): unknown {
  const code = errnoOf(e);
  if (!code || e instanceof UserError) return e;
  const err = e as NodeJS.ErrnoException & { dest?: string };
  // link, symlink and copyfile name what they create in `dest` (path is their source).
  const creates = ["link", "symlink", "copyfile"].includes(err.syscall ?? "");
  const path = (creates ? err.dest : undefined) ?? err.path ?? "";
  const after = restored
    ? "; nothing was changed"
    : "; the folder is mid-update: the next llmdeploy run that writes it restores it";
  if (code === "ENOTDIR" || code === "EEXIST") {
    const blocker = path ? fileInTheWay(fs, path) : undefined;
    if (blocker) {
      return new UserError(
        `cannot ${verb} ${show(path)}: ${show(blocker)} is a file, not a folder`,
        `move or rename ${show(blocker)}, or choose another --out${after}`,
      );
    }
  }
  const [meaning, hint] = MEANING[code] ?? [
    String(err.message)
      .replace(/^[A-Z]+: /, "")
      .split(",")[0]!,
    "check the path and its permissions",
  ];
  return new UserError(
    `cannot ${verb} ${path ? show(path) : "the output folder"}: ${meaning} (${code})`,
    hint + after,
  );
}

/**
 * A display function for paths under `dir` (absolute, resolved): `outDir` as the user typed it,
 * joined with the path inside; `aliases` map temporary names back to what they stand for.
 */
export function displayPaths(
  dir: string,
  outDir: string,
  aliases: () => [string, string][] = () => [],
): (abs: string) => string {
  return (abs: string) => {
    for (const [tmp, real] of aliases()) {
      if (isInside(abs, tmp)) abs = join(real, relative(tmp, abs));
    }
    if (!isInside(abs, dir)) return abs;
    const rel = relative(dir, abs);
    return rel ? join(outDir, rel) : outDir;
  };
}
