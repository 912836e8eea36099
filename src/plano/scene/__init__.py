"""The scene stage: procedural building and street, materials, camera rig, sun and sky (USD export)."""
