import { execa } from "execa";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import pkg from "../../package.json" with { type: "json" };

// examples/ci/github-actions.yml as a CI runner would run it: its `run:` steps, in order, in a fresh
// repository that holds deploy/spec.yaml and the tarball `npm pack` makes (the `uses:` steps are what
// the runner provides: the checkout is the repository, setup-node this Node). npm installs into a
// prefix inside the test's folder, offline; nothing leaves loopback.
const root = fileURLToPath(new URL("../..", import.meta.url));
const workflow = YAML.parse(readFileSync(join(root, "examples/ci/github-actions.yml"), "utf8")) as {
  jobs: Record<string, { steps: { run?: string; uses?: string }[] }>;
};
const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
const runs = steps.flatMap((s) => (s.run ? [s.run] : []));

describe("examples/ci/github-actions.yml", () => {
  it("installs llmdeploy from a packed tarball, not from a registry it is not published to", () => {
    expect(runs[0]).toBe(`npm install --global --no-audit --no-fund ./tools/llmdeploy-${pkg.version}.tgz`);
    expect(steps.filter((s) => s.uses).map((s) => s.uses!.split("@")[0])).toEqual([
      "actions/checkout",
      "actions/setup-node",
      "actions/upload-artifact",
    ]);
  });

  it("its run steps pass on a repository whose generated files are current, and fail once the spec changes", async () => {
    const work = mkdtempSync(join(tmpdir(), "llmdeploy-ci-"));
    const repo = join(work, "repo");
    mkdirSync(join(repo, "tools"), { recursive: true });
    mkdirSync(join(repo, "deploy"));
    const packed = await execa("npm", ["pack", "--pack-destination", join(repo, "tools"), "--silent"], {
      cwd: root,
    });
    expect(packed.stdout.trim().split("\n").pop()).toBe(`llmdeploy-${pkg.version}.tgz`);
    copyFileSync(join(root, "examples/specs/chat-7b.yaml"), join(repo, "deploy/spec.yaml"));
    const prefix = join(work, "npm-prefix");
    const env = {
      CI: "true",
      NO_COLOR: "1",
      HOME: work,
      PATH: `${join(prefix, "bin")}:${process.env.PATH}`,
      npm_config_prefix: prefix,
      npm_config_cache: join(work, "npm-cache"),
      npm_config_offline: "true",
      npm_config_update_notifier: "false",
      GIT_AUTHOR_NAME: "ci",
      GIT_AUTHOR_EMAIL: "ci@example.invalid",
      GIT_COMMITTER_NAME: "ci",
      GIT_COMMITTER_EMAIL: "ci@example.invalid",
    };
    const sh = (cmd: string) =>
      execa("bash", ["-e", "-o", "pipefail", "-c", cmd], { cwd: repo, env, reject: false, extendEnv: false });
    const runAll = async () => {
      const codes: { cmd: string; exitCode: number | undefined; stderr: string }[] = [];
      for (const cmd of runs) {
        const r = await sh(cmd);
        codes.push({ cmd, exitCode: r.exitCode, stderr: r.stderr });
        if (r.exitCode !== 0) break; // a failed step ends the job
      }
      return codes;
    };

    // The repository as its owner commits it: the spec, the tarball, and the files it plans to.
    expect((await sh(runs[0]!)).exitCode).toBe(0);
    expect((await sh("llmdeploy plan --config deploy/spec.yaml --out deploy/generated")).exitCode).toBe(0);
    for (const cmd of ["git init -q", "git add -A", "git commit -q -m init"])
      expect((await sh(cmd)).exitCode, cmd).toBe(0);

    const ok = await runAll();
    expect(
      ok.every((s) => s.exitCode === 0),
      ok.map((s) => `${s.cmd}: ${s.exitCode} ${s.stderr}`).join("\n"),
    ).toBe(true);
    expect(ok).toHaveLength(runs.length);
    expect(JSON.parse(readFileSync(join(repo, "plan.json"), "utf8"))).toMatchObject({ feasible: true });

    // A change to the spec without regenerating the committed files: the job fails.
    writeFileSync(
      join(repo, "deploy/spec.yaml"),
      readFileSync(join(repo, "deploy/spec.yaml"), "utf8").replace("concurrency: 16", "concurrency: 48"),
    );
    const drift = await runAll();
    expect(drift.at(-1)!.exitCode).not.toBe(0);
    expect(drift.at(-1)!.cmd).toContain("--out deploy/generated");
  }, 180_000);
});
