// Runs a TypeScript dev script (scripts/*.ts) by bundling it with esbuild first; exits with its code.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
const [entry, ...args] = process.argv.slice(2);
const out = `node_modules/.cache/llmdeploy-scripts/${entry.replace(/[/\\]/g, "_")}.mjs`;
await build({
  entryPoints: [entry],
  outfile: out,
  bundle: true,
  platform: "node",
  format: "esm",
  logLevel: "warning",
});
process.exitCode = spawnSync(process.execPath, [out, ...args], { stdio: "inherit" }).status ?? 1;
