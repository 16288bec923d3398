/**
 * Writing one file all or nothing (a calibration profile): the content goes to a temporary file
 * beside it, then a rename puts it in place, so a reader sees the old file or the new one, never half
 * of one. As the folder writer (writer.ts) does: no write through a symbolic link, an existing file
 * that differs is replaced only with --force, an identical one is left alone, and a failed call reads
 * as one line naming the file (ioError).
 */
import { basename, dirname, join, resolve } from "node:path";
import { UserError } from "../errors.js";
import { ioError, lstatOrNone, realFs, type WriterFs } from "./writer-fs.js";

export type OneFileStatus = "new" | "changed" | "unchanged";

/** Writes `content` to `path` (as the user typed it); its status. UserError when it must not. */
export function writeOneFile(
  path: string,
  content: string,
  opts: { force?: boolean; flag?: string } = {},
  fs: WriterFs = realFs,
): OneFileStatus {
  const flag = opts.flag ?? "--out";
  const abs = resolve(fs.cwd(), path);
  const dir = dirname(abs);
  const show = (p: string) => (p === abs ? path : p);
  const parent = lstatOrNone(fs, dir);
  if (!parent)
    throw new UserError(
      `cannot write ${path}: the folder ${dirname(path)} does not exist`,
      `create it, or choose another ${flag}`,
    );
  if (!parent.isDirectory() && !parent.isSymbolicLink())
    throw new UserError(`cannot write ${path}: ${dirname(path)} is not a folder`, `choose another ${flag}`);
  const st = lstatOrNone(fs, abs);
  let status: OneFileStatus = "new";
  if (st) {
    if (st.isSymbolicLink())
      throw new UserError(
        `${path} is a symbolic link: llmdeploy never writes through one (it can point anywhere)`,
        `remove the link, or choose another ${flag}`,
      );
    if (!st.isFile()) throw new UserError(`${path} exists and is not a file`, `choose another ${flag}`);
    let old: string;
    try {
      old = fs.readFileSync(abs, "utf8") as string;
    } catch (e) {
      throw ioError(e, fs, show, true, "read");
    }
    if (old === content) return "unchanged";
    if (!opts.force)
      throw new UserError(
        `${path} exists and differs`,
        `pass --force to replace it, or choose another ${flag}`,
      );
    status = "changed";
  }
  const tmp = join(dir, `.${basename(abs)}.llmdeploy-new-${process.pid}`);
  try {
    fs.writeFileSync(tmp, content, { mode: 0o644 });
    fs.renameSync(tmp, abs);
  } catch (e) {
    try {
      if (lstatOrNone(fs, tmp)) fs.unlinkSync(tmp);
    } catch {
      // the temporary file stays; the error below is what the user needs to see
    }
    throw ioError(e, fs, (p) => (p === tmp ? path : show(p)), true);
  }
  return status;
}
