"""The pipeline core: atomic writes, the store, cache keys, and running a graph of nodes."""

import json

import pytest

from plano.core import Graph, Node, Store, UndeclaredInput, atomic_path, cache_key, run_graph, stable_hash
from plano.errors import PlanoError
from plano.schema.naming import RunFolder, frame_file, parse_frame_file


def test_atomic_path_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "frame.1001.exr"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("killed")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    with atomic_path(target) as tmp:
        assert tmp.suffix == ".exr" and tmp != target
        tmp.write_bytes(b"whole")
    assert target.read_bytes() == b"whole"


def test_run_folder_versions_and_names(tmp_path):
    a = RunFolder.open(tmp_path, "SEQ010_SH010", new=True)
    b = RunFolder.open(tmp_path, "SEQ010_SH010", new=True)
    assert (a.version, b.version) == (1, 2)
    assert RunFolder.open(tmp_path, "SEQ010_SH010").version == 2
    assert b.frame_path("passes", 1001).name == "SEQ010_SH010_v002.1001.exr"
    assert parse_frame_file(frame_file(b.name, 1042)) == ("SEQ010_SH010_v002", 1042, "exr")
    assert RunFolder.at(b.root) == b
    with pytest.raises(PlanoError, match="SEQ_SHOT"):
        RunFolder.open(tmp_path, "bad name")
    with pytest.raises(PlanoError, match="not a run folder"):
        RunFolder.at(tmp_path)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(PlanoError, match="is a file"):
        RunFolder.open(tmp_path / "afile", "SEQ010_SH010")


def test_store_refuses_paths_outside_its_folder(tmp_path):
    store = Store(tmp_path / "run")
    assert store.path("passes", "a.exr") == tmp_path / "run" / "passes" / "a.exr"
    for bad in (("..", "x"), ("/etc/passwd",), ("passes", "..", "..", "y")):
        with pytest.raises(PlanoError, match="outside the run folder"):
            store.path(*bad)


def test_cache_key_depends_on_config_and_upstream():
    assert stable_hash({"a": 1, "b": [1.0, 2]}) == stable_hash({"b": [1.0, 2], "a": 1})
    k = cache_key("render", {"lens": 35}, {"sim": "x"})
    assert k != cache_key("render", {"lens": 50}, {"sim": "x"})
    assert k != cache_key("render", {"lens": 35}, {"sim": "y"})


def _node(name, config, inputs, calls, reads=None):
    """A node that writes a JSON file of what it read; ``reads`` names the inputs it asks for."""

    def run(ctx):
        calls.append(name)
        ctx.progress(0.5, "half")
        got = {i: ctx.inputs[i] for i in (reads if reads is not None else inputs)}
        out = {"name": name, "config": config, "upstream": got}
        ctx.store.path(f"{name}.json").write_text(json.dumps(out))
        return out

    def load(store):
        return json.loads(store.path(f"{name}.json").read_text())

    return Node(name, run, load, config=config, inputs=inputs, writes=(f"{name}.json",))


def _chain(lens, calls):
    return Graph((
        _node("sim", {"seed": 1}, (), calls),
        _node("render", {"lens": lens}, ("sim",), calls),
        _node("deliver", {}, ("render",), calls),
    ))


def test_changed_config_reruns_only_that_node_and_after(tmp_path):
    store, calls = Store(tmp_path), []
    run_graph(_chain(35, calls), store)
    assert calls == ["sim", "render", "deliver"]
    calls.clear()
    res = run_graph(_chain(35, calls), store)
    assert calls == [] and all(r.cached for r in res.values())
    run_graph(_chain(50, calls), store)
    assert calls == ["render", "deliver"]
    # an output gone: that node runs again; its key is unchanged, so what follows is reused
    calls.clear()
    store.path("sim.json").unlink()
    run_graph(_chain(50, calls), store)
    assert calls == ["sim"]
    calls.clear()
    run_graph(_chain(50, calls), store, force=["render"])
    assert calls == ["render", "deliver"]


def test_a_node_reads_only_what_it_declares(tmp_path):
    calls = []
    graph = Graph((_node("sim", {}, (), calls), _node("scene", {}, (), calls),
                   _node("render", {}, ("scene",), calls, reads=("scene", "sim"))))
    with pytest.raises(UndeclaredInput, match="node 'render' reads 'sim', which it does not declare"):
        run_graph(graph, Store(tmp_path))


def test_a_graph_is_checked_when_it_is_made():
    calls = []
    with pytest.raises(ValueError, match="which no node before it makes"):
        Graph((_node("render", {}, ("sim",), calls),))
    with pytest.raises(ValueError, match="two nodes are named"):
        Graph((_node("sim", {}, (), calls), _node("sim", {}, (), calls)))
    a = Node("a", lambda c: 1, lambda s: 1, writes=("out",))
    b = Node("b", lambda c: 1, lambda s: 1, writes=("out",))
    with pytest.raises(ValueError, match="both write 'out'"):
        Graph((a, b))


def test_cut_keeps_a_node_and_its_ancestors():
    calls = []
    g = Graph((_node("set", {}, (), calls), _node("scene", {}, ("set",), calls), _node("sim", {}, ("set",), calls),
               _node("render", {}, ("scene", "sim"), calls), _node("deliver", {}, ("render",), calls)))
    assert g.cut("sim").names == ("set", "sim")
    assert g.cut("render").names == ("set", "scene", "sim", "render")
    assert g.downstream(["scene"]) == ("scene", "render", "deliver")
    # the cut's keys are the full graph's keys: a stage command and the shot share their records
    full, cut = g.keys(), g.cut("render").keys()
    assert all(full[n] == cut[n] for n in cut)


def test_a_new_key_clears_old_outputs_and_the_same_key_resumes(tmp_path):
    store = Store(tmp_path)
    seen = []

    def make(tag):
        def run(ctx):
            seen.append((tag, ctx.resume, sorted(p.name for p in store.path("frames").glob("*"))))
            store.path("frames").mkdir(exist_ok=True)
            store.path("frames", "f1.exr").write_text(tag)
            if tag == "die":
                store.path("frames", "f2.tmp-1.exr").write_text("half")
                raise KeyboardInterrupt  # killed midway: no record
            return tag

        return Node("render", run, lambda s: s.path("frames", "f1.exr").read_text(),
                    config={"tag": tag if tag != "die" else "a"}, writes=("frames",))

    with pytest.raises(KeyboardInterrupt):
        run_graph(Graph((make("die"),)), store)
    assert store.record("render") is None
    run_graph(Graph((make("a"),)), store)  # same key: resumes, the half-written temporary is gone
    assert seen[-1] == ("a", True, ["f1.exr"])
    run_graph(Graph((make("b"),)), store)  # another key: starts clean
    assert seen[-1] == ("b", False, [])


def test_partial_runs_write_no_record(tmp_path):
    store, calls = Store(tmp_path), []
    got = []
    node = Node("render", lambda ctx: got.append(dict(ctx.options)) or "x", lambda s: "x", config={})
    run_graph(Graph((node,)), store, partial={"render": {"frames": [1001]}})
    assert got == [{"frames": [1001]}] and store.record("render") is None
    run_graph(Graph((node,)), store)
    assert store.record("render")["key"]
