import { describe, expect, it } from "vitest";
import { StreamClock, endpointPath, requestBody } from "../../src/bench/client.js";
import { SseDecoder, type SseEvent } from "../../src/bench/sse.js";

/** Feed the pieces one by one, as a socket would deliver them; return every event. */
function decode(...pieces: string[]): SseEvent[] {
  const d = new SseDecoder();
  const events: SseEvent[] = [];
  for (const p of pieces) d.push(p, (e) => events.push(e));
  d.end((e) => events.push(e));
  return events;
}

describe("server-sent events, decoded incrementally", () => {
  it("LF-terminated events (vLLM), split anywhere, even inside a line", () => {
    const stream = 'data: {"a":1}\n\ndata: {"a":2}\n\ndata: [DONE]\n\n';
    const whole = decode(stream);
    expect(whole.map((e) => e.data)).toEqual(['{"a":1}', '{"a":2}', "[DONE]"]);
    // every split point gives the same events
    for (let i = 1; i < stream.length; i++)
      expect(decode(stream.slice(0, i), stream.slice(i))).toEqual(whole);
  });

  it("CRLF (sse-starlette) and lone CR line ends, a CRLF split between two pieces", () => {
    expect(decode("data: x\r\n\r\ndata: y\r\n\r\n").map((e) => e.data)).toEqual(["x", "y"]);
    expect(decode("data: x\r", "\n\r\ndata: y\r\r").map((e) => e.data)).toEqual(["x", "y"]);
  });

  it("comments, event names, several data lines, no space after the colon, a last event without a blank line", () => {
    const events = decode(": ping\n\nevent: error\ndata: line 1\ndata:line 2\nid: 7\n\ndata: tail");
    expect(events).toEqual([
      { event: "error", data: "line 1\nline 2" },
      { event: "message", data: "tail" },
    ]);
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
    expect(c.itl).toEqual([20, 30]);
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
    expect(c.itl).toEqual([10, 20]);
  });

  it("an error event inside a 200 stream is an error of its code; garbage is ignored", () => {
    const c = new StreamClock();
    c.onEvent(ev("not json"), 1);
    c.onEvent(ev({ error: { message: "engine died", code: 500 } }), 2);
    expect(c.error).toEqual({ kind: "http_500", detail: "engine died" });
    const d = new StreamClock();
    d.onEvent({ event: "error", data: '{"message":"overloaded"}' }, 1);
    expect(d.error).toEqual({ kind: "broken_stream", detail: "overloaded" });
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
