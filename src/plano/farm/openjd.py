"""The shot as an Open Job Description job template (``jobtemplate-2023-09``, the job format of AWS Deadline
Cloud and of other farm managers that read OpenJD), validated with ``openjd-model`` before it is written.

Three steps, each a ``plano farm-task`` command on a worker that sees the run folder (a job parameter, so a farm
can map it to where its workers mount it):

1. ``Simulate``: spec, set, scene and sim, one task; it begins the render;
2. ``Render``: one task per chunk of frames (the same chunks the Ray executor makes for as many workers);
3. ``Finish``: checks every frame, composites, delivers (the movies, the report), one task.

Each step asks for the CPUs and memory its stage's node declares (``amount.worker.vcpu``, ``amount.worker.memory``
in MiB, ``amount.worker.gpu``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plano.core.executor import Resources
from plano.errors import MissingEngine, PlanoError

SPEC_VERSION = "jobtemplate-2023-09"


def _host(resources: Resources | None) -> dict[str, Any]:
    r = resources or Resources()
    amounts = [{"name": "amount.worker.vcpu", "min": max(1, int(round(r.cpus)))}]
    if r.memory_bytes:
        amounts.append({"name": "amount.worker.memory", "min": max(1, r.memory_bytes >> 20)})
    if r.gpus:
        amounts.append({"name": "amount.worker.gpu", "min": max(1, int(round(r.gpus)))})
    return {"amounts": amounts}


def _action(*args: str) -> dict[str, Any]:
    return {"actions": {"onRun": {"command": "{{Param.Plano}}", "args": ["farm-task", "{{Param.RunFolder}}", *args,
                                                                        "--quality", "{{Param.Quality}}"]}}}


def job_template(graph, run_name: str, run_root: Path, quality: str, workers: int) -> dict[str, Any]:
    """The job template of one shot's ``graph`` (``plano.shot.shot_graph``) in ``run_root``: render chunks as
    for ``workers`` machines."""
    render = graph.node("render")
    chunks = [opts["frames"] for _, opts in render.chunks(workers)]
    frames = [f"{c[0]}-{c[-1]}" for c in chunks]
    return {
        "specificationVersion": SPEC_VERSION,
        "name": f"plano {run_name}",
        "description": f"plano shot {run_name}: simulate, render in {len(frames)} chunks of frames, composite and "
                       "deliver, in a run folder every worker sees",
        "parameterDefinitions": [
            {"name": "RunFolder", "type": "PATH", "objectType": "DIRECTORY", "dataFlow": "INOUT",
             "default": str(run_root), "description": "The shot's run folder, as the workers see it"},
            {"name": "Quality", "type": "STRING", "allowedValues": ["previs", "final"], "default": quality,
             "description": "previs: fast, 720 lines; final: the spec's resolution"},
            {"name": "Plano", "type": "STRING", "default": "plano", "minLength": 1,
             "description": "The plano command on the workers (a path to it when it is not on PATH)"},
        ],
        "steps": [
            {"name": "Simulate", "description": "spec, set, scene and sim in one task",
             "script": _action("--until", "sim"), "hostRequirements": _host(graph.node("sim").resources)},
            {"name": "Render", "description": "multi-layer EXR passes, a chunk of frames a task",
             "dependencies": [{"dependsOn": "Simulate"}],
             "parameterSpace": {"taskParameterDefinitions": [{"name": "Frames", "type": "STRING", "range": frames}]},
             "script": _action("--chunk", "render", "--frames", "{{Task.Param.Frames}}"),
             "hostRequirements": _host(render.resources)},
            {"name": "Finish", "description": "check every frame, composite and deliver",
             "dependencies": [{"dependsOn": "Render"}], "script": _action("--until", "deliver"),
             "hostRequirements": _host(Resources(cpus=2, memory_bytes=4 << 30))},
        ],
    }


def validate(template: dict[str, Any]) -> Any:
    """The template decoded by ``openjd-model`` (a PlanoError listing what is invalid), and the job it makes with
    its default parameters."""
    try:
        from openjd.model import DecodeValidationError, create_job, decode_job_template
    except ImportError as err:
        raise MissingEngine("openjd-model", f"it cannot be imported ({err})", "pip install 'plano[farm]'") from None
    try:
        decoded = decode_job_template(template=template)
        return create_job(job_template=decoded, job_parameter_values={})
    except (DecodeValidationError, ValueError) as err:
        raise PlanoError(f"the Open Job Description template plano made is not valid: {err}") from None


def write_template(template: dict[str, Any], path: Path) -> Path:
    """Write ``template`` as YAML (atomically) after validating it."""
    import yaml

    from plano.core.atomic import atomic_write_text

    validate(template)
    if path.is_dir():
        raise PlanoError(f"--out {str(path)!r} is a folder; give a file name such as {path / 'job.template.yaml'}")
    if path.suffix not in (".yaml", ".yml", ".json"):
        raise PlanoError(f"--out {str(path)!r}: name the template .yaml or .json (e.g. job.template.yaml)")
    if path.suffix == ".json":
        import json

        text = json.dumps(template, indent=2) + "\n"
    else:
        text = yaml.safe_dump(template, sort_keys=False, width=120)
    return atomic_write_text(path, text)
