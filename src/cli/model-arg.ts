/**
 * A model argument that names something on disk is checked before the model readers
 * (src/models/resolve.ts) open it: a device, a FIFO or a socket (`estimate /dev/zero` read without end
 * until the process aborted), or a file far larger than any config.json, is one line instead.
 */
import { statSync } from "node:fs";
import { homedir } from "node:os";
import { resolve } from "node:path";
import { UserError } from "../errors.js";

/**
 * Largest config.json read: a model's config.json holds a few dozen architecture fields, under a KiB
 * for Qwen3-0.6B (test/fixtures/configs/qwen3-0.6b.json, 584 bytes, from the Hub); 16 MiB leaves room
 * for any, and refuses what cannot be one.
 */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

/** Throws a UserError when `arg` (as typed after `flag`) names a path that is not a model to read. */
export function checkModelArg(arg: string, flag: string): void {
  const path = resolve(arg.replace(/^~(?=$|\/)/, homedir()));
  let st;
  try {
    st = statSync(path);
  } catch {
    return; // not a path on disk: a catalog name, a Hub id, or a path the reader reports as missing
  }
  const hint =
    "pass a model folder containing config.json, a config.json file, a .gguf file, or a catalog name (llmdeploy models)";
  if (!st.isFile() && !st.isDirectory())
    throw new UserError(`${flag} ${arg} is not a regular file or a folder`, hint);
  if (st.isFile() && !/\.(gguf|safetensors)$/i.test(path) && st.size > MAX_CONFIG_BYTES)
    throw new UserError(
      `${flag} ${arg} is ${Math.round(st.size / 1024 / 1024)} MiB: not a config.json (a few KiB)`,
      hint,
    );
}
