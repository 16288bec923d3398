/**
 * Every refusal's hint leads somewhere: for models a GGUF engine cannot serve from llmdeploy's catalog
 * (gpt-oss: MXFP4 experts; DeepSeek: FP8 block scales and split GGUFs), the hint's command, run as
 * written, succeeds or stops at a different refusal, never the same one again.
 */
import { describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

/** The error and hint lines of a failed run. */
const refusal = (stderr: string) => ({
  error: /^error: (.*)$/m.exec(stderr)?.[1] ?? "",
  hint: /^hint: (.*)$/m.exec(stderr)?.[1] ?? "",
});

/**
 * The command the hint's first suggestion makes of `args`: its --engine or --precision replaces ours,
 * and a flag it says to leave out is left out.
 */
function followHint(args: string[], hint: string): string[] | null {
  const m = /^use (--engine|--precision) (\S+?)[,)]?(?:\s|$)/.exec(hint);
  if (!m) return null;
  const [, flag, value] = m;
  const drop = new Set([flag, ...(/leave out --precision/.test(hint) ? ["--precision"] : [])]);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (drop.has(args[i])) {
      i++;
      continue;
    }
    out.push(args[i]!);
  }
  return [...out, flag!, value!];
}

const cases: string[][] = [];
for (const model of ["gpt-oss-20b", "deepseek-v3"])
  for (const engine of ["llamacpp", "ollama"]) {
    cases.push(["plan", "--model", model, "--engine", engine, "--defaults"]);
    cases.push(["estimate", model, "--engine", engine]);
    cases.push(["estimate", model, "--engine", engine, "--precision", "q8_0"]);
  }

describe("refusals of GGUF engines name a way out that works", () => {
  for (const args of cases) {
    it(args.join(" "), async () => {
      const first = await cli(args);
      expect(first.exitCode, first.stderr).toBe(1);
      const r = refusal(first.stderr);
      expect(r.hint, first.stderr).not.toBe("");
      const next = followHint(args, r.hint);
      expect(next, `the hint names no command: ${r.hint}`).not.toBeNull();
      const second = await cli(next!);
      if (second.exitCode !== 0) expect(refusal(second.stderr).error).not.toBe(r.error);
      // These models are served by the engine of their own checkpoint: the hint's command succeeds.
      expect(second.exitCode, `${next!.join(" ")}: ${second.stderr}`).toBe(0);
    });
  }
});
