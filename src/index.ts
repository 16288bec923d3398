/** Library entry: the pure engine and the catalogs, for programs that embed llmdeploy. */
export { gpus, models, findGpu } from "./catalog/index.js";
export type { DeviceEntry, GpuEntry, ModelEntry, Source } from "./catalog/types.js";
export type { ModelArch } from "./models/arch.js";
export { parseHfConfig } from "./models/hfconfig.js";
export { resolveModel, type ResolvedModel } from "./models/resolve.js";
export { countParams, inventory, type Tensor } from "./sizing/inventory.js";
export { kvBytesPerToken, kvBytesForSequence, kvBytesPerTokenPerLayer } from "./sizing/kv.js";
export { PRECISIONS, lookupPrecision, weightsBytes, tensorBytes } from "./sizing/weights.js";
export { estimate, type EstimateRequest, type EstimateResult } from "./sizing/estimate.js";
export { vllmPlacement, activationPeakBytes, defaultVllmSettings } from "./engines/vllm.js";
export { engineModule, engineModules, ENGINE_NAMES, type EngineModule } from "./engines/index.js";
export { sizePlacement, prepareModel, servePrecision, type SizedPlacement } from "./sizing/size.js";
export { predictPerformance, type PerfInput, type Workload } from "./sizing/perf.js";
export { planDeployment, type PlanInput } from "./planner/index.js";
export type { Plan, PlanSpec, Deployment, Performance } from "./contract/plan.js";
export { UserError } from "./errors.js";
export { resolveCheckpoint, type ResolvedCheckpoint } from "./checkpoints/resolve.js";
