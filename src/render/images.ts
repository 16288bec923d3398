/**
 * Container images the rendered files run, each pinned to a release (never `latest`, never untagged)
 * with where that release was seen. The engines' images live in their modules (src/engines/<engine>.ts,
 * each with its source) and travel in the plan as `recommendation.engine.image`; when a plan leaves
 * that field empty, render falls back to the catalog's pin for the engine.
 */
import { engineImageFor, engineModule } from "../engines/index.js";
import { UserError } from "../errors.js";
import type { Plan } from "../contract/plan.js";

export const PINNED_IMAGES = {
  nginx: {
    image: "nginx:1.30.3-alpine",
    source:
      "https://github.com/nginx/nginx/releases/tag/release-1.30.3 (nginx-1.30.3 stable, 2026-06-17, fixes CVE-2026-42055); the official image tags every release as <version>-alpine",
  },
  prometheus: {
    image: "prom/prometheus:v3.13.2",
    source:
      "https://gitlab.com/gitlab-org/omnibus-gitlab/-/merge_requests/9746 ('3.13 is an LTS release with support until July 2027', bump to 3.13.2)",
  },
} as const;

/**
 * An image reference that pins a release: registry/name:tag or name@sha256:digest, no spaces or
 * shell/YAML metacharacters, and a tag other than `latest`.
 */
const PINNED_REF = /^[a-z0-9][a-z0-9._\-/:]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/;

export function isPinnedImage(image: string): boolean {
  if (!PINNED_REF.test(image)) return false;
  const tag = /:([^:/@]+)$/.exec(image)?.[1];
  return image.includes("@sha256:") || (tag !== undefined && tag !== "latest");
}

/** The engine image to run: the plan's, or the catalog's pin when the plan leaves it empty. */
export function engineImage(plan: Plan): string {
  const e = plan.recommendation.engine;
  const given = (e.image ?? "").trim();
  if (given === "") {
    return engineImageFor(engineModule(e.name), plan.recommendation.deviceKind);
  }
  if (!isPinnedImage(given)) {
    throw new UserError(
      `recommendation.engine.image ${JSON.stringify(given)} is not a pinned image (name:tag or name@sha256:..., not latest)`,
      `leave it empty for llmdeploy's pin (${engineModule(e.name).image.image}) or give a release tag`,
    );
  }
  return given;
}
