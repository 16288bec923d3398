/**
 * Error lines built from what a file or a flag holds: the file's text is never quoted, hostile strings
 * are made printable (src/cli/safe-text.ts). Each parser's message is the real one (JSON.parse of this
 * Node, the yaml package), so a change in either shows here.
 */
import { describe, expect, it } from "vitest";
import { parse, parseDocument } from "yaml";
import { jsonProblem, lineColumn, printable, shown, yamlProblem } from "../../src/cli/safe-text.js";

const SECRET = "sk-live-SECRET123456";
const jsonError = (text: string) => {
  try {
    JSON.parse(text);
  } catch (e) {
    return jsonProblem(e, text);
  }
  throw new Error("parsed");
};
const yamlError = (text: string) => {
  try {
    parse(text);
  } catch (e) {
    return yamlProblem(e);
  }
  throw new Error("parsed");
};

describe("jsonProblem: where and what, never the text", () => {
  it("V8's quoted context (Node 20: 10 characters either side) is replaced by the line and column", () => {
    // {"a": 1,\n"token": sk-live-...}: the bad token 's' is on line 2, column 10.
    const text = `{"a": 1,\n"token": ${SECRET}, "b": 2}`;
    const got = jsonError(text);
    expect(got).toBe("line 2, column 10: Unexpected token 's'");
    expect(got).not.toMatch(/token"|SECRET|sk-live/);
  });

  it("at the start, at the end, and in a short file", () => {
    expect(jsonError(`root:x:0:0:${SECRET}`)).toBe("line 1, column 1: Unexpected token 'r'");
    // 31 characters before the first y: `{"k": [1, 2, 3, 4, 5, 6], "x": ` (no context before it cut)
    expect(jsonError(`{"k": [1, 2, 3, 4, 5, 6], "x": ${"y".repeat(5)}`)).toBe(
      "line 1, column 32: Unexpected token 'y'",
    );
    expect(jsonError("[1,]")).toBe("line 1, column 4: Unexpected token ']'");
  });

  it("messages with a position; the end of the file", () => {
    expect(jsonError('{"a" 1}')).toBe("line 1, column 6: Expected ':' after property name");
    expect(jsonError('{"a": [1,\n\n')).toBe("line 3, column 1: unexpected end of the file");
    expect(jsonError('{"a": "x\ty"}')).toBe("line 1, column 9: Bad control character in string literal");
  });

  it("a control character as the bad token is named by its code point", () => {
    expect(jsonError('{"a": \u001b[31m}')).toBe("line 1, column 7: Unexpected token U+001B");
  });
});

describe("yamlProblem", () => {
  it("keeps the position and the kind of problem, drops the file's lines and what follows ': '", () => {
    const text = `model: 8b\napi_key: ${SECRET}\n  bad: [\n`;
    const got = yamlError(text);
    expect(got).toMatch(/^line 2, column \d+: [A-Z][^:]+$/);
    expect(got).not.toContain(SECRET);
    // a tag from the file is named after ": " by the yaml package: dropped
    const tag = yamlProblem(parseDocument(`a: !${SECRET} x\n`).warnings[0]);
    expect(tag).toBe("line 1, column 4: Unresolved tag");
  });
});

describe("printable", () => {
  it("one line without escape sequences or control characters", () => {
    expect(printable("unknown model \u001b[2J\u001b]0;pwned\u0007x\ny\r\tz\u202e")).toBe(
      "unknown model [2J]0;pwnedx y z",
    );
  });

  it("cuts a long run of characters and a long line", () => {
    const long = printable(`unknown model "${"a".repeat(5000)}"`);
    expect(long.length).toBeLessThan(200);
    expect(long).toMatch(/^unknown model "a{119}…$/);
    expect(printable("word ".repeat(1000)).length).toBe(2001);
  });

  it("V8's quoted JSON context in any message (a module outside the CLI built it) is cut", () => {
    let message = "";
    try {
      JSON.parse(`{"password": hunter2hunter2, "x": 1}`);
    } catch (e) {
      message = `config.json is not valid JSON: ${(e as Error).message}`;
    }
    expect(message).toContain("hunter2");
    expect(printable(message)).toBe("config.json is not valid JSON: Unexpected token 'h' (not valid JSON)");
    // a caller that kept the first line only, when the quoted context held a line break
    let cut = "";
    try {
      JSON.parse(`{"password":\nhunter2hunter2}`);
    } catch (e) {
      cut = `hub: ${(e as Error).message.split("\n")[0]}`;
    }
    expect(cut).toContain("assword");
    expect(printable(cut)).toBe("hub: Unexpected token 'h' (not valid JSON)");
  });
});

describe("shown / lineColumn", () => {
  it("values by kind; strings quoted, cleaned and cut", () => {
    expect([undefined, null, 3, true, [1], { a: 1 }].map((v) => shown(v))).toEqual([
      "missing",
      "null",
      "3",
      "true",
      "a list",
      "a mapping",
    ]);
    expect(shown("Plan\u001b[31m")).toBe('"Plan[31m"');
    expect(shown("x".repeat(100), 10)).toBe(`"${"x".repeat(10)}…"`);
  });

  it("1-based line and column", () => {
    expect(lineColumn("ab\ncd", 0)).toBe("line 1, column 1");
    expect(lineColumn("ab\ncd", 4)).toBe("line 2, column 2");
  });
});
