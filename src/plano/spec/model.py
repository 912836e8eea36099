"""ShotSpec: the structured, editable description of one shot.

What a user writes or what is saved is a pydantic model: frozen, unknown keys rejected. The spec
records, for every field the parser set, the words that set it (``sources``), what it decided when
two words disagreed (``notes``) and every word it did not understand (``unparsed``).

Defaults (what a prompt that says nothing gets) are documented on each field.
"""

from __future__ import annotations

import datetime as _dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1
MAX_PROMPT_CHARS = 4000
"""The longest prompt plano reads (a Midjourney prompt is at most ~6,000 characters; shot prompts are far
shorter): longer text is refused before it is parsed."""

ShotSize = Literal["extreme_wide", "wide", "full", "medium", "medium_close_up", "close_up", "insert"]
Angle = Literal["eye_level", "low", "high", "top_down", "aerial", "dutch"]
Movement = Literal["static", "push_in", "pull_out", "pan", "tilt", "crane", "orbit", "handheld", "tracking"]
BuildingType = Literal[
    "government_building", "office_tower", "apartment_block", "church", "factory", "hotel", "hospital",
    "school", "museum", "warehouse", "stadium", "bridge", "tower", "house",
]
Style = Literal[
    "brutalist", "modernist", "art_deco", "neoclassical", "soviet_panel", "brick_residential", "glass_curtain_wall",
    "gothic", "industrial", "postmodern", "colonial", "contemporary",
]
TimeOfDay = Literal["dawn", "morning", "noon", "afternoon", "golden_hour", "dusk", "blue_hour", "night"]
Weather = Literal["clear", "partly_cloudy", "overcast", "hazy", "fog", "rain", "snow", "storm"]
ActionKind = Literal["collapse", "partial_collapse", "implosion", "topple", "none"]
CollapseRegion = Literal["whole", "top_floors", "corner"]
CollapseSpeed = Literal["slow", "natural", "fast"]
FallDirection = Literal["toward_camera", "away_from_camera", "left", "right"]
StandingPart = Literal["core", "stair", "lower_floors"]
Effect = Literal["dust", "debris", "smoke", "fire", "papers", "glass"]
Quality = Literal["previs", "standard", "hyperreal"]


class Strict(BaseModel):
    """Frozen, unknown keys rejected, assignments validated."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


class Camera(Strict):
    shot_size: ShotSize = "wide"
    """Framing. Default ``wide``: the whole building with some street around it."""
    angle: Angle = "eye_level"
    height_m: float | None = Field(default=None, ge=0.0, le=2000.0)
    """Camera height above the ground; ``None`` lets the scene stage solve it from the angle."""
    movement: Movement = "static"
    focal_length_mm: float = Field(default=35.0, gt=0.0, le=2000.0)
    anamorphic: bool = False
    squeeze: float = Field(default=1.0, ge=1.0, le=2.0)
    """Anamorphic squeeze factor (2.0 for classic anamorphic, 1.0 for spherical)."""
    body: str = "ARRI Alexa 35"
    sensor_width_mm: float = Field(default=27.99, gt=0.0, le=100.0)
    sensor_height_mm: float = Field(default=19.22, gt=0.0, le=100.0)
    dutch_deg: float = Field(default=0.0, ge=-45.0, le=45.0)
    fstop: float = Field(default=4.0, gt=0.0, le=64.0)

    @model_validator(mode="after")
    def _squeeze_matches(self) -> "Camera":
        if not self.anamorphic and self.squeeze != 1.0:
            raise ValueError(f"squeeze is {self.squeeze} but anamorphic is false; set anamorphic: true or squeeze: 1.0")
        return self


class Format(Strict):
    aspect: float = Field(default=16 / 9, gt=0.2, le=5.0)
    """Delivered picture aspect, width / height (1.778 for 16:9, 2.39 for scope)."""
    width: int = Field(default=1920, ge=16, le=16384)
    height: int = Field(default=1080, ge=16, le=16384)
    fps: float = Field(default=24.0, gt=0.0, le=240.0)
    duration_s: float = Field(default=5.0, gt=0.0, le=600.0)
    frame_start: int = Field(default=1001, ge=0, le=9_999_999)
    """The first frame's number (1001); at most 7 digits, so every frame number fits the caches' 64-bit ints."""
    speed: float = Field(default=1.0, gt=0.0, le=1.0)
    """Playback speed of the action: 1.0 real time, 0.25 for "slow motion" (the shot shows a quarter of the
    action's real duration, so the sim runs 4x more finely per frame)."""

    @model_validator(mode="after")
    def _size_matches_aspect(self) -> "Format":
        got = self.width / self.height
        if abs(got - self.aspect) / self.aspect > 0.02:
            raise ValueError(
                f"width x height {self.width}x{self.height} has aspect {got:.3f}, but aspect is {self.aspect:.3f}; "
                "change one so they agree"
            )
        return self

    @property
    def frame_count(self) -> int:
        return max(1, round(self.duration_s * self.fps))

    @property
    def frames(self) -> range:
        """Frame numbers, from ``frame_start`` (1001)."""
        return range(self.frame_start, self.frame_start + self.frame_count)


class Subject(Strict):
    building_type: BuildingType = "office_tower"
    style: Style = "modernist"
    era: int = Field(default=1970, ge=1000, le=2100)
    """A year, e.g. 1960 for "1960s"."""
    storeys: int | None = Field(default=None, ge=1, le=200)
    """``None`` lets the scene stage choose from the building type, style and seed."""
    materials: tuple[str, ...] = ()


class Place(Strict):
    name: str = "Buenos Aires"
    """Default: Buenos Aires, the home of the flagship shot."""
    country: str = "Argentina"
    latitude: float = Field(default=-34.6037, ge=-90.0, le=90.0)
    longitude: float = Field(default=-58.3816, ge=-180.0, le=180.0)
    timezone: str = "America/Argentina/Buenos_Aires"
    date: _dt.date = _dt.date(2026, 3, 20)
    """The shooting date (for the sun). Default: the March equinox."""


class Light(Strict):
    time_of_day: TimeOfDay = "afternoon"
    local_time: _dt.time | None = None
    """An exact local clock time; ``None`` uses the time of day's usual hour (afternoon: 15:30)."""
    weather: Weather = "clear"
    mood: tuple[str, ...] = ()
    """Words such as ``gritty``, ``dramatic``, ``moody`` that the look and light use."""


class Action(Strict):
    kind: ActionKind = "collapse"
    region: CollapseRegion = "whole"
    start_s: float = Field(default=1.0, ge=0.0)
    """When the collapse begins, in seconds from the first frame."""
    start_floor: int | None = Field(default=None, ge=0)
    """Where it begins (0 = ground floor); ``None`` lets the sim choose from the kind."""
    speed: CollapseSpeed = "natural"
    """How close to free fall it comes down, once started: ``slow`` (a tough, well-tied frame that crushes
    storey by storey), ``natural``, ``fast`` (a brittle frame: near free fall). The sim honours it through the
    energy its members absorb as they crush, within what the physics allows; the report shows what happened."""
    direction: FallDirection | None = None
    """Where it falls: ``toward_camera``, ``away_from_camera``, ``left``, ``right`` (of the picture); for a
    topple the side it tips to, for a collapse the side its debris is thrown to. ``None``: the sim chooses."""
    stage_delay_s: float | None = Field(default=None, ge=0.0, le=10.0)
    """Seconds between the stages of a staged failure (the charges of an implosion, core first); ``None``: the
    default of the kind (0.15 s for an implosion)."""
    leaves_standing: tuple[StandingPart, ...] = ()
    """What stays standing when the rest comes down: ``core`` (the lift core), ``stair`` (the stair cores),
    ``lower_floors`` (the floors below the start floor)."""


class Look(Strict):
    preset: str = "neutral"
    """A look preset: ``neutral``, ``villeneuve``, ``nolan``, ``fincher``, ``spielberg``, ``kubrick``, ``deakins``, ..."""
    quality: Quality = "standard"
    raw: bool = False
    """``--style raw``: no stylisation beyond the preset."""
    grade: tuple[str, ...] = ()
    """Grade words: ``desaturated``, ``teal_orange``, ``warm``, ``cool``, ``high_contrast``, ``film_grain``, ..."""


class PlateCamera(Strict):
    """The camera that shot the plate, as the artist states it (camera report, survey). Left at ``None``, the
    CG camera is solved from the spec's own camera and framing as without a plate."""

    focal_length_mm: float | None = Field(default=None, gt=0.0, le=2000.0)
    """The plate's lens. Setting it makes the CG camera match the plate's (with the fields below)."""
    sensor_width_mm: float | None = Field(default=None, gt=0.0, le=100.0)
    """Film back width actually used for the plate (default: the spec camera's sensor)."""
    sensor_height_mm: float | None = Field(default=None, gt=0.0, le=100.0)
    height_m: float | None = Field(default=None, ge=0.0, le=2000.0)
    """Lens height above the ground (default 1.7 m)."""
    tilt_deg: float = Field(default=0.0, ge=-89.0, le=89.0)
    """Up (+) or down (-) from level."""
    building_px: tuple[float, float] | None = None
    """Where the foot of the building's front stands in the plate, (x, y) pixels from the top-left of the plate
    at the shot's resolution. With ``height_m`` and ``tilt_deg`` it fixes the distance to the building."""
    building_distance_m: float | None = Field(default=None, gt=0.0, le=50000.0)
    """Distance from the lens to the building's front, when it was measured (overrides ``building_px``'s y)."""
    k1: float = Field(default=0.0, ge=-1.0, le=1.0)
    """Brown-Conrady radial distortion of the plate's lens (normalised to the half-diagonal): applied to the CG."""
    k2: float = Field(default=0.0, ge=-1.0, le=1.0)


class Plate(Strict):
    """The live-action plate the CG goes over: a movie, an image sequence or one still held for the shot."""

    path: str | None = None
    """``plate.mov``, ``plate.####.exr`` (or ``plate.%04d.dpx``) or ``still.jpg``; ``None``: no plate, the
    rendered street and sky are the background."""
    colorspace: str = "sRGB"
    """The plate's input colour space (``plano colorspaces`` lists them): sRGB, Rec.709, ARRI LogC3, ..."""
    fps: float | None = Field(default=None, gt=0.0, le=240.0)
    """The plate's frame rate; ``None``: the movie's own, or the shot's for a sequence. A plate at another rate
    than the shot is conformed by holding the nearest plate frame, and the report says so."""
    first_frame: int | None = Field(default=None, ge=0)
    """The plate frame (sequence number, or movie frame from 0) that goes with the shot's first frame."""
    hold: bool = False
    """Hold the plate's first frame for the whole shot (a still is always held)."""
    track: bool = False
    """A hand-held plate: 2D-track it (OpenCV features) and move the CG with it."""
    camera: PlateCamera = PlateCamera()


class Comp(Strict):
    """How the CG sits in the plate. Defaults are what a compositor would start from."""

    haze_per_km: float | None = Field(default=None, ge=0.0, le=50.0)
    """Aerial perspective on the CG: extinction per kilometre (``None``: from the weather)."""
    light_wrap: float = Field(default=0.35, ge=0.0, le=1.0)
    """How much of the background bleeds over the CG's edges."""
    grain: bool = True
    """Measure the plate's grain and match it on the CG (film grain of the look without a plate)."""
    color_match: bool = True
    """Match the CG's blacks, mid-grey and whites to the plate's."""
    shadows: float = Field(default=0.85, ge=0.0, le=1.0)
    """How strongly the CG's shadow on the rendered ground (and the dust's) darkens the plate's ground."""
    shake_px: float = Field(default=6.0, ge=0.0, le=200.0)
    """Camera shake at the strongest impact, in pixels of an HD frame (1920 wide; scaled to the picture's width;
    0: none)."""
    shake_decay_s: float = Field(default=0.5, gt=0.0, le=10.0)
    """How quickly the shake dies away after an impact."""
    shake_hz: float = Field(default=8.0, gt=0.0, le=60.0)
    vignette: float = Field(default=0.25, ge=0.0, le=1.0)
    chromatic_aberration_px: float = Field(default=0.6, ge=0.0, le=20.0)
    """Lateral fringing at the frame's corners, in pixels of an HD frame (1920 wide)."""
    exr_compression: Literal["rle", "piz", "zip", "zips", "none"] = "rle"
    """Lossless compression of the comp EXRs: ``rle`` (default) is the fastest to write (a third larger than
    ``piz``, which packs grainy frames best; ``zip`` is the smallest and slowest)."""


class ShotSpec(Strict):
    schema_version: int = SCHEMA_VERSION
    shot: str = "SEQ010_SH010"
    prompt: str = Field(default="", max_length=MAX_PROMPT_CHARS)
    seed: int = Field(default=0, ge=0)
    camera: Camera = Camera()
    format: Format = Format()
    subject: Subject = Subject()
    place: Place = Place()
    light: Light = Light()
    action: Action = Action()
    effects: tuple[Effect, ...] = ("dust", "debris")
    look: Look = Look()
    plate: Plate = Plate()
    comp: Comp = Comp()
    sources: dict[str, tuple[str, ...]] = {}
    """For each field path the parser set (``camera.focal_length_mm``), the words that set it."""
    notes: tuple[str, ...] = ()
    """What the parser decided and why, e.g. when a later word overrode an earlier one."""
    unparsed: tuple[str, ...] = ()
    """Words or phrases of the prompt that were not understood."""

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v != SCHEMA_VERSION:
            raise ValueError(f"schema_version {v} is not {SCHEMA_VERSION}; load the file with plano.spec.load_spec")
        return v

    @field_validator("shot")
    @classmethod
    def _shot_name(cls, v: str) -> str:
        from plano.schema.naming import shot_name_problem

        problem = shot_name_problem(v)
        if problem:
            raise ValueError(problem)
        return v

    @field_validator("effects")
    @classmethod
    def _unique_effects(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v))
