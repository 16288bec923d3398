// A gated model (Llama: "You need to agree to share your contact information to access this model" on
// its Hub page) without a token stops the engine container at start with the reason, instead of failing
// later inside the engine's download. The rendered launch script is run with bash, the engine replaced
// by a stub that prints its arguments.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cli } from "./helpers.js";

const tmp = () => mkdtempSync(join(tmpdir(), "llmdeploy-gated-"));

async function planOut(dir: string, ...args: string[]) {
  const out = join(dir, "deploy");
  const r = await cli(["plan", ...args, "--defaults", "--gpu", "l40s", "--out", out]);
  expect(r.exitCode, r.stderr).toBe(0);
  return { out, plan: parse(readFileSync(join(out, "plan.yaml"), "utf8")) };
}

/** Runs the launch script with a clean environment, `vllm` a stub, the model cache at `cache`. */
function launch(out: string, dir: string, env: Record<string, string>, cache = join(dir, "cache")) {
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "vllm"), '#!/bin/sh\necho "engine started: $*"\n');
  chmodSync(join(bin, "vllm"), 0o755);
  // the script exports HF_HOME=/models (the container's volume); here the cache is a temporary folder
  const script = join(dir, "launch.sh");
  writeFileSync(
    script,
    readFileSync(join(out, "launch-vllm.sh"), "utf8").replace(
      "export HF_HOME=/models",
      `export HF_HOME='${cache}'`,
    ),
  );
  return spawnSync("bash", [script], {
    env: { PATH: `${bin}:/usr/bin:/bin`, HF_TOKEN_FILE: join(dir, "no-token"), ...env },
    encoding: "utf8",
  });
}

describe("a gated model without a Hugging Face token", () => {
  it("Llama 3.1 8B: the plan records gated: true; no token and no cached copy stops at start with the reason", async () => {
    const dir = tmp();
    const { out, plan } = await planOut(dir, "--model", "llama-3.1-8b");
    expect(plan.recommendation.checkpoint).toMatchObject({
      repo: "meta-llama/Llama-3.1-8B-Instruct",
      gated: true,
    });
    const none = launch(out, dir, {});
    expect(none.status).toBe(1);
    expect(none.stdout).toBe("");
    expect(none.stderr.trim()).toBe(
      "error: meta-llama/Llama-3.1-8B-Instruct is a gated model and no Hugging Face token was given: put a token of an account that accepted its licence in secrets/hf_token (or set HF_TOKEN)",
    );
    // a token (in the environment, or in the secret file) lets it start
    expect(launch(out, dir, { HF_TOKEN: "hf_x" }).stdout).toMatch(
      /^engine started: serve meta-llama\/Llama-3\.1-8B-Instruct /,
    );
    writeFileSync(join(dir, "token"), "hf_x");
    expect(launch(out, dir, { HF_TOKEN_FILE: join(dir, "token") }).status).toBe(0);
    // so does a copy already in the model cache (huggingface_hub's layout)
    const cache = join(dir, "warm");
    mkdirSync(join(cache, "hub/models--meta-llama--Llama-3.1-8B-Instruct/snapshots/0e9e39f2"), {
      recursive: true,
    });
    expect(launch(out, dir, {}, cache).status).toBe(0);
    // the rendered README says so
    expect(readFileSync(join(out, "README.md"), "utf8")).toMatch(/this model is gated: without a token/);
  });

  it("a model the catalog does not record as gated (Qwen2.5 7B) starts without a token", async () => {
    const dir = tmp();
    const { out, plan } = await planOut(dir, "--model", "qwen2.5-7b");
    expect(plan.recommendation.checkpoint.gated).toBeNull();
    expect(readFileSync(join(out, "launch-vllm.sh"), "utf8")).not.toMatch(/gated/);
    expect(launch(out, dir, {}).status).toBe(0);
  });

  it("Llama 3.3 70B in int4 loads a community AWQ repository, which is not gated: no check", async () => {
    const dir = tmp();
    const { plan } = await planOut(dir, "--model", "llama-3.3-70b", "--precision", "int4", "--tpot-ms", "80");
    expect(plan.recommendation.checkpoint.source).toBe("catalog");
    expect(plan.recommendation.checkpoint.gated).toBeNull();
  });
});
