/**
 * The vLLM releases llmdeploy knows by number, so that `--engine-version` takes a release that exists
 * (and whose image, vllm/vllm-openai:vX.Y.Z, exists) rather than any X.Y.Z in the modelled range.
 *
 * Every release is published as a GitHub release and a Docker Hub tag of the same name
 * (https://github.com/vllm-project/vllm/releases/tag/vX.Y.Z, https://hub.docker.com/r/vllm/vllm-openai/tags).
 * Patch releases after 0.15 are listed where a public page names them (the `seen` list); a real
 * patch release missing here is refused with its neighbours named, never sized as something else.
 */

/** The X.Y.0 release of every minor from 0.6 to 0.28: vLLM has published one for each. */
const MINORS = Array.from({ length: 28 - 6 + 1 }, (_, i) => `0.${i + 6}.0`);

/** Patch releases, with where each was seen. */
const PATCHES: readonly { version: string; seen: string }[] = [
  ...["0.6.1", "0.6.2", "0.6.3", "0.6.4", "0.6.5", "0.6.6"].map((version) => ({
    version,
    seen: "https://github.com/vllm-project/vllm/releases",
  })),
  ...["0.7.1", "0.7.2", "0.7.3"].map((version) => ({
    version,
    seen: "https://github.com/vllm-project/vllm/releases",
  })),
  ...["0.8.1", "0.8.2", "0.8.3", "0.8.4", "0.8.5"].map((version) => ({
    version,
    seen: "https://github.com/vllm-project/vllm/releases",
  })),
  {
    version: "0.9.1",
    seen: "https://github.com/vllm-project/vllm/issues/19542 ('pip-installed vLLM 0.9.1')",
  },
  { version: "0.9.2", seen: "https://github.com/vllm-project/vllm/issues/20748 ('pre-built whl for 0.9.2')" },
  { version: "0.10.1", seen: "https://github.com/vllm-project/vllm/releases/tag/v0.10.1" },
  { version: "0.10.2", seen: "https://github.com/vllm-project/vllm/releases/tag/v0.10.2" },
  {
    version: "0.11.1",
    seen: "https://github.com/vllm-project/vllm/pull/23691 (first release with --nnodes, per verl)",
  },
  { version: "0.11.2", seen: "https://github.com/vllm-project/vllm/releases/tag/v0.11.2" },
  { version: "0.14.1", seen: "https://github.com/vllm-project/vllm/releases/tag/v0.14.1" },
  { version: "0.15.1", seen: "https://docs.vllm.ai/en/v0.15.1/features/quantization/" },
  { version: "0.18.1", seen: "https://docs.vllm.ai/en/v0.18.1/api/vllm/model_executor/models/config/" },
  { version: "0.18.2", seen: "https://docs.vllm.ai/en/v0.18.2/api/vllm/model_executor/models/config/" },
  { version: "0.19.1", seen: "https://github.com/ai-dynamo/dynamo/pull/8515 ('vLLM 0.19.1 removed ray')" },
  {
    version: "0.27.1",
    seen: "https://github.com/getainode/ainode/issues/84 ('The stock vllm/vllm-openai:v0.27.1 image')",
  },
];

/** Known releases, X.Y.Z, oldest first. */
export const VLLM_RELEASES: readonly string[] = [...MINORS, ...PATCHES.map((p) => p.version)].sort((a, b) => {
  const [x, y] = [a, b].map((s) => s.split(".").map(Number));
  return x![0]! - y![0]! || x![1]! - y![1]! || x![2]! - y![2]!;
});

/**
 * Hotfix builds numbered X.Y.Z.N (e.g. 0.9.0.1, 0.10.1.1: "Bump vllm from 0.10.1.1 to 0.20.0",
 * apache/beam#38330) carry their X.Y.Z's behaviour; llmdeploy sizes them as that release.
 */
export const HOTFIX_PATTERN = /^v?(\d{1,4}\.\d{1,4}\.\d{1,4})\.(?:post)?\d{1,4}$/;
