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
import { calibrationNotes, calibrationSession, type LoadedProfile } from "../calibrate/apply.js";
import type { DeviceEntry, LongContext } from "../catalog/types.js";
import {
  baseCheckpoint,
  type BaseCheckpoint,
  type CheckpointRefusal,
  checkpointRecord,
  isRefusal,
  type ResolvedCheckpoint,
  resolveCheckpoint,
} from "../checkpoints/resolve.js";
import { checkpointSizing } from "../checkpoints/sizing.js";
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
  sizePlacement,
  type SizingModel,
  splitProblem,
} from "../sizing/size.js";
import { checkpointPrecision, lookupPrecision, mxfp4Backend, storedWeightsBytes } from "../sizing/weights.js";
import { contextProblem } from "../sizing/context.js";
import { isConsumerGpu, screenDevices, SupportLog } from "./devices.js";
import { noFitError } from "./no-fit.js";
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
  /** The model's own checkpoint: an HF id, a local folder or a GGUF file. */
  ref: string;
  /**
   * The user's own checkpoint (--model-ref), read through the model sources like any model: it is
   * loaded instead of a resolved one, and its bytes are sized.
   */
  modelRef?: { ref: string; arch: ModelArch; checkpoint?: CheckpointSummary | undefined } | undefined;
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
  /** A calibration profile: its factors apply to the candidates on its GPU × engine (src/calibrate/apply.ts). */
  calibration?: LoadedProfile | null | undefined;
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

/** One allowed precision as the engine will serve it: the checkpoint it loads and that checkpoint's sizing. */
export interface ServedCandidate {
  /** The precision id the plan records (the requested one, or the checkpoint's own for auto). */
  id: string;
  checkpoint: ResolvedCheckpoint;
  model: SizingModel;
  served: ServedPrecision;
}

/**
 * The allowed precisions the engine can serve for this model, each with the checkpoint it loads
 * (src/checkpoints/resolve.ts), and a note for each it cannot. None: a UserError with the reason of
 * the first refusal and its hint (--model-ref).
 */
export function servablePrecisions(
  base: { sizing: SizingModel; checkpoint: BaseCheckpoint },
  spec: Pick<PlanSpec, "precisions" | "engine">,
  engine: EngineModule,
  modelId: string,
): { served: ServedCandidate[]; notes: string[] } {
  const served: ServedCandidate[] = [];
  const notes: string[] = [];
  const refusals: CheckpointRefusal[] = [];
  const cache = new Map<string, SizingModel>();
  for (const id of spec.precisions) {
    let r: ResolvedCheckpoint | CheckpointRefusal;
    let c: ServedCandidate;
    try {
      r = resolveCheckpoint({ modelId, modelLabel: modelId, base: base.checkpoint, precision: id, engine });
      if (isRefusal(r)) {
        refusals.push(r);
        notes.push(`${id}: ${r.reason}; skipped`);
        continue;
      }
      const s = checkpointSizing(base.sizing, r, modelId, cache);
      c = {
        id: id === "auto" ? s.served.precision.id : lookupPrecision(id).id,
        checkpoint: r,
        model: s.model,
        served: s.served,
      };
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      notes.push(`${id}: ${e.message}; skipped`);
      continue;
    }
    const problem = precisionProblem(c.model.arch, c.model.tensors, c.served.precision);
    if (problem) {
      notes.push(`${c.served.precision.id}: ${problem}; skipped`);
      continue;
    }
    served.push(c);
  }
  if (!served.length) {
    const first = refusals[0];
    throw new UserError(
      first && spec.precisions.length === 1
        ? first.reason
        : `none of the precisions ${spec.precisions.join(", ")} can serve ${modelId} with ${spec.engine}` +
            (first ? ` (${first.reason})` : ""),
      first?.hint ??
        (engine.checkpointFormat === "gguf"
          ? "use a GGUF type such as --precision q4_k_m"
          : "use bf16, fp8 or int4"),
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
  const own = model.modelRef ?? { ref: model.ref, arch: model.arch, checkpoint: model.checkpoint };
  const arch = own.arch;
  const engine = engineModule(spec.engine);
  const sizing = prepareModel(arch, own.checkpoint);
  const base = baseCheckpoint(model.modelRef ? "user" : "model", own.ref, arch, own.checkpoint);
  const screen = screenDevices(allowedDevices(spec, engine, catalog), spec);
  const devices = screen.devices;
  checkSpecAgainstModel(spec, model.id, arch, model);
  const { served: precisions, notes } = servablePrecisions(
    { sizing, checkpoint: base },
    spec,
    engine,
    model.id,
  );
  notes.push(...screen.notes);
  const support = new SupportLog();
  const baseBytes =
    own.checkpoint?.bytes ?? storedWeightsBytes(sizing.tensors, checkpointPrecision(arch), sizing.skip);
  const workload = {
    inputTokens: spec.inputTokens,
    outputTokens: spec.outputTokens,
    concurrency: spec.requestRate !== null ? null : (spec.concurrency ?? 1),
    requestRate: spec.requestRate,
  };

  const candidates: Candidate[] = [];
  // GPU types whose placements were cut at the largest instance offered (GPUs per instance).
  const instanceLimits = new Map<string, number>();
  // Shapes the engine cannot run (splitProblem), with the largest GPU count it could: a model that
  // fits nowhere is then said to be limited by the engine, not by --max-gpus.
  const engineLimits = new Set<string>();
  let largestSized = 0;
  const shapes = replicaShapes(spec.maxGpus);
  // The calibration profile, per device: its constants and overheads where it applies.
  const calibration = calibrationSession(input.calibration, engine, spec.engineVersion);
  for (const cand of precisions) {
    const served = cand.served;
    const ck = cand.checkpoint;
    const candArch = cand.model.arch;
    for (const kv of spec.kvCacheDtypes) {
      for (const device of devices) {
        const problem = engine.supportProblem(
          device,
          mxfp4Backend(served.precision, device),
          spec.engineVersion,
        );
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
        const cal = calibration.of(device);
        // The engine's settings for one split on this device (SGLang's memory share depends on both).
        const settingsFor = (tp: number, pp: number) =>
          engine.settings(device, {
            gpuMemoryUtilization: spec.gpuMemoryUtilization ?? undefined,
            concurrency: spec.concurrency,
            requestRate: spec.requestRate,
            engineVersion: spec.engineVersion,
            enforceEager: spec.enforceEager,
            maxModelLen: spec.maxModelLen,
            tp,
            pp,
          });
        const ctx: CandidateContext = {
          spec,
          arch: candArch,
          engine,
          device,
          price,
          // What every node downloads: the checkpoint the engine loads (the 16-bit one in flight).
          checkpointBytes: ck.source === "in-flight" ? baseBytes : modelWeightsBytes(cand.model, served),
          quantization: ck.quantization,
          modelRef: ck.modelRef,
          checkpoint: checkpointRecord(ck),
          // What clients put in "model": the Hugging Face id when there is one.
          servedModelName: model.hfId ?? spec.serviceName,
          precisionId: cand.id,
        };
        let cheapestSuccess = Infinity;
        for (const { count, tp, pp } of shapes) {
          if (count >= cheapestSuccess) break;
          if (Math.min(count, GPUS_PER_NODE) > largestInstance) {
            instanceLimits.set(device.id, largestInstance);
            continue;
          }
          if (parallelismProblem(candArch, tp, pp, served.precision)) continue;
          const split = splitProblem(engine, device, tp, pp, spec.engineVersion);
          if (split) {
            engineLimits.add(split);
            continue;
          }
          // Several nodes need a datacenter network (RDMA at hundreds of Gb/s per GPU); workstation
          // cards (GeForce) are planned within one machine only.
          if (tp * pp > GPUS_PER_NODE && isWorkstationGpu(device)) continue;
          const req: PlacementRequest = {
            model: cand.model,
            served,
            engine,
            device,
            tp,
            pp,
            kvCacheDtype: kv,
            maxModelLen: spec.maxModelLen,
            settings: settingsFor(tp, pp),
            workload,
            constants: cal?.constants,
            overheads: cal?.overheads,
          };
          const sized = sizePlacement({ ...req, workload: undefined });
          largestSized = Math.max(largestSized, count);
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
    throw noFitError({
      modelId: model.id,
      spec,
      engine,
      devices,
      instanceLimits,
      engineLimits,
      largestSized,
      supportNotes: support.notes(),
    });
  }
  const ranked = rankCandidates(candidates, spec, model.name);
  notes.push(...ranked.notes);
  const rec = ranked.recommendation.d;
  const profile = input.calibration?.profile;
  notes.push(
    ...calibrationNotes(input.calibration, calibration.use, {
      engine,
      engineVersion: spec.engineVersion,
      devices,
      what: "plan",
      scope:
        profile && rec.gpu !== profile.gpu
          ? `applies to the ${profile.gpuName || profile.gpu} candidates; the recommendation runs ${rec.gpuName}, uncalibrated`
          : null,
    }),
  );
  notes.push(...engine.advisories);
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
    calibration: calibration.use,
    notes: [
      ...notes,
      `memory modelled as ${engine.memoryModelFor(spec.engineVersion)}; performance ±${Math.round(rec.performance.errorBand * 100)} % (calibration set)`,
    ],
  };
}
