/**
 * Using a calibration profile: for a placement on the profile's GPU × engine, the performance
 * constants with its factors in place of the committed ones, and the memory overheads it measured.
 * The model's structure is kept: the factors are the same efficiencies the model always uses, so a
 * calibrated prediction at another load or prompt length still follows the model. Pure.
 *
 * Which placements a profile applies to:
 * - another GPU or another engine: none (the caller says so in a note);
 * - the same GPU and engine at another release: its speed factors (kernels change little between
 *   releases; a note says to calibrate again), not its memory overheads (a release changes what it
 *   allocates: vLLM 0.21 moved CUDA graphs into the budget);
 * - the same GPU, engine and release: every factor.
 */
import type { DeviceEntry } from "../catalog/types.js";
import type { PlanCalibration } from "../contract/plan.js";
import type { EngineModule, MemoryOverheads } from "../engines/types.js";
import { perfConstantsFor, type PerfConstants } from "../sizing/perf-constants.js";
import { FACTORS, MEMORY_FACTORS, PERF_FACTORS, type PerfFactor } from "./factors.js";
import type { CalibrationProfile, FactorValue } from "./profile.js";

/** A profile as a command found it: the file, and how it was named. */
export interface LoadedProfile {
  profile: CalibrationProfile;
  path: string;
  /** flag: --calibration; env: LLMDEPLOY_CALIBRATION; default: the user's config directory. */
  source: "flag" | "env" | "default";
}

/**
 * What a command reports about the profile it applied (estimate's and the plan's `calibration`
 * field; null when none was applied): the plan contract's PlanCalibration.
 */
export type CalibrationUse = PlanCalibration;

export interface AppliedCalibration {
  constants: PerfConstants;
  overheads: MemoryOverheads | undefined;
  use: CalibrationUse;
}

type VendorKey = keyof PerfConstants["vendor"];
const vendorKeyOf = (device: DeviceEntry): VendorKey => (device.kind === "cpu" ? "CPU" : device.vendor);
const isShare = (f: PerfFactor) => FACTORS[f].unit === "share";

/**
 * The value llmdeploy uses for a performance factor on this device without a profile: the engine's
 * committed efficiency; a share as achieved on this vendor's GPUs (× its vendor factor, 1 on NVIDIA),
 * since a profile's shares are achieved shares of the device's peak.
 */
export function defaultFactor(engine: EngineModule, device: DeviceEntry, f: PerfFactor): number {
  const k = perfConstantsFor(engine);
  const v = engine.efficiency[f];
  return isShare(f) ? v * k.vendor[vendorKeyOf(device)] : v;
}

/**
 * `base` with these factor values for a placement on `device`. Shares are achieved shares: the
 * device's vendor factor is set to 1 and folded into the share left unfitted.
 */
export function constantsWith(
  base: PerfConstants,
  device: DeviceEntry,
  values: Partial<Record<PerfFactor, number>>,
): PerfConstants {
  const key = vendorKeyOf(device);
  const vf = base.vendor[key];
  const shares = values.bandwidth !== undefined || values.compute !== undefined;
  return {
    ...base,
    engine: {
      ...base.engine,
      ...(shares
        ? {
            bandwidth: values.bandwidth ?? base.engine.bandwidth * vf,
            compute: values.compute ?? base.engine.compute * vf,
          }
        : {}),
      ...(values.stepOverheadMs !== undefined ? { stepOverheadMs: values.stepOverheadMs } : {}),
      ...(values.requestOverheadMs !== undefined ? { requestOverheadMs: values.requestOverheadMs } : {}),
    },
    vendor: shares ? { ...base.vendor, [key]: 1 } : base.vendor,
  };
}

const engineLabel = (engine: EngineModule, version: string) => `${engine.label} ${version}`;

/**
 * The profile's constants and overheads for a placement of `engine` at `engineVersion` on `device`,
 * or why it does not apply (a clause: "it is for NVIDIA H100 SXM5 80GB / vllm, not ...").
 */
export function calibrationFor(
  loaded: LoadedProfile,
  engine: EngineModule,
  device: DeviceEntry,
  engineVersion: string,
): AppliedCalibration | { ignored: string } {
  const p = loaded.profile;
  if (p.gpu !== device.id || p.engine !== engine.name)
    return {
      ignored: `it is for ${p.gpuName || p.gpu} / ${p.engine}, not ${device.name} / ${engine.name}`,
    };
  const sameRelease = p.engineVersion === engineVersion;
  const perf: Partial<Record<PerfFactor, number>> = {};
  const applied: Record<string, FactorValue> = {};
  for (const f of PERF_FACTORS) {
    const x = p.factors[f];
    if (!x) continue;
    perf[f] = x.value;
    applied[f] = { label: x.label, value: x.value, default: x.default, unit: x.unit };
  }
  let overheads: MemoryOverheads | undefined;
  const memory = MEMORY_FACTORS.filter((f) => p.factors[f]);
  if (sameRelease && memory.length) {
    overheads = {};
    for (const f of memory) {
      const x = p.factors[f]!;
      overheads[f] = Math.round(x.value);
      applied[f] = { label: x.label, value: x.value, default: x.default, unit: x.unit };
    }
  }
  if (!Object.keys(applied).length)
    return {
      ignored: `it holds only memory overheads of ${engineLabel(engine, p.engineVersion)}, and this sizes ${engineVersion}`,
    };
  const note = sameRelease
    ? null
    : `fitted on ${engineLabel(engine, p.engineVersion)}, used for ${engineVersion}: its speed factors apply` +
      (memory.length ? ", its memory overheads do not (a release changes what it allocates)" : "") +
      "; calibrate again after upgrading";
  return {
    constants: constantsWith(perfConstantsFor(engine), device, perf),
    overheads,
    use: {
      path: loaded.path,
      source: loaded.source,
      gpu: p.gpu,
      engine: p.engine,
      engineVersion: p.engineVersion,
      model: p.model,
      factors: applied,
      fittedOn: p.fittedOn.length,
      residual: p.residual,
      createdAt: p.createdAt,
      note,
    },
  };
}

/**
 * The memory overheads a plan's calibration applied to its recommendation (to size its deployment
 * again as the plan did: verify --deployment), or undefined.
 */
export function planOverheads(plan: {
  calibration?: PlanCalibration | null;
  recommendation: { gpu: string; engine: { name: string } };
}): MemoryOverheads | undefined {
  const c = plan.calibration;
  if (!c || c.gpu !== plan.recommendation.gpu || c.engine !== plan.recommendation.engine.name)
    return undefined;
  const o: MemoryOverheads = {};
  for (const f of MEMORY_FACTORS) if (c.factors[f]) o[f] = Math.round(c.factors[f].value);
  return Object.keys(o).length ? o : undefined;
}

const GiB = 1024 ** 3;
/** A factor's value as people read it: "0.71", "4.2 ms", "0.31 GiB". */
export function formatValue(unit: FactorValue["unit"], v: number): string {
  if (unit === "bytes") return `${(v / GiB).toFixed(2)} GiB`;
  const r = Math.round(v * 1000) / 1000;
  return unit === "ms" ? `${r} ms` : String(r);
}

/** A residual as a percentage: "4 %", "0.3 %", "< 0.1 %". */
export const formatResidual = (r: number): string =>
  r >= 0.01 ? `${Math.round(r * 100)} %` : r >= 0.001 ? `${Math.round(r * 1000) / 10} %` : "< 0.1 %";

/** "decode bandwidth share 0.845 → 0.71, ..." for the factors of a profile or a use. */
export const describeFactors = (factors: Readonly<Record<string, FactorValue | undefined>>): string =>
  Object.values(factors)
    .filter((v): v is FactorValue => v !== undefined)
    .map((v) => `${v.label} ${formatValue(v.unit, v.default)} → ${formatValue(v.unit, v.value)}`)
    .join(", ");

/** One line saying which profile a command used, from where, and what it changes. */
export function describeUse(use: CalibrationUse): string {
  const from = { flag: "--calibration", env: "LLMDEPLOY_CALIBRATION", default: "default location" }[
    use.source
  ];
  const runs = use.fittedOn ? `fitted on ${use.fittedOn} run${use.fittedOn > 1 ? "s" : ""}` : "from logs";
  return (
    `calibration: ${use.path} (${from}), ${use.gpu} / ${use.engine} ${use.engineVersion}: ${describeFactors(use.factors)}; ${runs}` +
    (use.residual !== null ? `, residual ${formatResidual(use.residual)}` : "")
  );
}

/**
 * What a command says about the profile it was given (notes): why it was not used, or, when it was,
 * its note and `scope` (where it applies, when not everywhere: "applies to the A100 row only").
 * `devices`: the GPUs the command sized.
 */
export function calibrationNotes(
  loaded: LoadedProfile | null | undefined,
  use: CalibrationUse | null,
  ctx: {
    engine: EngineModule;
    engineVersion: string;
    devices: readonly DeviceEntry[];
    what: "estimate" | "plan";
    scope?: string | null | undefined;
  },
): string[] {
  if (!loaded) return [];
  const { path, profile: p } = loaded;
  if (!use) {
    const device =
      ctx.devices.find((g) => g.id === p.gpu) ?? (ctx.devices.length === 1 ? ctx.devices[0] : undefined);
    const c = device ? calibrationFor(loaded, ctx.engine, device, ctx.engineVersion) : null;
    const why =
      c && "ignored" in c
        ? c.ignored
        : `it is for ${p.gpuName || p.gpu}, which this ${ctx.what} does not size`;
    return [`calibration profile ${path} not used: ${why}`];
  }
  return [
    ...(use.note ? [`calibration profile ${path}: ${use.note}`] : []),
    ...(ctx.scope ? [`calibration profile ${path} ${ctx.scope}`] : []),
  ];
}

/**
 * A profile applied over the devices a command sizes: each device's constants and overheads (null
 * where it does not apply), worked out once per device, and the use to report (the first).
 */
export function calibrationSession(
  loaded: LoadedProfile | null | undefined,
  engine: EngineModule,
  engineVersion: string,
): { of(device: DeviceEntry): AppliedCalibration | null; readonly use: CalibrationUse | null } {
  const cache = new Map<string, AppliedCalibration | null>();
  let use: CalibrationUse | null = null;
  return {
    of(device) {
      if (!loaded) return null;
      if (!cache.has(device.id)) {
        const c = calibrationFor(loaded, engine, device, engineVersion);
        cache.set(device.id, "ignored" in c ? null : c);
      }
      const c = cache.get(device.id)!;
      if (c) use ??= c.use;
      return c;
    },
    get use() {
      return use;
    },
  };
}
