// Checks every catalog data file (data/devices/*.json, data/models/*.json, data/instances/*.json) against the zod schemas of
// src/catalog/schema.ts, and that src/catalog/data.ts imports exactly those files. Run by
// `npm run build` before bundling: invalid data fails the build, one line per problem.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { deviceData, modelData, sizeAliasData } from "../src/catalog/data.js";
import { providerData } from "../src/catalog/instance-data.js";
import { checkCatalog, type DataFile } from "../src/catalog/schema.js";

const files: DataFile[] = [];
const problems: string[] = [];
for (const dir of ["devices", "models", "instances"]) {
  for (const name of readdirSync(join("data", dir)).sort()) {
    const path = `${dir}/${name}`;
    try {
      files.push({ path, json: JSON.parse(readFileSync(join("data", path), "utf8")) });
    } catch (e) {
      problems.push(`data/${path}: ${(e as Error).message}`);
    }
  }
}
problems.push(
  ...checkCatalog(files, {
    devices: deviceData,
    models: modelData,
    sizeAliases: sizeAliasData,
    providers: providerData,
  }),
);
if (problems.length) {
  for (const p of problems) console.error(p);
  console.error(`catalog: ${problems.length} problem(s) in data/`);
  process.exit(1);
}
console.log(`catalog: ${files.length} data files valid`);
