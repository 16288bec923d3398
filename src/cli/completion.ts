/**
 * `llmdeploy completion bash|zsh|fish`: a completion script built from the commander tree (commands
 * and their flags) and the catalogs (model and GPU ids), so it never drifts from the CLI.
 */
import type { Command } from "commander";
import { gpus, models, SIZE_ALIASES } from "../catalog/index.js";
import { UserError } from "../errors.js";

interface Spec {
  name: string;
  summary: string;
  flags: { flag: string; takesValue: boolean; help: string }[];
}

function specs(program: Command): Spec[] {
  return program.commands.map((cmd) => ({
    name: cmd.name(),
    summary: cmd.summary() || cmd.description().split("\n")[0] || "",
    flags: cmd.options
      .filter((o) => o.long)
      .map((o) => ({ flag: o.long!, takesValue: o.required || o.optional, help: o.description })),
  }));
}

const MODEL_FLAGS = new Set(["--model"]);
const GPU_FLAGS = new Set(["--gpu"]);
const FILE_FLAGS = new Set(["--config", "--out", "--log", "--plan", "--prompts"]);

/** Quote for a single-quoted shell word. */
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function bash(program: Command): string {
  const s = specs(program);
  const modelIds = [...models.map((m) => m.id), ...Object.keys(SIZE_ALIASES)].join(" ");
  const gpuIds = gpus.map((g) => g.id).join(" ");
  const cases = s
    .map((c) => `    ${c.name}) flags=${sq(c.flags.map((f) => f.flag).join(" ") + " --help")} ;;`)
    .join("\n");
  return `# bash completion for llmdeploy. Install: llmdeploy completion bash > ~/.local/share/bash-completion/completions/llmdeploy
_llmdeploy() {
  local cur prev cmd flags
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  cmd="\${COMP_WORDS[1]}"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W ${sq(s.map((c) => c.name).join(" ") + " --help --version")} -- "$cur"))
    return
  fi
  case "$prev" in
    --model) COMPREPLY=($(compgen -W ${sq(modelIds)} -- "$cur")); return ;;
    --gpu) COMPREPLY=($(compgen -W ${sq(gpuIds)} -- "$cur")); return ;;
    --config|--out|--log|--plan|--prompts) COMPREPLY=($(compgen -f -- "$cur")); return ;;
  esac
  case "$cmd" in
${cases}
    *) flags="--help" ;;
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  elif [[ "$cmd" == estimate || "$cmd" == render ]]; then
    COMPREPLY=($(compgen -W ${sq(modelIds)} -f -- "$cur"))
  fi
}
complete -o default -F _llmdeploy llmdeploy
`;
}

function zsh(program: Command): string {
  const s = specs(program);
  // _arguments unescapes \[ \] \: ; a ' inside a single-quoted zsh word is written '\''
  const esc = (t: string) => t.replace(/[[\]:\\]/g, (m) => `\\${m}`).replace(/'/g, "'\\''");
  const modelIds = [...models.map((m) => m.id), ...Object.keys(SIZE_ALIASES)].join(" ");
  const gpuIds = gpus.map((g) => g.id).join(" ");
  const fns = s
    .map((c) => {
      const args = c.flags.map((f) => {
        const action = MODEL_FLAGS.has(f.flag)
          ? `:model:(${modelIds})`
          : GPU_FLAGS.has(f.flag)
            ? `:gpu:(${gpuIds})`
            : FILE_FLAGS.has(f.flag)
              ? ":file:_files"
              : f.takesValue
                ? ":value: "
                : "";
        return `    '${f.flag}[${esc(f.help)}]${action}'`;
      });
      const positional = c.name === "estimate" ? [`    '1:model:(${modelIds})'`] : [];
      return `_llmdeploy_${c.name.replace(/-/g, "_")}() {\n  _arguments \\\n${[...args, ...positional, "    '--help[show help]'"].join(" \\\n")}\n}`;
    })
    .join("\n\n");
  return `#compdef llmdeploy
# zsh completion for llmdeploy. Install: llmdeploy completion zsh > "\${fpath[1]}/_llmdeploy"

${fns}

_llmdeploy() {
  local -a commands
  commands=(
${s.map((c) => `    '${c.name}:${esc(c.summary)}'`).join("\n")}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  local fn="_llmdeploy_\${words[2]//-/_}"
  shift words
  (( CURRENT-- ))
  (( $+functions[$fn] )) && $fn
}

compdef _llmdeploy llmdeploy
`;
}

function fish(program: Command): string {
  const s = specs(program);
  const q = (t: string) => `'${t.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  const modelIds = [...models.map((m) => m.id), ...Object.keys(SIZE_ALIASES)].join(" ");
  const gpuIds = gpus.map((g) => g.id).join(" ");
  const lines = [
    "# fish completion for llmdeploy. Install: llmdeploy completion fish > ~/.config/fish/completions/llmdeploy.fish",
    "complete -c llmdeploy -f",
    ...s.map((c) => `complete -c llmdeploy -n __fish_use_subcommand -a ${c.name} -d ${q(c.summary)}`),
  ];
  for (const c of s) {
    for (const f of c.flags) {
      const name = f.flag.replace(/^--/, "");
      let extra = f.takesValue ? " -r" : "";
      if (MODEL_FLAGS.has(f.flag)) extra += ` -a ${q(modelIds)}`;
      else if (GPU_FLAGS.has(f.flag)) extra += ` -a ${q(gpuIds)}`;
      else if (FILE_FLAGS.has(f.flag)) extra += " -F";
      lines.push(
        `complete -c llmdeploy -n '__fish_seen_subcommand_from ${c.name}' -l ${name}${extra} -d ${q(f.help)}`,
      );
    }
  }
  lines.push(`complete -c llmdeploy -n '__fish_seen_subcommand_from estimate' -a ${q(modelIds)}`);
  return lines.join("\n") + "\n";
}

export function completionScript(program: Command, shell: string): string {
  if (shell === "bash") return bash(program);
  if (shell === "zsh") return zsh(program);
  if (shell === "fish") return fish(program);
  throw new UserError(`no completion for shell "${shell}"`, "choose bash, zsh or fish");
}
