"""What a host plugs in (its clock, its id factory) is checked before use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pendulum
import pytest
from sqlalchemy import Engine

from fanpin_workflow import Workflow
from fanpin_workflow.errors import BatchRefused, InvalidInput
from fanpin_workflow.service import commands as c
from tests.conftest import VILLAGE, register_cast, village_officer
from tests.integration.helpers import snapshot


class NaiveClock:
    """A host clock that forgot its zone."""

    def now(self) -> dt.datetime:
        """A time without a zone."""
        return dt.datetime(2024, 5, 10, 9, 0)


class ShanghaiClock:
    """A host clock that gives stdlib datetimes, aware, as many hosts do."""

    def now(self) -> dt.datetime:
        """10 May 2024, 09:00 in Asia/Shanghai, as a plain datetime."""
        return dt.datetime(2024, 5, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def opened(backend_url: str) -> Iterator[Workflow]:
    """A workflow on a fresh database with the test cast, on a good clock."""
    workflow = Workflow.open(backend_url, clock=ShanghaiClock())
    register_cast(workflow)
    yield workflow
    workflow.close()


def _with(workflow: Workflow, **options: object) -> Workflow:
    """The same database and registry, with other host callbacks."""
    return Workflow(workflow.bind, **options)  # type: ignore[arg-type]


def test_a_plain_aware_datetime_from_the_host_clock_is_used(
    opened: Workflow,
) -> None:
    """A stdlib aware datetime is a good clock reading, stored as that instant."""
    entry = opened.propose_inclusion(village_officer(), "hh-1", VILLAGE)

    stored = opened.get_case(entry.subject_id)

    assert stored.proposed_at == pendulum.datetime(2024, 5, 10, 1, tz="UTC")


def test_a_naive_clock_is_refused_and_nothing_is_written(
    opened: Workflow, engine_of_opened: Engine
) -> None:
    """A clock without a zone is refused, naming it, before anything is written."""
    naive = _with(opened, clock=NaiveClock())
    before = snapshot(engine_of_opened)

    with pytest.raises(InvalidInput) as refused:
        naive.propose_inclusion(village_officer(), "hh-1", VILLAGE)

    assert refused.value.field == "clock.now()"
    assert "timezone-aware" in refused.value.rule
    assert snapshot(engine_of_opened) == before


@pytest.mark.parametrize("bad", ["", "   ", "a" * 65, 42])
def test_an_unusable_id_from_the_factory_is_refused(
    opened: Workflow, engine_of_opened: Engine, bad: object
) -> None:
    """An id factory that gives no usable id is refused, naming the factory."""
    broken = _with(opened, clock=ShanghaiClock(), id_factory=lambda kind: bad)
    before = snapshot(engine_of_opened)

    with pytest.raises(InvalidInput) as refused:
        broken.propose_inclusion(village_officer(), "hh-1", VILLAGE)

    assert refused.value.field == "id_factory('object')"
    assert snapshot(engine_of_opened) == before


def test_a_factory_repeating_an_id_in_one_batch_is_refused(
    opened: Workflow, engine_of_opened: Engine
) -> None:
    """The same id twice in one batch is the factory's fault, not a race."""
    stuck = _with(opened, clock=ShanghaiClock(), id_factory=lambda kind: "same-id")
    officer = village_officer()
    before = snapshot(engine_of_opened)

    with pytest.raises(InvalidInput) as refused:
        stuck.handle(
            c.ProposeInclusion(actor=officer, household_id="hh-1", village_code=VILLAGE)
        )

    assert refused.value.field == "id_factory('case')"
    assert refused.value.rule == "gave an id it had given before"
    assert snapshot(engine_of_opened) == before


def test_a_repeat_across_two_commands_refuses_the_batch(
    opened: Workflow, engine_of_opened: Engine
) -> None:
    """Two proposals that get one id between them refuse the whole batch."""
    ids = iter(["o-1", "c-1", "o-2", "c-1"])
    stuck = _with(opened, clock=ShanghaiClock(), id_factory=lambda kind: next(ids))
    officer = village_officer()
    before = snapshot(engine_of_opened)

    with pytest.raises(BatchRefused) as refused:
        stuck.handle_many(
            [
                c.ProposeInclusion(
                    actor=officer, household_id=f"hh-{n}", village_code=VILLAGE
                )
                for n in (1, 2)
            ]
        )

    assert refused.value.index == 1
    assert isinstance(refused.value.error, InvalidInput)
    assert snapshot(engine_of_opened) == before


@pytest.fixture
def engine_of_opened(opened: Workflow) -> Engine:
    """The engine behind the `opened` workflow."""
    assert isinstance(opened.bind, Engine)
    return opened.bind
