"""The development tools (households.devtools) are installed by the local and test settings,
never by production: there manage.py has no generate_province or bench_* command."""

import subprocess
import sys

from django.core.management import get_commands

DEVTOOLS_COMMANDS = {"generate_province", "bench_excel", "bench_households"}


def _commands(settings_module: str) -> set[str]:
    env = {
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DJANGO_ALLOWED_HOSTS": "giamngheo.example.vn",
        "DJANGO_SECRET_KEY": "k3J9x!Qz7@pL2#vR8$wT5%yU1^aS6&dF4*gH0(jK)lZ_mX-cV=bN+q",
        "DATABASE_URL": "sqlite:///:memory:",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_production_settings_do_not_install_the_devtools():
    commands = _commands("config.settings.production")
    assert DEVTOOLS_COMMANDS.isdisjoint(commands)
    assert {"load_reference_data", "load_demo_data", "import_reviews"} <= commands


def test_local_settings_install_the_devtools():
    assert _commands("config.settings.local") >= DEVTOOLS_COMMANDS


def test_test_settings_install_the_devtools():
    assert get_commands()["generate_province"] == "households.devtools"
