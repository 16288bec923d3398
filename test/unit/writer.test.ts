// The one output writer (src/cli/writer.ts, writer-swap.ts, writer-fs.ts), in-process, in temporary
// folders: all or nothing (also when killed at any step: a fault-injecting fs layer throws at step N,
// and after a "kill" every later call fails too, as in a dead process), user files carried over,
// errors as one line with a hint, no writes through symbolic links, the manifest and stale files,
// --generate-api-key.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { MANIFEST, realFs, writeOutput, type WriterFs } from "../../src/cli/writer.js";
import { recoverFolder } from "../../src/cli/writer-swap.js";
import { UserError } from "../../src/errors.js";
import type { RenderedFile } from "../../src/render/index.js";

const asRoot = process.getuid?.() === 0;
const tmp = () => realpathSync(mkdtempSync(join(tmpdir(), "llmdeploy-writer-")));
const read = (dir: string, p: string) => readFileSync(join(dir, p), "utf8");
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/** Every entry under dir, links not followed: "file <mode> <text>", "link <target>", "dir <mode>". */
function snapshot(dir: string): Record<string, string> {
  const found: Record<string, string> = { ".": `dir ${(lstatSync(dir).mode & 0o7777).toString(8)}` };
  const walk = (rel: string) => {
    for (const name of readdirSync(rel ? join(dir, rel) : dir).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, r));
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isDirectory()) {
        found[`${r}/`] = `dir ${mode}`;
        walk(r);
      } else if (st.isSymbolicLink()) found[r] = `link ${readlinkSync(join(dir, r))}`;
      else found[r] = `file ${mode} ${readFileSync(join(dir, r), "utf8")}`;
    }
  };
  walk("");
  return found;
}

/** Names an interrupted write leaves beside the folder or inside it. */
const leftovers = (out: string) => [
  ...readdirSync(dirname(out)).filter((n) => /\.llmdeploy-(new|old|journal|done)-/.test(n)),
  ...(existsSync(out) ? readdirSync(out).filter((n) => /^\.llmdeploy-(new|old|journal|done)-/.test(n)) : []),
];

const MUTATING = [
  "chmodSync",
  "copyFileSync",
  "linkSync",
  "mkdirSync",
  "renameSync",
  "rmdirSync",
  "symlinkSync",
  "unlinkSync",
  "utimesSync",
  "writeFileSync",
] as const;
const READING = [
  "lstatSync",
  "readdirSync",
  "readFileSync",
  "readlinkSync",
  "realpathSync",
  "accessSync",
] as const;

/** An error as node:fs makes it: code, syscall, path, and dest for calls that create their second argument. */
const errno = (code: string, path: unknown, call = "", dest?: unknown) =>
  Object.assign(new Error(`${code}: simulated, ${call} '${String(path)}'`), {
    code,
    syscall: call.replace(/Sync$/, "").toLowerCase(),
    path: String(path),
    ...(dest === undefined ? {} : { dest: String(dest) }),
  });
const TWO_PATHS = new Set(["renameSync", "linkSync", "symlinkSync", "copyFileSync"]);

interface Fault {
  /** The changing call (1, 2, ...) that fails. */
  at?: number;
  /** "fail": that call throws `code` once; "kill": it and every call after it throw (a dead process). */
  how?: "fail" | "kill";
  code?: string;
  /** Kill the process right after a changing call that matches. */
  killAfter?: (name: string, args: unknown[]) => boolean;
  base?: WriterFs;
}

/** node:fs with a fault injected as `Fault` says; `calls()` counts the changing calls made. */
function faulty({ at = 0, how = "kill", code = "ENOSPC", killAfter, base = realFs }: Fault) {
  let calls = 0;
  let dead = false;
  const fs: Record<string, unknown> = { ...base };
  for (const name of MUTATING) {
    const real = base[name] as (...a: unknown[]) => unknown;
    fs[name] = (...args: unknown[]) => {
      if (dead) throw errno("EKILLED", args[0], name);
      if (++calls === at) {
        if (how === "kill") dead = true;
        throw errno(
          how === "kill" ? "EKILLED" : code,
          args[0],
          name,
          TWO_PATHS.has(name) ? args[1] : undefined,
        );
      }
      const result = real(...args);
      if (killAfter?.(name, args)) dead = true;
      return result;
    };
  }
  for (const name of READING) {
    const real = base[name] as (...a: unknown[]) => unknown;
    fs[name] = (...args: unknown[]) => {
      if (dead) throw errno("EKILLED", args[0]);
      return real(...args);
    };
  }
  return { fs: fs as WriterFs, calls: () => calls };
}

const v1: RenderedFile[] = [
  { path: "compose.yaml", content: "services: {}\n" },
  { path: "run.sh", content: "#!/bin/sh\necho 1\n", mode: 0o755 },
  { path: "nginx/nginx.conf", content: "events {}\n" },
  { path: "secrets/.gitignore", content: "*\n" },
  { path: "README.md", content: "v1\n" },
];
// compose.yaml goes away (stale), k8s/ is new, run.sh and README.md change, the rest is unchanged
const v2: RenderedFile[] = [
  { path: "k8s/deployment.yaml", content: "kind: Deployment\n" },
  { path: "run.sh", content: "#!/bin/sh\necho 2\n", mode: 0o755 },
  { path: "nginx/nginx.conf", content: "events {}\n" },
  { path: "secrets/.gitignore", content: "*\n" },
  { path: "README.md", content: "v2\n" },
];

/** v1 written by llmdeploy, then the user's own files beside it. */
function deployed(): string {
  const out = join(tmp(), "deploy");
  writeOutput(v1, out);
  writeFileSync(join(out, "secrets/api-keys.map"), '"Bearer sk-mine" 1;\n', { mode: 0o600 });
  writeFileSync(join(out, "secrets/hf_token"), "hf_x\n", { mode: 0o400 });
  writeFileSync(join(out, "notes.txt"), "my notes\n", { mode: 0o640 });
  chmodSync(join(out, "notes.txt"), 0o640);
  mkdirSync(join(out, "scratch"));
  symlinkSync("/nonexistent/models", join(out, "models"));
  chmodSync(join(out, "secrets"), 0o750);
  return out;
}

/** What the folder is after a clean v1 -> v2 update. */
function expectedNew(): Record<string, string> {
  const out = deployed();
  writeOutput(v2, out, { force: true });
  return snapshot(out);
}

/** node:fs whose current folder is `cwd`: the writer then updates that folder in place. */
const withCwd = (cwd: string): WriterFs => ({ ...realFs, cwd: () => cwd });

const userError = (f: () => unknown): UserError => {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error("expected a UserError");
};

describe("writing a folder: compare, --force, --dry-run, --check", () => {
  const files: RenderedFile[] = [
    { path: "a.txt", content: "a\n" },
    { path: "run.sh", content: "#!/bin/sh\n", mode: 0o755 },
    { path: "sub/b.yaml", content: "b: 1\n" },
    { path: "sub/deeper/c.txt", content: "c\n" },
  ];

  it("writes a new folder, then finds it up to date; modes as rendered; nothing left beside it", () => {
    const out = join(tmp(), "new", "deploy");
    const r = writeOutput(files, out);
    expect(r.wroteNothing).toBe(false);
    expect(r.files.every((f) => f.status === "new")).toBe(true);
    expect(read(out, "sub/deeper/c.txt")).toBe("c\n");
    expect(statSync(join(out, "run.sh")).mode & 0o777).toBe(0o755);
    expect(statSync(join(out, "a.txt")).mode & 0o777).toBe(0o644);
    const again = writeOutput(files, out);
    expect(again.wroteNothing).toBe(true);
    expect(again.files.every((f) => f.status === "unchanged")).toBe(true);
    expect(readdirSync(join(out, ".."))).toEqual(["deploy"]);
    expect(readdirSync(out).sort()).toEqual([MANIFEST, "a.txt", "run.sh", "sub"]);
  });

  it("refuses to overwrite a changed file without --force and writes nothing at all", () => {
    const out = join(tmp(), "deploy");
    writeOutput(files, out);
    writeFileSync(join(out, "a.txt"), "edited\n");
    const next = files.map((f) => (f.path === "sub/b.yaml" ? { ...f, content: "b: 2\n" } : f));
    const before = snapshot(out);
    expect(() => writeOutput(next, out)).toThrow(
      /2 file\(s\) in .* differ from what the plan renders: a\.txt, sub\/b\.yaml$/,
    );
    const dry = writeOutput(next, out, { dryRun: true });
    expect(dry.files.filter((f) => f.status === "changed").map((f) => f.path)).toEqual([
      "a.txt",
      "sub/b.yaml",
      MANIFEST, // its SHA-256 of sub/b.yaml changes too
    ]);
    expect(dry.files.find((f) => f.path === "a.txt")!.edited).toBe(true); // not what llmdeploy wrote
    expect(dry.files.find((f) => f.path === "sub/b.yaml")!.edited).toBe(false); // the plan changed
    const check = writeOutput(next, out, { check: true });
    expect(check.files.find((f) => f.path === "a.txt")).toMatchObject({ before: "edited\n", after: "a\n" });
    expect(snapshot(out)).toEqual(before);
    writeOutput(next, out, { force: true });
    expect(read(out, "a.txt")).toBe("a\n");
    expect(read(out, "sub/b.yaml")).toBe("b: 2\n");
    expect(leftovers(out)).toEqual([]);
  });

  it("a lost executable bit counts as a change", () => {
    const out = join(tmp(), "deploy");
    writeOutput(files, out);
    chmodSync(join(out, "run.sh"), 0o644);
    const f = writeOutput(files, out, { dryRun: true }).files.find((x) => x.path === "run.sh")!;
    expect(f.status).toBe("changed");
    expect(f.modes).toEqual([0o644, 0o755]);
  });

  it("refuses paths that leave the folder", () => {
    expect(() => writeOutput([{ path: "../x", content: "" }], tmp())).toThrow(/unsafe path/);
    expect(() => writeOutput([{ path: "/etc/x", content: "" }], tmp())).toThrow(/unsafe path/);
    expect(() => writeOutput([{ path: MANIFEST, content: "" }], tmp())).toThrow(/unsafe path/);
  });
});

describe("1. all or nothing, also when killed; the user's files carried over", () => {
  it("an update carries over files llmdeploy did not write: same content, mode, inode; links stay links", () => {
    const out = deployed();
    const before = snapshot(out);
    const ino = (p: string) => lstatSync(join(out, p)).ino;
    const inodes = ["secrets/api-keys.map", "secrets/hf_token", "notes.txt"].map(ino);
    const outIno = statSync(out).ino;
    writeOutput(v2, out, { force: true });
    const after = snapshot(out);
    for (const p of [
      "secrets/api-keys.map",
      "secrets/hf_token",
      "notes.txt",
      "models",
      "scratch/",
      "secrets/",
    ]) {
      expect(after[p], p).toBe(before[p]);
    }
    expect(after["secrets/hf_token"]).toBe("file 400 hf_x\n");
    expect(["secrets/api-keys.map", "secrets/hf_token", "notes.txt"].map(ino)).toEqual(inodes); // hard links
    expect(statSync(out).ino).not.toBe(outIno); // the whole folder was swapped
    expect(after["compose.yaml"]).toBeUndefined(); // stale: removed
    expect(after["k8s/deployment.yaml"]).toBe("file 644 kind: Deployment\n");
    expect(leftovers(out)).toEqual([]);
  });

  it("where hard links fail (EPERM), files are copied with their mode and times", () => {
    const out = deployed();
    const mtime = statSync(join(out, "notes.txt")).mtimeMs;
    const fs: WriterFs = {
      ...realFs,
      linkSync: (p, q) => {
        throw errno("EPERM", p, "linkSync", q);
      },
    };
    const before = snapshot(out);
    writeOutput(v2, out, { force: true, fs });
    const after = snapshot(out);
    for (const p of ["secrets/api-keys.map", "secrets/hf_token", "notes.txt", "models"])
      expect(after[p]).toBe(before[p]);
    expect(Math.abs(statSync(join(out, "notes.txt")).mtimeMs - mtime)).toBeLessThan(1);
  });

  it("in place when the current folder is inside it: the folder itself stays (a shell there keeps working)", () => {
    const out = deployed();
    const outIno = statSync(out).ino;
    const scratchIno = statSync(join(out, "scratch")).ino; // an entry that does not change is not touched
    writeOutput(v2, out, { force: true, fs: withCwd(out) });
    expect(statSync(out).ino).toBe(outIno);
    expect(statSync(join(out, "scratch")).ino).toBe(scratchIno);
    expect(snapshot(out)).toEqual(expectedNew()); // the same result as swapping the whole folder
    expect(leftovers(out)).toEqual([]);
  });

  it("a mount point inside: updated in place around it; inside an entry that changes: refused", () => {
    const out = deployed();
    mkdirSync(join(out, "data"));
    writeFileSync(join(out, "data/weights.bin"), "w");
    const mounted = (paths: string[]): WriterFs => ({
      ...realFs,
      readFileSync: ((p: string, o?: unknown) =>
        p === "/proc/self/mountinfo"
          ? paths
              .map((m, i) => `${900 + i} 1 0:99 / ${m.replace(/ /g, "\\040")} rw - tmpfs x rw`)
              .join("\n") + "\n"
          : realFs.readFileSync(p, o as "utf8")) as WriterFs["readFileSync"],
    });
    const dataIno = statSync(join(out, "data")).ino;
    writeOutput(v2, out, { force: true, fs: mounted([join(out, "data")]) });
    expect(statSync(join(out, "data")).ino).toBe(dataIno);
    expect(read(out, "README.md")).toBe("v2\n");
    const v3 = v1.map((f) => (f.path === "secrets/.gitignore" ? { ...f, content: "*\n!.gitignore\n" } : f));
    const e = userError(() =>
      writeOutput(v3, out, { force: true, fs: mounted([join(out, "data"), join(out, "secrets")]) }),
    );
    expect(e.message).toMatch(/deploy\/secrets is a mount point inside a folder llmdeploy must replace/);
    expect(read(out, "README.md")).toBe("v2\n");
  });

  for (const shape of ["whole folder", "in place"] as const) {
    const base = (out: string) => (shape === "in place" ? withCwd(out) : realFs);

    it(`${shape}: a failure (ENOSPC) at any step leaves the folder exactly as it was, nothing beside it`, () => {
      const want = expectedNew();
      let failures = 0;
      for (let at = 1; ; at++) {
        const out = deployed();
        const before = snapshot(out);
        const f = faulty({ at, how: "fail", code: "ENOSPC", base: base(out) });
        let error: unknown = null;
        try {
          writeOutput(v2, out, { force: true, fs: f.fs });
        } catch (e) {
          error = e;
        }
        if (!error) {
          // the fault came after the commit (removing the old copy) or never: the new folder, and
          // the next run removes what is left
          recoverFolder(realFs, out, (p) => p, true);
          expect(snapshot(out), `step ${at}`).toEqual(want);
          expect(leftovers(out)).toEqual([]);
          if (at > f.calls()) break;
          continue;
        }
        failures++;
        expect(error, `step ${at}`).toBeInstanceOf(UserError);
        const { message, hint } = error as UserError;
        expect(message).toMatch(/^cannot write .*deploy.*: no space left on the device \(ENOSPC\)$/);
        expect(message).not.toMatch(/llmdeploy-(new|old)/); // named as the user knows it
        expect(hint).toMatch(/free some space.*; nothing was changed$/);
        expect(snapshot(out), `step ${at}`).toEqual(before);
        expect(leftovers(out), `step ${at}`).toEqual([]);
      }
      expect(failures).toBeGreaterThan(10);
    });

    it(`${shape}: killed at any step, the next run finds it exactly old or exactly new, then writes it`, () => {
      const want = expectedNew();
      let kills = 0;
      for (let at = 1; ; at++) {
        const out = deployed();
        const before = snapshot(out);
        const f = faulty({ at, how: "kill", base: base(out) });
        try {
          writeOutput(v2, out, { force: true, fs: f.fs });
        } catch {
          // killed
        }
        if (at > f.calls()) {
          expect(snapshot(out)).toEqual(want);
          break;
        }
        kills++;
        // what the next run does first
        recoverFolder(realFs, out, (p) => p, true);
        expect([before, want], `killed at step ${at}`).toContainEqual(snapshot(out));
        expect(leftovers(out), `killed at step ${at}`).toEqual([]);
        writeOutput(v2, out, { force: true });
        expect(snapshot(out), `killed at step ${at}, then run again`).toEqual(want);
      }
      expect(kills).toBeGreaterThan(10);
    });
  }

  /** Killed right after the old folder was renamed to its backup name. */
  const killedAfterMovingAside = (out: string) =>
    faulty({ killAfter: (name, args) => name === "renameSync" && args[0] === out });

  it("killed after the old folder moved aside, before the new one moved in: the next run restores it", () => {
    const out = deployed();
    const before = snapshot(out);
    expect(() => writeOutput(v2, out, { force: true, fs: killedAfterMovingAside(out).fs })).toThrow();
    expect(existsSync(out)).toBe(false); // the target is missing, the backup is beside it
    expect(leftovers(out).some((n) => n.startsWith(".deploy.llmdeploy-old-"))).toBe(true);
    // a dry run reports it and changes nothing
    const dry = writeOutput(v2, out, { dryRun: true });
    expect(dry.notes.join("\n")).toMatch(/an interrupted llmdeploy run left .*\.deploy\.llmdeploy-/);
    expect(existsSync(out)).toBe(false);
    // the next write restores the old folder first, then writes
    const r = writeOutput(v1, out);
    expect(r.notes).toEqual([expect.stringMatching(/interrupted mid-update; the folder is back as it was/)]);
    expect(snapshot(out)).toEqual(before);
    expect(leftovers(out)).toEqual([]);
  });

  it("killed again while recovering: the run after that still restores the old folder", () => {
    let steps = 0;
    for (let at = 1; ; at++) {
      const out = deployed();
      const before = snapshot(out);
      expect(() => writeOutput(v2, out, { force: true, fs: killedAfterMovingAside(out).fs })).toThrow();
      const second = faulty({ at, how: "kill" });
      let finished = true;
      try {
        recoverFolder(second.fs, out, (p) => p, true);
      } catch {
        finished = false;
      }
      recoverFolder(realFs, out, (p) => p, true);
      expect(snapshot(out), `recovery killed at step ${at}`).toEqual(before);
      expect(leftovers(out)).toEqual([]);
      if (finished) break;
      steps++;
    }
    expect(steps).toBeGreaterThan(3);
  });

  it("leftovers of a run killed while building are removed; another live llmdeploy's are not", () => {
    const out = deployed();
    expect(() => writeOutput(v2, out, { force: true, fs: faulty({ at: 5 }).fs })).toThrow();
    expect(leftovers(out).length).toBeGreaterThan(0);
    const r = writeOutput(v2, out, { force: true });
    expect(r.notes).toEqual([
      expect.stringMatching(/interrupted before its update; removed its unfinished files/),
    ]);
    expect(leftovers(out)).toEqual([]);
    // a write in progress by another process (here: our parent, which is alive)
    mkdirSync(join(dirname(out), `.deploy.llmdeploy-new-${process.ppid}-0badcafe`));
    const e = userError(() => writeOutput(v1, out, { force: true }));
    expect(e.message).toMatch(
      new RegExp(`another llmdeploy \\(process ${process.ppid}\\) seems to be writing`),
    );
    expect(e.hint).toMatch(/if no llmdeploy is running, remove .*0badcafe/);
  });
});

describe("2. every I/O error is one line with a hint", () => {
  const cases: [string, string, RegExp, RegExp][] = [
    [
      "EACCES",
      "writeFileSync",
      /permission denied \(EACCES\)$/,
      /write permission on the folder and on the one that holds it/,
    ],
    ["EROFS", "mkdirSync", /the file system is read-only \(EROFS\)$/, /writable file system/],
    ["EDQUOT", "writeFileSync", /disk quota is exceeded \(EDQUOT\)$/, /free some space/],
    ["EIO", "renameSync", /input\/output error.* \(EIO\)$/, /check the disk/],
  ];
  for (const [code, call, message, hint] of cases) {
    it(`${code} (injected; works as root too)`, () => {
      const out = deployed();
      const before = snapshot(out);
      const fs = { ...realFs } as WriterFs;
      const real = realFs[call as "writeFileSync"] as (...a: unknown[]) => void;
      let once = false;
      (fs as unknown as Record<string, unknown>)[call] = (...a: unknown[]) => {
        if (!once) {
          once = true;
          throw errno(code, a[0]);
        }
        return real(...a);
      };
      const e = userError(() => writeOutput(v2, out, { force: true, fs }));
      expect(e.message).toMatch(/^cannot write /);
      expect(e.message).toMatch(message);
      expect(e.hint).toMatch(hint);
      expect(snapshot(out)).toEqual(before);
    });
  }

  it.skipIf(asRoot)("a read-only folder (chmod; skipped as root, who may write anyway)", () => {
    const out = deployed();
    const before = snapshot(out);
    chmodSync(dirname(out), 0o555);
    chmodSync(out, 0o555);
    try {
      const e = userError(() => writeOutput(v2, out, { force: true }));
      expect(e.message).toMatch(/^cannot write .*deploy.*: permission denied \(EACCES\)$/);
      expect(e.hint).toMatch(/nothing was changed$/);
    } finally {
      chmodSync(out, 0o755);
      chmodSync(dirname(out), 0o755);
    }
    expect(snapshot(out)).toEqual(before);
  });

  it("a file where a folder must be: the new folder's parent, or nginx/ inside it", () => {
    const dir = tmp();
    writeFileSync(join(dir, "afile"), "x");
    const e = userError(() => writeOutput(v1, join(dir, "afile", "deploy")));
    expect(e.message).toBe(
      `cannot write ${join(dir, "afile", "deploy")}: ${join(dir, "afile")} is a file, not a folder`,
    );
    expect(readdirSync(dir)).toEqual(["afile"]);
    expect(() => writeOutput(v1, join(dir, "afile"))).toThrow(/exists and is not a folder/);
    const out = join(dir, "deploy");
    mkdirSync(out);
    writeFileSync(join(out, "nginx"), "in the way\n");
    const e2 = userError(() => writeOutput(v1, out, { force: true }));
    expect(e2.message).toBe(
      `${join(out, "nginx")} is a file where llmdeploy needs a folder (for nginx/nginx.conf)`,
    );
    expect(e2.hint).toMatch(/nothing was written$/);
    expect(readdirSync(out)).toEqual(["nginx"]);
    rmSync(join(out, "nginx"));
    mkdirSync(join(out, "compose.yaml"));
    expect(() => writeOutput(v1, out, { force: true })).toThrow(
      /compose\.yaml is a folder where llmdeploy writes a file/,
    );
  });
});

describe("3. never through a symbolic link", () => {
  it("a dangling or outside link at secrets/api-keys.map receives nothing", () => {
    const out = deployed();
    rmSync(join(out, "secrets/api-keys.map"));
    const outside = join(tmp(), "stolen.map");
    symlinkSync(outside, join(out, "secrets/api-keys.map"));
    const e = userError(() => writeOutput(v1, out, { generateApiKey: true }));
    expect(e.message).toBe(
      `${join(out, "secrets/api-keys.map")} is a symbolic link: llmdeploy never writes through one (it can point outside ${out})`,
    );
    expect(existsSync(outside)).toBe(false);
    // without --generate-api-key the link is the user's: carried over as a link, not followed
    writeOutput(v2, out, { force: true });
    expect(readlinkSync(join(out, "secrets/api-keys.map"))).toBe(outside);
    expect(existsSync(outside)).toBe(false);
  });

  it("a rendered file that is a link, or a linked folder on the way, is refused even with --force", () => {
    const out = deployed();
    const elsewhere = tmp();
    writeFileSync(join(elsewhere, "README.md"), "theirs\n");
    rmSync(join(out, "README.md"));
    symlinkSync(join(elsewhere, "README.md"), join(out, "README.md"));
    expect(() => writeOutput(v2, out, { force: true })).toThrow(/deploy\/README\.md is a symbolic link/);
    rmSync(join(out, "README.md"));
    rmSync(join(out, "nginx"), { recursive: true });
    symlinkSync(elsewhere, join(out, "nginx"));
    const e = userError(() => writeOutput(v2, out, { force: true }));
    expect(e.message).toMatch(
      /deploy\/nginx is a symbolic link: llmdeploy never writes nginx\/nginx\.conf through one/,
    );
    expect(readdirSync(elsewhere)).toEqual(["README.md"]);
    expect(read(elsewhere, "README.md")).toBe("theirs\n");
  });

  it("--out itself as a link is refused, even with --force or --dry-run: nothing reaches where it points", () => {
    // Before: the folder the link named was written (a link planted at a shared path would receive
    // the deployment, and with --force lose its stale files).
    const real = join(tmp(), "real");
    const link = join(tmp(), "link");
    mkdirSync(real);
    writeFileSync(join(real, "mine.txt"), "mine\n");
    symlinkSync(real, link);
    for (const opts of [{}, { force: true }, { dryRun: true }]) {
      const e = userError(() => writeOutput(v1, link, opts));
      expect(e.message).toBe(
        `--out ${link} is a symbolic link (to ${real}): llmdeploy does not write a deployment through one`,
      );
      expect(e.hint).toMatch(/pass the folder it points to as --out .*; nothing was written$/);
    }
    expect(() => writeOutput(v1, link + "/")).toThrow(/is a symbolic link \(to /);
    const dangling = join(tmp(), "dangling");
    symlinkSync(join(tmp(), "nowhere"), dangling);
    expect(() => writeOutput(v1, dangling)).toThrow(/is a symbolic link \(dangling\)/);
    expect(readdirSync(real)).toEqual(["mine.txt"]);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it("a linked folder above --out is resolved, and the note says where the files went", () => {
    const real = join(tmp(), "real");
    const link = join(tmp(), "link");
    mkdirSync(real);
    symlinkSync(real, link);
    const r = writeOutput(v1, join(link, "deploy"));
    expect(r.notes).toEqual([
      `${join(link, "deploy")} is ${join(real, "deploy")} (a symbolic link on the way there, resolved)`,
    ]);
    expect(read(join(real, "deploy"), "README.md")).toBe("v1\n");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    // a plain path gets no note
    expect(writeOutput(v1, join(real, "other")).notes).toEqual([]);
  });
});

describe("4. the manifest; stale files", () => {
  it("lists what llmdeploy wrote, sorted, with SHA-256; never the API key", () => {
    const out = join(tmp(), "deploy");
    writeOutput(v1, out, { generateApiKey: true });
    const m = JSON.parse(read(out, MANIFEST));
    expect(m.files).toEqual(
      [...v1]
        .sort((a, b) => (a.path < b.path ? -1 : 1))
        .map((f) => ({ path: f.path, sha256: sha(f.content) })),
    );
  });

  it("a file the plan no longer renders is removed; its empty folder too; --dry-run and --check list it", () => {
    const out = deployed();
    const dry = writeOutput(v2, out, { dryRun: true, force: true });
    expect(dry.files.find((f) => f.path === "compose.yaml")).toMatchObject({ status: "stale", after: null });
    const check = writeOutput(v2, out, { check: true });
    expect(check.files.find((f) => f.path === "compose.yaml")!.status).toBe("stale");
    expect(existsSync(join(out, "compose.yaml"))).toBe(true);
    writeOutput(v2, out, { force: true });
    expect(existsSync(join(out, "compose.yaml"))).toBe(false);
    // back: k8s/ goes (it held only llmdeploy's file), compose.yaml returns
    writeOutput(v1, out, { force: true });
    expect(existsSync(join(out, "k8s"))).toBe(false);
    expect(read(out, "compose.yaml")).toBe("services: {}\n");
    expect(writeOutput(v1, out, { check: true }).files.every((f) => f.status === "unchanged")).toBe(true);
  });

  it("an edited stale file is kept and reported, and removed with --force; unlisted files never", () => {
    const out = deployed();
    writeFileSync(join(out, "compose.yaml"), "services: {mine: {}}\n");
    const withoutCompose = v1.filter((f) => f.path !== "compose.yaml");
    const r = writeOutput(withoutCompose, out);
    expect(r.files.find((f) => f.path === "compose.yaml")).toMatchObject({ status: "kept", edited: true });
    expect(read(out, "compose.yaml")).toBe("services: {mine: {}}\n");
    // still listed: --check keeps reporting it until --force removes it
    expect(JSON.parse(read(out, MANIFEST)).files.map((f: { path: string }) => f.path)).toContain(
      "compose.yaml",
    );
    expect(
      writeOutput(withoutCompose, out, { check: true }).files.find((f) => f.path === "compose.yaml")!.status,
    ).toBe("kept");
    const forced = writeOutput(withoutCompose, out, { force: true });
    expect(forced.files.find((f) => f.path === "compose.yaml")).toMatchObject({
      status: "stale",
      edited: true,
    });
    expect(existsSync(join(out, "compose.yaml"))).toBe(false);
    expect(JSON.parse(read(out, MANIFEST)).files.map((f: { path: string }) => f.path)).not.toContain(
      "compose.yaml",
    );
    // the user's files were never in the manifest: still there
    expect(read(out, "notes.txt")).toBe("my notes\n");
    expect(read(out, "secrets/hf_token")).toBe("hf_x\n");
  });

  it("render keeps plan.yaml that plan --out wrote; a broken manifest is refused", () => {
    const out = join(tmp(), "deploy");
    writeOutput([{ path: "plan.yaml", content: "kind: Plan\n" }, ...v1], out);
    writeOutput(v1, out, { keep: ["plan.yaml"] });
    expect(read(out, "plan.yaml")).toBe("kind: Plan\n");
    expect(JSON.parse(read(out, MANIFEST)).files.map((f: { path: string }) => f.path)).toContain("plan.yaml");
    writeFileSync(join(out, MANIFEST), "{ not json");
    const e = userError(() => writeOutput(v1, out));
    expect(e.message).toMatch(/\.llmdeploy-manifest\.json is not an llmdeploy manifest/);
    expect(e.hint).toMatch(/delete it: llmdeploy then treats every file .* as yours/);
  });
});

describe("7. --generate-api-key", () => {
  it("adds secrets/api-keys.map with mode 0600, once, and never overwrites it (not even with --force)", () => {
    const out = join(tmp(), "deploy");
    const r = writeOutput(v1, out, { generateApiKey: true });
    expect(r.apiKeyFile).toBe(join(out, "secrets/api-keys.map"));
    const keys = join(out, "secrets/api-keys.map");
    expect(statSync(keys).mode & 0o777).toBe(0o600);
    const key = readFileSync(keys, "utf8");
    expect(key).toMatch(/^"Bearer sk-[0-9a-f]{48}" 1;\n$/);
    for (const [files, force] of [
      [v1, false],
      [v2, true],
    ] as const) {
      const again = writeOutput(files, out, { generateApiKey: true, force });
      expect(again.apiKeyFile).toBeNull();
      expect(again.apiKeyKept).toBe(true);
      expect(readFileSync(keys, "utf8")).toBe(key);
      expect(statSync(keys).mode & 0o777).toBe(0o600);
    }
    // into an existing folder too, in the same all-or-nothing step
    const other = join(tmp(), "deploy");
    mkdirSync(other);
    writeOutput(v1, other, { generateApiKey: true });
    expect(statSync(join(other, "secrets/api-keys.map")).mode & 0o777).toBe(0o600);
  });
});
