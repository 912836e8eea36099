"""Fault suite, input and the error path: names that become paths are checked in the schema and every write
stays in its run folder; spec files and prompts are bounded; sizes are checked before anything is allocated;
every failure is one message with exit status 1 (a user error), 2 (usage), 70 (a crash, with a log in the run
folder), 75 (busy) or 130 (interrupted); nothing from the user reaches the terminal raw; the parser says what
it could not honour."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from fault_fixtures import SHOT, cli, tiny_spec, write_spec
from plano.budget import CostTooHigh, check_cost, estimate
from plano.console import esc, text, visible
from plano.core import Store
from plano.core.atomic import atomic_write_text, writes_inside
from plano.errors import PlanoError
from plano.spec.io import SpecError, load_spec
from plano.spec.model import MAX_PROMPT_CHARS, Format, ShotSpec
from plano.spec.parse import parse_prompt

# ---------------------------------------------------------------- names and paths


@pytest.mark.parametrize("name", ["x/../../../ESCAPED", "../SEQ_SH", "/etc/SEQ_SH", "SEQ_SH/..", "SEQ_SH\x00",
                                  "SEQ 010_SH", "SEQ010_SH010\n", "A_" + "B" * 80, "SEQ_SH_", "ＳＥＱ_SH", ""])
def test_a_shot_name_that_could_leave_its_folder_is_refused_by_the_schema(name, tmp_path):
    with pytest.raises(ValidationError, match="shot"):
        ShotSpec(shot=name)
    path = tmp_path / "shot.yaml"
    path.write_text(json.dumps({"shot": name}))  # JSON is YAML: any character survives
    with pytest.raises(SpecError, match=r"shot: shot name"):
        load_spec(path)


def test_a_spec_naming_a_folder_above_the_shots_writes_nothing_there(tmp_path, capsys):
    spec = tmp_path / "evil.yaml"
    spec.write_text("shot: x/../../../ESCAPED\n")
    for command in ("parse", "scene", "render"):
        code, err = cli(capsys, command, "--spec", str(spec), *(["--shots-dir", str(tmp_path / "s")]
                                                                  if command != "parse" else []))
        assert code == 1 and "SEQ_SHOT" in err, (command, err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evil.yaml"]


def test_every_write_during_a_run_stays_in_its_folder(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "out").symlink_to(tmp_path)  # a link out of the folder
    with writes_inside(run):
        atomic_write_text(run / "ok.txt", "fine")
        for bad in (tmp_path / "above.txt", run / ".." / "above.txt", run / "out" / "above.txt", Path("/tmp/x.txt")):
            with pytest.raises(PlanoError, match="outside the run folder"):
                atomic_write_text(bad, "no")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    with pytest.raises(PlanoError, match="outside the run folder"):
        Store(run).path("out", "x")


def test_a_node_that_tries_to_write_outside_its_folder_is_stopped(tmp_path):
    from plano.core import Graph, Node, run_graph

    def run(ctx):
        atomic_write_text(ctx.store.root.parent / "escaped.txt", "x")

    with pytest.raises(PlanoError, match="outside the run folder"):
        run_graph(Graph((Node("a", run, lambda s: None),)), Store(tmp_path / "run"))
    assert not (tmp_path / "escaped.txt").exists()


@pytest.mark.parametrize("version", ["0", "-1", "100000"])
def test_a_version_out_of_range_is_one_message(version, tmp_path, capsys):
    code, err = cli(capsys, "scene", "a tower", "--shots-dir", str(tmp_path), "--version", version)
    assert code == 1 and "version must be a whole number from 1 to 9999" in err, err


# ---------------------------------------------------------------- bounded input

BOMB = "shot: SEQ010_SH010\na: &a [" + ",".join(["lol"] * 9) + "]\n" + "".join(
    f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))


@pytest.mark.parametrize("name, content, message", [
    ("bomb.yaml", BOMB, "alias"),
    ("aliases.yaml", "x: &x 1\ny: [" + ",".join(["*x"] * 100) + "]\n", "more than 64 YAML aliases"),
    ("deep.yaml", "a: " + "[" * 5000 + "]" * 5000, "nested more than 16 levels"),
    ("deep2.yaml", "".join(f"{' ' * i}k{i}:\n" for i in range(40)), "nested more than 16 levels"),
    ("deep.json", '{"a": ' + "[" * 100000 + "]" * 100000 + "}", "nested more than 16 levels"),
    ("wide.yaml", "notes: [" + ",".join(["x"] * 30000) + "]", "more than 20,000 values"),
    ("big.yaml", "prompt: '" + "x" * 300_000 + "'", "at most 262,144 bytes"),
    ("latin1.yaml", "prompt: caf\xe9".encode("latin-1"), "not UTF-8 text: byte 0xe9 at offset 11 (line 1)"),
    ("binary.yaml", bytes(range(256)) * 4, "binary"),
    ("date.yaml", "place: {date: 2026-13-45}", "not valid YAML"),
    ("int.yaml", "seed: " + "9" * 5000, "not valid YAML"),
    ("tag.yaml", "seed: !!python/object/apply:os.system ['echo hi']", "not valid YAML"),
    ("list.yaml", "- 1\n- 2", "must be a mapping"),
    ("nan.json", '{"format": {"fps": NaN}}', "format.fps"),
    ("inf.json", '{"format": {"duration_s": 1e999}}', "format.duration_s"),
    ("start.yaml", "format: {frame_start: 10000000000000000000}", "format.frame_start: must be <= 9999999"),
    ("seed.yaml", "seed: -1", "seed: must be >= 0"),
    ("version.yaml", "schema_version: true", "schema_version"),
])
def test_a_spec_file_past_a_limit_is_one_message_naming_it(tmp_path, capsys, name, content, message):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(SpecError) as err:
        load_spec(path)
    assert message in str(err.value) and str(path) in str(err.value)
    code, out = cli(capsys, "parse", "--spec", str(path))
    assert code == 1 and "Traceback" not in out, out


def test_an_alias_bomb_is_refused_without_expanding_it(tmp_path):
    import resource
    import time

    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB)  # 9**9 = 387 million strings once expanded
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    with pytest.raises(SpecError, match="alias"):
        load_spec(path)
    assert time.perf_counter() - t0 < 2.0
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 50_000  # kB


def test_a_prompt_past_the_limit_is_refused_before_it_is_read(capsys, tmp_path):
    with pytest.raises(PlanoError, match="at most 4,000"):
        parse_prompt("tower " * 1000)
    parse_prompt("x" * MAX_PROMPT_CHARS)
    code, err = cli(capsys, "parse", "tower " * 1000)
    assert code == 1 and "at most 4,000" in err


@pytest.mark.parametrize("fmt, quality, refused", [
    (Format(width=7680, height=4320, fps=240, duration_s=600), "final", True),
    (Format(width=16384, height=9216, fps=24, duration_s=60), "final", True),
    (Format(width=1920, height=1080, fps=24, duration_s=5), "final", False),
    (Format(width=7680, height=4320, fps=24, duration_s=5), "previs", False),
])
def test_a_shot_far_above_the_machine_says_so_with_its_estimate(tmp_path, fmt, quality, refused):
    spec = tiny_spec(format=fmt)
    est = estimate(spec, quality)
    assert est.frames == fmt.frame_count and est.seconds > 0
    if refused:
        with pytest.raises(CostTooHigh, match=r"frames of \d+x\d+.*--confirm-cost"):
            check_cost(spec, quality, tmp_path)
        assert check_cost(spec, quality, tmp_path, confirmed=True) == est
    else:
        check_cost(spec, quality, tmp_path)


def test_a_huge_shot_is_refused_before_a_folder_or_a_frame_is_made(tmp_path, capsys):
    code, err = cli(capsys, "shot", "a tower collapses, 8K, 240 fps, 10 minutes long", "--quality", "final",
                    "--shots-dir", str(tmp_path / "shots"))
    assert code == 1 and "144,000 frames of 7680x4320" in err and "--confirm-cost" in err, err
    assert not (tmp_path / "shots").exists()


@pytest.mark.parametrize("frames, message", [
    ("1001-300000000", "outside the shot"), ("1001-" + "9" * 500, "outside the shot"), ("1001-1x", "not a frame range"),
    (",".join(["1001-1012"] * 200), "characters long"), ("-5", "outside the shot"), ("1012-1001", "backwards"),
])
def test_frame_ranges_are_checked_before_any_list_is_built(frames, message):
    from plano.render.cli import parse_frames

    with pytest.raises(PlanoError, match=message):
        parse_frames(frames, 1001, 1012)


# ---------------------------------------------------------------- one error path


def test_file_system_errors_are_user_errors_naming_the_path(tmp_path, capsys):
    (tmp_path / "afile").write_text("x")
    spec_file = write_spec(tmp_path)
    for args, message in (
        (["scene", "--spec", str(spec_file), "--shots-dir", str(tmp_path / "afile")], "is a file"),
        (["scene", "--spec", str(spec_file), "--shots-dir", str(tmp_path / "afile" / "deeper")], "afile"),
        (["parse", "a tower", "--save", str(tmp_path / "afile" / "x.yaml")], "a file is in the way"),
        (["parse", "--spec", str(tmp_path)], "is a folder"),
        (["parse", "--spec", str(tmp_path / "missing.yaml")], "No such file"),
        (["deliver", str(tmp_path / "afile")], "does not exist"),
    ):
        code, err = cli(capsys, *args)
        assert code == 1 and message in err and "Traceback" not in err, (args, err)


def test_a_crash_exits_70_with_the_traceback_in_a_log_in_the_run_folder(tmp_path, capsys, monkeypatch):
    import plano.scene.build as build

    def broken(*a, **k):
        raise ZeroDivisionError("a bug deep in the set")

    monkeypatch.setattr(build, "build_set", broken)
    code, err = cli(capsys, "scene", "--spec", str(write_spec(tmp_path)), "--shots-dir", str(tmp_path / "s"))
    assert code == 70, err
    assert "plano crashed (ZeroDivisionError: a bug deep in the set)" in err and "Traceback" not in err
    log = Path(re.search(r"traceback is in (\S+\.log)", err.replace("\n", "")).group(1))
    assert log.parent == tmp_path / "s" / SHOT / "v001" / "logs"
    body = log.read_text()
    assert "Traceback (most recent call last)" in body and "ZeroDivisionError" in body and "broken" in body


def test_user_errors_and_usage_errors_have_their_own_codes(tmp_path, capsys):
    assert cli(capsys, "parse", "--no-such-option")[0] == 2
    assert cli(capsys, "shot", "--spec", str(write_spec(tmp_path)), "--seed", "-1")[0] == 1
    assert cli(capsys, "scene", "--spec", str(write_spec(tmp_path)), "--seed", "-1", "--shots-dir", str(tmp_path))[0] == 1
    assert cli(capsys, "shot", "   ", "--shots-dir", str(tmp_path))[0] == 1
    assert cli(capsys, "parse", "a tower")[0] == 0


def test_ctrl_c_says_how_to_resume_and_exits_130(tmp_path, capsys, monkeypatch):
    import plano.scene.build as build

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "build_set", interrupted)
    code, err = cli(capsys, "scene", "--spec", str(write_spec(tmp_path)), "--shots-dir", str(tmp_path / "s"))
    assert code == 130 and "run the same command again to resume" in err, err
    assert (tmp_path / "s" / SHOT / "v001" / ".plano" / "lock").read_text() == ""  # the lock was let go


# ---------------------------------------------------------------- the terminal


@pytest.mark.parametrize("raw", ["[/]", "[bold red]x[/bold red]", "[link=file:///etc/passwd]x[/link]", "\x1b[2J\x1b[31m",
                                 "a\rb", "\x07\x08\x7f", "\u202eevil", "\x9b31m"])
def test_nothing_from_the_user_reaches_the_terminal_raw(raw):
    shown = visible(raw)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", shown)
    from rich.console import Console

    console = Console(record=True, width=200, color_system=None)
    console.print(f"x {esc(raw)} y")
    console.print(text(raw))
    out = console.export_text()
    assert "\x1b" not in out and "\r" not in out
    if raw.startswith("["):
        assert raw in out  # markup shown as written


def test_markup_and_escapes_in_paths_and_prompts_print_as_written(tmp_path, capsys):
    odd = tmp_path / "[bold]odd[/bold]" / "[/]"
    code, err = cli(capsys, "parse", "--spec", str(odd / "missing.yaml"))
    assert code == 1 and "[bold]odd[/bold]/[/]" in err, err
    code, err = cli(capsys, "scene", "--spec", str(write_spec(tmp_path)), "--shots-dir", str(tmp_path / "f[/]"),
                    "--shot", "bad\x1b[31mname")
    assert code == 1 and "\x1b" not in err and "\\x1b" in err, err


# ---------------------------------------------------------------- what the words cannot honour


@pytest.mark.parametrize("prompt, check, note", [
    ("-30 fps", lambda s: s.format.fps == 24, "negative"),
    ("wide shot --seed -1", lambda s: s.seed == 0, "--seed -1"),
    ("\u221212 storeys", lambda s: s.subject.storeys is None, "negative"),
    ("dutch angle -15 degrees", lambda s: s.camera.dutch_deg == -15, None),
    ("at night, 3pm", lambda s: s.light.time_of_day == "afternoon", "contradicts earlier 'at night'"),
    ("3pm, at night", lambda s: s.light.time_of_day == "night" and s.light.local_time is None,
     "contradicts earlier '3pm'"),
    ("dusk, 7pm", lambda s: s.light.time_of_day == "dusk" and s.light.local_time.hour == 19, None),
    ("16K --ar 9:21", lambda s: max(s.format.width, s.format.height) <= 16384, "clamped"),
    ("1001-1010 frames, a 12-storey tower", lambda s: s.subject.storeys == 12, None),
])
def test_the_parser_says_what_it_could_not_honour(prompt, check, note):
    spec = parse_prompt(prompt)
    assert check(spec), spec
    if note is None:
        assert not any("negative" in n or "contradicts" in n for n in spec.notes), spec.notes
    else:
        assert any(note in n for n in spec.notes), spec.notes


def test_escape_bytes_in_a_prompt_are_kept_in_the_spec_but_shown_escaped(capsys):
    from plano.cli.commands import main

    raw = "a tower \x1b]0;owned\x07 at dusk \x1b[2J [/] \x9b"
    with pytest.raises(SystemExit) as stop:
        main(["parse", raw])
    out = capsys.readouterr()
    assert stop.value.code == 0
    for stream in (out.out, out.err):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", stream.replace("\n", "")), stream
    assert "\\x1b]0;owned\\x07" in out.out.replace("\n", "") and "[/]" in out.out
    assert parse_prompt(raw).prompt == raw
