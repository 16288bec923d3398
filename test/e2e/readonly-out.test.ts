// A folder the user may not write: one line naming it, exit 1, nothing written. Run as a non-root
// user (setpriv to nobody when the test runs as root, as CI does), since root may write anyway; the
// in-process writer tests inject EACCES, this one lets the kernel refuse.
import { execa } from "execa";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, requireTool } from "./helpers.js";

const NOBODY = 65534;

describe("an output folder the user cannot write", () => {
  it("plan --out into a read-only folder: permission denied, exit 1, nothing written", async (ctx) => {
    const asRoot = process.getuid?.() === 0;
    if (asRoot) await requireTool("setpriv", ctx);
    const dir = mkdtempSync(join(tmpdir(), "llmdeploy-ro-"));
    chmodSync(dir, 0o755);
    const parent = join(dir, "ro");
    mkdirSync(parent, { mode: 0o555 });
    chmodSync(parent, 0o555);
    const out = join(parent, "deploy");
    const args = [BIN, "plan", "--model", "8b", "--defaults", "--out", out];
    const env = { CI: "true", NO_COLOR: "1", HOME: dir, XDG_CONFIG_HOME: dir, LLMDEPLOY_CALIBRATION: "" };
    const r = asRoot
      ? await execa(
          "setpriv",
          [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", process.execPath, ...args],
          { reject: false, env, extendEnv: false, stdin: "ignore", timeout: 20_000 },
        )
      : await execa(process.execPath, args, { reject: false, env, stdin: "ignore", timeout: 20_000 });
    const errors = r.stderr.split("\n").filter((l) => l.startsWith("error"));
    expect(r.exitCode).toBe(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/cannot write .*deploy.*permission denied \(EACCES\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(readdirSync(parent)).toEqual([]);
  });
});
