/**
 * The bytes of a resolved checkpoint as it is stored: a published checkpoint is sized through the
 * quantization_config path every checkpoint takes (src/models/hfconfig.ts parses it into
 * arch.quantization, checkpointPrecision gives the format with its group size, zero points, act-order
 * and skipped modules), on the model's own config.json with the checkpoint's differences applied.
 * Pure.
 */
import { models } from "../catalog/index.js";
import type { CheckpointRecord } from "../contract/plan.js";
import { UserError } from "../errors.js";
import { parseHfConfig } from "../models/hfconfig.js";
import { prepareModel, type ServedPrecision, servePrecision, type SizingModel } from "../sizing/size.js";
import type { CheckpointEntry } from "./catalog.js";
import {
  type CheckpointRequest,
  checkpointRecord,
  isRefusal,
  type ResolvedCheckpoint,
  resolveCheckpoint,
} from "./resolve.js";

/** A published checkpoint's config.json: the model's, its overrides, and its quantization_config. */
export function entryConfig(e: CheckpointEntry): Record<string, unknown> {
  const model = models.find((m) => m.id === e.model);
  if (!model) throw new Error(`data/checkpoints.json: ${e.repo} names unknown model ${e.model}`);
  return { ...model.config, ...(e.configOverrides ?? {}), quantization_config: e.quantizationConfig };
}

export interface CheckpointSizing {
  model: SizingModel;
  served: ServedPrecision;
}

/** A published safetensors checkpoint as stored: its architecture, and its own precision on it. */
export function entrySizing(e: CheckpointEntry, cache?: Map<string, SizingModel>): CheckpointSizing {
  let m = cache?.get(e.repo);
  if (!m) {
    m = prepareModel(parseHfConfig(entryConfig(e), `${e.repo} config.json`));
    cache?.set(e.repo, m);
  }
  return { model: m, served: servePrecision(m, undefined, e.repo) };
}

/**
 * What to size for a resolution: the base model (its own precision, an in-flight one, or a GGUF
 * type by llama.cpp's rules), or the published checkpoint's own architecture. `cache` keeps one
 * sizing model per published repository across calls.
 */
export function checkpointSizing(
  base: SizingModel,
  r: ResolvedCheckpoint,
  modelLabel: string,
  cache?: Map<string, SizingModel>,
): CheckpointSizing {
  if (r.entry) return entrySizing(r.entry, cache);
  return {
    model: base,
    served: servePrecision(base, r.sizeAs === "auto" ? undefined : r.sizeAs, modelLabel),
  };
}

/** A resolved checkpoint as reports show it: the plan's record, the model argument and the flag. */
export type CheckpointReport = CheckpointRecord & { modelRef: string; quantization: string | null };

/**
 * What `estimate` sizes: the checkpoint the engine would load for the request, as stored; when none
 * is offered, the requested format sized from the architecture, with a note saying so and why.
 * Throws what servePrecision throws for a precision that cannot be sized at all.
 */
export function sizeForEstimate(
  base: SizingModel,
  req: CheckpointRequest,
): CheckpointSizing & { checkpoint: CheckpointReport | null; note: string | null } {
  const r = resolveCheckpoint(req);
  if (!isRefusal(r))
    return {
      ...checkpointSizing(base, r, req.modelLabel),
      checkpoint: { ...checkpointRecord(r), modelRef: r.modelRef, quantization: r.quantization },
      note: null,
    };
  // A GGUF engine that cannot serve the model as asked: the resolver's refusal names the way out (a
  // GGUF type that is offered, or the engine of the model's own checkpoint); servePrecision's would
  // send the user back to the precision the engine just refused.
  if (req.engine.checkpointFormat === "gguf" && base.arch.quantization)
    throw new UserError(r.reason, r.hint, 1, "precision");
  const served = servePrecision(base, req.precision === "auto" ? undefined : req.precision, req.modelLabel);
  return {
    model: base,
    served,
    checkpoint: null,
    note: `no checkpoint to load: ${r.reason}; sized as ${served.precision.label} from the architecture (${r.hint})`,
  };
}
