import { execa } from "execa";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cli, requireTool } from "./helpers.js";

// Each script is checked by its own shell (installed by .ci/run from .ci/apt-packages), and the
// bash and fish ones are asked for real completions.
const dir = mkdtempSync(join(tmpdir(), "llmdeploy-completion-"));
async function script(shell: string): Promise<string> {
  const r = await cli(["completion", shell]);
  expect(r.exitCode).toBe(0);
  const file = join(dir, `llmdeploy.${shell}`);
  writeFileSync(file, r.stdout);
  return file;
}

describe("llmdeploy completion", () => {
  it("bash: valid syntax, completes commands, flags and GPU ids", async () => {
    const file = await script("bash");
    expect((await execa("bash", ["-n", file], { reject: false })).exitCode).toBe(0);
    const ask = async (words: string[]) =>
      (
        await execa("bash", [
          "-c",
          `source "$0"; COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _llmdeploy; echo "\${COMPREPLY[@]}"`,
          file,
        ])
      ).stdout.split(" ");
    expect(await ask(["llmdeploy", "pl"])).toEqual(["plan"]);
    expect(await ask(["llmdeploy", "plan", "--max-g"])).toEqual(["--max-gpus"]);
    expect(await ask(["llmdeploy", "estimate", "70b", "--gpu", "h1"])).toEqual([
      "h100-sxm",
      "h100-pcie",
      "h100-nvl",
    ]);
    expect(await ask(["llmdeploy", "plan", "--model", "llama-3.3"])).toEqual(["llama-3.3-70b"]);
  });

  it("zsh: valid syntax", async (ctx) => {
    await requireTool("zsh", ctx);
    const file = await script("zsh");
    const r = await execa("zsh", ["-n", file], { reject: false });
    expect(r.stderr).toBe("");
    expect(r.exitCode).toBe(0);
  });

  it("fish: valid syntax, completes flags", async (ctx) => {
    await requireTool("fish", ctx);
    const file = await script("fish");
    expect((await execa("fish", ["--no-execute", file], { reject: false })).exitCode).toBe(0);
    const r = await execa("fish", ["-c", `source ${file}; complete -C "llmdeploy plan --max-g"`]);
    expect(r.stdout).toMatch(/^--max-gpus\t/);
  });

  it("an unknown shell is one line and a hint", async () => {
    const r = await cli(["completion", "tcsh"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/no completion for shell "tcsh"/);
    expect(r.stderr).toMatch(/bash, zsh or fish/);
  });
});
