"""Background work: `grants worker` as a process of its own, or the same loop inside `grants
serve --background` (the embedded default of `make run`).

Each task runs on its own schedule, in its own transactions, and claims its rows so several
workers (and servers) can run at once: the mail task sends the outbox with `SELECT … FOR UPDATE
SKIP LOCKED` on PostgreSQL (`grants.mail.deliver_pending`; SQLite's `BEGIN IMMEDIATE`
serialises writers instead), the reminders task queues the day's report reminders, once per
report, kind and round (a unique key: a second worker's run rolls back and retries later).

A task that raises, or whose run leaves failures (mails not sent), is retried after a backoff
that doubles from the task's interval up to `MAX_BACKOFF`; a clean run resets it. No state lives
in the process: stopping a worker loses nothing, another one picks the work up.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import structlog
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from grants.settings import Settings
from grants.times import utcnow

log = structlog.get_logger("grants.worker")

MAX_BACKOFF = 3600.0
Sessions = async_sessionmaker[AsyncSession]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one run of a task did: a line for people, and whether it left work to retry."""

    summary: str
    failed: bool = False


@dataclass(slots=True)
class Task:
    name: str
    every: float
    run: Callable[[Sessions, Settings], Awaitable[Outcome]]
    due_at: float = 0.0
    failures: int = 0
    last: Outcome | None = field(default=None)

    def backoff(self) -> float:
        return float(min(MAX_BACKOFF, self.every * 2**self.failures))


async def send_mail(sessions: Sessions, settings: Settings) -> Outcome:
    from grants.mail import deliver_pending

    if settings.smtp_host is None:
        return Outcome("no SMTP_HOST: mails stay in the outbox")
    delivered = await deliver_pending(sessions, settings)
    return Outcome(f"{delivered.sent} sent, {delivered.failed} failed", delivered.failed > 0)


async def queue_reminders(sessions: Sessions, settings: Settings) -> Outcome:
    from grants.reports.reminders import remind

    today = utcnow().date()
    try:
        async with sessions() as session, session.begin():
            reminded = await remind(session, today)
    except IntegrityError:
        # Another worker queued the same reminder at the same time; its run stands, ours rolls
        # back whole and is retried, finding nothing left to do.
        return Outcome("another worker is queuing reminders", failed=True)
    return Outcome(f"{len(reminded)} reminder(s) queued for {today.isoformat()}")


TASKS: dict[str, tuple[float, Callable[[Sessions, Settings], Awaitable[Outcome]]]] = {
    "mail": (10.0, send_mail),
    "reminders": (3600.0, queue_reminders),
}


class Worker:
    """Runs the tasks named (all by default) whenever each is due."""

    def __init__(
        self,
        sessions: Sessions,
        settings: Settings,
        *,
        tasks: list[str] | None = None,
        intervals: dict[str, float] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.sessions, self.settings = sessions, settings
        self.clock = clock or asyncio.get_running_loop().time
        chosen = tasks or list(TASKS)
        unknown = sorted(set(chosen) - set(TASKS))
        if unknown:
            raise ValueError(
                f"unknown task(s) {', '.join(unknown)}: choose from {', '.join(TASKS)}"
            )
        self.tasks = [
            Task(name, (intervals or {}).get(name, TASKS[name][0]), TASKS[name][1])
            for name in chosen
        ]

    async def run_due(self) -> list[tuple[str, Outcome]]:
        """Run every task that is due now, once; schedule its next run."""
        done: list[tuple[str, Outcome]] = []
        for task in self.tasks:
            if self.clock() >= task.due_at:
                done.append((task.name, await self._run(task)))
        return done

    async def _run(self, task: Task) -> Outcome:
        try:
            outcome = await task.run(self.sessions, self.settings)
        except Exception as exc:
            log.exception("worker task failed", task=task.name)
            outcome = Outcome(f"{type(exc).__name__}: {exc}", failed=True)
        task.last = outcome
        if outcome.failed:
            task.failures += 1
            wait = task.backoff()
            log.warning(
                "worker task will retry", task=task.name, seconds=wait, outcome=outcome.summary
            )
        else:
            task.failures = 0
            wait = task.every
            log.info("worker task ran", task=task.name, outcome=outcome.summary)
        task.due_at = self.clock() + wait
        return outcome

    def seconds_to_next(self) -> float:
        return max(0.0, min(task.due_at for task in self.tasks) - self.clock())

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Run tasks as they fall due until `stop` is set."""
        while not stop.is_set():
            await self.run_due()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=max(0.05, self.seconds_to_next()))
