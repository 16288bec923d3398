/**
 * The engine's launch script (on several nodes, the same script with each node's rank: the engines' own
 * multi-node launchers, no Ray), and the Dockerfile that runs it. Plan strings reach bash only as
 * single-quoted words (shellQuote) and the Dockerfile only as
 * JSON strings in exec form.
 */
import { type Ctx, type RenderedFile, tpl } from "./context.js";
import { MODEL_DIR } from "../engines/common.js";
import type { MultiNodeLaunch } from "../engines/types.js";
import { fillTemplate, shellQuote } from "./template.js";

const exportLines = (env: Record<string, string>): string =>
  Object.entries(env)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}`)
    .join("\n");

/** The command Docker and compose run to check the engine: its own tools, no extra packages. */
export const healthCommand = (ctx: Ctx): string[] => ctx.cmd.healthCommand;

/** The multi-node block of the launch script: rank and leader flags, quoted as shell words. */
function multiNodeValues(m: MultiNodeLaunch | null) {
  if (!m) return { multiNode: false, lastRank: 0, rankFlag: "", leaderArgs: "", followerArgs: "" };
  const leader = m.portFlag
    ? `${shellQuote(m.leaderFlag)} "\${leader}" ${shellQuote(m.portFlag)} ${m.port}`
    : `${shellQuote(m.leaderFlag)} "\${leader}:${m.port}"`;
  return {
    multiNode: true,
    lastRank: m.nodes - 1,
    rankFlag: shellQuote(m.rankFlag),
    leaderArgs: leader,
    followerArgs: m.followerFlags.map(shellQuote).join(" "),
  };
}

/**
 * The gated-model check of the launch script: the repository the engine downloads, when the plan
 * records it as gated (the model catalog's `gated`), with the Hub cache folder it lands in
 * (huggingface_hub: `models--{org}--{name}` under $HF_HOME/hub).
 */
function gatedValues(ctx: Ctx) {
  const repo = ctx.d.checkpoint?.gated === true && ctx.cmd.usesHfHub ? ctx.d.checkpoint.repo : null;
  if (!repo)
    return {
      gatedRepo: false,
      gatedRepoComment: "",
      gatedRepoWord: "",
      gatedCacheDir: "",
      cacheDir: MODEL_DIR,
    };
  return {
    gatedRepo: true,
    gatedRepoWord: shellQuote(repo),
    gatedCacheDir: shellQuote(`models--${repo.replace(/\//g, "--")}`),
    cacheDir: MODEL_DIR,
  };
}

export function launchScripts(ctx: Ctx): RenderedFile[] {
  const { cmd, d } = ctx;
  const files: RenderedFile[] = [
    {
      path: ctx.script,
      content: fillTemplate("launch/engine.sh.tmpl", tpl(ctx, "launch/engine.sh.tmpl"), {
        title: ctx.title,
        generatedBy: ctx.generatedBy,
        hfToken: cmd.usesHfHub,
        envLines: exportLines(cmd.env),
        ...gatedValues(ctx),
        argLines: cmd.args.map((a) => `  ${shellQuote(a)}`).join("\n"),
        ...multiNodeValues(cmd.multiNode),
        nodes: d.nodes,
        pullAfterStart: cmd.pullAfterStart !== null,
        pullModel: shellQuote(cmd.pullAfterStart?.model ?? ""),
        pullOverride: cmd.pullAfterStart?.override ?? "",
        readyCommand: (cmd.pullAfterStart?.ready ?? []).map(shellQuote).join(" "),
        pullCommand: (cmd.pullAfterStart?.pull ?? []).map(shellQuote).join(" "),
        program: shellQuote(cmd.program),
      }),
      mode: 0o755,
    },
  ];
  return files;
}

export function dockerfile(ctx: Ctx): RenderedFile {
  return {
    path: "Dockerfile",
    content: fillTemplate("Dockerfile.tmpl", tpl(ctx, "Dockerfile.tmpl"), {
      title: ctx.title,
      generatedBy: ctx.generatedBy,
      image: ctx.image,
      cacheDir: MODEL_DIR,
      script: ctx.script,
      envLines: Object.entries(ctx.cmd.env)
        .map(([k, v]) => `ENV ${k}=${JSON.stringify(v)}`)
        .join("\n"),
      port: ctx.port,
      healthcheck: JSON.stringify(healthCommand(ctx)),
      nonRoot: ctx.engine.runsAsNonRoot,
    }),
  };
}
