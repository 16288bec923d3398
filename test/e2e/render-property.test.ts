// Property: a plan with arbitrary strings in every user- and file-controlled field renders files in
// which each string arrives intact as data and adds nothing. Each case is checked by the files'
// consumers: bash runs the launch script with a stand-in engine (the engine's argv and environment
// are exactly the plan's), YAML 1.2 and YAML 1.1 parsers read compose / Kubernetes / Prometheus files
// to the same structure as a benign render, Kubernetes' $(VAR) expansion leaves the arguments intact,
// and nginx -t / promtool check every distinct nginx and Prometheus file. Strings that a launch
// command cannot carry (control characters in the model reference or served name) are refused by
// the plan file's schema instead. Runs in CI: a few hundred cases, well under a minute.
import { execa } from "execa";
import fc from "fast-check";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { checkPlan } from "../../src/cli/render.js";
import type { Plan } from "../../src/contract/plan.js";
import { engineCommand } from "../../src/render/index.js";
import { requireTool } from "./helpers.js";
import { enginePlans, k8sExpand, prepareNginx, renderPlan, variant, writeTree } from "../tools/render.js";

const work = mkdtempSync(join(tmpdir(), "llmdeploy-render-property-"));
const RUNS = 200;

/** Fragments that have broken each kind of file: shell, YAML, nginx, Markdown, Kubernetes, comments. */
const NASTY = [
  "$(touch llmdeploy-pwned)",
  "`touch llmdeploy-pwned`",
  "${HOME}",
  "$(HF_TOKEN)",
  "$$",
  "'",
  '"',
  "\\",
  "\n",
  "\r\n",
  "\u2028",
  "\u2029",
  "\u0085",
  "\u0000",
  "\u001b[31m",
  "# ",
  "- ",
  ": ",
  "{{title}}",
  "%s",
  ";",
  "{",
  "}",
  "|",
  "*",
  "[x](y)",
  "<script>",
  "&amp;",
  "yes",
  "null",
  "0x1F",
  "~",
  "!!python/object",
  "include /etc/passwd;",
];
const nasty = fc.constantFrom(...NASTY);
const anyText = fc
  .array(fc.oneof(nasty, fc.string({ unit: "binary", maxLength: 8 }), fc.string({ maxLength: 8 })), {
    maxLength: 6,
  })
  .map((parts) => parts.join(""));
/** What a launch command can carry (argv and environment are C strings): no control characters. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const argText = anyText
  .map((s) => s.replace(CONTROL, ""))
  .filter((s) => s.trim().length > 0 && !s.startsWith("-"));

const bases = enginePlans();
const baseArb = fc.constantFrom(...bases.map((b) => b.name));

interface Strings {
  name: string;
  id: string;
  hfId: string;
  modelRef: string;
  served: string;
  generatedBy: string;
  gpuName: string;
  basis: string;
  network: string;
  note: string;
}
const stringsArb: fc.Arbitrary<Strings> = fc.record({
  name: anyText,
  id: argText,
  hfId: anyText,
  modelRef: argText,
  served: argText,
  generatedBy: anyText,
  gpuName: anyText,
  basis: anyText,
  network: anyText,
  note: anyText,
});

function hostile(base: Plan, s: Strings): Plan {
  return variant(base, (p) => {
    p.model.name = s.name;
    p.model.id = s.id;
    p.model.hfId = s.hfId;
    p.generatedBy = s.generatedBy;
    const d = p.recommendation;
    d.gpuName = s.gpuName;
    d.engine.modelRef = d.engine.modelRef.startsWith("/") ? `/${s.modelRef}` : s.modelRef;
    d.engine.servedModelName = s.served;
    d.cost.basis = s.basis;
    d.host.network = s.network;
    d.misses = [s.note];
    p.notes = [s.note];
  });
}

/** The structure of a YAML document: its keys and the kinds of its values, not the strings. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, shape(x)]));
  return typeof v;
}
const yamlShape = (text: string, version: "1.1" | "1.2") =>
  parseAllDocuments(text, { version }).map((d) => {
    if (d.errors.length) throw new Error(d.errors[0]!.message);
    return shape(d.toJS());
  });

const hash = (s: string) => createHash("sha256").update(s).digest("hex");

describe("rendering arbitrary strings (property-based)", () => {
  it("plans with control characters in what a command carries are refused by the plan schema", () => {
    fc.assert(
      fc.property(baseArb, fc.constantFrom("\n", "\u0000", "\u2028", "\r", "\u0085"), (name, c) => {
        const base = bases.find((b) => b.name === name)!.plan;
        const bad = variant(base, (p) => (p.recommendation.engine.modelRef = `m${c}x`));
        expect(() => checkPlan(bad, "plan.yaml")).toThrow(/modelRef/);
      }),
      { numRuns: 30 },
    );
  });

  it(`every file carries the strings as data and adds nothing (${RUNS} cases)`, async (ctx) => {
    await requireTool("bash", ctx);
    const bin = join(work, "bin");
    // stand-ins for every engine program: print argv and environment as JSON
    const standIn = `#!${process.execPath}\nconsole.log(JSON.stringify({ argv: process.argv.slice(2), env: process.env }));\n`;
    mkdirSync(bin, { recursive: true });
    for (const p of ["vllm", "python3", "trtllm-serve", "text-generation-launcher", "llama-server"])
      writeFileSync(join(bin, p), standIn, { mode: 0o755 });
    // Ollama: every call logged; `serve` returns at once, `list` succeeds
    writeFileSync(
      join(bin, "ollama"),
      `#!${process.execPath}\nrequire("node:fs").appendFileSync(process.env.CALLS, JSON.stringify(process.argv.slice(2)) + "\\n");\n`,
      { mode: 0o755 },
    );
    const benign = new Map(bases.map((b) => [b.name, renderPlan(b.plan)]));
    const nginxSeen = new Set<string>();
    const promSeen = new Set<string>();
    const toCheck: { kind: "nginx" | "prom-config" | "prom-rules"; path: string }[] = [];
    let i = 0;
    const samples = fc.sample(fc.tuple(baseArb, stringsArb), { numRuns: RUNS, seed: 20261130 });
    for (const [name, s] of samples) {
      const base = bases.find((b) => b.name === name)!.plan;
      const plan = hostile(base, s);
      // the plan file round-trips through its schema
      expect(() => checkPlan(JSON.parse(JSON.stringify(plan)), "plan.yaml")).not.toThrow();
      const files = renderPlan(plan);
      const dir = join(work, `case-${i++}`);
      writeTree(dir, files);
      const want = benign.get(name)!;
      // the same files, nothing added or lost
      expect(files.map((f) => f.path)).toEqual(want.map((f) => f.path));
      const cmd = engineCommand(plan);
      for (const f of files) {
        const ref = want.find((w) => w.path === f.path)!;
        if (/\.(ya?ml)$/.test(f.path)) {
          // the same structure under YAML 1.2 and YAML 1.1 (no key, document or type added)
          expect(yamlShape(f.content, "1.2"), f.path).toEqual(yamlShape(ref.content, "1.2"));
          expect(yamlShape(f.content, "1.1"), f.path).toEqual(yamlShape(ref.content, "1.1"));
        }
        if (f.path === "nginx/nginx.conf" && !nginxSeen.has(hash(f.content))) {
          nginxSeen.add(hash(f.content));
          toCheck.push({ kind: "nginx", path: join(dir, f.path) });
        }
        if (f.path.startsWith("monitoring/") && !promSeen.has(hash(f.content))) {
          promSeen.add(hash(f.content));
          toCheck.push({
            kind: f.path.endsWith("alerts.yml") ? "prom-rules" : "prom-config",
            path: join(dir, f.path),
          });
        }
        // comments and headers stay one line: no line of the file is new except where strings land
        expect(f.content.split("\n").length, f.path).toBe(ref.content.split("\n").length);
        if (f.path === "Dockerfile") expect(f.content).toMatch(/^FROM \S+$/m);
        if (f.path === "README.md")
          expect(f.content.split("\n").filter((l) => /^#+ /.test(l)).length).toBe(
            ref.content.split("\n").filter((l) => /^#+ /.test(l)).length,
          );
      }
      // Kubernetes: what the container receives after $(VAR) expansion is the plan's exact argv
      const deployment = files.find((f) => f.path === "k8s/statefulset.yaml");
      if (deployment) {
        const c = parseYaml(deployment.content).spec.template.spec.containers[0];
        if (c.args) {
          const env = { HF_TOKEN: "secret-token", HOME: "/tmp" };
          expect((c.args as string[]).map((a) => k8sExpand(a, env))).toEqual(cmd.args);
        }
      }
      // bash: an engine that pulls its model after it starts (Ollama) pulls exactly the plan's model
      if (cmd.pullAfterStart) {
        const log = join(dir, "calls.log");
        const r = await execa("bash", [join(dir, `launch-${cmd.engine}.sh`)], {
          cwd: dir,
          env: { PATH: `${bin}:${process.env.PATH}`, CALLS: log },
          extendEnv: false,
          reject: false,
        });
        expect(r.exitCode, `${name}: ${r.stderr}`).toBe(0);
        const calls = readFileSync(log, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as string[]);
        expect(calls).toContainEqual([...cmd.pullAfterStart.pull.slice(1), cmd.pullAfterStart.model]);
      }
      // bash: the launch script hands the engine exactly the plan's argv and environment
      if (!cmd.pullAfterStart) {
        let script = join(dir, `launch-${cmd.engine}.sh`);
        if (cmd.program.startsWith("/")) {
          // an absolute program (llama.cpp's /app/llama-server): point it at the stand-in
          const text = readFileSync(script, "utf8").replace(
            `exec ${cmd.program} `,
            `exec ${join(bin, cmd.program.split("/").pop()!)} `,
          );
          script = join(dir, "launch-test.sh");
          writeFileSync(script, text);
        }
        const r = await execa("bash", [script], {
          cwd: dir,
          env: { PATH: `${bin}:${process.env.PATH}`, HF_TOKEN_FILE: "/nonexistent" },
          extendEnv: false,
          reject: false,
        });
        expect(r.exitCode, `${name}: ${r.stderr}`).toBe(0);
        const got = JSON.parse(r.stdout) as { argv: string[]; env: Record<string, string> };
        expect(got.argv, name).toEqual(cmd.args);
        for (const [k, v] of Object.entries(cmd.env)) expect(got.env[k], k).toBe(v);
      }
      expect(existsSync(join(dir, "llmdeploy-pwned"))).toBe(false);
    }
    // each distinct nginx and Prometheus file, checked by its consumer
    if (toCheck.some((t) => t.kind === "nginx")) await requireTool("nginx", ctx);
    for (const t of toCheck.filter((x) => x.kind === "nginx")) {
      const { dir, file } = await prepareNginx(work, readFileSync(t.path, "utf8"), 9);
      const r = await execa("nginx", ["-t", "-q", "-p", dir, "-c", file, "-e", join(dir, "startup.log")], {
        reject: false,
      });
      expect(r.exitCode, `${t.path}: ${r.stderr}`).toBe(0);
    }
    const prom = toCheck.filter((x) => x.kind !== "nginx");
    if (prom.length) {
      await requireTool("promtool", ctx);
      for (const kind of ["prom-config", "prom-rules"] as const) {
        const paths = prom.filter((x) => x.kind === kind).map((x) => x.path);
        if (!paths.length) continue;
        const r = await execa("promtool", ["check", kind === "prom-rules" ? "rules" : "config", ...paths], {
          reject: false,
        });
        expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      }
    }
  }, 120_000);
});
