/**
 * Server-sent events of a streamed answer, decoded incrementally with `eventsource-parser` (the
 * WHATWG "event stream" format: https://html.spec.whatwg.org/multipage/server-sent-events.html
 * #event-stream-interpretation). What this module adds to it:
 *
 * - No delay at a CR: "Lines must be separated by either a U+000D CARRIAGE RETURN U+000A LINE FEED
 *   (CRLF) character pair, a single U+000A LINE FEED (LF) character, or a single U+000D CARRIAGE
 *   RETURN (CR) character" (the spec). The parser holds a CR that ends a piece until the next piece
 *   says whether an LF follows; a server that frames with CR alone would then have every event
 *   dispatched one piece late (TTFT one token late). A CR is a line end either way, so every line
 *   end is fed as LF, and an LF that starts the next piece after a piece ending in CR (the second
 *   half of that CRLF) is dropped.
 * - A leading byte order mark is dropped ("One leading U+FEFF BYTE ORDER MARK character must be
 *   ignored if any are present"): the parser only knows it as three latin-1 characters.
 * - A bound: an event (its data and any line not yet ended) longer than `maxEventChars` stops the
 *   decoder and calls `onOversize` once, so a stream without event delimiters cannot grow memory.
 * - At the end of the stream an event not followed by a blank line is discarded, as the spec says
 *   ("If the file ends in the middle of an event, before the final empty line, the incomplete event
 *   is not dispatched").
 */
import { createParser, type EventSourceParser } from "eventsource-parser";

export interface SseEvent {
  /** The `event:` field, "message" when absent. */
  event: string;
  data: string;
}

/** The longest event accepted: 2^20 characters (1 MiB of ASCII text; a chat chunk is ~100). */
export const MAX_EVENT_CHARS = 1 << 20;

export class SseDecoder {
  private readonly parser: EventSourceParser;
  private first = true;
  private pendingCr = false;
  private stopped = false;

  /**
   * @param onEvent runs for each complete event, in order
   * @param onOversize runs once when an event exceeds `maxEventChars` (then nothing more is decoded)
   */
  constructor(
    onEvent: (e: SseEvent) => void,
    onOversize: () => void = () => {},
    maxEventChars: number = MAX_EVENT_CHARS,
  ) {
    this.parser = createParser({
      maxBufferSize: maxEventChars,
      onEvent: (e) => {
        if (!this.stopped) onEvent({ event: e.event ?? "message", data: e.data });
      },
      onError: (err) => {
        // Unknown fields and bad `retry:` values are ignored, as the spec says; only the bound stops.
        if (err.type === "max-buffer-size-exceeded" && !this.stopped) {
          this.stopped = true;
          onOversize();
        }
      },
    });
  }

  /** Feed a piece of the stream (already decoded from UTF-8). */
  push(text: string): void {
    if (this.stopped || text === "") return;
    let t = text;
    if (this.first) {
      this.first = false;
      if (t.charCodeAt(0) === 0xfeff) t = t.slice(1);
    }
    if (this.pendingCr && t.charCodeAt(0) === 10) t = t.slice(1);
    this.pendingCr = t.charCodeAt(t.length - 1) === 13;
    // Every line end (CRLF, CR, LF) as LF: a CR is a line end at once, and one that ends this piece
    // has its LF, if one comes, dropped from the next.
    if (t.indexOf("\r") >= 0) t = t.replace(/\r\n?/g, "\n");
    if (t !== "") this.parser.feed(t);
  }

  /** Whether an event was too long (and decoding stopped). */
  get oversize(): boolean {
    return this.stopped;
  }
}
