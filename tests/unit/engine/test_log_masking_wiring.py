"""The masking filter is installed wherever logs are written: the Rasa server and the action server (through
deploy/logging.yml, applied the way Rasa and rasa-sdk apply it), `rasa shell`, and the engine's own commands."""

import argparse
import logging
import os
import subprocess
import sys
import textwrap

import engine.cluster
import engine.launcher
from engine import __main__ as cli
from engine.launcher import rasa_server_command, start_action_server
from engine.log_masking import LOGGING_CONFIG, SecretMaskingFilter
from engine.settings import PROJECT_ROOT, load_settings

# The secrets below as written, with the text around them where digits alone could be a pid or a time.
RAW = ["9991234567", "123-45-67", "123 45 67", "1002003004", " 4321", "otp_code: 123456"]

# What `rasa run` and `rasa run actions` do with logging before serving, in their order (rasa/__main__.py,
# rasa/core/run.py, rasa_sdk/__main__.py), then a record of each kind that may hold a secret.
SERVER = textwrap.dedent(
    """
    import logging, sys
    import rasa.utils.common as common
    import rasa.utils.io

    CONFIG = sys.argv[2]
    common.configure_logging_and_warnings(logging.DEBUG, CONFIG, warn_only_once=True, filter_repeated_logs=True)
    rasa.utils.io.configure_colored_logging(logging.DEBUG)
    if sys.argv[1] == "rasa":
        import structlog
        from rasa.utils.log_utils import configure_structlog
        from sanic import Sanic

        configure_structlog(logging.DEBUG)
        Sanic("rasa_server")  # Sanic's own logging configuration replaces its loggers' handlers
        common.update_sanic_log_level()
        structlog.get_logger().debug("processor.message.parse", parse_data_text="код 4321, +79991234567")
    else:
        from rasa_sdk import utils

        utils.configure_colored_logging(None)
        utils.configure_file_logging(logging.getLogger("rasa_sdk"), None, None, CONFIG)
        utils.update_sanic_log_level()
    logging.getLogger("rasa.core.processor").debug("Received user message 'мой номер %s'", "+7 999 123-45-67")
    logging.getLogger("rasa.core.processor").debug("Current slot values: otp_code: 123456")
    logging.getLogger("engine.otp").warning("code %s for %s", "4321", "89991234567")
    logging.getLogger("rasa_sdk.executor").info("linking account 1002003004")
    logging.getLogger("sanic.error").error("Exception occurred while handling uri: '/webhook?phone=89991234567'")
    logging.getLogger("sanic.access").info(
        "", extra={"status": 200, "byte": 2, "host": "127.0.0.1:5005", "request": "GET /x?phone=8 999 123 45 67"}
    )
    try:
        raise ValueError("no account 1002003004")
    except ValueError:
        logging.getLogger("skills.utilities").exception("action failed for +7 (999) 123-45-67")
    """
)


def run_python(code: str, *args: str, **env: str) -> str:
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), **env}
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout + result.stderr


def assert_masked(output: str, *expected: str) -> None:
    for raw in RAW:
        assert raw not in output, (raw, output)
    for masked in expected:
        assert masked in output, (masked, output)


def test_the_logging_config_is_a_valid_dict_config_whose_handlers_mask():
    # Rasa ignores a logging config it cannot apply (it says so at DEBUG only): apply it plainly here.
    output = run_python(
        textwrap.dedent(
            """
            import logging, logging.config, sys, yaml

            logging.config.dictConfig(yaml.safe_load(open(sys.argv[1], encoding="utf-8")))
            logging.getLogger("rasa").setLevel(logging.DEBUG)
            logging.getLogger("rasa.core.processor").debug("user message %s", "8 (999) 123 45 67")
            logging.getLogger("engine.residents").warning("account 1002003004, code 4321")
            for handler in logging.getLogger().handlers:
                assert any(type(f).__name__ == "SecretMaskingFilter" for f in handler.filters)
            """
        ),
        str(LOGGING_CONFIG),
    )
    assert_masked(
        output, "rasa.core.processor  - user message +7 *** ***-**-67", "account ********04, code ****"
    )


def test_the_rasa_server_masks_its_own_structured_sanic_and_our_logs():
    output = run_python(SERVER, "rasa", str(LOGGING_CONFIG), LOG_LEVEL_LIBRARIES="INFO")
    assert_masked(
        output,
        # Rasa's console format is kept (coloredlogs' handler replaced ours and kept its filter).
        "DEBUG    rasa.core.processor  - Received user message 'мой номер +7 *** ***-**-67'",
        "otp_code: ******",
        "code **** for +7 *** ***-**-67",
        "linking account ********04",
        "'/webhook?phone=+7 *** ***-**-67'",
        "GET /x?phone=+7 *** ***-**-67",
        "action failed for +7 *** ***-**-67",
        "ValueError: no account ********04",
        # Rasa's structured log is JSON off a terminal, Cyrillic escaped.
        '"parse_data_text": "\\u043a\\u043e\\u0434 ****, +7 *** ***-**-67"',
    )


def test_the_action_server_masks_its_logs():
    output = run_python(SERVER, "actions", str(LOGGING_CONFIG), LOG_LEVEL_LIBRARIES="INFO")
    assert_masked(
        output,
        "DEBUG    rasa.core.processor  - Received user message 'мой номер +7 *** ***-**-67'",
        "INFO     rasa_sdk.executor  - linking account ********04",
        "ERROR    sanic.error  - Exception occurred while handling uri: '/webhook?phone=+7 *** ***-**-67'",
        "GET /x?phone=+7 *** ***-**-67",
        "ValueError: no account ********04",
    )


def logging_file_of(command):
    assert command.count("--logging-config-file") == 1
    path = command[command.index("--logging-config-file") + 1]
    assert os.path.isfile(path) and os.path.samefile(path, LOGGING_CONFIG)
    return path


def test_every_rasa_process_the_launcher_starts_gets_the_logging_config(monkeypatch, tmp_path):
    env = {"ASSISTANT_INTERFACE": "127.0.0.1", "RASA_API_TOKEN": "t"}
    command = rasa_server_command(tmp_path / "model.tar.gz", load_settings(), 5005, env)
    assert command[1] == "run" and logging_file_of(command)

    class Recorder:
        def __init__(self):
            self.commands = []

        def start(self, command, env, log):
            self.commands.append(command)

    servers = Recorder()
    start_action_server(servers, env, 5055, None, wait=False)
    assert servers.commands[0][1:3] == ["run", "actions"] and logging_file_of(servers.commands[0])

    shell = []
    monkeypatch.setattr(engine.launcher, "check_database", lambda config: None)
    monkeypatch.setattr(engine.launcher, "secure_environment", lambda config, env: env)
    monkeypatch.setattr(engine.launcher, "start_action_server", lambda *args, **kwargs: None)
    monkeypatch.setattr(
        engine.launcher.subprocess,
        "run",
        lambda command, **kwargs: shell.append(command) or subprocess.CompletedProcess(command, 0),
    )
    assert engine.launcher.run_shell(tmp_path / "model.tar.gz", load_settings(), 5055) == 0
    assert shell[0][1] == "shell" and logging_file_of(shell[0])
    # The cluster starts its servers with the launcher's commands.
    assert engine.cluster.rasa_server_command is rasa_server_command
    assert engine.cluster.start_action_server is start_action_server


def test_the_engines_commands_mask_what_logging_prints_without_configuration():
    output = run_python(
        textwrap.dedent(
            """
            import logging
            from engine.log_masking import mask_process_logs

            mask_process_logs()
            logging.getLogger("engine.residents").warning("no resident for %s", "+79991234567")
            """
        )
    )
    assert_masked(output, "no resident for +7 *** ***-**-67")


def test_the_notifier_keeps_its_info_log_and_it_is_masked():
    output = run_python(
        textwrap.dedent(
            """
            import logging
            from engine.log_masking import mask_process_logs

            mask_process_logs(console_level=logging.INFO)  # engine/__main__.py, before the notifier starts
            logging.basicConfig(level=logging.INFO)  # what engine/notifier.py does: a no-op now
            logging.getLogger("engine.notifier").info("delivered to telegram:%s", "1002003004")
            """
        )
    )
    assert_masked(output, "INFO     engine.notifier  - delivered to telegram:********04")


def test_the_command_line_installs_the_filter_and_masks_its_error_log(monkeypatch, tmp_path):
    last_resort = logging.StreamHandler()
    monkeypatch.setattr(logging, "lastResort", last_resort)

    class Parser:
        def parse_args(self, argv):
            return argparse.Namespace(handler=lambda args: 0)

    monkeypatch.setattr(cli, "parser", Parser)
    assert cli.main([]) == 0
    assert any(isinstance(f, SecretMaskingFilter) for f in last_resort.filters)

    monkeypatch.setattr(cli, "ERROR_LOG", tmp_path / "engine-errors.log")
    cli._log_unexpected(ValueError("no resident for +79991234567, code 4321"))
    assert_masked((tmp_path / "engine-errors.log").read_text(encoding="utf-8"), "+7 *** ***-**-67, code ****")
