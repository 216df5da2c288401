"""Command line of the engine: `python -m engine {build,check,train,evaluate,migrate,run,shell,skill new|check}`.

Every command ends in one readable Russian line when it fails; an unexpected failure's traceback goes to
`var/log/engine-errors.log`, never to the screen.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from pathlib import Path
from typing import List, Optional

from engine.log_masking import mask_process_logs, mask_secrets
from engine.messages import say
from engine.settings import PROJECT_ROOT, require_development_mode, settings

ERROR_LOG = PROJECT_ROOT / "var" / "log" / "engine-errors.log"


def _build(_: argparse.Namespace) -> int:
    from engine.build import build
    from engine.skills.discovery import enabled_packages

    output = build(enabled_packages())
    print(say("built", root=output.root, packages=", ".join(output.packages), fingerprint=output.fingerprint))
    return 0


def _check(_: argparse.Namespace) -> int:
    from engine.checks import run_checks

    return run_checks()


def _train(args: argparse.Namespace) -> int:
    from engine.training import ensure_model

    ensure_model(force=args.force)
    return 0


def _evaluate(_: argparse.Namespace) -> int:
    from engine.build import build
    from engine.evaluate import details, evaluate, load_agent, summary
    from engine.skills.discovery import enabled_packages
    from engine.training import ensure_model

    packages = enabled_packages()
    agent, output = load_agent(ensure_model()), build(packages)
    for title, folder, report_name in (
        ("evaluate_own_split", output.nlu_holdout, "nlu_report.json"),
        ("evaluate_apart_split", output.nlu_apart, "nlu_apart_report.json"),
    ):
        print(say(title))
        report = evaluate(agent, folder, Path("results"), report_name, packages=packages)
        print(summary(report))  # then per skill, the confusions, the fallback trade-off (docs/training.md)
        print(details(report))
        print(say("evaluate_details", report=f"results/{report_name}"))
    return 0


def _migrate(_: argparse.Namespace) -> int:
    from engine.store.migrate import upgrade

    upgrade()
    print(say("schema_current", url=settings().database_url))
    return 0


def _prepare_model() -> Path:
    """Schema up to date, demo data in an empty store (if enabled), a model for the current data."""
    from engine.demo import load_demo_data
    from engine.skills.discovery import enabled_packages
    from engine.store.migrate import upgrade
    from engine.training import ensure_model

    require_development_mode(settings())  # before anything starts: every development default named at once
    packages = enabled_packages()
    upgrade(packages=packages)
    if settings().load_demo_data:
        for skill in load_demo_data(packages):
            print(say("demo_loaded", skill=skill))
    return ensure_model()


def _run(args: argparse.Namespace) -> int:
    from engine.launcher import run_servers

    model = _prepare_model()
    return run_servers(model, settings(), args.port, args.action_port)


def _cluster(args: argparse.Namespace) -> int:
    from engine.cluster import Layout, require_postgresql, run_cluster

    require_postgresql(settings())  # before migrating: the database may not exist yet
    model = _prepare_model()
    layout = Layout(
        port=args.port,
        action_port=args.action_port,
        rasa_ports=args.rasa_ports or [args.port + 11, args.port + 12],
        action_ports=args.action_ports or [args.action_port + 11, args.action_port + 12],
        rasa_workers=int(os.environ.get("CLUSTER_RASA_WORKERS", "2")),
        action_workers=int(os.environ.get("CLUSTER_ACTION_WORKERS", "2")),
    )
    return run_cluster(model, settings(), layout)


def _shell(args: argparse.Namespace) -> int:
    from engine.launcher import run_shell

    model = _prepare_model()
    return run_shell(model, settings(), args.action_port)


def _notifier(args: argparse.Namespace) -> int:
    from engine.notifier import run_notifier

    mask_process_logs(console_level=logging.INFO)  # the notifier's log, masked like the servers'
    return run_notifier(args.rasa_url)


def _skill_new(args: argparse.Namespace) -> int:
    from engine.scaffold import new_skill

    target = new_skill(args.name, args.title or args.name)
    print(say("skill_created", target=target))
    return 0


def _skill_check(args: argparse.Namespace) -> int:
    from engine.checks import run_skill_checks

    return run_skill_checks(args.name)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m engine", description=say("help.program"))
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help=say("help.build")).set_defaults(handler=_build)
    commands.add_parser("check", help=say("help.check")).set_defaults(handler=_check)
    train = commands.add_parser("train", help=say("help.train"))
    train.add_argument("--force", action="store_true", help=say("help.train_force"))
    train.set_defaults(handler=_train)
    commands.add_parser("evaluate", help=say("help.evaluate")).set_defaults(handler=_evaluate)
    commands.add_parser("migrate", help=say("help.migrate")).set_defaults(handler=_migrate)
    port = int(os.environ.get("ASSISTANT_PORT", "5005"))
    action_port = int(os.environ.get("ACTIONS_PORT", "5055"))
    for name, handler in (("run", _run), ("shell", _shell), ("cluster", _cluster)):
        command = commands.add_parser(name, help=say(f"help.{name}"))
        command.add_argument("--port", type=int, default=port)
        command.add_argument("--action-port", type=int, default=action_port)
        command.set_defaults(handler=handler)
        if name == "cluster":
            command.add_argument("--rasa-ports", type=int, nargs="+", help=say("help.cluster_rasa_ports"))
            command.add_argument("--action-ports", type=int, nargs="+", help=say("help.cluster_action_ports"))
    notifier = commands.add_parser("notifier", help=say("help.notifier"))
    notifier.add_argument("--rasa-url", default=f"http://127.0.0.1:{port}", help=say("help.rasa_url"))
    notifier.set_defaults(handler=_notifier)
    skill = commands.add_parser("skill", help=say("help.skill")).add_subparsers(
        dest="skill_command", required=True
    )
    new = skill.add_parser("new", help=say("help.skill_new"))
    new.add_argument("name")
    new.add_argument("--title", help=say("help.skill_title"))
    new.set_defaults(handler=_skill_new)
    check = skill.add_parser("check", help=say("help.skill_check"))
    check.add_argument("name", nargs="?", help=say("help.skill_check_name"))
    check.set_defaults(handler=_skill_check)
    return root


def _log_unexpected(error: BaseException) -> Path:
    ERROR_LOG.parent.mkdir(parents=True, exist_ok=True)
    trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    with ERROR_LOG.open("a", encoding="utf-8") as log:
        log.write(mask_secrets(trace) + "\n")
    return ERROR_LOG


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(argv)
    mask_process_logs()  # phones, accounts and codes never reach this process's log output (engine/log_masking.py)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # every command ends with one readable line, not a traceback
        from engine.build import BuildError
        from engine.channels import ConfigurationError
        from engine.launcher import LaunchError
        from engine.lexicon import LexiconError
        from engine.scaffold import ScaffoldError
        from engine.settings import DevelopmentModeRequired
        from engine.skills.loader import ActionLoadError
        from engine.skills.manifest import ManifestError
        from engine.training import TrainingFailed

        known = (
            ActionLoadError,
            BuildError,
            ConfigurationError,
            DevelopmentModeRequired,
            LaunchError,
            LexiconError,
            ManifestError,
            ScaffoldError,
            TrainingFailed,
        )
        if isinstance(error, known):
            print(say("error", error=error), file=sys.stderr)
        else:
            first_line = (str(error).strip().splitlines() or [""])[0]
            log = _log_unexpected(error)
            print(
                say("unexpected_error", kind=type(error).__name__, error=first_line, log=log), file=sys.stderr
            )
        return 2


if __name__ == "__main__":
    sys.exit(main())
