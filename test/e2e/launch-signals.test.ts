// docker stop and Kubernetes end a container with SIGTERM to its first process, the launch script.
// The rendered scripts are run with bash, the engine replaced by a stub: SIGTERM must reach the engine
// at once (even while Ollama's model is still being pulled), and the script must end when the engine
// has, with its exit status (143 = 128 + SIGTERM when the signal ends it), never 0 or 1 of its own.
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { enginePlans, renderPlan } from "../tools/render.js";

function scriptOf(engine: string): { name: string; content: string } {
  const plan = enginePlans().find(
    (p) => p.plan.recommendation.engine.name === engine && p.plan.spec.packaging === "compose",
  );
  const f = renderPlan(plan!.plan).find((x) => x.path.startsWith("launch-"));
  return { name: f!.path, content: f!.content };
}

/** Runs `script` with `stub` as the engine program; sends SIGTERM once `ready` exists (after `delayMs`). */
async function runAndTerm(
  program: string,
  stub: string,
  script: string,
  env: Record<string, string>,
  ready: (dir: string) => boolean,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "llmdeploy-sig-"));
  mkdirSync(join(dir, "bin"));
  writeFileSync(join(dir, "bin", program), stub);
  chmodSync(join(dir, "bin", program), 0o755);
  writeFileSync(join(dir, "launch.sh"), script.replace(/^export (HF_HOME|OLLAMA_MODELS)=.*$/gm, ""));
  const child = spawn("bash", [join(dir, "launch.sh")], {
    env: { PATH: `${join(dir, "bin")}:/usr/bin:/bin`, STATE: dir, ...env },
    stdio: "ignore",
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  for (let i = 0; i < 100 && !ready(dir); i++) await new Promise((r) => setTimeout(r, 50));
  expect(ready(dir), "the stub engine never started").toBe(true);
  await new Promise((r) => setTimeout(r, 200));
  const t0 = Date.now();
  child.kill("SIGTERM");
  const r = await done;
  return { ...r, ms: Date.now() - t0, dir };
}

// An Ollama stand-in: `serve` runs until a signal (with HANDLER set it shuts down for 0.5 s and exits
// 3), `list` answers once serve is up, `pull` takes PULL_SECONDS.
const OLLAMA = `#!/bin/bash
case "$1" in
  serve)
    touch "$STATE/up"
    if [ -n "\${HANDLER:-}" ]; then
      trap 'sleep 0.5; touch "$STATE/engine-done"; exit 3' TERM
      while :; do sleep 0.1; done
    fi
    exec sleep 30 ;;
  list) [ -e "$STATE/up" ] ;;
  pull)
    touch "$STATE/pulling"
    # a long pull is the sleep itself, so the SIGTERM the script passes on ends it
    if [ -n "\${PULL_SECONDS:-}" ]; then exec sleep "$PULL_SECONDS"; fi
    touch "$STATE/pulled" ;;
esac
`;

describe("the launch script on SIGTERM", () => {
  const ollama = scriptOf("ollama");
  it("Ollama (served in the background while the model is pulled): the engine's own status, after it has shut down", async () => {
    const r = await runAndTerm("ollama", OLLAMA, ollama.content, { HANDLER: "1" }, (d) =>
      existsSync(join(d, "pulled")),
    );
    expect(r.code).toBe(3);
    expect(existsSync(join(r.dir, "engine-done")), "the script ended before the engine").toBe(true);
  });
  it("Ollama without a handler: 143 (128 + SIGTERM)", async () => {
    const r = await runAndTerm("ollama", OLLAMA, ollama.content, {}, (d) => existsSync(join(d, "pulled")));
    expect(r.code).toBe(143);
  });
  it("Ollama mid-pull: the signal reaches the engine at once, not after the pull", async () => {
    const r = await runAndTerm("ollama", OLLAMA, ollama.content, { HANDLER: "1", PULL_SECONDS: "20" }, (d) =>
      existsSync(join(d, "pulling")),
    );
    expect(r.code).toBe(3);
    expect(r.ms).toBeLessThan(5000);
  });
  it("engines started with exec (vLLM): the engine itself receives SIGTERM and its status is the script's", async () => {
    const vllm = scriptOf("vllm");
    expect(vllm.content).toMatch(/^exec vllm "\$\{args\[@\]\}" "\$@"$/m);
    const stub = `#!/bin/bash\ntouch "$STATE/up"\ntrap 'exit 7' TERM\nwhile :; do sleep 0.1; done\n`;
    const r = await runAndTerm("vllm", stub, vllm.content, {}, (d) => existsSync(join(d, "up")));
    expect(r.code).toBe(7);
  });
});
