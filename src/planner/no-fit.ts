/**
 * Why no deployment fits, as the one UserError plan prints: limited by the provider's instances, by
 * the engine (one GPU, one node, a release without a multi-node launch, shapes it cannot run), or by
 * --max-gpus and the GPUs allowed; each with the hint that leads somewhere.
 */
import type { PlanSpec } from "../contract/plan.js";
import type { DeviceEntry } from "../catalog/types.js";
import { ENGINE_NAMES, engineModule, engineModules } from "../engines/index.js";
import type { EngineModule } from "../engines/types.js";
import { UserError } from "../errors.js";
import { GPUS_PER_NODE } from "../sizing/size.js";
import { instanceLimitError } from "./devices.js";

export interface NoFit {
  modelId: string;
  spec: PlanSpec;
  engine: EngineModule;
  devices: readonly DeviceEntry[];
  /** GPU id -> the most GPUs one instance of the provider holds, for GPUs that limit. */
  instanceLimits: Map<string, number>;
  /** Why the engine could not run some shapes (splitProblem). */
  engineLimits: Set<string>;
  /** The largest GPU count that was sized (0: none). */
  largestSized: number;
  supportNotes: string[];
}

export function noFitError(a: NoFit): UserError {
  const { spec, engine, devices, instanceLimits, engineLimits, largestSized } = a;
  const smaller = ["int4", "awq", "gptq", "q4_k_m"].some((p) => spec.precisions.includes(p));
  if (instanceLimits.size) return instanceLimitError(a.modelId, spec, instanceLimits, smaller);
  const on = spec.gpus.length ? spec.gpus.join(", ") : devices.map((d) => d.id).join(", ");
  // A release without a multi-node launch kept every shape to one node: say so, and which release has it.
  const oneNode =
    spec.maxGpus > GPUS_PER_NODE ? (engine.multiNodeProblem?.(spec.engineVersion) ?? null) : null;
  // An engine capped below --max-gpus (Ollama: one GPU) says so, with why.
  const cap = engine.parallel.maxGpus;
  const capped = cap !== null && cap < spec.maxGpus ? (engine.parallel.maxGpusReason ?? null) : null;
  if (capped) {
    // An engine of the same file format that splits layers over GPUs (llama.cpp for GGUF).
    const splitter = engineModules().find(
      (e) => e.checkpointFormat === engine.checkpointFormat && e.parallel.layersInNode && e !== engine,
    );
    return new UserError(
      `${a.modelId} does not fit on ${cap === 1 ? "one" : cap} of ${on} at max model len ${spec.maxModelLen}: ${capped}`,
      `choose a GPU with more memory, a smaller --precision or --max-model-len` +
        (splitter ? `, or --engine ${splitter.name} (it splits layers over GPUs)` : ""),
    );
  }
  if (!oneNode && engineLimits.size && largestSized > 0 && largestSized < spec.maxGpus) {
    return new UserError(
      `${a.modelId} does not fit on ${largestSized} or fewer of ${on} at max model len ${spec.maxModelLen}, ` +
        `the most ${engine.label} can use: ${[...engineLimits].join("; ")}`,
      `choose an engine that runs on several nodes (${ENGINE_NAMES.filter(
        (n) => engineModule(n).parallel.multiNode !== null,
      )
        .map((n) => `--engine ${n}`)
        .join(", ")}), bigger GPUs, or lower --max-model-len`,
      1,
      "engine",
    );
  }
  return new UserError(
    `${a.modelId} does not fit on ${oneNode ? `one node of ${GPUS_PER_NODE}` : `${spec.maxGpus} or fewer`} of ${on} at max model len ${spec.maxModelLen}` +
      (oneNode ? `: ${oneNode}` : ""),
    (oneNode
      ? `use a release with a multi-node launch (--engine-version ${engine.versions.default}), `
      : "") +
      `${oneNode ? "" : "raise --max-gpus, "}${smaller ? "" : "allow a smaller precision (--precision int4), "}choose bigger GPUs, or lower --max-model-len` +
      (a.supportNotes.length ? ` (${a.supportNotes.join("; ")})` : ""),
  );
}
