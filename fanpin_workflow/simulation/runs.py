"""How far each simulation got, kept in the database it writes.

A run is recorded when it starts and marked when it reaches the end of its
window, so a summary can tell a complete campaign from one that was
interrupted or failed part way.
"""

from __future__ import annotations

import attrs
import pendulum
from sqlalchemy import Connection, Engine, func, select

from fanpin_workflow.adapters.tables import simulation_runs
from fanpin_workflow.simulation.config import SimulationConfig


@attrs.frozen
class RunState:
    """The last simulation recorded in a database, and how far it got."""

    window_start: pendulum.DateTime
    window_end: pendulum.DateTime
    simulated_to: pendulum.DateTime | None
    finished: bool

    def describe(self) -> str:
        """The run's state in words, for the summary."""
        window = (
            f"{self.window_start.to_date_string()} to "
            f"{self.window_end.to_date_string()}"
        )
        if self.finished:
            return f"complete: the whole window, {window}"
        reached = (
            self.simulated_to.to_date_string() if self.simulated_to else "its start"
        )
        return f"partial: simulated to {reached} of {window} (interrupted or failed)"


def record_start(engine: Engine, config: SimulationConfig) -> str:
    """Record a run about to start; return its id (run-1, run-2, ...)."""
    with engine.begin() as connection:
        earlier = connection.execute(
            select(func.count()).select_from(simulation_runs)
        ).scalar_one()
        run_id = f"run-{earlier + 1}"
        connection.execute(
            simulation_runs.insert().values(
                id=run_id,
                seed=config.seed,
                households=config.households,
                window_start=config.start,
                window_end=config.end,
            )
        )
    return run_id


def record_progress(
    engine: Engine, run_id: str, simulated_to: pendulum.DateTime, finished: bool
) -> None:
    """Record how far the run got; `finished` once the window is done."""
    values: dict[str, object] = {"simulated_to": simulated_to}
    if finished:
        values["finished_at"] = simulated_to
    with engine.begin() as connection:
        connection.execute(
            simulation_runs.update()
            .where(simulation_runs.c.id == run_id)
            .values(values)
        )


def run_state(connection: Connection) -> RunState | None:
    """The last simulation recorded, or None if no simulation wrote here."""
    row = connection.execute(
        select(simulation_runs)
        .order_by(simulation_runs.c.window_start.desc(), simulation_runs.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    return RunState(
        window_start=row.window_start,
        window_end=row.window_end,
        simulated_to=row.simulated_to,
        finished=row.finished_at is not None,
    )
