"""The rigid sim drives the effects: events from breaks and impacts, handed over once per frame, in order."""

import numpy as np
from sim_fixtures import building, stack

from plano.sim.cache import empty_particles
from plano.sim.events import BREAK, GROUND_IMPACT, IMPACT, Events
from plano.sim.run import run_sim
from plano.spec.model import Action, Format, ShotSpec


class RecordingEffects:
    """Stands in for plano.sim.effects.EffectsSim in this unit test: records what the rigid sim hands over."""

    calls: list = []

    def __init__(self, scene, spec, seed, fps):
        RecordingEffects.calls = []
        self.fps = fps

    def step(self, frame_index, t_s, events, chunk_positions, chunk_velocities):
        RecordingEffects.calls.append((frame_index, t_s, events, chunk_positions.copy(), chunk_velocities.copy()))
        return empty_particles(), None


def test_effects_get_every_frame_in_order_with_the_events_of_the_collapse(tmp_path):
    sc = stack(4, size=1.0)
    spec = ShotSpec(effects=("dust",), format=Format(duration_s=2.0, fps=24.0),
                    action=Action(kind="collapse", start_floor=1, start_s=0.5))
    cache = run_sim(sc, spec, tmp_path, effects=RecordingEffects, target_chunks=40)
    calls = RecordingEffects.calls
    assert [c[0] for c in calls] == list(range(cache.info.frame_count))
    assert np.allclose([c[1] for c in calls], np.arange(len(calls)) / 24.0)
    assert all(isinstance(c[2], Events) for c in calls)
    C = cache.chunks.count
    assert all(c[3].shape == (C, 3) and c[4].shape == (C, 3) for c in calls)
    ev = Events.concat([c[2] for c in calls])
    breaks = ev.times_s[ev.kinds == BREAK]
    assert len(breaks) > 0 and breaks.min() >= 0.5 - 1e-9  # nothing breaks before the trigger
    assert np.any(np.isin(ev.kinds, (IMPACT, GROUND_IMPACT)))  # the falling block hits something
    # the positions handed over are the cached ones
    f = cache.frame(cache.frames[-1])
    assert np.allclose(calls[-1][3], f.positions)


def test_no_trigger_no_events(tmp_path):
    spec = ShotSpec(effects=("dust",), format=Format(duration_s=1.0), action=Action(kind="none"))
    run_sim(building(storeys=2, nx=1, ny=1), spec, tmp_path, effects=RecordingEffects, target_chunks=60)
    assert sum(c[2].count for c in RecordingEffects.calls) == 0
