/**
 * What every rendered file derives from the plan, worked out once: names, the engine's command line,
 * the image, the security switches. Files read these instead of re-deriving them, so one plan field
 * feeds one value everywhere.
 */
import type { Deployment, Plan } from "../contract/plan.js";
import { engineCommand, engineModule } from "../engines/index.js";
import type { EngineCommand, EngineModule, MetricNames } from "../engines/types.js";
import { engineImage } from "./images.js";

export interface RenderedFile {
  path: string;
  content: string;
  /** File mode; 0o644 when absent. */
  mode?: number;
}

/** Template files by their path under templates/ (e.g. "launch/engine.sh.tmpl"). */
export type Templates = Record<string, string>;

export interface Ctx {
  plan: Plan;
  d: Deployment;
  /** spec.serviceName: containers, Kubernetes objects, Prometheus job. */
  svc: string;
  port: number;
  /** The engine's module: metric names, how it runs, its image. */
  engine: EngineModule;
  cmd: EngineCommand;
  /** The metric names the plan's engine release exports (null: none), for alerts, README and KEDA. */
  metrics: MetricNames | null;
  /** Prometheus files are rendered (the engine serves Prometheus metrics llmdeploy knows the names of). */
  monitored: boolean;
  image: string;
  /** launch-<engine>.sh */
  script: string;
  distributed: boolean;
  /** GPUs (false for llama.cpp / Ollama on a CPU host). */
  gpu: boolean;
  /** Security level switches: enhanced adds TLS, a rate limit and hardened containers. */
  tls: boolean;
  hardened: boolean;
  enterprise: boolean;
  /** A model on the host's disk, mounted read-only at the same path (compose). */
  localModel: string | null;
  /** One line, safe in any comment: "<model> on <n>× <GPU> (<engine>, TP × PP)". */
  title: string;
  generatedBy: string;
  templates: Templates;
}

/**
 * One line, safe in any comment or header: C0 and C1 control characters (NUL, CR, LF, NEL U+0085 ...),
 * DEL, and the Unicode line and paragraph separators U+2028 / U+2029 become spaces.
 */
export const oneLine = (s: string): string =>
  // eslint-disable-next-line no-control-regex
  s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ").trim();

/** A model the engine reads from the host's disk (an absolute path), rather than from the Hub. */
export function localModelPath(plan: Plan): string | null {
  const ref = plan.recommendation.engine.modelRef;
  return ref.startsWith("/") ? ref : null;
}

export function context(plan: Plan, templates: Templates): Ctx {
  const d = plan.recommendation;
  const cmd = engineCommand(plan);
  const security = plan.spec.security;
  const distributed = cmd.multiNode !== null;
  const engine = engineModule(d.engine.name);
  const metrics = engine.metricsFor(d.engine.version ?? engine.versions.default);
  return {
    plan,
    d,
    svc: plan.spec.serviceName,
    port: plan.spec.port,
    engine,
    cmd,
    metrics,
    monitored: cmd.metricsPath !== null && metrics !== null,
    image: engineImage(plan),
    script: `launch-${cmd.engine}.sh`,
    distributed,
    gpu: d.deviceKind !== "cpu",
    tls: security !== "basic",
    hardened: security !== "basic",
    enterprise: security === "enterprise",
    localModel: localModelPath(plan),
    title: oneLine(
      `${plan.model.name} on ${d.replicas > 1 ? `${d.replicas} × ` : ""}${d.gpuCount}× ${d.gpuName} (${d.engine.name}, TP ${d.tensorParallel} × PP ${d.pipelineParallel})`,
    ),
    generatedBy: oneLine(plan.generatedBy),
    templates,
  };
}

export function tpl(ctx: Ctx, name: string): string {
  const s = ctx.templates[name];
  if (s === undefined) throw new Error(`template ${name} is missing from templates/`);
  return s;
}

/** Kubernetes labels and the selector every object shares. */
export const labels = (ctx: Ctx): Record<string, string> => ({
  "app.kubernetes.io/name": ctx.svc,
  "app.kubernetes.io/component": "inference",
  "app.kubernetes.io/managed-by": "llmdeploy",
});
export const selector = (ctx: Ctx): Record<string, string> => ({ "app.kubernetes.io/name": ctx.svc });
