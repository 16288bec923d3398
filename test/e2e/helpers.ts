import { execa } from "execa";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../../bin/llmdeploy.js", import.meta.url));

/**
 * An empty config directory: a calibration profile the developer keeps in ~/.config/llmdeploy (or
 * names in LLMDEPLOY_CALIBRATION) must not change what the tests see. Tests of the lookup set their own.
 */
const CONFIG_HOME = mkdtempSync(join(tmpdir(), "llmdeploy-config-"));

/** Run the built CLI as a user would, never rejecting: assert on exitCode, stdout, stderr. */
export function cli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  return execa(process.execPath, [BIN, ...args], {
    reject: false,
    cwd: opts.cwd,
    env: { CI: "true", NO_COLOR: "1", XDG_CONFIG_HOME: CONFIG_HOME, LLMDEPLOY_CALIBRATION: "", ...opts.env },
    stdin: "ignore",
    timeout: 20_000,
  });
}

/**
 * A system tool a test needs (nginx, shellcheck, promtool, docker-compose, zsh, fish, openssl, patch, chromium).
 * `bash .ci/run` installs them (.ci/apt-packages). Under CI a missing tool fails the test; on a
 * developer's machine the test is skipped with a note, so `npm test` works on a fresh clone.
 */
export async function requireTool(cmd: string, ctx: { skip: (note?: string) => void }): Promise<void> {
  const r = await execa("sh", ["-c", `command -v ${cmd}`], { reject: false });
  if (r.exitCode === 0) return;
  const note = `${cmd} is not installed (bash .ci/run installs it from .ci/apt-packages)`;
  if (process.env.CI && process.env.CI !== "false") throw new Error(note);
  process.stderr.write(`skipped: ${note}\n`);
  ctx.skip(note);
}
