import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "test/fixtures/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // CommonJS entry points: the bin shim (bin/package.json says commonjs) and the launcher.
    files: ["bin/**/*.js", "scripts/**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { require: "readonly", __dirname: "readonly", module: "writable", setTimeout: "readonly" },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // The engine is pure: no I/O, no console.
    files: ["src/sizing/**", "src/render/**", "src/report/**"],
    rules: {
      "no-console": "error",
      "no-restricted-imports": ["error", { patterns: ["node:fs*", "node:child_process", "chalk"] }],
    },
  },
);
