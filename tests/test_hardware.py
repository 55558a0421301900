"""The hardware decisions the chapters rely on, driven by faked CPUs, GPUs and oneDNN settings."""

from __future__ import annotations

import pytest

from helpers import hardware as hw
from helpers.hardware import GPU, check_claim, describe_hardware

ZEN4 = "fpu avx avx2 avx512f avx512bw avx512vl avx512dq avx512_vnni avx512_bf16 avx_vnni"
SKYLAKE_SERVER = "fpu avx avx2 avx512f avx512bw avx512vl avx512dq"  # AVX-512, no bf16 (many CI runners)
SAPPHIRE_RAPIDS = ZEN4 + " avx512_fp16 amx_tile amx_bf16 amx_int8"
HASWELL = "fpu avx avx2"


def _cpuinfo(tmp_path, flags: str, model: str = "Test CPU"):
    path = tmp_path / "cpuinfo"
    path.write_text(f"processor\t: 0\nmodel name\t: {model}\nflags\t\t: {flags}\n\n"
                    f"processor\t: 1\nmodel name\t: {model}\nflags\t\t: {flags}\n")
    return str(path)


def _describe(tmp_path, flags, *, gpus=(), environ=None, machine="x86_64", cores=2):
    return describe_hardware(gpus=gpus, cpuinfo=_cpuinfo(tmp_path, flags), environ=environ or {},
                             cores=cores, machine=machine)


@pytest.mark.parametrize(("flags", "isa"), [
    (ZEN4, "AVX512_CORE_BF16"), (SKYLAKE_SERVER, "AVX512_CORE"), (SAPPHIRE_RAPIDS, "AVX10_1_512_AMX"),
    (HASWELL, "AVX2"), ("fpu sse4_1", "SSE41"),
])
def test_cpu_isa_from_flags(flags, isa):
    assert hw.cpu_isa(flags.split()) == isa


def test_this_kind_of_machine_runs_bf16_natively(tmp_path):
    h = _describe(tmp_path, ZEN4)
    assert (h.cpu_model, h.cores, h.device, h.on_gpu) == ("Test CPU", 2, "CPU:0", False)
    assert h.onednn_isa == "AVX512_CORE_BF16" and h.cpu_bf16_runs and h.cpu_bf16_native


def test_an_avx2_cap_makes_bf16_unsafe(tmp_path):
    """ONEDNN_MAX_CPU_ISA=AVX2 on this CPU: a mixed_bfloat16 layer call crashes TensorFlow 2.21."""
    h = _describe(tmp_path, ZEN4, environ={"ONEDNN_MAX_CPU_ISA": "AVX2"})
    assert h.onednn_isa == "AVX2" and not h.cpu_bf16_runs and not h.cpu_bf16_native
    assert "capped by ONEDNN_MAX_CPU_ISA=AVX2" in h.summary()


def test_an_avx512_core_cap_runs_bf16_emulated(tmp_path):
    h = _describe(tmp_path, ZEN4, environ={"ONEDNN_MAX_CPU_ISA": "avx512_core"})
    assert h.cpu_bf16_runs and not h.cpu_bf16_native


@pytest.mark.parametrize(("flags", "runs", "native"), [
    (SKYLAKE_SERVER, True, False), (HASWELL, False, False), (SAPPHIRE_RAPIDS, True, True),
])
def test_bf16_on_other_cpus(tmp_path, flags, runs, native):
    h = _describe(tmp_path, flags)
    assert (h.cpu_bf16_runs, h.cpu_bf16_native) == (runs, native)


def test_a_cap_above_the_cpu_changes_nothing(tmp_path):
    assert _describe(tmp_path, HASWELL, environ={"ONEDNN_MAX_CPU_ISA": "ALL"}).onednn_isa == "AVX2"
    assert _describe(tmp_path, HASWELL, environ={"ONEDNN_MAX_CPU_ISA": "AVX512_CORE_BF16"}).onednn_isa == "AVX2"


def test_without_onednn_bf16_runs_on_eigen_but_not_natively(tmp_path):
    h = _describe(tmp_path, HASWELL, environ={"TF_ENABLE_ONEDNN_OPTS": "0"})
    assert h.onednn_isa is None and h.cpu_bf16_runs and not h.cpu_bf16_native
    assert "oneDNN: off" in h.summary()


def test_arm_has_no_onednn_x86_isa(tmp_path):
    h = _describe(tmp_path, "fp asimd", machine="aarch64")
    assert h.onednn_isa is None and h.cpu_bf16_runs and not h.cpu_bf16_native


def test_a_bad_isa_cap_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="ONEDNN_MAX_CPU_ISA='AVX3' is not a oneDNN ISA name"):
        _describe(tmp_path, ZEN4, environ={"ONEDNN_MAX_CPU_ISA": "AVX3"})


@pytest.mark.parametrize(("cc", "fp16", "bf16"), [((7, 5), True, False), ((8, 0), True, True),
                                                  ((6, 0), False, False), (None, False, False)])
def test_gpu_runtimes(tmp_path, cc, fp16, bf16):
    """A Colab T4 is compute capability 7.5: float16 tensor cores, no bf16 ones; an A100 or L4 has both."""
    h = _describe(tmp_path, SKYLAKE_SERVER, gpus=[GPU("Tesla T4", cc)])
    assert (h.on_gpu, h.accelerator, h.device) == (True, "GPU", "GPU:0")
    assert (h.gpu_fp16_fast, h.gpu_bf16_fast) == (fp16, bf16)
    assert h.summary().endswith("GPUs: 1 (Tesla T4" + (f" (compute capability {cc[0]}.{cc[1]}))" if cc else ")"))


def test_gpus_can_come_from_a_function(tmp_path):
    h = _describe(tmp_path, ZEN4, gpus=lambda: [GPU("A"), GPU("B")])
    assert len(h.gpus) == 2 and h.device == "GPU:0"


def test_bad_gpus_and_cores_are_clear_errors(tmp_path):
    with pytest.raises(TypeError, match="gpus must be GPU objects, got str"):
        _describe(tmp_path, ZEN4, gpus=["/physical_device:GPU:0"])
    with pytest.raises(ValueError, match="cores must be an integer >= 1, got 0"):
        _describe(tmp_path, ZEN4, cores=0)


def test_missing_cpuinfo_falls_back(tmp_path):
    h = describe_hardware(gpus=(), cpuinfo=str(tmp_path / "absent"), environ={}, cores=4)
    assert h.cpu_model and h.cpu_flags == frozenset() and h.cores == 4


def test_describe_hardware_on_this_machine_lists_tensorflow_gpus():
    h = describe_hardware()
    assert h.cores >= 1 and h.device in ("CPU:0", "GPU:0")


def test_check_claim_three_cases(capsys):
    assert check_claim("bf16 faster", applies=True, holds=lambda: True) is None
    check_claim("bf16 faster", applies=False, holds=lambda: 1 / 0, reason="no bf16 instructions")  # not evaluated
    assert capsys.readouterr().out == "bf16 faster: holds\nbf16 faster: not checked here (no bf16 instructions)\n"
    with pytest.raises(AssertionError, match="bf16 faster: does NOT hold on this machine"):
        check_claim("bf16 faster", applies=True, holds=False)
    with pytest.raises(ValueError, match="non-empty string"):
        check_claim("", applies=True, holds=True)


@pytest.mark.slow
def test_setup_keeps_bf16_chapters_alive_under_an_avx2_cap():
    """Without the switch a mixed_bfloat16 layer call crashes TF 2.21 here; with bf16=True it runs."""
    import os
    import subprocess
    import sys

    code = ("from helpers import setup_notebook\n"
            "hw = setup_notebook(bf16=True)\n"
            "import os, keras, numpy as np\n"
            "layer = keras.layers.Dense(4, dtype='mixed_bfloat16')\n"
            "print('dtype', layer(np.ones((2, 8), 'float32')).dtype)\n"
            "import tensorflow as tf\n"
            "tf.config.experimental.reset_memory_stats('CPU:0')\n"
            "print('memory stats', 'peak' in tf.config.experimental.get_memory_info('CPU:0'))\n"
            "print('onednn', os.environ['TF_ENABLE_ONEDNN_OPTS'], hw.onednn_isa, hw.cpu_bf16_runs)\n")
    env = dict(os.environ, ONEDNN_MAX_CPU_ISA="AVX2")
    env.pop("TF_ENABLE_ONEDNN_OPTS", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "oneDNN switched off for this chapter" in out.stdout
    assert "memory stats True" in out.stdout
    assert "dtype <dtype: 'bfloat16'>" in out.stdout and "onednn 0 None True" in out.stdout
