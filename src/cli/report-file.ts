/**
 * `--report FILE.html` on `plan` and `estimate`: the path is checked before any work (one line and
 * nothing written when it cannot be used), the page is rendered by the pure report module (loaded
 * only here), checked like every other output (no NaN, Infinity, undefined), and written atomically:
 * a temporary file beside it, then one rename, so FILE.html is always the old report or the new one.
 * An existing file is replaced only when it is an llmdeploy report; a symbolic link, a folder or
 * any other file at the path is refused.
 */
import { basename, dirname, join, resolve } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import type { Plan } from "../contract/plan.js";
import { UserError } from "../errors.js";
import { REPORT_MARKER } from "../report/html.js";
import type { EstimateResult } from "../sizing/estimate.js";
import { guardOutput, info } from "./output.js";
import { errnoOf, ioError, lstatOrNone, realFs, type WriterFs } from "./writer-fs.js";

/** How much of an existing file is read to find the marker (it sits in the page's head). */
const HEAD_BYTES = 4096;

/** An existing file at `abs` that llmdeploy wrote as a report. */
function isReport(fs: WriterFs, abs: string): boolean {
  try {
    return String(fs.readFileSync(abs, "latin1")).slice(0, HEAD_BYTES).includes(REPORT_MARKER);
  } catch {
    return false;
  }
}

/**
 * Throws a UserError (field "report") when `path` cannot take the report: empty, its folder missing
 * or not a folder or not writable, or something other than an earlier report at the path itself
 * (a folder, a symbolic link, a device, a file llmdeploy did not write).
 */
export function checkReportPath(path: string, fs: WriterFs = realFs): void {
  const err = (message: string, hint: string) => new UserError(message, hint, 1, "report");
  if (!path.trim()) throw err("--report needs a file name", "e.g. --report plan.html");
  const abs = resolve(fs.cwd(), path);
  const dir = dirname(abs);
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch (e) {
    if (errnoOf(e) === "ENOENT" || errnoOf(e) === "ENOTDIR")
      throw err(
        `--report ${path}: the folder ${dirname(path)} does not exist`,
        "create it first, or write the report elsewhere",
      );
    throw ioError(e, fs, () => dirname(path), true, "read");
  }
  if (!fs.lstatSync(real).isDirectory())
    throw err(`--report ${path}: ${dirname(path)} is not a folder`, "pass a path inside an existing folder");
  const at = lstatOrNone(fs, abs);
  if (at?.isSymbolicLink())
    throw err(
      `--report ${path} is a symbolic link: llmdeploy does not write through links`,
      "pass the path of a regular file",
    );
  if (at?.isDirectory())
    throw err(`--report ${path} is a folder`, `pass a file name, e.g. ${join(path, "report.html")}`);
  if (at && !at.isFile())
    throw err(`--report ${path} is not a regular file`, "pass the path of a regular file");
  if (at && !isReport(fs, abs))
    throw err(
      `--report ${path} exists and is not an llmdeploy report: not overwritten`,
      "choose another file name, or remove it first",
    );
  try {
    fs.accessSync(dir, 2 /* W_OK */);
  } catch (e) {
    throw ioError(e, fs, () => dirname(path), true);
  }
}

/** Write `html` to `path` through a temporary file and one rename; on failure nothing is left behind. */
export function writeReportFile(path: string, html: string, fs: WriterFs = realFs): void {
  checkReportPath(path, fs);
  const abs = resolve(fs.cwd(), path);
  const tmp = join(dirname(abs), `.${basename(abs)}.llmdeploy-tmp-${process.pid}`);
  try {
    fs.writeFileSync(tmp, html, { flag: "wx", mode: 0o644 });
    fs.renameSync(tmp, abs);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch (u) {
      if (errnoOf(u) !== "ENOENT") throw ioError(u, fs, () => path, false);
    }
    throw ioError(e, fs, (p) => (p === tmp || p === abs ? path : p), true);
  }
}

const generator = `llmdeploy ${pkg.version}`;

function finish(path: string, html: string, dryRun: boolean): void {
  // The same guard as every printed line and JSON document: never a NaN or undefined on the page.
  guardOutput(html, "the report");
  if (dryRun) {
    info(`--dry-run: would write the report ${path} (${Math.ceil(html.length / 1024)} KiB)`);
    return;
  }
  writeReportFile(path, html);
  info(`wrote the report ${path} (${Math.ceil(Buffer.byteLength(html) / 1024)} KiB)`);
}

/** `plan --report`: render the plan's page and write it (`dryRun`: say so and write nothing). */
export async function writePlanReport(plan: Plan, path: string, opts: { dryRun: boolean }): Promise<void> {
  const { planReport } = await import("../report/index.js");
  finish(path, planReport(plan), opts.dryRun);
}

/** `estimate --report`: render the estimate's page and write it. */
export async function writeEstimateReport(r: EstimateResult, path: string): Promise<void> {
  const { estimateReport } = await import("../report/index.js");
  finish(path, estimateReport(r, generator), false);
}
