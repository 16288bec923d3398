import { describe, expect, it } from "vitest";
import { parsePrompts } from "../../src/bench/prompts.js";
import { UserError } from "../../src/errors.js";

const fails = (text: string) => {
  try {
    parsePrompts(text, "p.jsonl");
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error("accepted");
};

describe("--prompts lines", () => {
  it("a prompt or messages per line; blank lines and CRLF skipped; only the known fields kept", () => {
    const p = parsePrompts(
      '{"prompt": "a", "extra": 1}\r\n\n{"messages": [{"role": "user", "content": "b", "name": "x"}]}\n',
      "p.jsonl",
    );
    expect(p).toEqual([{ prompt: "a" }, { messages: [{ role: "user", content: "b" }] }]);
  });

  it("each bad line refused in one line naming file:line and why", () => {
    expect(fails('{"prompt": "ok"}\nnull\n')).toBe("p.jsonl:2 is null, not a JSON object");
    expect(fails("[1]")).toBe("p.jsonl:1 is a list, not a JSON object");
    expect(fails("42")).toBe("p.jsonl:1 is a number, not a JSON object");
    expect(fails('"hi"')).toBe("p.jsonl:1 is a string, not a JSON object");
    expect(fails("{oops")).toBe("p.jsonl:1 is not JSON");
    expect(fails('{"prompt": 5}')).toBe('p.jsonl:1: "prompt" is a number, not a string');
    // a valid prompt does not excuse broken messages (they would be sent as they are)
    expect(fails('{"prompt": "a", "messages": 5}')).toMatch(/^p\.jsonl:1: "messages" is not a list/);
    expect(fails('{"messages": [{"role": "user"}]}')).toMatch(/^p\.jsonl:1: "messages" is not a list/);
    expect(fails('{"messages": []}')).toMatch(/^p\.jsonl:1: "messages" is not a list/);
    expect(fails("{}")).toMatch(/^p\.jsonl:1 has neither "prompt"/);
    expect(fails("\n\n")).toBe("p.jsonl holds no prompts");
  });
});
