/**
 * The shape of data/checkpoints.json: published pre-quantized checkpoints of catalog models and the
 * Ollama library tags whose quantization is confirmed. Every entry names its source (url + quote)
 * and, for safetensors checkpoints, the quantization_config llmdeploy sizes it with and where that
 * config comes from (read verbatim, or the producing tool's documented settings, "assumed").
 * test/unit/checkpoints.test.ts parses the file with this schema; the loader (catalog.ts) trusts it.
 */
import * as z from "zod/mini";

const text = z.string().check(z.minLength(1));
/** A Hugging Face repository id: org/name. */
const repoId = z.string().check(z.regex(/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/, "must be a Hub id org/name"));
const url = z.string().check(z.regex(/^https:\/\//, "must be an https URL"));
/** GGUF file types llmdeploy sizes (src/sizing/weights.ts GgufFtype). */
export const GGUF_QUANTS = ["Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q4_0"] as const;
/** Formats of published checkpoints; each engine module lists those it loads. */
export const CHECKPOINT_FORMATS = ["awq", "gptq", "w4a16", "w8a8", "fp8", "bnb-nf4", "gguf"] as const;
export type CheckpointFormat = (typeof CHECKPOINT_FORMATS)[number];

const configSource = z.strictObject({
  basis: z.enum(["verbatim", "assumed"]),
  url,
  quote: text,
  note: z.optional(text),
});

const ggufFile = z.strictObject({
  quant: z.enum(GGUF_QUANTS),
  /** A single-file GGUF (what llmdeploy renders), or ... */
  file: z.optional(z.string().check(z.regex(/^[^/\s][^\s]*\.gguf$/, "must be a .gguf file name"))),
  /** ... the parts of a split one (listed for completeness; not rendered). */
  parts: z.optional(z.array(text).check(z.minLength(2))),
  size: z.optional(text),
  sha256: z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
});

export const checkpointEntrySchema = z.strictObject({
  /** Catalog model id (llmdeploy models). */
  model: text,
  format: z.enum(CHECKPOINT_FORMATS),
  repo: repoId,
  /** Where the repository is named, and the words that name it. */
  url,
  quote: text,
  /** safetensors formats: config.json's quantization_config as llmdeploy sizes it. */
  quantizationConfig: z.optional(z.record(z.string(), z.unknown())),
  quantizationConfigSource: z.optional(configSource),
  /** config.json fields in which the checkpoint differs from the model's (source: configOverridesSources). */
  configOverrides: z.optional(z.record(z.string(), z.number())),
  /** GGUF: the files of the repository by quantization type. */
  files: z.optional(z.array(ggufFile).check(z.minLength(1))),
  notes: z.optional(text),
});
export type CheckpointEntry = z.infer<typeof checkpointEntrySchema>;

export const ollamaTagSchema = z.strictObject({
  model: text,
  quant: z.enum(GGUF_QUANTS),
  tag: z.string().check(z.regex(/^[a-z0-9][\w.-]*:[\w.-]+$/, "must be an Ollama tag name:tag")),
  url,
  quote: text,
  note: z.optional(text),
});
export type OllamaTag = z.infer<typeof ollamaTagSchema>;

export const checkpointCatalogSchema = z.strictObject({
  $comment: text,
  researched: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  configOverridesSources: z.record(z.string(), z.strictObject({ url, quote: text })),
  checkpoints: z.array(checkpointEntrySchema),
  ollama: z.array(ollamaTagSchema),
});
export type CheckpointCatalog = z.infer<typeof checkpointCatalogSchema>;

/**
 * Problems the schema cannot state: a safetensors entry carries a quantization_config and its
 * source, a GGUF entry carries files (each a file or parts), repositories are not repeated, and
 * overrides name their source. Returns one sentence per problem (empty when the catalog is sound).
 */
export function catalogProblems(c: CheckpointCatalog): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const e of c.checkpoints) {
    if (seen.has(e.repo)) out.push(`${e.repo} is listed twice`);
    seen.add(e.repo);
    if (e.format === "gguf") {
      if (!e.files) out.push(`${e.repo}: a GGUF entry needs files`);
      if (e.quantizationConfig) out.push(`${e.repo}: a GGUF entry has no quantization_config`);
      for (const f of e.files ?? [])
        if (Boolean(f.file) === Boolean(f.parts)) out.push(`${e.repo}: ${f.quant} needs a file or parts`);
    } else {
      if (!e.quantizationConfig || !e.quantizationConfigSource)
        out.push(`${e.repo}: a ${e.format} entry needs quantizationConfig and its source`);
      if (e.files) out.push(`${e.repo}: only GGUF entries have files`);
    }
    if (e.configOverrides && !Object.keys(c.configOverridesSources).some((k) => e.repo.startsWith(k)))
      out.push(`${e.repo}: configOverrides without a source in configOverridesSources`);
  }
  return out;
}
