// The CLI launcher, copied to dist/launch.cjs by the build (bin/llmdeploy.js imports it).
//
// Start-up time is a feature: Node 20 has no module compile cache, so the CLI is one CommonJS bundle
// (dist/cli.cjs) run through vm.Script with a V8 code cache (dist/cli.cjs.cache) that the build
// writes after a warm-up run. V8 checks the cache against its version, flags and the source; when
// it does not match (another Node version, an edited bundle) it is ignored and the bundle compiles
// as usual. Set LLMDEPLOY_WRITE_CODE_CACHE=1 to (re)write the cache at exit; the build sets
// LLMDEPLOY_WARMUP to a JSON list of command lines run one after another before writing it.
"use strict";
const { readFileSync, writeFileSync } = require("node:fs");
const { dirname, join } = require("node:path");
const Module = require("node:module");
const vm = require("node:vm");

const file = join(__dirname, "cli.cjs");
const cacheFile = `${file}.cache`;
// The bundle is ASCII (esbuild escapes the rest; the build checks): latin1 decodes it without UTF-8
// validation, into a one-byte string.
const source = readFileSync(file, "latin1");
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
const run = () => {
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, dirname(file));
};
const warmup = process.env.LLMDEPLOY_WARMUP;
if (warmup) {
  // Build time: run each command line in turn so the cache holds what all of them compile.
  (async () => {
    for (const argv of JSON.parse(warmup)) {
      process.argv = [process.argv[0], process.argv[1], ...argv];
      run();
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    writeFileSync(cacheFile, script.createCachedData());
  })();
} else {
  if (process.env.LLMDEPLOY_WRITE_CODE_CACHE === "1") {
    process.on("exit", () => writeFileSync(cacheFile, script.createCachedData()));
  }
  run();
}
