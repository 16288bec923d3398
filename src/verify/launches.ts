/**
 * Where a rendered deployment starts its engine, read from the files themselves (never from
 * plan.yaml's summary): the launch script the Dockerfile runs (its `export` lines, its `args=( ... )`
 * words, the program it execs, the model it pulls), with the environment the Dockerfile and compose
 * give it, and the Kubernetes engine container (its command and args with `$$` read as `$`, its env,
 * or the launch script it mounts from the scripts ConfigMap). Pure: file contents in, launches out.
 */
import { parse } from "yaml";
import type { EngineLaunch } from "../engines/types.js";
import { shellWords } from "../render/template.js";

export interface DeploymentFile {
  path: string;
  content: string;
}

/** One place the deployment starts the engine. */
export interface LaunchSite {
  /** Where the engine's arguments were read, for messages: "launch-vllm.sh", "k8s/statefulset.yaml". */
  where: string;
  launch: EngineLaunch;
  /** The container image this launch runs in, or null when no file says. */
  image: string | null;
  /** GPUs the container is given (compose reservation, Kubernetes limit), or null (none, a CPU host). */
  gpus: number | null;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A launch script's words: exports, the args array, the program it runs, the model it pulls. */
export function readScript(text: string): {
  env: Record<string, string>;
  args: string[] | null;
  program: string | null;
  pullModel: string | null;
} {
  const env: Record<string, string> = {};
  let args: string[] | null = null;
  let program: string | null = null;
  let pullModel: string | null = null;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (/^export [A-Za-z_][A-Za-z0-9_]*=/.test(line)) {
      const [, assignment] = shellWords(line);
      const eq = assignment!.indexOf("=");
      env[assignment!.slice(0, eq)] = assignment!.slice(eq + 1);
    } else if (line === "args=(") {
      args = [];
      for (i++; i < lines.length && lines[i]!.trim() !== ")"; i++) args.push(...shellWords(lines[i]!));
      if (i >= lines.length) throw new Error("args=( is never closed");
    } else if (line.startsWith("default_model=")) {
      pullModel = shellWords(line)[0]!.slice("default_model=".length);
    } else {
      const run = /^(?:exec\s+)?(\S+)\s+"\$\{args\[@\]\}"/.exec(line);
      if (run) program = shellWords(run[1]!)[0] ?? null;
    }
  }
  return { env, args, program, pullModel };
}

/** The Dockerfile's base image, ENV lines (JSON strings) and the script it installs as the entrypoint. */
function readDockerfile(text: string): {
  image: string | null;
  env: Record<string, string>;
  script: string | null;
} {
  const env: Record<string, string> = {};
  let image: string | null = null;
  let script: string | null = null;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const from = /^FROM\s+(\S+)/.exec(line);
    if (from && image === null) image = from[1]!;
    const e = /^ENV\s+([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (e) env[e[1]!] = JSON.parse(e[2]!) as string;
    const copy = /^COPY\s+(?:--\S+\s+)*(\S+)\s+\/usr\/local\/bin\/llmdeploy-launch\.sh$/.exec(line);
    if (copy) script = copy[1]!;
  }
  return { image, env, script };
}

/** Compose interpolation escapes `$` as `$$`; Kubernetes expansion too. */
const unescapeDollars = (s: string): string => s.replace(/\$\$/g, "$");

const stringMap = (v: unknown): Record<string, string> =>
  isObj(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unescapeDollars(String(x))])) : {};

function composeEngine(text: string): { env: Record<string, string>; gpus: number | null } | null {
  const doc = parse(text) as unknown;
  const services = isObj(doc) && isObj(doc.services) ? doc.services : {};
  const svc = services.engine ?? services["engine-0"];
  if (!isObj(svc)) return null;
  const devices = (svc.deploy as { resources?: { reservations?: { devices?: unknown[] } } } | undefined)
    ?.resources?.reservations?.devices;
  const d = Array.isArray(devices) && isObj(devices[0]) ? devices[0] : null;
  const gpus = d
    ? typeof d.count === "number"
      ? d.count
      : Array.isArray(d.device_ids)
        ? d.device_ids.length
        : null
    : null;
  return { env: stringMap(svc.environment), gpus };
}

function k8sEngineContainer(doc: unknown): Record<string, unknown> | null {
  if (!isObj(doc) || !isObj(doc.spec)) return null;
  const s = doc.spec as Record<string, unknown>;
  const pod = isObj(s.template)
    ? s.template.spec
    : isObj(s.leaderWorkerTemplate) && isObj(s.leaderWorkerTemplate.leaderTemplate)
      ? s.leaderWorkerTemplate.leaderTemplate.spec
      : null;
  const containers = isObj(pod) && Array.isArray(pod.containers) ? pod.containers : [];
  return (containers.find((c) => isObj(c) && c.name === "engine") as Record<string, unknown>) ?? null;
}

const launchOf = (
  script: ReturnType<typeof readScript>,
  env: Record<string, string>,
  where: string,
): EngineLaunch => {
  if (!script.args || !script.program) throw new Error(`${where} has no args=( ... ) or no program`);
  return {
    program: script.program,
    args: script.args,
    env: { ...env, ...script.env },
    pullModel: script.pullModel,
  };
};

/**
 * Every place the files start the engine, and the problems met reading them (one line each). A file
 * that cannot be read literally (an expansion where a word was expected) is such a problem.
 */
export function launchSites(files: readonly DeploymentFile[]): { sites: LaunchSite[]; problems: string[] } {
  const byPath = new Map(files.map((f) => [f.path, f.content]));
  const sites: LaunchSite[] = [];
  const problems: string[] = [];
  const attempt = (where: string, f: () => void) => {
    try {
      f();
    } catch (e) {
      problems.push(`${where}: ${(e as Error).message.split("\n")[0]}`);
    }
  };
  const dockerText = byPath.get("Dockerfile");
  const docker = dockerText ? readDockerfile(dockerText) : null;
  if (!docker) problems.push("no Dockerfile: the engine image cannot be read");
  const compose = byPath.has("compose.yaml") ? composeEngine(byPath.get("compose.yaml")!) : null;
  const k8sPath = ["k8s/statefulset.yaml", "k8s/leaderworkerset.yaml"].find((p) => byPath.has(p)) ?? null;
  let k8sGpus: number | null = null;
  let container: Record<string, unknown> | null = null;
  if (k8sPath)
    attempt(k8sPath, () => {
      container = k8sEngineContainer(parse(byPath.get(k8sPath)!));
      if (!container) throw new Error("no engine container");
      const limits = (container.resources as { limits?: Record<string, unknown> } | undefined)?.limits;
      const g = limits?.["nvidia.com/gpu"];
      k8sGpus = g === undefined ? null : Number(g);
    });

  // The script the Dockerfile installs, with the Dockerfile's and compose's environment.
  const scriptPath = docker?.script ?? null;
  if (docker && !scriptPath) problems.push("Dockerfile: no launch script is installed as its entrypoint");
  if (scriptPath) {
    const text = byPath.get(scriptPath);
    if (text === undefined) problems.push(`Dockerfile runs ${scriptPath}, which is not in the deployment`);
    else
      attempt(scriptPath, () =>
        sites.push({
          where: scriptPath,
          launch: launchOf(readScript(text), { ...docker!.env, ...(compose?.env ?? {}) }, scriptPath),
          image: docker!.image,
          gpus: compose ? compose.gpus : k8sGpus,
        }),
      );
  }

  // The Kubernetes engine container: its own command and args, or the script it mounts.
  const c = container as Record<string, unknown> | null;
  if (k8sPath && c) {
    attempt(k8sPath, () => {
      const env: Record<string, string> = {};
      for (const e of Array.isArray(c.env) ? c.env : [])
        if (isObj(e) && typeof e.value === "string") env[String(e.name)] = unescapeDollars(e.value);
      const command = (Array.isArray(c.command) ? c.command : []).map((x) => unescapeDollars(String(x)));
      const args = (Array.isArray(c.args) ? c.args : []).map((x) => unescapeDollars(String(x)));
      const image = typeof c.image === "string" ? c.image : null;
      const mounted = command[0] === "/bin/bash" ? /^\/opt\/llmdeploy\/(.+)$/.exec(command[1] ?? "") : null;
      if (mounted) {
        const cm = parse(byPath.get("k8s/scripts-configmap.yaml") ?? "") as unknown;
        const data = isObj(cm) && isObj(cm.data) ? cm.data : {};
        const text = data[mounted[1]!];
        if (typeof text !== "string")
          throw new Error(`runs ${mounted[1]} from the scripts ConfigMap, which does not hold it`);
        const where = `k8s/scripts-configmap.yaml (${mounted[1]})`;
        sites.push({ where, launch: launchOf(readScript(text), env, where), image, gpus: k8sGpus });
      } else {
        if (!command[0]) throw new Error("the engine container has no command");
        sites.push({
          where: k8sPath,
          launch: { program: command[0], args, env, pullModel: null },
          image,
          gpus: k8sGpus,
        });
      }
    });
  }
  if (!sites.length && !problems.length) problems.push("no file starts the engine");
  return { sites, problems };
}
