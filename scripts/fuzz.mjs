// Fuzz the BUILT CLI (bin/llmdeploy.js): mutate argv, spec YAML, plan YAML, config.json, the answers
// of a hostile OpenAI-compatible server that bench measures (HTTP status, headers, SSE bytes, JSON),
// safetensors headers, GGUF headers and vLLM logs, run the CLI on each in a temporary folder, and
// count what must never happen:
//   stack trace        a JS stack on stderr (runs with --debug excluded: they print one on purpose)
//   internal error     "internal error" on stderr
//   hang               no exit within --timeout seconds (the child is killed)
//   crash              killed by a signal (V8 abort, out of memory) or an unexpected exit code
//   exit 0 on invalid  exit 0 although the mutation made the input certainly invalid
//   bad value          NaN, Infinity, undefined or [object Object] on stdout/stderr that the input
//                      itself did not contain
//
// Usage: npm run fuzz -- [--seconds 60] [--seed N] [--jobs N] [--timeout 20] [--out DIR]
// Reproducible: every case derives from (seed, case number); `--seed S --case I` reruns one case and
// prints its command. Loopback only: children get HF_ENDPOINT on a closed loopback port, an
// OpenAI-compatible fake server on 127.0.0.1 for bench, and a preload that refuses DNS lookups and
// connections to anything but loopback. Findings (inputs and outputs) are saved under --out.
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { clearTimeout, setTimeout } from "node:timers";
import { parseArgs } from "node:util";
import YAML from "yaml";
import { startFakeServer } from "../test/fixtures/fake-openai-server.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin/llmdeploy.js");
const { values: opt } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    seed: { type: "string" },
    jobs: { type: "string" },
    timeout: { type: "string", default: "20" },
    out: { type: "string" },
    case: { type: "string" },
  },
});
const SECONDS = Number(opt.seconds);
const SEED = opt.seed !== undefined ? Number(opt.seed) >>> 0 : (Date.now() ^ (process.pid << 8)) >>> 0;
const JOBS = Number(opt.jobs ?? Math.max(2, cpus().length));
const TIMEOUT_MS = Number(opt.timeout) * 1000;
if (![SECONDS, JOBS, TIMEOUT_MS].every((x) => Number.isFinite(x) && x > 0)) {
  console.error(
    "usage: npm run fuzz -- [--seconds N] [--seed N] [--jobs N] [--timeout S] [--out DIR] [--case I]",
  );
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------
// A seedable RNG (mulberry32) and the helpers built on it.

function mulberry32(a) {
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rngFor = (seed, i) => mulberry32((seed ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0);
const mk = (rnd) => ({
  rnd,
  int: (n) => Math.floor(rnd() * n),
  pick: (xs) => xs[Math.floor(rnd() * xs.length)],
  chance: (p) => rnd() < p,
});

/** Values that break parsers: [value, certainly invalid for a positive count?] */
const NUM_BAD = [
  "-1",
  "0",
  "abc",
  "NaN",
  "Infinity",
  "-Infinity",
  "1e309",
  "",
  "-0.5",
  "1.5",
  " ",
  "0x10",
  "1e3x",
];
const JSON_BAD = [
  0,
  -1,
  -8,
  0.5,
  1.5,
  2 ** 31,
  2 ** 53,
  1e308,
  -1e308,
  "8",
  "",
  null,
  true,
  [],
  {},
  [0, 0],
  "NaN",
];
const STRINGS = [
  "",
  " ",
  "\u0000",
  "\u001b[31mred",
  "line\nbreak",
  "\u2028",
  "\u0085",
  "x".repeat(5000),
  "../outside.safetensors",
  "{}",
  "[object Object]",
  "üñí©ødé",
  "--help",
];

// ---------------------------------------------------------------------------------------------
// Seeds: the inputs the mutations start from.

const read = (p) => readFileSync(join(ROOT, p), "utf8");
const SPECS = readdirSync(join(ROOT, "examples/specs")).map((f) => read(`examples/specs/${f}`));
const PLANS = [
  ...readdirSync(join(ROOT, "examples/deployments")).map((d) => read(`examples/deployments/${d}/plan.yaml`)),
  ...readdirSync(join(ROOT, "test/fixtures/plans")).map((f) => read(`test/fixtures/plans/${f}`)),
];
const LOG_INDEX = JSON.parse(read("test/fixtures/vllm-logs/index.json"));
const LOGS = LOG_INDEX.filter((l) => l.model && l.gpuId).map((l) => ({
  text: read(`test/fixtures/vllm-logs/${l.file}`),
  model: l.model,
  gpu: l.gpuId,
}));
const TINY = JSON.parse(read("test/fixtures/local-model/config.json"));
const CONFIGS = [
  TINY,
  {
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
  },
  {
    architectures: ["Qwen2ForCausalLM"],
    model_type: "qwen2",
    hidden_size: 3584,
    intermediate_size: 18944,
    num_hidden_layers: 28,
    num_attention_heads: 28,
    num_key_value_heads: 4,
    vocab_size: 152064,
    max_position_embeddings: 32768,
    sliding_window: 131072,
    use_sliding_window: false,
    torch_dtype: "bfloat16",
    quantization_config: { quant_method: "gptq", bits: 4, group_size: 128, desc_act: false },
  },
  {
    architectures: ["DeepseekV3ForCausalLM"],
    model_type: "deepseek_v3",
    hidden_size: 7168,
    intermediate_size: 18432,
    moe_intermediate_size: 2048,
    num_hidden_layers: 61,
    num_attention_heads: 128,
    num_key_value_heads: 128,
    n_routed_experts: 256,
    n_shared_experts: 1,
    num_experts_per_tok: 8,
    first_k_dense_replace: 3,
    moe_layer_freq: 1,
    kv_lora_rank: 512,
    q_lora_rank: 1536,
    qk_nope_head_dim: 128,
    qk_rope_head_dim: 64,
    v_head_dim: 128,
    vocab_size: 129280,
    max_position_embeddings: 163840,
    torch_dtype: "bfloat16",
    quantization_config: { quant_method: "fp8", weight_block_size: [128, 128], activation_scheme: "dynamic" },
  },
  // Gemma 3 27B IT (text_config + vision_config), https://huggingface.co/google/gemma-3-27b-it
  {
    model_type: "gemma3",
    architectures: ["Gemma3ForConditionalGeneration"],
    torch_dtype: "bfloat16",
    text_config: {
      model_type: "gemma3_text",
      hidden_size: 5376,
      intermediate_size: 21504,
      num_hidden_layers: 62,
      num_attention_heads: 32,
      num_key_value_heads: 16,
      head_dim: 128,
      sliding_window: 1024,
    },
    vision_config: {
      hidden_size: 1152,
      intermediate_size: 4304,
      num_hidden_layers: 27,
      patch_size: 14,
      image_size: 896,
    },
  },
];
/** Fields whose value must be a positive integer in any config (for the "certainly invalid" oracle). */
const COUNT_FIELDS = new Set([
  "hidden_size",
  "num_hidden_layers",
  "num_attention_heads",
  "vocab_size",
  "max_position_embeddings",
  "num_key_value_heads",
  "head_dim",
  "num_experts_per_tok",
  "qk_nope_head_dim",
  "qk_rope_head_dim",
  "v_head_dim",
]);

/** Config fields without which no config.json can be sized. */
const REQUIRED_FIELDS = new Set([
  "hidden_size",
  "num_hidden_layers",
  "num_attention_heads",
  "vocab_size",
  "max_position_embeddings",
  "qk_nope_head_dim",
  "qk_rope_head_dim",
  "v_head_dim",
]);
const isCount = (v) => typeof v === "number" && Number.isInteger(v) && v > 0;

/**
 * Is a GGUF header with field `what` set to `v` certainly invalid? Counts and lengths that move the
 * parse off its fields always are; hyperparameters only when zero or beyond any bound.
 */
function ggufInvalid(what, v) {
  if (/^(tensor count|metadata count|string length|array length|array element type|n_dims)$/.test(what))
    return true;
  if (what === "version") return v !== 2 && v !== 3;
  if (what === "value type") return ![4, 5, 6].includes(v); // other 4-byte types still parse
  if (what.startsWith("ggml type"))
    return ![0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15].includes(v) && !(v in {});
  const m = /^value of llama\.(.+)$/.exec(what);
  if (!m) return false;
  const max = { block_count: 512, context_length: 1e9, embedding_length: 1e6, feed_forward_length: 1e7 }[
    m[1]
  ];
  if (m[1] === "attention.head_count") return v === 0 || v > 4096 || v % 2 !== 0;
  if (m[1] === "attention.head_count_kv") return ![1, 2, 4].includes(v);
  return max !== undefined && (v === 0 || v > max);
}

/** Is a safetensors header well formed (the checks of the reference implementation)? */
function wellFormed(header) {
  const BITS = {
    BOOL: 8,
    U8: 8,
    I8: 8,
    F8_E4M3: 8,
    F8_E5M2: 8,
    I16: 16,
    F16: 16,
    BF16: 16,
    I32: 32,
    F32: 32,
    I64: 64,
    F64: 64,
  };
  const ts = [];
  for (const [name, t] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (
        t !== null &&
        (typeof t !== "object" || Array.isArray(t) || Object.values(t).some((v) => typeof v !== "string"))
      )
        return false;
      continue;
    }
    if (!t || typeof t !== "object" || !Object.hasOwn(BITS, t.dtype)) return false;
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return false;
    const o = t.data_offsets;
    if (
      !Array.isArray(o) ||
      o.length !== 2 ||
      !o.every((d) => Number.isSafeInteger(d) && d >= 0) ||
      o[0] > o[1]
    )
      return false;
    if (o[1] - o[0] !== Math.ceil((t.shape.reduce((a, b) => a * b, 1) * BITS[t.dtype]) / 8)) return false;
    ts.push(o);
  }
  ts.sort((a, b) => a[0] - b[0]);
  let pos = 0;
  for (const [b, e] of ts) {
    if (b !== pos) return false;
    pos = e;
  }
  return ts.length > 0;
}

/** The tiny Llama's tensors (as test/fixtures/checkpoints.ts builds them). */
function tinyTensors(c) {
  const h = c.hidden_size,
    i = c.intermediate_size,
    kv = (c.num_key_value_heads * h) / c.num_attention_heads;
  const t = [["model.embed_tokens.weight", [c.vocab_size, h]]];
  for (let l = 0; l < c.num_hidden_layers; l++) {
    const p = `model.layers.${l}`;
    t.push(
      [`${p}.input_layernorm.weight`, [h]],
      [`${p}.self_attn.q_proj.weight`, [h, h]],
      [`${p}.self_attn.k_proj.weight`, [kv, h]],
      [`${p}.self_attn.v_proj.weight`, [kv, h]],
      [`${p}.self_attn.o_proj.weight`, [h, h]],
      [`${p}.post_attention_layernorm.weight`, [h]],
      [`${p}.mlp.gate_proj.weight`, [i, h]],
      [`${p}.mlp.up_proj.weight`, [i, h]],
      [`${p}.mlp.down_proj.weight`, [h, i]],
    );
  }
  t.push(["model.norm.weight", [h]], ["lm_head.weight", [c.vocab_size, h]]);
  const header = { __metadata__: { format: "pt" } };
  let off = 0;
  for (const [name, shape] of t) {
    const b = shape.reduce((a, x) => a * x, 1) * 2;
    header[name] = { dtype: "BF16", shape, data_offsets: [off, off + b] };
    off += b;
  }
  return { header, dataBytes: off };
}

/** A GGUF v3 header of a tiny Llama, with the byte position of every field a mutation may target. */
function tinyGguf() {
  const out = [];
  const fields = []; // [position, width in bytes, what]
  const u32 = (v, what) => {
    if (what) fields.push([out.length, 4, what]);
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    out.push(...b);
  };
  const u64 = (v, what) => {
    if (what) fields.push([out.length, 8, what]);
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    out.push(...b);
  };
  const str = (s) => {
    const b = Buffer.from(s);
    u64(b.length, "string length");
    out.push(...b);
  };
  const L = 2,
    H = 256,
    FF = 512,
    V = 1000;
  const kvs = [
    ["general.architecture", 8, "llama"],
    ["general.name", 8, "Tiny"],
    ["llama.block_count", 4, L],
    ["llama.context_length", 4, 4096],
    ["llama.embedding_length", 4, H],
    ["llama.feed_forward_length", 4, FF],
    ["llama.attention.head_count", 4, 4],
    ["llama.attention.head_count_kv", 4, 2],
    ["general.file_type", 4, 15],
  ];
  const tensors = [["token_embd.weight", [H, V], 12]];
  for (let l = 0; l < L; l++)
    tensors.push(
      [`blk.${l}.attn_norm.weight`, [H], 0],
      [`blk.${l}.attn_q.weight`, [H, H], 12],
      [`blk.${l}.attn_k.weight`, [H, 128], 12],
      [`blk.${l}.attn_v.weight`, [H, 128], 14],
      [`blk.${l}.attn_output.weight`, [H, H], 12],
      [`blk.${l}.ffn_norm.weight`, [H], 0],
      [`blk.${l}.ffn_gate.weight`, [H, FF], 12],
      [`blk.${l}.ffn_up.weight`, [H, FF], 12],
      [`blk.${l}.ffn_down.weight`, [FF, H], 14],
    );
  tensors.push(["output_norm.weight", [H], 0], ["output.weight", [H, V], 14]);
  out.push(...Buffer.from("GGUF"));
  u32(3, "version");
  u64(tensors.length, "tensor count");
  u64(kvs.length + 1, "metadata count");
  for (const [k, type, v] of kvs) {
    str(k);
    u32(type, "value type");
    if (type === 8) str(v);
    else u32(v, `value of ${k}`);
  }
  str("tokenizer.ggml.tokens");
  u32(9, "value type");
  u32(8, "array element type");
  u64(V, "array length");
  for (let t = 0; t < V; t++) str(`t${t}`);
  const SIZE = { 0: [1, 4], 12: [256, 144], 14: [256, 210] };
  let off = 0;
  for (const [name, dims, type] of tensors) {
    str(name);
    u32(dims.length, "n_dims");
    for (const d of dims) u64(d, `dimension of ${name}`);
    u32(type, `ggml type of ${name}`);
    u64(off, `offset of ${name}`);
    const [blk, size] = SIZE[type];
    off += Math.ceil((((dims.slice(1).reduce((a, b) => a * b, 1) * dims[0]) / blk) * size) / 32) * 32;
  }
  while (out.length % 32) out.push(0);
  return { head: Buffer.from(out), size: out.length + off, fields };
}
const GGUF = tinyGguf();
const ST = tinyTensors(TINY);

// ---------------------------------------------------------------------------------------------
// Mutations: each case returns { argv, files: {name: Buffer|string}, sizes: {name: bytes}, invalid }.

/** Set a random leaf (or delete it, or add a key) of a JSON-like object; report the path touched. */
function mutateTree(r, obj) {
  const paths = [];
  const walk = (o, p) => {
    if (o && typeof o === "object")
      for (const k of Object.keys(o)) {
        paths.push([...p, k]);
        walk(o[k], [...p, k]);
      }
  };
  walk(obj, []);
  if (!paths.length)
    return { path: [], op: "none", value: undefined, changed: false, note: "nothing to mutate" };
  const path = r.pick(paths);
  let parent = obj;
  for (const k of path.slice(0, -1)) parent = parent[k];
  const key = path.at(-1);
  const before = JSON.stringify(parent[key]);
  const op = r.pick(["set", "set", "set", "delete", "string", "swap"]);
  let value;
  if (op === "delete") {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (op === "string") parent[key] = value = r.pick(STRINGS);
  else if (op === "swap")
    // A copy: putting an ancestor inside itself would make the document circular.
    parent[key] = value = globalThis.structuredClone(
      r.pick(paths.map((q) => q.reduce((o, k) => o?.[k], obj))),
    );
  else parent[key] = value = r.pick(JSON_BAD);
  // A mutation that wrote back the same value changed nothing: it cannot make the input invalid.
  const changed = op === "delete" || JSON.stringify(value) !== before;
  return {
    path,
    op,
    value,
    changed,
    note: `${op} ${path.join(".")}${op === "delete" ? "" : ` = ${JSON.stringify(value)?.slice(0, 60)}`}`,
  };
}

/** Byte-level damage: flips, overwrites, truncation, insertion. */
function mutateBytes(r, buf) {
  const b = Buffer.from(buf);
  const op = r.pick(["flip", "flip", "byte", "truncate", "insert"]);
  if (op === "truncate") return { bytes: b.subarray(0, r.int(b.length)), op };
  if (op === "insert")
    return { bytes: Buffer.concat([b.subarray(0, r.int(b.length)), Buffer.from(r.pick(STRINGS)), b]), op };
  const n = 1 + r.int(4);
  for (let i = 0; i < n && b.length; i++) {
    const at = r.int(b.length);
    b[at] = op === "flip" ? b[at] ^ (1 << r.int(8)) : r.int(256);
  }
  return { bytes: b, op };
}

const COMMANDS = [
  ["estimate", "70b", "--int4"],
  ["estimate", "llama-3.1-8b", "--gpu", "l4", "--max-model-len", "16384"],
  ["estimate", "deepseek-v3", "--gpu", "h200", "--gpus", "8", "--json"],
  ["estimate", "mixtral-8x7b", "--request-rate", "2", "--json"],
  ["estimate", "8b", "--precision", "q4_k_m", "--engine", "llamacpp", "--gpu", "rtx-4090"],
  ["plan", "--model", "70b", "--defaults", "--json"],
  [
    "plan",
    "--model",
    "llama-3.1-8b",
    "--defaults",
    "--concurrency",
    "32",
    "--tpot-ms",
    "30",
    "--gpu",
    "l4",
    "--gpu",
    "l40s",
  ],
  ["plan", "--model", "qwen2.5-7b", "--defaults", "--request-rate", "4", "--ttft-ms", "1500", "--yaml"],
  ["plan", "--model", "8b", "--defaults", "--pricing", "onprem", "--gpu-purchase", "h100=25000", "--json"],
  ["models", "--json"],
  ["gpus"],
  ["schema"],
  ["completion", "bash"],
];
const NUMERIC_FLAGS = new Set([
  "--max-model-len",
  "--concurrency",
  "--gpus",
  "--tp",
  "--pp",
  "--gpu-memory-utilization",
  "--max-num-batched-tokens",
  "--max-num-seqs",
  "--input-tokens",
  "--output-tokens",
  "--request-rate",
  "--tpot-ms",
  "--ttft-ms",
  "--e2e-ms",
  "--max-gpus",
  "--budget-per-hour",
  "--amortization-months",
  "--port",
  "--requests",
  "--duration",
  "--timeout",
]);
const ALL_FLAGS = [
  ...NUMERIC_FLAGS,
  "--gpu",
  "--precision",
  "--engine",
  "--kv-cache-dtype",
  "--json",
  "--yaml",
  "--defaults",
  "--packaging",
  "--security",
  "--pricing",
  "--gpu-price",
  "--model",
  "--int4",
  "--fp8",
  "--quiet",
  "--no-such-flag",
];

function mutateArgv(r, argv) {
  const a = [...argv];
  let invalid = false;
  const n = 1 + r.int(3);
  for (let k = 0; k < n; k++) {
    const op = r.pick(["value", "value", "value", "drop", "dup", "flag", "junk", "swap"]);
    const i = r.int(a.length);
    if (op === "value") {
      const f = a.findIndex((x, j) => NUMERIC_FLAGS.has(x) && j + 1 < a.length);
      const j = f >= 0 && r.chance(0.7) ? f : -1;
      if (j >= 0) {
        a[j + 1] = r.pick(NUM_BAD);
        // Certainly wrong for any of these flags: not a number, or negative, or beyond float range.
        if (
          ["-1", "abc", "NaN", "Infinity", "-Infinity", "1e309", "", "-0.5", " ", "1e3x"].includes(a[j + 1])
        )
          invalid = true;
      } else if (i > 0) a[i] = r.pick([...STRINGS, ...NUM_BAD]);
    } else if (op === "drop" && a.length > 1) a.splice(1 + r.int(a.length - 1), 1);
    else if (op === "dup") a.splice(i, 0, a[i]);
    else if (op === "flag") {
      const f = r.pick(ALL_FLAGS);
      a.push(f, r.pick([...NUM_BAD, ...STRINGS, "h100", "4", "auto", "none"]));
      if (f === "--no-such-flag") invalid = true;
    } else if (op === "junk") a.splice(i, 0, r.pick(STRINGS));
    else if (op === "swap" && a.length > 2) {
      const j = 1 + r.int(a.length - 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
  }
  // Judged on the final argv (a later mutation may have dropped what an earlier one broke): a
  // numeric flag followed by a value that is certainly not a valid number, or an unknown flag.
  const certainlyBad = ["-1", "abc", "NaN", "Infinity", "-Infinity", "1e309", "", "-0.5", " ", "1e3x"];
  invalid =
    a.includes("--no-such-flag") ||
    a.some((x, k) => NUMERIC_FLAGS.has(x) && k + 1 < a.length && certainlyBad.includes(a[k + 1]));
  return { argv: a, invalid };
}

function makeCase(seed, index, env) {
  const r = mk(rngFor(seed, index));
  const kind = r.pick([
    "argv",
    "argv",
    "spec",
    "plan",
    "config",
    "config",
    "safetensors",
    "gguf",
    "gguf",
    "log",
    "server",
  ]);
  const files = {};
  const sizes = {};
  let c_hostile = null;
  let argv;
  let invalid = false;
  const notes = [];
  if (kind === "argv") {
    const base = r.chance(0.15)
      ? [
          "bench",
          "--url",
          env.serverUrl,
          "--requests",
          "3",
          "--concurrency",
          "2",
          "--input-tokens",
          "16",
          "--output-tokens",
          "4",
          "--json",
        ]
      : r.pick(COMMANDS);
    ({ argv, invalid } = mutateArgv(r, base));
    notes.push("argv");
  } else if (kind === "spec") {
    const text = r.pick(SPECS);
    if (r.chance(0.6)) {
      const o = YAML.parse(text);
      const m = mutateTree(r, o);
      notes.push(m.note);
      files["spec.yaml"] = YAML.stringify(o);
      const k = m.path.at(-1);
      if (
        m.changed &&
        m.op !== "delete" &&
        m.value !== null &&
        ["inputTokens", "outputTokens", "concurrency", "maxGpus", "maxModelLen"].includes(k) &&
        !isCount(m.value)
      )
        invalid = true;
    } else files["spec.yaml"] = mutateBytes(r, Buffer.from(text)).bytes;
    argv = ["plan", "--config", "spec.yaml", r.pick(["--json", "--yaml", "--defaults", "--out=out"])];
  } else if (kind === "plan") {
    const text = r.pick(PLANS);
    if (r.chance(0.7)) {
      const o = YAML.parse(text);
      const m = mutateTree(r, o);
      notes.push(m.note);
      files["plan.yaml"] = YAML.stringify(o);
      if (
        m.changed &&
        m.path.length === 1 &&
        ["apiVersion", "kind", "spec", "recommendation"].includes(m.path[0])
      )
        invalid = true;
      if (
        m.changed &&
        m.path[0] === "recommendation" &&
        ["gpuCount", "tensorParallel", "pipelineParallel", "replicas"].includes(m.path[1]) &&
        m.path.length === 2 &&
        !isCount(m.value)
      )
        invalid = true;
    } else files["plan.yaml"] = mutateBytes(r, Buffer.from(text)).bytes;
    const log = r.pick(LOGS);
    files["vllm.log"] = log.text;
    argv = r.pick([
      ["render", "plan.yaml", "--out", "out"],
      ["render", "plan.yaml", "--out", "out", "--dry-run"],
      ["verify", "--log", "vllm.log", "--plan", "plan.yaml", "--json"],
      [
        "bench",
        "--url",
        env.serverUrl,
        "--plan",
        "plan.yaml",
        "--requests",
        "2",
        "--input-tokens",
        "8",
        "--output-tokens",
        "4",
      ],
    ]);
  } else if (kind === "config" || kind === "safetensors") {
    const config = globalThis.structuredClone(kind === "safetensors" ? TINY : r.pick(CONFIGS));
    if (kind === "config") {
      const m = mutateTree(r, config);
      notes.push(m.note);
      const k = m.path.at(-1);
      const gone = m.op === "delete" || m.value === null;
      if (
        m.changed &&
        m.path.length === 1 &&
        COUNT_FIELDS.has(k) &&
        (gone ? REQUIRED_FIELDS.has(k) : !isCount(m.value) || m.value > 1e9)
      )
        invalid = true;
      if (r.chance(0.3))
        files["model/config.json"] = mutateBytes(r, Buffer.from(JSON.stringify(config))).bytes;
      else files["model/config.json"] = JSON.stringify(config);
    } else {
      files["model/config.json"] = JSON.stringify(config);
      const header = globalThis.structuredClone(ST.header);
      let json;
      if (r.chance(0.6)) {
        const m = mutateTree(r, header);
        notes.push(m.note);
        // Certainly invalid when the safetensors format itself is broken (a transposed shape with the
        // same element count is still a well-formed header).
        if (m.changed && !wellFormed(header)) invalid = true;
        if (r.chance(0.1)) {
          for (const k of Object.keys(header)) delete header[k];
          notes.push("empty header");
          invalid = true;
        }
        json = Buffer.from(JSON.stringify(header));
      } else {
        const m = mutateBytes(r, Buffer.from(JSON.stringify(header)));
        notes.push(`bytes: ${m.op}`);
        json = m.bytes;
      }
      const len = Buffer.alloc(8);
      const n = r.chance(0.1)
        ? r.pick([0, 1, 2 ** 40, json.length + 7, Math.max(0, json.length - 3)])
        : json.length;
      if (n !== json.length) {
        notes.push(`header length ${n} instead of ${json.length}`);
        invalid = true;
      }
      len.writeBigUInt64LE(BigInt(n));
      files["model/model.safetensors"] = Buffer.concat([len, json]);
      sizes["model/model.safetensors"] = 8 + json.length + ST.dataBytes;
    }
    argv = r.pick([
      ["estimate", "model", "--json"],
      ["estimate", "model", "--gpu", "h100"],
      ["plan", "--model", "model", "--defaults", "--json"],
    ]);
  } else if (kind === "server") {
    // bench against a hostile server on loopback: its answers are mutated, the CLI must stay sound.
    c_hostile = hostileServerCase(r, notes);
    argv = [
      "bench",
      "--url",
      HOSTILE_URL,
      "--requests",
      String(1 + r.int(4)),
      "--concurrency",
      String(1 + r.int(3)),
      "--input-tokens",
      "16",
      "--output-tokens",
      "4",
      "--timeout",
      "3",
      ...(r.chance(0.5) ? ["--json"] : []),
    ];
  } else if (kind === "gguf") {
    let head = Buffer.from(GGUF.head);
    let size = GGUF.size;
    if (r.chance(0.6)) {
      const [pos, width, what] = r.pick(GGUF.fields);
      const v = r.pick([
        0,
        1,
        2,
        7,
        31,
        255,
        2 ** 16,
        2 ** 31,
        2 ** 32 - 1,
        1e9,
        2 ** 53,
        2 ** 62,
        2 ** 64 - 1,
      ]);
      const old = width === 4 ? head.readUInt32LE(pos) : Number(head.readBigUInt64LE(pos));
      const now = width === 4 ? v % 2 ** 32 : v;
      if (width === 4) head.writeUInt32LE(now, pos);
      else head.writeBigUInt64LE(BigInt(v) % 2n ** 64n, pos);
      notes.push(`${what} ${old} -> ${now}`);
      if (now !== old && ggufInvalid(what, now)) invalid = true;
    } else {
      const m = mutateBytes(r, head);
      notes.push(`bytes: ${m.op}`);
      head = m.bytes;
      if (m.op === "truncate") {
        size = head.length;
        invalid = true;
      }
    }
    files["m.gguf"] = head;
    sizes["m.gguf"] = Math.max(size, head.length);
    argv = r.pick([
      ["estimate", "m.gguf", "--json"],
      ["estimate", "m.gguf"],
      ["plan", "--model", "m.gguf", "--defaults", "--json"],
    ]);
  } else {
    const log = r.pick(LOGS);
    let lines = log.text.split("\n");
    const op = r.pick(["numbers", "numbers", "drop", "dup", "bytes", "empty"]);
    notes.push(`log: ${op}`);
    if (op === "numbers")
      lines = lines.map((l) =>
        r.chance(0.3)
          ? l.replace(/\d+(\.\d+)?/g, () => r.pick(["0", "-1", "1e309", "NaN", "99999999999", "0.0", "3.14"]))
          : l,
      );
    else if (op === "drop") lines = lines.filter(() => r.chance(0.7));
    else if (op === "dup") lines = lines.flatMap((l) => (r.chance(0.2) ? [l, l] : [l]));
    else if (op === "empty") {
      lines = [];
      invalid = true;
    }
    files["vllm.log"] = op === "bytes" ? mutateBytes(r, Buffer.from(log.text)).bytes : lines.join("\n");
    argv = [
      "verify",
      "--log",
      "vllm.log",
      "--model",
      log.model,
      "--gpu",
      log.gpu,
      ...(r.chance(0.5) ? ["--json"] : []),
    ];
  }
  // A process argument cannot hold NUL (the OS ends the string there): write what the CLI would get.
  // Paths never leave the case's folder: a value that climbs out (../) or is absolute is pinned inside.
  argv = argv
    .map((x) => String(x).split("\u0000")[0])
    .map((x) => (/^\/|(^|[=/])\.\.(\/|$)/.test(x) ? "inside" : x));
  // --help and --version print and exit 0 before any value is read: nothing is invalid then.
  if (argv.some((x) => ["--help", "-h", "--version", "-V", "help"].includes(x))) invalid = false;
  return { index, kind, argv, files, sizes, invalid, hostile: c_hostile, note: notes.join("; ") };
}

// ---------------------------------------------------------------------------------------------
// A hostile OpenAI-compatible server: a well-formed answer, then damaged at the HTTP, SSE or JSON
// level, cut into random pieces, or cut off. Raw sockets, so headers may lie (length, type, status).

const HOSTILE_URL = "@HOSTILE_SERVER@";

/** One streamed completion as bench asks for it: a role chunk, text chunks, usage, [DONE]. */
function sseEvents(tokens) {
  const ev = [
    { id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta: { role: "assistant" } }] },
  ];
  for (let i = 0; i < tokens; i++)
    ev.push({
      id: "c",
      object: "chat.completion.chunk",
      choices: [
        {
          index: 0,
          delta: { content: "tok" },
          text: "tok",
          finish_reason: i === tokens - 1 ? "length" : null,
        },
      ],
    });
  ev.push({
    id: "c",
    choices: [],
    usage: { prompt_tokens: 16, completion_tokens: tokens, total_tokens: 16 + tokens },
  });
  return ev;
}

/** What the case's server answers: the mutation is chosen here, from the case's RNG. */
function hostileServerCase(r, notes) {
  const events = sseEvents(1 + r.int(6));
  const eol = r.pick(["\n", "\r\n", "\r"]);
  let what = r.pick(["json", "json", "bytes", "status", "headers", "cut", "models", "split"]);
  if (what === "json") {
    const e = r.pick(events);
    const m = mutateTree(r, e);
    notes.push(`event json: ${m.note}`);
  }
  let stream = Buffer.from(
    events.map((e) => `data: ${JSON.stringify(e)}${eol}${eol}`).join("") + `data: [DONE]${eol}${eol}`,
  );
  if (what === "bytes") {
    const m = mutateBytes(r, stream);
    stream = m.bytes;
    notes.push(`stream bytes: ${m.op}`);
  }
  const status = what === "status" ? r.pick([201, 204, 301, 400, 401, 404, 429, 500, 502, 503, 599]) : 200;
  const type =
    what === "headers"
      ? r.pick(["application/json", "text/html", "", "text/event-stream; charset=latin1"])
      : "text/event-stream";
  const lieLength = what === "headers" && r.chance(0.5) ? r.int(stream.length * 2 + 2) : null;
  const cutAt = what === "cut" ? r.int(stream.length + 1) : null;
  const pieces = what === "split" ? 2 + r.int(40) : 1;
  const models =
    what === "models"
      ? r.pick([
          '{"data":[]}',
          '{"data":null}',
          "[]",
          "not json",
          '{"data":[{"id":""}]}',
          '{"data":[{"id":null}]}',
          "",
        ])
      : '{"object":"list","data":[{"id":"fake-model","object":"model"}]}';
  if (what !== "json" && what !== "bytes") notes.push(`server ${what}`);
  return { stream: stream.toString("latin1"), status, type, lieLength, cutAt, pieces, models };
}

/** Starts the case's server on 127.0.0.1 (an ephemeral port); close() ends it and its sockets. */
async function startHostileServer(h) {
  const { createServer } = await import("node:net");
  const sockets = new Set();
  const server = createServer((sock) => {
    sockets.add(sock);
    sock.on("close", () => sockets.delete(sock));
    sock.on("error", () => {});
    let head = "";
    sock.on("data", (d) => {
      if (head.includes("\r\n\r\n")) return;
      head += d.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      const isModels = /^GET [^ ]*\/v1\/models/.test(head);
      const body = Buffer.from(isModels ? h.models : h.stream, "latin1");
      const length = h.lieLength ?? body.length;
      const lines = [
        `HTTP/1.1 ${isModels ? 200 : h.status} X`,
        `content-type: ${isModels ? "application/json" : h.type}`,
        ...(isModels || h.lieLength !== null ? [`content-length: ${length}`] : []),
        "connection: close",
      ];
      sock.write(`${lines.join("\r\n")}\r\n\r\n`);
      const data = h.cutAt !== null && !isModels ? body.subarray(0, h.cutAt) : body;
      const step = Math.max(1, Math.ceil(data.length / (isModels ? 1 : h.pieces)));
      let at = 0;
      const send = () => {
        if (sock.destroyed) return;
        if (at >= data.length) return void (h.cutAt !== null && !isModels ? sock.destroy() : sock.end());
        sock.write(data.subarray(at, at + step));
        at += step;
        setTimeout(send, 1);
      };
      send();
    });
  });
  await new Promise((res) => server.listen(0, "127.0.0.1", res));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((res) => {
        for (const s of sockets) s.destroy();
        server.close(() => res());
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// Running a case and judging what it printed.

const BAD = /(?<![A-Za-z0-9_])(NaN|-?Infinity|undefined)(?![A-Za-z0-9_])|\[object [A-Za-z]+\]/g;
const STACK = /^\s+at .+(\(.+:\d+:\d+\)|:\d+:\d+)$/m;

async function runCase(c, work, env) {
  const dir = join(work, `case-${c.index}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(c.files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
    // Sparse: the header is what is read; the tensor data only has to be there in size.
    if (c.sizes[name] > Buffer.byteLength(content)) truncateSync(join(dir, name), c.sizes[name]);
  }
  const hostile = c.hostile ? await startHostileServer(c.hostile) : null;
  const argv = hostile ? c.argv.map((x) => (x === HOSTILE_URL ? hostile.url : x)) : c.argv;
  const res = await new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--max-old-space-size=1024", "--import", env.guardUrl, BIN, ...argv],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          HOME: dir,
          CI: "true",
          NO_COLOR: "1",
          HF_HOME: join(dir, ".hf"),
          HF_ENDPOINT: "http://127.0.0.1:9",
          LLMDEPLOY_HF_TIMEOUT_MS: "2000",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    const cap = (s, d) => (s.length < 1 << 20 ? s + d : s);
    child.stdout.on("data", (d) => (stdout = cap(stdout, d)));
    child.stderr.on("data", (d) => (stderr = cap(stderr, d)));
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill("SIGKILL");
    }, TIMEOUT_MS);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, hung, stdout, stderr, dir });
    });
  });
  await hostile?.close();
  return res;
}

function judge(c, res) {
  const found = [];
  const input = [
    c.argv.join(" "),
    ...Object.values(c.files).map((f) => Buffer.from(f).toString("latin1")),
  ].join("\n");
  if (res.hung) found.push(["hang", `no exit within ${TIMEOUT_MS / 1000} s`]);
  else if (res.signal || ![0, 1, 2, 3, 4, 130].includes(res.code))
    found.push([
      "crash",
      `signal ${res.signal}, exit ${res.code}: ${res.stderr.split("\n").find((l) => l.trim()) ?? ""}`,
    ]);
  if (!c.argv.includes("--debug") && STACK.test(res.stderr))
    found.push(["stack trace", res.stderr.split("\n").find((l) => l.trim()) ?? ""]);
  if (/internal error/.test(res.stderr))
    found.push(["internal error", res.stderr.split("\n").find((l) => /internal error/.test(l))]);
  if (!res.hung && res.code === 0 && c.invalid)
    found.push(["exit 0 on invalid input", `${c.kind} (${c.note}): ${c.argv.join(" ")}`]);
  for (const [stream, text] of [
    ["stdout", res.stdout],
    ["stderr", res.stderr],
  ]) {
    for (const m of text.matchAll(BAD)) {
      if (input.toLowerCase().includes(m[0].toLowerCase())) continue; // the user's own input, echoed
      const line = text.slice(
        text.lastIndexOf("\n", m.index) + 1,
        text.indexOf("\n", m.index) >>> 0 || undefined,
      );
      found.push(["NaN/Infinity/undefined/[object Object]", `${stream}: ${line.trim().slice(0, 160)}`]);
      break;
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------

const CATEGORIES = [
  "stack trace",
  "internal error",
  "hang",
  "crash",
  "exit 0 on invalid input",
  "NaN/Infinity/undefined/[object Object]",
];

async function main() {
  const work = mkdtempSync(join(tmpdir(), "llmdeploy-fuzz-"));
  const findingsDir = opt.out ?? join(work, "findings");
  mkdirSync(findingsDir, { recursive: true });
  const guard = join(work, "no-network.mjs");
  writeFileSync(guard, GUARD);
  const server = await startFakeServer({ ttftMs: 5, itlMs: 1, tokens: 4 });
  const env = { serverUrl: server.url, guardUrl: pathToFileURL(guard).href };
  const counts = Object.fromEntries(CATEGORIES.map((k) => [k, 0]));
  const samples = new Map(); // category -> Map(signature -> {count, case})
  const kinds = {};
  let runs = 0;
  let fuzzerErrors = 0;
  const started = Date.now();
  const deadline = started + SECONDS * 1000;
  let next = opt.case !== undefined ? Number(opt.case) : 0;
  const single = opt.case !== undefined;
  console.error(
    `fuzz: seed ${SEED}, ${single ? `case ${next}` : `${SECONDS} s`}, ${JOBS} jobs, work folder ${work}`,
  );

  async function worker() {
    while (single ? runs === 0 && next === Number(opt.case) : Date.now() < deadline) {
      const index = next++;
      let c;
      try {
        c = makeCase(SEED, index, env);
      } catch (e) {
        // A bug of the fuzzer itself, not of the CLI: say so, and go on with the next case.
        fuzzerErrors++;
        console.error(`fuzz: case ${index} could not be built: ${e.message}`);
        continue;
      }
      kinds[c.kind] = (kinds[c.kind] ?? 0) + 1;
      const res = await runCase(c, work, env);
      runs++;
      const found = judge(c, res);
      if (single)
        console.log(
          JSON.stringify(
            {
              argv: c.argv,
              note: c.note,
              invalid: c.invalid,
              exit: res.code,
              signal: res.signal,
              found,
              dir: res.dir,
              stderr: res.stderr.slice(0, 2000),
            },
            null,
            2,
          ),
        );
      for (const [cat, detail] of found) {
        counts[cat]++;
        const sig = detail.replace(/\/tmp\/\S+|case-\d+|\d+/g, "#").slice(0, 140);
        const byCat = samples.get(cat) ?? new Map();
        samples.set(cat, byCat);
        const s = byCat.get(sig) ?? { count: 0, case: c.index, detail };
        s.count++;
        byCat.set(sig, s);
        if (s.count === 1) {
          const f = join(findingsDir, `${cat.replace(/\W+/g, "-")}-case-${c.index}`);
          mkdirSync(f, { recursive: true });
          writeFileSync(
            join(f, "finding.json"),
            JSON.stringify(
              {
                seed: SEED,
                case: c.index,
                kind: c.kind,
                note: c.note,
                argv: c.argv,
                invalid: c.invalid,
                exit: res.code,
                signal: res.signal,
                detail,
                stdout: res.stdout.slice(0, 4000),
                stderr: res.stderr.slice(0, 4000),
              },
              null,
              2,
            ),
          );
          for (const [name, content] of Object.entries(c.files)) {
            mkdirSync(dirname(join(f, name)), { recursive: true });
            writeFileSync(join(f, name), content);
            if (c.sizes[name] > Buffer.byteLength(content)) truncateSync(join(f, name), c.sizes[name]);
          }
        }
      }
      if (!found.length && !single) rmSync(res.dir, { recursive: true, force: true });
    }
  }
  await Promise.all(Array.from({ length: single ? 1 : JOBS }, worker));
  await server.close();

  console.log(
    `\nfuzz: ${runs} runs in ${Math.round((Date.now() - started) / 1000)} s (seed ${SEED}); inputs: ${Object.entries(
      kinds,
    )
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")}`,
  );
  for (const cat of CATEGORIES) {
    console.log(`${String(counts[cat]).padStart(6)}  ${cat}`);
    const byCat = [...(samples.get(cat)?.values() ?? [])].sort((a, b) => b.count - a.count).slice(0, 8);
    for (const s of byCat)
      console.log(`          ${String(s.count).padStart(4)}× case ${s.case}: ${s.detail.slice(0, 150)}`);
  }
  if (fuzzerErrors) console.log(`(${fuzzerErrors} cases could not be built: a fuzzer bug, see above)`);
  console.log(`findings (inputs and outputs of the first case of each kind): ${findingsDir}`);
  console.log(`rerun one: npm run fuzz -- --seed ${SEED} --case <case>`);
}

/** Preloaded into every child: DNS and connections only to loopback. */
const GUARD = `
import dns from "node:dns";
import net from "node:net";
const ok = (h) => h === "localhost" || /^127\\./.test(h) || h === "::1" || /^::ffff:127\\./.test(h);
const refuse = (h) => Object.assign(new Error("fuzz: no network beyond loopback (" + h + ")"), { code: "ECONNREFUSED" });
const lookup = dns.lookup;
dns.lookup = function (host, ...rest) {
  if (ok(String(host))) return lookup.call(this, host, ...rest);
  const cb = rest.at(-1);
  if (typeof cb === "function") return void process.nextTick(cb, refuse(host));
  throw refuse(host);
};
const plookup = dns.promises.lookup;
dns.promises.lookup = (host, ...rest) => (ok(String(host)) ? plookup(host, ...rest) : Promise.reject(refuse(host)));
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  let o = args[0];
  if (Array.isArray(o)) o = o[0];
  const host = o && typeof o === "object" ? o.host : typeof args[1] === "string" ? args[1] : undefined;
  const path = o && typeof o === "object" ? o.path : typeof o === "string" && isNaN(Number(o)) ? o : undefined;
  if (!path && host && net.isIP(host) && !ok(host)) throw refuse(host);
  return connect.apply(this, args);
};
`;

await main();
