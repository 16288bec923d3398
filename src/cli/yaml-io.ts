/**
 * The CLI's one way to read and write YAML (the `yaml` package, loaded when first needed).
 * - Reading (a spec, a plan): a syntax error, and anything the package would only warn about (an
 *   unknown tag such as `!secret`, which it would read as a plain string and report on stderr with the
 *   file's line), is a UserError naming the file, the line and column and the problem, never quoting
 *   the file (safe-text.ts).
 * - Writing (plan.yaml, plan --yaml): YAML 1.1 rules for what needs quotes, so a string that a YAML
 *   1.1 reader (PyYAML, js-yaml, Go's yaml.v2, Ruby's Psych) would turn into something else is quoted:
 *   a date ("2026-11-01": a timestamp in 1.1, https://yaml.org/type/timestamp.html), yes/no/on/off (a
 *   boolean, https://yaml.org/type/bool.html), 0755 (octal), 1_000 and 12:30 (integers in 1.1,
 *   https://yaml.org/type/int.html). A string the 1.2 core schema would read as a number ("0.10") is
 *   quoted in either mode. The text reads back the same under 1.2 and 1.1.
 */
import type * as YamlModule from "yaml";
import { UserError } from "../errors.js";
import { yamlProblem } from "./safe-text.js";

type YamlLib = typeof YamlModule;

/** yaml is CommonJS: its bundled namespace carries the API on `default`. */
export async function yamlLib(): Promise<YamlLib> {
  const m = (await import("yaml")) as YamlLib & { default?: YamlLib };
  return m.default ?? m;
}

/**
 * `text` (the content of `file`) as plain data. UserError, with `hint`, for a syntax error, more than
 * one document, or a warning (an unresolved tag); the message names the line and column, not the text.
 */
export async function parseYamlFile(text: string, file: string, hint: string): Promise<unknown> {
  const { parseDocument } = await yamlLib();
  const doc = parseDocument(text);
  const error = doc.errors[0];
  if (error) throw new UserError(`${file} is not valid YAML: ${yamlProblem(error)}`, hint);
  const warning = doc.warnings[0];
  if (warning)
    throw new UserError(
      `${file}: ${yamlProblem(warning)}; llmdeploy reads plain YAML (no tags)`,
      "remove the tag (the ! and its name) at that line",
    );
  try {
    return doc.toJS();
  } catch (e) {
    // too many aliases (a "billion laughs" file), or an alias to nothing
    throw new UserError(`${file} is not valid YAML: ${yamlProblem(e)}`, hint);
  }
}

/** `value` as YAML text that YAML 1.2 and YAML 1.1 readers both read back as `value`. */
export async function yamlText(value: unknown): Promise<string> {
  return (await yamlLib()).stringify(value, { version: "1.1" });
}
