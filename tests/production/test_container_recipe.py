"""The container recipe (deploy/Dockerfile, deploy/compose.yaml), checked without Docker: what it
copies and runs exists, it downloads nothing when a container starts, and every setting it
passes is one the settings read (issue 20)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DOCKERFILE = (ROOT / "deploy" / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
DOWNLOADERS = re.compile(r"\b(curl|wget|pip install|apt-get|npm|playwright install)\b")


def _instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", DOCKERFILE)
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def _settings_env_names() -> set[str]:
    names = set()
    for path in (ROOT / "config" / "settings").glob("*.py"):
        names |= set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z0-9_]+)\"", path.read_text()))
    return names


def test_every_file_the_image_copies_exists():
    copies = [args for op, args in _instructions() if op == "COPY"]
    assert copies
    for args in copies:
        *sources, _target = shlex.split(args)
        for source in sources:
            if source != ".":
                assert (ROOT / source).exists(), source


def test_nothing_is_downloaded_when_a_container_starts():
    run_time = [args for op, args in _instructions() if op in ("CMD", "ENTRYPOINT")]
    assert run_time
    for service in COMPOSE["services"].values():
        command = service.get("command")
        if command:
            run_time.append(" ".join(command) if isinstance(command, list) else command)
    offending = [c for c in run_time if DOWNLOADERS.search(c)]
    assert not offending


def test_the_files_the_containers_run_exist():
    gunicorn = next(args for op, args in _instructions() if op == "CMD")
    config = re.search(r'"-c", "([^"]+)"', gunicorn).group(1)
    assert (ROOT / config).is_file()
    for name, service in COMPOSE["services"].items():
        command = service.get("command") or []
        if isinstance(command, list) and command[:1] == ["celery"]:
            assert command[1:3] == ["-A", "config"], name
        text = " ".join(command) if isinstance(command, list) else command
        for managed in re.findall(r"manage\.py (\w+)", text):
            assert any(
                (ROOT / app / "management" / "commands" / f"{managed}.py").exists()
                for app in ("households", "programs", "targets", "reports")
            ) or managed in ("migrate", "collectstatic"), managed


def test_every_setting_the_recipe_passes_is_read_by_the_settings():
    read = _settings_env_names() | {"DJANGO_SETTINGS_MODULE", "PYTHONDONTWRITEBYTECODE",
                                    "PYTHONUNBUFFERED", "PIP_NO_CACHE_DIR", "PATH"}  # fmt: skip
    gunicorn = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    read |= set(re.findall(r"os\.environ\.get\(\"([A-Z_]+)\"", gunicorn))
    passed = set()
    for op, args in _instructions():
        if op == "ENV":
            passed |= set(re.findall(r"([A-Z][A-Z0-9_]*)=", args))
    for service in COMPOSE["services"].values():
        if "image" in service or "build" in service:
            passed |= set((service.get("environment") or {}).keys()) - {
                "POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD",
            }  # fmt: skip
    assert passed
    assert not sorted(passed - read)


def test_the_env_file_template_names_only_settings_that_exist():
    template = (ROOT / "deploy" / "giamngheo.env.example").read_text()
    names = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", template, flags=re.M))
    gunicorn = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    read = _settings_env_names() | {"DJANGO_SETTINGS_MODULE"}
    read |= set(re.findall(r"os\.environ\.get\(\"([A-Z_]+)\"", gunicorn))
    assert names
    assert not sorted(names - read)


def test_the_database_client_matches_the_database_server():
    assert COMPOSE["services"]["db"]["image"] == "postgres:15"
    assert "python:3.11-slim-bookworm" in DOCKERFILE  # bookworm's postgresql-client is 15


def test_every_setting_of_the_env_file_reaches_the_containers():
    """compose's --env-file only fills ${...}: a setting the template documents must be listed
    under the app's `environment`, or be fixed by the recipe itself."""
    template = (ROOT / "deploy" / "giamngheo.env.example").read_text()
    names = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", template, flags=re.M))
    fixed_by_image = set()
    for op, args in _instructions():
        if op == "ENV":
            fixed_by_image |= set(re.findall(r"([A-Z][A-Z0-9_]*)=", args))
    app = COMPOSE["services"]["web"]
    passed = set(app["environment"]) | fixed_by_image
    assert not sorted(names - passed)
