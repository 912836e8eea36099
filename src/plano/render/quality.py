"""Quality tiers: how hard the renderer works for one shot.

``draft`` is for comparing variants side by side (360 lines high, few samples, short ray-marches); ``previs``
is fast (720 lines high, one sample per pixel, short ray-marches); ``final`` renders the spec's
resolution supersampled 2x2 with longer ray-marches. :class:`RenderSettings` is frozen so the pipeline can hash
it into a cache key.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from plano.errors import PlanoError

QualityName = Literal["draft", "previs", "final"]
QUALITIES = ("draft", "previs", "final")


class RenderSettings(BaseModel):
    """Everything the renderer needs besides the scene and the sim."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    quality: QualityName = "previs"
    width: int = Field(default=1280, ge=8, le=16384)
    """Delivered pixels (after supersampling is averaged down)."""
    height: int = Field(default=720, ge=8, le=16384)
    supersample: int = Field(default=1, ge=1, le=4)
    """Internal resolution factor per axis (2 = 2x2 samples per pixel)."""
    shadow_map_px: int = Field(default=2048, ge=256, le=8192)
    shadow_taps: int = Field(default=8, ge=1, le=32)
    ao_samples: int = Field(default=8, ge=0, le=32)
    ao_radius_m: float = Field(default=1.5, gt=0.0)
    dust_steps: int = Field(default=40, ge=4, le=512)
    dust_half_res: bool = True
    dust_light_steps: int = Field(default=32, ge=2, le=256)
    dust_extinction_per_m: float = Field(default=150.0, ge=0.0)
    """Extinction per metre per kg/m^3 of DustGrid density (mass extinction, m^2/kg). Fine mineral dust is
    ~500 m^2/kg; the default is lower because the grid's cells already smear the cloud's dense core."""
    dust_albedo: tuple[float, float, float] = (0.50, 0.45, 0.38)
    """Single-scattering albedo of the dust (ACEScg): grey-brown concrete and plaster dust."""
    smoke_albedo: tuple[float, float, float] = (0.10, 0.095, 0.09)
    """Single-scattering albedo of smoke (DustGrid.smoke): dark grey."""
    smoke_extinction_factor: float = Field(default=6.0, ge=0.0)
    """Extra extinction of smoke over dust per kg (soot blocks several times more light than mineral dust): the
    extinction is ``dust_extinction_per_m * (1 + factor * smoke fraction)``."""
    dust_anisotropy: float = Field(default=0.35, ge=-0.95, le=0.95)
    """Henyey-Greenstein g: forward scattering makes back-lit dust glow."""
    motion_blur_samples: int = Field(default=6, ge=0, le=64)
    shutter_angle_deg: float = Field(default=180.0, ge=0.0, le=360.0)
    depth_of_field: bool = True
    dof_samples: int = Field(default=16, ge=4, le=128)
    max_coc_px: float = Field(default=24.0, ge=0.0)
    dust_behind_stand_ins: bool = True
    """March the dust on past the render's stand-ins (neighbours, street furniture) for the ``dust_plate`` pass
    that comp uses over a plate. Off without a plate: the march stops at the first thing it hits and no
    ``dust_plate`` pass is written (it would be the render's own dust again)."""
    flares: bool = True
    """Horizontal streak flares on bright highlights, only when the lens is anamorphic."""
    exposure_ev: float = 0.0
    """Scales the beauty by 2**ev (scene-linear; 0 leaves the physically based values)."""
    exr_compression: Literal["zip", "zips", "piz", "rle", "none"] = "zip"
    """Lossless compression of the passes. ``draft`` and ``previs`` write ``rle``: a 1280x720 frame of 16
    channels takes 0.17 s to write against 0.31 s for ``zip`` on one core, for 14 MB against 6 MB (the
    render's CPU is the previs's budget; a shot's passes take 1.6 GB); ``final`` writes the smaller ``zip``."""


def settings_key(settings: RenderSettings) -> str:
    """A short stable hash of the settings (stored in every EXR, so a re-run with other settings re-renders)."""
    import hashlib

    return hashlib.sha256(settings.model_dump_json().encode()).hexdigest()[:16]


DRAFT_HEIGHT = 360
"""Lines of a draft picture (640x360 at 16:9)."""


def even(n: float) -> int:
    return max(2, int(round(n / 2.0)) * 2)


def render_settings(quality: str, width: int, height: int, **overrides) -> RenderSettings:
    """Settings for a tier. ``width`` x ``height`` is the shot's delivered resolution (the spec's format).

    ``previs`` renders 720 lines high (width from the aspect, even); ``final`` renders ``width`` x ``height``
    with 2x2 supersampling.
    """
    if width <= 0 or height <= 0:
        raise PlanoError(f"the shot is {width}x{height} pixels; expected a positive width and height")
    if quality not in QUALITIES:
        raise PlanoError(f"quality {quality!r} is not known; expected one of {', '.join(QUALITIES)}")
    aspect = width / height
    if quality == "draft":  # issue 13: variants side by side, a sequence's previs at a glance
        base = dict(quality="draft", height=DRAFT_HEIGHT, width=even(DRAFT_HEIGHT * aspect), supersample=1,
                    shadow_map_px=1024, shadow_taps=4, ao_samples=2, dust_steps=20, dust_half_res=True,
                    dust_light_steps=8, motion_blur_samples=2, dof_samples=4, max_coc_px=8.0, exr_compression="rle")
    elif quality == "previs":
        base = dict(quality="previs", height=720, width=even(720 * aspect), supersample=1, shadow_map_px=2048,
                    shadow_taps=8, ao_samples=6, dust_steps=40, dust_half_res=True, dust_light_steps=24,
                    motion_blur_samples=6, dof_samples=12, max_coc_px=16.0, exr_compression="rle")
    else:
        # 2x2 supersampling up to UHD; above that (8K) one sample, or the buffers outgrow the machine's memory
        ss = 2 if width * height <= 3840 * 2160 else 1
        base = dict(quality="final", width=width, height=height, supersample=ss, shadow_map_px=4096,
                    shadow_taps=16, ao_samples=12, dust_steps=64, dust_half_res=ss > 1, dust_light_steps=48,
                    motion_blur_samples=12, dof_samples=32, max_coc_px=48.0)
    base.update(overrides)
    return RenderSettings(**base)
