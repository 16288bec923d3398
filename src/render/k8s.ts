/**
 * Kubernetes: a Deployment (one node per replica) or a LeaderWorkerSet (a replica across nodes), with
 * nginx as a non-root sidecar, a Service, a headless metrics Service, a PodDisruptionBudget, a
 * HorizontalPodAutoscaler on the engine's waiting requests and, at the enterprise level, a
 * NetworkPolicy. Secrets are referenced by name, never written.
 */
import { type Ctx, labels, type RenderedFile, selector } from "./context.js";
import { MODEL_DIR } from "../engines/common.js";
import { PINNED_IMAGES } from "./images.js";
import { queueThreshold } from "./monitoring.js";
import { nginxTarget, renderNginx } from "./nginx.js";
import { yamlDoc } from "./yaml.js";

type Obj = Record<string, unknown>;
type Role = "single" | "leader" | "worker";

/** The engine runs from the launch script (a ConfigMap) across nodes and for Ollama; else directly. */
const usesScripts = (ctx: Ctx): boolean => ctx.distributed || ctx.cmd.needsScript;

/**
 * Kubernetes expands `$(VAR)` in a container's command, args and env values from the container's
 * environment; `$$` is its escape for a literal `$`
 * (https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/).
 * Every `$` is doubled so a model path or name containing `$(HF_TOKEN)` stays literal.
 */
export const k8sLiteral = (s: string): string => s.replace(/\$/g, "$$$$");

function engineContainer(ctx: Ctx, role: Role): Obj {
  const { d, cmd } = ctx;
  const run =
    role === "single" && !usesScripts(ctx)
      ? { command: [k8sLiteral(cmd.program)], args: cmd.args.map(k8sLiteral) }
      : {
          command: [
            "/bin/bash",
            `/opt/llmdeploy/${role === "worker" && ctx.workerScript ? ctx.workerScript : ctx.script}`,
          ],
        };
  const env: Obj[] = [
    ...Object.entries(cmd.env).map(([name, value]) => ({ name, value: k8sLiteral(value) })),
    { name: "HOME", value: "/tmp" },
  ];
  if (cmd.usesHfHub) {
    env.push({
      name: "HF_TOKEN",
      valueFrom: { secretKeyRef: { name: `${ctx.svc}-hf-token`, key: "token", optional: true } },
    });
  }
  const security: Obj = { allowPrivilegeEscalation: false };
  if (ctx.hardened) {
    security.readOnlyRootFilesystem = true;
    security.capabilities = { drop: ["ALL"] };
  }
  const container: Obj = {
    name: "engine",
    image: ctx.image,
    ...run,
    env,
    ports: [{ name: "engine", containerPort: ctx.port }],
    resources: {
      requests: { cpu: String(d.host.cpuCores), memory: `${d.host.ramGiB}Gi` },
      limits: {
        memory: `${d.host.ramGiB}Gi`,
        ...(ctx.gpu ? { "nvidia.com/gpu": String(d.gpusPerNode) } : {}),
      },
    },
    volumeMounts: [
      { name: "dshm", mountPath: "/dev/shm" },
      { name: "model-cache", mountPath: MODEL_DIR },
      { name: "tmp", mountPath: "/tmp" },
      ...(usesScripts(ctx) ? [{ name: "scripts", mountPath: "/opt/llmdeploy" }] : []),
    ],
    securityContext: security,
  };
  if (role !== "worker") {
    const probe = (extra: Obj) => ({ httpGet: { path: cmd.healthPath, port: "engine" }, ...extra });
    // Up to 30 minutes to download and load the weights before the liveness probe takes over.
    container.startupProbe = probe({ periodSeconds: 10, failureThreshold: 180 });
    container.readinessProbe = probe({ periodSeconds: 10, failureThreshold: 3 });
    container.livenessProbe = probe({ periodSeconds: 30, failureThreshold: 3, timeoutSeconds: 5 });
  }
  return container;
}

function nginxContainer(ctx: Ctx): Obj {
  const nt = nginxTarget(ctx, "kubernetes");
  return {
    name: "nginx",
    image: PINNED_IMAGES.nginx.image,
    ports: [
      { name: "http", containerPort: nt.httpPort },
      ...(ctx.tls ? [{ name: "https", containerPort: nt.httpsPort }] : []),
    ],
    volumeMounts: [
      { name: "nginx-config", mountPath: "/etc/nginx/nginx.conf", subPath: "nginx.conf" },
      { name: "api-keys", mountPath: "/etc/nginx/secrets", readOnly: true },
      { name: "nginx-tmp", mountPath: "/tmp" },
      ...(ctx.tls ? [{ name: "tls", mountPath: "/etc/nginx/tls", readOnly: true }] : []),
    ],
    readinessProbe: { httpGet: { path: "/health", port: "http" }, periodSeconds: 10 },
    resources: { requests: { cpu: "250m", memory: "128Mi" }, limits: { memory: "512Mi" } },
    securityContext: {
      allowPrivilegeEscalation: false,
      // The official image's nginx user.
      runAsUser: 101,
      runAsGroup: 101,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    },
  };
}

function podSpec(ctx: Ctx, role: Role): Obj {
  const { d } = ctx;
  const containers = [engineContainer(ctx, role)];
  const volumes: Obj[] = [
    { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: `${d.host.shmGiB}Gi` } },
    // Swap for a PersistentVolumeClaim to keep the weights across restarts.
    { name: "model-cache", emptyDir: { sizeLimit: `${d.host.diskGiB}Gi` } },
    { name: "tmp", emptyDir: {} },
  ];
  if (usesScripts(ctx)) {
    volumes.push({ name: "scripts", configMap: { name: `${ctx.svc}-scripts`, defaultMode: 0o755 } });
  }
  if (role !== "worker") {
    containers.push(nginxContainer(ctx));
    volumes.push(
      { name: "nginx-config", configMap: { name: `${ctx.svc}-nginx` } },
      { name: "api-keys", secret: { secretName: `${ctx.svc}-api-keys` } },
      { name: "nginx-tmp", emptyDir: {} },
      ...(ctx.tls ? [{ name: "tls", secret: { secretName: `${ctx.svc}-tls` } }] : []),
    );
  }
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
    automountServiceAccountToken: false,
    ...(ctx.gpu
      ? { tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] }
      : {}),
    terminationGracePeriodSeconds: 60,
    containers,
    volumes,
  };
}

export function k8sFiles(ctx: Ctx, scripts: RenderedFile[]): RenderedFile[] {
  const { d, cmd, svc } = ctx;
  const meta = (name: string) => ({ name, labels: labels(ctx) });
  const sel = selector(ctx);
  const servedSel = ctx.distributed ? { ...sel, role: "leader" } : sel;
  const head = (what: string) => `${what} for ${ctx.title}. Generated by ${ctx.generatedBy}.`;
  const nt = nginxTarget(ctx, "kubernetes");
  const files: RenderedFile[] = [];
  const add = (path: string, what: string, obj: Obj) =>
    files.push({ path: `k8s/${path}`, content: yamlDoc(head(what), obj) });

  add("nginx-configmap.yaml", "nginx configuration (the API keys come from a Secret)", {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: meta(`${svc}-nginx`),
    data: { "nginx.conf": renderNginx(ctx, nt) },
  });
  if (usesScripts(ctx)) {
    add("scripts-configmap.yaml", "launch scripts", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta(`${svc}-scripts`),
      data: Object.fromEntries(scripts.map((f) => [f.path, f.content])),
    });
  }
  if (ctx.distributed) {
    add("leaderworkerset.yaml", "LeaderWorkerSet: per replica, a leader (serves the API) and its workers", {
      apiVersion: "leaderworkerset.x-k8s.io/v1",
      kind: "LeaderWorkerSet",
      metadata: meta(svc),
      spec: {
        replicas: d.replicas,
        leaderWorkerTemplate: {
          size: d.nodes,
          restartPolicy: "RecreateGroupOnPodRestart",
          leaderTemplate: {
            metadata: { labels: { ...labels(ctx), role: "leader" } },
            spec: podSpec(ctx, "leader"),
          },
          workerTemplate: {
            metadata: { labels: { ...labels(ctx), role: "worker" } },
            spec: podSpec(ctx, "worker"),
          },
        },
      },
    });
  } else {
    add("deployment.yaml", "Deployment", {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta(svc),
      spec: {
        replicas: d.replicas,
        selector: { matchLabels: sel },
        // A new pod must be ready before an old one goes: GPUs are scarce, so surge by one.
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: { metadata: { labels: labels(ctx) }, spec: podSpec(ctx, "single") },
      },
    });
  }
  add("service.yaml", "Service (through nginx)", {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(svc),
    spec: {
      type: "ClusterIP",
      selector: servedSel,
      ports: [
        { name: "http", port: 80, targetPort: "http" },
        ...(ctx.tls ? [{ name: "https", port: 443, targetPort: "https" }] : []),
      ],
    },
  });
  if (cmd.metricsPath) {
    add(
      "metrics-service.yaml",
      "headless Service for Prometheus to find every engine pod (not exposed through nginx)",
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: meta(`${svc}-metrics`),
        spec: {
          clusterIP: "None",
          selector: servedSel,
          ports: [{ name: "engine", port: ctx.port, targetPort: "engine" }],
        },
      },
    );
  }
  add("pdb.yaml", "PodDisruptionBudget: drain one pod at a time", {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: meta(svc),
    spec: { maxUnavailable: 1, selector: { matchLabels: sel } },
  });
  const waiting = ctx.engine.metrics?.waiting;
  if (waiting) {
    // Custom metrics cannot contain ':'; prometheus-adapter exposes vllm:x as vllm_x (see README).
    const metric = waiting.replace(/:/g, "_");
    add("hpa.yaml", `HorizontalPodAutoscaler on the engine's waiting requests (${waiting})`, {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: meta(svc),
      spec: {
        // A LeaderWorkerSet scales whole groups; its scale subresource selects the leaders.
        scaleTargetRef: ctx.distributed
          ? { apiVersion: "leaderworkerset.x-k8s.io/v1", kind: "LeaderWorkerSet", name: svc }
          : { apiVersion: "apps/v1", kind: "Deployment", name: svc },
        minReplicas: d.replicas,
        maxReplicas: d.replicas * 2,
        metrics: [
          {
            type: "Pods",
            pods: {
              metric: { name: metric },
              target: { type: "AverageValue", averageValue: String(queueThreshold(ctx)) },
            },
          },
        ],
        // Scale down slowly: a replica takes minutes to load its weights again.
        behavior: { scaleDown: { stabilizationWindowSeconds: 600 } },
      },
    });
  }
  if (ctx.enterprise) {
    add("networkpolicy.yaml", "NetworkPolicy: clients reach nginx only; Prometheus reaches the engine", {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta(svc),
      spec: {
        podSelector: { matchLabels: sel },
        policyTypes: ["Ingress"],
        ingress: [
          {
            ports: [
              { protocol: "TCP", port: nt.httpPort },
              ...(ctx.tls ? [{ protocol: "TCP", port: nt.httpsPort }] : []),
            ],
          },
          {
            from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } }],
            ports: [{ protocol: "TCP", port: ctx.port }],
          },
          // The nodes of one replica talk to each other on any port (Ray, NCCL).
          ...(ctx.distributed ? [{ from: [{ podSelector: { matchLabels: sel } }] }] : []),
        ],
      },
    });
  }
  return files;
}
