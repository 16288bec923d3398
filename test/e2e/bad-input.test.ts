/**
 * Bad model files through the built CLI: one clear line on stderr, exit 1, no NaN/undefined, no
 * stack trace, nothing written. Each case printed garbage or exited 0 before (named per case).
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeGguf } from "../fixtures/checkpoints.js";
import { cli } from "./helpers.js";

const tmp = () => mkdtempSync(join(tmpdir(), "llmdeploy-e2e-bad-"));

// Mixtral-8x7B's architecture fields (https://huggingface.co/mistralai/Mixtral-8x7B-v0.1/blob/main/config.json).
const MIXTRAL = {
  architectures: ["MixtralForCausalLM"],
  model_type: "mixtral",
  hidden_size: 4096,
  intermediate_size: 14336,
  num_hidden_layers: 32,
  num_attention_heads: 32,
  num_key_value_heads: 8,
  num_local_experts: 8,
  num_experts_per_tok: 2,
  vocab_size: 32000,
  max_position_embeddings: 32768,
  sliding_window: null,
  torch_dtype: "bfloat16",
};

function modelDir(config: unknown): string {
  const dir = join(tmp(), "model");
  mkdirSync(dir);
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  return dir;
}

/** Exit 1, exactly one `error:` line (plus its hint), nothing that reads NaN/undefined/a stack. */
function expectOneLine(r: { exitCode?: number; stdout: string; stderr: string }, message: RegExp | string) {
  expect(r.exitCode).toBe(1);
  const errors = r.stderr.split("\n").filter((l) => l.startsWith("error:"));
  expect(errors).toHaveLength(1);
  if (typeof message === "string") expect(errors[0]).toContain(message);
  else expect(errors[0]).toMatch(message);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at |NaN|Infinity|undefined|\[object/);
  expect(r.stdout).not.toMatch(/NaN|Infinity|undefined|\[object/);
}

describe("impossible config.json values (exit 1, the field named)", () => {
  it("num_experts_per_tok above the experts: was exit 0 with TTFT NaN ms", async () => {
    const dir = modelDir({ ...MIXTRAL, num_experts_per_tok: 9 });
    const r = await cli(["estimate", dir, "--gpu", "h100"]);
    expectOneLine(r, "config.json: num_experts_per_tok is 9; it must be at most num_local_experts (8)");
  });

  it("...and plan writes nothing (was: rate=NaNr/s in nginx.conf)", async () => {
    const dir = modelDir({ ...MIXTRAL, num_experts_per_tok: 9 });
    const out = join(tmp(), "deploy");
    const r = await cli(["plan", "--model", dir, "--defaults", "--out", out]);
    expectOneLine(r, "num_experts_per_tok is 9");
    expect(existsSync(join(out, "nginx", "nginx.conf"))).toBe(false);
    expect(existsSync(join(out, "plan.yaml"))).toBe(false);
  });

  it("max_position_embeddings 0 names the config field, not --max-model-len the user never passed", async () => {
    const r = await cli(["estimate", modelDir({ ...MIXTRAL, max_position_embeddings: 0 })]);
    expectOneLine(r, "config.json: max_position_embeddings is 0");
    expect(r.stderr).not.toContain("--max-model-len");
  });

  it("head_dim 0: was exit 0 with 'the KV cache holds Infinity tokens'", async () => {
    expectOneLine(
      await cli(["estimate", modelDir({ ...MIXTRAL, head_dim: 0 }), "--gpu", "h100"]),
      "head_dim is 0",
    );
  });

  it("num_hidden_layers 2^31: was V8 aborting after GBs of memory", async () => {
    const r = await cli(["estimate", modelDir({ ...MIXTRAL, num_hidden_layers: 2 ** 31 })]);
    expectOneLine(r, "num_hidden_layers is 2147483648; it must be a positive integer up to 1000");
  });
});

describe("broken checkpoint files (exit 1, one line)", () => {
  it("a 300-byte GGUF with block_count 1e9: was V8 aborting", async () => {
    const path = join(tmp(), "tiny.gguf");
    writeGguf(
      path,
      [
        ["general.architecture", "str", "llama"],
        ["llama.block_count", "u32", 1e9],
        ["llama.context_length", "u32", 2048],
        ["llama.embedding_length", "u32", 64],
        ["llama.attention.head_count", "u32", 4],
      ],
      [{ name: "token_embd.weight", dims: [64, 16], type: 0 }],
    );
    expectOneLine(
      await cli(["estimate", path]),
      "llama.block_count is 1000000000; it must be a positive integer up to 512",
    );
  });

  it("an empty safetensors header: was '0 parameters', exit 0", async () => {
    const dir = modelDir({ ...MIXTRAL, num_local_experts: 0 });
    const head = Buffer.alloc(10);
    head.writeBigUInt64LE(2n);
    head.write("{}", 8);
    writeFileSync(join(dir, "model.safetensors"), head);
    expectOneLine(await cli(["estimate", dir]), "model.safetensors: the safetensors header holds no tensors");
  });

  it("a tensor without dtype: was 'unknown dtype undefined'", async () => {
    const dir = modelDir(MIXTRAL);
    const json = JSON.stringify({ "model.embed_tokens.weight": { shape: [2], data_offsets: [0, 4] } });
    const head = Buffer.alloc(8 + json.length + 4);
    head.writeBigUInt64LE(BigInt(json.length));
    head.write(json, 8);
    writeFileSync(join(dir, "model.safetensors"), head);
    expectOneLine(await cli(["estimate", dir]), /tensor "model\.embed_tokens\.weight" has no dtype$/);
  });

  it("an index that names a folder: was 'internal error: EISDIR'", async () => {
    const dir = modelDir(MIXTRAL);
    mkdirSync(join(dir, "model-00001.safetensors"));
    writeFileSync(
      join(dir, "model.safetensors.index.json"),
      JSON.stringify({ weight_map: { "model.embed_tokens.weight": "model-00001.safetensors" } }),
    );
    expectOneLine(await cli(["estimate", dir]), "model-00001.safetensors is not a file");
  });
});

describe("credentials in HF_ENDPOINT", () => {
  it("are never echoed", async () => {
    const r = await cli(["estimate", "some-org/some-model"], {
      env: { HF_ENDPOINT: "http://alice:s3cret@127.0.0.1:9", HF_HOME: tmp() },
    });
    expectOneLine(r, "HF_ENDPOINT http://***@127.0.0.1:9 has a user name or password in it");
    expect(r.stderr).not.toMatch(/s3cret|alice/);
  });
});
