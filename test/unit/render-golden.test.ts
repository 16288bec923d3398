// Golden files: what each fixture plan renders to, committed under test/golden/<case>/ for review.
// A change to rendering shows up as a diff there. Regenerate with:
//   UPDATE_GOLDEN=1 npx vitest run test/unit/render-golden.test.ts
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/contract/plan.js";
import {
  enginePlans,
  FIXTURES,
  type FixtureName,
  GOLDEN_DIR,
  listFiles,
  loadFixture,
  renderPlan,
  writeTree,
} from "../tools/render.js";

const update = process.env.UPDATE_GOLDEN === "1";

const cases: { name: string; what: string; plan: () => Plan }[] = [
  ...(Object.keys(FIXTURES) as FixtureName[]).map((name) => ({
    name,
    what: FIXTURES[name],
    plan: () => loadFixture(name),
  })),
  // every engine × packaging, planned in-process (test/tools/render.ts enginePlans)
  ...enginePlans().map(({ name, plan }) => ({ name: `engines/${name}`, what: "planned", plan: () => plan })),
];

describe("render matches the golden files", () => {
  for (const { name, what, plan } of cases) {
    it(`${name} (${what})`, () => {
      const files = renderPlan(plan());
      const dir = join(GOLDEN_DIR, name);
      if (update) {
        rmSync(dir, { recursive: true, force: true });
        writeTree(dir, files);
      }
      expect(existsSync(dir), `${dir} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
      // the same set of files...
      expect(listFiles(dir)).toEqual(files.map((f) => f.path).sort());
      // ...with the same bytes, and scripts executable
      for (const f of files) {
        const golden = join(dir, f.path);
        expect(
          f.content,
          `${name}/${f.path} differs from the golden file (UPDATE_GOLDEN=1 rewrites it)`,
        ).toBe(readFileSync(golden, "utf8"));
        if (f.mode === 0o755) expect(statSync(golden).mode & 0o111, `${f.path} executable`).not.toBe(0);
      }
    });
  }
});
