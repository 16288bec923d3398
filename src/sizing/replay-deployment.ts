/**
 * A planned deployment's finite run, replayed pass by pass (`plan --num-requests N`): the placement is
 * sized again exactly as the planner sized it (the plan's GPU, TP/PP, precision, KV cache dtype and
 * engine settings) and the spec's workload is replayed with N requests over its replicas
 * (src/sizing/replay.ts). Pure.
 */
import { calibrationFor, type LoadedProfile } from "../calibrate/apply.js";
import type { DeviceEntry } from "../catalog/types.js";
import type { Deployment, PlanSpec, ReplaySummary } from "../contract/plan.js";
import { engineModule, isEngineName } from "../engines/index.js";
import { UserError } from "../errors.js";
import type { ModelArch } from "../models/arch.js";
import type { CheckpointSummary } from "../models/checkpoint.js";
import { replayRun } from "./replay.js";
import {
  constantsOf,
  type PlacementRequest,
  perfInputOf,
  prepareModel,
  type ServedPrecision,
  servePrecision,
  sizePlacement,
} from "./size.js";

export interface ReplayDeploymentInput {
  model: { id: string; arch: ModelArch; checkpoint?: CheckpointSummary | undefined };
  spec: Pick<PlanSpec, "precisions" | "inputTokens" | "outputTokens" | "concurrency" | "requestRate">;
  deployment: Deployment;
  catalog: readonly DeviceEntry[];
  numRequests: number;
  /** The calibration profile the plan applied, when one was: the replay uses it the same way. */
  calibration?: LoadedProfile | null | undefined;
}

/**
 * The replay of `numRequests` requests of the spec's workload on the deployment. UserError when the
 * deployment's engine, GPU or precision cannot be sized again (a plan from another version).
 */
export function replayDeployment(x: ReplayDeploymentInput): ReplaySummary {
  const d = x.deployment;
  if (!isEngineName(d.engine.name)) throw new UserError(`cannot replay: unknown engine ${d.engine.name}`);
  const engine = engineModule(d.engine.name);
  const device = x.catalog.find((g) => g.id === d.gpu);
  if (!device) throw new UserError(`cannot replay: GPU ${d.gpu} is not in the catalog`);
  const sizing = prepareModel(x.model.arch, x.model.checkpoint);
  // The precision the planner served: the spec's candidate whose served id is the deployment's.
  let served: ServedPrecision | null = null;
  for (const p of x.spec.precisions) {
    try {
      const s = servePrecision(sizing, p, x.model.id);
      if (s.precision.id === d.precision) served = s;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
    }
  }
  if (!served) throw new UserError(`cannot replay: precision ${d.precision} is not among the spec's`);
  const settings = engine.settings(device, {
    gpuMemoryUtilization: d.engine.gpuMemoryUtilization,
    maxNumBatchedTokens: d.engine.maxNumBatchedTokens,
    maxNumSeqs: d.engine.maxNumSeqs,
    concurrency: x.spec.concurrency,
    requestRate: x.spec.requestRate,
  });
  const cal = x.calibration
    ? calibrationFor(x.calibration, engine, device, d.engine.version ?? engine.versions.default)
    : null;
  const applied = cal && !("ignored" in cal) ? cal : null;
  const req: PlacementRequest = {
    constants: applied?.constants,
    overheads: applied?.overheads,
    model: sizing,
    served,
    engine,
    device,
    tp: d.tensorParallel,
    pp: d.pipelineParallel,
    kvCacheDtype: d.kvCacheDtype,
    maxModelLen: d.engine.maxModelLen,
    settings,
    workload: {
      inputTokens: x.spec.inputTokens,
      outputTokens: x.spec.outputTokens,
      concurrency: x.spec.requestRate !== null ? null : (x.spec.concurrency ?? 1),
      requestRate: x.spec.requestRate,
    },
    replicas: d.replicas,
  };
  const sized = sizePlacement({ ...req, workload: undefined });
  if (!sized.memory.fits)
    throw new UserError(`cannot replay: the deployment no longer fits (${sized.memory.reason})`);
  return replayRun(perfInputOf(req, sized, d.replicas), constantsOf(req), x.numRequests);
}
