// `llmdeploy render` as a user runs it: the built bin, a fixture plan, a temp folder; exit codes,
// stdout (lists), stderr (one line + hint on errors) and the files written.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { FIXTURE_DIR, FIXTURES, listFiles, renderPlan, loadFixture } from "../tools/render.js";
import { cli, requireTool } from "./helpers.js";

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `llmdeploy-e2e-${name}-`));
const fixture = (name: keyof typeof FIXTURES) => join(FIXTURE_DIR, FIXTURES[name]);
/** stderr's error and hint lines; every other line must be a note (a fixture's figures older than the sizing). */
const errorLines = (stderr: string) => {
  const lines = stderr
    .trim()
    .split("\n")
    .filter((l) => !l.startsWith("note: "));
  for (const l of lines) expect(l).toMatch(/^(error|hint):/);
  return lines;
};

describe("llmdeploy render: writing a folder", () => {
  it("writes what the plan renders (templates found from the built package), then finds it up to date", async () => {
    const out = join(tmp("render"), "deploy");
    const r = await cli(["render", fixture("single-node-tp4"), "--out", out]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    const expected = renderPlan(loadFixture("single-node-tp4"));
    // what the plan renders, and the manifest of what llmdeploy wrote
    expect(listFiles(out)).toEqual([...expected.map((f) => f.path), ".llmdeploy-manifest.json"].sort());
    for (const f of expected) expect(readFileSync(join(out, f.path), "utf8"), f.path).toBe(f.content);
    expect(statSync(join(out, "launch-vllm.sh")).mode & 0o777).toBe(0o755);
    expect(r.stderr).toMatch(/^wrote +.*k8s\/statefulset\.yaml$/m);
    // again: nothing to do
    const again = await cli(["render", fixture("single-node-tp4"), "--out", out]);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toMatch(/all up to date/);
    const check = await cli(["render", fixture("single-node-tp4"), "--out", out, "--check"]);
    expect(check.exitCode).toBe(0);
    expect(check.stdout).toBe("");
    expect(check.stderr).toMatch(/is up to date/);
  });

  it("--check fails on a drifted folder with the list; --force rewrites, without it nothing changes", async () => {
    const out = join(tmp("drift"), "deploy");
    const plan = fixture("standalone");
    expect((await cli(["render", plan, "--out", out])).exitCode).toBe(0);
    writeFileSync(join(out, "compose.yaml"), "# edited by hand\n");
    writeFileSync(
      join(out, "Dockerfile"),
      readFileSync(join(out, "Dockerfile"), "utf8").replace("30m", "1m"),
    );
    // --check: exit 1, a unified diff on stdout, one error line and a hint that works on stderr
    let r = await cli(["render", plan, "--out", out, "--check"]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^--- a\/Dockerfile\n\+\+\+ b\/Dockerfile\n@@ /m);
    expect(r.stdout).toMatch(/^-HEALTHCHECK .*--start-period=1m .*\n\+HEALTHCHECK .*--start-period=30m /m);
    expect(r.stdout).toMatch(
      /^--- a\/compose\.yaml\n\+\+\+ b\/compose\.yaml\n@@ -1(,1)? \+1,\d+ @@\n-# edited by hand\n/m,
    );
    const [error, hint] = errorLines(r.stderr);
    expect(error).toMatch(
      /2 file\(s\) in .* differ from what the plan renders: Dockerfile \(changed\), compose\.yaml \(changed\)/,
    );
    expect(hint).toBe(
      `hint: see the diff above; update the folder with: llmdeploy render ${plan} --out ${out} --force`,
    );
    // a changed plan drifts too: the new plan renders other files
    const moved = join(tmp("plan"), "plan.yaml");
    writeFileSync(
      moved,
      stringify({ ...loadFixture("standalone"), spec: { ...loadFixture("standalone").spec, port: 8100 } }),
    );
    r = await cli(["render", moved, "--out", out, "--check"]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^\+\+\+ b\/launch-vllm\.sh$/m);
    // writing without --force: refused, nothing written
    r = await cli(["render", plan, "--out", out]);
    expect(r.exitCode).toBe(1);
    expect(errorLines(r.stderr)[0]).toMatch(
      /2 file\(s\) in .* differ from what the plan renders: Dockerfile, compose\.yaml$/,
    );
    expect(readFileSync(join(out, "compose.yaml"), "utf8")).toBe("# edited by hand\n");
    // --dry-run lists, writes nothing
    r = await cli(["render", plan, "--out", out, "--dry-run"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^changed +.*compose\.yaml$/m);
    expect(r.stderr).toMatch(/nothing written/);
    expect(readFileSync(join(out, "compose.yaml"), "utf8")).toBe("# edited by hand\n");
    // --force: the command the --check hint gave
    r = await cli(hint!.replace(/^.*update the folder with: llmdeploy /, "").split(" "));
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/^updated +.*compose\.yaml$/m);
    expect(parse(readFileSync(join(out, "compose.yaml"), "utf8")).services.engine).toBeDefined();
    expect((await cli(["render", plan, "--out", out, "--check"])).exitCode).toBe(0);
  });

  it("the --check diff is a patch: patch -p1 inside the folder makes it what the plan renders", async (ctx) => {
    await requireTool("patch", ctx);
    const out = join(tmp("patch"), "deploy");
    const plan = fixture("standalone");
    expect((await cli(["render", plan, "--out", out])).exitCode).toBe(0);
    writeFileSync(join(out, "compose.yaml"), "# edited by hand\n");
    writeFileSync(
      join(out, "Dockerfile"),
      readFileSync(join(out, "Dockerfile"), "utf8").replace("30m", "1m"),
    );
    const r = await cli(["render", plan, "--out", out, "--check"]);
    expect(r.exitCode).toBe(1);
    const applied = await execa("patch", ["-p1", "--no-backup-if-mismatch"], {
      cwd: out,
      input: `${r.stdout}\n`, // execa strips the final newline
      reject: false,
    });
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
    expect((await cli(["render", plan, "--out", out, "--check"])).exitCode).toBe(0);
  });

  it("a file the plan no longer renders (compose -> kubernetes) is stale: --check shows it, --force removes it", async () => {
    const dir = tmp("stale");
    const out = join(dir, "deploy");
    const composePlan = fixture("standalone");
    expect((await cli(["render", composePlan, "--out", out])).exitCode).toBe(0);
    writeFileSync(join(out, "notes.md"), "mine\n"); // not llmdeploy's: never removed
    const k8s = join(dir, "k8s-plan.yaml");
    const p = loadFixture("standalone");
    writeFileSync(k8s, stringify({ ...p, spec: { ...p.spec, packaging: "kubernetes" } }));
    let r = await cli(["render", k8s, "--out", out, "--check"]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^--- a\/compose\.yaml\n\+\+\+ \/dev\/null\n/m);
    expect(r.stdout).toMatch(/^--- \/dev\/null\n\+\+\+ b\/k8s\/statefulset\.yaml\n/m);
    expect(errorLines(r.stderr)[0]).toMatch(/compose\.yaml \(stale\)/);
    r = await cli(["render", k8s, "--out", out, "--dry-run"]);
    expect(r.stdout).toMatch(/^remove +.*compose\.yaml$/m);
    r = await cli(["render", k8s, "--out", out, "--force"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^removed .*compose\.yaml$/m);
    expect(existsSync(join(out, "compose.yaml"))).toBe(false);
    expect(existsSync(join(out, "k8s/statefulset.yaml"))).toBe(true);
    expect(readFileSync(join(out, "notes.md"), "utf8")).toBe("mine\n");
    r = await cli(["render", k8s, "--out", out, "--check"]);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stderr).toMatch(/is up to date/);
  });

  it("--dry-run on a new folder lists every file and creates nothing", async () => {
    const out = join(tmp("dry"), "deploy");
    const r = await cli(["render", fixture("multi-node"), "--out", out, "--dry-run"]);
    expect(r.exitCode).toBe(0);
    const listed = r.stdout.trim().split("\n");
    expect(listed.every((l) => l.startsWith("new       "))).toBe(true);
    expect(listed).toContain(`new       ${join(out, "k8s/leaderworkerset.yaml")}`);
    expect(listed).toContain(`new       ${join(out, "launch-vllm.sh")}`);
    expect(listed.some((l) => /ray/.test(l))).toBe(false);
    expect(existsSync(out)).toBe(false);
  });

  it("reads JSON plans and a folder holding plan.yaml", async () => {
    const dir = tmp("json");
    writeFileSync(join(dir, "plan.json"), JSON.stringify(loadFixture("llamacpp-gguf")));
    let r = await cli(["render", join(dir, "plan.json"), "--out", join(dir, "a")]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(join(dir, "a/launch-llamacpp.sh"))).toBe(true);
    const holder = join(dir, "holder");
    mkdirSync(holder);
    writeFileSync(join(holder, "plan.yaml"), readFileSync(fixture("standalone")));
    r = await cli(["render", holder, "--out", join(dir, "b")]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(existsSync(join(dir, "b/compose.yaml"))).toBe(true);
  });

  it("--generate-api-key writes secrets/api-keys.map with mode 0600, says so, never prints the key", async () => {
    const out = join(tmp("keys"), "deploy");
    const r = await cli(["render", fixture("standalone"), "--out", out, "--generate-api-key"]);
    expect(r.exitCode).toBe(0);
    const keys = join(out, "secrets/api-keys.map");
    expect(statSync(keys).mode & 0o777).toBe(0o600);
    const content = readFileSync(keys, "utf8");
    expect(content).toMatch(/^"Bearer sk-[0-9a-f]{48}" 1;\n$/);
    expect(r.stderr).toMatch(/secrets\/api-keys\.map \(mode 0600\)/);
    expect(r.stdout + r.stderr).not.toContain(content.slice(11, 40));
    // not regenerated, and the folder stays up to date (the keys file is not a rendered file)
    const again = await cli(["render", fixture("standalone"), "--out", out, "--generate-api-key"]);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toMatch(/exists; no key generated/);
    expect(readFileSync(keys, "utf8")).toBe(content);
    expect((await cli(["render", fixture("standalone"), "--out", out, "--check"])).exitCode).toBe(0);
  });
});

describe("llmdeploy render: bad input is one line and a hint, and nothing is written", () => {
  const dir = tmp("bad");
  const out = join(dir, "never");
  const cases: [string, () => string, RegExp][] = [
    ["a missing file", () => join(dir, "missing.yaml"), /plan file .*missing\.yaml does not exist/],
    [
      "malformed YAML",
      () => {
        writeFileSync(join(dir, "broken.yaml"), "kind: Plan\n  apiVersion: [\n");
        return join(dir, "broken.yaml");
      },
      /broken\.yaml is not valid YAML: /,
    ],
    [
      "another kind of document",
      () => {
        writeFileSync(join(dir, "other.yaml"), "apiVersion: v1\nkind: ConfigMap\n");
        return join(dir, "other.yaml");
      },
      /not an llmdeploy\/v1 Plan \(kind: ConfigMap, apiVersion: v1\)/,
    ],
    [
      "no recommendation",
      () => {
        const p = loadFixture("standalone") as unknown as Record<string, unknown>;
        delete p.recommendation;
        writeFileSync(join(dir, "norec.yaml"), stringify(p));
        return join(dir, "norec.yaml");
      },
      /recommendation is missing/,
    ],
    [
      "a wrong field",
      () => {
        const p = loadFixture("standalone");
        (p.recommendation.engine as unknown as Record<string, unknown>).maxModelLen = "8k";
        writeFileSync(join(dir, "field.yaml"), stringify(p));
        return join(dir, "field.yaml");
      },
      /recommendation\.engine\.maxModelLen: /,
    ],
    [
      "an unpinned image",
      () => {
        const p = loadFixture("standalone");
        p.recommendation.engine.image = "vllm/vllm-openai:latest";
        writeFileSync(join(dir, "latest.yaml"), stringify(p));
        return join(dir, "latest.yaml");
      },
      /recommendation\.engine\.image: must be a pinned image/,
    ],
    [
      "a line break in the model a command loads (issue #12: it would inject a command)",
      () => {
        const p = loadFixture("standalone");
        p.recommendation.engine.modelRef = "Qwen/Qwen2.5-7B-Instruct\nrm -rf /";
        writeFileSync(join(dir, "newline.yaml"), stringify(p));
        return join(dir, "newline.yaml");
      },
      /recommendation\.engine\.modelRef: must not contain control characters or line breaks/,
    ],
    [
      "a NUL in the served name (it would make the launch script unrunnable)",
      () => {
        const p = loadFixture("standalone");
        p.recommendation.engine.servedModelName = "chat\u0000model";
        writeFileSync(join(dir, "nul.yaml"), stringify(p));
        return join(dir, "nul.yaml");
      },
      /recommendation\.engine\.servedModelName: must not contain control characters/,
    ],
    [
      "a missing field and a wrong type deep in the plan",
      () => {
        const p = loadFixture("standalone") as unknown as {
          recommendation: { performance: Record<string, unknown> };
        };
        delete p.recommendation.performance.ttftMs;
        writeFileSync(join(dir, "missing-field.yaml"), stringify(p));
        return join(dir, "missing-field.yaml");
      },
      /recommendation\.performance\.ttftMs: /,
    ],
    [
      "an object where a string goes",
      () => {
        const p = loadFixture("standalone") as unknown as { model: Record<string, unknown> };
        p.model.name = { evil: true };
        writeFileSync(join(dir, "object.yaml"), stringify(p));
        return join(dir, "object.yaml");
      },
      /model\.name: /,
    ],
  ];
  for (const [what, make, message] of cases) {
    it(what, async () => {
      const r = await cli(["render", make(), "--out", out]);
      expect(r.exitCode).toBe(1);
      const [error, hint] = errorLines(r.stderr);
      expect(error).toMatch(message);
      expect(hint).toBeDefined();
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(out)).toBe(false);
    });
  }

  it("--out is required", async () => {
    const r = await cli(["render", fixture("standalone")]);
    expect(r.exitCode).toBe(1);
    expect(errorLines(r.stderr)[0]).toMatch(/--out DIR is required/);
  });

  it("a folder that cannot be created leaves nothing behind", async () => {
    const d = tmp("blocked");
    writeFileSync(join(d, "afile"), "x");
    const r = await cli(["render", fixture("standalone"), "--out", join(d, "afile", "deploy")]);
    expect(r.exitCode).toBe(1);
    expect(errorLines(r.stderr)[0]).toMatch(/^error: cannot write/);
    expect(readdirSync(d)).toEqual(["afile"]);
  });
});
