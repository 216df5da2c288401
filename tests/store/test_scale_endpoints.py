"""deploy/endpoints.scale.yml against the real local services: trackers in PostgreSQL, locks in Redis,
events in RabbitMQ — what several Rasa instances side by side rely on."""

import asyncio
import json
import os
import uuid

import aio_pika
import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from engine.runtime import server_environment
from engine.settings import PROJECT_ROOT, load_settings

SCALE_ENDPOINTS = str(PROJECT_ROOT / "deploy" / "endpoints.scale.yml")


@pytest.fixture
def scale_env(postgres_store, monkeypatch):
    for key, value in server_environment(load_settings(), 5055).items():
        if key.startswith(("TRACKER_DB_", "REDIS_", "RABBITMQ_", "ACTION_")):
            monkeypatch.setenv(key, value)
    return postgres_store


def test_trackers_are_shared_through_postgresql(scale_env):
    async def scenario():
        config = read_endpoint_config(SCALE_ENDPOINTS, "tracker_store")
        first, second = (
            TrackerStore.create(config, Domain.empty()),
            TrackerStore.create(config, Domain.empty()),
        )
        tracker = DialogueStateTracker("resident-1", [])
        tracker.update(UserUttered("привет", {"name": "greet", "confidence": 1.0}))
        await first.save(tracker)
        return await second.retrieve("resident-1")

    restored = asyncio.run(scenario())
    assert restored.latest_message.text == "привет"


def test_one_conversation_is_locked_across_instances(scale_env):
    """Two lock stores (two Rasa instances) never run one conversation's turns at the same time."""
    config = read_endpoint_config(SCALE_ENDPOINTS, "lock_store")
    conversation = f"resident-{uuid.uuid4().hex}"
    trail = []

    async def turn(store: LockStore, instance: str) -> None:
        async with store.lock(conversation, lock_lifetime=10, wait_time_in_seconds=0.01):
            trail.append(f"{instance} starts")
            await asyncio.sleep(0.3)
            trail.append(f"{instance} ends")

    async def scenario():
        first, second = LockStore.create(config), LockStore.create(config)
        assert type(first).__name__ == "AtomicRedisLockStore"
        await asyncio.gather(turn(first, "A"), turn(second, "B"))

    asyncio.run(asyncio.wait_for(scenario(), timeout=60))
    assert trail in (
        ["A starts", "A ends", "B starts", "B ends"],
        ["B starts", "B ends", "A starts", "A ends"],
    )


def test_events_are_published_to_rabbitmq(scale_env):
    marker = uuid.uuid4().hex

    async def scenario():
        broker = await EventBroker.create(read_endpoint_config(SCALE_ENDPOINTS, "event_broker"))
        try:
            broker.publish({"event": "user", "text": marker, "sender_id": "resident-1"})
            connection = await aio_pika.connect_robust(
                host=os.environ["RABBITMQ_HOST"],
                port=int(os.environ["RABBITMQ_PORT"]),
                login=os.environ["RABBITMQ_USER"],
                password=os.environ["RABBITMQ_PASSWORD"],
            )
            async with connection:
                queue = await (await connection.channel()).declare_queue("gorodskoy_events", durable=True)
                for _ in range(100):
                    message = await queue.get(fail=False)
                    if message is None:
                        await asyncio.sleep(0.1)
                        continue
                    await message.ack()
                    if json.loads(message.body)["text"] == marker:
                        return True
            return False
        finally:
            await broker.close()

    assert asyncio.run(asyncio.wait_for(scenario(), timeout=60))
