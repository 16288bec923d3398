/**
 * `render`: a Plan in, the deployment files out, as a list of {path, content, mode}. Pure: templates
 * arrive as data (the CLI reads templates/), nothing is written here. Every number in every file
 * comes from the plan; YAML documents are built as objects and serialised with `yaml`, so they are
 * always valid YAML, and every value that reaches a shell, nginx, a Dockerfile or Markdown is escaped
 * for it.
 */
import { stringify } from "yaml";
import type { Plan } from "../plan/types.js";
import { type EngineCommand, engineCommand, ggufFileName, MODEL_DIR } from "./engines.js";
import { PINNED_IMAGES } from "./images.js";
import { fillTemplate, mdCode, shellQuote, type TemplateValues } from "./template.js";

export interface RenderedFile {
  path: string;
  content: string;
  /** File mode; 0o644 when absent. */
  mode?: number;
}

export type Templates = Record<string, string>;

const yamlDoc = (header: string, value: unknown): string =>
  `# ${header}\n` + stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });

/** Names used across files, derived once. */
function names(plan: Plan) {
  const svc = plan.spec.serviceName;
  const d = plan.recommendation;
  const cmd = engineCommand(plan);
  const script = `launch-${cmd.engine}.sh`;
  const security = plan.spec.security;
  return {
    svc,
    d,
    cmd,
    script,
    tls: security !== "basic",
    hardened: security !== "basic",
    enterprise: security === "enterprise",
    distributed: d.mode === "distributed",
    gpu: d.deviceKind !== "cpu",
    title:
      `${plan.model.name} on ${d.replicas > 1 ? `${d.replicas} × ` : ""}${d.gpuCount}× ${d.gpuName} (${d.engine.name}, TP ${d.tensorParallel} × PP ${d.pipelineParallel})`.replace(
        /[\r\n]+/g,
        " ",
      ),
  };
}

type Names = ReturnType<typeof names>;

function engineScript(plan: Plan, n: Names, t: Templates): RenderedFile {
  const { cmd } = n;
  const values: TemplateValues = {
    title: n.title,
    generatedBy: plan.generatedBy,
    hfTokenFile: cmd.engine !== "llamacpp" && cmd.engine !== "ollama",
    envLines: Object.entries(cmd.env)
      .map(([k, v]) => `export ${k}=${shellQuote(v)}`)
      .join("\n"),
    argLines: cmd.args.map((a) => `  ${shellQuote(a)}`).join("\n"),
    distributed: n.distributed && cmd.engine === "vllm",
    nodes: n.d.nodes,
    program: shellQuote(cmd.program),
  };
  let content = fillTemplate("launch/engine.sh.tmpl", tpl(t, "launch/engine.sh.tmpl"), values);
  if (cmd.engine === "ollama") {
    // Ollama serves in the background while the model is pulled, then stays in the foreground.
    content = content.replace(
      /^exec .*$/m,
      `${shellQuote(cmd.program)} "\${args[@]}" "$@" &\nserver=$!\n` +
        `until ollama list >/dev/null 2>&1; do sleep 1; done\n` +
        `ollama pull "\${OLLAMA_MODEL:-${plan.model.id}}"\nwait "\${server}"`,
    );
  }
  return { path: n.script, content, mode: 0o755 };
}

function tpl(t: Templates, name: string): string {
  const s = t[name];
  if (s === undefined) throw new Error(`template ${name} is missing from templates/`);
  return s;
}

function dockerfile(plan: Plan, n: Names, t: Templates): RenderedFile {
  const { cmd } = n;
  const port = plan.spec.port;
  const health =
    cmd.engine === "ollama"
      ? ["ollama", "list"]
      : ["curl", "-fsS", `http://127.0.0.1:${port}${cmd.healthPath}`];
  const content = fillTemplate("Dockerfile.tmpl", tpl(t, "Dockerfile.tmpl"), {
    title: n.title,
    generatedBy: plan.generatedBy,
    image: n.d.engine.image,
    cacheDir: MODEL_DIR,
    script: n.script,
    envLines: Object.entries(cmd.env)
      .map(([k, v]) => `ENV ${k}=${JSON.stringify(v)}`)
      .join("\n"),
    port,
    healthcheck: JSON.stringify(health),
  });
  return { path: "Dockerfile", content };
}

export interface NginxTarget {
  upstreams: string[];
  httpPort: number;
  httpsPort: number;
  keysFile: string;
  tlsDir: string;
  accessLog: string;
  errorLog: string | null;
  pidFile: string | null;
  tempDir: string | null;
}

/** nginx for compose (root in the official image, ports 80/443) or Kubernetes (non-root sidecar). */
export function nginxTarget(plan: Plan, packaging: "compose" | "kubernetes"): NginxTarget {
  const d = plan.recommendation;
  const port = plan.spec.port;
  // Kubernetes: nginx is a sidecar in the engine's pod; compose across nodes: host networking.
  const engines =
    packaging === "kubernetes" || d.mode === "distributed"
      ? [`127.0.0.1:${port}`]
      : d.replicas > 1
        ? Array.from({ length: d.replicas }, (_, i) => `engine-${i}:${port}`)
        : [`engine:${port}`];
  return packaging === "kubernetes"
    ? {
        upstreams: engines,
        httpPort: 8080,
        httpsPort: 8443,
        keysFile: "/etc/nginx/secrets/api-keys.map",
        tlsDir: "/etc/nginx/tls",
        // The official nginx image links these two files to the container's stdout and stderr.
        accessLog: "/var/log/nginx/access.log",
        errorLog: "/var/log/nginx/error.log",
        pidFile: "/tmp/nginx.pid",
        tempDir: "/tmp/nginx",
      }
    : {
        upstreams: engines,
        httpPort: 80,
        httpsPort: 443,
        keysFile: "/etc/nginx/secrets/api-keys.map",
        tlsDir: "/etc/nginx/tls",
        // The official nginx image links these two files to the container's stdout and stderr.
        accessLog: "/var/log/nginx/access.log",
        errorLog: "/var/log/nginx/error.log",
        pidFile: null,
        tempDir: null,
      };
}

export function renderNginx(plan: Plan, t: Templates, target: NginxTarget): string {
  const n = names(plan);
  const perf = n.d.performance;
  // Rate limit: a client may send twice the deployment's predicted request rate, in bursts of its
  // batch; long generations make this generous for chat and tight for floods.
  const rate = Math.max(1, Math.ceil(perf.requestsPerSec * 2));
  return fillTemplate("nginx.conf.tmpl", tpl(t, "nginx.conf.tmpl"), {
    title: n.title,
    generatedBy: plan.generatedBy,
    keysFile: target.keysFile,
    pidFile: target.pidFile,
    errorLog: target.errorLog,
    tempDir: target.tempDir,
    jsonLog: n.enterprise,
    accessLog: target.accessLog,
    rateLimit: n.hardened,
    ratePerSecond: rate,
    rateBurst: Math.max(1, Math.ceil(perf.capacity)),
    upstream: target.upstreams.join(";\n    server "),
    tls: n.tls,
    httpPort: target.httpPort,
    httpsPort: target.httpsPort,
    tlsDir: target.tlsDir,
    mtls: n.enterprise,
    healthPath: n.cmd.healthPath,
    maxBodySize: "10m",
    readTimeout: "3600s",
  });
}

const NGINX_IMAGE = PINNED_IMAGES.nginx.image;
const PROMETHEUS_IMAGE = PINNED_IMAGES.prometheus.image;

function composeFiles(plan: Plan, n: Names): RenderedFile[] {
  const { d, cmd } = n;
  const port = plan.spec.port;
  const replicas = d.replicas;
  const perHostGpus = d.gpusPerNode;
  const engineService = (i: number | null): Record<string, unknown> => {
    const svc: Record<string, unknown> = {
      build: { context: ".", dockerfile: "Dockerfile" },
      image: `llmdeploy/${n.svc}:${d.engine.name}`,
      restart: "unless-stopped",
      environment: { ...cmd.env, HF_TOKEN_FILE: "/run/secrets/hf_token" },
      secrets: ["hf_token"],
      volumes: [`model-cache:${MODEL_DIR}`],
      expose: [String(port)],
      healthcheck: {
        test:
          cmd.engine === "ollama"
            ? ["CMD", "ollama", "list"]
            : ["CMD", "curl", "-fsS", `http://127.0.0.1:${port}${cmd.healthPath}`],
        interval: "30s",
        timeout: "5s",
        retries: 3,
        // Downloading and loading the weights, then compiling CUDA graphs, takes a while.
        start_period: "30m",
      },
    };
    if (n.gpu) {
      // Several GPUs talk through shared memory (NCCL); one GPU needs only a modest /dev/shm.
      if (d.gpuCount > 1) svc.ipc = "host";
      else svc.shm_size = `${d.host.shmGiB}gb`;
      const device: Record<string, unknown> = { driver: "nvidia", capabilities: ["gpu"] };
      if (i === null) device.count = perHostGpus;
      else device.device_ids = Array.from({ length: perHostGpus }, (_, k) => String(i * perHostGpus + k));
      svc.deploy = { resources: { reservations: { devices: [device] } } };
    } else {
      svc.shm_size = `${d.host.shmGiB}gb`;
    }
    if (n.distributed) {
      svc.network_mode = "host";
      delete svc.expose;
    }
    if (n.hardened) {
      // Read-only root: caches (torch compile, Triton) go to the tmpfs.
      svc.environment = { ...(svc.environment as object), HOME: "/tmp", XDG_CACHE_HOME: "/tmp/.cache" };
      svc.read_only = true;
      svc.tmpfs = ["/tmp"];
      svc.cap_drop = ["ALL"];
      svc.security_opt = ["no-new-privileges:true"];
    }
    if (n.enterprise && !n.distributed) svc.networks = ["internal"];
    return svc;
  };
  const services: Record<string, unknown> = {};
  const engineNames: string[] = [];
  if (replicas > 1 && !n.distributed) {
    for (let i = 0; i < replicas; i++) {
      services[`engine-${i}`] = engineService(i);
      engineNames.push(`engine-${i}`);
    }
  } else {
    services.engine = engineService(null);
    engineNames.push("engine");
  }
  const nginxPorts = n.tls ? ["80:80", "443:443"] : ["80:80"];
  const nginx: Record<string, unknown> = {
    image: NGINX_IMAGE,
    restart: "unless-stopped",
    ports: nginxPorts,
    volumes: [
      "./nginx/nginx.conf:/etc/nginx/nginx.conf:ro",
      "./secrets/api-keys.map:/etc/nginx/secrets/api-keys.map:ro",
      ...(n.tls ? ["./secrets/tls:/etc/nginx/tls:ro"] : []),
    ],
    depends_on: Object.fromEntries(engineNames.map((e) => [e, { condition: "service_healthy" }])),
  };
  if (n.hardened) {
    nginx.read_only = true;
    nginx.tmpfs = ["/var/cache/nginx", "/var/run"];
  }
  if (n.enterprise && !n.distributed) nginx.networks = ["internal", "public"];
  if (n.distributed) nginx.network_mode = "host";
  services.nginx = nginx;
  if (cmd.metricsPath) {
    services.prometheus = {
      image: PROMETHEUS_IMAGE,
      profiles: ["monitoring"],
      restart: "unless-stopped",
      command: ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.retention.time=15d"],
      volumes: ["./monitoring:/etc/prometheus:ro", "prometheus-data:/prometheus"],
      ports: ["127.0.0.1:9090:9090"],
      ...(n.enterprise && !n.distributed ? { networks: ["internal"] } : {}),
      ...(n.distributed ? { network_mode: "host" } : {}),
    };
  }
  // No top-level `name`: older compose-spec schemas reject it; the project is named after the folder.
  const compose: Record<string, unknown> = {
    services,
    secrets: { hf_token: { file: "./secrets/hf_token" } },
    volumes: { "model-cache": {}, ...(cmd.metricsPath ? { "prometheus-data": {} } : {}) },
  };
  if (n.enterprise && !n.distributed) {
    // The engine has no route out or in except through nginx.
    compose.networks = { internal: { internal: true }, public: {} };
  }
  const files: RenderedFile[] = [
    {
      path: "compose.yaml",
      content: yamlDoc(`docker compose for ${n.title}. Generated by ${plan.generatedBy}.`, compose),
    },
  ];
  if (n.distributed) {
    const worker = {
      services: {
        "ray-worker": {
          image: d.engine.image,
          restart: "unless-stopped",
          network_mode: "host",
          ipc: "host",
          entrypoint: ["/bin/bash", "/opt/llmdeploy/ray-worker.sh"],
          environment: {
            RAY_HEAD_ADDRESS: "${RAY_HEAD_ADDRESS:?set RAY_HEAD_ADDRESS=head-host:6379}",
            ...cmd.env,
          },
          volumes: ["./ray-worker.sh:/opt/llmdeploy/ray-worker.sh:ro", `model-cache:${MODEL_DIR}`],
          deploy: {
            resources: {
              reservations: { devices: [{ driver: "nvidia", count: perHostGpus, capabilities: ["gpu"] }] },
            },
          },
        },
      },
      volumes: { "model-cache": {} },
    };
    files.push({
      path: "compose.worker.yaml",
      content: yamlDoc(
        `Ray worker: run on each of the ${d.nodes - 1} other node(s) with RAY_HEAD_ADDRESS set. Generated by ${plan.generatedBy}.`,
        worker,
      ),
    });
  }
  return files;
}

const labels = (plan: Plan) => ({
  "app.kubernetes.io/name": plan.spec.serviceName,
  "app.kubernetes.io/component": "inference",
  "app.kubernetes.io/managed-by": "llmdeploy",
});

function podSpec(plan: Plan, n: Names, role: "single" | "leader" | "worker"): Record<string, unknown> {
  const { d, cmd } = n;
  const port = plan.spec.port;
  const engineArgs =
    role === "single"
      ? { command: [cmd.program], args: cmd.args }
      : role === "leader"
        ? { command: ["/bin/bash", `/opt/llmdeploy/${n.script}`] }
        : { command: ["/bin/bash", "/opt/llmdeploy/ray-worker.sh"] };
  const env: Record<string, unknown>[] = [
    ...Object.entries(cmd.env).map(([name, value]) => ({ name, value })),
    { name: "HOME", value: "/tmp" },
    {
      name: "HF_TOKEN",
      valueFrom: { secretKeyRef: { name: `${n.svc}-hf-token`, key: "token", optional: true } },
    },
  ];
  if (role === "worker") env.push({ name: "RAY_HEAD_ADDRESS", value: "$(LWS_LEADER_ADDRESS):6379" });
  const containerSecurity: Record<string, unknown> = { allowPrivilegeEscalation: false };
  if (n.hardened) {
    containerSecurity.readOnlyRootFilesystem = true;
    containerSecurity.capabilities = { drop: ["ALL"] };
  }
  const probe = (extra: Record<string, unknown>) => ({
    httpGet: { path: cmd.healthPath, port: "engine" },
    ...extra,
  });
  const engine: Record<string, unknown> = {
    name: "engine",
    image: d.engine.image,
    ...engineArgs,
    env,
    ports: [{ name: "engine", containerPort: port }],
    resources: {
      requests: { cpu: String(d.host.cpuCores), memory: `${d.host.ramGiB}Gi` },
      limits: { memory: `${d.host.ramGiB}Gi`, ...(n.gpu ? { "nvidia.com/gpu": String(d.gpusPerNode) } : {}) },
    },
    volumeMounts: [
      { name: "dshm", mountPath: "/dev/shm" },
      { name: "model-cache", mountPath: MODEL_DIR },
      { name: "tmp", mountPath: "/tmp" },
      ...(role !== "single" ? [{ name: "scripts", mountPath: "/opt/llmdeploy" }] : []),
    ],
    securityContext: containerSecurity,
  };
  if (role !== "worker") {
    // Up to 30 minutes to download and load the weights before the liveness probe takes over.
    engine.startupProbe = probe({ periodSeconds: 10, failureThreshold: 180 });
    engine.readinessProbe = probe({ periodSeconds: 10, failureThreshold: 3 });
    engine.livenessProbe = probe({ periodSeconds: 30, failureThreshold: 3, timeoutSeconds: 5 });
  }
  const containers: Record<string, unknown>[] = [engine];
  const volumes: Record<string, unknown>[] = [
    { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: `${d.host.shmGiB}Gi` } },
    { name: "model-cache", emptyDir: { sizeLimit: `${d.host.diskGiB}Gi` } },
    { name: "tmp", emptyDir: {} },
  ];
  if (role !== "single") {
    volumes.push({ name: "scripts", configMap: { name: `${n.svc}-scripts`, defaultMode: 0o755 } });
  }
  if (role !== "worker") {
    const nt = nginxTarget(plan, "kubernetes");
    containers.push({
      name: "nginx",
      image: NGINX_IMAGE,
      ports: [
        { name: "http", containerPort: nt.httpPort },
        ...(n.tls ? [{ name: "https", containerPort: nt.httpsPort }] : []),
      ],
      volumeMounts: [
        { name: "nginx-config", mountPath: "/etc/nginx/nginx.conf", subPath: "nginx.conf" },
        { name: "api-keys", mountPath: "/etc/nginx/secrets", readOnly: true },
        { name: "nginx-tmp", mountPath: "/tmp" },
        ...(n.tls ? [{ name: "tls", mountPath: "/etc/nginx/tls", readOnly: true }] : []),
      ],
      resources: { requests: { cpu: "250m", memory: "128Mi" }, limits: { memory: "512Mi" } },
      securityContext: {
        allowPrivilegeEscalation: false,
        runAsUser: 101,
        runAsGroup: 101,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      },
    });
    volumes.push(
      { name: "nginx-config", configMap: { name: `${n.svc}-nginx` } },
      { name: "api-keys", secret: { secretName: `${n.svc}-api-keys` } },
      { name: "nginx-tmp", emptyDir: {} },
      ...(n.tls ? [{ name: "tls", secret: { secretName: `${n.svc}-tls` } }] : []),
    );
  }
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
    ...(n.gpu ? { tolerations: [{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }] } : {}),
    terminationGracePeriodSeconds: 60,
    containers,
    volumes,
  };
}

function k8sFiles(plan: Plan, n: Names, t: Templates): RenderedFile[] {
  const { d, cmd } = n;
  const meta = (name: string) => ({ name, labels: labels(plan) });
  const selector = { "app.kubernetes.io/name": n.svc };
  const head = (what: string) => `${what} for ${n.title}. Generated by ${plan.generatedBy}.`;
  const files: RenderedFile[] = [];
  const nt = nginxTarget(plan, "kubernetes");
  files.push({
    path: "k8s/nginx-configmap.yaml",
    content: yamlDoc(head("nginx configuration (the API keys come from a Secret)"), {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta(`${n.svc}-nginx`),
      data: { "nginx.conf": renderNginx(plan, t, nt) },
    }),
  });
  if (n.distributed) {
    const scripts = render(plan, t, { only: "scripts" });
    files.push({
      path: "k8s/scripts-configmap.yaml",
      content: yamlDoc(head("launch scripts"), {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: meta(`${n.svc}-scripts`),
        data: Object.fromEntries(scripts.map((f) => [f.path, f.content])),
      }),
    });
    files.push({
      path: "k8s/leaderworkerset.yaml",
      content: yamlDoc(head("LeaderWorkerSet: one leader (Ray head + engine) and its workers per replica"), {
        apiVersion: "leaderworkerset.x-k8s.io/v1",
        kind: "LeaderWorkerSet",
        metadata: meta(n.svc),
        spec: {
          replicas: d.replicas,
          leaderWorkerTemplate: {
            size: d.nodes,
            restartPolicy: "RecreateGroupOnPodRestart",
            leaderTemplate: {
              metadata: { labels: { ...labels(plan), role: "leader" } },
              spec: podSpec(plan, n, "leader"),
            },
            workerTemplate: {
              metadata: { labels: { ...labels(plan), role: "worker" } },
              spec: podSpec(plan, n, "worker"),
            },
          },
        },
      }),
    });
  } else {
    files.push({
      path: "k8s/deployment.yaml",
      content: yamlDoc(head("Deployment"), {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: meta(n.svc),
        spec: {
          replicas: d.replicas,
          selector: { matchLabels: selector },
          // A new pod must be ready before an old one goes: GPUs are scarce, so surge by one.
          strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: { metadata: { labels: labels(plan) }, spec: podSpec(plan, n, "single") },
        },
      }),
    });
  }
  files.push({
    path: "k8s/service.yaml",
    content: yamlDoc(head("Service (through nginx)"), {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(n.svc),
      spec: {
        type: "ClusterIP",
        selector: n.distributed ? { ...selector, role: "leader" } : selector,
        ports: [
          { name: "http", port: 80, targetPort: "http" },
          ...(n.tls ? [{ name: "https", port: 443, targetPort: "https" }] : []),
        ],
      },
    }),
  });
  if (cmd.metricsPath) {
    files.push({
      path: "k8s/metrics-service.yaml",
      content: yamlDoc(
        head("headless Service for Prometheus to find every engine pod (not exposed through nginx)"),
        {
          apiVersion: "v1",
          kind: "Service",
          metadata: meta(`${n.svc}-metrics`),
          spec: {
            clusterIP: "None",
            selector: n.distributed ? { ...selector, role: "leader" } : selector,
            ports: [{ name: "engine", port: plan.spec.port, targetPort: "engine" }],
          },
        },
      ),
    });
  }
  files.push({
    path: "k8s/pdb.yaml",
    content: yamlDoc(head("PodDisruptionBudget: drain one pod at a time"), {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: meta(n.svc),
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    }),
  });
  const m = metricNames(cmd);
  if (m?.waiting && !n.distributed) {
    files.push({
      path: "k8s/hpa.yaml",
      content: yamlDoc(
        head(
          `HorizontalPodAutoscaler on the engine's waiting requests (${m.waiting}, exposed to the HPA as ${m.waiting.replace(/:/g, "_")} by prometheus-adapter)`,
        ),
        {
          apiVersion: "autoscaling/v2",
          kind: "HorizontalPodAutoscaler",
          metadata: meta(n.svc),
          spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: n.svc },
            minReplicas: d.replicas,
            maxReplicas: d.replicas * 2,
            metrics: [
              {
                type: "Pods",
                pods: {
                  metric: { name: m.waiting.replace(/:/g, "_") },
                  target: { type: "AverageValue", averageValue: String(queueThreshold(plan)) },
                },
              },
            ],
            behavior: { scaleDown: { stabilizationWindowSeconds: 600 } },
          },
        },
      ),
    });
  }
  if (n.enterprise) {
    files.push({
      path: "k8s/networkpolicy.yaml",
      content: yamlDoc(
        head("NetworkPolicy: clients reach nginx only; Prometheus reaches the engine's metrics"),
        {
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: meta(n.svc),
          spec: {
            podSelector: { matchLabels: selector },
            policyTypes: ["Ingress"],
            ingress: [
              {
                ports: [
                  { protocol: "TCP", port: nt.httpPort },
                  ...(n.tls ? [{ protocol: "TCP", port: nt.httpsPort }] : []),
                ],
              },
              {
                from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } } }],
                ports: [{ protocol: "TCP", port: plan.spec.port }],
              },
              ...(n.distributed ? [{ from: [{ podSelector: { matchLabels: selector } }] }] : []),
            ],
          },
        },
      ),
    });
  }
  return files;
}

interface MetricNames {
  waiting: string | null;
  kvUsage: string | null;
  ttftBucket: string | null;
}

/** Each engine's Prometheus metric names (from their /metrics documentation). */
export function metricNames(cmd: EngineCommand): MetricNames | null {
  switch (cmd.engine) {
    case "vllm":
      // docs/design/metrics.md: vllm:num_requests_waiting, vllm:kv_cache_usage_perc,
      // vllm:time_to_first_token_seconds (histogram)
      return {
        waiting: "vllm:num_requests_waiting",
        kvUsage: "vllm:kv_cache_usage_perc",
        ttftBucket: "vllm:time_to_first_token_seconds_bucket",
      };
    case "sglang":
      return {
        waiting: "sglang:num_queue_reqs",
        kvUsage: "sglang:token_usage",
        ttftBucket: "sglang:time_to_first_token_seconds_bucket",
      };
    case "llamacpp":
      // tools/server: llamacpp:requests_deferred, llamacpp:kv_cache_usage_ratio
      return {
        waiting: "llamacpp:requests_deferred",
        kvUsage: "llamacpp:kv_cache_usage_ratio",
        ttftBucket: null,
      };
    case "tgi":
      return { waiting: "tgi_queue_size", kvUsage: null, ttftBucket: null };
    default:
      return null;
  }
}

/** Waiting requests that mean "add capacity": a tenth of what one replica runs at once, at least 1. */
function queueThreshold(plan: Plan): number {
  const p = plan.recommendation.performance;
  return Math.max(1, Math.ceil((p.capacity / plan.recommendation.replicas) * 0.1));
}

function monitoringFiles(plan: Plan, n: Names): RenderedFile[] {
  const { cmd } = n;
  const m = metricNames(cmd);
  if (!cmd.metricsPath || !m) return [];
  const k8s = plan.spec.packaging === "kubernetes";
  // Kubernetes: the headless Service <name>-metrics resolves to every engine pod (DNS discovery works
  // on every Prometheus build; Debian's leaves out the Kubernetes one).
  const scrape = k8s
    ? {
        job_name: n.svc,
        metrics_path: cmd.metricsPath,
        dns_sd_configs: [{ names: [`${n.svc}-metrics`], type: "A", port: plan.spec.port }],
      }
    : {
        job_name: n.svc,
        metrics_path: cmd.metricsPath,
        static_configs: [
          {
            targets: n.distributed
              ? [`127.0.0.1:${plan.spec.port}`]
              : n.d.replicas > 1
                ? Array.from({ length: n.d.replicas }, (_, i) => `engine-${i}:${plan.spec.port}`)
                : [`engine:${plan.spec.port}`],
          },
        ],
      };
  const prometheus = {
    global: { scrape_interval: "15s", evaluation_interval: "15s" },
    rule_files: ["alerts.yml"],
    scrape_configs: [scrape],
  };
  const rules: Record<string, unknown>[] = [];
  const job = `job="${n.svc}"`;
  if (m.waiting) {
    rules.push({
      alert: "LLMQueueGrowing",
      expr: `max(${m.waiting}{${job}}) > ${queueThreshold(plan)}`,
      for: "5m",
      labels: { severity: "warning" },
      annotations: {
        summary: "Requests are queueing in front of the engine",
        description: `More than ${queueThreshold(plan)} requests have waited for 5 minutes: add a replica or lower the load (the plan expects ${plan.recommendation.performance.batch} running at once).`,
      },
    });
  }
  if (m.kvUsage) {
    rules.push({
      alert: "LLMKVCacheNearlyFull",
      expr: `max(${m.kvUsage}{${job}}) > 0.9`,
      for: "10m",
      labels: { severity: "warning" },
      annotations: {
        summary: "The KV cache is over 90 % used",
        description: `The plan sized ${plan.recommendation.memory.kvCacheTokens} KV tokens per replica; sustained use above 90 % makes the engine preempt requests.`,
      },
    });
  }
  if (m.ttftBucket) {
    const targetMs = plan.spec.targets.ttftMs ?? Math.ceil(plan.recommendation.performance.ttftMs * 2);
    rules.push({
      alert: "LLMTimeToFirstTokenP95OverTarget",
      expr: `histogram_quantile(0.95, sum by (le) (rate(${m.ttftBucket}{${job}}[5m]))) > ${targetMs / 1000}`,
      for: "10m",
      labels: { severity: "warning" },
      annotations: {
        summary: `TTFT p95 over ${targetMs} ms`,
        description: `The plan predicted ${plan.recommendation.performance.ttftMs} ms (±${Math.round(plan.recommendation.performance.errorBand * 100)} %).`,
      },
    });
  }
  rules.push({
    alert: "LLMEngineDown",
    expr: `up{${job}} == 0`,
    for: "2m",
    labels: { severity: "critical" },
    annotations: { summary: "Prometheus cannot scrape the engine" },
  });
  return [
    {
      path: "monitoring/prometheus.yml",
      content: yamlDoc(`Prometheus scrape configuration. Generated by ${plan.generatedBy}.`, prometheus),
    },
    {
      path: "monitoring/alerts.yml",
      content: yamlDoc(`Alert rules on ${cmd.engine}'s metrics. Generated by ${plan.generatedBy}.`, {
        groups: [{ name: `${n.svc}.rules`, rules }],
      }),
    },
  ];
}

function readme(plan: Plan, n: Names, t: Templates, files: RenderedFile[]): RenderedFile {
  const d = n.d;
  const p = d.performance;
  const gib = (b: number) => `${(b / 1024 ** 3).toFixed(2)} GiB`;
  const fileList = files
    .map((f) => f.path)
    .sort()
    .map((f) => `- ${mdCode(f)}: ${describeFile(f)}`)
    .join("\n");
  const content = fillTemplate("README.md.tmpl", tpl(t, "README.md.tmpl"), {
    title: n.title.replace(/[<>]/g, ""),
    generatedBy: plan.generatedBy,
    model: mdCode(plan.model.hfId ?? plan.model.id),
    modelRef: mdCode(d.engine.modelRef),
    gpus: `${d.replicas > 1 ? `${d.replicas} replicas × ` : ""}${d.gpuCount}× ${d.gpuName}`,
    mode: d.mode,
    parallel: `TP ${d.tensorParallel} × PP ${d.pipelineParallel}${d.nodes > 1 ? ` over ${d.nodes} nodes of ${d.gpusPerNode}` : ""}`,
    precision: `${d.precision}${d.kvCacheDtype === "fp8" ? ", KV cache fp8" : ""}`,
    engine: `${d.engine.name} (${mdCode(d.engine.image)})`,
    maxModelLen: d.engine.maxModelLen,
    ttft: Math.round(p.ttftMs),
    tpot: p.tpotMs.toFixed(1),
    throughput: Math.round(p.outputTokensPerSec),
    band: Math.round(p.errorBand * 100),
    cost: d.cost.perHourUsd === null ? "no price" : `$${d.cost.perHourUsd.toFixed(2)}/h (${d.cost.basis})`,
    weights: gib(d.memory.perGpu.weightsBytes),
    kv: `${gib(d.memory.perGpu.kvCacheBytes)} (${d.memory.kvCacheTokens} tokens)`,
    host: `${d.host.cpuCores} cores, ${d.host.ramGiB} GiB RAM, ${d.host.diskGiB} GiB disk${d.host.network ? `; ${d.host.network}` : ""}`,
    compose: plan.spec.packaging === "compose",
    kubernetes: plan.spec.packaging === "kubernetes",
    distributed: n.distributed,
    tls: n.tls,
    gguf: d.engine.name === "llamacpp",
    ggufFile: mdCode(`${MODEL_DIR}/${ggufFileName(plan)}`),
    svc: n.svc,
    workers: d.nodes - 1,
    files: fileList,
    port: plan.spec.port,
  });
  return { path: "README.md", content };
}

function describeFile(path: string): string {
  if (path === "Dockerfile")
    return "the engine image: the pinned engine release, a non-root user, a health check";
  if (path.startsWith("launch-")) return "starts the engine with every setting from the plan";
  if (path === "ray-worker.sh") return "joins a worker node to the Ray cluster of the head node";
  if (path === "compose.yaml")
    return "docker compose: the engine, nginx in front, Prometheus (profile `monitoring`)";
  if (path === "compose.worker.yaml") return "docker compose for each worker node";
  if (path === "nginx/nginx.conf") return "API keys, streaming, limits, TLS by security level";
  if (path.startsWith("secrets/"))
    return "where secrets go (examples only; the real files are never generated or committed)";
  if (path.startsWith("monitoring/")) return "Prometheus scrape configuration and alert rules";
  if (path.startsWith("k8s/")) return "Kubernetes manifest";
  if (path === "README.md") return "this file";
  return "";
}

export interface RenderOptions {
  /** Internal: only the launch scripts (for the Kubernetes ConfigMap). */
  only?: "scripts";
}

export function render(plan: Plan, templates: Templates, opts: RenderOptions = {}): RenderedFile[] {
  const n = names(plan);
  const scripts: RenderedFile[] = [engineScript(plan, n, templates)];
  if (n.distributed && n.cmd.engine === "vllm") {
    scripts.push({
      path: "ray-worker.sh",
      content: fillTemplate("launch/ray-worker.sh.tmpl", tpl(templates, "launch/ray-worker.sh.tmpl"), {
        title: n.title,
        generatedBy: plan.generatedBy,
        workers: n.d.nodes - 1,
      }),
      mode: 0o755,
    });
  }
  if (opts.only === "scripts") return scripts;
  const files: RenderedFile[] = [...scripts, dockerfile(plan, n, templates)];
  files.push({
    path: "nginx/nginx.conf",
    content: renderNginx(plan, templates, nginxTarget(plan, "compose")),
  });
  files.push({
    path: "secrets/api-keys.map.example",
    content:
      "# Copy to api-keys.map (mode 0600) with one line per client key; nginx accepts only these.\n" +
      "# Generate a key: openssl rand -hex 32\n" +
      '# "Bearer <key>" 1;\n',
  });
  files.push({ path: "secrets/.gitignore", content: "*\n!.gitignore\n!*.example\n" });
  if (plan.spec.packaging === "kubernetes") files.push(...k8sFiles(plan, n, templates));
  else files.push(...composeFiles(plan, n));
  files.push(...monitoringFiles(plan, n));
  files.push(readme(plan, n, templates, files));
  return files.sort((a, b) => a.path.localeCompare(b.path));
}
