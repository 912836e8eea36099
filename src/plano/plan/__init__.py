"""Planning a sequence: shots that cover one event, variants side by side, the animatic, OTIO, techvis."""
