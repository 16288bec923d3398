/**
 * The context a deployment must hold: the default max model len, and what to say when a request does
 * not fit the model's context. Pure.
 */
import type { LongContext } from "../catalog/types.js";
import { DEFAULTS } from "../defaults.js";
import { UserError } from "../errors.js";

/**
 * vLLM's KV cache block on CUDA is 16 tokens (cache config default block_size 16; src/engines/vllm.ts
 * VLLM.blockSize): a default max model len is rounded up to whole blocks.
 */
export const CONTEXT_BLOCK_TOKENS = 16;

/**
 * The max model len when none is given: the larger of 8192 (DEFAULTS.maxModelLenCap) and one
 * request's input + output tokens rounded up to a block of 16, never beyond the model's context.
 * E.g. 20000 in + 2000 out on Llama 3.1 8B (context 131072): 22000 rounds up to 22000 (1375 × 16);
 * 1024 + 256 gives 8192; 30000 + 4000 on a 32768-token model gives 32768 (and `contextProblem` says
 * the request does not fit).
 */
export function defaultMaxModelLen(context: number, inputTokens: number, outputTokens: number): number {
  const need = Math.ceil((inputTokens + outputTokens) / CONTEXT_BLOCK_TOKENS) * CONTEXT_BLOCK_TOKENS;
  return Math.min(context, Math.max(DEFAULTS.maxModelLenCap, need));
}

/** The hint naming a model's published way to a longer context, or null when it has none. */
export function longContextHint(modelName: string, lc: LongContext | undefined): string | null {
  if (!lc) return null;
  return (
    `${modelName} reaches ${lc.tokens} tokens with ${lc.method}: ${lc.howTo} (${lc.source.url}); ` +
    "llmdeploy plans the context the config declares, so plan with the edited config.json (a local folder)"
  );
}

/**
 * A UserError when one request (input + output tokens) or the asked max model len exceeds the model's
 * context; null when both fit. The hint names the model's RoPE-scaling option when it has one.
 */
export function contextProblem(
  m: { id: string; name: string; context: number; longContext?: LongContext | undefined },
  maxModelLen: number,
  inputTokens: number,
  outputTokens: number,
): UserError | null {
  const need = inputTokens + outputTokens;
  const long = longContextHint(m.name, m.longContext);
  if (need > m.context) {
    return new UserError(
      `a request of ${inputTokens} input + ${outputTokens} output tokens (${need}) exceeds ${m.id}'s context of ${m.context} tokens`,
      long ?? "shorten the prompts (--input-tokens, --output-tokens) or choose a model with a longer context",
      1,
      "inputTokens",
    );
  }
  if (maxModelLen > m.context) {
    return new UserError(
      `max model len ${maxModelLen} exceeds ${m.id}'s context of ${m.context} tokens`,
      long ?? `use --max-model-len ${m.context} or less`,
      1,
      "maxModelLen",
    );
  }
  return null;
}
