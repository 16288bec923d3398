/**
 * Model sources beyond the catalog, through the built bin (`npm run build` first): a Hugging Face id
 * served by a fake Hub on loopback (then from the cache with the Hub gone), a local safetensors
 * folder, and a .gguf file. Expected counts are worked out in test/fixtures/checkpoints.ts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  safetensorsHeader,
  TINY_GGUF_BYTES,
  TINY_GGUF_PARAMS,
  TINY_LLAMA_CONFIG,
  TINY_LLAMA_PARAMS,
  tinyGgufSpec,
  tinyLlamaTensors,
  writeGguf,
  writeSafetensors,
} from "../fixtures/checkpoints.js";
import { type FakeHub, jsonFile, startFakeHub } from "../fixtures/fake-hub.js";
import { cli } from "./helpers.js";

const tmp = () => mkdtempSync(join(tmpdir(), "llmdeploy-src-"));

/** One line of error and one hint on stderr, nothing on stdout, no stack. */
function expectUserError(r: { exitCode?: number; stdout: string; stderr: string }, re: RegExp, hint: RegExp) {
  expect(r.exitCode).toBe(1);
  expect(r.stdout).toBe("");
  const lines = r.stderr.trim().split("\n");
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(re);
  expect(lines[1]).toMatch(/^hint: /);
  expect(lines[1]).toMatch(hint);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("llmdeploy estimate <Hugging Face id not in the catalog>", () => {
  let hub: FakeHub;
  const home = tmp();
  beforeAll(async () => {
    hub = await startFakeHub({
      repos: {
        "someorg/tiny-llama": {
          revisions: {
            main: {
              "config.json": jsonFile(TINY_LLAMA_CONFIG),
              "model.safetensors": safetensorsHeader(tinyLlamaTensors()),
            },
          },
        },
        "someorg/gated": {
          gatedToken: "hf_ok",
          revisions: { main: { "config.json": jsonFile(TINY_LLAMA_CONFIG) } },
        },
      },
    });
  });
  afterAll(async () => {
    await hub?.close();
  });
  const env = () => ({ HF_ENDPOINT: hub.url, HF_HOME: home });

  it("reads config.json and the safetensors header from the Hub, then works with the Hub gone", async () => {
    const r = await cli(["estimate", "someorg/tiny-llama", "--gpu", "l4", "--json"], { env: env() });
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.model).toMatchObject({
      id: "someorg/tiny-llama",
      hfId: "someorg/tiny-llama",
      resolvedFrom: "hub",
    });
    expect(j.model.params).toBe(TINY_LLAMA_PARAMS);
    expect(j.memory.weightsBytes).toBe(2 * TINY_LLAMA_PARAMS); // BF16 as stored
    expect(j.placement.perGpu.weightsBytes).toBe(2 * TINY_LLAMA_PARAMS);
    expect(j.model.checkpoint).toMatchObject({ format: "safetensors", files: ["model.safetensors"] });
    expect(r.stderr).toMatch(/from http:\/\/127\.0\.0\.1/);

    // The Hub is unreachable now (offline flag, and an endpoint with nothing listening): the cache answers.
    const gone: Record<string, string>[] = [{ HF_HUB_OFFLINE: "1" }, { HF_ENDPOINT: "http://127.0.0.1:9" }];
    for (const extra of gone) {
      const again = await cli(["estimate", "someorg/tiny-llama", "--gpu", "l4", "--json"], {
        env: { ...env(), ...extra },
      });
      expect(again.exitCode).toBe(0);
      expect(JSON.parse(again.stdout).memory.weightsBytes).toBe(2 * TINY_LLAMA_PARAMS);
      expect(again.stderr).toMatch(/from the cache/);
    }
  });

  it("gated: one line and the hint to set HF_TOKEN", async () => {
    const r = await cli(["estimate", "someorg/gated"], { env: env() });
    expectUserError(r, /someorg\/gated is gated or private/, /set HF_TOKEN and accept the model's licence/);
    const ok = await cli(["estimate", "someorg/gated", "--json"], { env: { ...env(), HF_TOKEN: "hf_ok" } });
    expect(ok.exitCode).toBe(0);
  });

  it("not found: one line, with catalog suggestions", async () => {
    const r = await cli(["estimate", "Qwen/Qwen2.5-7B-Instrukt"], { env: env() });
    expectUserError(
      r,
      /not in the catalog and was not found/,
      /similar catalog models: .*Qwen\/Qwen2.5-7B-Instruct/,
    );
  });

  it("offline with nothing cached", async () => {
    const r = await cli(["estimate", "someorg/never-seen"], { env: { ...env(), HF_HUB_OFFLINE: "1" } });
    expectUserError(r, /HF_HUB_OFFLINE=1 while llmdeploy has no cached copy/, /unset HF_HUB_OFFLINE/);
  });

  it("a Hub that does not answer: timeout, one line", async () => {
    const slow = await startFakeHub({ repos: {}, hang: ["config.json"] });
    try {
      const r = await cli(["estimate", "someorg/slow"], {
        env: { HF_ENDPOINT: slow.url, HF_HOME: tmp(), LLMDEPLOY_HF_TIMEOUT_MS: "300" },
      });
      expectUserError(r, /could not be reached: no answer within 0.3 s/, /HF_ENDPOINT/);
    } finally {
      await slow.close();
    }
  });
});

/** plan for the tiny test models: an L4, short requests. */
const planTiny = (model: string, ...more: string[]) => [
  "plan",
  "--model",
  model,
  "--defaults",
  "--gpu",
  "l4",
  "--max-model-len",
  "2048",
  "--input-tokens",
  "512",
  "--output-tokens",
  "128",
  ...more,
];

describe("llmdeploy estimate <local checkpoint>", () => {
  it("a safetensors folder: exact parameters and stored bytes", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "config.json"), JSON.stringify({ ...TINY_LLAMA_CONFIG, torch_dtype: "float32" }));
    // An FP32 checkpoint: 4 bytes per parameter on disk, served in 16 bit.
    writeSafetensors(join(dir, "model.safetensors"), tinyLlamaTensors("F32"));
    const r = await cli(["estimate", dir, "--gpu", "l4", "--json"]);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.model.resolvedFrom).toBe("local");
    expect(j.model.params).toBe(TINY_LLAMA_PARAMS);
    expect(j.model.checkpoint.bytes).toBe(4 * TINY_LLAMA_PARAMS);
    expect(j.memory.weightsBytes).toBe(2 * TINY_LLAMA_PARAMS);
  });

  it("a .gguf file: the architecture from its metadata, the bytes from its tensors", async () => {
    const dir = tmp();
    const { kvs, tensors } = tinyGgufSpec();
    writeGguf(join(dir, "tiny-Q4_K_M.gguf"), kvs, tensors);
    const r = await cli(["estimate", join(dir, "tiny-Q4_K_M.gguf"), "--gpu", "l4", "--json"]);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.model.resolvedFrom).toBe("gguf");
    expect(j.model.params).toBe(TINY_GGUF_PARAMS);
    expect(j.memory.weightsBytes).toBe(TINY_GGUF_BYTES);
    expect(j.precisionLabel).toBe("GGUF Q4_K_M");
    expect(j.memory.kvCacheBytesPerToken).toBe(1024);
    expect(j.model.checkpoint.bytesByDtype.Q6_K).toBe(1_318_800);
  });

  it("plan and render take the same sources: a .gguf file goes to llama.cpp as stored", async () => {
    const dir = tmp();
    const { kvs, tensors } = tinyGgufSpec();
    const file = join(dir, "tiny-Q4_K_M.gguf");
    writeGguf(file, kvs, tensors);
    const r = await cli(planTiny(file, "--json"));
    expect(r.exitCode, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout).recommendation;
    expect(d.engine.name).toBe("llamacpp");
    expect(d.precision).toBe("gguf");
    // llama.cpp keeps the token embedding in host memory: the GPU holds the file's bytes less it
    expect(d.memory.perGpu.weightsBytes).toBeLessThan(TINY_GGUF_BYTES);
    expect(d.memory.perGpu.weightsBytes).toBeGreaterThan(TINY_GGUF_BYTES / 2);
    const out = join(dir, "deploy");
    const w = await cli(planTiny(file, "--out", out));
    expect(w.exitCode, w.stderr).toBe(0);
    expect(readFileSync(join(out, "launch-llamacpp.sh"), "utf8")).toMatch(/--n-gpu-layers/);
  });

  it("a safetensors folder plans with its stored bytes", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "config.json"), JSON.stringify({ ...TINY_LLAMA_CONFIG, torch_dtype: "float32" }));
    writeSafetensors(join(dir, "model.safetensors"), tinyLlamaTensors("F32"));
    const r = await cli(planTiny(dir, "--json"));
    expect(r.exitCode, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout);
    // FP32 on disk, served in 16 bit
    expect(plan.recommendation.memory.weightsBytes).toBe(2 * TINY_LLAMA_PARAMS);
  });

  it("a broken .gguf: one line and a hint", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "broken.gguf"), "GGUF\x03\x00\x00\x00 and then nothing sensible at all........");
    const r = await cli(["estimate", join(dir, "broken.gguf")]);
    expectUserError(r, /broken.gguf is not a valid GGUF file/, /re-download/);
  });
});
