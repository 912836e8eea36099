"""Stage 1, ``spec``: a director's words to a :class:`ShotSpec`."""

from plano.spec.io import SpecError, json_schema, load_spec, save_spec, spec_from_dict, spec_to_yaml
from plano.spec.model import SCHEMA_VERSION, ShotSpec
from plano.spec.parse import parse_prompt

__all__ = ["SCHEMA_VERSION", "ShotSpec", "SpecError", "json_schema", "load_spec", "parse_prompt", "save_spec", "spec_from_dict", "spec_to_yaml"]
