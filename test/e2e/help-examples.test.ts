import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

// Every command's --help ends with examples; each must run as written (from the repository root,
// where examples/ lives). Lines that redirect to files or need a running server are checked by
// their own tests.
const root = fileURLToPath(new URL("../..", import.meta.url));

function examplesOf(help: string): string[][] {
  const i = help.indexOf("Examples:");
  if (i < 0) return [];
  return help
    .slice(i)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("llmdeploy ") && !/[>|]/.test(l))
    .map((l) => l.split(/\s+/).slice(1));
}

describe("--help examples run as written", async () => {
  const top = await cli(["--help"]);
  // the command names listed under "Commands:" (the "Start here:" lines after it are examples)
  const section = top.stdout.slice(top.stdout.indexOf("Commands:"), top.stdout.indexOf("Start here:"));
  const commands = [...section.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!).filter((c) => c !== "help");

  it("every command has examples in its --help", async () => {
    expect(commands.length).toBeGreaterThanOrEqual(6);
    for (const c of commands) {
      const h = await cli([c, "--help"]);
      expect(h.stdout, c).toMatch(/Examples:\n {2}llmdeploy /);
    }
  });

  it("descriptions wrap as paragraphs: no line breaks mid-sentence at 80 columns", async () => {
    for (const c of commands) {
      const h = (await cli([c, "--help"])).stdout;
      const end = [h.indexOf("\nArguments:"), h.indexOf("\nOptions:")].filter((i) => i >= 0);
      const description = h.slice(h.indexOf("\n\n") + 2, Math.min(...end));
      for (const paragraph of description.trim().split(/\n\n/)) {
        const lines = paragraph.split("\n");
        // every line but a paragraph's last fills most of the width (commander wraps at 80)
        for (const l of lines.slice(0, -1)) expect(l.length, `${c}: "${l}"`).toBeGreaterThan(60);
      }
    }
  });

  // bench needs a running server: its examples are exercised by test/e2e/bench.test.ts
  for (const c of ["estimate", "plan", "models", "gpus", "render", "verify", "calibrate"]) {
    it(`${c}`, async () => {
      const h = await cli([c, "--help"]);
      const examples = examplesOf(h.stdout);
      expect(examples.length).toBeGreaterThan(0);
      for (const args of examples) {
        const out = mkdtempSync(join(tmpdir(), "llmdeploy-example-"));
        // Examples that write go to a temporary folder; --check and --dry-run only read.
        const writes = !args.includes("--check") && !args.includes("--dry-run");
        const run = args.map((a, i) => (writes && args[i - 1] === "--out" ? join(out, a) : a));
        const r = await cli(run, { cwd: root });
        expect(r.exitCode, `llmdeploy ${args.join(" ")}\n${r.stderr}`).toBe(0);
      }
    }, 60_000);
  }
});
