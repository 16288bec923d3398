/**
 * YAML documents are built as objects and serialised with the `yaml` library, so every plan string is
 * quoted as YAML needs it; the only text written by hand is the one-line comment on top.
 */
import { stringify } from "yaml";
import { oneLine } from "./context.js";

export const yamlDoc = (header: string, value: unknown): string =>
  `# ${oneLine(header)}\n` + stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
