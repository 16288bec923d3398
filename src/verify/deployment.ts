/**
 * The round trip: what a rendered deployment's files start (launches.ts), re-sized on the planned
 * GPU through the one sizing pipeline, against what the plan sized. For each place the engine starts:
 * the checkpoint its model argument names (the model catalog, the checkpoint catalog, an Ollama tag,
 * or a model the CLI read from disk or the Hub cache), its precision (the checkpoint's own, or the
 * engine's in-flight method), its TP/PP, context, memory share, KV dtype and batch settings as the
 * files give them. Consistent when the weights per GPU are within 0.5 %, it fits, and the KV cache
 * holds the plan's tokens within 1 % (a KV figure that differs while every setting matches the plan's
 * is a note: the plan is older than the sizing). Pure: the CLI reads the files and resolves refs from disk.
 */
import { planOverheads } from "../calibrate/apply.js";
import { devices, models } from "../catalog/index.js";
import { checkpointByRepo, ollamaTag } from "../checkpoints/catalog.js";
import { entrySizing } from "../checkpoints/sizing.js";
import { engineCommand, engineModule } from "../engines/index.js";
import type { EngineModule, LaunchedSettings, SettingKey } from "../engines/types.js";
import type { Plan } from "../contract/plan.js";
import { shownValue } from "../contract/plan-schema.js";
import { UserError } from "../errors.js";
import type { ModelArch } from "../models/arch.js";
import type { CheckpointSummary } from "../models/checkpoint.js";
import { parseHfConfig } from "../models/hfconfig.js";
import { engineImage } from "../render/images.js";
import {
  prepareModel,
  type ServedPrecision,
  servePrecision,
  sizePlacement,
  type SizingModel,
} from "../sizing/size.js";
import {
  type DeploymentFile,
  launchSites,
  type LaunchSite,
  type Located,
  shownAt,
  sourceAt,
} from "./launches.js";

/** Weights per GPU may differ by this share of the plan's (rounding of the split), KV tokens by KV_TOLERANCE. */
export const WEIGHTS_TOLERANCE = 0.005;
export const KV_TOLERANCE = 0.01;

/** A model the CLI read for a ref no catalog names (a local folder or file, the Hub cache). */
export interface ReadModel {
  arch: ModelArch;
  checkpoint?: CheckpointSummary | undefined;
}

export interface SiteResult {
  where: string;
  /** The model argument, and the GGUF file inside it. */
  modelRef: string;
  file: string | null;
  quantization: string | null;
  /** What the files load, as sized here (null when it could not be resolved). */
  loads: string | null;
  weightsPerGpuBytes: number | null;
  kvCacheTokens: number | null;
  fits: boolean | null;
}

export interface DeploymentCheck {
  ok: boolean;
  /** One line per mismatch. */
  mismatches: string[];
  /** Things the check could not do in full, one line each. */
  notes: string[];
  sites: SiteResult[];
}

const gib = (b: number) => `${(b / 1024 ** 3).toFixed(1)} GiB`;
const shortLabel = (s: string) => s.replace(/ \(.*$/, "");

/** What a launch loads and how to size it, or the ref the CLI must read, or why it cannot be sized. */
type Identified =
  | { kind: "sized"; model: SizingModel; served: ServedPrecision }
  | { kind: "read"; ref: string }
  | { kind: "problem"; problem: string };

/** The precision id an in-flight flag value asks for (the inverse of the module's inFlight map). */
function inFlightPrecision(engine: EngineModule, flag: string): string | null {
  return Object.entries(engine.checkpoints.inFlight).find(([, v]) => v === flag)?.[0] ?? null;
}

function onBase(base: SizingModel, engine: EngineModule, s: LaunchedSettings, label: string): Identified {
  if (s.quantization === null)
    return { kind: "sized", model: base, served: servePrecision(base, undefined, label) };
  const id = inFlightPrecision(engine, s.quantization);
  if (!id)
    return {
      kind: "problem",
      problem: `it asks ${engine.label} for quantization ${s.quantization}, which llmdeploy does not size`,
    };
  if (base.arch.quantization)
    return {
      kind: "problem",
      problem: `it asks for quantization ${s.quantization} on ${label}, which is already quantized`,
    };
  return { kind: "sized", model: base, served: servePrecision(base, id, label) };
}

/**
 * Identifies the checkpoint a launch loads from the catalogs alone (no I/O). A ref llmdeploy cannot
 * size (an Ollama tag with an unknown quantization, ...) is a problem naming why, never a throw.
 */
export function identify(
  engine: EngineModule,
  s: LaunchedSettings,
  read?: ReadonlyMap<string, ReadModel | null>,
): Identified {
  try {
    return identifyOrThrow(engine, s, read);
  } catch (e) {
    if (e instanceof UserError) return { kind: "problem", problem: e.message };
    throw e;
  }
}

function identifyOrThrow(
  engine: EngineModule,
  s: LaunchedSettings,
  read?: ReadonlyMap<string, ReadModel | null>,
): Identified {
  const catalogModel = (id: string) => {
    const m = models.find((x) => x.id === id)!;
    return prepareModel(parseHfConfig(m.config, m.id));
  };
  if (engine.checkpointFormat === "gguf") {
    let repo: string | null = null;
    let quant: string | null = null;
    const tag = ollamaTag(s.modelRef);
    const hf = /^(?:hf\.co|huggingface\.co)\/([^:]+):(.+)$/.exec(s.modelRef);
    if (tag) {
      const m = catalogModel(tag.model);
      return { kind: "sized", model: m, served: servePrecision(m, tag.quant.toLowerCase(), tag.tag) };
    }
    if (hf) [repo, quant] = [hf[1]!, hf[2]!.toUpperCase()];
    else if (s.file) {
      repo = s.modelRef;
      const e = checkpointByRepo(repo);
      quant = e?.files?.find((f) => f.file === s.file)?.quant ?? null;
      if (e && !quant)
        return { kind: "problem", problem: `${s.file} is not a file llmdeploy's catalog lists in ${repo}` };
    }
    if (repo) {
      const e = checkpointByRepo(repo);
      if (!e || e.format !== "gguf" || !quant)
        return { kind: "problem", problem: `${repo} is not a GGUF repository in llmdeploy's catalog` };
      const m = catalogModel(e.model);
      return { kind: "sized", model: m, served: servePrecision(m, quant.toLowerCase(), repo) };
    }
  } else {
    const e = checkpointByRepo(s.modelRef);
    if (e && e.format !== "gguf") {
      if (s.quantization !== null)
        return {
          kind: "problem",
          problem: `it asks for quantization ${s.quantization} on ${e.repo}, which is already ${e.format}`,
        };
      return { kind: "sized", ...entrySizing(e) };
    }
    const q = s.modelRef.toLowerCase();
    const m = models.find(
      (x) => x.hfId.toLowerCase() === q || (x.otherHfIds ?? []).some((h) => h.toLowerCase() === q),
    );
    if (m) return onBase(catalogModel(m.id), engine, s, s.modelRef);
  }
  const got = read?.get(s.modelRef);
  if (got && engine.checkpointFormat === "gguf" && got.checkpoint?.format !== "gguf")
    return {
      kind: "problem",
      problem: `${engine.label} loads GGUF files, and this is not one (nor a tag llmdeploy knows)`,
    };
  if (got) return onBase(prepareModel(got.arch, got.checkpoint), engine, s, s.modelRef);
  return { kind: "read", ref: s.modelRef };
}

/** The model references of a deployment that no catalog names: the CLI reads them (offline) first. */
export function refsToRead(plan: Plan, files: readonly DeploymentFile[]): string[] {
  const engine = engineModule(plan.recommendation.engine.name);
  const refs = new Set<string>();
  for (const site of launchSites(files).sites) {
    const s = engine.readLaunch(site.launch);
    if ("problem" in s) continue;
    const id = identify(engine, s);
    if (id.kind === "read") refs.add(id.ref);
  }
  return [...refs];
}

/** The settings a launch fixes, as compared with the plan's, and how messages name them. */
const COMPARED: [SettingKey, string, (s: LaunchedSettings) => unknown][] = [
  ["modelRef", "model", (s) => s.modelRef],
  ["file", "model file", (s) => s.file],
  ["quantization", "quantization", (s) => s.quantization],
  ["tp", "TP", (s) => s.tp],
  ["pp", "PP", (s) => s.pp],
  ["maxModelLen", "max model len", (s) => s.maxModelLen],
  ["kvCacheDtype", "KV cache dtype", (s) => s.kvCacheDtype],
  ["gpuMemoryUtilization", "memory share", (s) => s.overrides.gpuMemoryUtilization],
  ["maxNumSeqs", "max sequences", (s) => s.overrides.maxNumSeqs],
  ["maxNumBatchedTokens", "batched tokens", (s) => s.overrides.maxNumBatchedTokens],
];

/**
 * Every setting the files start with that differs from what the plan's own command gives (both read
 * back by the engine's module, so the engine's flag names and defaults do not matter), one line each,
 * starting with the file and line that sets it ("launch-vllm.sh:35: max model len 4096 (the plan:
 * 8192)"); a setting the files leave out is named at the start of the launch ("... not set (the plan: 256)").
 */
/** A value from the files as a message shows it: as is, or quoted and escaped when it holds control characters. */
const shown = (v: unknown): string => {
  const s = String(v);
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(s) ? shownValue(s) : s;
};

function launchDiffs(site: LaunchSite, want: LaunchedSettings, got: LaunchedSettings): string[] {
  const out: string[] = [];
  for (const [key, what, read] of COMPARED) {
    const a = read(want);
    const b = read(got);
    if (a === b) continue;
    // pp null: the engine splits layers over the GPUs it is given (checked with the GPUs).
    if (key === "pp" && (a === null || b === null)) continue;
    const at: Located | null = sourceAt(site, got.sources?.[key]) ?? (b === undefined ? site.startAt : null);
    const value = b === undefined || b === null ? "not set" : shown(b);
    out.push(
      `${at ? shownAt(at) : site.where}: ${what} ${value} (the plan: ${a === undefined || a === null ? "not set" : String(a)})`,
    );
  }
  return out;
}

/** Where the files' settings differ from the plan's recorded ones, one phrase each ("KV cache dtype auto (the plan: fp8)"). */
function recordedDiffs(plan: Plan, engine: EngineModule, s: LaunchedSettings, pp: number): string[] {
  const d = plan.recommendation;
  const e = d.engine;
  const out: string[] = [];
  const cmp = (what: string, planned: unknown, got: unknown) => {
    if (got !== undefined && planned !== got)
      out.push(`${what} ${String(got)} (the plan: ${String(planned)})`);
  };
  cmp("TP", d.tensorParallel, s.tp);
  cmp("PP", d.pipelineParallel, pp);
  cmp("max model len", e.maxModelLen, s.maxModelLen);
  cmp("KV cache dtype", e.kvCacheDtype, s.kvCacheDtype);
  cmp(
    "memory share",
    e.gpuMemoryUtilization,
    s.overrides.gpuMemoryUtilization ??
      engine.defaultShare(e.version ?? engine.image.version) ??
      e.gpuMemoryUtilization,
  );
  cmp("max sequences", e.maxNumSeqs, s.overrides.maxNumSeqs);
  cmp("batched tokens", e.maxNumBatchedTokens, s.overrides.maxNumBatchedTokens);
  return out;
}

/**
 * Checks that the files start what the plan sized. `read` holds the models the CLI read for
 * refsToRead (null: not readable offline); a launch whose model stays unknown is checked against the
 * plan's recorded checkpoint and settings only, with a note saying so.
 */
export function checkDeployment(
  plan: Plan,
  files: readonly DeploymentFile[],
  read: ReadonlyMap<string, ReadModel | null> = new Map(),
): DeploymentCheck {
  const d = plan.recommendation;
  const engine = engineModule(d.engine.name);
  const { sites, problems } = launchSites(files);
  const mismatches = [...problems];
  const notes: string[] = [];
  const results: SiteResult[] = [];
  const device = devices.find((g) => g.id === d.gpu);
  if (!device)
    mismatches.push(`the plan's GPU ${d.gpu} is not in llmdeploy's catalog: nothing can be re-sized`);
  const planImage = engineImage(plan);
  const planned = engine.readLaunch(launchOfPlan(plan));
  const sizedLabel = shortLabel(d.checkpoint?.label ?? d.precision);
  for (const site of sites) {
    check(site);
  }
  return { ok: mismatches.length === 0, mismatches, notes, sites: results };

  function check(site: LaunchSite): void {
    const w = site.where;
    if (site.image !== null && site.image !== planImage)
      mismatches.push(
        `${site.imageAt ? shownAt(site.imageAt) : w}: image ${shown(site.image)} (the plan: ${planImage}), which ${w} runs in`,
      );
    const s = engine.readLaunch(site.launch);
    if ("problem" in s) {
      mismatches.push(`${w}: ${engine.label} cannot be read back: ${s.problem}`);
      return;
    }
    // What the files start against what the plan's own command starts, setting by setting.
    if (!("problem" in planned)) mismatches.push(...launchDiffs(site, planned, s));
    const result: SiteResult = {
      where: w,
      modelRef: s.modelRef,
      file: s.file,
      quantization: s.quantization,
      loads: null,
      weightsPerGpuBytes: null,
      kvCacheTokens: null,
      fits: null,
    };
    results.push(result);
    const pp = s.pp ?? site.gpus ?? 1;
    if (d.deviceKind === "gpu" && site.gpus !== null && site.gpus !== d.gpusPerNode)
      mismatches.push(`${w} gets ${site.gpus} GPU(s) per node but the plan uses ${d.gpusPerNode}`);
    const id = identify(engine, s, read);
    if (id.kind === "problem") {
      mismatches.push(`${w} loads ${s.modelRef}: ${id.problem}`);
      return;
    }
    if (id.kind === "read") {
      notes.push(
        `${w} loads ${s.modelRef}, which cannot be read offline: checked against the plan's recorded checkpoint and settings only`,
      );
      return;
    }
    if (!device) return;
    const settings = engine.settings(device, {
      ...s.overrides,
      concurrency: plan.spec.concurrency,
      requestRate: plan.spec.requestRate,
    });
    const sized = sizePlacement({
      model: id.model,
      served: id.served,
      engine,
      device,
      tp: s.tp,
      pp,
      kvCacheDtype: s.kvCacheDtype,
      maxModelLen: s.maxModelLen,
      settings,
      // The memory the plan's calibration measured, as the plan sized it.
      overheads: planOverheads(plan),
    });
    const m = sized.memory;
    const loads = shortLabel(id.served.precision.label);
    Object.assign(result, {
      loads,
      weightsPerGpuBytes: m.perGpu.weightsBytes,
      kvCacheTokens: m.kvCacheTokens,
      fits: m.fits,
    });
    const what = `${s.modelRef}${s.file ? `/${s.file}` : ""}`;
    const planW = d.memory.perGpu.weightsBytes;
    const consequence = m.fits ? "" : `: it will not fit (${m.reason})`;
    if (Math.abs(m.perGpu.weightsBytes - planW) > WEIGHTS_TOLERANCE * planW) {
      mismatches.push(
        `${w} loads ${what} (${loads}, ${gib(m.perGpu.weightsBytes)} per GPU) but the plan sized ${sizedLabel} (${gib(planW)} per GPU)${consequence}`,
      );
      return;
    }
    if (!m.fits) {
      const why = recordedDiffs(plan, engine, s, pp);
      mismatches.push(
        `${w} runs ${what} with settings that do not fit on ${d.gpuName}: ${m.reason}` +
          (why.length ? `; the files set ${why.join(", ")}` : ""),
      );
      return;
    }
    const planKv = d.memory.kvCacheTokens;
    if (Math.abs(m.kvCacheTokens - planKv) > KV_TOLERANCE * planKv) {
      const why = recordedDiffs(plan, engine, s, pp);
      // The files set what the plan recorded: the plan's figure is older than this sizing (an engine
      // version's defaults or the ledger changed since it was written), not a deployment fault.
      if (why.length === 0)
        notes.push(
          `${w} leaves ${m.kvCacheTokens} tokens of KV cache per replica by today's sizing; the plan recorded ${planKv} with the same settings (plan again to refresh its figures)`,
        );
      else
        mismatches.push(
          `${w} leaves ${m.kvCacheTokens} tokens of KV cache per replica but the plan sized ${planKv}: the files set ${why.join(", ")}`,
        );
    }
  }
}

/** What the plan's own command line is, as an engine launch (for reading it back like the files). */
function launchOfPlan(plan: Plan) {
  const cmd = engineCommand(plan);
  return { program: cmd.program, args: cmd.args, env: cmd.env, pullModel: cmd.pullAfterStart?.model ?? null };
}
