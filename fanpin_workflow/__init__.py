"""fanpin_workflow: a workflow engine for the campaign against falling back
into poverty (防返贫): monitoring objects, their multi-level approval, and
a complete audit trail, on SQLite or PostgreSQL.
"""

import logging

from fanpin_workflow.domain.approval import CaseEvent, CaseKind, CaseState, Level
from fanpin_workflow.domain.clock import SystemClock, VirtualClock
from fanpin_workflow.domain.jurisdiction import Actor
from fanpin_workflow.domain.lifecycle import ObjectState
from fanpin_workflow.domain.model import ApprovalCase, AuditEntry, MonitoringObject
from fanpin_workflow.domain.settings import ApprovalSettings
from fanpin_workflow.errors import FanpinError
from fanpin_workflow.service.workflow import Workflow

__all__ = [
    "Actor",
    "ApprovalCase",
    "ApprovalSettings",
    "AuditEntry",
    "CaseEvent",
    "CaseKind",
    "CaseState",
    "FanpinError",
    "Level",
    "MonitoringObject",
    "ObjectState",
    "SystemClock",
    "VirtualClock",
    "Workflow",
]

__version__ = "0.1.0"

# A library leaves handlers to its host; without one, say nothing.
logging.getLogger(__name__).addHandler(logging.NullHandler())
