// The structure rule of issue #11: no hand-written file under src/ is longer than about 450 lines,
// so a newcomer can read any one of them in a sitting. Generated data live in data/ as JSON/YAML.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = new URL("../../src/", import.meta.url).pathname;
const LIMIT = 450;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts)$/.test(name) ? [path] : [];
  });
}

describe("source layout", () => {
  const files = sourceFiles(SRC);
  it("finds the source tree", () => {
    // Guards the test itself: a wrong path would make the limit below pass on nothing.
    expect(files.length).toBeGreaterThan(50);
  });
  it(`no file under src/ is longer than ${LIMIT} lines`, () => {
    const long = files
      .map((f) => ({ file: f.slice(SRC.length), lines: readFileSync(f, "utf8").split("\n").length }))
      .filter((f) => f.lines > LIMIT);
    expect(long).toEqual([]);
  });
});
