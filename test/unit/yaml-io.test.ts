/**
 * plan.yaml is read by people's own tools, many of them YAML 1.1 readers (PyYAML, js-yaml, Go's
 * yaml.v2): a string that such a reader turns into a date, a boolean or a number must be quoted.
 * Before: `date: 2026-07-30` (a timestamp under YAML 1.1, https://yaml.org/type/timestamp.html) and
 * `serviceName: yes` (a boolean, https://yaml.org/type/bool.html) were written plain.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { UserError } from "../../src/errors.js";
import { parseYamlFile, yamlText } from "../../src/cli/yaml-io.js";

// Strings that YAML 1.1 or 1.2 reads as something else when unquoted.
const TRICKY = {
  date: "2026-11-01",
  timestamp: "2026-11-01T10:00:00Z",
  version: "0.10",
  semver: "0.28.0",
  yes: "yes",
  on: "on",
  n: "n",
  octal: "0755",
  underscores: "1_000",
  sexagesimal: "12:30",
  hex: "0x1F",
  exp: "1e3",
  nullWord: "null",
  tilde: "~",
  inf: ".inf",
  nan: ".nan",
  empty: "",
};

describe("yamlText: read back alike by YAML 1.2 and YAML 1.1 readers", () => {
  it("every tricky string stays a string, under both versions", async () => {
    const value = { ...TRICKY, list: Object.values(TRICKY), number: 0.1, int: 755, flag: true, none: null };
    const text = await yamlText(value);
    expect(parse(text)).toEqual(value);
    expect(parse(text, { version: "1.1" })).toEqual(value);
    expect(text).toContain('date: "2026-11-01"');
    expect(text).toContain('version: "0.10"');
    expect(text).toContain('"yes": "yes"');
  });

  it("keys too (a 1.1 reader reads a plain key `on` as true)", async () => {
    const text = await yamlText({ on: 1, y: 2, "2026-11-01": 3 });
    expect(parse(text, { version: "1.1" })).toEqual({ on: 1, y: 2, "2026-11-01": 3 });
  });
});

describe("parseYamlFile", () => {
  it("plain YAML in, data out", async () => {
    expect(await parseYamlFile("a: 1\nb: [x]\n", "f.yaml", "h")).toEqual({ a: 1, b: ["x"] });
  });

  it("a tag, two documents, a syntax error or an alias bomb: one UserError naming the line", async () => {
    const fails = async (text: string) => {
      const e = await parseYamlFile(text, "f.yaml", "the hint").catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UserError);
      return (e as UserError).message;
    };
    expect(await fails("a: !secret x\n")).toBe(
      "f.yaml: line 1, column 4: Unresolved tag; llmdeploy reads plain YAML (no tags)",
    );
    expect(await fails("a: 1\n---\nb: 2\n")).toMatch(/^f\.yaml is not valid YAML: line 2, column 1: /);
    expect(await fails("a: [1\n")).toMatch(/^f\.yaml is not valid YAML: line \d+, column \d+: /);
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 8; i++)
      bomb.push(`${"bcdefghi"[i]}: &${"bcdefghi"[i]} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(", ")}]`);
    expect(await fails(bomb.join("\n"))).toMatch(/^f\.yaml is not valid YAML: /);
  });
});
