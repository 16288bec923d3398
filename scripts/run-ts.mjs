// Runs a TypeScript dev script (scripts/*.ts) by bundling it with esbuild first.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
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
execFileSync(process.execPath, [out, ...args], { stdio: "inherit" });
