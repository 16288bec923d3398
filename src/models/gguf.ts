/**
 * GGUF files (llama.cpp): the header is parsed here, the tensor data never read.
 *
 * Layout, versions 2 and 3, little-endian (ggml include/gguf.h, docs/gguf.md; summarised in
 * docs/research/quant-formats.md §7.4): magic "GGUF", u32 version, u64 tensor_count, u64 kv_count,
 * kv_count × (string key, u32 value type, value), tensor_count × (string name, u32 n_dims, n_dims ×
 * u64 ne (ne[0] innermost), u32 ggml type, u64 offset), padding to `general.alignment` (32), data.
 * A string is a u64 length and UTF-8 bytes; an array a u32 element type, a u64 count and elements.
 *
 * From the metadata we build a ModelArch (src/models/gguf-arch.ts), and from the tensor infos the
 * exact bytes of every tensor: ne[1]·ne[2]·ne[3] · ne[0]/block · type_size.
 *
 * Every count and length is bounded before anything is allocated from it (GGUF_LIMITS), so a
 * truncated, corrupt or hostile file is refused in one line naming the file and what is wrong.
 * Strings are cleaned of control characters as they are read (src/sanitize.ts).
 */
import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UserError } from "../errors.js";
import { cleanText, UNFILLED } from "../sanitize.js";
import type { ModelArch } from "./arch.js";
import { type CheckpointSummary, type GgufTensorBrief, summarizeGguf } from "./checkpoint.js";
import { ggufArch, num } from "./gguf-arch.js";
import { FIXED_SIZE, GGML_TYPES, GGUF_FILE_TYPES, GGUF_VALUE } from "./gguf-types.js";

export { ggufArch };

export { FIXED_SIZE, GGML_TYPES, GGUF_FILE_TYPES, GGUF_VALUE };

export interface GgufArray {
  itemType: number;
  length: number;
  /** The elements, or null when the array is long (tokenizer vocabularies are only counted). */
  values: GgufValue[] | null;
}
export type GgufValue = number | bigint | boolean | string | GgufArray;

/** Arrays up to this many elements keep their values (per-layer hyperparameters); longer ones are skipped. */
const KEEP_ARRAY = 4096;

/**
 * Bounds on a GGUF header, each far above any published file, checked before anything is allocated:
 * - headerBytes: the metadata and tensor infos. The largest are tokenizers: Gemma 3's 262,144 tokens,
 *   scores and types take about 6 MB; 256 MiB is forty times that. Everything after is tensor data,
 *   which is never read.
 * - tensors: DeepSeek-V3 at Q4_K_M has 1,025 tensors (61 blocks of at most 17, plus embeddings and
 *   output); 1,000,000 allows a thousand times as many.
 * - metadata: real files carry 30 to 60 key/value pairs; 100,000 is generous.
 */
export const GGUF_LIMITS = {
  headerBytes: 256 * 1024 * 1024,
  tensors: 1_000_000,
  metadata: 100_000,
} as const;

export interface GgufTensorInfo {
  name: string;
  /** ne, innermost first. */
  dims: number[];
  type: number;
  typeName: string;
  /** Offset in the data section. */
  offset: number;
  params: number;
  bytes: number;
}

export interface GgufFile {
  version: number;
  alignment: number;
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  /** Where the data section starts in the file. */
  dataStart: number;
}

/** Random-access bytes: a file descriptor, or a buffer in tests. */
export interface ByteSource {
  size: number;
  read(position: number, length: number): Uint8Array;
}

export function bufferSource(buf: Uint8Array): ByteSource {
  return { size: buf.length, read: (p, n) => buf.subarray(p, Math.min(buf.length, p + n)) };
}

const CHUNK = 1 << 20;

class Reader {
  pos = 0;
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;
  private view: DataView = new DataView(new ArrayBuffer(0));
  constructor(
    private readonly src: ByteSource,
    private readonly label: string,
  ) {}

  fail(what: string): UserError {
    return new UserError(
      `${this.label} is not a valid GGUF file: ${what}`,
      "re-download the file, or convert it again with llama.cpp",
    );
  }

  private ensure(n: number): number {
    if (this.pos + n > GGUF_LIMITS.headerBytes)
      throw this.fail(
        `the header runs past ${GGUF_LIMITS.headerBytes / 1024 / 1024} MiB (no real GGUF header is that large)`,
      );
    const rel = this.pos - this.bufStart;
    if (rel >= 0 && rel + n <= this.buf.length) return rel;
    if (this.pos + n > this.src.size)
      throw this.fail(`truncated at byte ${this.pos} (the header runs past the end)`);
    const got = this.src.read(this.pos, Math.max(n, CHUNK));
    if (got.length < n) throw this.fail(`truncated at byte ${this.pos}`);
    this.buf = got;
    this.bufStart = this.pos;
    this.view = new DataView(got.buffer, got.byteOffset, got.byteLength);
    return 0;
  }
  u8(): number {
    const r = this.ensure(1);
    this.pos += 1;
    return this.view.getUint8(r);
  }
  u32(): number {
    const r = this.ensure(4);
    this.pos += 4;
    return this.view.getUint32(r, true);
  }
  u64(): bigint {
    const r = this.ensure(8);
    this.pos += 8;
    return this.view.getBigUint64(r, true);
  }
  /** A u64 that must fit a JS number (counts, lengths, dims, offsets). */
  size(what: string): number {
    const v = this.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw this.fail(`${what} ${v} is too large`);
    return Number(v);
  }
  skip(n: number): void {
    if (this.pos + n > this.src.size) throw this.fail(`truncated at byte ${this.pos}`);
    if (this.pos + n > GGUF_LIMITS.headerBytes)
      throw this.fail(
        `the header runs past ${GGUF_LIMITS.headerBytes / 1024 / 1024} MiB (no real GGUF header is that large)`,
      );
    this.pos += n;
  }
  string(): string {
    const n = this.size("string length");
    if (n > this.src.size - this.pos)
      throw this.fail(`truncated: a string of ${n} bytes at byte ${this.pos - 8} runs past the end`);
    if (n > GGUF_LIMITS.headerBytes)
      throw this.fail(`a string of ${n} bytes at byte ${this.pos - 8} is larger than any GGUF header`);
    const r = this.ensure(n);
    this.pos += n;
    return cleanText(new TextDecoder().decode(this.buf.subarray(r, r + n)));
  }
  scalar(type: number): number | bigint | boolean {
    const r = this.ensure(FIXED_SIZE[type]!);
    this.pos += FIXED_SIZE[type]!;
    const v = this.view;
    switch (type) {
      case GGUF_VALUE.UINT8:
        return v.getUint8(r);
      case GGUF_VALUE.INT8:
        return v.getInt8(r);
      case GGUF_VALUE.UINT16:
        return v.getUint16(r, true);
      case GGUF_VALUE.INT16:
        return v.getInt16(r, true);
      case GGUF_VALUE.UINT32:
        return v.getUint32(r, true);
      case GGUF_VALUE.INT32:
        return v.getInt32(r, true);
      case GGUF_VALUE.FLOAT32:
        return v.getFloat32(r, true);
      case GGUF_VALUE.BOOL:
        return v.getUint8(r) !== 0;
      case GGUF_VALUE.FLOAT64:
        return v.getFloat64(r, true);
      default: {
        const big = type === GGUF_VALUE.INT64 ? v.getBigInt64(r, true) : v.getBigUint64(r, true);
        return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER)
          ? Number(big)
          : big;
      }
    }
  }
  value(type: number, depth = 0): GgufValue {
    if (type === GGUF_VALUE.STRING) return this.string();
    if (type === GGUF_VALUE.ARRAY) {
      if (depth > 8) throw this.fail("arrays nested too deeply");
      const itemType = this.u32();
      const length = this.size("array length");
      if (
        itemType !== GGUF_VALUE.STRING &&
        itemType !== GGUF_VALUE.ARRAY &&
        FIXED_SIZE[itemType] === undefined
      )
        throw this.fail(`unknown array element type ${itemType}`);
      if (length > this.src.size - this.pos)
        throw this.fail(`truncated: an array of ${length} elements at byte ${this.pos} runs past the end`);
      if (length > GGUF_LIMITS.headerBytes - this.pos)
        throw this.fail(`an array of ${length} elements at byte ${this.pos} is larger than any GGUF header`);
      // Nested arrays are counted, never kept: no hyperparameter is one, and kept they could multiply.
      if (length <= KEEP_ARRAY && itemType !== GGUF_VALUE.ARRAY) {
        const values: GgufValue[] = [];
        for (let i = 0; i < length; i++) values.push(this.value(itemType, depth + 1));
        return { itemType, length, values };
      }
      const fixed = FIXED_SIZE[itemType];
      if (fixed !== undefined) this.skip(fixed * length);
      else if (itemType === GGUF_VALUE.STRING)
        for (let i = 0; i < length; i++) this.skip(this.size("string length"));
      else for (let i = 0; i < length; i++) this.value(itemType, depth + 1);
      return { itemType, length, values: null };
    }
    if (FIXED_SIZE[type] === undefined)
      throw this.fail(`unknown metadata value type ${type} at byte ${this.pos - 4}`);
    return this.scalar(type);
  }
}

/** Parse a GGUF header. `label` names the file in errors. */
export function parseGguf(src: ByteSource, label: string): GgufFile {
  const r = new Reader(src, label);
  if (src.size < 24) throw r.fail("shorter than a GGUF header");
  const magic = src.read(0, 4);
  if (String.fromCharCode(...magic) !== "GGUF") throw r.fail('it does not start with "GGUF"');
  r.pos = 4;
  const version = r.u32();
  if ((version & 0xffff) === 0) throw r.fail("big-endian GGUF files are not supported");
  if (version !== 2 && version !== 3)
    throw new UserError(
      `${label}: GGUF version ${version} is not supported`,
      "llama.cpp reads versions 2 and 3; convert the model again",
    );
  const tensorCount = r.size("tensor count");
  const kvCount = r.size("metadata count");
  // A tensor info takes at least 32 bytes (name length, n_dims, one dim, type, offset), a key/value 13.
  if (tensorCount > src.size / 32 || kvCount > src.size / 13)
    throw r.fail(`tensor count ${tensorCount} or metadata count ${kvCount} is larger than the file can hold`);
  if (tensorCount > GGUF_LIMITS.tensors)
    throw r.fail(
      `tensor count ${tensorCount} is above ${GGUF_LIMITS.tensors} (more than any published model)`,
    );
  if (kvCount > GGUF_LIMITS.metadata)
    throw r.fail(`metadata count ${kvCount} is above ${GGUF_LIMITS.metadata}`);
  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < kvCount; i++) {
    const key = r.string();
    const type = r.u32();
    metadata.set(key, r.value(type));
  }
  const rawAlign = metadata.get("general.alignment");
  const alignment = rawAlign === undefined ? 32 : Number(rawAlign);
  if (!Number.isInteger(alignment) || alignment < 1 || (alignment & (alignment - 1)) !== 0)
    throw r.fail(
      `general.alignment ${typeof rawAlign === "object" ? "is an array, and" : String(rawAlign)} is not a power of two`,
    );
  const tensors: GgufTensorInfo[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < tensorCount; i++) {
    const name = r.string();
    // gguf.cpp refuses duplicate names too ("duplicate tensor name").
    if (seen.has(name)) throw r.fail(`tensor ${JSON.stringify(name.slice(0, 80))} appears twice`);
    seen.add(name);
    const nDims = r.u32();
    if (nDims < 1 || nDims > 4) throw r.fail(`tensor ${name} has ${nDims} dimensions`);
    const dims: number[] = [];
    for (let d = 0; d < nDims; d++) dims.push(r.size(`dimension of ${name}`));
    const type = r.u32();
    const offset = r.size(`offset of ${name}`);
    const t = GGML_TYPES[type];
    if (!t)
      throw new UserError(
        `${label}: tensor ${name} has ggml type ${type}, which llmdeploy does not know`,
        "known types: " +
          Object.values(GGML_TYPES)
            .map((x) => x[0])
            .join(", "),
      );
    const [typeName, block, typeSize] = t;
    const ne0 = dims[0]!;
    if (ne0 % block !== 0)
      throw r.fail(
        `tensor ${name}: ${ne0} values per row is not a multiple of the ${typeName} block of ${block}`,
      );
    if (offset % alignment !== 0)
      throw r.fail(`tensor ${name}: offset ${offset} is not a multiple of ${alignment}`);
    const rows = dims.slice(1).reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(ne0 * rows) || !Number.isSafeInteger(rows * (ne0 / block) * typeSize))
      throw r.fail(`tensor ${name}: dimensions ${JSON.stringify(dims)} are too large`);
    tensors.push({
      name,
      dims,
      type,
      typeName,
      offset,
      params: ne0 * rows,
      bytes: rows * (ne0 / block) * typeSize,
    });
  }
  // The tensors' data must not overlap (gguf.cpp requires each at the padded end of the previous).
  const byOffset = [...tensors].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1]!;
    const t = byOffset[i]!;
    if (t.offset < prev.offset + prev.bytes)
      throw r.fail(
        `tensor ${t.name} at offset ${t.offset} overlaps ${prev.name} (${prev.offset} to ${prev.offset + prev.bytes})`,
      );
  }
  const dataStart = Math.ceil(r.pos / alignment) * alignment;
  return { version, alignment, metadata, tensors, dataStart };
}

/** Parse a file's header, reading only as far as the header goes, and check the data is all there. */
export function readGgufFile(path: string): GgufFile {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const src: ByteSource = {
      size,
      read: (position, length) => {
        const buf = new Uint8Array(Math.min(length, Math.max(0, size - position)));
        let got = 0;
        while (got < buf.length) {
          const n = readSync(fd, buf, got, buf.length - got, position + got);
          if (n === 0) break;
          got += n;
        }
        return buf.subarray(0, got);
      },
    };
    const g = parseGguf(src, path);
    const end = g.tensors.reduce((m, t) => Math.max(m, t.offset + t.bytes), 0);
    if (g.dataStart + end > size)
      throw new UserError(
        `${path} is truncated: its tensors need ${g.dataStart + end} bytes, the file has ${size}`,
        "the download did not finish; download the file again",
      );
    return g;
  } finally {
    closeSync(fd);
  }
}

/** The name llama.cpp gives the file type, or null. */
export function ggufFileType(g: GgufFile): string | null {
  const v = num(g.metadata.get("general.file_type"));
  return v === undefined ? null : (GGUF_FILE_TYPES[v] ?? `file type ${v}`);
}

const SPLIT = /-(\d{5})-of-(\d{5})\.gguf$/i;

/**
 * Read a .gguf (and, for a split file `name-00001-of-00003.gguf`, its other parts): the architecture
 * from the first part's metadata, the tensors of all parts.
 */
export function loadGguf(path: string): {
  arch: ModelArch;
  checkpoint: CheckpointSummary;
  name: string | null;
} {
  const m = SPLIT.exec(basename(path));
  const part = (i: number) =>
    join(dirname(path), basename(path).replace(SPLIT, `-${String(i).padStart(5, "0")}-of-${m![2]}.gguf`));
  // The metadata lives in the first part of a split file.
  const firstPath = m && Number(m[1]) !== 1 && existsSync(part(1)) ? part(1) : path;
  const first = readGgufFile(firstPath);
  const parts = [firstPath];
  const tensors = [...first.tensors];
  const count = num(first.metadata.get("split.count")) ?? 1;
  if (count > 1 && m) {
    for (let i = 2; i <= count; i++) {
      const p = part(i);
      if (!existsSync(p))
        throw new UserError(`${p} is missing`, `a split GGUF needs all ${count} parts in one folder`);
      parts.push(p);
      tensors.push(...readGgufFile(p).tensors);
    }
  }
  if (tensors.length === 0)
    throw new UserError(
      `${firstPath} holds no tensors (a vocabulary-only GGUF?)`,
      "pass the GGUF of a model's weights",
    );
  const arch = ggufArch(first, firstPath);
  const brief: GgufTensorBrief[] = tensors.map((t) => ({
    name: t.name,
    type: t.typeName,
    shape: t.dims,
    params: t.params,
    bytes: t.bytes,
  }));
  const name = first.metadata.get("general.name");
  return {
    arch,
    checkpoint: summarizeGguf(
      brief,
      parts.map((p) => basename(p)),
      ggufFileType(first),
    ),
    // general.name is only a label: one that reads as an unfilled value ("undefined") is not used.
    name: typeof name === "string" && name.trim() !== "" && !UNFILLED.test(name) ? name : null,
  };
}
