/**
 * What a pinned engine image can run on. The image's CUDA build (EngineImage.cuda: release, oldest
 * compute capability, each sourced in the engine's module) limits NVIDIA GPUs; other vendors' GPUs need
 * the engine's ROCm or Gaudi build, which llmdeploy does not pin, so they are refused with what they
 * would need instead. Each engine module puts `imageProblem` before its precision rules in
 * `supportProblem`, so `estimate`, `plan` and `render` refuse the same GPUs for the same reason.
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

/** What other vendors' GPUs need instead of the pinned CUDA image, with where it is stated. */
export interface OtherVendorBuilds {
  /** What an AMD GPU needs (the engine's ROCm build), or null when the engine has none. */
  amd: string | null;
  /** What an Intel Gaudi needs, or null when the engine has no Gaudi build. */
  gaudi: string | null;
  source: string;
}

/** "sm70" for compute capability 7.0, "sm89" for 8.9. */
export const smName = (cc: number): string => `sm${Math.round(cc * 10)}`;

/**
 * Why the engine's image (the pinned one unless `engine.pinned` is false) cannot run on this device, or null when it can (CPU hosts are left to
 * the engine's own rules). The message names the GPU, its compute capability or vendor, the image and
 * the reason, e.g. "NVIDIA V100 SXM2 32GB (sm70): the pinned vLLM 0.28.0 image
 * (vllm/vllm-openai:v0.28.0) is built for CUDA 13.0 and runs on compute capability 7.5 and later".
 */
export function imageProblem(
  engine: { label: string; image: EngineImage; pinned?: boolean },
  other: OtherVendorBuilds,
  device: DeviceEntry,
): string | null {
  if (device.kind === "cpu") return null;
  const pinned = `the ${engine.pinned === false ? "" : "pinned "}${engine.label} ${engine.image.version} image (${engine.image.image})`;
  if (device.vendor === "AMD") {
    return other.amd
      ? `${device.name}: AMD GPUs need ${other.amd}; ${pinned} is a CUDA build, and llmdeploy pins no ROCm image`
      : `${device.name}: ${engine.label} has no build for AMD GPUs`;
  }
  if (device.vendor === "Intel") {
    return other.gaudi
      ? `${device.name}: Intel Gaudi needs ${other.gaudi}; ${pinned} is a CUDA build, and llmdeploy pins no Gaudi image`
      : `${device.name}: ${engine.label} has no build for Intel Gaudi`;
  }
  const cc = device.computeCapability;
  const cuda = engine.image.cuda;
  if (cuda && cc !== undefined && cc < cuda.minComputeCapability)
    return `${device.name} (${smName(cc)}): ${pinned} is built for CUDA ${cuda.version} and runs on compute capability ${cuda.minComputeCapability} and later`;
  return null;
}
