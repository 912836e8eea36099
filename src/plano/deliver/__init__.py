"""deliver: from render passes (multi-layer EXR, scene-linear ACEScg) to what people watch and read.

``exr`` reads and writes the passes, ``color`` is the OCIO display transform (built-in ACES config),
``movie`` encodes ProRes 422 HQ and H.264, ``contact`` draws the contact sheet, ``report`` writes
report.html, ``provenance`` writes provenance.json, and ``run.deliver_shot`` does all of it.
"""
