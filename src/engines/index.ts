/**
 * The engine registry: the one place that lists the inference engines llmdeploy knows. Everything
 * else asks an engine's module (src/engines/<engine>.ts) through `engineModule(name)`.
 */
import { closest, UserError } from "../errors.js";
import type { Plan } from "../contract/plan.js";
import { llamacpp } from "./llamacpp.js";
import { ollama } from "./ollama.js";
import { sglang } from "./sglang.js";
import { tgi } from "./tgi.js";
import { trtllm } from "./trtllm.js";
import type { EngineCommand, EngineModule } from "./types.js";
import { vllm } from "./vllm.js";

export type * from "./types.js";

/** Engine names, in the order help texts list them. */
export const ENGINE_NAMES = ["vllm", "sglang", "trtllm", "llamacpp", "ollama", "tgi"] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

const MODULES: Record<EngineName, EngineModule> = { vllm, sglang, trtllm, llamacpp, ollama, tgi };

/** The engine that runs when none is named. */
export const DEFAULT_ENGINE: EngineName = "vllm";

export const isEngineName = (s: string): s is EngineName => (ENGINE_NAMES as readonly string[]).includes(s);

/** The module of an engine; a UserError (field "engine") naming the known ones otherwise. */
export function engineModule(name: string): EngineModule {
  if (isEngineName(name)) return MODULES[name];
  const near = closest(name, ENGINE_NAMES);
  throw new UserError(
    `unknown engine "${name}"`,
    `use one of ${ENGINE_NAMES.join(", ")}${near.length ? ` (did you mean ${near[0]}?)` : ""}`,
    1,
    "engine",
  );
}

export const engineModules = (): EngineModule[] => ENGINE_NAMES.map((n) => MODULES[n]);

/**
 * The container image a deployment on this kind of device runs, of the engine's release `version`
 * (canonical, from `versions.resolve`; the pinned release when absent).
 */
export function engineImageFor(engine: EngineModule, deviceKind: "gpu" | "cpu", version?: string): string {
  return engine.imageFor(version ?? engine.versions.default, deviceKind);
}

/** A UserError (field enforceEager) when eager mode is asked of an engine whose command cannot express it. */
export function checkEagerMode(engine: EngineModule, enforceEager: boolean | undefined): void {
  if (enforceEager && !engine.eagerMode)
    throw new UserError(
      `--enforce-eager: llmdeploy has no way to turn CUDA graphs off in ${engine.label}'s launch command`,
      "leave it out for this engine (its memory model counts no CUDA graph pool), or use vllm, sglang or tgi",
      1,
      "enforceEager",
    );
}

/**
 * A UserError (field kvCacheDtype) when an 8-bit KV cache is asked of an engine whose launch command
 * cannot set one: refused before anything is sized, so no plan is made that its files could not run.
 */
export function checkKvCacheDtypes(engine: EngineModule, dtypes: readonly string[]): void {
  if (!dtypes.includes("fp8") || engine.fp8KvCache) return;
  const able = engineModules()
    .filter((e) => e.fp8KvCache && e.checkpointFormat === engine.checkpointFormat)
    .map((e) => e.name);
  throw new UserError(
    `--kv-cache-dtype fp8: llmdeploy has no way to set an 8-bit KV cache in ${engine.label}'s launch command`,
    `leave out --kv-cache-dtype fp8 for this engine${able.length ? `, or use --engine ${able.join(" or ")}` : ""}`,
    1,
    "kvCacheDtype",
  );
}

/**
 * The engine release a command sizes for: the asked one, resolved against the module's range (a
 * UserError naming the range otherwise), or the pinned one.
 */
export function engineVersionFor(engine: EngineModule, asked: string | undefined): string {
  return asked === undefined ? engine.versions.default : engine.versions.resolve(asked);
}

/**
 * The command line of the plan's engine; a UserError when the plan puts one replica across nodes and
 * the engine cannot run that way.
 */
export function engineCommand(plan: Plan): EngineCommand {
  const d = plan.recommendation;
  const m = engineModule(d.engine.name);
  if (d.nodes > 1 && m.parallel.multiNode === null) {
    const able = engineModules()
      .filter((e) => e.parallel.multiNode !== null)
      .map((e) => e.name);
    throw new UserError(
      `${m.name} cannot run one replica across ${d.nodes} nodes; llmdeploy renders multi-node deployments for ${able.join(" and ")}`,
      `plan again with --engine ${able[0]}, or with GPUs that hold the model on one node`,
    );
  }
  const release = d.engine.version ?? m.versions.default;
  const late = d.nodes > 1 && m.multiNodeProblem ? m.multiNodeProblem(release) : null;
  if (late)
    throw new UserError(
      late,
      `plan again with a release that has it (--engine-version ${m.versions.default}), or with GPUs that hold the model on one node`,
    );
  return m.command(plan);
}

/** The engine that serves a file format when the user names none: vLLM, or llama.cpp for GGUF. */
export function engineForFormat(format: "gguf" | "safetensors"): EngineModule {
  return format === "gguf" ? MODULES.llamacpp : MODULES[DEFAULT_ENGINE];
}
