"""Colour management: OpenColorIO's built-in ACES config, the only display transform in plano.

Everything between render and deliver is scene-linear ACEScg in float. Anything a person looks at (``plano render
--png``, the scene preview, the contact sheet, the report's stills, the movies) goes through ``to_display``.

Public: ``to_display``, ``to_8bit``, ``quantize_8bit``, ``save_png``, ``color_info``; the constants
``SCENE_SPACE``, ``VIEW``, ``DISPLAYS``, ``CONFIG_NAMES``.
"""

from plano.color.ocio import (
    CONFIG_NAMES,
    DISPLAYS,
    SCENE_SPACE,
    VIEW,
    Display,
    color_info,
    quantize_8bit,
    save_png,
    to_8bit,
    to_display,
)

__all__ = ["CONFIG_NAMES", "DISPLAYS", "SCENE_SPACE", "VIEW", "Display", "color_info", "quantize_8bit", "save_png",
           "to_8bit", "to_display"]
