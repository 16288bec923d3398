/**
 * nginx in front of the engine: API keys, streaming, limits, and TLS by security level. Two flavours:
 * compose (the official image's root master on ports 80/443) and Kubernetes (a non-root sidecar on
 * 8080/8443 with a read-only root filesystem). No plan string reaches the configuration except the
 * one-line title in a comment; everything else is a number or a fixed path.
 */
import { type Ctx, tpl } from "./context.js";
import { fillTemplate } from "./template.js";

export interface NginxTarget {
  upstreams: string[];
  httpPort: number;
  httpsPort: number;
  keysFile: string;
  tlsDir: string;
  accessLog: string;
  errorLog: string | null;
  pidFile: string | null;
  /** Where the temp paths go (a non-root nginx cannot write the compiled-in /var/cache/nginx). */
  tempDir: string | null;
}

/** The engine addresses nginx proxies to, as compose names them. */
export function composeEngineNames(ctx: Ctx): string[] {
  return ctx.d.replicas > 1 && !ctx.distributed
    ? Array.from({ length: ctx.d.replicas }, (_, i) => `engine-${i}`)
    : ["engine"];
}

/**
 * nginx's own ports where it shares a network namespace with the engine (the Kubernetes pod, or the
 * host network across nodes): the preferred ones, moved up by one while they collide with the
 * engine's port (llama.cpp listens on 8080, the sidecar's usual port).
 */
export function sharedPorts(
  enginePort: number,
  http: number,
  https: number,
): { http: number; https: number } {
  let h = http;
  while (h === enginePort) h++;
  let s = https;
  while (s === enginePort || s === h) s++;
  return { http: h, https: s };
}

export function nginxTarget(ctx: Ctx, packaging: "compose" | "kubernetes"): NginxTarget {
  const port = ctx.port;
  // The official nginx image links these two files to the container's stdout and stderr.
  const logs = { accessLog: "/var/log/nginx/access.log", errorLog: "/var/log/nginx/error.log" };
  const common = { keysFile: "/etc/nginx/secrets/api-keys.map", tlsDir: "/etc/nginx/tls", ...logs };
  if (packaging === "kubernetes") {
    // A sidecar in the engine's pod; /tmp is an emptyDir.
    return {
      ...common,
      upstreams: [`127.0.0.1:${port}`],
      ...((p) => ({ httpPort: p.http, httpsPort: p.https }))(sharedPorts(port, 8080, 8443)),
      pidFile: "/tmp/nginx.pid",
      tempDir: "/tmp",
    };
  }
  return {
    ...common,
    // Across nodes the head's containers use the host's network.
    upstreams: ctx.distributed
      ? [`127.0.0.1:${port}`]
      : composeEngineNames(ctx).map((name) => `${name}:${port}`),
    ...((p) => ({ httpPort: p.http, httpsPort: p.https }))(
      ctx.distributed ? sharedPorts(port, 80, 443) : { http: 80, https: 443 },
    ),
    pidFile: null,
    tempDir: null,
  };
}

/** Requests per second one client may send: twice the plan's predicted rate, at least 1. */
export function ratePerSecond(ctx: Ctx): number {
  return Math.max(1, Math.ceil(ctx.d.performance.requestsPerSec * 2));
}

/** Requests one client may send at once above the rate: what the deployment runs at once. */
export function rateBurst(ctx: Ctx): number {
  return Math.max(1, Math.ceil(ctx.d.performance.capacity));
}

export function renderNginx(ctx: Ctx, target: NginxTarget): string {
  return fillTemplate("nginx.conf.tmpl", tpl(ctx, "nginx.conf.tmpl"), {
    title: ctx.title,
    generatedBy: ctx.generatedBy,
    keysFile: target.keysFile,
    pidFile: target.pidFile,
    errorLog: target.errorLog,
    tempDir: target.tempDir,
    jsonLog: ctx.enterprise,
    accessLog: target.accessLog,
    rateLimit: ctx.hardened,
    ratePerSecond: ratePerSecond(ctx),
    rateBurst: rateBurst(ctx),
    upstream: target.upstreams.join(";\n    server "),
    tls: ctx.tls,
    httpPort: target.httpPort,
    httpsPort: target.httpsPort,
    tlsDir: target.tlsDir,
    mtls: ctx.enterprise,
    healthPath: ctx.cmd.healthPath,
    maxBodySize: "10m",
    // A long generation streams for minutes: an hour before nginx gives up on a silent engine.
    readTimeout: "3600s",
  });
}
