import { afterEach, describe, expect, it, vi } from "vitest";
import { BadOutputError, findBadValue, guardOutput, info, out, printJson } from "../../src/cli/output.js";

/** Everything written to stdout/stderr while `f` runs, and what it threw. */
function capture(f: () => void): { stdout: string; stderr: string; error: unknown } {
  let stdout = "";
  let stderr = "";
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s) => ((stdout += String(s)), true));
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s) => ((stderr += String(s)), true));
  let error: unknown = null;
  try {
    f();
  } catch (x) {
    error = x;
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
  return { stdout, stderr, error };
}

afterEach(() => vi.restoreAllMocks());

describe("output guard: printJson", () => {
  const plan = (ttftMs: unknown) => ({
    recommendation: { gpu: "h100", performance: { ttftMs, tpotMs: 12.5 } },
  });

  it.each([
    ["NaN", NaN, "recommendation.performance.ttftMs is NaN"],
    ["Infinity", Infinity, "recommendation.performance.ttftMs is Infinity"],
    ["-Infinity", -Infinity, "recommendation.performance.ttftMs is -Infinity"],
    ["undefined", undefined, "recommendation.performance.ttftMs is undefined"],
    ["a bigint", 5n, "recommendation.performance.ttftMs is a bigint"],
    ["a string with NaN", "NaN ms", 'recommendation.performance.ttftMs contains "NaN"'],
    ["a string with undefined", "GPU undefined", 'recommendation.performance.ttftMs contains "undefined"'],
    ["[object Object]", `${{}}`, 'recommendation.performance.ttftMs contains "[object Object]"'],
    ["Infinity in text", "-Infinity GiB", 'recommendation.performance.ttftMs contains "-Infinity"'],
  ])("refuses %s and prints nothing", (_, v, message) => {
    const r = capture(() => printJson(plan(v)));
    expect(r.error).toBeInstanceOf(BadOutputError);
    expect((r.error as Error).message).toBe(message);
    expect(r.stdout).toBe("");
  });

  it("names array elements and odd keys in the path", () => {
    expect(findBadValue({ alternatives: [{ x: 1 }, { x: NaN }] })).toEqual(["alternatives[1].x", "is NaN"]);
    expect(findBadValue({ memory: { "kv-cache": [1, undefined] } })).toEqual([
      'memory["kv-cache"][1]',
      "is undefined",
    ]);
    expect(findBadValue(NaN, "result")).toEqual(["result", "is NaN"]);
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    expect(findBadValue(loop)).toEqual(["self", "refers to itself"]);
  });

  it("walks what JSON prints: toJSON results (a Date is a string), shared objects are not cycles", () => {
    const shared = { n: 1 };
    expect(findBadValue({ at: new Date(0), a: shared, b: shared, nil: null })).toBeNull();
    expect(findBadValue({ at: { toJSON: () => NaN } })).toEqual(["at", "is NaN"]);
  });

  it("passes ordinary output, including words that only contain the bad ones", () => {
    const ok = { name: "Infinityx Nano", note: "undefinedness is fine", n: 0, neg: -1.5, list: [] };
    const r = capture(() => printJson(ok));
    expect(r.error).toBeNull();
    expect(JSON.parse(r.stdout)).toEqual(ok);
  });
});

describe("output guard: text lines", () => {
  it("out() refuses a line showing NaN, Infinity, undefined or [object Object], and prints it not", () => {
    for (const line of ["TTFT NaN ms", "weights Infinity GiB", "GPU undefined", `model ${{}}`]) {
      const r = capture(() => out(line));
      expect(r.error).toBeInstanceOf(BadOutputError);
      expect((r.error as Error).message).toMatch(/^stdout line \d+ contains "/);
      expect(r.stdout).toBe("");
    }
    const ok = capture(() => out("TTFT 120 ms"));
    expect(ok.error).toBeNull();
    expect(ok.stdout).toBe("TTFT 120 ms\n");
  });

  it("info() checks the notes on stderr too", () => {
    const r = capture(() => info("read x: NaN tensors"));
    expect((r.error as Error).message).toMatch(/^a note on stderr contains "NaN"/);
    expect(r.stderr).toBe("");
  });

  it("guardOutput throws with the root name", () => {
    expect(() => guardOutput({ a: Infinity }, "plan")).toThrow("a is Infinity");
    expect(() => guardOutput(NaN, "plan")).toThrow("plan is NaN");
  });
});
