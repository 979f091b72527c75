"""The embedded broker: kombu's SQLAlchemy transport, deleting each message as it is delivered.

kombu's own SQLAlchemy channel marks a delivered row invisible and never deletes it, so the table
(and the scan behind every poll) grows by every task ever sent. Here the row is deleted in the same
transaction that hands it to the worker, as kombu's other virtual transports do with theirs. Until
the worker acknowledges it, the message is held by kombu's in-memory QoS, which puts unacknowledged
messages back in the table when the worker shuts down; kombu's invisible row was never delivered
again either, so nothing is lost that kombu would have kept.
"""

from __future__ import annotations

import warnings
from json import loads
from queue import Empty
from typing import Any

from kombu.transport import sqlalchemy
from kombu.utils.encoding import bytes_to_str
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SADeprecationWarning

# kombu 5.7's models still declare `lazy="noload"`, which SQLAlchemy 2.1 deprecates; nothing here
# can act on it, and it would be repeated in every process's log.
warnings.filterwarnings(
    "ignore", message=r"The ``noload`` loader strategy", category=SADeprecationWarning
)


def _use_write_ahead_log(dbapi_connection: Any, connection_record: Any) -> None:
    # In WAL mode a commit appends to the log instead of rewriting pages and readers never block
    # the writer: the web server, worker and beat share the file without queueing behind each
    # other. synchronous=NORMAL keeps every commit through a crash of any process (a power cut can
    # lose the last few, which the demo can afford; production uses Redis).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Channel(sqlalchemy.Channel):
    def _engine_from_config(self) -> Engine:
        engine: Engine = super()._engine_from_config()
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _use_write_ahead_log)
        return engine

    def _get(self, queue: str, timeout: float | None = None) -> Any:
        # kombu's _get, with the row deleted instead of marked invisible.
        queue_row = self._get_or_create(queue)
        if self.session.bind.name == "sqlite":
            # Take the write lock before reading, so two consumers never take the same row.
            self.session.execute(text("BEGIN IMMEDIATE TRANSACTION"))
        try:
            message = (
                self.session.query(self.message_cls)
                .with_for_update()
                .filter(self.message_cls.queue_id == queue_row.id)
                .filter(self.message_cls.visible.is_(True))
                .order_by(self.message_cls.sent_at)
                .order_by(self.message_cls.id)
                .limit(1)
                .first()
            )
            if message is None:
                raise Empty()
            payload = loads(bytes_to_str(message.payload))
            self.session.delete(message)
            return payload
        finally:
            self.session.commit()


class Transport(sqlalchemy.Transport):
    Channel = Channel


def prepare_embedded_broker() -> str | None:
    """Create the embedded broker's file, tables and default queue now, once, instead of letting
    the web server, worker and beat race to create them on their first message. Returns the
    transport's name, or None when the broker is not the embedded one (Redis needs nothing)."""
    from fps_portal.celery import app

    with app.connection_for_write() as conn:
        if conn.transport.driver_type != "sql":
            return None
        conn.default_channel.queue_declare(queue=app.conf.task_default_queue)
        return str(conn.transport.driver_name)


if __name__ == "__main__":
    # `python -m fps_portal.broker`, from `make demo-data`.
    prepare_embedded_broker()
