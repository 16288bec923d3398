/**
 * An incremental server-sent-events decoder (the WHATWG "event stream" format): text arrives in
 * arbitrary pieces; every complete event's data is handed on. Lines end in LF, CRLF or CR (vLLM and
 * llama.cpp send LF; sse-starlette sends CRLF); several `data:` lines of one event are joined with
 * LF; comments (`: ping`) and `id:` / `retry:` are ignored. Cheap: one scan per piece, no regex.
 */
export interface SseEvent {
  /** The `event:` field, "message" when absent. */
  event: string;
  data: string;
}

export class SseDecoder {
  private buf = "";
  private data: string[] = [];
  private event = "";

  /** Feed a piece of the stream; `onEvent` runs for each event it completes. */
  push(text: string, onEvent: (e: SseEvent) => void): void {
    this.buf += text;
    let start = 0;
    const b = this.buf;
    // Most servers send LF only: look for CRs only when the piece has one.
    let cr = b.indexOf("\r");
    for (;;) {
      const lf = b.indexOf("\n", start);
      if (cr >= 0 && cr < start) cr = b.indexOf("\r", start);
      let end: number;
      let next: number;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        // A CR at the very end may be the first half of a CRLF: wait for the next piece.
        if (cr === b.length - 1) break;
        end = cr;
        next = b[cr + 1] === "\n" ? cr + 2 : cr + 1;
      } else if (lf >= 0) {
        end = lf;
        next = lf + 1;
      } else break;
      this.line(b.slice(start, end), onEvent);
      start = next;
    }
    this.buf = start ? b.slice(start) : b;
  }

  /** The stream ended: an event not followed by a blank line is dispatched too. */
  end(onEvent: (e: SseEvent) => void): void {
    if (this.buf) this.line(this.buf.replace(/\r$/, ""), onEvent);
    this.buf = "";
    this.line("", onEvent);
  }

  private line(line: string, onEvent: (e: SseEvent) => void): void {
    if (line === "") {
      if (this.data.length) onEvent({ event: this.event || "message", data: this.data.join("\n") });
      this.data = [];
      this.event = "";
      return;
    }
    if (line.charCodeAt(0) === 58 /* ":" comment */) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === "data") this.data.push(value);
    else if (field === "event") this.event = value;
  }
}
