"""Everything plano reads at run time ships in its wheel: build it, install it where no source tree is in
reach, and render a frame from the installed package."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import numpy as np

from plano.io.exr import read_passes
from plano.spec.io import save_spec
from plano.spec.model import Format, ShotSpec, Subject

ROOT = Path(__file__).resolve().parents[1]


def _build_wheel(out: Path) -> Path:
    """Build from a clean copy of the project (no build/ or egg-info left by an earlier build)."""
    src = out.parent / "project"
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    res = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w",
                          str(out), str(src)], capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    (wheel,) = out.glob("plano-*.whl")
    return wheel


def test_the_installed_wheel_renders_a_frame(tmp_path):
    wheel = _build_wheel(tmp_path / "dist")
    names = zipfile.ZipFile(wheel).namelist()
    shaders = sorted(p.name for p in (ROOT / "src/plano/render/shaders").iterdir())
    assert [n for n in shaders if f"plano/render/shaders/{n}" not in names] == []
    # every file of the package that is not Python (shaders, yaml, json, html, fonts...) ships with it
    data = sorted(str(p.relative_to(ROOT / "src")) for p in (ROOT / "src/plano").rglob("*")
                  if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts)
    assert [n for n in data if n not in names] == []

    # a fresh environment: the wheel unpacked into its own folder, the dependencies from this environment's
    # site-packages (its .pth files, such as an editable install of the source, are not read from there)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    deps = sysconfig.get_paths()["purelib"]
    env = {"PYTHONPATH": f"{site}:{deps}", "PYTHONNOUSERSITE": "1", "PATH": "/usr/bin:/bin"}
    where = subprocess.run([sys.executable, "-S", "-c", "import plano; print(plano.__file__)"], cwd=tmp_path,
                           env=env, capture_output=True, text=True)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(site), where.stdout  # not the source tree

    spec = save_spec(ShotSpec(shot="SEQ010_SH010", subject=Subject(storeys=2, building_type="house"), effects=(),
                              format=Format(width=64, height=36, duration_s=0.25)), tmp_path / "shot.yaml")
    cmd = "from plano.cli import main; main()"
    res = subprocess.run([sys.executable, "-S", "-c", cmd, "render", "--spec", str(spec), "--quality", "final",
                          "--frames", "1001", "--shots-dir", str(tmp_path / "shots")],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    exr = tmp_path / "shots/SEQ010_SH010/v001/passes/SEQ010_SH010_v001.1001.exr"
    beauty = read_passes(exr).beauty
    assert beauty.shape == (36, 64, 3) and np.isfinite(beauty).all() and beauty.max() > 0
