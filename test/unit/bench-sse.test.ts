import { describe, expect, it } from "vitest";
import { StreamClock, endpointPath, requestBody } from "../../src/bench/client.js";
import { MAX_EVENT_CHARS, SseDecoder, type SseEvent } from "../../src/bench/sse.js";

/** Feed the pieces one by one, as a socket would deliver them; return every event. */
function decode(...pieces: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const d = new SseDecoder((e) => events.push(e));
  for (const p of pieces) d.push(p);
  return events;
}

describe("server-sent events, decoded incrementally (eventsource-parser, WHATWG framing)", () => {
  it("LF, CRLF and lone CR framings give the same events, split anywhere, even inside a line or a CRLF", () => {
    const lf = 'data: {"a":1}\n\n: ping\n\ndata: {"a":2}\n\ndata: [DONE]\n\n';
    const whole = decode(lf);
    expect(whole.map((e) => e.data)).toEqual(['{"a":1}', '{"a":2}', "[DONE]"]);
    for (const eol of ["\n", "\r\n", "\r"]) {
      const stream = lf.replaceAll("\n", eol);
      expect(decode(stream), JSON.stringify(eol)).toEqual(whole);
      for (let i = 1; i < stream.length; i++)
        expect(decode(stream.slice(0, i), stream.slice(i)), `${JSON.stringify(eol)} at ${i}`).toEqual(whole);
    }
    // one character at a time
    expect(decode(..."data: x\r\n\r\ndata: y\r\r")).toEqual([
      { event: "message", data: "x" },
      { event: "message", data: "y" },
    ]);
  });

  it("an event ended by a CR at the end of a piece is dispatched at once, not when the next piece comes", () => {
    // The parser alone holds a final CR (it may be the first half of a CRLF): TTFT one token late.
    const events: string[] = [];
    const d = new SseDecoder((e) => events.push(e.data));
    d.push("data: first\r\r");
    expect(events).toEqual(["first"]);
    d.push("\ndata: second\r\n\r\n"); // that LF ends nothing: the CR before it already did
    expect(events).toEqual(["first", "second"]);
  });

  it("comments, event names, several data lines, no space after the colon, a byte order mark", () => {
    const events = decode(
      "\ufeff: ping\n\nevent: error\ndata: line 1\ndata:line 2\nid: 7\nretry: x\nfoo: bar\n\n",
    );
    expect(events).toEqual([{ event: "error", data: "line 1\nline 2" }]);
  });

  it("an event not followed by a blank line is never dispatched (the spec discards it at the end)", () => {
    expect(decode("data: a\n\ndata: tail")).toEqual([{ event: "message", data: "a" }]);
  });

  it("an event longer than the bound stops the decoder once; events before it were dispatched", () => {
    const events: string[] = [];
    let oversize = 0;
    const d = new SseDecoder(
      (e) => events.push(e.data),
      () => oversize++,
      1000,
    );
    d.push("data: ok\n\ndata: ");
    for (let i = 0; i < 20; i++) d.push("x".repeat(100)); // no line end: 2,000 characters
    d.push("\n\ndata: after\n\n");
    expect(events).toEqual(["ok"]);
    expect(oversize).toBe(1);
    expect(d.oversize).toBe(true);
    // the default bound is 2^20 characters
    expect(MAX_EVENT_CHARS).toBe(1048576);
  });
});

describe("the clock of one stream", () => {
  const ev = (data: unknown): SseEvent => ({
    event: "message",
    data: typeof data === "string" ? data : JSON.stringify(data),
  });
  const token = (content: string) => ev({ choices: [{ index: 0, delta: { content } }] });

  it("TTFT from the first content (not the role-only chunk); a gap per later chunk; usage wins over counting", () => {
    const c = new StreamClock();
    c.onEvent(ev({ choices: [{ delta: { role: "assistant", content: "" } }] }), 5);
    c.onEvent(token("Hel"), 200);
    c.onEvent(token("lo"), 220);
    c.onEvent(token("!"), 250);
    expect(c.first).toBe(200);
    expect(c.itl.values).toEqual([20, 30]);
    expect(c.chunks).toBe(3);
    expect(c.usage).toBeNull();
    c.onEvent(ev({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 4 } }), 251);
    c.onEvent(ev("[DONE]"), 252);
    expect(c.usage).toBe(4);
    expect(c.done).toBe(true);
    expect(c.error).toBeNull();
  });

  it("reasoning text counts as output; completions stream `text`", () => {
    const c = new StreamClock();
    c.onEvent(ev({ choices: [{ delta: { reasoning_content: "Let me think" } }] }), 100);
    c.onEvent(ev({ choices: [{ delta: { reasoning: "..." } }] }), 110);
    c.onEvent(ev({ choices: [{ text: "done" }] }), 130);
    expect(c.first).toBe(100);
    expect(c.itl.values).toEqual([10, 20]);
  });

  it("an error event inside a 200 stream is an error of its code", () => {
    const c = new StreamClock();
    c.onEvent(ev(""), 1); // an empty data line: a keep-alive, nothing
    c.onEvent(ev({ error: { message: "engine died", code: 500 } }), 2);
    expect(c.error).toEqual({ kind: "http_500", detail: "engine died" });
    const d = new StreamClock();
    d.onEvent({ event: "error", data: '{"message":"overloaded"}' }, 1);
    expect(d.error).toEqual({ kind: "broken_stream", detail: "overloaded" });
  });

  it("data that is not a JSON object (null, a number, a string, a list, text) is a malformed event", () => {
    for (const data of ["null", "42", '"text"', "[1, 2]", "not json", "{truncated"]) {
      const c = new StreamClock();
      c.onEvent(token("a"), 10);
      c.onEvent(ev(data), 20);
      expect(c.error?.kind, data).toBe("malformed_event");
      expect(c.error?.detail).toContain(data.slice(0, 10));
      // nothing after the error counts
      c.onEvent(token("b"), 30);
      expect(c.chunks).toBe(1);
    }
  });

  it("odd but well-formed chunks are no error and no content: null choices, null delta, null usage", () => {
    const c = new StreamClock();
    for (const chunk of [
      { choices: null },
      { choices: [null] },
      { choices: [{ delta: null }] },
      { choices: [{ delta: { content: null } }] },
      { choices: [], usage: null },
    ])
      c.onEvent(ev(chunk), 1);
    expect(c.error).toBeNull();
    expect(c.chunks).toBe(0);
    expect(c.empty).toBe(true);
    c.onEvent(ev({ choices: [{ delta: { tool_calls: [{ index: 0, function: { arguments: "{" } }] } }] }), 2);
    expect(c.empty).toBe(false);
  });

  it("keeps at most its capacity of gaps, a uniform sample, and counts them all", () => {
    const c = new StreamClock(100);
    for (let i = 0; i <= 10_000; i++) c.onEvent(token("x"), i * 2);
    expect(c.itl.seen).toBe(10_000);
    expect(c.itl.values.length).toBe(100);
    expect(new Set(c.itl.values)).toEqual(new Set([2]));
  });
});

describe("the request", () => {
  it("streams with usage, asks for exactly max_tokens (ignore_eos), chat or completions", () => {
    const chat = JSON.parse(requestBody({ model: "m", endpoint: "chat" }, { prompt: "hi" }, 16));
    expect(chat).toEqual({
      model: "m",
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 16,
      ignore_eos: true,
      messages: [{ role: "user", content: "hi" }],
    });
    const comp = JSON.parse(
      requestBody(
        { model: "m", endpoint: "completions" },
        { messages: [{ role: "user", content: "a" }] },
        null,
      ),
    );
    expect(comp).toEqual({ model: "m", stream: true, stream_options: { include_usage: true }, prompt: "a" });
  });

  it("the endpoint path keeps a base path and tolerates a trailing /v1", () => {
    expect(endpointPath(new URL("http://h:8000"), "chat")).toBe("/v1/chat/completions");
    expect(endpointPath(new URL("http://h:8000/v1/"), "completions")).toBe("/v1/completions");
    expect(endpointPath(new URL("https://h/llm/v1"), "chat")).toBe("/llm/v1/chat/completions");
  });
});
