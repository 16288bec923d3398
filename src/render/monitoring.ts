/**
 * Prometheus: a scrape configuration for the engine's /metrics and alert rules on the engine's own
 * metric names (queue growing, KV cache nearly full, TTFT p95 over the target, engine down).
 */
import type { EngineName } from "../plan/types.js";
import { type Ctx, type RenderedFile } from "./context.js";
import { composeEngineNames } from "./nginx.js";
import { yamlDoc } from "./yaml.js";

export interface MetricNames {
  /** Gauge of requests waiting for a slot. */
  waiting: string | null;
  /** Gauges of the KV cache's used share (0..1); the first that exists is used. */
  kvUsage: string[];
  /** Histogram buckets of the time to first token, in seconds. */
  ttftBucket: string | null;
}

/** Each engine's Prometheus metric names, from its metrics documentation. */
export function metricNames(engine: EngineName): MetricNames | null {
  switch (engine) {
    case "vllm":
      // https://docs.vllm.ai/en/stable/usage/metrics/ (V1 engine): vllm:num_requests_waiting,
      // vllm:kv_cache_usage_perc (named vllm:gpu_cache_usage_perc before 0.10),
      // vllm:time_to_first_token_seconds (histogram).
      return {
        waiting: "vllm:num_requests_waiting",
        kvUsage: ["vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc"],
        ttftBucket: "vllm:time_to_first_token_seconds_bucket",
      };
    case "sglang":
      // https://docs.sglang.ai/references/production_metrics.html
      return {
        waiting: "sglang:num_queue_reqs",
        kvUsage: ["sglang:token_usage"],
        ttftBucket: "sglang:time_to_first_token_seconds_bucket",
      };
    case "llamacpp":
      // tools/server/README.md: llamacpp:requests_deferred; the KV cache gauges were removed
      // (ggml-org/llama.cpp#13660, documented in #22879), so there is no KV alert for llama.cpp.
      return { waiting: "llamacpp:requests_deferred", kvUsage: [], ttftBucket: null };
    case "tgi":
      // https://huggingface.co/docs/text-generation-inference/reference/metrics
      return {
        waiting: "tgi_queue_size",
        kvUsage: [],
        ttftBucket: null,
      };
    default:
      return null;
  }
}

/** Waiting requests that mean "add capacity": a tenth of what one replica runs at once, at least 1. */
export function queueThreshold(ctx: Ctx): number {
  const p = ctx.d.performance;
  return Math.max(1, Math.ceil((p.capacity / ctx.d.replicas) * 0.1));
}

/** The TTFT the alert holds the engine to: the spec's target, else twice the prediction. */
export function ttftTargetMs(ctx: Ctx): number {
  return ctx.plan.spec.targets.ttftMs ?? Math.ceil(ctx.d.performance.ttftMs * 2);
}

export function monitoringFiles(ctx: Ctx): RenderedFile[] {
  const { cmd, d, svc } = ctx;
  const m = metricNames(cmd.engine);
  if (!cmd.metricsPath || !m) return [];
  // Kubernetes: the headless Service <name>-metrics resolves to every engine pod (DNS discovery works
  // on every Prometheus build; Debian's leaves out the Kubernetes one).
  const scrape =
    ctx.plan.spec.packaging === "kubernetes"
      ? {
          job_name: svc,
          metrics_path: cmd.metricsPath,
          dns_sd_configs: [{ names: [`${svc}-metrics`], type: "A", port: ctx.port }],
        }
      : {
          job_name: svc,
          metrics_path: cmd.metricsPath,
          static_configs: [
            {
              targets: ctx.distributed
                ? [`127.0.0.1:${ctx.port}`]
                : composeEngineNames(ctx).map((name) => `${name}:${ctx.port}`),
            },
          ],
        };
  const prometheus = {
    global: { scrape_interval: "15s", evaluation_interval: "15s" },
    rule_files: ["alerts.yml"],
    scrape_configs: [scrape],
  };
  const job = `job="${svc}"`;
  const rules: Record<string, unknown>[] = [];
  if (m.waiting) {
    const threshold = queueThreshold(ctx);
    rules.push({
      alert: "LLMQueueGrowing",
      expr: `max(${m.waiting}{${job}}) > ${threshold}`,
      for: "5m",
      labels: { severity: "warning" },
      annotations: {
        summary: "Requests are queueing in front of the engine",
        description: `More than ${threshold} requests have waited for 5 minutes: add a replica or lower the load (the plan expects ${d.performance.batch} running at once).`,
      },
    });
  }
  if (m.kvUsage.length) {
    const usage = m.kvUsage.map((name) => `${name}{${job}}`).join(" or ");
    rules.push({
      alert: "LLMKVCacheNearlyFull",
      expr: `max(${usage}) > 0.9`,
      for: "10m",
      labels: { severity: "warning" },
      annotations: {
        summary: "The KV cache is over 90 % used",
        description: `The plan sized ${d.memory.kvCacheTokens} KV tokens per replica; sustained use above 90 % makes the engine preempt requests.`,
      },
    });
  }
  if (m.ttftBucket) {
    const targetMs = ttftTargetMs(ctx);
    rules.push({
      alert: "LLMTimeToFirstTokenP95OverTarget",
      expr: `histogram_quantile(0.95, sum by (le) (rate(${m.ttftBucket}{${job}}[5m]))) > ${targetMs / 1000}`,
      for: "10m",
      labels: { severity: "warning" },
      annotations: {
        summary: `TTFT p95 over ${targetMs} ms`,
        description: `The plan predicted ${d.performance.ttftMs} ms (±${Math.round(d.performance.errorBand * 100)} %).`,
      },
    });
  }
  rules.push({
    alert: "LLMEngineDown",
    expr: `up{${job}} == 0`,
    for: "2m",
    labels: { severity: "critical" },
    annotations: { summary: "Prometheus cannot scrape the engine" },
  });
  return [
    {
      path: "monitoring/prometheus.yml",
      content: yamlDoc(`Prometheus scrape configuration. Generated by ${ctx.generatedBy}.`, prometheus),
    },
    {
      path: "monitoring/alerts.yml",
      content: yamlDoc(`Alert rules on ${cmd.engine}'s metrics. Generated by ${ctx.generatedBy}.`, {
        groups: [{ name: `${svc}.rules`, rules }],
      }),
    },
  ];
}
