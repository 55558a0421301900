"""What the chapter runs on, and which of the book's hardware-bound claims apply to it.

One function, :func:`describe_hardware`, looks at the devices TensorFlow sees, the CPU's feature flags
and the oneDNN settings, and returns a :class:`Hardware` that every chapter consults before it asserts
a speed or memory claim. The rules are pure functions of those inputs, so the tests drive them with
faked device lists and CPU flags (this workplace has no GPU).

Two facts shape the bf16 rules (verified on TensorFlow 2.21, AMD EPYC Zen 4 with ``avx512_bf16``):

* TensorFlow routes bfloat16 ops to oneDNN. With oneDNN capped below AVX-512
  (``ONEDNN_MAX_CPU_ISA=AVX2``, like many hosted CI runners) a ``mixed_bfloat16`` layer call crashes
  the process; at ``AVX512_CORE`` it runs (oneDNN emulates bf16), but slowly.
* A bf16 speed-up needs the bf16 instructions (``avx512_bf16`` or AMX) *and* a oneDNN cap that lets
  oneDNN use them (``AVX512_CORE_BF16`` or higher).
"""

from __future__ import annotations

import contextlib
import os
import platform
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["ONEDNN_ISAS", "GPU", "Hardware", "check_claim", "cpu_isa", "describe_hardware"]

# oneDNN's CPU ISA names, lowest first (ONEDNN_MAX_CPU_ISA accepts these; see oneDNN's docs on
# "CPU dispatcher control"). The old AVX512_CORE_FP16/AMX names are aliases of the AVX10_1 ones.
ONEDNN_ISAS: tuple[str, ...] = (
    "SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX2_VNNI_2", "AVX512_CORE", "AVX512_CORE_VNNI",
    "AVX512_CORE_BF16", "AVX10_1_512", "AVX10_1_512_AMX", "AVX10_1_512_AMX_FP16",
)
_ISA_ALIASES = {"AVX512_CORE_FP16": "AVX10_1_512", "AVX512_CORE_AMX": "AVX10_1_512_AMX",
                "AVX512_CORE_AMX_FP16": "AVX10_1_512_AMX_FP16"}
_NO_CAP = {"", "ALL", "DEFAULT"}


def _rank(isa: str) -> int:
    return ONEDNN_ISAS.index(isa)


def cpu_isa(flags: Iterable[str]) -> str:
    """The highest oneDNN ISA a CPU with these ``/proc/cpuinfo`` flags supports."""
    f = set(flags)
    avx512 = {"avx512f", "avx512bw", "avx512vl", "avx512dq"} <= f
    if avx512 and {"amx_tile", "amx_bf16"} <= f:
        return "AVX10_1_512_AMX_FP16" if "amx_fp16" in f else "AVX10_1_512_AMX"
    if avx512 and "avx512_fp16" in f:
        return "AVX10_1_512"
    if avx512 and "avx512_bf16" in f:
        return "AVX512_CORE_BF16"
    if avx512 and "avx512_vnni" in f:
        return "AVX512_CORE_VNNI"
    if avx512:
        return "AVX512_CORE"
    if {"avx2", "avx_vnni"} <= f:
        return "AVX2_VNNI_2" if "avx_ne_convert" in f else "AVX2_VNNI"
    if "avx2" in f:
        return "AVX2"
    if "avx" in f:
        return "AVX"
    return "SSE41"


def _effective_isa(flags: frozenset[str], cap: str | None) -> str:
    isa = cpu_isa(flags)
    if cap is None or cap.upper() in _NO_CAP:
        return isa
    name = _ISA_ALIASES.get(cap.upper(), cap.upper())
    if name not in ONEDNN_ISAS:
        raise ValueError(f"ONEDNN_MAX_CPU_ISA={cap!r} is not a oneDNN ISA name; known: {', '.join(ONEDNN_ISAS)}, ALL")
    return min(isa, name, key=_rank)


@dataclass(frozen=True)
class GPU:
    """A GPU as TensorFlow reports it: its name and CUDA compute capability (None if unknown)."""

    name: str
    compute_capability: tuple[int, int] | None = None


@dataclass(frozen=True)
class Hardware:
    """The machine a chapter runs on and the decisions that follow from it."""

    cpu_model: str
    cores: int
    cpu_flags: frozenset[str] = field(default_factory=frozenset)
    gpus: tuple[GPU, ...] = ()
    x86: bool = True
    onednn_enabled: bool = True
    onednn_cap: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.cores, int) or self.cores < 1:
            raise ValueError(f"cores must be an integer >= 1, got {self.cores!r}")
        _effective_isa(self.cpu_flags, self.onednn_cap)  # a bad cap is an error now, not later

    # ------------------------------------------------------------------ devices
    @property
    def on_gpu(self) -> bool:
        """True when TensorFlow places ops on a GPU by default."""
        return bool(self.gpus)

    @property
    def accelerator(self) -> str:
        return "GPU" if self.gpus else "CPU"

    @property
    def device(self) -> str:
        """The device the chapter's ops run on by default, as ``tf.config.experimental`` names it."""
        return "GPU:0" if self.gpus else "CPU:0"

    # ------------------------------------------------------------------ oneDNN and bf16 on the CPU
    @property
    def onednn_isa(self) -> str | None:
        """The ISA oneDNN will use (the CPU's best, lowered by ONEDNN_MAX_CPU_ISA); None without oneDNN."""
        if not (self.x86 and self.onednn_enabled):
            return None
        return _effective_isa(self.cpu_flags, self.onednn_cap)

    @property
    def cpu_bf16_runs(self) -> bool:
        """bfloat16 ops can run on the CPU without crashing the process."""
        isa = self.onednn_isa
        return isa is None or _rank(isa) >= _rank("AVX512_CORE")

    @property
    def cpu_bf16_native(self) -> bool:
        """oneDNN will use hardware bf16 instructions (avx512_bf16 or AMX): bf16 can be faster than fp32."""
        isa = self.onednn_isa
        return isa is not None and _rank(isa) >= _rank("AVX512_CORE_BF16")

    # ------------------------------------------------------------------ GPUs
    @property
    def gpu_fp16_fast(self) -> bool:
        """A GPU with tensor cores for float16 (compute capability 7.0 or newer: V100, T4, A100, ...)."""
        return any(g.compute_capability and g.compute_capability >= (7, 0) for g in self.gpus)

    @property
    def gpu_bf16_fast(self) -> bool:
        """A GPU with bfloat16 tensor cores (compute capability 8.0 or newer: A100, L4, H100, ...)."""
        return any(g.compute_capability and g.compute_capability >= (8, 0) for g in self.gpus)

    def summary(self) -> str:
        """Two lines for the set-up cell: the CPU (and oneDNN) and the GPUs."""
        isa = self.onednn_isa
        onednn = "off" if isa is None else isa + (f" (capped by ONEDNN_MAX_CPU_ISA={self.onednn_cap})"
                                                   if self.onednn_cap and self.onednn_cap.upper() not in _NO_CAP
                                                   else "")
        gpus = ", ".join(g.name + (f" (compute capability {g.compute_capability[0]}.{g.compute_capability[1]})"
                                   if g.compute_capability else "") for g in self.gpus)
        return (f"CPU: {self.cpu_model} ({self.cores} cores) | oneDNN: {onednn}\n"
                f"GPUs: {len(self.gpus)}" + (f" ({gpus})" if gpus else ""))


def _read_cpuinfo(path: str = "/proc/cpuinfo") -> tuple[str, frozenset[str]]:
    model: str | None = None
    flags: frozenset[str] | None = None
    with contextlib.suppress(OSError):
        with open(path, encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name" and model is None:
                    model = value.strip()
                elif key == "flags" and flags is None:
                    flags = frozenset(value.split())
    return model or platform.processor() or platform.machine(), flags or frozenset()


def _usable_cores() -> int:
    """CPUs this process may run on (what TensorFlow sizes its thread pools by), else the CPU count."""
    with contextlib.suppress(AttributeError, OSError):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def _onednn_enabled(environ: Mapping[str, str]) -> bool:
    # TensorFlow's oneDNN optimisations are on by default on x86 Linux; TF_ENABLE_ONEDNN_OPTS=0 turns them off.
    return environ.get("TF_ENABLE_ONEDNN_OPTS", "1").strip().lower() not in ("0", "false", "off")


def _tf_gpus() -> tuple[GPU, ...]:
    import tensorflow as tf

    found = []
    for device in tf.config.list_physical_devices("GPU"):
        details: dict = {}
        with contextlib.suppress(Exception):
            details = tf.config.experimental.get_device_details(device)
        found.append(GPU(details.get("device_name", device.name), details.get("compute_capability")))
    return tuple(found)


def describe_hardware(
    *,
    gpus: Iterable[GPU] | Callable[[], Iterable[GPU]] | None = None,
    cpuinfo: str = "/proc/cpuinfo",
    environ: Mapping[str, str] | None = None,
    cores: int | None = None,
    machine: str | None = None,
) -> Hardware:
    """Describe this machine. Every argument replaces one observation (the tests fake them all).

    ``gpus``: the GPUs (or a function returning them); by default those TensorFlow lists.
    ``cpuinfo``: the file with the CPU's model name and flags. ``environ``: where ``TF_ENABLE_ONEDNN_OPTS``
    and ``ONEDNN_MAX_CPU_ISA`` are read. ``cores``: the CPU count. ``machine``: e.g. ``x86_64``.
    """
    environ = os.environ if environ is None else environ
    if gpus is None:
        gpus = _tf_gpus
    found = tuple(gpus() if callable(gpus) else gpus)
    for g in found:
        if not isinstance(g, GPU):
            raise TypeError(f"gpus must be GPU objects, got {type(g).__name__}")
    model, flags = _read_cpuinfo(cpuinfo)
    arch = (machine or platform.machine()).lower()
    return Hardware(
        cpu_model=model,
        cores=cores if cores is not None else _usable_cores(),
        cpu_flags=flags,
        gpus=found,
        x86=arch in ("x86_64", "amd64", "i686", "x86"),
        onednn_enabled=_onednn_enabled(environ),
        onednn_cap=environ.get("ONEDNN_MAX_CPU_ISA") or None,
    )


def check_claim(claim: str, *, applies: bool, holds: Callable[[], bool] | bool, reason: str = "") -> None:
    """Assert a hardware-bound claim where it applies, and say which case this is.

    Prints ``"<claim>: holds"`` when the claim applies and holds, raises AssertionError when it applies
    and does not hold, and prints ``"<claim>: not checked here (<reason>)"`` when it does not apply to
    this hardware. Returns nothing (so that a notebook cell ending with it shows only the printed line).
    Put the call in a cell whose output nbval ignores:
    the printed line depends on the machine; the assertion is what the test proves.
    """
    if not isinstance(claim, str) or not claim:
        raise ValueError("check_claim needs the claim as a non-empty string")
    if not applies:
        print(f"{claim}: not checked here ({reason or 'does not apply to this hardware'})")
        return
    ok = holds() if callable(holds) else holds
    if not ok:
        raise AssertionError(f"{claim}: does NOT hold on this machine")
    print(f"{claim}: holds")
