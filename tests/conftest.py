"""Slow, GPU and optional-engine tests are skipped by default, with the reason."""

import pytest


def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="also run tests marked slow")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True, scope="session")
def _c2pa_test_chain(tmp_path_factory):
    """C2PA signing in tests uses a test chain made for the session, never the user's ~/.cache one."""
    import os

    folder = tmp_path_factory.mktemp("c2pa-test")
    old = os.environ.get("PLANO_C2PA_TEST_DIR")
    os.environ["PLANO_C2PA_TEST_DIR"] = str(folder)
    os.environ.pop("PLANO_C2PA_CERT", None)
    os.environ.pop("PLANO_C2PA_KEY", None)
    yield folder
    if old is None:
        os.environ.pop("PLANO_C2PA_TEST_DIR", None)
    else:
        os.environ["PLANO_C2PA_TEST_DIR"] = old
