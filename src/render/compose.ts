/**
 * docker compose: the engine (built from the Dockerfile), nginx in front, Prometheus behind a profile;
 * for a multi-node replica also compose.worker.yaml for the other nodes. Built as objects and
 * serialised with `yaml`; plan strings that compose would interpolate have their `$` doubled.
 */
import { type Ctx, type RenderedFile } from "./context.js";
import { MODEL_DIR } from "../engines/common.js";
import { PINNED_IMAGES } from "./images.js";
import { composeEngineNames } from "./nginx.js";
import { healthCommand } from "./scripts.js";
import { yamlDoc } from "./yaml.js";

/** A literal string in a compose file: compose interpolates `$VAR`, so `$` is written `$$`. */
export const composeLiteral = (s: string): string => s.replace(/\$/g, "$$$$");

type Service = Record<string, unknown>;

/** Settings every engine-image container shares: user, GPUs, memory, volumes, hardening. */
function engineBase(ctx: Ctx, gpuIds: string[] | null): Service {
  const { d, cmd } = ctx;
  const env: Record<string, string> = { ...cmd.env };
  if (cmd.usesHfHub) env.HF_TOKEN_FILE = "/run/secrets/hf_token";
  const svc: Service = {
    build: { context: ".", dockerfile: "Dockerfile" },
    image: `llmdeploy/${ctx.svc}:${cmd.engine}`,
    restart: "unless-stopped",
    environment: env,
    ...(cmd.usesHfHub ? { secrets: ["hf_token"] } : {}),
    volumes: [
      `model-cache:${MODEL_DIR}`,
      ...(ctx.localModel
        ? [
            {
              type: "bind",
              source: composeLiteral(ctx.localModel),
              target: composeLiteral(ctx.localModel),
              read_only: true,
            },
          ]
        : []),
    ],
    // /dev/shm for the engine's worker processes (NCCL, PyTorch IPC), sized by the plan.
    shm_size: `${d.host.shmGiB}gb`,
  };
  if (ctx.gpu) {
    const device: Record<string, unknown> = { driver: "nvidia", capabilities: ["gpu"] };
    if (gpuIds) device.device_ids = gpuIds;
    else device.count = d.gpusPerNode;
    svc.deploy = { resources: { reservations: { devices: [device] } } };
  }
  if (ctx.hardened) {
    // Read-only root filesystem: caches (torch compile, Triton) go to the tmpfs.
    env.HOME = "/tmp";
    env.XDG_CACHE_HOME = "/tmp/.cache";
    svc.read_only = true;
    svc.tmpfs = ["/tmp"];
    svc.cap_drop = ["ALL"];
    svc.security_opt = ["no-new-privileges:true"];
  }
  if (ctx.distributed) {
    // The nodes of one replica talk over the host's network (Ray or NCCL ports, InfiniBand/RoCE).
    svc.network_mode = "host";
  }
  return svc;
}

function engineService(ctx: Ctx, replica: number | null): Service {
  const svc = engineBase(
    ctx,
    // Several replicas on one host: each gets its own GPUs.
    replica === null
      ? null
      : Array.from({ length: ctx.d.gpusPerNode }, (_, k) => String(replica * ctx.d.gpusPerNode + k)),
  );
  if (ctx.cmd.multiNode) {
    // Node 0 serves the API; the other nodes run compose.worker.yaml with their rank.
    Object.assign(svc.environment as object, {
      NODE_RANK: "0",
      LEADER_ADDRESS:
        "${LEADER_ADDRESS:?set LEADER_ADDRESS to this host's address (the other nodes reach it there)}",
    });
  }
  if (!ctx.distributed) svc.expose = [String(ctx.port)];
  svc.healthcheck = {
    test: ["CMD", ...healthCommand(ctx)],
    interval: "30s",
    timeout: "5s",
    retries: 3,
    // Downloading and loading the weights, then compiling CUDA graphs, takes a while.
    start_period: "30m",
  };
  if (ctx.enterprise && !ctx.distributed) svc.networks = ["internal", "egress"];
  return svc;
}

function nginxService(ctx: Ctx, engines: string[]): Service {
  const svc: Service = {
    image: PINNED_IMAGES.nginx.image,
    restart: "unless-stopped",
    ports: ctx.tls ? ["80:80", "443:443"] : ["80:80"],
    volumes: [
      "./nginx/nginx.conf:/etc/nginx/nginx.conf:ro",
      "./secrets/api-keys.map:/etc/nginx/secrets/api-keys.map:ro",
      ...(ctx.tls ? ["./secrets/tls:/etc/nginx/tls:ro"] : []),
    ],
    depends_on: Object.fromEntries(engines.map((e) => [e, { condition: "service_healthy" }])),
  };
  if (ctx.hardened) {
    svc.read_only = true;
    svc.tmpfs = ["/var/cache/nginx", "/var/run"];
    // The master starts as root to read the keys and certificates and bind 80/443, then drops to the
    // nginx user: these are the only capabilities it needs.
    svc.cap_drop = ["ALL"];
    svc.cap_add = ["CHOWN", "DAC_OVERRIDE", "SETGID", "SETUID", "NET_BIND_SERVICE"];
    svc.security_opt = ["no-new-privileges:true"];
  }
  if (ctx.distributed) {
    svc.network_mode = "host";
    delete svc.ports;
  } else if (ctx.enterprise) {
    svc.networks = ["internal", "public"];
  }
  return svc;
}

function prometheusService(ctx: Ctx): Service {
  const svc: Service = {
    image: PINNED_IMAGES.prometheus.image,
    profiles: ["monitoring"],
    restart: "unless-stopped",
    command: [
      "--config.file=/etc/prometheus/prometheus.yml",
      "--storage.tsdb.retention.time=15d",
      ...(ctx.distributed ? ["--web.listen-address=127.0.0.1:9090"] : []),
    ],
    volumes: ["./monitoring:/etc/prometheus:ro", "prometheus-data:/prometheus"],
  };
  if (ctx.distributed) svc.network_mode = "host";
  else svc.ports = ["127.0.0.1:9090:9090"];
  if (ctx.enterprise && !ctx.distributed) svc.networks = ["internal", "public"];
  return svc;
}

function workerCompose(ctx: Ctx): Record<string, unknown> {
  const svc = engineBase(ctx, null);
  const env = svc.environment as Record<string, string>;
  env.NODE_RANK = `\${NODE_RANK:?set NODE_RANK to the rank of this node, 1 to ${ctx.d.nodes - 1}}`;
  env.LEADER_ADDRESS = "${LEADER_ADDRESS:?set LEADER_ADDRESS to the address of node 0}";
  return {
    services: { worker: svc },
    ...(ctx.cmd.usesHfHub ? { secrets: { hf_token: { file: "./secrets/hf_token" } } } : {}),
    volumes: { "model-cache": {} },
  };
}

export function composeFiles(ctx: Ctx): RenderedFile[] {
  const services: Record<string, Service> = {};
  const engines = composeEngineNames(ctx);
  if (engines.length > 1) engines.forEach((name, i) => (services[name] = engineService(ctx, i)));
  else services.engine = engineService(ctx, null);
  services.nginx = nginxService(ctx, engines);
  // Prometheus only beside the monitoring/ files it reads.
  if (ctx.monitored) services.prometheus = prometheusService(ctx);
  // No top-level `version` (obsolete) or `name` (the project is named after the folder).
  const compose: Record<string, unknown> = {
    services,
    ...(ctx.cmd.usesHfHub ? { secrets: { hf_token: { file: "./secrets/hf_token" } } } : {}),
    volumes: { "model-cache": {}, ...(ctx.monitored ? { "prometheus-data": {} } : {}) },
  };
  if (ctx.enterprise && !ctx.distributed) {
    // internal: no route in or out; the engine reaches the Hub through egress only to download the
    // model, and clients reach nothing but nginx on public.
    compose.networks = { internal: { internal: true }, egress: {}, public: {} };
  }
  const files: RenderedFile[] = [
    {
      path: "compose.yaml",
      content: yamlDoc(`docker compose for ${ctx.title}. Generated by ${ctx.generatedBy}.`, compose),
    },
  ];
  if (ctx.distributed) {
    files.push({
      path: "compose.worker.yaml",
      content: yamlDoc(
        `docker compose for each of the ${ctx.d.nodes - 1} other node(s) of ${ctx.title}. Generated by ${ctx.generatedBy}.`,
        workerCompose(ctx),
      ),
    });
  }
  return files;
}
