/**
 * The one error type the CLI prints without a stack trace: a message (one line) and a hint.
 * Thrown anywhere (engine included); caught once in the CLI entry.
 */
export class UserError extends Error {
  readonly hint: string | undefined;
  /** Process exit code; 1 for bad input, 2 for "no configuration meets the targets". */
  readonly exitCode: number;
  /**
   * The input field the error is about, in the core's terms ("maxModelLen", "engine"): the CLI maps
   * it to the flag the user typed (--max-model-len) or the spec file's key.
   */
  readonly field: string | undefined;
  constructor(message: string, hint?: string, exitCode = 1, field?: string) {
    super(message);
    this.name = "UserError";
    this.hint = hint;
    this.exitCode = exitCode;
    this.field = field;
  }
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The closest candidates to `input` (substring matches first, then by edit distance). */
export function closest(input: string, candidates: readonly string[], max = 3): string[] {
  const q = input.toLowerCase();
  const scored = candidates.map((c) => {
    const l = c.toLowerCase();
    const sub = l.includes(q) || q.includes(l) ? -100 + Math.abs(l.length - q.length) : 0;
    return { c, score: sub || editDistance(q, l) };
  });
  const limit = Math.max(3, Math.floor(q.length / 2));
  return [
    ...new Set(
      scored
        .filter((s) => s.score <= limit)
        .sort((x, y) => x.score - y.score)
        .map((s) => s.c),
    ),
  ].slice(0, max);
}
