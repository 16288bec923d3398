// Build:
// - dist/cli.cjs: the whole CLI as one CommonJS bundle (dependencies included), started by
//   dist/launch.cjs with a V8 code cache (see scripts/launch.cjs for why);
// - dist/cli.cjs.cache: that cache, written by one warm-up run of `estimate 70b --int4`;
// - dist/index.js + dist/types: the library entry (ESM) and its declarations (tsc).
// Both entries bundle their dependencies, so the published package has no runtime dependencies.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { copyFileSync, rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli/main.ts" },
  outExtension: { ".js": ".cjs" },
  outdir: "dist",
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  // import.meta.url in a CommonJS bundle: the bundle's own file URL (templates are found from it).
  define: { "import.meta.url": "__llmdeployImportMetaUrl" },
  banner: { js: 'var __llmdeployImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  minifySyntax: true,
  // Less source to read and hash at every start; names stay readable in --debug stack traces.
  minifyWhitespace: true,
  logLevel: "warning",
});
await build({
  entryPoints: { index: "src/index.ts" },
  outdir: "dist",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  logLevel: "warning",
});
copyFileSync("scripts/launch.cjs", "dist/launch.cjs");
// Warm-up run: compiles what `estimate` needs and stores it in the code cache.
execFileSync(process.execPath, ["dist/launch.cjs", "estimate", "70b", "--int4"], {
  env: { ...process.env, LLMDEPLOY_WRITE_CODE_CACHE: "1", NO_COLOR: "1" },
  stdio: "ignore",
});
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
  stdio: "inherit",
});
