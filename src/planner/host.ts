/** What each node of a deployment needs besides its GPUs. */
import type { HostNeeds } from "../contract/plan.js";

const GiB = 1024 ** 3;

/** Per node: CPU cores, RAM to load the checkpoint, disk for it and the image, /dev/shm. */
export function hostNeeds(
  gpusPerNode: number,
  nodes: number,
  checkpointBytes: number,
  weightsPerNodeBytes: number,
): HostNeeds {
  const roundUp = (x: number, step: number) => Math.ceil(x / step) * step;
  return {
    // One worker process per GPU plus the API server, tokenizer and detokenizer: 4 cores per GPU, 8 at least.
    cpuCores: Math.max(8, 4 * gpusPerNode),
    // Safetensors are memory-mapped while loading: the node's share of the weights in page cache, plus
    // 32 GiB for the processes themselves.
    ramGiB: roundUp(weightsPerNodeBytes / GiB + 32, 8),
    // Every node downloads the whole checkpoint; 40 GiB more for the engine image and compile caches.
    diskGiB: roundUp(checkpointBytes / GiB + 40, 10),
    // NCCL and PyTorch's worker IPC use /dev/shm; Docker's 64 MiB default is far too small.
    shmGiB: gpusPerNode > 1 ? 16 : 4,
    network:
      nodes > 1
        ? "400 Gb/s per GPU between nodes (InfiniBand NDR or RoCE), as the performance model assumes"
        : null,
  };
}
