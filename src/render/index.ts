/**
 * `render`: a Plan in, the deployment files out, as a list of {path, content, mode}. Pure: templates
 * arrive as data (the CLI reads templates/), nothing is written here (src/cli/render.ts writes).
 *
 * Every number in every file comes from the plan (through context.ts, once). YAML documents are built
 * as objects and serialised with `yaml`; every plan string that reaches bash is a single-quoted word,
 * the Dockerfile gets JSON strings in exec form, compose gets `$` doubled, nginx gets none, Markdown
 * gets one-line inline code.
 *
 * What is written: the launch script(s), the Dockerfile, nginx/nginx.conf, monitoring/ (when the
 * engine has Prometheus metrics), secrets/ examples and README.md for every plan; then compose.yaml
 * (and compose.worker.yaml across nodes) or k8s/, as `spec.packaging` says.
 */
import type { Plan } from "../contract/plan.js";
import { composeFiles } from "./compose.js";
import { context, type RenderedFile, type Templates } from "./context.js";
import { k8sFiles } from "./k8s.js";
import { monitoringFiles } from "./monitoring.js";
import { nginxTarget, renderNginx } from "./nginx.js";
import { readme } from "./readme.js";
import { dockerfile, launchScripts } from "./scripts.js";

export type { RenderedFile, Templates } from "./context.js";
export { engineCommand } from "../engines/index.js";
export type { EngineCommand } from "../engines/types.js";
export { PINNED_IMAGES, engineImage } from "./images.js";

/** The names of the template files render reads (relative to templates/). */
export const TEMPLATE_FILES = [
  "Dockerfile.tmpl",
  "README.md.tmpl",
  "nginx.conf.tmpl",
  "launch/engine.sh.tmpl",
] as const;

const API_KEYS_EXAMPLE =
  "# Copy to api-keys.map (mode 0600) with one line per client key; nginx accepts only these.\n" +
  "# Make a key with: openssl rand -hex 32   (or: llmdeploy render plan.yaml --out . --generate-api-key)\n" +
  '# "Bearer <key>" 1;\n';

export function render(plan: Plan, templates: Templates): RenderedFile[] {
  const ctx = context(plan, templates);
  const scripts = launchScripts(ctx);
  const files: RenderedFile[] = [
    ...scripts,
    dockerfile(ctx),
    { path: "nginx/nginx.conf", content: renderNginx(ctx, nginxTarget(ctx, "compose")) },
    { path: "secrets/api-keys.map.example", content: API_KEYS_EXAMPLE },
    { path: "secrets/.gitignore", content: "*\n!.gitignore\n!*.example\n" },
    ...(plan.spec.packaging === "kubernetes" ? k8sFiles(ctx, scripts) : composeFiles(ctx)),
    ...monitoringFiles(ctx),
  ];
  files.push(readme(ctx, files));
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
