/**
 * CPU hosts for llama.cpp / Ollama without a GPU. Same shape as the GPU catalog so the same engine
 * sizes them: memory is the host's RAM (a configuration: the amount the example host carries),
 * bandwidth its DRAM channels, compute the cores' vector FMA rate.
 */
import type { GpuEntry } from "./types.js";

const GiB = 1024 ** 3;
const ahelpme = {
  url: "https://ahelpme.com/?p=6685",
  quote:
    "Single socket AMD EPYC 9554 CPU – 64 core CPU / 128 threads; 196GB RAM in 12 channel … theoretical memory bandwidth 460.8 GB/s (according to the official documents form AMD)",
};

export const cpus: GpuEntry[] = [
  {
    id: "epyc-9554",
    aliases: ["cpu", "epyc", "epyc-genoa"],
    name: "AMD EPYC 9554 host (64 cores, 12 × DDR5, 384 GiB)",
    vendor: "AMD",
    kind: "cpu",
    architecture: "Zen 4 (Genoa)",
    memoryMarketed: { value: 384, unit: "GiB", sources: [ahelpme] },
    memoryBytes: {
      value: 384 * GiB,
      sources: [ahelpme],
      note: "RAM is a host configuration: 12 channels × 32 GiB DIMMs assumed (the benchmarked host had 12 × 16 GB)",
    },
    memoryBandwidthGBs: { value: 460.8, sources: [ahelpme], note: "12 channels × DDR5-4800 × 8 bytes" },
    tflops: {
      fp16: {
        value: 6.3,
        sources: [
          {
            url: "https://www.hpctech.co.jp/product/amd-epyc-9004-series/",
            quote:
              "BFLOAT16, VNNI, AVX-512(256b data path) … EPYC 9554 / P | 64 | 128 | 3.10 | 3.75 | 256 | 12 | 4800 | 128 | 360",
          },
        ],
        note: "derived: 64 cores × 3.1 GHz base × 32 FLOP/cycle (AVX-512 on a 256-bit data path: two 8-wide FP32 FMA pipes); llama.cpp's CPU matmuls run at this vector rate",
      },
    },
    interconnect: {
      kind: "pcie",
      gen: 5,
      gbsUnidirectional: { value: 64, sources: [], note: "not used: one host, no device-to-device traffic" },
    },
    prices: [],
    nativeFp8: false,
    nativeFp4: false,
    bf16: true,
  },
];
