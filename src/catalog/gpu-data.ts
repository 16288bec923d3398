/**
 * GPU catalog, converted from ../shared/reference/gpus.json (public specifications with sources and
 * quotes). Compute figures are dense (no 2:4 sparsity). memoryBytes is the capacity the sizing uses
 * as "total GPU memory"; its note says where the figure came from.
 */
import type { GpuEntry } from "./types.js";

export const gpus: GpuEntry[] = [
  {
    id: "h200",
    aliases: ["h200-sxm"],
    name: "NVIDIA H200 SXM 141GB",
    vendor: "NVIDIA",
    architecture: "Hopper",
    computeCapability: 9.0,
    memoryMarketed: {
      value: 141,
      unit: "GB",
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| NVIDIA H200 SXM | 141 | HBM3e | 4.80 |",
        },
      ],
    },
    memoryBytes: {
      value: 151397597184,
      sources: [
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "h200_sxm.yaml: mem_capacity: 151397597184 # 141GiB",
        },
      ],
      note: "aiconfigurator models capacity as 141 GiB; nvidia-smi-visible capacity not found in gathered sources Capacity as the cited system file models it; the driver may report a little less.",
    },
    memoryBandwidthGBs: {
      value: 4800,
      sources: [
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "mem_bw: 4800000000000 # 4800GB/s",
        },
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "NVIDIA H200 SXM ... 4.80 (TBps)",
        },
      ],
    },
    tflops: {
      fp16: {
        value: 989,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "bfloat16_tc_flops: 989000000000000 # 989TFLOPS",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| NVIDIA H200 SXM | 67.0 | 494.5 | 989 | 989 | 1979 | 1979 |",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: 'elif "H200" in device_name: return 989e12',
          },
        ],
        note: "NVIDIA marketing figure 1,979 TFLOPS is with 2:4 sparsity",
      },
      bf16: {
        value: 989,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "bfloat16_tc_flops: 989000000000000 # 989TFLOPS",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| NVIDIA H200 SXM | 67.0 | 494.5 | 989 | 989 | 1979 | 1979 |",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: 'elif "H200" in device_name: return 989e12',
          },
        ],
        note: "NVIDIA marketing figure 1,979 TFLOPS is with 2:4 sparsity",
      },
      fp8: {
        value: 1979,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "H200 fp8 1979",
          },
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "fp8_tc_flops: 1978000000000000 # 1978TFLOPS",
          },
        ],
      },
      int8: {
        value: 1979,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "H200 int8 1979",
          },
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "int8_tc_flops: 1978000000000000",
          },
        ],
      },
    },
    interconnect: {
      kind: "nvlink",
      gen: 4,
      gbsUnidirectional: {
        value: 450,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "intra_node_bw: 450000000000 # Byte/s per gpu, single direction",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| NVIDIA NVLink 4 | H100, H* | 450.0 |",
          },
        ],
      },
    },
    tdpW: {
      value: 700,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| NVIDIA H200 SXM | 700 | maximum TDP |",
        },
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "power: 700 # Watt",
        },
      ],
      note: "H200 NVL (PCIe) variant: 600 W maximum TDP per ml-engineering power table",
    },
    prices: [
      {
        provider: "Hyperstack",
        usdPerGpuHour: 3.99,
        basis: "on-demand",
        date: "2026-08-26",
        source: {
          url: "https://github.com/api-evangelist/nexgen-cloud/blob/0fa0509ef79e8b096a7dd124750e4fc508c61fa0/plans/nexgen-cloud-plans-pricing.yml",
          quote: "resource: NVIDIA H200 SXM vram_gb: 141 ... price_per_hour: 3.99",
        },
      },
      {
        provider: "Akash",
        usdPerGpuHour: 4.45,
        basis: "marketplace 'starting at'",
        date: "2026-09-20",
        source: {
          url: "https://github.com/api-evangelist/akash/blob/4301f93c844dd5582b0756ffa1b02541b9ad9787/plans/plans.yml",
          quote: "name: H200 141GB SXM5 price_text: $4.45/hr",
        },
      },
    ],
    nativeFp8: true,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "h100-sxm",
    aliases: ["h100", "h100-80g"],
    name: "NVIDIA H100 SXM5 80GB",
    vendor: "NVIDIA",
    architecture: "Hopper",
    computeCapability: 9.0,
    memoryMarketed: {
      value: 80,
      unit: "GB",
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| NVIDIA H100 SXM | 80 | HBM3 | 3.35 |",
        },
        {
          url: "https://archive-lib.hpctech.co.jp/gpuproduct/nvidia-h100.html",
          quote: "GPU メモリ | 80 GB | 80 GB",
        },
      ],
    },
    memoryBytes: {
      value: 85061827297,
      sources: [
        {
          url: "https://github.com/vllm-project/vllm/pull/12126",
          quote:
            "it can work on H100-80G now: ... total_gpu_memory (79.22GiB) x gpu_memory_utilization (0.90) = 71.29GiB",
        },
      ],
      note: "Total memory as torch/vLLM report it (the rounded GiB figure of the log).",
    },
    memoryBandwidthGBs: {
      value: 3350,
      sources: [
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "mem_bw: 3350000000000 # 3350GB/s",
        },
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "3.35 TBps",
        },
        {
          url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
          quote: "h100-sxm-80gb.json: hbm_bandwidth_in_GB_per_sec: 3350",
        },
        {
          url: "https://archive-lib.hpctech.co.jp/gpuproduct/nvidia-h100.html",
          quote: "GPU メモリ帯域幅 | 3,350 GB/sec",
        },
      ],
      note: "LLM-Viewer uses 3072e9 (differs from datasheet)",
    },
    tflops: {
      fp16: {
        value: 989,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "bfloat16_tc_flops: 989000000000000 # 989TFLOPS",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| NVIDIA H100 SXM | 67.0 | 494.5 | 989 | 989 | 1979 | 1979 |",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: "else:  # for H100 SXM and other variants return 989e12",
          },
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "peak_fp16_TFLOPS: 989",
          },
          {
            url: "https://archive-lib.hpctech.co.jp/gpuproduct/nvidia-h100.html",
            quote:
              "BFLOAT16 Tensor コア | 1,979 TFLOPS* ... * Shown with sparsity. Specifications 1/2 lower without sparsity.",
          },
        ],
      },
      bf16: {
        value: 989,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "bfloat16_tc_flops: 989000000000000 # 989TFLOPS",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| NVIDIA H100 SXM | 67.0 | 494.5 | 989 | 989 | 1979 | 1979 |",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: "else:  # for H100 SXM and other variants return 989e12",
          },
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "peak_fp16_TFLOPS: 989",
          },
          {
            url: "https://archive-lib.hpctech.co.jp/gpuproduct/nvidia-h100.html",
            quote:
              "BFLOAT16 Tensor コア | 1,979 TFLOPS* ... * Shown with sparsity. Specifications 1/2 lower without sparsity.",
          },
        ],
      },
      fp8: {
        value: 1979,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "H100 SXM fp8 1979",
          },
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "fp8_tc_flops: 1978000000000000 # 1978TFLOPS",
          },
          {
            url: "https://archive-lib.hpctech.co.jp/gpuproduct/nvidia-h100.html",
            quote: "FP8 Tensor コア | 3,958 TFLOPS* (sparse)",
          },
        ],
      },
      int8: {
        value: 1979,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "H100 SXM int8 1979",
          },
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "peak_i8_TFLOPS: 1979",
          },
        ],
      },
    },
    interconnect: {
      kind: "nvlink",
      gen: 4,
      gbsUnidirectional: {
        value: 450,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "intra_node_bw: 450000000000 # Byte/s per gpu, single direction",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "NVIDIA NVLink 4 | H100, H* | 450.0",
          },
        ],
      },
    },
    tdpW: {
      value: 700,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| NVIDIA H100 SXM | 700 | maximum TDP |",
        },
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "power: 700",
        },
        {
          url: "https://archive-lib.hpctech.co.jp/gpuproduct/nvidia-h100.html",
          quote: "TDP | 700 W",
        },
      ],
    },
    prices: [
      {
        provider: "AWS",
        usdPerGpuHour: 6.88,
        basis: "on-demand",
        date: "2026-11-09",
        source: {
          url: "https://raw.githubusercontent.com/datareceipts/data-receipts/main/109-gpu-pricing/hyperscalers.json",
          quote:
            '"instance": "p5.48xlarge", "gpu": "H100 SXM", ... "usd_per_hour": 55.04, "usd_per_gpu_hour": 6.88',
        },
      },
      {
        provider: "Lambda",
        usdPerGpuHour: 3.99,
        basis: "on-demand, per GPU",
        date: "2026-09-20",
        source: {
          url: "https://github.com/api-evangelist/lambda-labs/blob/1929382e7f9b4777d980aec12b6fc9e04e6718cb/plans/lambda-labs-plans-pricing.yml",
          quote: "name: 8x NVIDIA H100 SXM price_text: $3.99 ... unit: per GPU per hour",
        },
      },
      {
        provider: "Lambda",
        usdPerGpuHour: 4.29,
        basis: "on-demand",
        date: "2026-09-20",
        source: {
          url: "https://github.com/api-evangelist/lambda-labs/blob/1929382e7f9b4777d980aec12b6fc9e04e6718cb/plans/lambda-labs-plans-pricing.yml",
          quote: "name: 1x NVIDIA H100 SXM price_text: $4.29",
        },
      },
      {
        provider: "RunPod",
        usdPerGpuHour: 3.99,
        basis: "on-demand",
        date: "2026-11-09",
        source: {
          url: "https://raw.githubusercontent.com/datareceipts/data-receipts/main/109-gpu-pricing/vendors.json",
          quote: '{"gpu": "H100 SXM", "gpu_memory_gb": 80, "usd_per_gpu_hour": 3.99}',
        },
      },
      {
        provider: "RunPod",
        usdPerGpuHour: 2.69,
        basis: "on-demand",
        date: "2026-11-09",
        source: {
          url: "https://raw.githubusercontent.com/datareceipts/data-receipts/main/109-gpu-pricing/vendors.json",
          quote: 'RunPod (Community) ... {"gpu": "H100 SXM", ... 2.69}',
        },
      },
      {
        provider: "Hyperstack",
        usdPerGpuHour: 3.2,
        basis: "on-demand",
        date: "2026-08-26",
        source: {
          url: "https://github.com/api-evangelist/nexgen-cloud/blob/0fa0509ef79e8b096a7dd124750e4fc508c61fa0/plans/nexgen-cloud-plans-pricing.yml",
          quote: "resource: NVIDIA H100 SXM vram_gb: 80 ... price_per_hour: 3.20",
        },
      },
    ],
    nativeFp8: true,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "h100-pcie",
    name: "NVIDIA H100 PCIe 80GB",
    vendor: "NVIDIA",
    architecture: "Hopper",
    computeCapability: 9.0,
    memoryMarketed: {
      value: 80,
      unit: "GB",
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| NVIDIA H100 PCIe | 80 | HBM3 | 2.00 |",
        },
        {
          url: "https://archive-lib.hpctech.co.jp/gpuproduct/nvidia-h100.html",
          quote: "GPU メモリ | 80 GB | 80 GB",
        },
      ],
    },
    memoryBytes: {
      value: 85899345920,
      sources: [
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "h100_pcie.yaml: mem_capacity: 85899345920 # 80GiB",
        },
      ],
      note: "Capacity as the cited system file models it; the driver may report a little less.",
    },
    memoryBandwidthGBs: {
      value: 2000,
      sources: [
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "mem_bw: 2000000000000 # 2TB/s",
        },
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "2.00 TBps",
        },
        {
          url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
          quote: "h100-pcie-80gb.json: hbm_bandwidth_in_GB_per_sec: 2000",
        },
        {
          url: "https://archive-lib.hpctech.co.jp/gpuproduct/nvidia-h100.html",
          quote: "2000 GB/sec",
        },
      ],
      note: "LLM-Viewer uses 2048e9",
    },
    tflops: {
      fp16: {
        value: 756,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote:
              "bfloat16_tc_flops: 756500000000000 # 756.5TFLOPS (dense; NVIDIA specs list 1513TFLOPS with sparsity)",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| NVIDIA H100 PCIe | 51.0 | 378.0 | 756 | 756 | 1513 | 1513 |",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: 'elif "PCIe" in device_name: return 756e12',
          },
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "peak_fp16_TFLOPS: 756",
          },
        ],
      },
      bf16: {
        value: 756,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote:
              "bfloat16_tc_flops: 756500000000000 # 756.5TFLOPS (dense; NVIDIA specs list 1513TFLOPS with sparsity)",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| NVIDIA H100 PCIe | 51.0 | 378.0 | 756 | 756 | 1513 | 1513 |",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: 'elif "PCIe" in device_name: return 756e12',
          },
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "peak_fp16_TFLOPS: 756",
          },
        ],
      },
      fp8: {
        value: 1513,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote:
              "fp8_tc_flops: 1513000000000000 # 1513TFLOPS (dense; NVIDIA specs list 3026TFLOPS with sparsity)",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "H100 PCIe fp8 1513",
          },
        ],
      },
      int8: {
        value: 1513,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "int8_tc_flops: 1513000000000000 # 1513TOPS (dense ...)",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "H100 PCIe int8 1513",
          },
        ],
      },
    },
    interconnect: {
      kind: "pcie",
      gen: 5,
      gbsUnidirectional: {
        value: 64,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "intra_node_bw: 64000000000 # ... PCIe Gen5 x16 without NVLink",
          },
        ],
        note: "x16 link, per direction (PCIe Gen3 16, Gen4 32, Gen5 64 GB/s)",
      },
    },
    tdpW: {
      value: 350,
      sources: [
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "power: 350 # Watt",
        },
        {
          url: "https://archive-lib.hpctech.co.jp/gpuproduct/nvidia-h100.html",
          quote: "TDP | 700 W | 300-350 W",
        },
      ],
    },
    prices: [
      {
        provider: "Lambda",
        usdPerGpuHour: 3.29,
        basis: "on-demand",
        date: "2026-09-20",
        source: {
          url: "https://github.com/api-evangelist/lambda-labs/blob/1929382e7f9b4777d980aec12b6fc9e04e6718cb/plans/lambda-labs-plans-pricing.yml",
          quote: "name: 1x NVIDIA H100 PCIe price_text: $3.29",
        },
      },
      {
        provider: "RunPod",
        usdPerGpuHour: 2.89,
        basis: "on-demand",
        date: "2026-11-09",
        source: {
          url: "https://raw.githubusercontent.com/datareceipts/data-receipts/main/109-gpu-pricing/vendors.json",
          quote: '{"gpu": "H100 PCIe", "gpu_memory_gb": 80, "usd_per_gpu_hour": 2.89}',
        },
      },
      {
        provider: "Hyperstack",
        usdPerGpuHour: 2.5,
        basis: "on-demand",
        date: "2026-08-26",
        source: {
          url: "https://github.com/api-evangelist/nexgen-cloud/blob/0fa0509ef79e8b096a7dd124750e4fc508c61fa0/plans/nexgen-cloud-plans-pricing.yml",
          quote: "resource: NVIDIA H100 vram_gb: 80 price_per_hour: 2.50",
        },
      },
    ],
    nativeFp8: true,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "h100-nvl",
    name: "NVIDIA H100 NVL 94GB (per GPU of the dual-card product)",
    vendor: "NVIDIA",
    architecture: "Hopper",
    computeCapability: 9.0,
    memoryMarketed: {
      value: 94,
      unit: "GB",
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote:
            "it's 2x H100 GPUs with 14GiB memory extra per chip and slightly faster memory (3.9TBps vs 3.35TBps)",
        },
        {
          url: "https://www.aiminingco.com/gpu/h100-nvl/specs",
          quote: "94GB of HBM3 memory per GPU",
        },
      ],
    },
    memoryBytes: {
      value: 100931731456,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote:
            "it's 2x H100 GPUs with 14GiB memory extra per chip and slightly faster memory (3.9TBps vs 3.35TBps)",
        },
        {
          url: "https://www.aiminingco.com/gpu/h100-nvl/specs",
          quote: "94GB of HBM3 memory per GPU",
        },
      ],
      note: "No driver-reported figure in the reference data: the marketed 94 GB taken as GiB of physical memory; the driver reports slightly less.",
    },
    memoryBandwidthGBs: {
      value: 3900,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "slightly faster memory (3.9TBps vs 3.35TBps)",
        },
        {
          url: "https://www.aiminingco.com/gpu/h100-nvl/specs",
          quote: "Memory bandwidth is 3.9 TB/s per GPU",
        },
      ],
    },
    tflops: {
      fp16: {
        value: 835,
        sources: [
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote:
              'if "NVL" in device_name: return 835e12  # NOTE: Specifications are one-half lower without sparsity.',
          },
        ],
      },
      bf16: {
        value: 835,
        sources: [
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote:
              'if "NVL" in device_name: return 835e12  # NOTE: Specifications are one-half lower without sparsity.',
          },
        ],
      },
    },
    interconnect: {
      kind: "pcie",
      gen: 5,
      gbsUnidirectional: {
        value: 64,
        sources: [],
        note: "x16 link, per direction (PCIe Gen3 16, Gen4 32, Gen5 64 GB/s)",
      },
    },
    tdpW: {
      value: 400,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| NVIDIA H100 NVL | 400 | maximum TDP | 9; configurable 350-400W |",
        },
      ],
    },
    prices: [
      {
        provider: "RunPod",
        usdPerGpuHour: 3.19,
        basis: "on-demand",
        date: "2026-11-09",
        source: {
          url: "https://raw.githubusercontent.com/datareceipts/data-receipts/main/109-gpu-pricing/vendors.json",
          quote: '{"gpu": "H100 NVL", "gpu_memory_gb": 94, "usd_per_gpu_hour": 3.19}',
        },
      },
      {
        provider: "Azure",
        usdPerGpuHour: 6.98,
        basis: "on-demand",
        date: "2026-11-09",
        source: {
          url: "https://raw.githubusercontent.com/datareceipts/data-receipts/main/109-gpu-pricing/hyperscalers.json",
          quote: '"Standard_NC40ads_H100_v5", "gpu": "H100 NVL", ... "usd_per_gpu_hour": 6.98',
        },
      },
    ],
    nativeFp8: true,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "h20",
    name: "NVIDIA H20 96GB (China-market Hopper)",
    vendor: "NVIDIA",
    architecture: "Hopper",
    computeCapability: 9.0,
    memoryMarketed: {
      value: 96,
      unit: "GB",
      sources: [
        {
          url: "https://willitrunai.com/es/gpus/h20-96gb",
          quote: "96 GB HBM3 — 4,000 GB/s bandwidth",
        },
        {
          url: "https://github.com/citsjtu2020/LLM-Prof",
          quote: '"NVIDIA_H20_SXM5_96GB": {"mem_bandwidth": 4022 * (1024**3), ... "memsize": 96 * (1024**3)',
        },
      ],
    },
    memoryBytes: {
      value: 103079215104,
      sources: [
        {
          url: "https://willitrunai.com/es/gpus/h20-96gb",
          quote: "96 GB HBM3 — 4,000 GB/s bandwidth",
        },
        {
          url: "https://github.com/citsjtu2020/LLM-Prof",
          quote: '"NVIDIA_H20_SXM5_96GB": {"mem_bandwidth": 4022 * (1024**3), ... "memsize": 96 * (1024**3)',
        },
      ],
      note: "No driver-reported figure in the reference data: the marketed 96 GB taken as GiB of physical memory; the driver reports slightly less.",
    },
    memoryBandwidthGBs: {
      value: 4000,
      sources: [
        {
          url: "https://willitrunai.com/es/gpus/h20-96gb",
          quote: "96 GB HBM3 — 4,000 GB/s bandwidth",
        },
        {
          url: "https://zangshuxian.com/new/674733024499207168",
          quote: "H20的内存带宽为4.0TB/s",
        },
      ],
      note: "LLM-Prof writes 4022*(1024**3) B/s (GiB-based) which is ~4319 GB/s decimal; treat 4.0 TB/s as the marketed figure",
    },
    tflops: {
      fp16: {
        value: 148,
        sources: [
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote:
              "H20 ... The peak BF16/FP16 Tensor performance is reported as 148 TFLOPS. Ref: tomshardware",
          },
          {
            url: "https://zangshuxian.com/new/674733024499207168",
            quote: "H20的FP16稠密算力为148TFLOPS",
          },
        ],
      },
      bf16: {
        value: 148,
        sources: [
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote:
              "H20 ... The peak BF16/FP16 Tensor performance is reported as 148 TFLOPS. Ref: tomshardware",
          },
          {
            url: "https://zangshuxian.com/new/674733024499207168",
            quote: "H20的FP16稠密算力为148TFLOPS",
          },
        ],
      },
      int8: {
        value: 296,
        sources: [
          {
            url: "https://willitrunai.com/es/gpus/h20-96gb",
            quote: "148 TFLOPS FP16 (throttled for export compliance) / 296 INT8 TOPS",
          },
          {
            url: "https://zangshuxian.com/new/674733024499207168",
            quote: "H20的INT8为296TFLOPS",
          },
          {
            url: "https://github.com/citsjtu2020/LLM-Prof",
            quote: '"INT8": 296e12',
          },
        ],
      },
    },
    interconnect: {
      kind: "nvlink",
      gen: 0,
      gbsUnidirectional: {
        value: 450.0,
        sources: [
          {
            url: "https://willitrunai.com/es/gpus/h20-96gb",
            quote: "NVLink 4.0 (900 GB/s) — multi-GPU scaling retained",
          },
        ],
        note: "half the bidirectional figure",
      },
    },
    tdpW: {
      value: 400,
      sources: [
        {
          url: "https://willitrunai.com/es/gpus/h20-96gb",
          quote: "400W TDP (vs. H100's 700W)",
        },
      ],
    },
    prices: [],
    nativeFp8: true,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "a100-80g",
    aliases: ["a100", "a100-sxm", "a100-80gb"],
    name: "NVIDIA A100 SXM4 80GB",
    vendor: "NVIDIA",
    architecture: "Ampere",
    computeCapability: 8.0,
    memoryMarketed: {
      value: 80,
      unit: "GB",
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| NVIDIA A100 SXM | 80 | HBM2e | 2.00 |",
        },
      ],
    },
    memoryBytes: {
      value: 84986665370,
      sources: [
        {
          url: "https://github.com/vllm-project/vllm/issues/4408",
          quote: "GPU 0 has a total capacity of 79.15 GiB",
        },
      ],
      note: "Total memory as torch/vLLM report it (the rounded GiB figure of the log).",
    },
    memoryBandwidthGBs: {
      value: 2039,
      sources: [
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "mem_bw: 2039000000000 # 2.039TB/s",
        },
        {
          url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
          quote: "a100-sxm-80gb.json: hbm_bandwidth_in_GB_per_sec: 2039",
        },
        {
          url: "https://github.com/hahnyuan/LLM-Viewer/blob/472f71f1a1807e80b573252e9185fd5e8d795e95/hardwares/hardware_params.py",
          quote: '"nvidia_A100_80G": {"bandwidth": 2039e9',
        },
      ],
      note: "ml-engineering memory table rounds to 2.00 TBps",
    },
    tflops: {
      fp16: {
        value: 312,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "bfloat16_tc_flops: 312000000000000",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| NVIDIA A100 SXM | 19.5 | 156.0 | 312 | 312 | X | 624 |",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: 'if "A100" in device_name: return 312e12',
          },
        ],
      },
      bf16: {
        value: 312,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "bfloat16_tc_flops: 312000000000000",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| NVIDIA A100 SXM | 19.5 | 156.0 | 312 | 312 | X | 624 |",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: 'if "A100" in device_name: return 312e12',
          },
        ],
      },
      int8: {
        value: 624,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "int8_tc_flops: 624000000000000",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "A100 SXM int8 624",
          },
        ],
      },
      int4: {
        value: 1248,
        sources: [
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "a100-sxm-80gb.json: peak_i4_TFLOPS: 1248",
          },
        ],
        note: "single source",
      },
    },
    interconnect: {
      kind: "nvlink",
      gen: 3,
      gbsUnidirectional: {
        value: 300,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "intra_node_bw: 300000000000 # Byte/s per gpu, single direction",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| NVIDIA NVLink 3 | A100 | 300.0 |",
          },
        ],
      },
    },
    tdpW: {
      value: 400,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| NVIDIA A100 SXM | 400 | maximum TDP | 15; CTS up to 500W |",
        },
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "power: 400",
        },
      ],
    },
    prices: [
      {
        provider: "AWS",
        usdPerGpuHour: 3.4309,
        basis: "on-demand",
        date: "2026-11-09",
        source: {
          url: "https://raw.githubusercontent.com/datareceipts/data-receipts/main/109-gpu-pricing/hyperscalers.json",
          quote:
            '"p4de.24xlarge", "gpu": "A100 SXM", "gpu_memory_gb": 80, "gpu_count": 8, "usd_per_hour": 27.44705, "usd_per_gpu_hour": 3.4309',
        },
      },
      {
        provider: "Lambda",
        usdPerGpuHour: 2.79,
        basis: "on-demand, per GPU",
        date: "2026-09-20",
        source: {
          url: "https://github.com/api-evangelist/lambda-labs/blob/1929382e7f9b4777d980aec12b6fc9e04e6718cb/plans/lambda-labs-plans-pricing.yml",
          quote: "name: 8x NVIDIA A100 SXM 80 GB price_text: $2.79",
        },
      },
      {
        provider: "RunPod",
        usdPerGpuHour: 1.79,
        basis: "on-demand",
        date: "2026-11-09",
        source: {
          url: "https://raw.githubusercontent.com/datareceipts/data-receipts/main/109-gpu-pricing/vendors.json",
          quote: '{"gpu": "A100 SXM", "gpu_memory_gb": 80, "usd_per_gpu_hour": 1.79}',
        },
      },
      {
        provider: "Hyperstack",
        usdPerGpuHour: 1.6,
        basis: "on-demand",
        date: "2026-08-26",
        source: {
          url: "https://github.com/api-evangelist/nexgen-cloud/blob/0fa0509ef79e8b096a7dd124750e4fc508c61fa0/plans/nexgen-cloud-plans-pricing.yml",
          quote: "resource: NVIDIA A100 SXM vram_gb: 80 price_per_hour: 1.60",
        },
      },
    ],
    nativeFp8: false,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "a100-40g",
    aliases: ["a100-40gb"],
    name: "NVIDIA A100 SXM4 40GB",
    vendor: "NVIDIA",
    architecture: "Ampere",
    computeCapability: 8.0,
    memoryMarketed: {
      value: 40,
      unit: "GB",
      sources: [
        {
          url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
          quote: "a100-sxm-40gb.json: mem_per_GPU_in_GB: 40",
        },
        {
          url: "https://gist.github.com/shashankprasanna/10ebe6dc1ba1d8d93db17da4e2cc890e",
          quote: "| A100 | P4 | p4d.24xlarge | 8 | 40 GB | NVLink gen 3 (600 GB/s) | 400W |",
        },
      ],
    },
    memoryBytes: {
      value: 42949672960,
      sources: [
        {
          url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
          quote: "a100-sxm-40gb.json: mem_per_GPU_in_GB: 40",
        },
        {
          url: "https://gist.github.com/shashankprasanna/10ebe6dc1ba1d8d93db17da4e2cc890e",
          quote: "| A100 | P4 | p4d.24xlarge | 8 | 40 GB | NVLink gen 3 (600 GB/s) | 400W |",
        },
      ],
      note: "No driver-reported figure in the reference data: the marketed 40 GB taken as GiB of physical memory; the driver reports slightly less.",
    },
    memoryBandwidthGBs: {
      value: 1555,
      sources: [
        {
          url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
          quote: "a100-sxm-40gb.json: hbm_bandwidth_in_GB_per_sec: 1555",
        },
        {
          url: "https://github.com/hahnyuan/LLM-Viewer/blob/472f71f1a1807e80b573252e9185fd5e8d795e95/hardwares/hardware_params.py",
          quote: '"nvidia_A100_40G": {"bandwidth": 1555e9',
        },
      ],
    },
    tflops: {
      fp16: {
        value: 312,
        sources: [
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "peak_fp16_TFLOPS: 312",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: "A100 -> 312e12",
          },
        ],
      },
      bf16: {
        value: 312,
        sources: [
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "peak_fp16_TFLOPS: 312",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: "A100 -> 312e12",
          },
        ],
      },
      int8: {
        value: 624,
        sources: [
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "peak_i8_TFLOPS: 624",
          },
        ],
      },
      int4: {
        value: 1248,
        sources: [
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "peak_i4_TFLOPS: 1248",
          },
        ],
      },
    },
    interconnect: {
      kind: "pcie",
      gen: 4,
      gbsUnidirectional: {
        value: 32,
        sources: [],
        note: "x16 link, per direction (PCIe Gen3 16, Gen4 32, Gen5 64 GB/s)",
      },
    },
    tdpW: {
      value: 400,
      sources: [
        {
          url: "https://gist.github.com/shashankprasanna/10ebe6dc1ba1d8d93db17da4e2cc890e",
          quote: "p4d.24xlarge ... 400W (TDP from nvidia-smi)",
        },
      ],
    },
    prices: [
      {
        provider: "AWS",
        usdPerGpuHour: 2.7447,
        basis: "on-demand",
        date: "2026-11-09",
        source: {
          url: "https://raw.githubusercontent.com/datareceipts/data-receipts/main/109-gpu-pricing/hyperscalers.json",
          quote:
            '"p4d.24xlarge", "gpu": "A100 SXM", "gpu_memory_gb": 40, "gpu_count": 8, "usd_per_hour": 21.957642, "usd_per_gpu_hour": 2.7447',
        },
      },
      {
        provider: "Lambda",
        usdPerGpuHour: 1.99,
        basis: "on-demand, per GPU",
        date: "2026-09-20",
        source: {
          url: "https://github.com/api-evangelist/lambda-labs/blob/1929382e7f9b4777d980aec12b6fc9e04e6718cb/plans/lambda-labs-plans-pricing.yml",
          quote: "name: 8x NVIDIA A100 SXM 40 GB price_text: $1.99",
        },
      },
      {
        provider: "OpenRelay",
        usdPerGpuHour: 0.8,
        basis: "on-demand",
        date: "2026-09-20",
        source: {
          url: "https://raw.githubusercontent.com/api-evangelist/openrelay/refs/heads/main/plans/openrelay-plans-pricing.yml",
          quote: "name: A100 40GB price_text: $0.80 /hr",
        },
      },
    ],
    nativeFp8: false,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "l40s",
    name: "NVIDIA L40S 48GB",
    vendor: "NVIDIA",
    architecture: "Ada Lovelace",
    computeCapability: 8.9,
    memoryMarketed: {
      value: 48,
      unit: "GB",
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| NVIDIA L40S | 48 | GDDR6 | 0.86 |",
        },
        {
          url: "https://www.mullet.se/product.html?product_id=355414",
          quote: "GPU Memory | 48 GB GDDR6 with ECC",
        },
      ],
    },
    memoryBytes: {
      value: 48305799168,
      sources: [
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "l40s.yaml: mem_capacity: 48305799168 # 46068 MiB",
        },
      ],
      note: "nvidia-smi-visible capacity (46068 MiB) Capacity as the cited system file models it; the driver may report a little less.",
    },
    memoryBandwidthGBs: {
      value: 864,
      sources: [
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "mem_bw: 864000000000 # 864GB/s",
        },
        {
          url: "https://www.mullet.se/product.html?product_id=355414",
          quote: "Memory Bandwidth | 864GB/s",
        },
      ],
    },
    tflops: {
      fp16: {
        value: 362.05,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "bfloat16_tc_flops: 362050000000000 # 362.05 TFLOPS",
          },
          {
            url: "https://www.mullet.se/product.html?product_id=355414",
            quote: "BFLOAT16 Tensor Core TFLOPS | 181.05 | 362.1* | 362.05 | 733* | (* With Sparsity)",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| NVIDIA L40S | 91.6 | 183.0 | 362 | 362 | 733 | 733 |",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: "l40s -> 362e12",
          },
        ],
      },
      bf16: {
        value: 362.05,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "bfloat16_tc_flops: 362050000000000 # 362.05 TFLOPS",
          },
          {
            url: "https://www.mullet.se/product.html?product_id=355414",
            quote: "BFLOAT16 Tensor Core TFLOPS | 181.05 | 362.1* | 362.05 | 733* | (* With Sparsity)",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| NVIDIA L40S | 91.6 | 183.0 | 362 | 362 | 733 | 733 |",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: "l40s -> 362e12",
          },
        ],
      },
      fp8: {
        value: 733,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "fp8_tc_flops: 733000000000000",
          },
          {
            url: "https://www.mullet.se/product.html?product_id=355414",
            quote: "FP8 Tensor Core | 362 | 724* | 733 | 1,466* |",
          },
        ],
      },
      int8: {
        value: 733,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "int8_tc_flops: 733000000000000",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "L40S int8 733",
          },
        ],
      },
    },
    interconnect: {
      kind: "pcie",
      gen: 4,
      gbsUnidirectional: {
        value: 32,
        sources: [
          {
            url: "https://www.mullet.se/product.html?product_id=355414",
            quote: "Interconnect Interface | PCIe Gen4 x16: 64GB/s bidirectional",
          },
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "intra_node_bw: 32000000000 # ... (pcie 4.0)",
          },
        ],
        note: "x16 link, per direction (PCIe Gen3 16, Gen4 32, Gen5 64 GB/s)",
      },
    },
    tdpW: {
      value: 350,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| NVIDIA L40S | 350 | maximum power consumption |",
        },
        {
          url: "https://www.mullet.se/product.html?product_id=355414",
          quote: "Max Power Consumption | 300W | 350W",
        },
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "power: 350",
        },
      ],
    },
    prices: [],
    nativeFp8: true,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "l40",
    name: "NVIDIA L40 48GB",
    vendor: "NVIDIA",
    architecture: "Ada Lovelace",
    computeCapability: 8.9,
    memoryMarketed: {
      value: 48,
      unit: "GB",
      sources: [
        {
          url: "https://www.mullet.se/product.html?product_id=355414",
          quote: "GPU Memory | 48 GB GDDR6 with ECC",
        },
      ],
    },
    memoryBytes: {
      value: 51539607552,
      sources: [
        {
          url: "https://www.mullet.se/product.html?product_id=355414",
          quote: "GPU Memory | 48 GB GDDR6 with ECC",
        },
      ],
      note: "No driver-reported figure in the reference data: the marketed 48 GB taken as GiB of physical memory; the driver reports slightly less.",
    },
    memoryBandwidthGBs: {
      value: 864,
      sources: [
        {
          url: "https://www.mullet.se/product.html?product_id=355414",
          quote: "Memory Bandwidth | 864GB/s",
        },
        {
          url: "https://github.com/hahnyuan/LLM-Viewer/blob/472f71f1a1807e80b573252e9185fd5e8d795e95/hardwares/hardware_params.py",
          quote: '"nvidia_L40": {"bandwidth": 864e9',
        },
      ],
    },
    tflops: {
      fp16: {
        value: 181.05,
        sources: [
          {
            url: "https://www.mullet.se/product.html?product_id=355414",
            quote: "BFLOAT16 Tensor Core TFLOPS | 181.05 | 362.1* (L40)",
          },
          {
            url: "https://github.com/hahnyuan/LLM-Viewer/blob/472f71f1a1807e80b573252e9185fd5e8d795e95/hardwares/hardware_params.py",
            quote: '"nvidia_L40": {... "FP16": 181e12',
          },
        ],
      },
      bf16: {
        value: 181.05,
        sources: [
          {
            url: "https://www.mullet.se/product.html?product_id=355414",
            quote: "BFLOAT16 Tensor Core TFLOPS | 181.05 | 362.1* (L40)",
          },
          {
            url: "https://github.com/hahnyuan/LLM-Viewer/blob/472f71f1a1807e80b573252e9185fd5e8d795e95/hardwares/hardware_params.py",
            quote: '"nvidia_L40": {... "FP16": 181e12',
          },
        ],
      },
      fp8: {
        value: 362,
        sources: [
          {
            url: "https://www.mullet.se/product.html?product_id=355414",
            quote: "FP8 Tensor Core | 362 | 724* (L40)",
          },
        ],
      },
      int8: {
        value: 362,
        sources: [
          {
            url: "https://www.mullet.se/product.html?product_id=355414",
            quote: "Peak INT8 Tensor TOPS | 362 | 724*",
          },
          {
            url: "https://github.com/hahnyuan/LLM-Viewer/blob/472f71f1a1807e80b573252e9185fd5e8d795e95/hardwares/hardware_params.py",
            quote: '"INT8": 362e12',
          },
        ],
      },
      int4: {
        value: 724,
        sources: [
          {
            url: "https://www.mullet.se/product.html?product_id=355414",
            quote: "Peak INT4 Tensor TOPS | 724 | 1448*",
          },
        ],
      },
    },
    interconnect: {
      kind: "pcie",
      gen: 4,
      gbsUnidirectional: {
        value: 32,
        sources: [
          {
            url: "https://www.mullet.se/product.html?product_id=355414",
            quote: "PCIe Gen4 x16: 64GB/s bidirectional",
          },
        ],
        note: "x16 link, per direction (PCIe Gen3 16, Gen4 32, Gen5 64 GB/s)",
      },
    },
    tdpW: {
      value: 300,
      sources: [
        {
          url: "https://www.mullet.se/product.html?product_id=355414",
          quote: "Max Power Consumption | 300W | 350W",
        },
      ],
    },
    prices: [
      {
        provider: "Hyperstack",
        usdPerGpuHour: 1.0,
        basis: "on-demand",
        date: "2026-08-26",
        source: {
          url: "https://github.com/api-evangelist/nexgen-cloud/blob/0fa0509ef79e8b096a7dd124750e4fc508c61fa0/plans/nexgen-cloud-plans-pricing.yml",
          quote: "resource: NVIDIA L40 vram_gb: 48 price_per_hour: 1.00",
        },
      },
    ],
    nativeFp8: true,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "l4",
    name: "NVIDIA L4 24GB",
    vendor: "NVIDIA",
    architecture: "Ada Lovelace",
    computeCapability: 8.9,
    memoryMarketed: {
      value: 24,
      unit: "GB",
      sources: [
        {
          url: "https://raw.githubusercontent.com/rapidsai/deployment/refs/heads/main/source/cloud/aws/index.md",
          quote: "| AWS | G6 | g6\\.48xlarge | 8 | L4 | 24 (GB) |",
        },
      ],
    },
    memoryBytes: {
      value: 25769803776,
      sources: [
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "l4.yaml: mem_capacity: 25769803776 # 24GiB",
        },
      ],
      note: "Capacity as the cited system file models it; the driver may report a little less.",
    },
    memoryBandwidthGBs: {
      value: 300,
      sources: [
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "mem_bw: 300000000000 # 300GB/s",
        },
        {
          url: "https://github.com/VladislavDuma/gpu_specs/blob/103f3414c70a935b52b5315fb974f093d966768b/README.md",
          quote: "NVIDIA L4 ... 300",
        },
      ],
    },
    tflops: {
      fp16: {
        value: 121,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote:
              "bfloat16_tc_flops: 121000000000000 # 121TFLOPS (dense; NVIDIA specs list 242TFLOPS with sparsity)",
          },
          {
            url: "https://github.com/VladislavDuma/gpu_specs/blob/103f3414c70a935b52b5315fb974f093d966768b/README.md",
            quote: "L4 BF16 Tensor Core 121 / 242*",
          },
        ],
      },
      bf16: {
        value: 121,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote:
              "bfloat16_tc_flops: 121000000000000 # 121TFLOPS (dense; NVIDIA specs list 242TFLOPS with sparsity)",
          },
          {
            url: "https://github.com/VladislavDuma/gpu_specs/blob/103f3414c70a935b52b5315fb974f093d966768b/README.md",
            quote: "L4 BF16 Tensor Core 121 / 242*",
          },
        ],
      },
      fp8: {
        value: 242,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote:
              "fp8_tc_flops: 242000000000000 # 242TFLOPS (dense; NVIDIA specs list 485TFLOPS with sparsity)",
          },
        ],
      },
      int8: {
        value: 242,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "int8_tc_flops: 242000000000000 # 242TOPS (dense ...)",
          },
        ],
      },
      int4: {
        value: 485,
        sources: [
          {
            url: "https://github.com/VladislavDuma/gpu_specs/blob/103f3414c70a935b52b5315fb974f093d966768b/README.md",
            quote: "L4 INT4 Tensor Core 485 / 970*",
          },
        ],
      },
    },
    interconnect: {
      kind: "pcie",
      gen: 4,
      gbsUnidirectional: {
        value: 32,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "pcie_bw: 32000000000 # Byte/s, single direction, PCIe Gen4 x16",
          },
        ],
        note: "x16 link, per direction (PCIe Gen3 16, Gen4 32, Gen5 64 GB/s)",
      },
    },
    tdpW: {
      value: 72,
      sources: [
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "power: 72 # Watt",
        },
      ],
    },
    prices: [],
    nativeFp8: true,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "a10g",
    name: "NVIDIA A10G 24GB (AWS G5 variant)",
    vendor: "NVIDIA",
    architecture: "Ampere",
    computeCapability: 8.6,
    memoryMarketed: {
      value: 24,
      unit: "GB",
      sources: [
        {
          url: "https://www.baseten.co/blog/nvidia-a10-vs-a10g-for-ml-model-inference/",
          quote:
            "The A10 and A10G share the same GPU memory stats: 24 gigabytes of GDDR6 VRAM with a memory bandwidth of 600 gigabytes per second",
        },
        {
          url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
          quote: "a10g-pcie-24gb.json: mem_per_GPU_in_GB: 24",
        },
      ],
    },
    memoryBytes: {
      value: 25769803776,
      sources: [
        {
          url: "https://www.baseten.co/blog/nvidia-a10-vs-a10g-for-ml-model-inference/",
          quote:
            "The A10 and A10G share the same GPU memory stats: 24 gigabytes of GDDR6 VRAM with a memory bandwidth of 600 gigabytes per second",
        },
        {
          url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
          quote: "a10g-pcie-24gb.json: mem_per_GPU_in_GB: 24",
        },
      ],
      note: "No driver-reported figure in the reference data: the marketed 24 GB taken as GiB of physical memory; the driver reports slightly less.",
    },
    memoryBandwidthGBs: {
      value: 600,
      sources: [
        {
          url: "https://www.baseten.co/blog/nvidia-a10-vs-a10g-for-ml-model-inference/",
          quote: "memory bandwidth of 600 gigabytes per second",
        },
        {
          url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
          quote: "hbm_bandwidth_in_GB_per_sec: 600",
        },
      ],
    },
    tflops: {
      fp16: {
        value: 70,
        sources: [
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "a10g-pcie-24gb.json: peak_fp16_TFLOPS: 70",
          },
        ],
        note: "No NVIDIA datasheet for A10G; baseten notes A10G has lower tensor compute than A10 (125). Single-source value.",
      },
      bf16: {
        value: 70,
        sources: [
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "a10g-pcie-24gb.json: peak_fp16_TFLOPS: 70",
          },
        ],
        note: "No NVIDIA datasheet for A10G; baseten notes A10G has lower tensor compute than A10 (125). Single-source value.",
      },
      int8: {
        value: 140,
        sources: [
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "peak_i8_TFLOPS: 140",
          },
        ],
        note: "appears to be 2x FP16 in llm-analysis; low confidence",
      },
      int4: {
        value: 280,
        sources: [
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "peak_i4_TFLOPS: 280",
          },
        ],
        note: "appears to be 4x FP16 in llm-analysis; low confidence",
      },
    },
    interconnect: {
      kind: "pcie",
      gen: 4,
      gbsUnidirectional: {
        value: 32,
        sources: [
          {
            url: "https://gist.github.com/shashankprasanna/10ebe6dc1ba1d8d93db17da4e2cc890e",
            quote: "| A10G | G5 | g5.12xlarge | 4 | 24 GB | PCIe | 300W |",
          },
        ],
        note: "x16 link, per direction (PCIe Gen3 16, Gen4 32, Gen5 64 GB/s)",
      },
    },
    tdpW: {
      value: 300,
      sources: [
        {
          url: "https://gist.github.com/shashankprasanna/10ebe6dc1ba1d8d93db17da4e2cc890e",
          quote: "g5.xlarge | 1 | 24 GB | NA (single GPU) | 300W (TDP from nvidia-smi)",
        },
      ],
    },
    prices: [
      {
        provider: "AWS",
        usdPerGpuHour: 1.006,
        basis:
          "on-demand (instance incl. 4 vCPU) (date: file last modified 2025-01-26 (FMBench commit 77ece06a); AWS on-demand list price as copied by FMBench)",
        date: "2025-01-26",
        source: {
          url: "https://github.com/aws-samples/foundation-model-benchmarking-tool/tree/39ce6b9c3572bf620a60c288c5b473462c5bc2eb",
          quote: "g5.xlarge: 1.006",
        },
      },
    ],
    nativeFp8: false,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "a10",
    name: "NVIDIA A10 24GB",
    vendor: "NVIDIA",
    architecture: "Ampere",
    computeCapability: 8.6,
    memoryMarketed: {
      value: 24,
      unit: "GB",
      sources: [
        {
          url: "https://sysrqmts.com/ru/gpus/compare/nvidia-a10-pcie-vs-nvidia-quadro-rtx-4000",
          quote: "Размер памяти | 24 GB",
        },
        {
          url: "https://github.com/astroC86/gpu-datasheet",
          quote: "| Ampere | A10 | 24 GB | 600 GB/s | 125 TFLOPS (FP16) | 250 TOPS (INT8) |",
        },
      ],
    },
    memoryBytes: {
      value: 25769803776,
      sources: [
        {
          url: "https://sysrqmts.com/ru/gpus/compare/nvidia-a10-pcie-vs-nvidia-quadro-rtx-4000",
          quote: "Размер памяти | 24 GB",
        },
        {
          url: "https://github.com/astroC86/gpu-datasheet",
          quote: "| Ampere | A10 | 24 GB | 600 GB/s | 125 TFLOPS (FP16) | 250 TOPS (INT8) |",
        },
      ],
      note: "No driver-reported figure in the reference data: the marketed 24 GB taken as GiB of physical memory; the driver reports slightly less.",
    },
    memoryBandwidthGBs: {
      value: 600,
      sources: [
        {
          url: "https://sysrqmts.com/ru/gpus/compare/nvidia-a10-pcie-vs-nvidia-quadro-rtx-4000",
          quote: "Пропускная способность | 600.2 GB/s",
        },
        {
          url: "https://github.com/VladislavDuma/gpu_specs/blob/103f3414c70a935b52b5315fb974f093d966768b/README.md",
          quote: "A10 ... 600",
        },
      ],
    },
    tflops: {
      fp16: {
        value: 125,
        sources: [
          {
            url: "https://github.com/VladislavDuma/gpu_specs/blob/103f3414c70a935b52b5315fb974f093d966768b/README.md",
            quote: "NVIDIA A10 ... BF16 Tensor Core 125 / 250*",
          },
          {
            url: "https://github.com/astroC86/gpu-datasheet",
            quote: "A10 | 24 GB | 600 GB/s | 125 TFLOPS (FP16)",
          },
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "a10-pcie-28gb.json: peak_fp16_TFLOPS: 125",
          },
        ],
      },
      bf16: {
        value: 125,
        sources: [
          {
            url: "https://github.com/VladislavDuma/gpu_specs/blob/103f3414c70a935b52b5315fb974f093d966768b/README.md",
            quote: "NVIDIA A10 ... BF16 Tensor Core 125 / 250*",
          },
          {
            url: "https://github.com/astroC86/gpu-datasheet",
            quote: "A10 | 24 GB | 600 GB/s | 125 TFLOPS (FP16)",
          },
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "a10-pcie-28gb.json: peak_fp16_TFLOPS: 125",
          },
        ],
      },
      int8: {
        value: 250,
        sources: [
          {
            url: "https://github.com/VladislavDuma/gpu_specs/blob/103f3414c70a935b52b5315fb974f093d966768b/README.md",
            quote: "INT8 Tensor Core 250 / 500*",
          },
          {
            url: "https://github.com/astroC86/gpu-datasheet",
            quote: "250 TOPS (INT8)",
          },
        ],
      },
      int4: {
        value: 500,
        sources: [
          {
            url: "https://github.com/VladislavDuma/gpu_specs/blob/103f3414c70a935b52b5315fb974f093d966768b/README.md",
            quote: "INT4 Tensor Core 500 / 1000*",
          },
        ],
      },
    },
    interconnect: {
      kind: "pcie",
      gen: 4,
      gbsUnidirectional: {
        value: 32,
        sources: [
          {
            url: "https://sysrqmts.com/ru/gpus/compare/nvidia-a10-pcie-vs-nvidia-quadro-rtx-4000",
            quote: "Шина | PCIe 4.0 x16",
          },
        ],
        note: "x16 link, per direction (PCIe Gen3 16, Gen4 32, Gen5 64 GB/s)",
      },
    },
    prices: [
      {
        provider: "Lambda",
        usdPerGpuHour: 1.29,
        basis: "on-demand",
        date: "2026-09-20",
        source: {
          url: "https://github.com/api-evangelist/lambda-labs/blob/1929382e7f9b4777d980aec12b6fc9e04e6718cb/plans/lambda-labs-plans-pricing.yml",
          quote: "name: 1x NVIDIA A10 price_text: $1.29",
        },
      },
    ],
    nativeFp8: false,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "rtx-a6000",
    aliases: ["a6000"],
    name: "NVIDIA RTX A6000 48GB",
    vendor: "NVIDIA",
    architecture: "Ampere",
    computeCapability: 8.6,
    memoryMarketed: {
      value: 48,
      unit: "GB",
      sources: [
        {
          url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
          quote: "a6000-48gb.json: mem_per_GPU_in_GB: 48",
        },
        {
          url: "https://sysrqmts.com/tr/gpus/compare/nvidia-a16-pcie-vs-nvidia-rtx-a6000",
          quote: "Hafıza boyutu | 16 GB | 48 GB",
        },
      ],
    },
    memoryBytes: {
      value: 51539607552,
      sources: [
        {
          url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
          quote: "a6000-48gb.json: mem_per_GPU_in_GB: 48",
        },
        {
          url: "https://sysrqmts.com/tr/gpus/compare/nvidia-a16-pcie-vs-nvidia-rtx-a6000",
          quote: "Hafıza boyutu | 16 GB | 48 GB",
        },
      ],
      note: "No driver-reported figure in the reference data: the marketed 48 GB taken as GiB of physical memory; the driver reports slightly less.",
    },
    memoryBandwidthGBs: {
      value: 768,
      sources: [
        {
          url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
          quote: "hbm_bandwidth_in_GB_per_sec: 768",
        },
        {
          url: "https://github.com/hahnyuan/LLM-Viewer/blob/472f71f1a1807e80b573252e9185fd5e8d795e95/hardwares/hardware_params.py",
          quote: '"nvidia_A6000": {"bandwidth": 768e9',
        },
        {
          url: "https://sysrqmts.com/tr/gpus/compare/nvidia-a16-pcie-vs-nvidia-rtx-a6000",
          quote: "Bant genişliği | 231.9 GB/s | 768.0 GB/s",
        },
      ],
    },
    tflops: {
      fp16: {
        value: 154.8,
        sources: [
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "peak_fp16_TFLOPS: 154.8",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: "A6000 ... NOTE: 309.7 TFLOPS is with sparsity; dense value is half. return 154.85e12",
          },
          {
            url: "https://github.com/hahnyuan/LLM-Viewer/blob/472f71f1a1807e80b573252e9185fd5e8d795e95/hardwares/hardware_params.py",
            quote: '"FP16": 309.677e12 / 2',
          },
        ],
      },
      bf16: {
        value: 154.8,
        sources: [
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "peak_fp16_TFLOPS: 154.8",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: "A6000 ... NOTE: 309.7 TFLOPS is with sparsity; dense value is half. return 154.85e12",
          },
          {
            url: "https://github.com/hahnyuan/LLM-Viewer/blob/472f71f1a1807e80b573252e9185fd5e8d795e95/hardwares/hardware_params.py",
            quote: '"FP16": 309.677e12 / 2',
          },
        ],
      },
      int8: {
        value: 309.6,
        sources: [
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "peak_i8_TFLOPS: 309.6",
          },
          {
            url: "https://github.com/hahnyuan/LLM-Viewer/blob/472f71f1a1807e80b573252e9185fd5e8d795e95/hardwares/hardware_params.py",
            quote: '"INT8": 309.7e12',
          },
        ],
      },
      int4: {
        value: 619.2,
        sources: [
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "peak_i4_TFLOPS: 619.2",
          },
        ],
      },
    },
    interconnect: {
      kind: "pcie",
      gen: 4,
      gbsUnidirectional: {
        value: 32,
        sources: [],
        note: "x16 link, per direction (PCIe Gen3 16, Gen4 32, Gen5 64 GB/s)",
      },
    },
    tdpW: {
      value: 300,
      sources: [
        {
          url: "https://sysrqmts.com/tr/gpus/compare/nvidia-a16-pcie-vs-nvidia-rtx-a6000",
          quote: "TDP | 250 W | 300 W",
        },
      ],
    },
    prices: [
      {
        provider: "Lambda",
        usdPerGpuHour: 1.09,
        basis: "on-demand, per GPU",
        date: "2026-09-20",
        source: {
          url: "https://github.com/api-evangelist/lambda-labs/blob/1929382e7f9b4777d980aec12b6fc9e04e6718cb/plans/lambda-labs-plans-pricing.yml",
          quote: "name: 4x NVIDIA A6000 price_text: $1.09 ... unit: per GPU per hour",
        },
      },
      {
        provider: "Hyperstack",
        usdPerGpuHour: 0.5,
        basis: "on-demand",
        date: "2026-08-26",
        source: {
          url: "https://github.com/api-evangelist/nexgen-cloud/blob/0fa0509ef79e8b096a7dd124750e4fc508c61fa0/plans/nexgen-cloud-plans-pricing.yml",
          quote: "resource: NVIDIA A6000 vram_gb: 48 price_per_hour: 0.50",
        },
      },
    ],
    nativeFp8: false,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "rtx-6000-ada",
    aliases: ["6000-ada"],
    name: "NVIDIA RTX 6000 Ada Generation 48GB",
    vendor: "NVIDIA",
    architecture: "Ada Lovelace",
    computeCapability: 8.9,
    memoryMarketed: {
      value: 48,
      unit: "GB",
      sources: [
        {
          url: "https://www.grafikkarten.com/de/news/nvidia-rtx-6000-grafikkarte-der-ada-generation",
          quote: "Speichermenge/-typ 48 GByte",
        },
        {
          url: "https://www.hardwareluxx.de/index.php/news/hardware/grafikkarten/59532-l40-und-rtx-6000-ada-generation-sind-die-ersten-profi-karten-der-neuen-generation.html",
          quote: "Am 384 Bit breiten Speicherinterface sind 48 GB ... angebunden",
        },
      ],
    },
    memoryBytes: {
      value: 51539607552,
      sources: [
        {
          url: "https://www.grafikkarten.com/de/news/nvidia-rtx-6000-grafikkarte-der-ada-generation",
          quote: "Speichermenge/-typ 48 GByte",
        },
        {
          url: "https://www.hardwareluxx.de/index.php/news/hardware/grafikkarten/59532-l40-und-rtx-6000-ada-generation-sind-die-ersten-profi-karten-der-neuen-generation.html",
          quote: "Am 384 Bit breiten Speicherinterface sind 48 GB ... angebunden",
        },
      ],
      note: "No driver-reported figure in the reference data: the marketed 48 GB taken as GiB of physical memory; the driver reports slightly less.",
    },
    memoryBandwidthGBs: {
      value: 960,
      sources: [
        {
          url: "https://github.com/VladislavDuma/gpu_specs/blob/103f3414c70a935b52b5315fb974f093d966768b/README.md",
          quote: "RTX 6000 Ada ... 960",
        },
        {
          url: "https://www.grafikkarten.com/de/news/nvidia-rtx-6000-grafikkarte-der-ada-generation",
          quote: "384 Bit / 960 GByte/s",
        },
      ],
    },
    tflops: {
      fp16: {
        value: 364,
        sources: [
          {
            url: "https://github.com/VladislavDuma/gpu_specs/blob/103f3414c70a935b52b5315fb974f093d966768b/README.md",
            quote: "RTX 6000 Ada ... BF16 Tensor Core 364 / 728*",
          },
        ],
      },
      bf16: {
        value: 364,
        sources: [
          {
            url: "https://github.com/VladislavDuma/gpu_specs/blob/103f3414c70a935b52b5315fb974f093d966768b/README.md",
            quote: "RTX 6000 Ada ... BF16 Tensor Core 364 / 728*",
          },
        ],
      },
      fp8: {
        value: 728,
        sources: [
          {
            url: "https://github.com/VladislavDuma/gpu_specs/blob/103f3414c70a935b52b5315fb974f093d966768b/README.md",
            quote: "FP8 Tensor Core 728 / 1457*",
          },
        ],
      },
      int8: {
        value: 728,
        sources: [
          {
            url: "https://github.com/VladislavDuma/gpu_specs/blob/103f3414c70a935b52b5315fb974f093d966768b/README.md",
            quote: "INT8 Tensor Core 728 / 1457*",
          },
        ],
      },
      int4: {
        value: 1457,
        sources: [
          {
            url: "https://github.com/VladislavDuma/gpu_specs/blob/103f3414c70a935b52b5315fb974f093d966768b/README.md",
            quote: "INT4 Tensor Core 1457 / 2914*",
          },
        ],
      },
    },
    interconnect: {
      kind: "pcie",
      gen: 4,
      gbsUnidirectional: {
        value: 32,
        sources: [
          {
            url: "https://www.hardwareluxx.de/index.php/news/hardware/grafikkarten/59532-l40-und-rtx-6000-ada-generation-sind-die-ersten-profi-karten-der-neuen-generation.html",
            quote:
              "Es handelt sich um eine PCI-Express-4.0-Karte ... Die bisher verwendete NVLink-Schnittstelle kommt mit den Ada-Lovelace-Karten nicht mehr zum Einsatz",
          },
        ],
        note: "x16 link, per direction (PCIe Gen3 16, Gen4 32, Gen5 64 GB/s)",
      },
    },
    tdpW: {
      value: 300,
      sources: [
        {
          url: "https://www.grafikkarten.com/de/news/nvidia-rtx-6000-grafikkarte-der-ada-generation",
          quote: "Stromverbrauch 300 Watt 450 Watt (RTX 6000 vs RTX 4090)",
        },
        {
          url: "https://www.hardwareluxx.de/index.php/news/hardware/grafikkarten/59532-l40-und-rtx-6000-ada-generation-sind-die-ersten-profi-karten-der-neuen-generation.html",
          quote: "Die TDP soll bei 300 W liegen",
        },
      ],
    },
    prices: [],
    nativeFp8: true,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "rtx-4090",
    aliases: ["4090"],
    name: "NVIDIA GeForce RTX 4090 24GB",
    vendor: "NVIDIA",
    architecture: "Ada Lovelace",
    computeCapability: 8.9,
    memoryMarketed: {
      value: 24,
      unit: "GB",
      sources: [
        {
          url: "https://waredb.com/processor/nvidia-geforce-rtx-4090",
          quote: "24 GB (GDDR6X 384-bit)",
        },
      ],
    },
    memoryBytes: {
      value: 25769803776,
      sources: [
        {
          url: "https://waredb.com/processor/nvidia-geforce-rtx-4090",
          quote: "24 GB (GDDR6X 384-bit)",
        },
      ],
      note: "No driver-reported figure in the reference data: the marketed 24 GB taken as GiB of physical memory; the driver reports slightly less.",
    },
    memoryBandwidthGBs: {
      value: 1008,
      sources: [
        {
          url: "https://waredb.com/processor/nvidia-geforce-rtx-4090",
          quote: "Bandwidth 1008 GB/s",
        },
        {
          url: "https://github.com/VladislavDuma/gpu_specs/blob/103f3414c70a935b52b5315fb974f093d966768b/README.md",
          quote: "RTX 4090 ... 1008",
        },
        {
          url: "https://www.grafikkarten.com/de/news/nvidia-rtx-6000-grafikkarte-der-ada-generation",
          quote: "384 Bit / 1008 GByte/s (RTX 4090 column)",
        },
      ],
      note: "gpu_poor rounds to 1000",
    },
    tflops: {
      fp16: {
        value: 165.15,
        sources: [
          {
            url: "https://waredb.com/processor/nvidia-geforce-rtx-4090",
            quote: "FP16: 165.15 TFLOPS, with sparsity: 330.30 TFLOPS ... BF16: 165.15 TFLOPS",
          },
        ],
        note: "GeForce rate with FP32 accumulate (what FP16/BF16 GEMMs with FP32 accumulation get). vladislavduma-gpu-specs lists 330/660*, which is the FP16-accumulate rate.",
      },
      bf16: {
        value: 165.15,
        sources: [
          {
            url: "https://waredb.com/processor/nvidia-geforce-rtx-4090",
            quote: "FP16: 165.15 TFLOPS, with sparsity: 330.30 TFLOPS ... BF16: 165.15 TFLOPS",
          },
        ],
        note: "GeForce rate with FP32 accumulate (what FP16/BF16 GEMMs with FP32 accumulation get). vladislavduma-gpu-specs lists 330/660*, which is the FP16-accumulate rate.",
      },
      fp8: {
        value: 330.3,
        sources: [
          {
            url: "https://waredb.com/processor/nvidia-geforce-rtx-4090",
            quote: "FP8: 330.30 TFLOPS, with sparsity: 660.60 TFLOPS",
          },
        ],
      },
      int8: {
        value: 660.6,
        sources: [
          {
            url: "https://waredb.com/processor/nvidia-geforce-rtx-4090",
            quote: "INT8: 660.60 TOPS, with sparsity: 1321.21 TOPS",
          },
          {
            url: "https://github.com/VladislavDuma/gpu_specs/blob/103f3414c70a935b52b5315fb974f093d966768b/README.md",
            quote: "INT8 Tensor Core 660 / 1321*",
          },
        ],
      },
      int4: {
        value: 1321.2,
        sources: [
          {
            url: "https://waredb.com/processor/nvidia-geforce-rtx-4090",
            quote: "INT4: 1321.21 TOPS, with sparsity: 2642.41 TOPS",
          },
        ],
      },
    },
    interconnect: {
      kind: "pcie",
      gen: 4,
      gbsUnidirectional: {
        value: 32,
        sources: [],
        note: "x16 link, per direction (PCIe Gen3 16, Gen4 32, Gen5 64 GB/s)",
      },
    },
    tdpW: {
      value: 450,
      sources: [
        {
          url: "https://www.techgoing.com/nvidia-rtx-4090-gaming-graphics-cards-break-100-tflops-for-the-first-time/?amp=1",
          quote: "the TBP power consumption is 450W",
        },
        {
          url: "https://www.grafikkarten.com/de/news/nvidia-rtx-6000-grafikkarte-der-ada-generation",
          quote: "Stromverbrauch ... 450 Watt",
        },
      ],
    },
    prices: [
      {
        provider: "Akash",
        usdPerGpuHour: 0.39,
        basis: "marketplace 'starting at'",
        date: "2026-09-20",
        source: {
          url: "https://github.com/api-evangelist/akash/blob/4301f93c844dd5582b0756ffa1b02541b9ad9787/plans/plans.yml",
          quote: "name: RTX 4090 24GB PCIe price_text: $0.39/hr",
        },
      },
      {
        provider: "OpenRelay",
        usdPerGpuHour: 0.29,
        basis: "on-demand",
        date: "2026-09-20",
        source: {
          url: "https://raw.githubusercontent.com/api-evangelist/openrelay/refs/heads/main/plans/openrelay-plans-pricing.yml",
          quote: "name: RTX 4090 24GB price_text: $0.29 /hr",
        },
      },
    ],
    nativeFp8: true,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "rtx-4080",
    aliases: ["4080"],
    name: "NVIDIA GeForce RTX 4080 16GB",
    vendor: "NVIDIA",
    architecture: "Ada Lovelace",
    computeCapability: 8.9,
    memoryMarketed: {
      value: 16,
      unit: "GB",
      sources: [
        {
          url: "https://cputronic.com/en/gpu/nvidia-geforce-rtx-4080-16-gb",
          quote: "16GB of GDDR6X memory",
        },
      ],
    },
    memoryBytes: {
      value: 17179869184,
      sources: [
        {
          url: "https://cputronic.com/en/gpu/nvidia-geforce-rtx-4080-16-gb",
          quote: "16GB of GDDR6X memory",
        },
      ],
      note: "No driver-reported figure in the reference data: the marketed 16 GB taken as GiB of physical memory; the driver reports slightly less.",
    },
    memoryBandwidthGBs: {
      value: 716,
      sources: [
        {
          url: "https://github.com/RahulSChand/gpu_poor/blob/ad2fc0ef0e6ceeb7684363504eecc3342a5e7dc4/src/gpu_config.json",
          quote: '"rtx-4080": {"bandwidth": 716, "compute": 63.9, "memory": 16}',
        },
      ],
      note: "single low-authority source, rounded (datasheet value commonly 716.8 GB/s)",
    },
    tflops: {
      fp16: {
        value: 97.5,
        sources: [
          {
            url: "https://ser1.dastresanart.com/item?id=38677545",
            quote:
              "195 TFlops for FP16 Tensor with FP16 Accumulate ... with FP32 accumulation the 4080 slows down significantly and gets much closer with 97.5 TFlops",
          },
          {
            url: "https://ctc.archdevil.net/blog/23/674d47808ec559d480fae6d8",
            quote: "RTX 4080 48.7 97.4",
          },
        ],
        note: "FP32-accumulate rate; FP16-accumulate rate 195 per the same comment (citing the Ada whitepaper)",
      },
      bf16: {
        value: 97.5,
        sources: [
          {
            url: "https://ser1.dastresanart.com/item?id=38677545",
            quote:
              "195 TFlops for FP16 Tensor with FP16 Accumulate ... with FP32 accumulation the 4080 slows down significantly and gets much closer with 97.5 TFlops",
          },
          {
            url: "https://ctc.archdevil.net/blog/23/674d47808ec559d480fae6d8",
            quote: "RTX 4080 48.7 97.4",
          },
        ],
        note: "FP32-accumulate rate; FP16-accumulate rate 195 per the same comment (citing the Ada whitepaper)",
      },
    },
    interconnect: {
      kind: "pcie",
      gen: 4,
      gbsUnidirectional: {
        value: 32,
        sources: [
          {
            url: "https://cputronic.com/en/gpu/nvidia-geforce-rtx-4080-16-gb",
            quote: "Bus Interface PCIe 4.0 x16",
          },
        ],
        note: "x16 link, per direction (PCIe Gen3 16, Gen4 32, Gen5 64 GB/s)",
      },
    },
    tdpW: {
      value: 320,
      sources: [
        {
          url: "https://cputronic.com/en/gpu/nvidia-geforce-rtx-4080-16-gb",
          quote: "The TDP of 320W",
        },
      ],
    },
    prices: [
      {
        provider: "Akash",
        usdPerGpuHour: 0.15,
        basis: "marketplace 'starting at'",
        date: "2026-09-20",
        source: {
          url: "https://github.com/api-evangelist/akash/blob/4301f93c844dd5582b0756ffa1b02541b9ad9787/plans/plans.yml",
          quote: "name: RTX 4080 16GB PCIe price_text: $0.15/hr",
        },
      },
    ],
    nativeFp8: true,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "rtx-3090",
    aliases: ["3090"],
    name: "NVIDIA GeForce RTX 3090 24GB",
    vendor: "NVIDIA",
    architecture: "Ampere",
    computeCapability: 8.6,
    memoryMarketed: {
      value: 24,
      unit: "GB",
      sources: [
        {
          url: "https://github.com/RahulSChand/gpu_poor/blob/ad2fc0ef0e6ceeb7684363504eecc3342a5e7dc4/src/gpu_config.json",
          quote: '"rtx-3090": {"bandwidth": 936, "compute": 16.3, "memory": 24}',
        },
        {
          url: "https://github.com/xiaozheyao/triteia",
          quote: "'memory': 24, # in GB",
        },
      ],
    },
    memoryBytes: {
      value: 25318832210,
      sources: [
        {
          url: "https://github.com/vllm-project/vllm/issues/10517",
          quote: "Memory profiling results: total_gpu_memory=23.58GiB",
        },
      ],
      note: "Total memory as torch/vLLM report it (the rounded GiB figure of the log).",
    },
    memoryBandwidthGBs: {
      value: 936,
      sources: [
        {
          url: "https://github.com/RahulSChand/gpu_poor/blob/ad2fc0ef0e6ceeb7684363504eecc3342a5e7dc4/src/gpu_config.json",
          quote: '"bandwidth": 936',
        },
        {
          url: "https://github.com/xiaozheyao/triteia",
          quote: "'bandwidth': 936.2",
        },
      ],
    },
    tflops: {
      fp16: {
        value: 71,
        sources: [
          {
            url: "https://ctc.archdevil.net/blog/23/674d47808ec559d480fae6d8",
            quote: "RTX 3090 35.6 71.2",
          },
        ],
        note: "low-authority; FP32-accumulate GeForce rate (FP16-accumulate rate is 2x). Treat as approximate.",
      },
      bf16: {
        value: 71,
        sources: [
          {
            url: "https://ctc.archdevil.net/blog/23/674d47808ec559d480fae6d8",
            quote: "RTX 3090 35.6 71.2",
          },
        ],
        note: "low-authority; FP32-accumulate GeForce rate (FP16-accumulate rate is 2x). Treat as approximate.",
      },
    },
    interconnect: {
      kind: "pcie",
      gen: 4,
      gbsUnidirectional: {
        value: 32,
        sources: [],
        note: "x16 link, per direction (PCIe Gen3 16, Gen4 32, Gen5 64 GB/s)",
      },
    },
    prices: [
      {
        provider: "Akash",
        usdPerGpuHour: 0.16,
        basis: "marketplace 'starting at'",
        date: "2026-09-20",
        source: {
          url: "https://github.com/api-evangelist/akash/blob/4301f93c844dd5582b0756ffa1b02541b9ad9787/plans/plans.yml",
          quote: "name: RTX 3090 24GB PCIe price_text: $0.16/hr",
        },
      },
      {
        provider: "OpenRelay",
        usdPerGpuHour: 0.18,
        basis: "on-demand",
        date: "2026-09-20",
        source: {
          url: "https://raw.githubusercontent.com/api-evangelist/openrelay/refs/heads/main/plans/openrelay-plans-pricing.yml",
          quote: "name: RTX 3090 24GB price_text: $0.18 /hr",
        },
      },
    ],
    nativeFp8: false,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "t4",
    name: "NVIDIA T4 16GB",
    vendor: "NVIDIA",
    architecture: "Turing",
    computeCapability: 7.5,
    memoryMarketed: {
      value: 16,
      unit: "GB",
      sources: [
        {
          url: "https://raw.githubusercontent.com/rapidsai/deployment/refs/heads/main/source/cloud/aws/index.md",
          quote: "| AWS | G4dn | g4dn\\.12xlarge | 4 | T4 | 16 (GB) |",
        },
        {
          url: "https://sysrqmts.com/en/gpus/nvidia/tesla/t4",
          quote: "Memory size 16 GB",
        },
      ],
    },
    memoryBytes: {
      value: 17179869184,
      sources: [
        {
          url: "https://raw.githubusercontent.com/rapidsai/deployment/refs/heads/main/source/cloud/aws/index.md",
          quote: "| AWS | G4dn | g4dn\\.12xlarge | 4 | T4 | 16 (GB) |",
        },
        {
          url: "https://sysrqmts.com/en/gpus/nvidia/tesla/t4",
          quote: "Memory size 16 GB",
        },
      ],
      note: "No driver-reported figure in the reference data: the marketed 16 GB taken as GiB of physical memory; the driver reports slightly less.",
    },
    memoryBandwidthGBs: {
      value: 320,
      sources: [
        {
          url: "https://sysrqmts.com/en/gpus/nvidia/tesla/t4",
          quote: "Bandwidth 320.0 GB/s",
        },
      ],
    },
    tflops: {
      fp16: {
        value: 65,
        sources: [
          {
            url: "https://networkoutlet.com/blogs/articles/nvidia-tesla-t4-16gb-gpu-specs-performance-use-cases",
            quote: "FP16 Performance | 65 TFLOPS",
          },
          {
            url: "https://sysrqmts.com/en/gpus/nvidia/tesla/t4",
            quote: "FP16 (half) performance 65.13 TFLOPS (8:1)",
          },
        ],
        note: "FP16 mixed-precision tensor rate; Turing has no BF16",
      },
      int8: {
        value: 130,
        sources: [
          {
            url: "https://networkoutlet.com/blogs/articles/nvidia-tesla-t4-16gb-gpu-specs-performance-use-cases",
            quote: "INT8 Performance | 130 TOPS",
          },
          {
            url: "https://github.com/winston-zhang-orz/gpu-specs",
            quote: "INT8 (TOPS) ... T4 130",
          },
        ],
      },
    },
    interconnect: {
      kind: "pcie",
      gen: 3,
      gbsUnidirectional: {
        value: 16,
        sources: [
          {
            url: "https://sysrqmts.com/en/gpus/nvidia/tesla/t4",
            quote: "Interface PCIe 3.0 x16",
          },
        ],
        note: "x16 link, per direction (PCIe Gen3 16, Gen4 32, Gen5 64 GB/s)",
      },
    },
    tdpW: {
      value: 70,
      sources: [
        {
          url: "https://sysrqmts.com/en/gpus/nvidia/tesla/t4",
          quote: "TDP 70 W",
        },
        {
          url: "https://networkoutlet.com/blogs/articles/nvidia-tesla-t4-16gb-gpu-specs-performance-use-cases",
          quote: "Power Consumption | 70W",
        },
      ],
    },
    prices: [
      {
        provider: "Akash",
        usdPerGpuHour: 0.15,
        basis: "marketplace 'starting at'",
        date: "2026-09-20",
        source: {
          url: "https://github.com/api-evangelist/akash/blob/4301f93c844dd5582b0756ffa1b02541b9ad9787/plans/plans.yml",
          quote: "name: T4 16GB PCIe price_text: $0.15/hr",
        },
      },
    ],
    nativeFp8: false,
    nativeFp4: false,
    bf16: false,
  },
  {
    id: "v100",
    aliases: ["v100-32g"],
    name: "NVIDIA V100 SXM2 32GB",
    vendor: "NVIDIA",
    architecture: "Volta",
    computeCapability: 7.0,
    memoryMarketed: {
      value: 32,
      unit: "GB",
      sources: [
        {
          url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
          quote: "v100-sxm-32gb.json: mem_per_GPU_in_GB: 32",
        },
      ],
    },
    memoryBytes: {
      value: 34359738368,
      sources: [
        {
          url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
          quote: "v100-sxm-32gb.json: mem_per_GPU_in_GB: 32",
        },
      ],
      note: "No driver-reported figure in the reference data: the marketed 32 GB taken as GiB of physical memory; the driver reports slightly less.",
    },
    memoryBandwidthGBs: {
      value: 900,
      sources: [
        {
          url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
          quote: "hbm_bandwidth_in_GB_per_sec: 900",
        },
        {
          url: "https://github.com/hahnyuan/LLM-Viewer/blob/472f71f1a1807e80b573252e9185fd5e8d795e95/hardwares/hardware_params.py",
          quote: '"nvidia_V100": {"bandwidth": 900e9',
        },
      ],
    },
    tflops: {
      fp16: {
        value: 125,
        sources: [
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "v100-sxm-32gb.json: peak_fp16_TFLOPS: 125",
          },
          {
            url: "https://github.com/winston-zhang-orz/gpu-specs",
            quote: "FP16 Tensor Core (TFLOPS) ... V100 PCIe 112 | V100 SXM2 125",
          },
        ],
        note: "FP16 tensor only (no BF16 on Volta); V100 PCIe: 112 TFLOPS",
      },
    },
    interconnect: {
      kind: "nvlink",
      gen: 2,
      gbsUnidirectional: {
        value: 150,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| NVLink 2 | 3.125 | 8 | 6 | 150 | 300 | V100 |",
          },
          {
            url: "https://github.com/cli99/llm-analysis/tree/d841e40aec8c84b9e76ba9cfbce67418adb172bd",
            quote: "v100-sxm-32gb.json: intra_node_bandwidth_in_GB_per_sec: 150",
          },
        ],
      },
    },
    prices: [
      {
        provider: "Akash",
        usdPerGpuHour: 0.17,
        basis: "marketplace 'starting at'",
        date: "2026-09-20",
        source: {
          url: "https://github.com/api-evangelist/akash/blob/4301f93c844dd5582b0756ffa1b02541b9ad9787/plans/plans.yml",
          quote: "name: V100 32GB PCIe price_text: $0.17/hr",
        },
      },
      {
        provider: "Lambda",
        usdPerGpuHour: 0.79,
        basis: "on-demand, per GPU",
        date: "2026-09-20",
        source: {
          url: "https://github.com/api-evangelist/lambda-labs/blob/1929382e7f9b4777d980aec12b6fc9e04e6718cb/plans/lambda-labs-plans-pricing.yml",
          quote: "name: 8x NVIDIA Tesla V100 price_text: $0.79 ... included_quota: 16 GB VRAM/GPU",
        },
      },
    ],
    nativeFp8: false,
    nativeFp4: false,
    bf16: false,
  },
  {
    id: "b200",
    name: "NVIDIA B200 (HGX/DGX B200, per GPU)",
    vendor: "NVIDIA",
    architecture: "Blackwell",
    computeCapability: 10.0,
    memoryMarketed: {
      value: 180,
      unit: "GB",
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| NVIDIA B200 SXM | 180 | HBM3e | 8.00 |",
        },
        {
          url: "https://github.com/mlcommons/inference_results_v4.1/tree/a2f5d66d17e8f75c02fd74dfe810ecca6a046696 (logs/configs); README commits vary",
          quote: "B200 README: accelerator_memory_capacity | 180 GB",
        },
      ],
    },
    memoryBytes: {
      value: 193273528320,
      sources: [
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "b200_sxm.yaml: mem_capacity: 193273528320 # 180GiB",
        },
      ],
      note: "Capacity as the cited system file models it; the driver may report a little less.",
    },
    memoryBandwidthGBs: {
      value: 8000,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "NVIDIA B200 SXM | 180 | HBM3e | 8.00",
        },
      ],
      note: "CONFLICT: aiconfigurator b200_sxm.yaml uses mem_bw: 7700000000000 # 7.7TB/s",
    },
    tflops: {
      fp16: {
        value: 2250,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "bfloat16_tc_flops: 2250000000000000 # 2250TFLOPS",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| NVIDIA B200 SXM | 80.0 | 1125.0 | 2250 | 2250 | 4500 | 4500 | 4500 | 9000 | 10000 |",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: "B300/B200 -> 2.25e15",
          },
        ],
      },
      bf16: {
        value: 2250,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "bfloat16_tc_flops: 2250000000000000 # 2250TFLOPS",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| NVIDIA B200 SXM | 80.0 | 1125.0 | 2250 | 2250 | 4500 | 4500 | 4500 | 9000 | 10000 |",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: "B300/B200 -> 2.25e15",
          },
        ],
      },
      fp8: {
        value: 4500,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "fp8_tc_flops: 4500000000000000",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "B200 fp8 4500",
          },
        ],
      },
      int8: {
        value: 4500,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "int8_tc_flops: 4500000000000000",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "B200 int8 4500",
          },
        ],
      },
    },
    interconnect: {
      kind: "nvlink",
      gen: 5,
      gbsUnidirectional: {
        value: 900,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "intra_node_bw: 900000000000 # Byte/s per gpu, single direction",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| NVIDIA NVLink 5 | B200, B* | 900.0 |",
          },
        ],
      },
    },
    tdpW: {
      value: 1000,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| NVIDIA B200 SXM | 1000 | maximum TGP |",
        },
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "power: 1000",
        },
        {
          url: "https://github.com/mlcommons/inference_results_v4.1/tree/a2f5d66d17e8f75c02fd74dfe810ecca6a046696 (logs/configs); README commits vary",
          quote: "B200 README hw_notes: B200 TGP 1000W",
        },
      ],
    },
    prices: [
      {
        provider: "Lambda",
        usdPerGpuHour: 6.69,
        basis: "on-demand, per GPU",
        date: "2026-09-20",
        source: {
          url: "https://github.com/api-evangelist/lambda-labs/blob/1929382e7f9b4777d980aec12b6fc9e04e6718cb/plans/lambda-labs-plans-pricing.yml",
          quote: "name: 8x NVIDIA B200 SXM6 price_text: $6.69",
        },
      },
      {
        provider: "Hyperstack",
        usdPerGpuHour: 6.0,
        basis: "on-demand",
        date: "2026-08-26",
        source: {
          url: "https://github.com/api-evangelist/nexgen-cloud/blob/0fa0509ef79e8b096a7dd124750e4fc508c61fa0/plans/nexgen-cloud-plans-pricing.yml",
          quote: "resource: NVIDIA B200 vram_gb: 192 ... price_per_hour: 6.00",
        },
      },
      {
        provider: "Akash",
        usdPerGpuHour: 5.0,
        basis: "marketplace 'starting at'",
        date: "2026-09-20",
        source: {
          url: "https://github.com/api-evangelist/akash/blob/4301f93c844dd5582b0756ffa1b02541b9ad9787/plans/plans.yml",
          quote: "name: B200 180GB HBM3e price_text: $5.00/hr",
        },
      },
    ],
    nativeFp8: true,
    nativeFp4: true,
    bf16: true,
  },
  {
    id: "gb200",
    name: "NVIDIA GB200 (per Blackwell GPU in GB200 NVL72)",
    vendor: "NVIDIA",
    architecture: "Blackwell",
    computeCapability: 10.0,
    memoryMarketed: {
      value: 186,
      unit: "GB",
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| NVIDIA GB200 SXM | 186 | HBM3e | 8.00 |",
        },
      ],
    },
    memoryBytes: {
      value: 198674743296,
      sources: [
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "gb200.yaml: mem_capacity: 198674743296 # 189471MiB reported by nvidia-smi",
        },
      ],
      note: "Capacity as the cited system file models it; the driver may report a little less.",
    },
    memoryBandwidthGBs: {
      value: 8000,
      sources: [
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "mem_bw: 8000000000000 # 8TB/s",
        },
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "GB200 SXM ... 8.00",
        },
      ],
    },
    tflops: {
      fp16: {
        value: 2500,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "bfloat16_tc_flops: 2500000000000000 # 2500TFLOPS",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| NVIDIA GB200 SXM | 80.0 | 1250.0 | 2500 | 2500 | 5000 | 5000 | 5000 | 10000 |",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: "BF16 dense per GPU: 2,500 TFLOPS (half of 5,000 TFLOPS with sparsity)",
          },
        ],
      },
      bf16: {
        value: 2500,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "bfloat16_tc_flops: 2500000000000000 # 2500TFLOPS",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| NVIDIA GB200 SXM | 80.0 | 1250.0 | 2500 | 2500 | 5000 | 5000 | 5000 | 10000 |",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: "BF16 dense per GPU: 2,500 TFLOPS (half of 5,000 TFLOPS with sparsity)",
          },
        ],
      },
      fp8: {
        value: 5000,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "fp8_tc_flops: 5000000000000000",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "GB200 fp8 5000",
          },
        ],
      },
      int8: {
        value: 5000,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "int8_tc_flops: 5000000000000000",
          },
        ],
      },
    },
    interconnect: {
      kind: "nvlink",
      gen: 5,
      gbsUnidirectional: {
        value: 900,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "inter_node_bw: 900000000000 # ... NVLink via NVSwitch within rack",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "NVLink 5 | B200, B* | 900.0",
          },
        ],
      },
    },
    tdpW: {
      value: 1200,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| NVIDIA GB200 SXM | 1200 | per-GPU maximum power |",
        },
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "power: 1200",
        },
      ],
    },
    prices: [],
    nativeFp8: true,
    nativeFp4: true,
    bf16: true,
  },
  {
    id: "rtx-pro-6000",
    aliases: ["rtx-pro-6000-blackwell"],
    name: "NVIDIA RTX PRO 6000 Blackwell Server Edition 96GB",
    vendor: "NVIDIA",
    architecture: "Blackwell (GB202)",
    computeCapability: 12.0,
    memoryMarketed: {
      value: 96,
      unit: "GB",
      sources: [
        {
          url: "https://github.com/api-evangelist/nexgen-cloud/blob/0fa0509ef79e8b096a7dd124750e4fc508c61fa0/plans/nexgen-cloud-plans-pricing.yml",
          quote: "resource: NVIDIA RTX Pro 6000 SE vram_gb: 96",
        },
      ],
    },
    memoryBytes: {
      value: 102641958912,
      sources: [
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "rtx_pro_6000_server.yaml: mem_capacity: 102641958912 # 97887 MiB reported by nvidia-smi",
        },
      ],
      note: "Capacity as the cited system file models it; the driver may report a little less.",
    },
    memoryBandwidthGBs: {
      value: 1792,
      sources: [
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "mem_bw: 1792000000000 # 1.792 TB/s GDDR7",
        },
      ],
    },
    tflops: {
      fp16: {
        value: 467.8,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "bfloat16_tc_flops: 467800534963698 # 467.8 TFLOPS dense, scaled to 2430 MHz",
          },
        ],
        note: "aiconfigurator scaled spec ratios to the observed 2430 MHz max SM clock",
      },
      bf16: {
        value: 467.8,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "bfloat16_tc_flops: 467800534963698 # 467.8 TFLOPS dense, scaled to 2430 MHz",
          },
        ],
        note: "aiconfigurator scaled spec ratios to the observed 2430 MHz max SM clock",
      },
      fp8: {
        value: 935.6,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "fp8_tc_flops: 935601069927397 # 935.6 TFLOPS dense, scaled to 2430 MHz",
          },
        ],
      },
      int8: {
        value: 935.6,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "int8_tc_flops: 935601069927397",
          },
        ],
      },
    },
    interconnect: {
      kind: "pcie",
      gen: 5,
      gbsUnidirectional: {
        value: 64,
        sources: [
          {
            url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
            quote: "intra_node_bw: 64000000000 # Byte/s per GPU, single direction, PCIe Gen5 x16",
          },
        ],
        note: "x16 link, per direction (PCIe Gen3 16, Gen4 32, Gen5 64 GB/s)",
      },
    },
    tdpW: {
      value: 600,
      sources: [
        {
          url: "https://github.com/ai-dynamo/aiconfigurator/tree/095f58a51c4ca8e61b66ec108d86f223f8d559ce",
          quote: "power: 600 # Watt",
        },
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| NVIDIA RTX PRO 6000 | 600 | maximum power consumption | 13; configurable |",
        },
      ],
    },
    prices: [
      {
        provider: "Hyperstack",
        usdPerGpuHour: 1.85,
        basis: "on-demand",
        date: "2026-08-26",
        source: {
          url: "https://github.com/api-evangelist/nexgen-cloud/blob/0fa0509ef79e8b096a7dd124750e4fc508c61fa0/plans/nexgen-cloud-plans-pricing.yml",
          quote: "resource: NVIDIA RTX Pro 6000 SE vram_gb: 96 price_per_hour: 1.85",
        },
      },
    ],
    nativeFp8: true,
    nativeFp4: true,
    bf16: true,
  },
  {
    id: "mi300x",
    name: "AMD Instinct MI300X 192GB",
    vendor: "AMD",
    architecture: "CDNA 3",
    memoryMarketed: {
      value: 192,
      unit: "GB",
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| AMD MI300X | 192 | HBM3 | 5.30 |",
        },
        {
          url: "https://github.com/mlcommons/inference_results_v4.1/tree/a2f5d66d17e8f75c02fd74dfe810ecca6a046696 (logs/configs); README commits vary",
          quote:
            "AMD README: accelerator_memory_capacity | 192 GB; accelerator_model_name AMD Instinct MI300X-NPS1-SPX-192GB-750W",
        },
      ],
    },
    memoryBytes: {
      value: 206158430208,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| AMD MI300X | 192 | HBM3 | 5.30 |",
        },
        {
          url: "https://github.com/mlcommons/inference_results_v4.1/tree/a2f5d66d17e8f75c02fd74dfe810ecca6a046696 (logs/configs); README commits vary",
          quote:
            "AMD README: accelerator_memory_capacity | 192 GB; accelerator_model_name AMD Instinct MI300X-NPS1-SPX-192GB-750W",
        },
      ],
      note: "No driver-reported figure in the reference data: the marketed 192 GB taken as GiB of physical memory; the driver reports slightly less.",
    },
    memoryBandwidthGBs: {
      value: 5300,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "AMD MI300X | 192 | HBM3 | 5.30",
        },
      ],
    },
    tflops: {
      fp16: {
        value: 1307.4,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote:
              "`2100*10**6 * 256 * 2 * 1216 / 10**12 = 1307.4` TFLOPS - matches the published spec, even though most of the time you will see the rounded down `1300`",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: "MI300X/MI325X -> 1300e12",
          },
        ],
        note: "table value 1300",
      },
      bf16: {
        value: 1307.4,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote:
              "`2100*10**6 * 256 * 2 * 1216 / 10**12 = 1307.4` TFLOPS - matches the published spec, even though most of the time you will see the rounded down `1300`",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: "MI300X/MI325X -> 1300e12",
          },
        ],
        note: "table value 1300",
      },
      fp8: {
        value: 2610,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| AMD MI300X | 163.4 | 653.7 | 1300 | 1300 | 2610 | 2600 |",
          },
        ],
      },
      int8: {
        value: 2600,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "AMD MI300X int8 2600",
          },
        ],
      },
    },
    interconnect: {
      kind: "infinity-fabric",
      gbsUnidirectional: {
        value: 448,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| AMD XGMI | MI300X | 448.0 |",
          },
        ],
      },
    },
    tdpW: {
      value: 750,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| AMD MI300X | 750 | Typical Board Power | 8; peak |",
        },
        {
          url: "https://github.com/mlcommons/inference_results_v4.1/tree/a2f5d66d17e8f75c02fd74dfe810ecca6a046696 (logs/configs); README commits vary",
          quote: "MI300X-NPS1-SPX-192GB-750W",
        },
      ],
    },
    prices: [],
    nativeFp8: true,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "mi325x",
    name: "AMD Instinct MI325X 256GB",
    vendor: "AMD",
    architecture: "CDNA 3",
    memoryMarketed: {
      value: 256,
      unit: "GB",
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| AMD MI325X | 256 | HBM3e | 6.00 |",
        },
      ],
    },
    memoryBytes: {
      value: 274877906944,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| AMD MI325X | 256 | HBM3e | 6.00 |",
        },
      ],
      note: "No driver-reported figure in the reference data: the marketed 256 GB taken as GiB of physical memory; the driver reports slightly less.",
    },
    memoryBandwidthGBs: {
      value: 6000,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "AMD MI325X | 256 | HBM3e | 6.00",
        },
      ],
    },
    tflops: {
      fp16: {
        value: 1300,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| AMD MI325X | 163.4 | 653.7 | 1300 | 1300 | 2610 | 2600 |",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: "MI300X/MI325X -> 1300e12",
          },
        ],
      },
      bf16: {
        value: 1300,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| AMD MI325X | 163.4 | 653.7 | 1300 | 1300 | 2610 | 2600 |",
          },
          {
            url: "https://github.com/pytorch/torchtitan/blob/b5bcd76c66d0acb1a08b176d9639425bc55e0b2a/torchtitan/tools/utils.py::get_peak_flops",
            quote: "MI300X/MI325X -> 1300e12",
          },
        ],
      },
      fp8: {
        value: 2610,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "MI325X fp8 2610",
          },
        ],
      },
      int8: {
        value: 2600,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "MI325X int8 2600",
          },
        ],
      },
    },
    interconnect: {
      kind: "infinity-fabric",
      gbsUnidirectional: {
        value: 448,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| AMD XGMI | MI325X | 448.0 |",
          },
        ],
      },
    },
    tdpW: {
      value: 1000,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| AMD MI325X | 1000 | Typical Board Power | 3; peak |",
        },
      ],
    },
    prices: [],
    nativeFp8: true,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "gaudi2",
    name: "Intel Gaudi 2 96GB",
    vendor: "Intel",
    architecture: "Gaudi2",
    memoryMarketed: {
      value: 96,
      unit: "GB",
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| Intel Gaudi2 | 96 | HBM2e | 2.46 |",
        },
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "96GiB HBM2E memory on board w/2.45TBps bandwidth per chip",
        },
      ],
    },
    memoryBytes: {
      value: 103079215104,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| Intel Gaudi2 | 96 | HBM2e | 2.46 |",
        },
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "96GiB HBM2E memory on board w/2.45TBps bandwidth per chip",
        },
      ],
      note: "No driver-reported figure in the reference data: the marketed 96 GB taken as GiB of physical memory; the driver reports slightly less.",
    },
    memoryBandwidthGBs: {
      value: 2460,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "Intel Gaudi2 | 96 | HBM2e | 2.46",
        },
      ],
      note: "text elsewhere in same doc says 2.45TBps",
    },
    tflops: {
      fp16: {
        value: 432,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| Intel Gaudi2 | V | V | V | 432 | 865 | V |",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote:
              "Gaudi 2: `1650*10**6 * 256*256 * 2 * 2 / 10**12 = 432.5` TFLOPS - matches the published spec",
          },
        ],
        note: "BF16 MME; fp16 marked 'V' (supported, no figure)",
      },
      bf16: {
        value: 432,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| Intel Gaudi2 | V | V | V | 432 | 865 | V |",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote:
              "Gaudi 2: `1650*10**6 * 256*256 * 2 * 2 / 10**12 = 432.5` TFLOPS - matches the published spec",
          },
        ],
        note: "BF16 MME; fp16 marked 'V' (supported, no figure)",
      },
      fp8: {
        value: 865,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "Intel Gaudi2 fp8 865",
          },
        ],
      },
    },
    interconnect: {
      kind: "scale-out-ethernet",
      gbsUnidirectional: {
        value: 300,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| Intel | Gaudi2 | 300.0 |",
          },
        ],
      },
    },
    tdpW: {
      value: 600,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| Intel Gaudi2 | 600 | TDP |",
        },
      ],
    },
    prices: [],
    nativeFp8: true,
    nativeFp4: false,
    bf16: true,
  },
  {
    id: "gaudi3",
    name: "Intel Gaudi 3 128GB",
    vendor: "Intel",
    architecture: "Gaudi3",
    memoryMarketed: {
      value: 128,
      unit: "GB",
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| Intel Gaudi3 | 128 | HBM2e | 3.70 |",
        },
      ],
    },
    memoryBytes: {
      value: 137438953472,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| Intel Gaudi3 | 128 | HBM2e | 3.70 |",
        },
      ],
      note: "No driver-reported figure in the reference data: the marketed 128 GB taken as GiB of physical memory; the driver reports slightly less.",
    },
    memoryBandwidthGBs: {
      value: 3700,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "Intel Gaudi3 | 128 | HBM2e | 3.70",
        },
      ],
    },
    tflops: {
      fp16: {
        value: 1677,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| Intel Gaudi3 | 229.0 | 459.0 | 459 | 1677 | 1677 |",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote:
              "Gaudi3 as of 2026-08 is running at 1600MHz (MME) and not the planned 1750MHz, therefore its BF16 TFLOPS are 1677 and not 1835 as per whitepaper spec",
          },
        ],
        note: "BF16 MME; FP16 listed separately as 459; whitepaper BF16 spec is 1835",
      },
      bf16: {
        value: 1677,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| Intel Gaudi3 | 229.0 | 459.0 | 459 | 1677 | 1677 |",
          },
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote:
              "Gaudi3 as of 2026-08 is running at 1600MHz (MME) and not the planned 1750MHz, therefore its BF16 TFLOPS are 1677 and not 1835 as per whitepaper spec",
          },
        ],
        note: "BF16 MME; FP16 listed separately as 459; whitepaper BF16 spec is 1835",
      },
      fp8: {
        value: 1677,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "Same goes for fp8 which runs at the same TFLOPS as BF16.",
          },
        ],
      },
    },
    interconnect: {
      kind: "scale-out-ethernet",
      gbsUnidirectional: {
        value: 600,
        sources: [
          {
            url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
            quote: "| Intel | Gaudi3 | 600.0 |",
          },
        ],
      },
    },
    tdpW: {
      value: 900,
      sources: [
        {
          url: "https://github.com/stas00/ml-engineering/tree/744d01e18b79512572f64a6bbd8b5f4a725203a7",
          quote: "| Intel Gaudi3 | 900 | TDP |",
        },
      ],
    },
    prices: [],
    nativeFp8: true,
    nativeFp4: false,
    bf16: true,
  },
];
