#!/usr/bin/env node
// CommonJS (bin/package.json): no ESM loader to boot before the CLI starts. See scripts/launch.cjs.
require("../dist/launch.cjs");
