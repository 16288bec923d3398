// --report FILE.html: the path is checked before any work, the file is written through a temporary
// file and one rename, and a failure leaves the folder as it was (src/cli/report-file.ts).
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkReportPath, writeReportFile } from "../../src/cli/report-file.js";
import { realFs, type WriterFs } from "../../src/cli/writer-fs.js";
import { UserError } from "../../src/errors.js";

const tmp = () => realpathSync(mkdtempSync(join(tmpdir(), "llmdeploy-report-file-")));
const REPORT =
  '<!DOCTYPE html>\n<html><head><meta name="generator" content="llmdeploy-report"></head></html>\n';
const errorOf = (f: () => void): UserError => {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error("no error");
};

describe("checkReportPath: one line, nothing written", () => {
  it.each([
    ["", /--report needs a file name/],
    ["missing/r.html", /--report missing\/r.html: the folder missing does not exist/],
    ["file.txt/r.html", /the folder file.txt does not exist|file.txt is not a folder/],
    ["dir", /--report dir is a folder/],
    ["link.html", /is a symbolic link/],
    ["notes.html", /exists and is not an llmdeploy report: not overwritten/],
  ])("%s", (path, message) => {
    const dir = tmp();
    writeFileSync(join(dir, "file.txt"), "x");
    mkdirSync(join(dir, "dir"));
    writeFileSync(join(dir, "target.html"), REPORT);
    symlinkSync(join(dir, "target.html"), join(dir, "link.html"));
    writeFileSync(join(dir, "notes.html"), "<p>my notes</p>");
    const before = readdirSync(dir).sort();
    const fs: WriterFs = { ...realFs, cwd: () => dir };
    const e = errorOf(() => checkReportPath(path, fs));
    expect(e.message).toMatch(message);
    expect(e.hint).toBeTruthy();
    expect(e.message).not.toMatch(/\n/);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(readFileSync(join(dir, "notes.html"), "utf8")).toBe("<p>my notes</p>");
  });

  it("a new file, or an earlier report, is fine", () => {
    const dir = tmp();
    const fs: WriterFs = { ...realFs, cwd: () => dir };
    expect(() => checkReportPath("new.html", fs)).not.toThrow();
    writeFileSync(join(dir, "old.html"), REPORT);
    expect(() => checkReportPath("old.html", fs)).not.toThrow();
  });
});

describe("writeReportFile", () => {
  it("replaces an earlier report in one rename and leaves no temporary file", () => {
    const dir = tmp();
    const fs: WriterFs = { ...realFs, cwd: () => dir };
    writeFileSync(join(dir, "r.html"), REPORT);
    const next = REPORT.replace("</html>", "<body>new</body></html>");
    writeReportFile("r.html", next, fs);
    expect(readFileSync(join(dir, "r.html"), "utf8")).toBe(next);
    expect(readdirSync(dir)).toEqual(["r.html"]);
  });

  it("a failure (disk full) names the file, keeps the old report and removes the temporary file", () => {
    const dir = tmp();
    writeFileSync(join(dir, "r.html"), REPORT);
    const full: WriterFs = {
      ...realFs,
      cwd: () => dir,
      renameSync: () => {
        throw Object.assign(new Error("ENOSPC: no space left on device"), {
          code: "ENOSPC",
          syscall: "rename",
          path: join(dir, "r.html"),
        });
      },
    };
    const e = errorOf(() => writeReportFile("r.html", REPORT + "more", full));
    expect(e.message).toBe("cannot write r.html: no space left on the device (ENOSPC)");
    expect(e.hint).toMatch(/nothing was changed/);
    expect(readdirSync(dir)).toEqual(["r.html"]);
    expect(readFileSync(join(dir, "r.html"), "utf8")).toBe(REPORT);
  });
});
