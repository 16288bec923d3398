/**
 * Defaults that several commands share, each declared once. An engine's own defaults (its
 * gpu_memory_utilization, max_num_seqs, port ...) live in its module (src/engines/<engine>.ts).
 */
export const DEFAULTS = {
  /** Typical request the predictions assume when none is given: prompt and completion tokens. */
  inputTokens: 1024,
  outputTokens: 256,
  /** `bench` without --plan: its synthetic prompt and answer lengths, tokens (short: a quick probe). */
  benchInputTokens: 256,
  benchOutputTokens: 128,
  /** Requests in flight at once for `plan` when no load is given. */
  concurrency: 16,
  /** Latency targets of `plan --defaults`, ms. */
  ttftMs: 2000,
  tpotMs: 50,
  /**
   * The default max model len is at least this (tokens), or one request (input + output) when that is
   * longer, within the model's context (src/sizing/context.ts defaultMaxModelLen).
   */
  maxModelLenCap: 8192,
  /** Most GPUs `plan` considers, all replicas together. */
  maxGpus: 64,
  /** Months on-prem GPUs are written off over. */
  amortizationMonths: 36,
  packaging: "compose",
  security: "basic",
  pricing: "cloud",
  /** Targets count as met at the pessimistic end of the prediction's error band. */
  targetConfidence: "band",
} as const;
