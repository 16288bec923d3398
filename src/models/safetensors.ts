/**
 * safetensors headers: the tensor names, dtypes, shapes and byte ranges of a checkpoint, read
 * without touching the weights.
 *
 * Layout (https://github.com/huggingface/safetensors, README "Format"): 8 bytes little-endian u64 N,
 * then N bytes of UTF-8 JSON `{"__metadata__": {...}?, "<name>": {"dtype", "shape", "data_offsets":
 * [begin, end]}, ...}`, then the data. Offsets are relative to the first byte after the header and
 * the tensors tile the data section without gaps (the reference implementation rejects anything else).
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { UserError } from "../errors.js";
import { cleanText } from "../sanitize.js";

/** Bits per element of each safetensors dtype (sub-byte float types are packed). */
export const SAFETENSORS_DTYPE_BITS: Record<string, number> = {
  BOOL: 8,
  U8: 8,
  I8: 8,
  F8_E4M3: 8,
  F8_E5M2: 8,
  F8_E8M0: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  I64: 64,
  U64: 64,
  F64: 64,
  C64: 64,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
};

/** The reference implementation refuses headers above 100 MB (safetensors `MAX_HEADER_SIZE`). */
export const MAX_HEADER_BYTES = 100_000_000;

export interface SafetensorsTensor {
  name: string;
  dtype: string;
  shape: number[];
  /** Bytes of its data (end - begin). */
  bytes: number;
}

export interface SafetensorsHeader {
  /** The file's name (relative to the model folder or repo). */
  file: string;
  /** N, the JSON header's length. */
  headerBytes: number;
  /** Length of the data section the header describes. */
  dataBytes: number;
  metadata: Record<string, string> | null;
  tensors: SafetensorsTensor[];
}

function bad(label: string, what: string): UserError {
  return new UserError(
    `${label} is not a valid safetensors file: ${what}`,
    "re-download the file (a Git LFS pointer or a partial download looks like this)",
  );
}

/** N from the first 8 bytes, checked against the 100 MB limit. */
export function headerLength(first8: Uint8Array, label: string): number {
  if (first8.length < 8) throw bad(label, "shorter than 8 bytes");
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n < 2n || n > BigInt(MAX_HEADER_BYTES)) throw bad(label, `header length ${n} is out of range`);
  return Number(n);
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Elements of a shape (a scalar, shape [], holds one). */
export const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** A name or string from a file as an error shows it: control characters removed, quoted, cut short. */
const quoted = (s: string): string => JSON.stringify(cleanText(s).slice(0, 120));

/**
 * Parse and check the JSON header. Every tensor must have a known dtype, a shape of non-negative
 * integers, and a byte range of exactly numel × dtype size; the ranges must tile the data section
 * (safetensors' own checks: `validate` in safetensors/src/tensor.rs refuses unknown dtypes, bad
 * offsets, gaps and overlaps). `__metadata__` must map strings to strings (its Rust type is
 * `HashMap<String, String>`). Tensor names are cleaned of control characters (src/sanitize.ts).
 * Errors name the file (`label`) and the tensor, in one line.
 */
export function parseSafetensorsHeader(
  json: Uint8Array | string,
  file: string,
  label = file,
): SafetensorsHeader {
  const text = typeof json === "string" ? json : new TextDecoder().decode(json);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw bad(label, `header is not JSON (${(e as Error).message})`);
  }
  if (!isObj(raw)) throw bad(label, "header is not a JSON object");
  let metadata: Record<string, string> | null = null;
  const tensors: (SafetensorsTensor & { begin: number; end: number })[] = [];
  for (const [rawName, v] of Object.entries(raw)) {
    if (rawName === "__metadata__") {
      if (v === null) continue;
      if (!isObj(v) || !Object.values(v).every((x) => typeof x === "string"))
        throw bad(label, "__metadata__ must map names to strings");
      metadata = Object.fromEntries(Object.entries(v).map(([k, x]) => [cleanText(k), cleanText(String(x))]));
      continue;
    }
    const name = cleanText(rawName);
    const q = quoted(rawName);
    if (!isObj(v)) throw bad(label, `tensor ${q} is not an object`);
    if (v.dtype === undefined) throw bad(label, `tensor ${q} has no dtype`);
    if (typeof v.dtype !== "string") throw bad(label, `tensor ${q} has a dtype that is not a string`);
    const dtype = v.dtype;
    const bits = Object.hasOwn(SAFETENSORS_DTYPE_BITS, dtype) ? SAFETENSORS_DTYPE_BITS[dtype] : undefined;
    if (bits === undefined) throw bad(label, `tensor ${q} has unknown dtype ${quoted(dtype)}`);
    const shape = v.shape;
    if (!Array.isArray(shape)) throw bad(label, `tensor ${q} has no shape (a list of dimensions)`);
    const badDim = shape.findIndex((d) => !Number.isSafeInteger(d) || d < 0);
    if (badDim >= 0)
      throw bad(
        label,
        `tensor ${q}: dimension ${badDim} of its shape is ${JSON.stringify(shape[badDim]) ?? "missing"}; dimensions are integers ≥ 0`,
      );
    const off = v.data_offsets;
    if (
      !Array.isArray(off) ||
      off.length !== 2 ||
      !off.every((d) => Number.isSafeInteger(d) && d >= 0) ||
      off[0] > off[1]
    )
      throw bad(label, `tensor ${q} has malformed data_offsets (expected [begin, end], 0 ≤ begin ≤ end)`);
    const [begin, end] = off as [number, number];
    const elements = numel(shape as number[]);
    const expected = Math.ceil((elements * bits) / 8);
    if (!Number.isSafeInteger(elements) || !Number.isSafeInteger(expected))
      throw bad(label, `tensor ${q}: shape ${JSON.stringify(shape)} is too large`);
    if (end - begin !== expected)
      throw bad(
        label,
        `tensor ${q}: ${dtype} ${JSON.stringify(shape)} needs ${expected} bytes, data_offsets give ${end - begin}`,
      );
    tensors.push({ name, dtype, shape: shape as number[], bytes: end - begin, begin, end });
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const t of tensors) {
    if (t.begin !== pos)
      throw bad(
        label,
        `tensor ${quoted(t.name)} starts at byte ${t.begin} of the data, expected ${pos} (${t.begin < pos ? "it overlaps the tensor before it" : "a gap before it"})`,
      );
    pos = t.end;
  }
  return {
    file,
    headerBytes: new TextEncoder().encode(text).length,
    dataBytes: pos,
    metadata,
    tensors: tensors.map(({ name, dtype, shape, bytes }) => ({ name, dtype, shape, bytes })),
  };
}

function readExactly(fd: number, length: number, position: number): Uint8Array {
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/**
 * Read a local file's header (two small reads; the weights are never read) and check that the file
 * is long enough to hold the data the header describes.
 */
export function readSafetensorsFile(path: string, file: string): SafetensorsHeader {
  const fd = openSync(path, "r");
  try {
    const size = fstatSync(fd).size;
    const n = headerLength(readExactly(fd, 8, 0), path);
    if (8 + n > size) throw bad(path, `header of ${n} bytes runs past the end of the ${size}-byte file`);
    const h = parseSafetensorsHeader(readExactly(fd, n, 8), file, path);
    if (8 + n + h.dataBytes > size)
      throw bad(path, `the header describes ${8 + n + h.dataBytes} bytes, the file has ${size} (truncated?)`);
    return h;
  } finally {
    closeSync(fd);
  }
}
