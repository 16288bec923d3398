/**
 * What a fresh-eyes user test found in the CLI, through the built bin: empty path flags, symbolic
 * links at --out, file content echoed in errors, hostile strings. Each case was wrong before (said
 * per case); now one line on stderr with a hint, exit 1, and nothing written.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

const tmp = () => mkdtempSync(join(tmpdir(), "llmdeploy-e2e-hard-"));
const PLAN = ["plan", "--model", "8b", "--defaults", "--gpu", "l4", "-q"];

/** Exit 1, exactly one `error:` line and a hint, no stack, nothing unfilled. */
function oneLine(r: { exitCode?: number; stdout: string; stderr: string }): string {
  expect(r.exitCode).toBe(1);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines.filter((l) => l.startsWith("error:"))).toHaveLength(1);
  expect(lines.some((l) => l.startsWith("hint:"))).toBe(true);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at |NaN|undefined|\[object/);
  return lines.find((l) => l.startsWith("error:"))!;
}

describe("empty path flags (were silently ignored: plan printed, nothing written, exit 0)", () => {
  it("plan --out '' and --report '' are refused before any work", async () => {
    const dir = tmp();
    for (const flag of ["--out", "--report", "--config"]) {
      const r = await cli([...PLAN, flag, ""], { cwd: dir });
      expect(oneLine(r)).toBe(`error: ${flag} was given an empty value`);
      expect(r.stdout).toBe("");
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("symbolic links at --out", () => {
  it("--out as a link to another folder is refused; nothing reaches that folder (was: written through)", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "elsewhere"));
    symlinkSync(join(dir, "elsewhere"), join(dir, "deploy"));
    const r = await cli([...PLAN, "--out", "deploy"], { cwd: dir });
    expect(oneLine(r)).toContain("error: --out deploy is a symbolic link (to ");
    expect(readdirSync(join(dir, "elsewhere"))).toEqual([]);
    expect(lstatSync(join(dir, "deploy")).isSymbolicLink()).toBe(true);
  });

  it("a link inside --out (a file or a folder llmdeploy writes) is refused even with --force", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "deploy"));
    mkdirSync(join(dir, "outside"));
    writeFileSync(join(dir, "secret.txt"), "keep me\n");
    symlinkSync(join(dir, "secret.txt"), join(dir, "deploy", "plan.yaml"));
    let r = await cli([...PLAN, "--out", "deploy", "--force"], { cwd: dir });
    expect(oneLine(r)).toContain("deploy/plan.yaml is a symbolic link");
    expect(readdirSync(join(dir, "deploy"))).toEqual(["plan.yaml"]);
    expect(await cli([...PLAN, "--out", "first"], { cwd: dir })).toMatchObject({ exitCode: 0 });
    symlinkSync(join(dir, "outside"), join(dir, "deploy", "nginx"));
    r = await cli(["render", "first/plan.yaml", "--out", "deploy", "--force"], { cwd: dir });
    expect(oneLine(r)).toContain("deploy/nginx is a symbolic link: llmdeploy never writes nginx/nginx.conf");
    expect(readdirSync(join(dir, "outside"))).toEqual([]);
    expect(existsSync(join(dir, "deploy", "Dockerfile"))).toBe(false);
  });
});
