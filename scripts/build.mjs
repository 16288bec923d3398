// Build:
// - dist/cli.cjs: the whole CLI as one CommonJS bundle (dependencies included), started by
//   dist/launch.cjs with a V8 code cache (see scripts/launch.cjs for why);
// - dist/cli.cjs.cache: that cache, written by one warm-up run of `estimate 70b --int4`;
// - dist/index.js + dist/types: the library entry (ESM) and its declarations (tsc).
// Both entries bundle their dependencies, so the published package has no runtime dependencies.
import { build } from "esbuild";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, rmSync } from "node:fs";

rmSync("dist", { recursive: true, force: true });
// The catalog's data files are checked against their zod schemas first: invalid data fails the build
// (the bundle then trusts the JSON it imports, see src/catalog/data.ts).
if (
  spawnSync(process.execPath, ["scripts/run-ts.mjs", "scripts/check-catalog.ts"], { stdio: "inherit" })
    .status !== 0
)
  process.exit(1);

// commander requires child_process at load for executable subcommands, which llmdeploy has none of;
// loading it (and net, dgram behind it) costs ~4 ms of every start. Give commander a lazy stand-in.
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer)
        ? { path: "lazy-child-process", namespace: "lazy" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lazy" }, () => ({
      contents:
        'let m; module.exports = new Proxy({}, { get: (_t, k) => (m ??= require("node:child_process"))[k] });',
      loader: "js",
    }));
  },
};
// The interactive prompts (@inquirer/prompts and its dependencies, over half of all the code) live in
// their own file, read only when llmdeploy asks something: every other start reads less.
const promptsApart = {
  name: "prompts-apart",
  setup(b) {
    // import("@inquirer/prompts") becomes a bundled stand-in whose require() of the separate file stays
    // a require (a vm.Script has no dynamic import).
    b.onResolve({ filter: /^@inquirer\/prompts$/ }, () => ({ path: "prompts", namespace: "prompts-apart" }));
    b.onResolve({ filter: /^\.\/prompts\.cjs$/ }, (args) =>
      args.namespace === "prompts-apart" ? { path: "./prompts.cjs", external: true } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "prompts-apart" }, () => ({
      contents: 'module.exports = require("./prompts.cjs");',
      loader: "js",
    }));
  },
};
await build({
  entryPoints: { prompts: "node_modules/@inquirer/prompts/dist/esm/index.js" },
  outExtension: { ".js": ".cjs" },
  outdir: "dist",
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  minifySyntax: true,
  minifyWhitespace: true,
  charset: "ascii",
  logLevel: "warning",
});
await build({
  entryPoints: { cli: "src/cli/main.ts" },
  plugins: [lazyChildProcess, promptsApart],
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
  charset: "ascii",
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
// The launcher reads the bundle as latin1: it must be pure ASCII.
if (readFileSync("dist/cli.cjs").some((byte) => byte > 0x7f)) throw new Error("dist/cli.cjs is not ASCII");
// Warm-up: the commands whose start-up time we promise, run in one process, compile what they need
// into the code cache.
execFileSync(process.execPath, ["dist/launch.cjs"], {
  env: {
    ...process.env,
    NO_COLOR: "1",
    LLMDEPLOY_WARMUP: JSON.stringify([
      ["estimate", "70b", "--int4"],
      ["plan", "--model", "70b", "--defaults"],
    ]),
  },
  stdio: "ignore",
});
execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
  stdio: "inherit",
});
