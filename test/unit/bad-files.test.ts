/**
 * Broken model files (GGUF and safetensors headers, safetensors indexes, model folders) are refused in
 * one line naming the file and what is wrong: no stack trace, no allocation sized by a corrupt count,
 * no "0 parameters" and no "undefined".
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.js";
import { bufferSource, loadGguf, parseGguf } from "../../src/models/gguf.js";
import { resolveModel } from "../../src/models/resolve.js";
import {
  ggufHeader,
  type GgufKv,
  TINY_LLAMA_CONFIG,
  tinyGgufSpec,
  tinyLlamaTensors,
  writeGguf,
  writeIndex,
  writeSafetensors,
} from "../fixtures/checkpoints.js";

const tmp = () => mkdtempSync(join(tmpdir(), "llmdeploy-badfiles-"));

/** Little-endian bytes, for GGUF headers the fixture builder cannot write (they are broken). */
class Bytes {
  private out: number[] = [];
  raw(b: ArrayLike<number>) {
    for (let i = 0; i < b.length; i++) this.out.push(b[i]!);
    return this;
  }
  u32(v: number) {
    const d = new DataView(new ArrayBuffer(4));
    d.setUint32(0, v, true);
    return this.raw(new Uint8Array(d.buffer));
  }
  u64(v: bigint | number) {
    const d = new DataView(new ArrayBuffer(8));
    d.setBigUint64(0, BigInt(v), true);
    return this.raw(new Uint8Array(d.buffer));
  }
  str(s: string) {
    const b = new TextEncoder().encode(s);
    return this.u64(b.length).raw(b);
  }
  /** magic, version 3, tensor count, kv count */
  static gguf(tensors: bigint | number, kvs: bigint | number) {
    return new Bytes().raw(new TextEncoder().encode("GGUF")).u32(3).u64(tensors).u64(kvs);
  }
  bytes(size = this.out.length) {
    const b = new Uint8Array(Math.max(size, this.out.length));
    b.set(this.out);
    return b;
  }
}

/** The UserError `f` throws, checked to be one line without NaN/undefined. */
async function refusal(f: () => unknown, echoes = false): Promise<UserError> {
  let err: unknown = null;
  try {
    await f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(UserError);
  const e = err as UserError;
  expect(e.message).not.toMatch(/\n/);
  if (!echoes) expect(e.message).not.toMatch(/NaN|Infinity|undefined|\[object/);
  return e;
}

const parse = (b: Uint8Array) => () => parseGguf(bufferSource(b), "bad.gguf");

describe("GGUF headers: each problem in one line naming the file", () => {
  it("a truncated header", async () => {
    const b = Bytes.gguf(1, 1).str("general.architecture").u32(8).u64(100).raw([0x6c]).bytes();
    expect((await refusal(parse(b))).message).toMatch(/^bad\.gguf is not a valid GGUF file: truncated/);
  });

  it("a tensor count larger than the file could hold", async () => {
    const b = Bytes.gguf(2n ** 40n, 0).bytes(64);
    expect((await refusal(parse(b))).message).toMatch(
      /tensor count 1099511627776 .* larger than the file can hold/,
    );
  });

  it("a tensor count above any published model, in a (sparse) file big enough to hold it", async () => {
    const size = 33 * 2_000_000;
    const src = {
      size,
      read: (p: number, n: number) =>
        Bytes.gguf(2_000_000, 0)
          .bytes(64)
          .subarray(p, p + n),
    };
    expect((await refusal(() => parseGguf(src, "big.gguf"))).message).toMatch(
      /big\.gguf is not a valid GGUF file: tensor count 2000000 is above 1000000/,
    );
  });

  it("a string length of 2^60 (nothing allocated)", async () => {
    const b = Bytes.gguf(0, 1)
      .u64(2n ** 60n)
      .bytes(64);
    expect((await refusal(parse(b))).message).toMatch(/string length 1152921504606846976 is too large/);
  });

  it("a string length larger than any header, in a sparse file that could hold it", async () => {
    const head = Bytes.gguf(0, 1)
      .u64(300 * 1024 * 1024)
      .bytes(64);
    const src = { size: 2 ** 40, read: (p: number, n: number) => head.subarray(p, p + n) };
    expect((await refusal(() => parseGguf(src, "big.gguf"))).message).toMatch(/larger than any GGUF header/);
  });

  it("an array length of 2^50", async () => {
    const b = Bytes.gguf(0, 1)
      .str("k")
      .u32(9)
      .u32(0)
      .u64(2n ** 50n)
      .bytes(64);
    expect((await refusal(parse(b))).message).toMatch(
      /an array of 1125899906842624 elements .* runs past the end/,
    );
  });

  it("an unknown metadata value type", async () => {
    const b = Bytes.gguf(0, 1).str("k").u32(77).bytes(64);
    expect((await refusal(parse(b))).message).toMatch(/unknown metadata value type 77/);
  });

  it("an unknown ggml type names the tensor", async () => {
    const b = Bytes.gguf(1, 0).str("blk.0.attn_q.weight").u32(1).u64(32).u32(99).u64(0).bytes(128);
    expect((await refusal(parse(b))).message).toMatch(
      /^bad\.gguf: tensor blk\.0\.attn_q\.weight has ggml type 99, which llmdeploy does not know/,
    );
  });

  it("dimensions whose product overflows", async () => {
    const b = Bytes.gguf(1, 0)
      .str("w")
      .u32(2)
      .u64(2n ** 40n)
      .u64(2n ** 40n)
      .u32(0)
      .u64(0)
      .bytes(128);
    expect((await refusal(parse(b))).message).toMatch(/tensor w: dimensions .* are too large/);
  });

  it("the same tensor twice, and overlapping tensor data", async () => {
    const t = (name: string, offset: number) => [name, 1, 32, 0, offset] as const;
    const build = (...ts: (readonly [string, number, number, number, number])[]) => {
      const b = Bytes.gguf(ts.length, 0);
      for (const [n, nd, d, ty, off] of ts) b.str(n).u32(nd).u64(d).u32(ty).u64(off);
      return b.bytes(1024);
    };
    expect((await refusal(parse(build(t("w", 0), t("w", 128))))).message).toMatch(/tensor "w" appears twice/);
    expect((await refusal(parse(build(t("a", 0), t("b", 64))))).message).toMatch(
      /tensor b at offset 64 overlaps a \(0 to 128\)/,
    );
  });

  it("a GGUF without tensors (vocabulary only) is refused, not sized as 0 parameters", async () => {
    const dir = tmp();
    const { kvs } = tinyGgufSpec();
    writeGguf(join(dir, "vocab.gguf"), kvs, []);
    expect((await refusal(() => loadGguf(join(dir, "vocab.gguf")))).message).toMatch(/holds no tensors/);
  });

  it("general.name with control characters is cleaned before it reaches the output", async () => {
    const dir = tmp();
    const { kvs, tensors } = tinyGgufSpec();
    const named: GgufKv[] = kvs.map((kv) =>
      kv[0] === "general.name" ? ["general.name", "str", "Evil\u001b[2J\r\nName\u0085"] : kv,
    );
    writeGguf(join(dir, "m.gguf"), named, tensors);
    const r = await resolveModel(join(dir, "m.gguf"));
    expect(r.name).toBe("Evil[2JName");
  });

  it("a general.name that reads as an unfilled value is not used; such an architecture name is refused", async () => {
    const dir = tmp();
    const { kvs, tensors } = tinyGgufSpec();
    const with_ = (key: string, v: string): GgufKv[] =>
      kvs.map((kv) => (kv[0] === key ? [key, "str", v] : kv));
    writeGguf(join(dir, "named.gguf"), with_("general.name", "undefined"), tensors);
    expect((await resolveModel(join(dir, "named.gguf"))).name).toBe("named");
    writeGguf(join(dir, "arch.gguf"), with_("general.architecture", "NaN"), tensors);
    expect((await refusal(() => resolveModel(join(dir, "arch.gguf")), true)).message).toMatch(
      /general\.architecture is "NaN", which is not an architecture name$/,
    );
  });

  it("the builder's own GGUF still parses (the checks refuse only broken files)", () => {
    const { kvs, tensors } = tinyGgufSpec();
    const { head, size } = ggufHeader(kvs, tensors);
    const buf = new Uint8Array(size);
    buf.set(head);
    expect(parseGguf(bufferSource(buf), "ok.gguf").tensors).toHaveLength(tensors.length);
  });
});

describe("model folders: each problem in one line", () => {
  const folder = () => {
    const dir = tmp();
    writeFileSync(join(dir, "config.json"), JSON.stringify(TINY_LLAMA_CONFIG));
    return dir;
  };

  it("an empty safetensors header is refused (was: 0 parameters, exit 0)", async () => {
    const dir = folder();
    const head = new Bytes().u64(2).raw(new TextEncoder().encode("{}")).bytes();
    writeFileSync(join(dir, "model.safetensors"), head);
    expect((await refusal(() => resolveModel(dir))).message).toBe(
      "model.safetensors: the safetensors header holds no tensors",
    );
  });

  it("an index that names a folder (was: internal error: EISDIR)", async () => {
    const dir = folder();
    mkdirSync(join(dir, "shard.safetensors"));
    writeFileSync(
      join(dir, "model.safetensors.index.json"),
      JSON.stringify({ weight_map: { w: "shard.safetensors" } }),
    );
    expect((await refusal(() => resolveModel(dir))).message).toMatch(
      /shard\.safetensors is not a file \(the index names it as a safetensors shard\)$/,
    );
  });

  it("an index that names a file outside the folder, or not a string", async () => {
    const dir = folder();
    writeFileSync(
      join(dir, "model.safetensors.index.json"),
      JSON.stringify({ weight_map: { w: "../../etc/passwd" } }),
    );
    expect((await refusal(() => resolveModel(dir))).message).toMatch(
      /weight_map names "..\/..\/etc\/passwd"/,
    );
    writeFileSync(join(dir, "model.safetensors.index.json"), JSON.stringify({ weight_map: { w: { a: 1 } } }));
    expect((await refusal(() => resolveModel(dir))).message).toMatch(
      /weight_map names \{"a":1\}, which is not a file/,
    );
  });

  it("config.json that is a folder, or empty", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "config.json"));
    expect((await refusal(() => resolveModel(dir))).message).toMatch(
      /^cannot read .*config\.json: it is a folder/,
    );
    const dir2 = tmp();
    writeFileSync(join(dir2, "config.json"), "");
    expect((await refusal(() => resolveModel(dir2))).message).toMatch(/config\.json is empty$/);
  });

  it("a sharded checkpoint with one empty shard among real ones still reads", async () => {
    const dir = folder();
    const ts = tinyLlamaTensors();
    writeSafetensors(join(dir, "a.safetensors"), ts);
    writeIndex(join(dir, "model.safetensors.index.json"), { "a.safetensors": ts });
    const r = await resolveModel(dir);
    expect(r.checkpoint?.tensors).toBe(ts.length);
  });
});
