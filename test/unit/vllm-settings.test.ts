// vLLM's scheduler settings as vLLM combines the user's flags with its defaults, and what it refuses
// at start-up (src/engines/vllm-profile.ts vllmSettings).
import { describe, expect, it } from "vitest";
import { findGpu } from "../../src/catalog/index.js";
import { engineModule } from "../../src/engines/index.js";
import { UserError } from "../../src/errors.js";

const vllm = engineModule("vllm");
const h100 = findGpu("h100");

describe("vLLM's scheduler settings", () => {
  it("refuses fewer batched tokens than sequences, as vLLM's SchedulerConfig does at start-up", () => {
    // vllm/config/scheduler.py: "max_num_batched_tokens (...) must be greater than or equal to
    // max_num_seqs (...)": 64 tokens cannot hold a step of 256 sequences.
    const go = () => vllm.settings(h100, { maxNumBatchedTokens: 64, maxNumSeqs: 256 });
    expect(go).toThrow(UserError);
    expect(go).toThrow("--max-num-batched-tokens 64 is less than --max-num-seqs 256");
    try {
      go();
    } catch (e) {
      expect((e as UserError).hint).toMatch(/at least 256/);
      expect((e as UserError).field).toBe("maxNumBatchedTokens");
    }
    // Equal is allowed (the check is <).
    expect(vllm.settings(h100, { maxNumBatchedTokens: 256, maxNumSeqs: 256 }).maxNumSeqs).toBe(256);
  });

  it("a default max_num_seqs is capped at the user's max_num_batched_tokens from V1 on, not in V0", () => {
    // arg_utils.py (V1): max_num_seqs = min(default_max_num_seqs, max_num_batched_tokens); the H100
    // default is 1024 sequences for `vllm serve`, so 64 tokens run 64 sequences at most.
    const v1 = vllm.settings(h100, { maxNumBatchedTokens: 64 });
    expect(v1).toMatchObject({ maxNumBatchedTokens: 64, maxNumSeqs: 64 });
    expect(vllm.settings(h100, {}).maxNumSeqs).toBe(1024);
    // V0 (0.6): max_num_seqs defaults to 256 whatever the tokens, and 64 < 256 stops vLLM.
    expect(() => vllm.settings(h100, { maxNumBatchedTokens: 64, engineVersion: "0.6.0" })).toThrow(
      "--max-num-batched-tokens 64 is less than max-num-seqs 256 (vLLM 0.6.0's default)",
    );
  });
});
