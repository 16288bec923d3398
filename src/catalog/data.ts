/**
 * The catalog's data files, imported one by one so that esbuild bundles them into the CLI (no file is
 * read at start-up). The order here is the order of `llmdeploy gpus`, `llmdeploy models` and of the
 * GPUs `estimate` lists. A new file in data/ must be added here: `npm run build` and
 * test/unit/catalog.test.ts fail while a file on disk is not imported here, or an import has no file.
 *
 * The JSON is trusted as it is at run time: the build and the unit tests have parsed every file through
 * the zod schemas of schema.ts, so the casts below hold (no parsing cost at start).
 */
import type { DeviceEntry, ModelEntry } from "./types.js";

// GPUs, then CPU hosts ("kind": "cpu").
import d_h200 from "../../data/devices/h200.json" with { type: "json" };
import d_h100_sxm from "../../data/devices/h100-sxm.json" with { type: "json" };
import d_h100_pcie from "../../data/devices/h100-pcie.json" with { type: "json" };
import d_h100_nvl from "../../data/devices/h100-nvl.json" with { type: "json" };
import d_h20 from "../../data/devices/h20.json" with { type: "json" };
import d_h20_141g from "../../data/devices/h20-141g.json" with { type: "json" };
import d_a100_80g from "../../data/devices/a100-80g.json" with { type: "json" };
import d_a100_40g from "../../data/devices/a100-40g.json" with { type: "json" };
import d_l40s from "../../data/devices/l40s.json" with { type: "json" };
import d_l40 from "../../data/devices/l40.json" with { type: "json" };
import d_l20 from "../../data/devices/l20.json" with { type: "json" };
import d_l4 from "../../data/devices/l4.json" with { type: "json" };
import d_a10g from "../../data/devices/a10g.json" with { type: "json" };
import d_a10 from "../../data/devices/a10.json" with { type: "json" };
import d_rtx_a6000 from "../../data/devices/rtx-a6000.json" with { type: "json" };
import d_rtx_6000_ada from "../../data/devices/rtx-6000-ada.json" with { type: "json" };
import d_rtx_5090 from "../../data/devices/rtx-5090.json" with { type: "json" };
import d_rtx_4090 from "../../data/devices/rtx-4090.json" with { type: "json" };
import d_rtx_4080 from "../../data/devices/rtx-4080.json" with { type: "json" };
import d_rtx_3090 from "../../data/devices/rtx-3090.json" with { type: "json" };
import d_t4 from "../../data/devices/t4.json" with { type: "json" };
import d_v100 from "../../data/devices/v100.json" with { type: "json" };
import d_b200 from "../../data/devices/b200.json" with { type: "json" };
import d_b300 from "../../data/devices/b300.json" with { type: "json" };
import d_gb200 from "../../data/devices/gb200.json" with { type: "json" };
import d_rtx_pro_6000 from "../../data/devices/rtx-pro-6000.json" with { type: "json" };
import d_mi300x from "../../data/devices/mi300x.json" with { type: "json" };
import d_mi325x from "../../data/devices/mi325x.json" with { type: "json" };
import d_mi355x from "../../data/devices/mi355x.json" with { type: "json" };
import d_gaudi2 from "../../data/devices/gaudi2.json" with { type: "json" };
import d_gaudi3 from "../../data/devices/gaudi3.json" with { type: "json" };
import d_epyc_9554 from "../../data/devices/epyc-9554.json" with { type: "json" };

import m_llama_2_7b from "../../data/models/llama-2-7b.json" with { type: "json" };
import m_llama_2_13b from "../../data/models/llama-2-13b.json" with { type: "json" };
import m_llama_2_70b from "../../data/models/llama-2-70b.json" with { type: "json" };
import m_llama_3_1_8b from "../../data/models/llama-3.1-8b.json" with { type: "json" };
import m_llama_3_1_70b from "../../data/models/llama-3.1-70b.json" with { type: "json" };
import m_llama_3_1_405b from "../../data/models/llama-3.1-405b.json" with { type: "json" };
import m_llama_3_2_1b from "../../data/models/llama-3.2-1b.json" with { type: "json" };
import m_llama_3_2_3b from "../../data/models/llama-3.2-3b.json" with { type: "json" };
import m_llama_3_3_70b from "../../data/models/llama-3.3-70b.json" with { type: "json" };
import m_mistral_7b_v0_3 from "../../data/models/mistral-7b-v0.3.json" with { type: "json" };
import m_mistral_small_24b from "../../data/models/mistral-small-24b.json" with { type: "json" };
import m_mixtral_8x7b from "../../data/models/mixtral-8x7b.json" with { type: "json" };
import m_mixtral_8x22b from "../../data/models/mixtral-8x22b.json" with { type: "json" };
import m_yi_34b from "../../data/models/yi-34b.json" with { type: "json" };
import m_falcon_7b from "../../data/models/falcon-7b.json" with { type: "json" };
import m_baichuan2_7b from "../../data/models/baichuan2-7b.json" with { type: "json" };
import m_baichuan2_13b from "../../data/models/baichuan2-13b.json" with { type: "json" };
import m_chatglm3_6b from "../../data/models/chatglm3-6b.json" with { type: "json" };
import m_qwen2_5_0_5b from "../../data/models/qwen2.5-0.5b.json" with { type: "json" };
import m_qwen2_5_1_5b from "../../data/models/qwen2.5-1.5b.json" with { type: "json" };
import m_qwen2_5_3b from "../../data/models/qwen2.5-3b.json" with { type: "json" };
import m_qwen2_5_7b from "../../data/models/qwen2.5-7b.json" with { type: "json" };
import m_qwen2_5_14b from "../../data/models/qwen2.5-14b.json" with { type: "json" };
import m_qwen2_5_32b from "../../data/models/qwen2.5-32b.json" with { type: "json" };
import m_qwen2_5_72b from "../../data/models/qwen2.5-72b.json" with { type: "json" };
import m_qwen3_4b from "../../data/models/qwen3-4b.json" with { type: "json" };
import m_qwen3_8b from "../../data/models/qwen3-8b.json" with { type: "json" };
import m_qwen3_14b from "../../data/models/qwen3-14b.json" with { type: "json" };
import m_qwen3_32b from "../../data/models/qwen3-32b.json" with { type: "json" };
import m_qwen3_30b_a3b from "../../data/models/qwen3-30b-a3b.json" with { type: "json" };
import m_qwen3_235b_a22b from "../../data/models/qwen3-235b-a22b.json" with { type: "json" };
import m_gemma_2_2b from "../../data/models/gemma-2-2b.json" with { type: "json" };
import m_gemma_2_9b from "../../data/models/gemma-2-9b.json" with { type: "json" };
import m_gemma_2_27b from "../../data/models/gemma-2-27b.json" with { type: "json" };
import m_gemma_3_1b from "../../data/models/gemma-3-1b.json" with { type: "json" };
import m_gemma_3_27b from "../../data/models/gemma-3-27b.json" with { type: "json" };
import m_phi_3_mini from "../../data/models/phi-3-mini.json" with { type: "json" };
import m_phi_3_medium from "../../data/models/phi-3-medium.json" with { type: "json" };
import m_phi_4 from "../../data/models/phi-4.json" with { type: "json" };
import m_deepseek_v2_lite from "../../data/models/deepseek-v2-lite.json" with { type: "json" };
import m_deepseek_v3 from "../../data/models/deepseek-v3.json" with { type: "json" };
import m_deepseek_r1 from "../../data/models/deepseek-r1.json" with { type: "json" };
import m_gpt_oss_20b from "../../data/models/gpt-oss-20b.json" with { type: "json" };
import m_gpt_oss_120b from "../../data/models/gpt-oss-120b.json" with { type: "json" };
// 2025-2026: hybrid linear attention, sparse attention, chunked attention, vision towers.
import m_qwen3_next_80b_a3b from "../../data/models/qwen3-next-80b-a3b.json" with { type: "json" };
import m_qwen3_5_27b from "../../data/models/qwen3.5-27b.json" with { type: "json" };
import m_qwen3_5_35b_a3b from "../../data/models/qwen3.5-35b-a3b.json" with { type: "json" };
import m_qwen3_5_122b_a10b from "../../data/models/qwen3.5-122b-a10b.json" with { type: "json" };
import m_qwen3_5_397b_a17b from "../../data/models/qwen3.5-397b-a17b.json" with { type: "json" };
import m_qwen3_6_27b from "../../data/models/qwen3.6-27b.json" with { type: "json" };
import m_qwen3_6_35b_a3b from "../../data/models/qwen3.6-35b-a3b.json" with { type: "json" };
import m_qwen3_vl_8b from "../../data/models/qwen3-vl-8b.json" with { type: "json" };
import m_qwen3_vl_30b_a3b from "../../data/models/qwen3-vl-30b-a3b.json" with { type: "json" };
import m_deepseek_v3_1 from "../../data/models/deepseek-v3.1.json" with { type: "json" };
import m_deepseek_v3_2 from "../../data/models/deepseek-v3.2.json" with { type: "json" };
import m_kimi_k2_instruct from "../../data/models/kimi-k2-instruct.json" with { type: "json" };
import m_glm_4_5 from "../../data/models/glm-4.5.json" with { type: "json" };
import m_glm_4_5_air from "../../data/models/glm-4.5-air.json" with { type: "json" };
import m_glm_4_6 from "../../data/models/glm-4.6.json" with { type: "json" };
import m_minimax_m2 from "../../data/models/minimax-m2.json" with { type: "json" };
import m_llama_4_scout from "../../data/models/llama-4-scout.json" with { type: "json" };
import m_llama_4_maverick from "../../data/models/llama-4-maverick.json" with { type: "json" };
import m_mistral_small_3_2_24b from "../../data/models/mistral-small-3.2-24b.json" with { type: "json" };
import m_nemotron_nano_9b_v2 from "../../data/models/nemotron-nano-9b-v2.json" with { type: "json" };
import m_granite_4_0_h_small from "../../data/models/granite-4.0-h-small.json" with { type: "json" };
import sizeAliasesJson from "../../data/models/aliases.json" with { type: "json" };

/** Every device file: GPUs and CPU hosts, in display order. */
export const deviceData = [
  d_h200,
  d_h100_sxm,
  d_h100_pcie,
  d_h100_nvl,
  d_h20,
  d_h20_141g,
  d_a100_80g,
  d_a100_40g,
  d_l40s,
  d_l40,
  d_l20,
  d_l4,
  d_a10g,
  d_a10,
  d_rtx_a6000,
  d_rtx_6000_ada,
  d_rtx_5090,
  d_rtx_4090,
  d_rtx_4080,
  d_rtx_3090,
  d_t4,
  d_v100,
  d_b200,
  d_b300,
  d_gb200,
  d_rtx_pro_6000,
  d_mi300x,
  d_mi325x,
  d_mi355x,
  d_gaudi2,
  d_gaudi3,
  d_epyc_9554,
] as unknown as readonly DeviceEntry[];

/** Every model file, in display order. */
export const modelData = [
  m_llama_2_7b,
  m_llama_2_13b,
  m_llama_2_70b,
  m_llama_3_1_8b,
  m_llama_3_1_70b,
  m_llama_3_1_405b,
  m_llama_3_2_1b,
  m_llama_3_2_3b,
  m_llama_3_3_70b,
  m_mistral_7b_v0_3,
  m_mistral_small_24b,
  m_mixtral_8x7b,
  m_mixtral_8x22b,
  m_yi_34b,
  m_falcon_7b,
  m_baichuan2_7b,
  m_baichuan2_13b,
  m_chatglm3_6b,
  m_qwen2_5_0_5b,
  m_qwen2_5_1_5b,
  m_qwen2_5_3b,
  m_qwen2_5_7b,
  m_qwen2_5_14b,
  m_qwen2_5_32b,
  m_qwen2_5_72b,
  m_qwen3_4b,
  m_qwen3_8b,
  m_qwen3_14b,
  m_qwen3_32b,
  m_qwen3_30b_a3b,
  m_qwen3_235b_a22b,
  m_gemma_2_2b,
  m_gemma_2_9b,
  m_gemma_2_27b,
  m_gemma_3_1b,
  m_gemma_3_27b,
  m_phi_3_mini,
  m_phi_3_medium,
  m_phi_4,
  m_deepseek_v2_lite,
  m_deepseek_v3,
  m_deepseek_r1,
  m_gpt_oss_20b,
  m_gpt_oss_120b,
  m_qwen3_next_80b_a3b,
  m_qwen3_5_27b,
  m_qwen3_5_35b_a3b,
  m_qwen3_5_122b_a10b,
  m_qwen3_5_397b_a17b,
  m_qwen3_6_27b,
  m_qwen3_6_35b_a3b,
  m_qwen3_vl_8b,
  m_qwen3_vl_30b_a3b,
  m_deepseek_v3_1,
  m_deepseek_v3_2,
  m_kimi_k2_instruct,
  m_glm_4_5,
  m_glm_4_5_air,
  m_glm_4_6,
  m_minimax_m2,
  m_llama_4_scout,
  m_llama_4_maverick,
  m_mistral_small_3_2_24b,
  m_nemotron_nano_9b_v2,
  m_granite_4_0_h_small,
] as unknown as readonly ModelEntry[];

/** Size aliases: what `llmdeploy estimate 70b` means (data/models/aliases.json). */
export const sizeAliasData: Readonly<Record<string, string>> = sizeAliasesJson;
