"""The assistant's servers for the load benchmark, from a model that is already trained.

`python bench/serve.py embedded|cluster --model M ...` does what `python -m engine run` / `python -m engine cluster`
do after their train-if-changed step: migrate the store, load the demo data into an empty one, then start the
same processes through the same functions (engine.launcher.run_servers; engine.cluster.start_cluster, the
notifier and the supervision of engine.cluster.run_cluster, with the logs under var/bench/ instead of
var/cluster/). It never trains: the benchmark measures a model, it does not make one. Ctrl-C (SIGINT) or SIGTERM
stops everything it started.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

from engine.settings import settings


def prepare_store(cluster: bool) -> None:
    from engine.cluster import require_postgresql
    from engine.demo import load_demo_data
    from engine.settings import require_development_mode
    from engine.skills.discovery import enabled_packages
    from engine.store.migrate import upgrade

    config = settings()
    require_development_mode(config)
    if cluster:
        require_postgresql(config)
    packages = enabled_packages()
    upgrade(packages=packages)
    if config.load_demo_data:
        load_demo_data(packages)


def run_embedded(model: Path, port: int, action_port: int, log_dir: Path) -> int:
    from engine.launcher import run_servers

    return run_servers(model, settings(), port, action_port, log_dir)


def bench_endpoints(queue: str, log_dir: Path) -> Path:
    """deploy/endpoints.scale.yml publishing to `queue`: the benchmark's events stay out of the queue that
    `make cluster` and the cluster's end-to-end test read."""
    import yaml

    from engine import cluster

    endpoints = yaml.safe_load(cluster.SCALE_ENDPOINTS.read_text(encoding="utf-8"))
    endpoints["event_broker"]["queues"] = [queue]
    target = log_dir / "endpoints.bench.yml"
    target.write_text(yaml.safe_dump(endpoints, sort_keys=False), encoding="utf-8")
    return target


def run_cluster(model: Path, args: argparse.Namespace, log_dir: Path) -> int:
    from engine import cluster
    from engine.cluster import Layout, start_cluster
    from engine.launcher import Servers, notifier_command, print_where_to_talk, stop_on_signals, supervise

    if args.events_queue:
        cluster.SCALE_ENDPOINTS = bench_endpoints(args.events_queue, log_dir)

    layout = Layout(
        port=args.port,
        action_port=args.action_port,
        rasa_ports=args.rasa_ports,
        action_ports=args.action_ports,
        rasa_workers=args.rasa_workers,
        action_workers=args.action_workers,
    )
    servers = Servers()
    with stop_on_signals() as stop:
        try:
            env = start_cluster(model, settings(), layout, servers, log_dir)
            servers.start(notifier_command(layout.port), env, log_dir / "notifier.log")
            print_where_to_talk(layout.port, settings(), env)
            return supervise(servers, stop)
        finally:
            servers.stop()


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root.add_argument("profile", choices=["embedded", "cluster"])
    root.add_argument("--model", type=Path, required=True)
    root.add_argument("--port", type=int, required=True)
    root.add_argument("--action-port", type=int, required=True)
    root.add_argument("--rasa-ports", type=int, nargs="+", default=[])
    root.add_argument("--action-ports", type=int, nargs="+", default=[])
    root.add_argument("--rasa-workers", type=int, default=2)
    root.add_argument("--action-workers", type=int, default=2)
    root.add_argument("--log-dir", type=Path, required=True)
    root.add_argument(
        "--events-queue", help="RabbitMQ queue of the cluster's events (default: the profile's own)"
    )
    return root


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(argv)
    prepare_store(cluster=args.profile == "cluster")
    args.log_dir.mkdir(parents=True, exist_ok=True)
    if args.profile == "embedded":
        return run_embedded(args.model, args.port, args.action_port, args.log_dir)
    return run_cluster(args.model, args, args.log_dir)


if __name__ == "__main__":
    sys.exit(main())
