/**
 * Where a rendered deployment starts its engine, read from the files themselves (never from
 * plan.yaml's summary): the launch script the Dockerfile runs (its `export` lines, its `args=( ... )`
 * words, the program it execs, the model it pulls), with the environment the Dockerfile and compose
 * give it, and the Kubernetes engine container (its command and args with `$$` read as `$`, its env,
 * or the launch script it mounts from the scripts ConfigMap). Pure: file contents in, launches out.
 */
import { LineCounter, parseDocument } from "yaml";
import type { EngineLaunch, SettingSource } from "../engines/types.js";
import { shellWords } from "../render/template.js";

export interface DeploymentFile {
  path: string;
  content: string;
}

/** A line of a deployment's files: `file` as in DeploymentFile.path, `line` 1-based. */
export interface Located {
  file: string;
  line: number;
}

/** "launch-vllm.sh:35", for messages. */
export const shownAt = (l: Located): string => `${l.file}:${l.line}`;

/** One place the deployment starts the engine. */
export interface LaunchSite {
  /** Where the engine's arguments were read, for messages: "launch-vllm.sh", "k8s/statefulset.yaml". */
  where: string;
  launch: EngineLaunch;
  /** The container image this launch runs in, or null when no file says. */
  image: string | null;
  /** GPUs the container is given (compose reservation, Kubernetes limit), or null (none, a CPU host). */
  gpus: number | null;
  /** Where each word of launch.args is written (null where no line can be named). */
  argsAt: (Located | null)[];
  /** Where each variable of launch.env is set (the setting that wins). */
  envAt: Record<string, Located>;
  /** Where the model the launch pulls is named. */
  pullModelAt: Located | null;
  /** Where the image is named: the Dockerfile's FROM, the Kubernetes container's image. */
  imageAt: Located | null;
  /** Where the launch's arguments start (`args=(`, the container's command): for a setting left out. */
  startAt: Located | null;
}

/** The line a setting of a launch is read from (SettingSource, from the engine's readLaunch), or null. */
export function sourceAt(site: LaunchSite, src: SettingSource | undefined): Located | null {
  if (!src) return null;
  if ("arg" in src) return site.argsAt[src.arg] ?? null;
  if ("env" in src) return site.envAt[src.env] ?? null;
  return site.pullModelAt;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A launch script's words: exports, the args array, the program it runs, the model it pulls. */
export function readScript(text: string): {
  env: Record<string, string>;
  args: string[] | null;
  program: string | null;
  pullModel: string | null;
  /** 1-based lines (of `text`) of each word of args, of each export, of default_model=, of `args=(`. */
  lines: { args: number[]; env: Record<string, number>; pullModel: number | null; start: number | null };
} {
  const env: Record<string, string> = {};
  let args: string[] | null = null;
  let program: string | null = null;
  let pullModel: string | null = null;
  const at = {
    args: [] as number[],
    env: {} as Record<string, number>,
    pullModel: null as number | null,
    start: null as number | null,
  };
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (/^export [A-Za-z_][A-Za-z0-9_]*=/.test(line)) {
      const [, assignment] = shellWords(line);
      const eq = assignment!.indexOf("=");
      env[assignment!.slice(0, eq)] = assignment!.slice(eq + 1);
      at.env[assignment!.slice(0, eq)] = i + 1;
    } else if (line === "args=(") {
      args = [];
      at.start = i + 1;
      for (i++; i < lines.length && lines[i]!.trim() !== ")"; i++) {
        const words = shellWords(lines[i]!);
        args.push(...words);
        at.args.push(...words.map(() => i + 1));
      }
      if (i >= lines.length) throw new Error("args=( is never closed");
    } else if (line.startsWith("default_model=")) {
      pullModel = shellWords(line)[0]!.slice("default_model=".length);
      at.pullModel = i + 1;
    } else {
      const run = /^(?:exec\s+)?(\S+)\s+"\$\{args\[@\]\}"/.exec(line);
      if (run) program = shellWords(run[1]!)[0] ?? null;
    }
  }
  return { env, args, program, pullModel, lines: at };
}

/** The Dockerfile's base image, ENV lines (JSON strings) and the script it installs as the entrypoint. */
function readDockerfile(text: string): {
  image: string | null;
  env: Record<string, string>;
  script: string | null;
  /** 1-based lines of the FROM and of each ENV. */
  lines: { image: number | null; env: Record<string, number> };
} {
  const env: Record<string, string> = {};
  let image: string | null = null;
  let script: string | null = null;
  const lines = { image: null as number | null, env: {} as Record<string, number> };
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    const from = /^FROM\s+(\S+)/.exec(line);
    if (from && image === null) [image, lines.image] = [from[1]!, i + 1];
    const e = /^ENV\s+([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (e) [env[e[1]!], lines.env[e[1]!]] = [JSON.parse(e[2]!) as string, i + 1];
    const copy = /^COPY\s+(?:--\S+\s+)*(\S+)\s+\/usr\/local\/bin\/llmdeploy-launch\.sh$/.exec(line);
    if (copy) script = copy[1]!;
  });
  return { image, env, script, lines };
}

/** A YAML document with the 1-based line of the node at a path (null when there is none). */
function yamlWithLines(text: string): { doc: unknown; lineOf: (path: (string | number)[]) => number | null } {
  const counter = new LineCounter();
  const d = parseDocument(text, { lineCounter: counter });
  return {
    doc: d.toJS() as unknown,
    lineOf: (path) => {
      const node = d.getIn(path, true) as { range?: [number, number, number] } | undefined;
      return node?.range ? counter.linePos(node.range[0]).line : null;
    },
  };
}

/** Compose interpolation escapes `$` as `$$`; Kubernetes expansion too. */
const unescapeDollars = (s: string): string => s.replace(/\$\$/g, "$");

const stringMap = (v: unknown): Record<string, string> =>
  isObj(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unescapeDollars(String(x))])) : {};

function composeEngine(
  text: string,
): { env: Record<string, string>; envLines: Record<string, number>; gpus: number | null } | null {
  const { doc, lineOf } = yamlWithLines(text);
  const services = isObj(doc) && isObj(doc.services) ? doc.services : {};
  const name = services.engine !== undefined ? "engine" : "engine-0";
  const svc = services[name];
  if (!isObj(svc)) return null;
  const envLines: Record<string, number> = {};
  for (const k of Object.keys(isObj(svc.environment) ? svc.environment : {})) {
    const line = lineOf(["services", name, "environment", k]);
    if (line !== null) envLines[k] = line;
  }
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
  return { env: stringMap(svc.environment), envLines, gpus };
}

/** The engine container of a Kubernetes workload, and its path in the document (for line numbers). */
function k8sEngineContainer(
  doc: unknown,
): { container: Record<string, unknown>; path: (string | number)[] } | null {
  if (!isObj(doc) || !isObj(doc.spec)) return null;
  const s = doc.spec as Record<string, unknown>;
  const [pod, podPath] = isObj(s.template)
    ? [s.template.spec, ["spec", "template", "spec"]]
    : isObj(s.leaderWorkerTemplate) && isObj(s.leaderWorkerTemplate.leaderTemplate)
      ? [
          s.leaderWorkerTemplate.leaderTemplate.spec,
          ["spec", "leaderWorkerTemplate", "leaderTemplate", "spec"],
        ]
      : [null, []];
  const containers = isObj(pod) && Array.isArray(pod.containers) ? pod.containers : [];
  const i = containers.findIndex((c) => isObj(c) && c.name === "engine");
  return i < 0
    ? null
    : { container: containers[i] as Record<string, unknown>, path: [...podPath, "containers", i] };
}

/**
 * The launch a script makes, with the environment it is given, and where each of its words is:
 * `file` holds the script, its line k at line `firstLine + k − 1` of the file (a ConfigMap's block).
 */
const scriptSite = (
  script: ReturnType<typeof readScript>,
  env: Record<string, string>,
  envAt: Record<string, Located>,
  where: string,
  file: string,
  firstLine: number,
): Omit<LaunchSite, "image" | "imageAt" | "gpus"> => {
  if (!script.args || !script.program) throw new Error(`${where} has no args=( ... ) or no program`);
  const at = (line: number | null): Located | null =>
    line === null ? null : { file, line: line + firstLine - 1 };
  const scriptEnv: Record<string, Located> = {};
  for (const [k, line] of Object.entries(script.lines.env)) scriptEnv[k] = at(line)!;
  return {
    where,
    launch: {
      program: script.program,
      args: script.args,
      env: { ...env, ...script.env },
      pullModel: script.pullModel,
    },
    argsAt: script.lines.args.map(at),
    envAt: { ...envAt, ...scriptEnv },
    pullModelAt: at(script.lines.pullModel),
    startAt: at(script.lines.start),
  };
};

const located = (file: string, lines: Record<string, number>): Record<string, Located> =>
  Object.fromEntries(Object.entries(lines).map(([k, line]) => [k, { file, line }]));

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
  let found: { container: Record<string, unknown>; path: (string | number)[] } | null = null;
  let k8sLine: (path: (string | number)[]) => number | null = () => null;
  if (k8sPath)
    attempt(k8sPath, () => {
      const y = yamlWithLines(byPath.get(k8sPath)!);
      k8sLine = y.lineOf;
      found = k8sEngineContainer(y.doc);
      if (!found) throw new Error("no engine container");
      const limits = (found.container.resources as { limits?: Record<string, unknown> } | undefined)?.limits;
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
          ...scriptSite(
            readScript(text),
            { ...docker!.env, ...(compose?.env ?? {}) },
            {
              ...located("Dockerfile", docker!.lines.env),
              ...located("compose.yaml", compose?.envLines ?? {}),
            },
            scriptPath,
            scriptPath,
            1,
          ),
          image: docker!.image,
          imageAt: docker!.lines.image === null ? null : { file: "Dockerfile", line: docker!.lines.image },
          gpus: compose ? compose.gpus : k8sGpus,
        }),
      );
  }

  // The Kubernetes engine container: its own command and args, or the script it mounts.
  const f = found as { container: Record<string, unknown>; path: (string | number)[] } | null;
  if (k8sPath && f) {
    attempt(k8sPath, () => {
      const c = f.container;
      const at = (...rest: (string | number)[]): Located | null => {
        const line = k8sLine([...f.path, ...rest]);
        return line === null ? null : { file: k8sPath, line };
      };
      const env: Record<string, string> = {};
      const envAt: Record<string, Located> = {};
      (Array.isArray(c.env) ? c.env : []).forEach((e: unknown, i: number) => {
        if (!isObj(e) || typeof e.value !== "string") return;
        env[String(e.name)] = unescapeDollars(e.value);
        const l = at("env", i, "value");
        if (l) envAt[String(e.name)] = l;
      });
      const command = (Array.isArray(c.command) ? c.command : []).map((x) => unescapeDollars(String(x)));
      const args = (Array.isArray(c.args) ? c.args : []).map((x) => unescapeDollars(String(x)));
      const image = typeof c.image === "string" ? c.image : null;
      const imageAt = at("image");
      const mounted = command[0] === "/bin/bash" ? /^\/opt\/llmdeploy\/(.+)$/.exec(command[1] ?? "") : null;
      if (mounted) {
        const cmFile = "k8s/scripts-configmap.yaml";
        const cm = yamlWithLines(byPath.get(cmFile) ?? "");
        const data = isObj(cm.doc) && isObj(cm.doc.data) ? cm.doc.data : {};
        const text = data[mounted[1]!];
        if (typeof text !== "string")
          throw new Error(`runs ${mounted[1]} from the scripts ConfigMap, which does not hold it`);
        const where = `${cmFile} (${mounted[1]})`;
        // A block scalar (|) starts on the line after its key: the script's line 1 is the next one.
        const key = cm.lineOf(["data", mounted[1]!]);
        sites.push({
          ...scriptSite(readScript(text), env, envAt, where, cmFile, key === null ? 1 : key + 1),
          image,
          imageAt,
          gpus: k8sGpus,
        });
      } else {
        if (!command[0]) throw new Error("the engine container has no command");
        sites.push({
          where: k8sPath,
          launch: { program: command[0], args, env, pullModel: null },
          image,
          imageAt,
          gpus: k8sGpus,
          argsAt: args.map((_, i) => at("args", i)),
          envAt,
          pullModelAt: null,
          startAt: at("command"),
        });
      }
    });
  }
  if (!sites.length && !problems.length) problems.push("no file starts the engine");
  return { sites, problems };
}
