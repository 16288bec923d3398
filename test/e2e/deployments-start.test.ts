// Deployments that start: for every engine × packaging (and multi-node), what the container runs
// exists in the pinned image, the engine gets only flags its release has, and the nginx sidecar
// starts the way its Kubernetes container does: the ConfigMap's nginx.conf, an empty /tmp (emptyDir),
// the Secrets' files, the official image's log links, as uid 101, in its own network namespace.
import { execa } from "execa";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { Plan } from "../../src/contract/plan.js";
import { engineCommand, engineModule } from "../../src/engines/index.js";
import { requireTool } from "./helpers.js";
import { enginePlans, loadFixture, renderPlan, testCertificate, variant } from "../tools/render.js";

const work = mkdtempSync(join(tmpdir(), "llmdeploy-start-"));

/**
 * What every engine image has besides its own programs: bash (each image's contents list it) and the
 * coreutils of its Ubuntu base (the launch script calls `id -u` in one error message).
 */
const BASE = ["bash", "/bin/bash", "id"];

function plans(): { name: string; plan: Plan }[] {
  const out = enginePlans();
  for (const engine of ["vllm", "sglang"] as const)
    for (const packaging of ["compose", "kubernetes"] as const)
      out.push({
        name: `${engine}-multi-node-${packaging}`,
        plan: variant(loadFixture("multi-node"), (p) => {
          p.recommendation.engine.name = engine;
          p.recommendation.engine.image = "";
          p.spec.packaging = packaging;
        }),
      });
  return out;
}

describe("what the containers run exists in the pinned images", () => {
  for (const { name, plan } of plans()) {
    it(name, () => {
      const files = renderPlan(plan);
      const file = (p: string) => files.find((f) => f.path === p)?.content;
      const engine = engineModule(plan.recommendation.engine.name);
      const cmd = engineCommand(plan);
      const has = new Set([...engine.image.contents.programs, ...BASE]);
      const used: string[] = [cmd.program, cmd.healthCommand[0]!];
      if (cmd.pullAfterStart) used.push(cmd.pullAfterStart.ready[0]!, cmd.pullAfterStart.pull[0]!);
      // the Dockerfile's health check and entrypoint
      const dockerfile = file("Dockerfile")!;
      used.push(JSON.parse(/^ {2}CMD (.*)$/m.exec(dockerfile)![1]!)[0]);
      // what Kubernetes runs directly, or the script it runs
      for (const k of files.filter((f) => /^k8s\/(statefulset|leaderworkerset)\.yaml$/.test(f.path))) {
        const doc = parse(k.content);
        const templates =
          doc.kind === "StatefulSet"
            ? [doc.spec.template]
            : [doc.spec.leaderWorkerTemplate.leaderTemplate, doc.spec.leaderWorkerTemplate.workerTemplate];
        for (const t of templates) {
          const c = t.spec.containers.find((x: { name: string }) => x.name === "engine");
          used.push(c.command[0]);
        }
      }
      for (const p of used) expect(has, `${name}: ${p} is not in ${engine.image.image}`).toContain(p);
      // no program the images do not ship, in any script
      for (const s of files.filter((f) => f.path.endsWith(".sh")))
        expect(s.content, `${name}/${s.path}`).not.toMatch(/^\s*(ray|curl|python3?|wget)\b/m);
      // every flag the engine gets is one its release has
      const flags = cmd.args.filter((a) => a.startsWith("--"));
      const script = file(`launch-${cmd.engine}.sh`)!;
      for (const m of script.matchAll(/^args\+=\(([^)]*)\)$/gm))
        flags.push(...m[1]!.split(/\s+/).filter((w) => w.startsWith("--")));
      for (const f of flags) expect(engine.cliFlags.flags, `${name}: ${f}`).toContain(f);
    });
  }
});

describe("the nginx sidecar starts as its Kubernetes container does", () => {
  const confs = new Map<string, string>();
  for (const { name, plan } of enginePlans().filter((p) => p.name.endsWith("kubernetes"))) {
    for (const security of ["basic", "enhanced", "enterprise"] as const) {
      const files = renderPlan(variant(plan, (p) => (p.spec.security = security)));
      const cm = parse(files.find((f) => f.path === "k8s/nginx-configmap.yaml")!.content);
      confs.set(`${name}-${security}`, cm.data["nginx.conf"]);
    }
  }
  const distinct = [...new Map([...confs].map(([n, c]) => [c, n])).entries()];

  it(`an empty /tmp, the Secrets' files, uid 101, a read-only image: nginx starts and answers (${distinct.length} configurations)`, async (ctx) => {
    await requireTool("unshare", ctx);
    await requireTool("setpriv", ctx);
    await requireTool("nginx", ctx);
    await requireTool("openssl", ctx);
    const probe = await execa("unshare", ["-mn", "true"], { reject: false });
    if (probe.exitCode !== 0) {
      if (process.env.CI) throw new Error(`unshare -mn is not permitted here: ${probe.stderr}`);
      ctx.skip();
    }
    const cert = await testCertificate(work);
    for (const [conf, name] of distinct) {
      const src = join(work, name);
      mkdirSync(join(src, "tls"), { recursive: true });
      writeFileSync(join(src, "nginx.conf"), conf);
      writeFileSync(join(src, "api-keys.map"), '"Bearer k" 1;\n');
      writeFileSync(join(src, "tls/tls.crt"), cert.crt);
      writeFileSync(join(src, "tls/tls.key"), cert.key);
      writeFileSync(join(src, "tls/client-ca.crt"), cert.crt);
      const httpPort = /listen (\d+);/.exec(conf)![1];
      const httpsPort = /listen (\d+) ssl/.exec(conf)?.[1] ?? null;
      // In a private mount and network namespace: /tmp is a fresh empty tmpfs (the emptyDir), /etc/nginx
      // holds only what the pod mounts (the ConfigMap's nginx.conf, the Secrets), /var/log/nginx holds the
      // official image's links to stdout/stderr (nginx/docker-nginx Dockerfile: "ln -sf /dev/stdout
      // /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log"), and nginx runs as the
      // image's nginx user (uid 101). It must start and answer on 8080 (and 8443 with TLS).
      const script = `set -eu
ip link set lo up
# the test's files live under /tmp: keep a copy before /tmp becomes the empty emptyDir
mount -t tmpfs tmpfs /mnt
cp -r ${src} /mnt/src
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /etc/nginx
mkdir -p /etc/nginx/secrets /etc/nginx/tls
cp /mnt/src/nginx.conf /etc/nginx/nginx.conf
cp /mnt/src/api-keys.map /etc/nginx/secrets/api-keys.map
cp /mnt/src/tls/* /etc/nginx/tls/
chmod -R a+rX /etc/nginx
mount -t tmpfs tmpfs /var/log/nginx
ln -s /dev/stdout /var/log/nginx/access.log
ln -s /dev/stderr /var/log/nginx/error.log
chmod 1777 /tmp
# a container's stdout/stderr are pipes the container's user can reopen through /dev/stdout and
# /dev/stderr (Node's are sockets, which cannot be reopened): uid 101 makes its own
setpriv --reuid=101 --regid=101 --clear-groups bash -c \
  "exec nginx -c /etc/nginx/nginx.conf -g 'daemon off;' > >(cat) 2> >(cat >&2)" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  if (exec 3<>/dev/tcp/127.0.0.1/${httpPort}) 2>/dev/null; then break; fi
  sleep 0.1
done
exec 3<>/dev/tcp/127.0.0.1/${httpPort}
printf 'GET /health HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n' >&3
timeout 5 head -1 <&3
${httpsPort ? `(exec 4<>/dev/tcp/127.0.0.1/${httpsPort}) && echo tls-open` : "true"}
ls /tmp
kill "$pid"
wait "$pid" || true
`;
      const r = await execa("unshare", ["-mn", "--propagation", "private", "bash", "-c", script], {
        reject: false,
        timeout: 20_000,
      });
      expect(r.stderr, name).not.toMatch(/\[emerg\]|\[alert\]|Permission denied/);
      expect(r.stdout, `${name}: ${r.stderr}`).toMatch(/^HTTP\/1\.1 \d{3}/m);
      if (httpsPort) expect(r.stdout, name).toContain("tls-open");
      // nginx made its temp folders itself, in the empty /tmp
      expect(r.stdout, name).toMatch(/nginx-client-body/);
    }
  }, 120_000);
});
