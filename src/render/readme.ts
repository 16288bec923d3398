/**
 * README.md of the output folder: the plan in a table, how to start it, what each file is. Plan
 * strings appear only inside Markdown inline code (mdCode), on one line.
 */
import { figureBands } from "../contract/plan.js";
import { type Ctx, type RenderedFile, tpl } from "./context.js";
import { METRIC_NAME } from "../planner/targets.js";
import { PROMETHEUS_NAMESPACE, PROMETHEUS_URL } from "./k8s.js";
import { fillTemplate, mdCell, mdCode, mdText } from "./template.js";

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;

const SECURITY: Record<string, string> = {
  basic: "API keys checked by nginx",
  enhanced:
    "API keys, TLS (HTTP redirected to HTTPS), a per-client rate limit, read-only root filesystems, no capabilities",
  enterprise:
    "API keys, TLS with client certificates verified when presented, a rate limit, hardened containers, an isolated network (NetworkPolicy on Kubernetes), a JSON audit log",
};

/** How a checkpoint reaches the engine, by its source (plan CheckpointRecord.source). */
const CHECKPOINT_SOURCES: Record<string, string> = {
  model: "the model's own checkpoint",
  catalog: "a published checkpoint from llmdeploy's catalog, loaded as stored",
  "in-flight": "the model's 16-bit checkpoint, quantized by the engine while loading",
  user: "your checkpoint (--model-ref), as read",
};

export function describeFile(path: string, monitored = true): string {
  if (path === "Dockerfile")
    return "the engine image: the pinned engine release, a non-root user, a health check";
  if (path.startsWith("launch-")) return "starts the engine with every setting from the plan";
  if (path === "compose.yaml")
    return `docker compose: the engine, nginx in front${monitored ? ", Prometheus (profile `monitoring`)" : ""}`;
  if (path === "compose.worker.yaml") return "docker compose for each of the other nodes";
  if (path === "nginx/nginx.conf") return "nginx: API keys, streaming, limits, TLS by security level";
  if (path === "secrets/.gitignore") return "keeps the real secrets out of version control";
  if (path.startsWith("secrets/")) return "the format of the API keys file (an example: no key in it)";
  if (path === "monitoring/prometheus.yml") return "Prometheus: scrapes the engine's metrics";
  if (path === "monitoring/alerts.yml")
    return "alerts: queue growing, KV cache nearly full, TTFT p95 over target, engine down";
  const k8s: Record<string, string> = {
    "k8s/statefulset.yaml":
      "the engine and its nginx sidecar, one pod per replica, each with its own model-cache volume claim",
    "k8s/leaderworkerset.yaml": "one group of pods per replica: a leader (engine, nginx) and its workers",
    "k8s/service.yaml": "the Service clients use (through nginx)",
    "k8s/headless-service.yaml": `a headless Service: the pods' stable names${monitored ? ", found by Prometheus" : ""}`,
    "k8s/keda-scaledobject.yaml": "KEDA autoscaling on the engine's waiting requests (needs KEDA)",
    "k8s/pdb.yaml": "PodDisruptionBudget: one pod drained at a time",
    "k8s/networkpolicy.yaml": "NetworkPolicy: only nginx's ports and Prometheus get in",
    "k8s/nginx-configmap.yaml": "nginx's configuration for the sidecar (non-root, on unprivileged ports)",
    "k8s/scripts-configmap.yaml": "the launch scripts, mounted into the pods",
  };
  if (path === "README.md") return "this file";
  return k8s[path] ?? "";
}

/**
 * The README's lines for a plan that misses its targets (recommendation.meetsTargets false), each
 * "> - " and one miss: a latency target with the prediction, how far over it is (ms and %), and the
 * error band's pessimistic end; other misses as the plan words them. Empty when it meets them.
 */
export function missLines(d: Ctx["d"]): string {
  if (d.meetsTargets) return "";
  const lines: string[] = [];
  const checks = (d.targets ?? []).filter((t) => !t.met);
  for (const t of checks) {
    const over = t.predictedMs - t.targetMs;
    const name = METRIC_NAME[t.metric];
    lines.push(
      over > 0
        ? `> - ${name}: predicted ${Math.round(t.predictedMs)} ms against a ${t.targetMs} ms target, ${Math.round(over)} ms (${Math.round((over / t.targetMs) * 100)} %) over`
        : `> - ${name}: predicted ${Math.round(t.predictedMs)} ms against a ${t.targetMs} ms target, but up to ${Math.round(t.pessimisticMs)} ms within the ±${Math.round(t.band * 100)} % error band`,
    );
  }
  // Misses the checks do not cover (plans written before `targets`, load the plan cannot carry).
  // (the planner words a latency miss "<METRIC_NAME> ...": src/planner/evaluate.ts targetMisses)
  const covered = checks.map((t) => `${METRIC_NAME[t.metric]} `);
  for (const m of d.misses) if (!covered.some((c) => m.startsWith(c))) lines.push(`> - ${mdText(m)}`);
  if (!lines.length) lines.push("> - the plan records no reason");
  return lines.join("\n");
}

/** The metric names the rendered alerts use, as Markdown ("`vllm:num_requests_waiting` (queue), ..."). */
function alertMetrics(ctx: Ctx): string {
  const m = ctx.metrics;
  if (!m) return "";
  const parts = [
    ...(m.waiting ? [`${mdCode(m.waiting)} (requests waiting)`] : []),
    ...(m.kvUsage.length ? [`${m.kvUsage.map(mdCode).join(" or ")} (KV cache use)`] : []),
    ...(m.ttftBucket ? [`${mdCode(m.ttftBucket)} (TTFT p95)`] : []),
  ];
  return parts.join(", ");
}

export function readme(ctx: Ctx, files: RenderedFile[]): RenderedFile {
  const { d, plan } = ctx;
  const p = d.performance;
  const compose = plan.spec.packaging === "compose";
  const tls = ctx.tls;
  const waiting = ctx.metrics?.waiting ?? null;
  const fileList = [...files.map((f) => f.path), "README.md"]
    .sort()
    .map((f) => `- ${mdCode(f)}: ${describeFile(f, ctx.monitored)}`)
    .join("\n");
  const content = fillTemplate("README.md.tmpl", tpl(ctx, "README.md.tmpl"), {
    title: mdText(ctx.title),
    infeasible: !d.meetsTargets,
    missLines: missLines(d),
    generatedBy: mdText(ctx.generatedBy),
    model: mdCell(plan.model.hfId ?? plan.model.id),
    modelRef: mdCell(d.engine.modelRef),
    checkpoint: d.checkpoint
      ? `${mdCell(d.checkpoint.label)}; ${CHECKPOINT_SOURCES[d.checkpoint.source]}${d.engine.quantization ? ` (${mdCell(d.engine.quantization)})` : ""}`
      : "as the plan names it (a plan made before llmdeploy 0.2 records no checkpoint)",
    served: mdCell(d.engine.servedModelName),
    gpus: `${d.replicas > 1 ? `${d.replicas} replicas × ` : ""}${d.gpuCount}× ${mdCell(d.gpuName)}`,
    mode: d.mode,
    parallel: `TP ${d.tensorParallel} × PP ${d.pipelineParallel}${d.nodes > 1 ? ` over ${d.nodes} nodes of ${d.gpusPerNode}` : ""}`,
    precision: `${mdCell(d.precision)}${d.kvCacheDtype === "fp8" ? ", KV cache fp8" : ""}`,
    engine: `${d.engine.name} (${mdCell(ctx.image)})`,
    maxModelLen: d.engine.maxModelLen,
    maxNumSeqs: d.engine.maxNumSeqs,
    ttft: Math.round(p.ttftMs),
    tpot: p.tpotMs.toFixed(1),
    throughput: Math.round(p.outputTokensPerSec),
    // Each figure with its own band (plans written before the per-figure bands: the overall one).
    ttftBand: Math.round(figureBands(p).ttft * 100),
    tpotBand: Math.round(figureBands(p).tpot * 100),
    throughputBand: Math.round(figureBands(p).throughput * 100),
    cost:
      d.cost.perHourUsd === null
        ? "no price"
        : `$${d.cost.perHourUsd.toFixed(2)}/h (${mdCell(d.cost.basis)})`,
    weights: gib(d.memory.perGpu.weightsBytes),
    kv: `${gib(d.memory.perGpu.kvCacheBytes)} (${d.memory.kvCacheTokens} tokens)`,
    host: `${d.host.cpuCores} cores, ${d.host.ramGiB} GiB RAM, ${d.host.diskGiB} GiB disk, ${d.host.shmGiB} GiB /dev/shm${d.host.network ? `; ${mdCell(d.host.network)}` : ""}`,
    security: plan.spec.security,
    securityWhat: SECURITY[plan.spec.security] ?? "",
    compose,
    kubernetes: !compose,
    hfToken: ctx.cmd.usesHfHub,
    gated: ctx.cmd.usesHfHub && ctx.d.checkpoint?.gated === true,
    tls,
    mtls: ctx.enterprise,
    isolated: ctx.enterprise && !ctx.distributed,
    gguf: ctx.cmd.modelFile !== null,
    ggufDownload: ctx.cmd.env.LLAMA_CACHE !== undefined && Boolean(d.checkpoint?.file),
    ggufDownloadFile: mdCode(d.checkpoint?.file ?? ""),
    ggufDownloadRepo: mdCode(d.checkpoint?.repo ?? ""),
    pull: ctx.cmd.pullAfterStart !== null,
    pullModel: mdCode(ctx.cmd.pullAfterStart?.model ?? ""),
    ggufFile: mdCode(ctx.cmd.modelFile?.path ?? ""),
    ggufName: ctx.cmd.modelFile?.name ?? "",
    // A sanitised name in the model volume.
    ggufTarget: ctx.cmd.modelFile?.path ?? "",
    localModel: ctx.localModel !== null,
    localModelPath: mdCode(ctx.localModel ?? ""),
    distributed: ctx.distributed,
    leaderPort: ctx.cmd.multiNode?.port ?? "",
    workers: d.nodes - 1,
    svc: ctx.svc,
    replicas: d.replicas,
    // docker compose starts every replica on the one host it runs on: that host needs them all.
    composeReplicas: compose && d.replicas > 1 && d.nodes === 1,
    composeGpus: d.replicas * d.gpuCount,
    gpuCount: d.gpuCount,
    hpa: waiting !== null && ctx.monitored,
    monitored: ctx.monitored,
    composeMonitoring: ctx.monitored ? " (add `--profile monitoring` for Prometheus on 127.0.0.1:9090)" : "",
    commonDirs: ctx.monitored ? "`nginx/`, `monitoring/`" : "`nginx/`",
    metricsPath: mdCode(ctx.cmd.metricsPath ?? ""),
    alertMetrics: alertMetrics(ctx),
    unmonitored: mdText(
      ctx.engine.unmonitored ?? `${ctx.engine.label} exports no Prometheus metrics llmdeploy knows`,
    ),
    healthPath: mdCode(ctx.cmd.healthPath),
    hpaSource: waiting ?? "",
    prometheusUrl: PROMETHEUS_URL,
    prometheusNamespace: PROMETHEUS_NAMESPACE,
    servicePort: tls ? 443 : 80,
    scheme: tls ? "https" : "http",
    packagingFiles: compose
      ? "This one is docker compose (`compose.yaml`); `packaging: kubernetes` in the plan's spec renders\n`k8s/` instead."
      : "This one is Kubernetes (`k8s/`): it runs the engine image directly and carries nginx's\nconfiguration in a ConfigMap; the Dockerfile and `nginx/nginx.conf` run the same engine without it.",
    files: fileList,
  });
  return { path: "README.md", content };
}
