/**
 * What a pinned engine image can run on: the GPU vendor it is built for (CUDA: NVIDIA only), the
 * lowest compute capability its kernels start at (from the CUDA release it is built with, or the
 * engine's supported-hardware list), and what other vendors' GPUs need instead. Each engine module
 * declares its image's build (`ImageBuild`) and puts `imageProblem` before its precision rules in
 * `supportProblem`, so `estimate` and `plan` refuse the same GPUs for the same reason.
 */
import type { DeviceEntry } from "../catalog/types.js";
import type { EngineImage } from "./types.js";

/**
 * CUDA 13.0 dropped Maxwell, Pascal and Volta: its kernels start at compute capability 7.5 (Turing).
 * CUDA 12.x release notes (quoted in https://github.com/pytorch/pytorch/issues/157517): "Maxwell,
 * Pascal, and Volta architectures are now feature-complete ... offline compilation and library support
 * will be removed in the next major CUDA Toolkit version release"; https://github.com/NVIDIA/cuDecomp/pull/97:
 * "CUDA 13.0 dropped support for Volta (SM70), but not Turing (SM75)".
 */
export const CUDA13_MIN_COMPUTE_CAPABILITY = 7.5;

/** The build of an engine's pinned GPU image. */
export interface ImageBuild {
  /** CUDA release the image is built with ("13.0"), or null when not established. */
  cuda: string | null;
  /** The lowest NVIDIA compute capability the image runs on, or null when no limit is known. */
  minComputeCapability: number | null;
  /** Why, as the message ends: "whose kernels start at compute capability 7.5". */
  why: string;
  /** Where the build and its limit are stated. */
  source: string;
  /** What an AMD GPU needs instead (the engine's ROCm build), or null when the engine has none. */
  amd: string | null;
  /** What an Intel Gaudi needs instead, or null when the engine has no Gaudi build. */
  gaudi: string | null;
}

/** "sm70" for compute capability 7.0, "sm89" for 8.9. */
export const smName = (cc: number): string => `sm${Math.round(cc * 10)}`;

/**
 * Why the engine's pinned image cannot run on this device, or null when it can (CPU hosts are left to
 * the engine's own rules). The message names the GPU, its compute capability or vendor, the image and
 * the reason, e.g. "NVIDIA V100 SXM2 32GB (sm70): the pinned vLLM 0.28.0 image is built for CUDA 13.0,
 * whose kernels start at compute capability 7.5".
 */
export function imageProblem(
  engine: { label: string; image: EngineImage },
  build: ImageBuild,
  device: DeviceEntry,
): string | null {
  if (device.kind === "cpu") return null;
  const pinned = `the pinned ${engine.label} ${engine.image.version} image (${engine.image.image})`;
  if (device.vendor === "AMD") {
    return build.amd
      ? `${device.name}: AMD GPUs need ${build.amd}; ${pinned} is a CUDA build, and llmdeploy pins no ROCm image`
      : `${device.name}: ${engine.label} has no build for AMD GPUs`;
  }
  if (device.vendor === "Intel") {
    return build.gaudi
      ? `${device.name}: Intel Gaudi needs ${build.gaudi}; ${pinned} is a CUDA build, and llmdeploy pins no Gaudi image`
      : `${device.name}: ${engine.label} has no build for Intel Gaudi`;
  }
  const cc = device.computeCapability;
  const min = build.minComputeCapability;
  if (cc !== undefined && min !== null && cc < min) {
    const built = build.cuda ? ` is built for CUDA ${build.cuda}, ${build.why}` : `: ${build.why}`;
    return `${device.name} (${smName(cc)}): ${pinned}${built}`;
  }
  return null;
}
