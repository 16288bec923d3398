/**
 * The checkpoint catalog (data/checkpoints.json), typed. The JSON is bundled with the CLI and
 * trusted here: test/unit/checkpoints.test.ts validates it with the schema (schema.ts), so nothing
 * is parsed at start-up.
 */
import data from "../../data/checkpoints.json" with { type: "json" };
import type { CheckpointCatalog, CheckpointEntry, OllamaTag } from "./schema.js";

export type { CheckpointEntry, CheckpointFormat, OllamaTag } from "./schema.js";

/** The whole catalog as the JSON holds it. */
export const checkpointCatalog = data as unknown as CheckpointCatalog;

/** Published checkpoints of a catalog model, in the catalog's order. */
export function checkpointsOf(modelId: string): CheckpointEntry[] {
  return checkpointCatalog.checkpoints.filter((e) => e.model === modelId);
}

/** The catalog entry of a Hub repository (case-insensitive, as the Hub resolves ids), or null. */
export function checkpointByRepo(repo: string): CheckpointEntry | null {
  const q = repo.toLowerCase();
  return checkpointCatalog.checkpoints.find((e) => e.repo.toLowerCase() === q) ?? null;
}

/** Ollama library tags of a model whose quantization is confirmed. */
export function ollamaTagsOf(modelId: string): OllamaTag[] {
  return checkpointCatalog.ollama.filter((t) => t.model === modelId);
}

/** The catalog's record of an Ollama library tag, or null. */
export function ollamaTag(tag: string): OllamaTag | null {
  return checkpointCatalog.ollama.find((t) => t.tag === tag) ?? null;
}
