/**
 * What a fresh-eyes user test found in the CLI, through the built bin: empty path flags, symbolic
 * links at --out, file content echoed in errors, hostile strings. Each case was wrong before (said
 * per case); now one line on stderr with a hint, exit 1, and nothing written.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { cli } from "./helpers.js";

const tmp = () => mkdtempSync(join(tmpdir(), "llmdeploy-e2e-hard-"));
const PLAN = ["plan", "--model", "8b", "--defaults", "--gpu", "l4", "-q"];

/** Exit 1, exactly one `error:` line and a hint, no stack, nothing unfilled. */
function oneLine(r: { exitCode?: number; stdout: string; stderr: string }): string {
  expect(r.exitCode).toBe(1);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines.filter((l) => l.startsWith("error:"))).toHaveLength(1);
  expect(lines.some((l) => l.startsWith("hint:"))).toBe(true);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at |NaN|undefined|\[object/);
  return lines.find((l) => l.startsWith("error:"))!;
}

describe("empty path flags (were silently ignored: plan printed, nothing written, exit 0)", () => {
  it("plan --out '' and --report '' are refused before any work", async () => {
    const dir = tmp();
    for (const flag of ["--out", "--report", "--config"]) {
      const r = await cli([...PLAN, flag, ""], { cwd: dir });
      expect(oneLine(r)).toBe(`error: ${flag} was given an empty value`);
      expect(r.stdout).toBe("");
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("symbolic links at --out", () => {
  it("--out as a link to another folder is refused; nothing reaches that folder (was: written through)", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "elsewhere"));
    symlinkSync(join(dir, "elsewhere"), join(dir, "deploy"));
    const r = await cli([...PLAN, "--out", "deploy"], { cwd: dir });
    expect(oneLine(r)).toContain("error: --out deploy is a symbolic link (to ");
    expect(readdirSync(join(dir, "elsewhere"))).toEqual([]);
    expect(lstatSync(join(dir, "deploy")).isSymbolicLink()).toBe(true);
  });

  it("a link inside --out (a file or a folder llmdeploy writes) is refused even with --force", async () => {
    const dir = tmp();
    mkdirSync(join(dir, "deploy"));
    mkdirSync(join(dir, "outside"));
    writeFileSync(join(dir, "secret.txt"), "keep me\n");
    symlinkSync(join(dir, "secret.txt"), join(dir, "deploy", "plan.yaml"));
    let r = await cli([...PLAN, "--out", "deploy", "--force"], { cwd: dir });
    expect(oneLine(r)).toContain("deploy/plan.yaml is a symbolic link");
    expect(readdirSync(join(dir, "deploy"))).toEqual(["plan.yaml"]);
    expect(await cli([...PLAN, "--out", "first"], { cwd: dir })).toMatchObject({ exitCode: 0 });
    symlinkSync(join(dir, "outside"), join(dir, "deploy", "nginx"));
    r = await cli(["render", "first/plan.yaml", "--out", "deploy", "--force"], { cwd: dir });
    expect(oneLine(r)).toContain("deploy/nginx is a symbolic link: llmdeploy never writes nginx/nginx.conf");
    expect(readdirSync(join(dir, "outside"))).toEqual([]);
    expect(existsSync(join(dir, "deploy", "Dockerfile"))).toBe(false);
  });
});

describe("errors name the file, the line and the problem; they never echo the file or a hostile string", () => {
  const SECRET = "sk-live-SECRET0123456789";
  const ESC = "\u001b[31m";
  /** Stderr holds neither the secret, nor an escape character, nor a line of the file. */
  const clean = (r: { stderr: string }) => {
    expect(r.stderr).not.toContain("SECRET");
    expect(r.stderr).not.toContain("hunter2");
    // eslint-disable-next-line no-control-regex
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  };

  it("a YAML spec with a syntax error, a tag, or no mapping (was: the yaml package's warning quoted the line)", async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, "syntax.yaml"),
      `model: 8b\napi_key: ${SECRET}\n  password: [hunter2\n${ESC}x: 1\n`,
    );
    writeFileSync(join(dir, "tag.yaml"), `model: !${SECRET} 8b\n`);
    writeFileSync(join(dir, "passwd"), `root:x:0:0:root:/root:/bin/bash ${SECRET}\n`);
    let r = await cli(["plan", "--config", "syntax.yaml", "--defaults"], { cwd: dir });
    expect(oneLine(r)).toMatch(/^error: syntax\.yaml is not valid YAML: line 2, column \d+: [\w ]+$/);
    clean(r);
    r = await cli(["plan", "--config", "tag.yaml", "--defaults"], { cwd: dir });
    expect(oneLine(r)).toBe(
      "error: tag.yaml: line 1, column 8: Unresolved tag; llmdeploy reads plain YAML (no tags)",
    );
    clean(r);
    r = await cli(["plan", "--config", "passwd", "--defaults"], { cwd: dir });
    expect(oneLine(r)).toBe("error: passwd must hold a mapping of spec fields (it holds a single string)");
    clean(r);
    for (const args of [
      ["render", "syntax.yaml", "--out", "deploy"],
      ["verify", "--log", "passwd", "--plan", "tag.yaml"],
      ["bench", "--url", "http://127.0.0.1:9", "--plan", "syntax.yaml"],
    ]) {
      r = await cli(args, { cwd: dir });
      expect(r.exitCode).toBe(1);
      clean(r);
    }
  });

  it("a JSON file (was: V8's message quoted 10 characters either side: the secret)", async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, "cal.json"),
      `{"version": 1,\n"token": ${SECRET}${ESC}, "password": "hunter2"}\n`,
    );
    let r = await cli(["estimate", "8b", "--calibration", "cal.json"], { cwd: dir });
    expect(oneLine(r)).toBe(
      "error: calibration profile cal.json is not JSON: line 2, column 10: Unexpected token 's' (--calibration)",
    );
    clean(r);
    r = await cli(["calibrate", "--bench", "cal.json", "--plan", "cal.json"], { cwd: dir });
    expect(r.exitCode).toBe(1);
    clean(r);
    // a model folder's config.json is read outside the CLI: the error line is cleaned all the same
    mkdirSync(join(dir, "model"));
    writeFileSync(join(dir, "model", "config.json"), `{"hidden_size": ${SECRET}}`);
    r = await cli(["estimate", "./model"], { cwd: dir });
    expect(oneLine(r)).toMatch(/config\.json is not valid JSON: Unexpected token 's'/);
    clean(r);
  });

  it("a hostile model name or option: escape sequences removed, a 5000-character name cut", async () => {
    let r = await cli(["estimate", `${ESC}\u001b]0;title\u0007${"a".repeat(5000)}`]);
    const line = oneLine(r);
    clean(r);
    expect(line.length).toBeLessThan(300);
    r = await cli(["plan", `--${ESC}x`]);
    expect(r.exitCode).toBe(1);
    clean(r);
  });
});

describe("plan.yaml reads back as the plan under YAML 1.2 and YAML 1.1", () => {
  // Before: `date: 2026-07-30` (the price's date) and `serviceName: yes` were written plain, and a
  // YAML 1.1 reader (PyYAML, js-yaml, Go's yaml.v2) read a Date and the boolean true.
  it("plan --out and plan --yaml hold what plan --json prints", async () => {
    const dir = tmp();
    const args = [...PLAN, "--service-name", "yes", "--engine-version", "0.10", "--provider", "gcp"];
    const json = await cli([...args, "--json"]);
    expect(json.exitCode, json.stderr).toBe(0);
    const plan = JSON.parse(json.stdout);
    expect(plan.spec.serviceName).toBe("yes");
    expect(JSON.stringify(plan)).toMatch(/"date":"\d{4}-\d{2}-\d{2}"/);
    const yaml = await cli([...args, "--yaml"]);
    expect(await cli([...args, "--out", "deploy"], { cwd: dir })).toMatchObject({ exitCode: 0 });
    const written = readFileSync(join(dir, "deploy", "plan.yaml"), "utf8");
    for (const text of [yaml.stdout, written]) {
      expect(text).toMatch(/date: "\d{4}-\d{2}-\d{2}"/);
      expect(parse(text)).toEqual(plan);
      expect(parse(text, { version: "1.1" })).toEqual(plan);
    }
  });
});

describe("what a new user trips over", () => {
  it("estimate on a GPU too small: the ledger says the KV cache has none, not a negative size", async () => {
    // Before: "KV cache │ -737.19" in the per-GPU table.
    const r = await cli(["estimate", "405b", "--gpu", "l4", "--gpus", "1"]);
    expect(r.exitCode).toBe(2); // an explicit --gpu placement that does not fit: exit 2, the ledger still printed
    expect(r.stdout).toContain("does not fit");
    expect(r.stdout).toMatch(/│\s+KV cache\s+│ none: \d+\.\d\d over the budget\s+│/);
    expect(r.stdout).not.toMatch(/│\s+-\d/);
  });

  it("a value no branch of the spec accepts names what is accepted (was: 'Invalid input')", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "kv.yaml"), "model: 8b\nkvCacheDtype: [fp4]\ntargets:\n  ttftMs: 100\n");
    let r = await cli(["plan", "--config", "kv.yaml", "--defaults"], { cwd: dir });
    expect(oneLine(r)).toBe('error: kv.yaml: kvCacheDtype.0: Invalid option: expected one of "auto"|"fp8"');
    r = await cli(["plan", "--model", "8b", "--defaults", "--kv-cache-dtype", "fp4"]);
    expect(oneLine(r)).toBe('error: --kv-cache-dtype: Invalid option: expected one of "auto"|"fp8"');
    writeFileSync(join(dir, "t.yaml"), "model: 8b\ntargets:\n  ttftMs: -5\n");
    r = await cli(["plan", "--config", "t.yaml", "--defaults"], { cwd: dir });
    expect(oneLine(r)).toBe("error: t.yaml: targets.ttftMs: Too small: expected number to be >0");
  });

  it("CI=false and no terminal: the refusal says why (was: 'CI is set')", async () => {
    const r = await cli(["plan", "--model", "8b"], { env: { CI: "false" } });
    expect(oneLine(r)).toContain("(no terminal (stdin/stdout is not a TTY), so llmdeploy does not prompt)");
    const ci = await cli(["plan", "--model", "8b"]);
    expect(oneLine(ci)).toContain("(CI is set, so llmdeploy does not prompt)");
  });

  it("a device or a huge file as the model: one line (was: /dev/zero read until the process aborted, exit 134)", async () => {
    let r = await cli(["estimate", "/dev/zero"]);
    expect(oneLine(r)).toBe("error: model /dev/zero is not a regular file or a folder");
    r = await cli(["plan", "--model", "8b", "--model-ref", "/dev/zero", "--defaults"]);
    expect(oneLine(r)).toBe("error: --model-ref /dev/zero is not a regular file or a folder");
    const dir = tmp();
    writeFileSync(join(dir, "config.json"), "");
    truncateSync(join(dir, "config.json"), 20 * 1024 * 1024);
    r = await cli(["estimate", join(dir, "config.json")]);
    expect(oneLine(r)).toMatch(/config\.json is 20 MiB: not a config\.json/);
  });

  it("a device given as a plan, a log or prompts: one line (was: read without end, or blocked on a FIFO)", async () => {
    const cases: [string[], string][] = [
      [["render", "/dev/zero", "--out", "x"], "plan file /dev/zero is not a regular file"],
      [
        ["verify", "--log", "/dev/zero", "--model", "8b", "--gpu", "l4"],
        "log file /dev/zero is not a regular file",
      ],
      [
        ["bench", "--url", "http://127.0.0.1:9", "--plan", "/dev/zero"],
        "plan file /dev/zero is not a regular file",
      ],
      [
        ["bench", "--url", "http://127.0.0.1:9", "--prompts", "/dev/zero"],
        "prompts file /dev/zero is not a regular file",
      ],
    ];
    for (const [args, message] of cases) expect(oneLine(await cli(args))).toBe(`error: ${message}`);
  });
});
