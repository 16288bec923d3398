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

/** Where the rendered ScaledObject and NetworkPolicy expect Prometheus (the README says to adjust). */
export const PROMETHEUS_NAMESPACE = "monitoring";
export const PROMETHEUS_URL = "http://prometheus-operated.monitoring.svc:9090";
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
          command: ["/bin/bash", `/opt/llmdeploy/${ctx.script}`],
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
  // The engine runs as uid 10001 unless its image only works as root (TGI: the engine module says).
  const security: Obj = ctx.engine.runsAsNonRoot
    ? { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, allowPrivilegeEscalation: false }
    : { runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false };
  if (ctx.hardened) {
    security.readOnlyRootFilesystem = true;
    security.capabilities = { drop: ["ALL"] };
  }
  if (ctx.distributed) {
    // RDMA (InfiniBand / RoCE) between nodes pins memory: "IPC_LOCK capability - Required for pinning
    // memory in RDMA operations" (https://github.com/oracle-quickstart/oci-hpc-oke
    // docs/running-pytorch-jobs-on-oke-using-hostnetwork-with-rdma.md). The RDMA devices themselves
    // come from the cluster's device plugin (README).
    security.capabilities = { ...((security.capabilities as Obj) ?? {}), add: ["IPC_LOCK"] };
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

/**
 * The value GPU Feature Discovery gives the node label nvidia.com/gpu.product for a product name:
 * characters other than A-Z a-z 0-9 - _ . and space dropped, runs of spaces made one "-"
 * (NVIDIA/k8s-device-plugin internal/lm/resource.go sanitise(), commit 1b826acc): "NVIDIA H100 80GB
 * HBM3" -> "NVIDIA-H100-80GB-HBM3".
 */
export function gfdProductLabel(productName: string): string {
  return productName
    .replace(/[^A-Za-z0-9\-_. ]/g, "")
    .split(/\s+/)
    .filter(Boolean)
    .join("-");
}

/** The model cache claim: the checkpoint plus room for the engine's compile caches (host.diskGiB). */
function modelCacheClaim(ctx: Ctx): Obj {
  return {
    metadata: { name: "model-cache" },
    spec: {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: `${ctx.d.host.diskGiB}Gi` } },
    },
  };
}

function podSpec(ctx: Ctx, role: Role): Obj {
  const { d } = ctx;
  const containers = [engineContainer(ctx, role)];
  // The model cache is a PersistentVolumeClaim per pod (volumeClaimTemplates of the StatefulSet or
  // LeaderWorkerSet): the weights survive restarts instead of being downloaded again.
  const volumes: Obj[] = [
    { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: `${d.host.shmGiB}Gi` } },
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
    // fsGroup: the model cache volume is writable by the engine's group.
    securityContext: { fsGroup: 10001 },
    automountServiceAccountToken: false,
    ...(ctx.gpu && d.gpuProduct
      ? { nodeSelector: { "nvidia.com/gpu.product": gfdProductLabel(d.gpuProduct) } }
      : {}),
    ...(ctx.gpu
      ? { tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] }
      : {}),
    terminationGracePeriodSeconds: 60,
    containers,
    volumes,
  };
}

export function k8sFiles(ctx: Ctx, scripts: RenderedFile[]): RenderedFile[] {
  const { d, svc } = ctx;
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
      metadata: {
        ...meta(svc),
        // One replica's nodes in one topology domain, where the RDMA fabric joins them
        // (https://github.com/kubernetes-sigs/lws site/content/en/docs/concepts/_index.md: "The LWS
        // annotation leaderworkerset.sigs.k8s.io/exclusive-topology defines a 1:1 LWS replica to
        // topology placement"). The zone label is the portable choice; use your rack or fabric label.
        annotations: { "leaderworkerset.sigs.k8s.io/exclusive-topology": "topology.kubernetes.io/zone" },
      },
      spec: {
        replicas: d.replicas,
        leaderWorkerTemplate: {
          size: d.nodes,
          restartPolicy: "RecreateGroupOnPodRestart",
          volumeClaimTemplates: [modelCacheClaim(ctx)],
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
    add("statefulset.yaml", "StatefulSet: one pod per replica, each with its own model cache volume", {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: meta(svc),
      spec: {
        replicas: d.replicas,
        serviceName: `${svc}-pods`,
        selector: { matchLabels: sel },
        // Replicas start and stop independently; an update replaces one pod at a time.
        podManagementPolicy: "Parallel",
        updateStrategy: { type: "RollingUpdate" },
        template: { metadata: { labels: labels(ctx) }, spec: podSpec(ctx, "single") },
        volumeClaimTemplates: [modelCacheClaim(ctx)],
        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
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
  add(
    "headless-service.yaml",
    "headless Service: the pods' stable names, and how Prometheus finds every engine pod (not exposed through nginx)",
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(`${svc}-pods`),
      spec: {
        clusterIP: "None",
        selector: servedSel,
        ports: [{ name: "engine", port: ctx.port, targetPort: "engine" }],
      },
    },
  );
  add("pdb.yaml", "PodDisruptionBudget: drain one pod at a time", {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: meta(svc),
    spec: { maxUnavailable: 1, selector: { matchLabels: sel } },
  });
  const waiting = ctx.metrics?.waiting;
  if (waiting) {
    // KEDA queries Prometheus itself: no prometheus-adapter rule needed (vllm-project/production-stack
    // docs/source/use_cases/autoscaling-keda.rst: "prometheus-adapter is not required for KEDA
    // autoscaling"; its helm/templates/scaledobject-vllm.yaml triggers on vllm:num_requests_waiting).
    add("keda-scaledobject.yaml", `KEDA ScaledObject: more replicas when requests queue (${waiting})`, {
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      metadata: meta(svc),
      spec: {
        // A LeaderWorkerSet scales whole groups through its scale subresource.
        scaleTargetRef: ctx.distributed
          ? { apiVersion: "leaderworkerset.x-k8s.io/v1", kind: "LeaderWorkerSet", name: svc }
          : { apiVersion: "apps/v1", kind: "StatefulSet", name: svc },
        minReplicaCount: d.replicas,
        maxReplicaCount: d.replicas * 2,
        // A replica takes minutes to load its weights: scale down slowly.
        cooldownPeriod: 600,
        triggers: [
          {
            type: "prometheus",
            metadata: {
              // The Prometheus Operator's default service; change it to your Prometheus (README).
              serverAddress: PROMETHEUS_URL,
              query: `sum(${waiting}{job="${svc}"})`,
              // AverageValue: the sum divided by the replicas, against the per-replica threshold.
              threshold: String(queueThreshold(ctx)),
            },
          },
        ],
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
            // Prometheus, in this namespace or in the "monitoring" one (kubernetes.io/metadata.name is
            // set on every namespace since Kubernetes 1.22); change the name to where yours runs.
            from: [
              { podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } },
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": PROMETHEUS_NAMESPACE } },
                podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
              },
            ],
            ports: [{ protocol: "TCP", port: ctx.port }],
          },
          // The nodes of one replica talk to each other on any port (the engine's rendezvous, NCCL).
          ...(ctx.distributed ? [{ from: [{ podSelector: { matchLabels: sel } }] }] : []),
        ],
      },
    });
  }
  return files;
}
