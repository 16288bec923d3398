/**
 * YAML documents are built as objects and serialised with the `yaml` library, so every plan string is
 * quoted as YAML needs it; the only text written by hand is the one-line comment on top. Strings are
 * quoted by YAML 1.1's rules (a superset of 1.2's), so readers of either version (kubectl's YAML 1.1
 * parser, compose's 1.2) read `y`, `on`, `No` or `2026-01-01` as the strings they are.
 */
import { stringify } from "yaml";
import { oneLine } from "./context.js";

export const yamlDoc = (header: string, value: unknown): string =>
  `# ${oneLine(header)}\n` + stringify(value, { lineWidth: 0, aliasDuplicateObjects: false, version: "1.1" });
