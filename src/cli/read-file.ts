/**
 * Reading a file the user named (a plan, a log, prompts): one line for each way it can fail, checked
 * before a byte is read, so that a device (/dev/zero: read without end), a FIFO (a read that blocks
 * for ever) or a file far larger than any such input never reaches readFileSync.
 */
import { readFileSync, statSync } from "node:fs";
import { UserError } from "../errors.js";

const MIB = 1024 * 1024;

/**
 * The text of `path`. `what` names the input in messages ("plan file", "log file"); `maxBytes` is the
 * largest accepted. UserError (with `hint`) when it does not exist, is not a regular file, is larger,
 * or cannot be read (the errno code is named).
 */
export function readTextFile(path: string, what: string, hint: string, maxBytes: number): string {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UserError(`${what} ${path} is a folder`, hint);
    if (!st.isFile()) throw new UserError(`${what} ${path} is not a regular file`, hint);
    size = st.size;
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new UserError(`${what} ${path} does not exist`, hint);
    throw new UserError(`cannot read ${what} ${path} (${code ?? "read error"})`, hint);
  }
  if (size > maxBytes)
    throw new UserError(
      `${what} ${path} is ${Math.round(size / MIB)} MiB, over the ${Math.round(maxBytes / MIB)} MiB llmdeploy reads`,
      hint,
    );
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new UserError(
      `cannot read ${what} ${path} (${(e as NodeJS.ErrnoException).code ?? "read error"})`,
      hint,
    );
  }
}

/** A plan.yaml is tens of KiB; 16 MiB is far past any. */
export const MAX_PLAN_BYTES = 16 * MIB;
