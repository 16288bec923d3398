import { defineConfig } from "vitest/config";

// Two projects: `unit` (in-process, no spawned CLI; seconds) and `e2e` (spawns the built bin and the
// tools that consume rendered files). `npm run test:unit` runs the first, `npm test` both.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    reporters: ["default"],
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"] } },
      { extends: true, test: { name: "e2e", include: ["test/e2e/**/*.test.ts"] } },
    ],
  },
});
