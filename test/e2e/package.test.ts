import { execa } from "execa";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The published package: `npm pack` makes a tarball that installs into an empty folder, with no
// network (the CLI and the library are bundled, so there is nothing else to fetch), and runs.
const root = fileURLToPath(new URL("../..", import.meta.url));

describe("npm pack → install into an empty folder → run", () => {
  it("installs offline and runs --help, estimate and the library entry", async () => {
    const work = mkdtempSync(join(tmpdir(), "llmdeploy-pack-"));
    const packed = await execa("npm", ["pack", "--pack-destination", work, "--silent"], { cwd: root });
    const tarball = join(work, packed.stdout.trim().split("\n").pop()!);
    const app = join(work, "app");
    await execa("mkdir", [app]);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    await execa("npm", ["install", "--offline", "--no-audit", "--no-fund", "--silent", tarball], {
      cwd: app,
    });
    // nothing but llmdeploy itself lands in node_modules
    expect(readdirSync(join(app, "node_modules")).filter((d) => !d.startsWith("."))).toEqual(["llmdeploy"]);

    const run = (args: string[]) =>
      execa("npx", ["--no-install", "llmdeploy", ...args], {
        cwd: app,
        reject: false,
        env: { CI: "true", NO_COLOR: "1" },
      });
    const help = await run(["--help"]);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/Usage: llmdeploy/);
    const est = await run(["estimate", "70b", "--int4", "--json"]);
    expect(est.exitCode).toBe(0);
    expect(JSON.parse(est.stdout).model.id).toBe("llama-3.3-70b");
    // templates are found inside the installed package
    const out = join(work, "deploy");
    const rendered = await run([
      "render",
      join(root, "examples/deployments/chat-7b/plan.yaml"),
      "--out",
      out,
    ]);
    expect(rendered.exitCode, rendered.stderr).toBe(0);
    expect(readdirSync(out)).toContain("compose.yaml");
    const version = await run(["--version"]);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);

    const lib = await execa(
      "node",
      [
        "--input-type=module",
        "-e",
        "import { models, findGpu } from 'llmdeploy'; console.log(models.length, findGpu('h100').id)",
      ],
      { cwd: app },
    );
    expect(lib.stdout).toMatch(/^\d+ h100-sxm$/);
  }, 120_000);
});
