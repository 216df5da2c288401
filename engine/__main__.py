"""Command line of the engine: `python -m engine {build,check,train,migrate,run,shell,skill new}`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import List, Optional

from engine.settings import settings


def _build(_: argparse.Namespace) -> int:
    from engine.build import build
    from engine.skills.discovery import enabled_packages

    output = build(enabled_packages())
    print(f"Собрано в {output.root}: {', '.join(output.packages)} (отпечаток {output.fingerprint})")
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
    from engine.evaluate import evaluate, load_agent, summary
    from engine.skills.discovery import enabled_packages
    from engine.training import ensure_model

    model = ensure_model()
    report = evaluate(load_agent(model), build(enabled_packages()).nlu_holdout, Path("results"))
    print(summary(report))
    print("Подробности и ошибки: results/nlu_report.json")
    return 0


def _migrate(_: argparse.Namespace) -> int:
    from engine.store.migrate import upgrade

    upgrade()
    print(f"Схема базы актуальна: {settings().database_url}")
    return 0


def _prepare_model() -> Path:
    """Schema up to date, demo data in an empty store (if enabled), a model for the current data."""
    from engine.demo import load_demo_data
    from engine.skills.discovery import enabled_packages
    from engine.store.migrate import upgrade
    from engine.training import ensure_model

    packages = enabled_packages()
    upgrade(packages=packages)
    if settings().load_demo_data:
        for skill in load_demo_data(packages):
            print(f"Загружены демо-данные навыка «{skill}»")
    return ensure_model()


def _run(args: argparse.Namespace) -> int:
    from engine.launcher import run_servers

    model = _prepare_model()
    return run_servers(model, settings(), args.port, args.action_port)


def _shell(args: argparse.Namespace) -> int:
    from engine.launcher import run_shell

    model = _prepare_model()
    return run_shell(model, settings(), args.action_port)


def _skill_new(args: argparse.Namespace) -> int:
    from engine.scaffold import new_skill

    target = new_skill(args.name, args.title or args.name)
    print(f"Навык создан: {target}. Он подключится при следующей сборке (make run / make test).")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m engine", description="Городской помощник: сборка и запуск")
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="собрать данные и домен из ядра и включённых навыков").set_defaults(handler=_build)
    commands.add_parser("check", help="собрать и проверить данные, домен и действия").set_defaults(handler=_check)
    train = commands.add_parser("train", help="обучить модель, если данные изменились")
    train.add_argument("--force", action="store_true", help="обучить, даже если модель актуальна")
    train.set_defaults(handler=_train)
    commands.add_parser("evaluate", help="оценить NLU на отложенных примерах").set_defaults(handler=_evaluate)
    commands.add_parser("migrate", help="обновить схему базы").set_defaults(handler=_migrate)
    port = int(os.environ.get("ASSISTANT_PORT", "5005"))
    action_port = int(os.environ.get("ACTIONS_PORT", "5055"))
    for name, handler, text in (("run", _run, "запустить сервер действий и Rasa"), ("shell", _shell, "поговорить в терминале")):
        command = commands.add_parser(name, help=text)
        command.add_argument("--port", type=int, default=port)
        command.add_argument("--action-port", type=int, default=action_port)
        command.set_defaults(handler=handler)
    skill = commands.add_parser("skill", help="работа с навыками").add_subparsers(dest="skill_command", required=True)
    new = skill.add_parser("new", help="создать навык из шаблона в skills/")
    new.add_argument("name")
    new.add_argument("--title", help="название по-русски")
    new.set_defaults(handler=_skill_new)
    return root


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.handler(args)
    except Exception as error:  # every command ends with one readable line, not a traceback
        from engine.build import BuildError
        from engine.launcher import LaunchError
        from engine.scaffold import ScaffoldError
        from engine.skills.manifest import ManifestError
        from engine.training import TrainingFailed

        if isinstance(error, (BuildError, LaunchError, ManifestError, ScaffoldError, TrainingFailed)):
            print(f"Ошибка: {error}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
