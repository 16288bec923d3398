/**
 * Checkpoint resolution: for a model, a requested precision and an engine, the exact checkpoint the
 * engine will load and how, or why that precision is not offered. Pure: data in, data out.
 *
 *   1. the base checkpoint's own precision (the model's, or the user's --model-ref): loaded as it is;
 *   2. a published pre-quantized checkpoint of the model (data/checkpoints.json) in a format the engine
 *      loads, in the order of ACCEPTS (int4: AWQ, then GPTQ, then compressed-tensors W4A16); GGUF types
 *      from a single-file GGUF (and, for Ollama, a library tag whose quantization is confirmed);
 *   3. in-flight quantization of a 16-bit base where the engine offers it (the engine module's
 *      checkpoints.inFlight), sized as the engine holds it;
 *   4. otherwise a refusal naming what is missing, with --model-ref as the way out.
 * It never falls back to the 16-bit repository for another precision.
 */
import { repoGated } from "../catalog/index.js";
import type { CheckpointRecord } from "../contract/plan.js";
import { engineForFormat } from "../engines/index.js";
import type { EngineModule } from "../engines/types.js";
import { UserError } from "../errors.js";
import type { ModelArch } from "../models/arch.js";
import type { CheckpointSummary } from "../models/checkpoint.js";
import { parseQuantization } from "../models/hfconfig.js";
import { checkpointPrecision, lookupPrecision, type Precision, precisionOfQuant } from "../sizing/weights.js";
import { checkpointsOf, type CheckpointEntry, ollamaTagsOf } from "./catalog.js";

export type CheckpointSource = CheckpointRecord["source"];

/** A resolved checkpoint: the plan's CheckpointRecord plus what sizing it needs. */
export interface ResolvedCheckpoint extends CheckpointRecord {
  /** The engine's model argument: a Hub id, a local path, or an Ollama tag. */
  modelRef: string;
  /** The engine's quantization flag value (in flight), or null when it reads the checkpoint's own. */
  quantization: string | null;
  /**
   * How to size it on the sizing model (sizing.ts): "auto" for a checkpoint's own precision, else the
   * precision id the engine holds (an in-flight precision, a GGUF type).
   */
  sizeAs: string;
  /** The catalog entry whose quantization_config is applied to the model's config.json, or null. */
  entry: CheckpointEntry | null;
}

export interface CheckpointRefusal {
  refused: true;
  reason: string;
  hint: string;
}

/** The checkpoint a plan starts from: the model's own, or the user's --model-ref. */
export interface BaseCheckpoint {
  source: "model" | "user";
  /** Hub id or local path. */
  ref: string;
  local: boolean;
  fileFormat: "safetensors" | "gguf";
  /** Its own precision: its quantization_config's, its torch_dtype's, or the GGUF file's type. */
  precision: Precision;
  /** GGUF files: the file type ("Q4_K_M"), when the header says it. */
  ggufType: string | null;
  quantized: boolean;
  /** Its files were read (safetensors headers, GGUF): the precision label says what they hold. */
  read: boolean;
  /** Where it is published (a Hub URL) or read from. */
  url: string | null;
}

/** The base checkpoint of a model argument (catalog, Hub, local folder or GGUF file). */
export function baseCheckpoint(
  source: "model" | "user",
  ref: string,
  arch: ModelArch,
  checkpoint: CheckpointSummary | null | undefined,
): BaseCheckpoint {
  const local = ref.startsWith("/");
  const gguf = checkpoint?.format === "gguf";
  const own = checkpointPrecision(arch);
  return {
    source,
    ref,
    local,
    fileFormat: gguf ? "gguf" : "safetensors",
    precision: gguf ? { id: "gguf", label: checkpoint.label, format: own.format } : own,
    ggufType: gguf ? (checkpoint.quantization ?? null) : null,
    quantized: gguf || arch.quantization !== null,
    read: Boolean(checkpoint),
    url: local ? null : `https://huggingface.co/${ref.replace(/@.*$/, "")}`,
  };
}

/**
 * The checkpoint precisions a requested precision accepts, in the order they are preferred. A
 * request that names a family (int4, fp8) takes any of its formats; one that names a format takes it.
 */
const ACCEPTS: Record<string, readonly string[]> = {
  int4: ["awq", "gptq", "w4a16"],
  awq: ["awq"],
  gptq: ["gptq"],
  w4a16: ["w4a16"],
  "gptq-int8": ["gptq-int8"],
  int8: ["int8"],
  "bnb-int8": ["bnb-int8"],
  fp8: ["fp8", "fp8-channel", "fp8-block"],
  "fp8-channel": ["fp8-channel"],
  "fp8-block": ["fp8-block"],
  nf4: ["nf4"],
  mxfp4: ["mxfp4"],
  bf16: ["bf16", "fp16"],
  fp16: ["fp16", "bf16"],
  fp32: ["fp32"],
};

/** How people name a checkpoint precision in a sentence. */
const FORMAT_NAMES: Record<string, string> = {
  awq: "AWQ",
  gptq: "GPTQ",
  w4a16: "W4A16",
  "gptq-int8": "GPTQ int8",
  int8: "W8A8 int8",
  "bnb-int8": "bitsandbytes int8",
  fp8: "FP8",
  "fp8-channel": "FP8",
  "fp8-block": "FP8",
  nf4: "bitsandbytes NF4",
  mxfp4: "MXFP4",
  bf16: "BF16",
  fp16: "FP16",
  fp32: "FP32",
};

const describe = (ids: readonly string[]): string =>
  [...new Set(ids.map((i) => FORMAT_NAMES[i] ?? i.toUpperCase()))].join("/");

/** The precision a catalog entry's quantization_config describes. */
export function entryPrecision(e: CheckpointEntry): Precision {
  const q = parseQuantization(e.quantizationConfig, `${e.repo} quantization_config`);
  if (!q) throw new Error(`${e.repo} has no quantization_config`);
  return precisionOfQuant(q);
}

export interface CheckpointRequest {
  /** Catalog model id (the key of data/checkpoints.json), for published checkpoints. */
  modelId: string;
  /** How to name the model in sentences. */
  modelLabel: string;
  base: BaseCheckpoint;
  /** As --precision takes it, or "auto" (the base's own). */
  precision: string;
  engine: EngineModule;
  /** Published checkpoints to choose from (default: the catalog's for modelId; none with --model-ref). */
  entries?: readonly CheckpointEntry[];
}

const refuse = (reason: string, hint: string): CheckpointRefusal => ({ refused: true, reason, hint });

export const isRefusal = (r: ResolvedCheckpoint | CheckpointRefusal): r is CheckpointRefusal =>
  "refused" in r;

/**
 * The GGUF types (upper case, "Q4_K_M") a GGUF engine can serve a catalog model as: published
 * single-file GGUFs in data/checkpoints.json, and Ollama library tags where the engine takes them.
 */
export function offeredGgufTypes(modelId: string, engine: EngineModule): string[] {
  const types = new Set<string>();
  if (engine.checkpoints.gguf?.libraryTags) for (const t of ollamaTagsOf(modelId)) types.add(t.quant);
  for (const e of checkpointsOf(modelId))
    if (e.format === "gguf") for (const f of e.files ?? []) if (f.file) types.add(f.quant);
  return [...types];
}

/**
 * The hint of a refusal where a GGUF engine cannot serve a catalog model as asked (its own checkpoint
 * is not GGUF, or no single-file GGUF of the asked type is published): a GGUF type that is offered, or
 * else the engine that serves the model's own checkpoint (engineForFormat: vLLM), or a local GGUF file.
 * Never the type or the engine just refused, so following it does not lead back here.
 */
export function ggufRefusalHint(
  modelId: string,
  modelLabel: string,
  engine: EngineModule,
  refusedType: string | null,
): string {
  const offered = offeredGgufTypes(modelId, engine).filter((q) => q !== refusedType?.toUpperCase());
  if (offered.length)
    return `use ${offered.map((q) => `--precision ${q.toLowerCase()}`).join(" or ")} (published for ${engine.label})`;
  const file = `/path/to/${modelLabel.replace(/[^\w.-]+/g, "-")}-${(refusedType ?? "Q4_K_M").toUpperCase()}.gguf`;
  return (
    `use --engine ${engineForFormat("safetensors").name}${refusedType ? " and leave out --precision" : ""}, which serves ` +
    `${modelLabel}'s own checkpoint (llmdeploy's catalog has no single-file GGUF of it), or pass --model-ref ${file} (a local GGUF file)`
  );
}

function fromBase(
  req: CheckpointRequest,
  extra: Partial<ResolvedCheckpoint> & { sizeAs: string; label: string },
): ResolvedCheckpoint {
  const b = req.base;
  return {
    source: b.source,
    modelRef: b.ref,
    repo: b.local ? null : b.ref,
    localPath: b.local ? b.ref : null,
    file: null,
    format: b.fileFormat === "gguf" ? "gguf" : b.precision.id,
    config: b.read && b.quantized ? "files" : null,
    url: b.url,
    quantization: null,
    entry: null,
    ...extra,
  };
}

/**
 * The checkpoint the engine loads for this precision, or a refusal with the reason and a hint.
 * Throws a UserError only for a precision llmdeploy does not know (field "precision").
 */
export function resolveCheckpoint(req: CheckpointRequest): ResolvedCheckpoint | CheckpointRefusal {
  const { base, engine } = req;
  const wantGguf = engine.checkpointFormat === "gguf";
  const auto = req.precision === "auto";
  const want = auto ? base.precision : lookupPrecision(req.precision);
  const isGgufType = want.format.kind === "gguf" && want.id !== "gguf";
  const baseName = base.source === "user" ? `${base.ref} (--model-ref)` : req.modelLabel;

  // A GGUF type on an engine that loads Hugging Face checkpoints, or the reverse.
  if (isGgufType && !wantGguf)
    return refuse(
      `${want.id} is a GGUF type: only llama.cpp and Ollama serve it`,
      "use --engine llamacpp (or ollama) for GGUF types, or bf16 / fp8 / int4 with this engine",
    );
  if (base.fileFormat === "gguf" && !wantGguf)
    return refuse(
      `${baseName} is a GGUF file: ${engine.label} loads Hugging Face checkpoints`,
      "use --engine llamacpp (or ollama), or point --model at the model's Hugging Face checkpoint",
    );

  // 1. The base's own precision.
  const accepts = auto ? [base.precision.id] : (ACCEPTS[want.id] ?? [want.id]);
  if (base.fileFormat === "gguf") {
    const type = base.ggufType?.toLowerCase() ?? null;
    if (auto || type === want.id)
      return fromBase(req, {
        sizeAs: "auto",
        label: `${base.precision.label} (${base.ref})`,
        config: "files",
      });
    return refuse(
      `${baseName} is a GGUF ${base.ggufType ?? "file"}; it cannot be served as ${want.label}`,
      "leave out --precision to serve the file as it is, or pass the GGUF file of that type",
    );
  }
  if (!wantGguf && (auto || accepts.includes(base.precision.id)))
    return fromBase(req, {
      sizeAs: "auto",
      label: `${base.precision.label} (${base.ref}${base.source === "model" ? ", the model's own checkpoint" : ""})`,
    });
  if (wantGguf && auto)
    return refuse(
      `${engine.label} serves GGUF files; ${baseName}'s own checkpoint (${base.precision.label}) is not one`,
      base.source === "model"
        ? ggufRefusalHint(req.modelId, req.modelLabel, engine, null)
        : "use a GGUF type such as --precision q4_k_m",
    );

  // 2. A published checkpoint the engine loads.
  const entries = req.entries ?? (base.source === "model" ? checkpointsOf(req.modelId) : []);
  if (wantGguf) {
    const quant = want.id.toUpperCase();
    if (engine.checkpoints.gguf?.libraryTags && base.source === "model") {
      const tag = ollamaTagsOf(req.modelId).find((t) => t.quant === quant);
      if (tag)
        return {
          source: "catalog",
          modelRef: tag.tag,
          repo: null,
          localPath: null,
          file: null,
          format: "gguf",
          label: `${want.label} (Ollama library tag ${tag.tag})`,
          config: null,
          url: tag.url,
          quantization: null,
          sizeAs: want.id,
          entry: null,
        };
    }
    let split: string | null = null;
    for (const e of entries) {
      if (e.format !== "gguf" || !engine.checkpoints.loads.includes("gguf")) continue;
      const f = e.files?.find((x) => x.quant === quant);
      if (!f) continue;
      if (!f.file) {
        split ??= `${e.repo} (${f.parts?.length ?? 0} parts)`;
        continue;
      }
      const ref = engine.checkpoints.gguf!.ref({ repo: e.repo, file: f.file, quant });
      return {
        source: "catalog",
        modelRef: ref.modelRef,
        repo: e.repo,
        localPath: null,
        file: ref.file ?? f.file,
        format: "gguf",
        label: `${want.label} (${e.repo}/${f.file})`,
        config: null,
        url: e.url,
        quantization: null,
        sizeAs: want.id,
        entry: null,
      };
    }
    return refuse(
      `${want.id} is not offered for ${req.modelLabel} with ${engine.label}: ` +
        (split
          ? `the only published ${quant} GGUF is split in parts (${split}), which llmdeploy does not render`
          : `no published single-file GGUF ${quant} in llmdeploy's catalog`),
      base.source === "model"
        ? ggufRefusalHint(req.modelId, req.modelLabel, engine, quant)
        : `pass --model-ref /path/to/${req.modelLabel.replace(/[^\w.-]+/g, "-")}-${quant}.gguf (a local GGUF file), or another GGUF type`,
    );
  }
  const unloadable: string[] = [];
  for (const id of accepts) {
    for (const e of entries) {
      if (e.format === "gguf") continue;
      const p = entryPrecision(e);
      if (p.id !== id) continue;
      if (!engine.checkpoints.loads.includes(e.format)) {
        unloadable.push(`${e.repo} (${FORMAT_NAMES[p.id] ?? p.id})`);
        continue;
      }
      const basis = e.quantizationConfigSource?.basis ?? null;
      return {
        source: "catalog",
        modelRef: e.repo,
        repo: e.repo,
        localPath: null,
        file: null,
        format: e.format,
        label: `${p.label} (${e.repo}, quantization_config ${basis === "verbatim" ? "as published" : "assumed: the producer's documented settings"})`,
        config: basis,
        url: e.url,
        quantization: null,
        sizeAs: "auto",
        entry: e,
      };
    }
  }

  // 3. In flight, from a 16-bit base.
  const flag = engine.checkpoints.inFlight[want.id];
  if (flag !== undefined && !base.quantized)
    return fromBase(req, {
      source: "in-flight",
      format: want.id,
      quantization: flag,
      sizeAs: want.id,
      label: `${want.label}, quantized by ${engine.label} while loading ${base.ref}`,
      config: null,
    });

  // 4. Not offered.
  if (base.quantized)
    return refuse(
      `${baseName} is stored as ${base.precision.label}; it cannot be served as ${want.label}` +
        (base.source === "model"
          ? ` and llmdeploy's catalog has no published ${describe(accepts)} checkpoint of it`
          : ""),
      "leave out --precision to use the checkpoint as it is, or pass --model-ref ORG/NAME with a checkpoint in that precision",
    );
  const formats = describe(accepts);
  const published =
    base.source === "user"
      ? ""
      : unloadable.length
        ? `llmdeploy's catalog has ${unloadable.join(", ")}, which ${engine.label} does not load, `
        : `no published ${formats} checkpoint in llmdeploy's catalog `;
  return refuse(
    `${want.id} is not offered for ${baseName} with ${engine.label}: ${published}and ${engine.label} has no in-flight ${want.id}`,
    `pass --model-ref ORG/NAME (a checkpoint of ${req.modelLabel} in ${formats}) or a local folder, or choose another --precision or --engine`,
  );
}

/** The record a plan keeps of a resolved checkpoint. */
export function checkpointRecord(r: ResolvedCheckpoint): CheckpointRecord {
  return {
    source: r.source,
    repo: r.repo,
    localPath: r.localPath,
    file: r.file,
    format: r.format,
    label: r.label,
    config: r.config,
    url: r.url,
    gated: repoGated(r.repo),
  };
}

/** A refusal as the UserError the CLI prints (field "precision"). */
export const refusalError = (r: CheckpointRefusal): UserError =>
  new UserError(r.reason, r.hint, 1, "precision");
