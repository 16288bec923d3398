/**
 * Swapping a new version of an output folder in: all or nothing, even when the process is killed.
 *
 * The new tree is built beside the old one under a temporary name: the files llmdeploy writes, and
 * every other entry of the old folder carried over untouched (hard links, so modes, owners and times
 * stay; a copy with the same mode and times where the file system has no hard links; symbolic links
 * re-created as links, never followed). A journal names the moves; then the old version is renamed to
 * a backup name, the new one to the target, and the journal is renamed to "done": that rename is the
 * commit point. Then the backup is removed. A failure before the commit undoes the moves.
 *
 * Two shapes, with the same steps:
 * - the whole folder (the default): beside DIR in its parent, as .<name>.llmdeploy-new-<pid>-<hex>,
 *   .<name>.llmdeploy-old-<pid>-<hex> and .<name>.llmdeploy-journal-<pid>-<hex>.json;
 * - in place, when DIR itself must stay (it is or holds the current folder, so a shell there would be
 *   left in a deleted folder; it is or holds a mount point, which cannot be renamed or copied; its
 *   parent is not writable): each top-level entry that changes is swapped the same way inside DIR
 *   (.llmdeploy-new-<pid>-<hex>.<entry> ...), and the entries that do not change stay as they are.
 *
 * recoverFolder(), which every write runs first, finds those names left by a run that was killed:
 * a journal without "done" => the moves are undone (the folder exactly as before that run); "done" =>
 * the backup is removed (the new folder stays); no journal => the unfinished new tree is removed.
 */
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UserError } from "../errors.js";
import {
  errnoOf,
  ioError,
  isInside,
  lstatOrNone,
  mkdirs,
  mountPoints,
  removeTree,
  type Stats,
  type WriterFs,
} from "./writer-fs.js";

/** A file llmdeploy writes: its text and mode (e.g. 0o644, 0o755, 0o600). */
export interface NewFile {
  content: string;
  mode: number;
}

/** One update of a folder: what to write, what not to carry over; everything else is carried over. */
export interface Change {
  /** The folder, absolute and resolved (no symbolic link in it). */
  dir: string;
  /** Files to write, by path inside the folder ("nginx/nginx.conf"). */
  write: Map<string, NewFile>;
  /** Files of the old folder that the new one leaves out (llmdeploy's own, no longer produced). */
  drop: Set<string>;
  fs: WriterFs;
  /** An absolute path as the user knows it (the --out they typed). */
  show: (abs: string) => string;
}

interface Entry {
  rel: string;
  kind: "dir" | "file" | "link" | "other";
  st: Stats;
  /** A folder with nothing in it. */
  empty: boolean;
  /** A folder that is a mount point (another device, or listed in the mount table). */
  mount: boolean;
}

interface Move {
  /** The entry's name in the container (the folder's name, or a top-level name inside it). */
  name: string;
  old: boolean;
  new: boolean;
  staged: string;
  backup: string;
}

const LEFTOVER = /^(new|old|journal|done)-(\d+)-([0-9a-f]{8})(\..*)?$/;

/** Where leftovers of a write of `dir` live: beside it (whole folder) and inside it (in place). */
function places(dir: string): { container: string; prefix: string }[] {
  return [
    { container: dirname(dir), prefix: `.${basename(dir)}.llmdeploy-` },
    { container: dir, prefix: ".llmdeploy-" },
  ];
}

/** Leftover names inside a folder written in place (never carried over into a new tree). */
export const isInPlaceLeftover = (name: string) =>
  name.startsWith(".llmdeploy-") && LEFTOVER.test(name.slice(".llmdeploy-".length));

/** Every entry under dir (sorted, parents first), without following links or entering mounts. */
function scan(fs: WriterFs, dir: string, mounts: Set<string>): Entry[] {
  const rootDev = fs.lstatSync(dir).dev;
  const found: Entry[] = [];
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(rel ? join(dir, rel) : dir).sort()) {
      if (!rel && isInPlaceLeftover(name)) continue;
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(join(dir, r));
      const kind = st.isDirectory() ? "dir" : st.isFile() ? "file" : st.isSymbolicLink() ? "link" : "other";
      const e: Entry = { rel: r, kind, st, empty: false, mount: false };
      found.push(e);
      if (kind !== "dir") continue;
      e.mount = st.dev !== rootDev || mounts.has(join(dir, r));
      if (e.mount) continue;
      const before = found.length;
      walk(r);
      e.empty = found.length === before;
    }
  };
  walk("");
  return found;
}

/** Errors of link() that mean "no hard links here": copy instead. */
const NO_HARD_LINKS = new Set(["EPERM", "EXDEV", "EMLINK", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"]);

/** Carries an entry of the old folder into the new tree unchanged. */
function carry(fs: WriterFs, from: string, to: string, e: Entry): void {
  // A symbolic link is re-created as the same link: link(2) may follow it (POSIX leaves it open).
  if (e.kind === "link") return fs.symlinkSync(fs.readlinkSync(from), to);
  try {
    return fs.linkSync(from, to);
  } catch (err) {
    if (e.kind !== "file" || !NO_HARD_LINKS.has(errnoOf(err) ?? "")) throw err;
  }
  fs.copyFileSync(from, to, constants.COPYFILE_EXCL);
  fs.chmodSync(to, e.st.mode & 0o7777);
  fs.utimesSync(to, e.st.atimeMs / 1000, e.st.mtimeMs / 1000);
}

/**
 * Builds the new version of `root` (a top-level entry, or "" for the whole folder) at `into`: the
 * files to write, the old entries carried over, the old folders' modes. Returns false when nothing
 * is left of it (every file under it dropped).
 */
function build(c: Change, entries: Entry[], root: string, into: string): boolean {
  const { fs } = c;
  const inRoot = (rel: string) => root === "" || rel === root || rel.startsWith(root + "/");
  const dest = (rel: string) => (rel === root ? into : join(into, root ? rel.slice(root.length + 1) : rel));
  const old = new Map(entries.filter((e) => inRoot(e.rel)).map((e) => [e.rel, e]));
  const carried = [...old.values()].filter(
    (e) => e.kind !== "dir" && !c.write.has(e.rel) && !c.drop.has(e.rel),
  );
  const written = [...c.write.keys()].filter(inRoot).sort();
  const folders = new Set<string>();
  const parents = (rel: string) => {
    const parts = rel.split("/");
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join("/"));
  };
  for (const rel of [...carried.map((e) => e.rel), ...written]) parents(rel);
  for (const e of old.values()) {
    if (e.kind !== "dir" || !e.empty) continue;
    folders.add(e.rel); // an empty folder of the user's stays
    parents(e.rel);
  }
  if (root !== "" && !folders.has(root) && !written.includes(root) && !carried.length) return false;
  if (root === "") fs.mkdirSync(into);
  const order = [...folders].sort(); // a folder sorts before what is inside it
  for (const d of order) fs.mkdirSync(dest(d));
  for (const e of carried) carry(fs, join(c.dir, e.rel), dest(e.rel), e);
  for (const rel of written) {
    const f = c.write.get(rel)!;
    try {
      fs.writeFileSync(dest(rel), f.content, { mode: f.mode, flag: "wx" });
    } catch (e) {
      // write(2) failures (ENOSPC, EIO) come without a path: name the file
      if (e && typeof e === "object" && !("path" in e)) Object.assign(e, { path: dest(rel) });
      throw e;
    }
    fs.chmodSync(dest(rel), f.mode); // the mode as given, whatever the umask
  }
  // Folders that existed keep their modes; innermost first, so a read-only folder closes last.
  for (const d of order.reverse()) {
    const e = old.get(d);
    if (e) fs.chmodSync(dest(d), e.st.mode & 0o7777);
  }
  const self = root === "" ? lstatOrNone(fs, c.dir) : undefined;
  if (self) fs.chmodSync(into, self.mode & 0o7777);
  return true;
}

/** Why the folder must be updated in place rather than swapped as a whole (null: swap it). */
function inPlaceReason(c: Change, entries: Entry[], mounts: Set<string>): string | null {
  const { fs, dir } = c;
  const parent = dirname(dir);
  if (parent === dir) return "it is the root folder";
  let cwd = "";
  try {
    cwd = fs.realpathSync(fs.cwd());
  } catch {
    // no current folder (deleted): nothing to keep
  }
  if (cwd && isInside(cwd, dir)) return "the current folder is inside it";
  if (mounts.has(dir) || fs.lstatSync(dir).dev !== fs.lstatSync(parent).dev) return "it is a mount point";
  if (entries.some((e) => e.mount)) return "it holds a mount point";
  try {
    fs.accessSync(parent, constants.W_OK);
  } catch {
    return "its parent folder is not writable";
  }
  return null;
}

const journalAbout =
  "llmdeploy is swapping a new version of this folder in; if it was interrupted, its next run restores the old version";

function readJournal(fs: WriterFs, path: string, prefix: string, id: string): Move[] {
  let moves: unknown;
  try {
    moves = (JSON.parse(String(fs.readFileSync(path, "utf8"))) as { moves?: unknown }).moves;
  } catch {
    moves = undefined;
  }
  const plain = (s: unknown, start: string) =>
    typeof s === "string" && s.startsWith(start) && !s.includes("/") && s !== "." && s !== "..";
  const ok =
    Array.isArray(moves) &&
    moves.every(
      (m: Partial<Move>) =>
        plain(m.name, "") &&
        plain(m.staged, `${prefix}new-${id}`) &&
        plain(m.backup, `${prefix}old-${id}`) &&
        typeof m.old === "boolean" &&
        typeof m.new === "boolean",
    );
  if (!ok) {
    throw new UserError(
      `${path} is not a journal llmdeploy can read`,
      "check the folder beside it by hand, then remove the .llmdeploy-* leftovers",
    );
  }
  return moves as Move[];
}

/**
 * Brings one write (container, prefix, id) to rest: undoes its moves unless it committed, then
 * removes its markers (first, so a kill during the rest cannot undo again) and its trees.
 */
function settle(
  fs: WriterFs,
  container: string,
  prefix: string,
  id: string,
): "restored" | "done" | "cleaned" {
  const at = (kind: string) => join(container, `${prefix}${kind}-${id}.json`);
  const mounts = new Set(mountPoints(fs));
  let outcome: "restored" | "done" | "cleaned" = "cleaned";
  if (lstatOrNone(fs, at("done"))) outcome = "done";
  else if (lstatOrNone(fs, at("journal"))) {
    for (const m of readJournal(fs, at("journal"), prefix, id).reverse()) {
      const [target, backup, staged] = [m.name, m.backup, m.staged].map((n) => join(container, n)) as [
        string,
        string,
        string,
      ];
      if (m.old && lstatOrNone(fs, backup)) {
        removeTree(fs, target, mounts); // what stands there now came from the staged tree
        fs.renameSync(backup, target);
      } else if (!m.old && m.new && !lstatOrNone(fs, staged)) {
        removeTree(fs, target, mounts);
      }
    }
    outcome = "restored";
  }
  for (const kind of ["journal", "done"]) if (lstatOrNone(fs, at(kind))) fs.unlinkSync(at(kind));
  let names: string[] = [];
  try {
    names = fs.readdirSync(container);
  } catch (e) {
    if (errnoOf(e) !== "ENOENT" && errnoOf(e) !== "ENOTDIR") throw e;
  }
  for (const name of names.sort()) {
    const m = name.startsWith(prefix) ? LEFTOVER.exec(name.slice(prefix.length)) : null;
    if (m && `${m[2]}-${m[3]}` === id) removeTree(fs, join(container, name), mounts);
  }
  return outcome;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoOf(e) === "EPERM";
  }
};

/**
 * Finds what an earlier, interrupted write of `dir` left (beside it and inside it) and, when `apply`,
 * restores the folder or finishes that write. Returns one note per interrupted write. Throws a
 * UserError when another llmdeploy process is writing the folder now.
 */
export function recoverFolder(
  fs: WriterFs,
  dir: string,
  show: (abs: string) => string,
  apply: boolean,
): string[] {
  const notes: string[] = [];
  for (const { container, prefix } of places(dir)) {
    let names: string[];
    try {
      names = fs.readdirSync(container);
    } catch {
      continue; // not there (a new folder) or not readable: nothing of ours to find
    }
    const ids = new Map<string, string>();
    for (const name of names.sort()) {
      const m = name.startsWith(prefix) ? LEFTOVER.exec(name.slice(prefix.length)) : null;
      if (m) ids.set(`${m[2]}-${m[3]}`, join(container, name));
    }
    for (const [id, example] of ids) {
      const pid = Number(id.split("-")[0]);
      if (!apply) {
        notes.push(
          `${show(dir)}: an interrupted llmdeploy run left ${example}; the next render or plan --out that writes the folder restores it`,
        );
        continue;
      }
      if (pid > 0 && pid !== process.pid && alive(pid)) {
        throw new UserError(
          `another llmdeploy (process ${pid}) seems to be writing ${show(dir)} (it left ${example})`,
          `wait for it to finish; if no llmdeploy is running, remove ${example} and run again`,
        );
      }
      const outcome = settle(fs, container, prefix, id);
      notes.push(
        outcome === "restored"
          ? `${show(dir)}: an earlier llmdeploy run was interrupted mid-update; the folder is back as it was before it`
          : outcome === "done"
            ? `${show(dir)}: an earlier llmdeploy run was interrupted after its update; removed the old copy it left`
            : `${show(dir)}: an earlier llmdeploy run was interrupted before its update; removed its unfinished files`,
      );
    }
  }
  return notes;
}

/**
 * Writes a Change: the new tree is built beside the old one, then swapped in (see the top of this
 * file). On failure the folder is as it was and a one-line UserError says why. Returns notes (a
 * leftover that could not be removed after the commit, which the next run removes).
 */
export function commitChange(c: Change): string[] {
  const { fs, dir } = c;
  const exists = Boolean(lstatOrNone(fs, dir));
  const mounts = new Set(mountPoints(fs).filter((m) => isInside(m, dir)));
  const entries = exists ? scan(fs, dir, mounts) : [];
  const inPlace = exists && inPlaceReason(c, entries, mounts) !== null;
  const id = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const container = inPlace ? dir : dirname(dir);
  const prefix = inPlace ? ".llmdeploy-" : `.${basename(dir)}.llmdeploy-`;
  const roots = inPlace
    ? [...new Set([...c.write.keys(), ...c.drop].map((r) => r.split("/")[0]!))].sort()
    : [""];
  for (const root of roots) {
    const m = entries.find((e) => e.mount && (root === "" || isInside(e.rel, root)));
    if (m) {
      throw new UserError(
        `${c.show(join(dir, m.rel))} is a mount point inside a folder llmdeploy must replace`,
        "unmount it, or mount it where llmdeploy writes nothing; nothing was written",
      );
    }
  }
  const moves: (Move & { root: string })[] = roots.map((root) => {
    const name = root || basename(dir);
    const tail = inPlace ? `.${name}` : "";
    return {
      root,
      name,
      old: Boolean(lstatOrNone(fs, join(container, name))),
      new: false,
      staged: `${prefix}new-${id}${tail}`,
      backup: `${prefix}old-${id}${tail}`,
    };
  });
  const journal = join(container, `${prefix}journal-${id}.json`);
  const show = (abs: string) => {
    for (const m of moves) {
      for (const tmp of [m.staged, m.backup]) {
        const t = join(container, tmp);
        if (isInside(abs, t)) return c.show(join(container, m.name) + abs.slice(t.length));
      }
    }
    return c.show(abs.startsWith(journal) ? dir : abs);
  };
  let created: string[] = [];
  try {
    if (!exists) created = mkdirs(fs, container);
    for (const m of moves) m.new = build(c, entries, m.root, join(container, m.staged));
    const text = JSON.stringify(
      { about: journalAbout, moves: moves.map(({ root: _r, ...m }) => m) },
      null,
      2,
    );
    fs.writeFileSync(`${journal}.tmp`, text + "\n", { mode: 0o600 });
    fs.renameSync(`${journal}.tmp`, journal);
    // Entries that only go away move first; recovery does not depend on the order (the journal
    // lists every move, and only the rename to "done" commits).
    for (const m of [...moves].sort((a, b) => Number(a.new) - Number(b.new))) {
      if (m.old) fs.renameSync(join(container, m.name), join(container, m.backup));
      if (m.new) fs.renameSync(join(container, m.staged), join(container, m.name));
    }
    fs.renameSync(journal, join(container, `${prefix}done-${id}.json`)); // the commit point
  } catch (e) {
    let restored = true;
    try {
      settle(fs, container, prefix, id);
      for (const d of created.reverse()) fs.rmdirSync(d);
    } catch {
      restored = false;
    }
    throw ioError(e, fs, show, restored);
  }
  try {
    settle(fs, container, prefix, id);
    return [];
  } catch {
    return [`${c.show(dir)} is written; leftovers of the update beside it are removed by the next run`];
  }
}
