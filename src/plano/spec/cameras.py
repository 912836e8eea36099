"""Camera bodies the parser knows, with the size of the sensor area they record (open gate / full readout).

The scene stage turns sensor width and focal length into the field of view, so these numbers matter:
a 35 mm lens on an Alexa 65 sees about twice as wide as on a Super 35 camera.

Sources: ARRI Alexa 35 (27.99 x 19.22 mm, 4.6K 3:2 open gate) from ARRI's own forum answer; the Alexa Mini,
LF / Mini LF, 65, RED V-Raptor, Monstro, Komodo, Sony Venice and Venice 2, FX3, Canon C300 Mark II, Blackmagic
URSA Mini Pro 4.6K G2 and Pocket 6K figures checked against the open Camera Sensor Database
(EmberLightVFX/Camera-Sensor-Database) for the sensor mode named. Sony quotes the Venice 2 8K imager as
36.2 x 24.1 mm; the area it records in 8.6K 3:2 is 35.94 x 23.96 mm, which is what sets the field of view.
iPhone, GoPro, IMAX and the generic formats are nominal sizes.
A bare "Arri Alexa" (or "Alexa") means the current ARRI Super 35 body, the Alexa 35.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CameraBody:
    name: str
    sensor_width_mm: float
    sensor_height_mm: float
    aliases: tuple[str, ...]
    """Lower-case phrases that name this body in a prompt."""
    focal_length_mm: float | None = None
    """The lens a fixed-lens camera (a phone) always has; ``None`` for cameras with interchangeable lenses."""
    mode: str = ""
    """The sensor mode the size is for."""
    generic_aliases: tuple[str, ...] = ()
    """Phrases that name a family rather than this body ("Arri Alexa"): understood as this body, with a note."""
    format_only: bool = False
    """A sensor format rather than a camera ("Super 35", "full frame"): used only when no camera is named."""


CAMERA_BODIES: tuple[CameraBody, ...] = (
    CameraBody("ARRI Alexa 35", 27.99, 19.22, ("arri alexa 35", "alexa 35"),
               mode="4.6K 3:2 open gate (a bare 'Alexa' means this current Super 35 body)",
               generic_aliases=("arri alexa", "alexa", "arri")),
    CameraBody("ARRI Alexa Mini", 28.25, 18.17, ("arri alexa mini", "alexa mini", "arri mini"), mode="3.4K open gate"),
    CameraBody("ARRI Alexa Mini LF", 36.70, 25.54, ("arri alexa mini lf", "alexa mini lf", "mini lf"), mode="4.5K LF open gate"),
    CameraBody("ARRI Alexa LF", 36.70, 25.54, ("arri alexa lf", "alexa lf"), mode="4.5K LF open gate"),
    CameraBody("ARRI Alexa 65", 54.12, 25.58, ("arri alexa 65", "alexa 65"), mode="6.5K open gate"),
    CameraBody("RED V-Raptor 8K VV", 40.96, 21.60, ("red v raptor", "v raptor", "vraptor", "red raptor", "red v raptor 8k vv"),
               mode="8K VV 17:9"),
    CameraBody("RED Monstro 8K VV", 40.96, 21.60, ("red monstro", "monstro"), mode="8K VV 17:9"),
    CameraBody("RED Komodo 6K", 27.03, 14.26, ("red komodo", "komodo"), mode="6K 17:9"),
    CameraBody("Sony Venice 2 8.6K", 35.94, 23.96, ("sony venice 2", "venice 2"), mode="8.6K 3:2 full frame"),
    CameraBody("Sony Venice", 35.90, 24.00, ("sony venice", "venice 1"), mode="6K 3:2 full frame"),
    CameraBody("Sony FX3", 35.60, 23.80, ("sony fx3", "fx3"), mode="full frame"),
    CameraBody("Canon EOS C300 Mark II", 24.60, 13.80, ("canon c300", "c300", "canon eos c300", "c300 mark ii"),
               mode="4K Super 35"),
    CameraBody("Blackmagic URSA Mini Pro 4.6K G2", 25.34, 14.25,
               ("blackmagic ursa", "ursa mini pro", "ursa mini", "ursa", "blackmagic ursa mini pro"), mode="4.6K 16:9"),
    CameraBody("Blackmagic Pocket Cinema Camera 6K", 23.10, 12.99, ("blackmagic pocket", "bmpcc", "pocket 6k", "bmpcc 6k"),
               mode="6K 16:9"),
    CameraBody("Panavision Millennium DXL2", 40.96, 21.60, ("panavision dxl2", "dxl2", "panavision dxl"), mode="8K VV"),
    CameraBody("Apple iPhone 15 Pro", 9.80, 7.30, ("iphone 15 pro", "iphone 15"),
               focal_length_mm=6.86, mode="main camera, 1/1.28-inch type (24 mm full-frame equivalent lens)",
               generic_aliases=("iphone", "apple iphone", "smartphone", "phone camera")),
    CameraBody("GoPro HERO", 6.17, 4.55, ("gopro", "go pro", "action cam", "action camera"), focal_length_mm=2.92,
               mode="1/2.3-inch type"),
    CameraBody("IMAX 15/70 film", 70.41, 52.63, ("imax", "imax camera", "imax film", "imax 70mm"), mode="15-perf 65 mm camera aperture"),
    CameraBody("Super 35 (film)", 24.89, 18.66, ("super 35", "super35", "s35"), mode="4-perf Super 35 camera aperture",
               format_only=True),
    CameraBody("Full frame (36 x 24)", 36.00, 24.00, ("full frame", "fullframe", "large format"), mode="still-photo full frame",
               format_only=True),
)


def body_by_name(name: str) -> CameraBody:
    key = name.casefold()
    for b in CAMERA_BODIES:
        if key == b.name.casefold() or key in b.aliases or key in b.generic_aliases:
            return b
    raise KeyError(name)
