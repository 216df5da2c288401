"""Rasa's Redis lock store with every change of a lock made atomic (deploy/endpoints.scale.yml names it).

Rasa's `RedisLockStore` reads a conversation's lock, changes it in Python and writes it back. Two Rasa instances
doing that at once (Rasa issue 9213; the fix, a concurrent lock store, was reverted in Rasa PR 11428) can:
- issue the same ticket twice, so two messages of one conversation are processed at the same time and one of them
  is lost from the tracker;
- drop a ticket issued meanwhile when another finishes or cleans up expired tickets, or delete the lock while
  someone has just queued on it, so that message fails with "Could not acquire lock".

Here each change (issue, finish, expire) runs as an optimistic Redis transaction: WATCH the key, read, change,
MULTI/SET or DEL/EXEC, and start again if another instance changed the key meanwhile. Reads stay as they are.
"""

from __future__ import annotations

import json
from typing import Callable, Optional, Text, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis.exceptions import WatchError

T = TypeVar("T")
# What a change does with the lock it read: keep (save) the lock it returns, or delete it when None; and the
# change's own result.
Change = Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], T]]


class AtomicRedisLockStore(RedisLockStore):
    """`type: engine.lock_store.AtomicRedisLockStore` in endpoints.yml, with the settings of Rasa's `redis`
    lock store (url, port, db, password, key_prefix, ...)."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url or "localhost", **endpoint_config.kwargs)

    def _change(self, conversation_id: Text, change: Change[T]) -> T:
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    kept, result = change(lock)
                    pipe.multi()
                    if kept is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, kept.dumps())
                    pipe.execute()
                    return result
                except WatchError:
                    continue  # another instance changed the lock between our read and our write: read again

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: Text) -> None:
        def expire(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, expire)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Removes the ticket and, in the same transaction, the lock when nobody else waits on it."""

        def finish(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, finish)
