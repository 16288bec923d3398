/**
 * Prompts from a JSONL file (--prompts): one {"prompt": "..."} or {"messages": [{"role", "content"}]}
 * per line; blank lines are skipped. Pure: the file's text in, prompts out. Every line is checked,
 * and the first that is not one of those is refused in one line naming file:line and why, before
 * any request is sent.
 */
import { UserError } from "../errors.js";
import type { Prompt } from "./client.js";

const HINT =
  'one JSON object per line: {"prompt": "Hi"} or {"messages": [{"role": "user", "content": "Hi"}]}';

const kindOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "a list" : `a ${typeof v}`);

/** Whether `v` is a list of at least one {role: string, content: string}. */
function isMessages(v: unknown): v is { role: string; content: string }[] {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every(
      (m: unknown) =>
        typeof m === "object" &&
        m !== null &&
        typeof (m as { role?: unknown }).role === "string" &&
        typeof (m as { content?: unknown }).content === "string",
    )
  );
}

/** The prompts of a JSONL text; `name` (the file) is used in messages. */
export function parsePrompts(text: string, name: string): Prompt[] {
  const prompts: Prompt[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const at = `${name}:${i + 1}`;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new UserError(`${at} is not JSON`, HINT);
    }
    if (typeof v !== "object" || v === null || Array.isArray(v))
      throw new UserError(`${at} is ${kindOf(v)}, not a JSON object`, HINT);
    const o = v as { prompt?: unknown; messages?: unknown };
    if (o.prompt !== undefined && typeof o.prompt !== "string")
      throw new UserError(`${at}: "prompt" is ${kindOf(o.prompt)}, not a string`, HINT);
    if (o.messages !== undefined && !isMessages(o.messages))
      throw new UserError(`${at}: "messages" is not a list of {"role": string, "content": string}`, HINT);
    if (o.prompt === undefined && o.messages === undefined)
      throw new UserError(
        `${at} has neither "prompt" (a string) nor "messages" (a list of {role, content})`,
        HINT,
      );
    const p: Prompt = {};
    if (typeof o.prompt === "string") p.prompt = o.prompt;
    if (isMessages(o.messages)) p.messages = o.messages.map((m) => ({ role: m.role, content: m.content }));
    prompts.push(p);
  });
  if (!prompts.length) throw new UserError(`${name} holds no prompts`, HINT);
  return prompts;
}
