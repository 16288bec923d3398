import re, sys
# Regenerates src/catalog/gpu-data.ts from the shared, sourced reference data:
#   python3 scripts/build-gpu-catalog.py ../shared/reference/gpus.json
import json
d = json.load(open(sys.argv[1] if len(sys.argv) > 1 else '../shared/reference/gpus.json'))
S = d['sources']
def url(ref):
    s = S.get(ref, {})
    if s.get('url'): return s['url']
    if s.get('kind') == 'repo':
        return f"https://github.com/{s['repo']}" + (f"/blob/{s['commit']}/{s['path']}" if s.get('commit') and s.get('path') and '<' not in s['path'] and ' ' not in s['path'] else (f"/tree/{s['commit']}" if s.get('commit') else ""))
    return f"https://example.invalid/{ref}"
def srcs(f):
    return [{"url": url(x['ref']), "quote": x.get('quote', '')} for x in f.get('sources', [])]
def num(f, note=None):
    if not f or f.get('value') is None: return None
    o = {"value": f['value'], "sources": srcs(f)}
    n = note or f.get('note')
    if n: o['note'] = n
    return o
IDS = {
 'h200_sxm_141gb': ('h200', ['h200-sxm'], 9.0), 'h100_sxm_80gb': ('h100-sxm', ['h100', 'h100-80g'], 9.0),
 'h100_pcie_80gb': ('h100-pcie', [], 9.0), 'h100_nvl_94gb': ('h100-nvl', [], 9.0), 'h20_96gb': ('h20', [], 9.0),
 'a100_sxm_80gb': ('a100-80g', ['a100', 'a100-sxm', 'a100-80gb'], 8.0), 'a100_sxm_40gb': ('a100-40g', ['a100-40gb'], 8.0),
 'l40s_48gb': ('l40s', [], 8.9), 'l40_48gb': ('l40', [], 8.9), 'l4_24gb': ('l4', [], 8.9), 'a10g_24gb': ('a10g', [], 8.6),
 'a10_24gb': ('a10', [], 8.6), 'rtx_a6000_48gb': ('rtx-a6000', ['a6000'], 8.6), 'rtx_6000_ada_48gb': ('rtx-6000-ada', ['6000-ada'], 8.9),
 'rtx_4090_24gb': ('rtx-4090', ['4090'], 8.9), 'rtx_4080_16gb': ('rtx-4080', ['4080'], 8.9), 'rtx_3090_24gb': ('rtx-3090', ['3090'], 8.6),
 't4_16gb': ('t4', [], 7.5), 'v100_sxm2_32gb': ('v100', ['v100-32g'], 7.0), 'b200_180gb': ('b200', [], 10.0), 'gb200_gpu': ('gb200', [], 10.0),
 'rtx_pro_6000_blackwell_server_96gb': ('rtx-pro-6000', ['rtx-pro-6000-blackwell'], 12.0),
 'mi300x_192gb': ('mi300x', [], None), 'mi325x_256gb': ('mi325x', [], None),
 'gaudi2_96gb': ('gaudi2', [], None), 'gaudi3_128gb': ('gaudi3', [], None),
}
# Total memory as the driver reports it, read from published vLLM logs (overrides the capacity above).
REPORTED = {
    'h100_sxm_80gb': (79.22, "https://github.com/vllm-project/vllm/pull/12126",
                      "it can work on H100-80G now: ... total_gpu_memory (79.22GiB) x gpu_memory_utilization (0.90) = 71.29GiB"),
    'a100_sxm_80gb': (79.15, "https://github.com/vllm-project/vllm/issues/4408",
                      "GPU 0 has a total capacity of 79.15 GiB"),
    'rtx_3090_24gb': (23.58, "https://github.com/vllm-project/vllm/issues/10517",
                      "Memory profiling results: total_gpu_memory=23.58GiB"),
}
out = []
for g in d['gpus']:
    if g['id'] not in IDS: continue
    gid, aliases, cc = IDS[g['id']]
    mm = g['memory_marketed_gb']
    mb = g.get('memory_bytes')
    if mb and mb.get('value'):
        memb = num(mb, (mb.get('note') or '') + (' ' if mb.get('note') else '') + 'Capacity as the cited system file models it; the driver may report a little less.')
    else:
        memb = {"value": int(mm['value']) * 1024**3, "sources": srcs(mm), "note": f"No driver-reported figure in the reference data: the marketed {mm['value']} GB taken as GiB of physical memory; the driver reports slightly less."}
    if g['id'] in REPORTED:
        gib, u, q = REPORTED[g['id']]
        memb = {"value": int(round(gib * 1024**3)), "sources": [{"url": u, "quote": q}], "note": "Total memory as torch/vLLM report it (the rounded GiB figure of the log)."}
    fp = g.get('fp16_bf16_dense_tflops')
    if not fp or fp.get('value') is None: continue
    arch = g.get('architecture', '')
    t = {"fp16": num(fp)}
    if cc is None or cc >= 8.0: t["bf16"] = num(fp)
    if num(g.get('fp8_dense_tflops')): t["fp8"] = num(g['fp8_dense_tflops'])
    if num(g.get('int8_dense_tops')): t["int8"] = num(g['int8_dense_tops'])
    if num(g.get('int4_dense_tops')): t["int4"] = num(g['int4_dense_tops'])
    ic = g.get('interconnect') or {}
    if ic.get('nvlink_gbs_unidirectional'):
        inter = {"kind": "nvlink", "gen": ic.get('nvlink_gen') or 0, "gbsUnidirectional": num(ic['nvlink_gbs_unidirectional'])}
    elif ic.get('nvlink_gbs_bidirectional') and not ic.get('pcie'):
        b = ic['nvlink_gbs_bidirectional']
        inter = {"kind": "nvlink", "gen": ic.get('nvlink_gen') or 0, "gbsUnidirectional": {"value": b['value'] / 2, "sources": srcs(b), "note": "half the bidirectional figure"}}
    elif ic.get('xgmi_gbs_unidirectional_all_to_all'):
        inter = {"kind": "infinity-fabric", "gbsUnidirectional": num(ic['xgmi_gbs_unidirectional_all_to_all'])}
    elif ic.get('scale_up_gbs_unidirectional'):
        inter = {"kind": "scale-out-ethernet", "gbsUnidirectional": num(ic['scale_up_gbs_unidirectional'])}
    else:
        p = ic.get('pcie') or {"value": "Gen4 x16", "sources": []}
        if isinstance(p, str): p = {"value": p, "sources": []}
        gen = int(str(p['value']).split()[0].replace('Gen', '')) if str(p['value']).startswith('Gen') else 4
        inter = {"kind": "pcie", "gen": gen, "gbsUnidirectional": {"value": {3: 16, 4: 32, 5: 64}.get(gen, 32), "sources": srcs(p), "note": "x16 link, per direction (PCIe Gen3 16, Gen4 32, Gen5 64 GB/s)"}}
    prices = [{"provider": p['provider'], "usdPerGpuHour": p['usd_per_gpu_hour'], "basis": p.get('price_basis', '') + ('' if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", p.get('date', '')) else f" (date: {p.get('date', '')})"), "date": (re.search(r"\d{4}-\d{2}(-\d{2})?", p.get('date', '')) or re.search('x', 'x')).group(0), "source": {"url": url(p['source']), "quote": p.get('quote', '')}} for p in (g.get('cloud_prices') or []) if p.get('usd_per_gpu_hour')]
    e = {"id": gid, **({"aliases": aliases} if aliases else {}), "name": g['name'], "vendor": g['vendor'], "architecture": arch,
         **({"computeCapability": cc} if cc else {}),
         "memoryMarketed": {"value": mm['value'], "unit": "GB", "sources": srcs(mm)}, "memoryBytes": memb,
         "memoryBandwidthGBs": num(g['memory_bandwidth_gbs']), "tflops": t, "interconnect": inter,
         **({"tdpW": num(g['tdp_w'])} if num(g.get('tdp_w')) else {}), "prices": prices,
         "nativeFp8": arch in ('Hopper', 'Ada Lovelace', 'Ada', 'Blackwell', 'CDNA3', 'CDNA 3') or 'fp8' in t,
         "nativeFp4": arch.startswith('Blackwell'), "bf16": cc is None or cc >= 8.0}
    out.append(e)
ts = '''/**
 * GPU catalog, converted from ../shared/reference/gpus.json (public specifications with sources and
 * quotes). Compute figures are dense (no 2:4 sparsity). memoryBytes is the capacity the sizing uses
 * as "total GPU memory"; its note says where the figure came from.
 */
import type { GpuEntry } from "./types.js";

export const gpus: GpuEntry[] = ''' + json.dumps(out, indent=2, ensure_ascii=False) + ";\n"
open('src/catalog/gpu-data.ts', 'w').write(ts)
print(len(out), [e['id'] for e in out])
