"""What this machine offers (CPU model, cores, native bf16 / AMX, torch threads) and its measured matmul throughput."""
import os, platform, time
from pathlib import Path
import torch

def cpu_flags() -> set[str]:
    "The CPU's feature flags from /proc/cpuinfo (empty where it cannot be read)."
    try: text = Path("/proc/cpuinfo").read_text()
    except OSError: return set()
    line = next((l for l in text.splitlines() if l.startswith(("flags", "Features"))), "")
    return set(line.split(":", 1)[-1].split())

def native_bf16() -> bool:
    "Whether the CPU computes bf16 natively (AVX512-BF16 or AMX)."
    return bool(cpu_flags() & {"avx512_bf16", "amx_bf16"})

def cpu_model() -> str:
    "The CPU's model name."
    try: text = Path("/proc/cpuinfo").read_text()
    except OSError: return platform.processor() or platform.machine()
    names = (l.split(":", 1)[1].strip() for l in text.splitlines() if l.startswith("model name"))
    return next(names, platform.machine())

def matmul_gflops(n:int=2048, dtype=torch.float32, seconds:float=1.0) -> float:
    "GFLOP/s of repeated square (n, n) matmuls in `dtype` for about `seconds`."
    a, b = torch.randn(n, n, dtype=dtype), torch.randn(n, n, dtype=dtype)
    a @ b  # warm-up
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        a @ b
        done += 1
    return 2 * n ** 3 * done / (time.perf_counter() - t0) / 1e9

def describe() -> dict:
    "The machine as the benchmark table's header shows it, with fp32 and bf16 matmul throughput measured here."
    flags, bf16 = cpu_flags(), native_bf16()
    info = dict(cpu=cpu_model(), cores=os.cpu_count(), torch_threads=torch.get_num_threads(), torch=torch.__version__,
                cpu_capability=torch.backends.cpu.get_cpu_capability(), avx512="avx512f" in flags,
                native_bf16=bf16, amx="amx_tile" in flags, cuda=torch.cuda.is_available(),
                load_average=os.getloadavg()[0] if hasattr(os, "getloadavg") else None)
    info["matmul_fp32_gflops"] = matmul_gflops()
    info["matmul_bf16_gflops"] = matmul_gflops(dtype=torch.bfloat16)
    return info

def summary(info:dict) -> str:
    "One line naming the machine."
    return (f"{info['cpu']}, {info['cores']} cores ({info['torch_threads']} torch threads), torch {info['torch']} "
            f"[{info['cpu_capability']}]; native bf16: {info['native_bf16']}, AMX: {info['amx']}; matmul "
            f"{info['matmul_fp32_gflops']:.0f} GFLOP/s fp32, {info['matmul_bf16_gflops']:.0f} GFLOP/s bf16; "
            f"load average {info['load_average']:.1f} at start")
