/**
 * The planner: from a spec (model, workload, targets, constraints) to the cheapest deployment that
 * meets every target. Pure: data in, a Plan out. Its steps, each in its own module and tested alone:
 *
 *   precisions     which of the allowed precisions the engine can serve for this model (this file)
 *   shapes         GPUs per replica × TP/PP splits (shapes.ts)
 *   sizing         memory and performance of each placement (src/sizing/size.ts, the engine's module)
 *   evaluate       targets, cost, host needs; the fewest replicas that meet the targets (evaluate.ts)
 *   rank           the cheapest success and the Pareto set of the rest (rank.ts)
 *
 * For each GPU type, a shape whose total GPU count already reaches the cheapest success on that type
 * is not tried.
 */
import type { DeviceEntry, LongContext } from "../catalog/types.js";
import type { Plan, PlanSpec } from "../contract/plan.js";
import { engineModule } from "../engines/index.js";
import type { EngineModule } from "../engines/types.js";
import { UserError } from "../errors.js";
import type { ModelArch } from "../models/arch.js";
import type { CheckpointSummary } from "../models/checkpoint.js";
import { parallelismProblem, precisionProblem } from "../sizing/placement.js";
import {
  checkWorkload,
  GPUS_PER_NODE,
  modelWeightsBytes,
  type PlacementRequest,
  prepareModel,
  type ServedPrecision,
  servePrecision,
  sizePlacement,
  type SizingModel,
  splitProblem,
} from "../sizing/size.js";
import { contextProblem } from "../sizing/context.js";
import { checkpointPrecision, mxfp4Backend, weightsBytes } from "../sizing/weights.js";
import { isConsumerGpu, screenDevices, SupportLog } from "./devices.js";
import { type Candidate, type CandidateContext, chooseReplicas } from "./evaluate.js";
import {
  composeHostNote,
  geforceNote,
  instanceNotes,
  loadNote,
  noPriceNote,
  pricingNote,
  withinBandNotes,
} from "./notes.js";
import { gpuPrice } from "./pricing.js";
import { rankCandidates } from "./rank.js";
import { replicaShapes } from "./shapes.js";

export { HOURS_PER_MONTH } from "./pricing.js";
export { hostNeeds } from "./host.js";
export { replicaShapes } from "./shapes.js";

export interface PlanModel {
  id: string;
  name: string;
  hfId: string | null;
  arch: ModelArch;
  /** Exact bytes from the checkpoint's headers (Hub, local safetensors, GGUF), when they were read. */
  checkpoint?: CheckpointSummary | undefined;
  /** What the engine loads: an HF id, a local folder or a GGUF file. */
  ref: string;
  /** The model's published way past its context (named when a request does not fit). */
  longContext?: LongContext | undefined;
}

export interface PlanInput {
  spec: PlanSpec;
  model: PlanModel;
  catalog: readonly DeviceEntry[];
  generatedBy: string;
  /** USD per GPU-hour by GPU id, overriding the catalog (on-prem amortisation, negotiated prices). */
  gpuPrices?: Record<string, number>;
}

/** GeForce and workstation cards: no NVLink between nodes' worth of GPUs, and hosts without RDMA networking. */
export const isWorkstationGpu = isConsumerGpu;

/** The devices a spec allows this engine to use; UserErrors for none or for a CPU host it cannot use. */
export function allowedDevices(
  spec: Pick<PlanSpec, "gpus">,
  engine: EngineModule,
  catalog: readonly DeviceEntry[],
): DeviceEntry[] {
  const cpuCapable = engine.checkpointFormat === "gguf";
  const allowed = spec.gpus.length
    ? catalog.filter((g) => spec.gpus.includes(g.id))
    : catalog.filter((g) => g.kind !== "cpu" || cpuCapable);
  const cpu = allowed.find((g) => g.kind === "cpu");
  if (cpu && !cpuCapable) {
    throw new UserError(
      `${cpu.id} is a CPU host: only llama.cpp and Ollama serve models without a GPU`,
      "add --engine llamacpp (and a GGUF precision such as --precision q4_k_m), or choose GPUs",
      1,
      "gpus",
    );
  }
  if (!allowed.length)
    throw new UserError("no GPU type allowed", "drop --gpu, or name GPUs from llmdeploy gpus", 1, "gpus");
  return allowed;
}

/** The allowed precisions the engine can serve for this model, and a note for each it cannot. */
export function servablePrecisions(
  m: SizingModel,
  spec: Pick<PlanSpec, "precisions" | "engine">,
  engine: EngineModule,
  modelId: string,
): { served: ServedPrecision[]; notes: string[] } {
  const served: ServedPrecision[] = [];
  const notes: string[] = [];
  for (const id of spec.precisions) {
    let s: ServedPrecision;
    try {
      s = servePrecision(m, id, modelId);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      notes.push(`${id}: ${e.message}; skipped`);
      continue;
    }
    const p = s.precision;
    if (s.fileFormat !== engine.checkpointFormat) {
      notes.push(
        s.fileFormat === "gguf"
          ? `${p.id} is a GGUF type: only llama.cpp and Ollama serve it (--engine llamacpp); skipped`
          : `${spec.engine} serves GGUF files; ${p.id} skipped (use q4_k_m, q8_0, ...)`,
      );
      continue;
    }
    const problem = precisionProblem(m.arch, m.tensors, p);
    if (problem) {
      notes.push(`${p.id}: ${problem}; skipped`);
      continue;
    }
    served.push(s);
  }
  if (!served.length) {
    throw new UserError(
      `none of the precisions ${spec.precisions.join(", ")} can serve ${modelId} with ${spec.engine}`,
      engine.checkpointFormat === "gguf"
        ? "use a GGUF type such as --precision q4_k_m"
        : "use bf16, fp8 or int4",
      1,
      "precisions",
    );
  }
  return { served, notes };
}

/**
 * The spec's limits on the model: context and request size (the hint names the model's RoPE-scaling
 * option, when it has one, for a request beyond its context).
 */
export function checkSpecAgainstModel(
  spec: PlanSpec,
  modelId: string,
  arch: ModelArch,
  model: { name?: string; longContext?: LongContext | undefined } = {},
): void {
  const tooLong = contextProblem(
    {
      id: modelId,
      name: model.name ?? modelId,
      context: arch.maxPositionEmbeddings,
      longContext: model.longContext,
    },
    spec.maxModelLen,
    spec.inputTokens,
    spec.outputTokens,
  );
  if (tooLong) throw tooLong;
  checkWorkload(
    {
      inputTokens: spec.inputTokens,
      outputTokens: spec.outputTokens,
      concurrency: spec.concurrency,
      requestRate: spec.requestRate,
    },
    spec.maxModelLen,
  );
}

export function planDeployment(input: PlanInput): Plan {
  const { spec, model, catalog } = input;
  const arch = model.arch;
  const engine = engineModule(spec.engine);
  const sizing = prepareModel(arch, model.checkpoint);
  const screen = screenDevices(allowedDevices(spec, engine, catalog), spec);
  const devices = screen.devices;
  checkSpecAgainstModel(spec, model.id, arch, model);
  const { served: precisions, notes } = servablePrecisions(sizing, spec, engine, model.id);
  notes.push(...screen.notes);
  const support = new SupportLog();
  const ckptPrecision = checkpointPrecision(arch);
  const checkpointBytes = model.checkpoint?.bytes ?? weightsBytes(sizing.tensors, ckptPrecision, sizing.skip);
  const workload = {
    inputTokens: spec.inputTokens,
    outputTokens: spec.outputTokens,
    concurrency: spec.requestRate !== null ? null : (spec.concurrency ?? 1),
    requestRate: spec.requestRate,
  };

  const candidates: Candidate[] = [];
  const shapes = replicaShapes(spec.maxGpus);
  for (const served of precisions) {
    for (const kv of spec.kvCacheDtypes) {
      for (const device of devices) {
        const problem = engine.supportProblem(device, mxfp4Backend(served.precision, device));
        if (problem) {
          support.refuse(device, served.precision.id, problem);
          continue;
        }
        support.accept(device);
        const price = gpuPrice(device, spec, input.gpuPrices);
        // With a provider, a node must fit one of its instance types.
        const largestInstance = price?.offers
          ? Math.max(...price.offers.map((o) => o.gpusPerInstance))
          : Infinity;
        const settings = engine.settings(device, {
          gpuMemoryUtilization: spec.gpuMemoryUtilization,
          concurrency: spec.concurrency,
          requestRate: spec.requestRate,
        });
        const ctx: CandidateContext = {
          spec,
          arch,
          engine,
          device,
          price,
          checkpointBytes,
          quantization:
            served.precision.id.startsWith("fp8") && ckptPrecision.format.kind === "float" ? "fp8" : null,
          modelRef: model.ref,
          // What clients put in "model": the Hugging Face id when there is one.
          servedModelName: model.hfId ?? spec.serviceName,
          precisionId: served.precision.id,
        };
        let cheapestSuccess = Infinity;
        for (const { count, tp, pp } of shapes) {
          if (count >= cheapestSuccess) break;
          if (Math.min(count, GPUS_PER_NODE) > largestInstance) continue;
          if (parallelismProblem(arch, tp, pp, served.precision)) continue;
          if (splitProblem(engine, device, tp, pp)) continue;
          // Several nodes need a datacenter network (RDMA at hundreds of Gb/s per GPU); workstation
          // cards (GeForce) are planned within one machine only.
          if (tp * pp > GPUS_PER_NODE && isWorkstationGpu(device)) continue;
          const req: PlacementRequest = {
            model: sizing,
            served,
            engine,
            device,
            tp,
            pp,
            kvCacheDtype: kv,
            maxModelLen: spec.maxModelLen,
            settings,
            workload,
          };
          const sized = sizePlacement({ ...req, workload: undefined });
          if (!sized.memory.fits) continue;
          const best = chooseReplicas(ctx, req, sized, cheapestSuccess);
          if (!best) continue;
          candidates.push(best);
          if (best.d.meetsTargets) cheapestSuccess = best.d.gpuCount * best.d.replicas;
        }
      }
    }
  }

  notes.push(...support.notes());
  if (!candidates.length) {
    if (support.refusedAll(devices)) {
      throw new UserError(
        `no allowed GPU can serve ${model.id} as ${spec.precisions.join(", ")} with ${engine.label}: ${support.allReasons().join("; ")}`,
        "choose another GPU (--gpu l40s, --gpu h100) or precision, or another --engine",
        1,
        "gpus",
      );
    }
    const smaller = ["int4", "awq", "gptq", "q4_k_m"].some((p) => spec.precisions.includes(p));
    throw new UserError(
      `${model.id} does not fit on ${spec.maxGpus} or fewer of ${spec.gpus.length ? spec.gpus.join(", ") : devices.map((d) => d.id).join(", ")} at max model len ${spec.maxModelLen}`,
      `raise --max-gpus, ${smaller ? "" : "allow a smaller precision (--precision int4), "}choose bigger GPUs, or lower --max-model-len` +
        (support.notes().length ? ` (${support.notes().join("; ")})` : ""),
    );
  }
  const ranked = rankCandidates(candidates, spec, model.name);
  notes.push(...ranked.notes);
  const rec = ranked.recommendation.d;
  const shown = [rec, ...ranked.alternatives.map((c) => c.d)];
  const unpriced = devices.filter((g) => support.served(g) && !gpuPrice(g, spec, input.gpuPrices));
  for (const n of [
    pricingNote(spec),
    noPriceNote(unpriced, spec),
    ...instanceNotes(rec),
    geforceNote(shown, catalog),
    composeHostNote(rec, spec),
    loadNote(rec, spec),
    ...withinBandNotes(rec),
  ])
    if (n) notes.push(n);
  if (rec.engine.dtype === "half") {
    notes.push(
      `${rec.gpuName} has no bfloat16: the engine runs this bfloat16 checkpoint in float16 (--dtype half); ` +
        "models trained in bfloat16 can overflow in float16 (Gemma is known to), so check outputs before going live",
    );
  }
  void modelWeightsBytes;
  return {
    apiVersion: "llmdeploy/v1",
    kind: "Plan",
    generatedBy: input.generatedBy,
    spec,
    model: {
      id: model.id,
      name: model.name,
      hfId: model.hfId,
      params: sizing.params.total,
      activeParams: sizing.params.active,
    },
    recommendation: rec,
    alternatives: ranked.alternatives.map((c) => c.d),
    feasible: ranked.feasible,
    notes: [
      ...notes,
      `memory modelled as ${engine.memoryModel}; performance ±${Math.round(rec.performance.errorBand * 100)} % (calibration set)`,
    ],
  };
}
