"""Adapters to file formats and tools (EXR, USD, ...), as plain modules."""
