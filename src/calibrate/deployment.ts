/**
 * The deployment a plan describes, sized again as the planner sized it (its GPU, split, precision and
 * the checkpoint that precision loads, KV cache dtype, engine release and settings), so that the
 * performance model can predict it at any workload: the runs a calibration is fitted on, and the
 * figures it reports. Pure.
 */
import type { DeviceEntry } from "../catalog/types.js";
import { baseCheckpoint } from "../checkpoints/resolve.js";
import type { Plan } from "../contract/plan.js";
import { engineModule, isEngineName } from "../engines/index.js";
import type { EngineModule, MemoryOverheads } from "../engines/types.js";
import { UserError } from "../errors.js";
import { type PlanModel, servablePrecisions } from "../planner/index.js";
import type { PerfInput, Workload } from "../sizing/perf.js";
import {
  type PlacementRequest,
  perfInputOf,
  prepareModel,
  type SizedPlacement,
  sizePlacement,
} from "../sizing/size.js";

export interface PlannedDeployment {
  engine: EngineModule;
  engineVersion: string;
  device: DeviceEntry;
  /** The placement request, without a workload. */
  req: PlacementRequest;
  sized: SizedPlacement;
  replicas: number;
  /** The performance model's input at a workload (load over all replicas). */
  inputAt(workload: Workload): PerfInput;
}

/**
 * The plan's recommendation sized again, with `overheads` (measured memory) when given. UserError
 * when the plan names an engine, GPU or precision this llmdeploy cannot size (a plan from another
 * version), or when the deployment no longer fits.
 */
export function plannedDeployment(
  plan: Plan,
  model: PlanModel,
  catalog: readonly DeviceEntry[],
  overheads?: MemoryOverheads,
): PlannedDeployment {
  const d = plan.recommendation;
  const again = "make the plan again with llmdeploy plan, or pass the plan the deployment was made from";
  if (!isEngineName(d.engine.name))
    throw new UserError(`the plan's engine ${d.engine.name} is not one llmdeploy sizes`, again);
  const engine = engineModule(d.engine.name);
  const device = catalog.find((g) => g.id === d.gpu);
  if (!device) throw new UserError(`the plan's GPU ${d.gpu} is not in llmdeploy's catalog`, again);
  const own = model.modelRef ?? { ref: model.ref, arch: model.arch, checkpoint: model.checkpoint };
  const sizing = prepareModel(own.arch, own.checkpoint);
  const base = baseCheckpoint(model.modelRef ? "user" : "model", own.ref, own.arch, own.checkpoint);
  const { served } = servablePrecisions(
    { sizing, checkpoint: base },
    { precisions: plan.spec.precisions, engine: plan.spec.engine },
    engine,
    model.id,
  );
  const cand = served.find((c) => c.id === d.precision || c.served.precision.id === d.precision);
  if (!cand)
    throw new UserError(
      `the plan's precision ${d.precision} is not one its spec's precisions (${plan.spec.precisions.join(", ")}) serve`,
      again,
    );
  const engineVersion = d.engine.version ?? plan.spec.engineVersion ?? engine.versions.default;
  const tp = d.tensorParallel;
  const pp = d.pipelineParallel;
  const settings = engine.settings(device, {
    gpuMemoryUtilization: d.engine.gpuMemoryUtilization,
    maxNumBatchedTokens: d.engine.maxNumBatchedTokens,
    maxNumSeqs: d.engine.maxNumSeqs,
    concurrency: plan.spec.concurrency,
    requestRate: plan.spec.requestRate,
    engineVersion,
    enforceEager: d.engine.enforceEager ?? false,
    maxModelLen: d.engine.maxModelLen,
    tp,
    pp,
  });
  const req: PlacementRequest = {
    model: cand.model,
    served: cand.served,
    engine,
    device,
    tp,
    pp,
    kvCacheDtype: d.kvCacheDtype,
    maxModelLen: d.engine.maxModelLen,
    settings,
    replicas: d.replicas,
    ...(overheads ? { overheads } : {}),
  };
  const sized = sizePlacement(req);
  if (!sized.memory.fits)
    throw new UserError(`the plan's deployment does not fit when sized again: ${sized.memory.reason}`, again);
  return {
    engine,
    engineVersion,
    device,
    req,
    sized,
    replicas: d.replicas,
    inputAt: (workload) => perfInputOf({ ...req, workload }, sized, d.replicas),
  };
}
