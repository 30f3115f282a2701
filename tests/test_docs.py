"""The docs site builds with --strict (no broken link, no page left out), and its reference pages,
generated from the code at build time, name everything the code has."""

import json
import os
import re
import subprocess
import sys

import jsonschema
import pytest

from ielts_rq.cli import main
from ielts_rq.policies import POLICIES

from .conftest import ROOT
from .test_configuration import _variables_read_by_settings

sys.path.insert(0, str(ROOT / "scripts"))
import docs_reference  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)], cwd=ROOT,
                           capture_output=True, text=True, timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert built.returncode == 0, built.stderr[-3000:]
    assert "WARNING" not in built.stderr, built.stderr[-3000:]
    return out


def test_the_site_builds_strict_with_every_reference_page(site):
    for page in ("reference/configuration", "reference/cli", "reference/jobs", "reference/result", "changelog",
                 "getting-started", "python", "reliability", "performance", "operations", "scoring", "console",
                 "learner-data", "migrating", "observability"):
        assert (site / page / "index.html").is_file(), page
    assert json.loads((site / "reference" / "result.schema.json").read_text())["title"]


def test_the_configuration_reference_names_every_variable_the_settings_read():
    page = docs_reference.configuration_page()
    for variable in _variables_read_by_settings():
        assert f"`{variable}`" in page, variable
    assert "`REDIS_URL_<QUEUE>`" in page
    assert re.search(r"\| `SERVICE_DEADLINE` \| a positive number \| `90.0` \| Seconds a whole call", page)


def _command_paths(command, path=("ielts-rq",)):
    yield " ".join(path)
    for name, sub in getattr(command, "commands", {}).items():
        if not sub.hidden:
            yield from _command_paths(sub, (*path, name))


def test_the_cli_reference_has_every_command_of_the_click_tree():
    page = docs_reference.cli_page()
    paths = list(_command_paths(main))
    assert len(paths) > 60
    for path in paths:
        assert f"`{path}`" in page, path
    assert "env var: PORT" in page  # the help text itself, as the terminal shows it


def test_the_jobs_reference_has_every_policy():
    page = docs_reference.jobs_page()
    for name, policy in POLICIES.items():
        assert re.search(rf"\| `{name}` \| `{policy.queue}` \|", page), name


def test_the_result_schema_is_a_valid_json_schema_and_its_page_names_every_field():
    schema = json.loads(docs_reference.SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    page = docs_reference.result_page()
    for field in schema["properties"]:
        assert f"`{field}`" in page


def test_the_readme_is_a_short_guide_that_points_into_the_site():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 260
    for heading in ("## Quickstart", "## From Python", "## Deploying", "## Read more"):
        assert heading in readme, heading
    for target in re.findall(r"\]\((docs/[^)#]+)", readme):  # every page it links to exists
        assert (ROOT / target).is_file(), target
    assert "source .venv/bin/activate" in readme and "pip install ielts-rq" not in readme
