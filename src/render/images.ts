/**
 * Pinned images of the supporting services (the engines' images are in src/catalog/engines.ts and
 * travel in the plan). Never `latest`.
 */
export const PINNED_IMAGES = {
  nginx: {
    image: "nginx:1.28.0-alpine",
    source:
      "https://nginx.org/en/CHANGES-1.28 (nginx 1.28.0, the stable branch of April 2025; official image tag)",
  },
  prometheus: {
    image: "prom/prometheus:v2.53.0",
    source: "https://github.com/prometheus/prometheus/releases/tag/v2.53.0 (long-term support release)",
  },
} as const;
