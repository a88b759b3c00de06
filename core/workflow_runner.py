"""The workflow runner: the SDK's (sandboxed or not), minus a question our converter ignores.

Before encoding or decoding each sequence of payloads of a workflow task, the SDK asks the
workflow instance for the payloads' serialization context (the workflow's, or the activity's
a command schedules), so that a codec or converter that reads the context gets it. In the
sandbox each question is a round trip into it (an ``exec`` under the sandbox's importer):
about a fifth of the worker's time per decision (py-spy, bench/RESULTS.md, issue 25).

Homeward's converter (pydantic payloads, AES-GCM codec, core/converter.py) reads no context:
given any context it answers with itself. For such a converter the answer cannot change a
payload, so :class:`ContextFreeRunner` answers "no context" without entering the sandbox, and
the SDK uses the converter as it is. A converter that does read a context is never wrapped
(:func:`runner_for`), so it keeps getting its context. The same goes for the other question
the SDK asks per payload sequence, where external storage (none here) would store it.
"""

from __future__ import annotations

from collections.abc import Sequence

import temporalio.workflow
from temporalio.bridge.proto.workflow_activation import WorkflowActivation
from temporalio.bridge.proto.workflow_completion import WorkflowActivationCompletion
from temporalio.converter import (
    ActivitySerializationContext,
    DataConverter,
    NexusSerializationContext,
    SerializationContext,
    StorageDriverStoreContext,
    WorkflowSerializationContext,
)
from temporalio.worker import (
    WorkflowInstance,
    WorkflowInstanceDetails,
    WorkflowRunner,
)

# A context of each kind the SDK passes: a converter that answers each with itself reads none.
_PROBES: tuple[SerializationContext, ...] = (
    WorkflowSerializationContext(namespace="probe", workflow_id="probe"),
    ActivitySerializationContext(
        namespace="probe", activity_id="probe", activity_type="probe",
        activity_task_queue="probe", workflow_id="probe", workflow_type="probe",
        is_local=False,
    ),
    NexusSerializationContext(endpoint="probe", service="probe", operation="probe"),
)


def reads_context(converter: DataConverter) -> bool:
    """Whether a serialization context can change what ``converter`` writes or reads."""
    return any(converter.with_context(probe) is not converter for probe in _PROBES)


def runner_for(converter: DataConverter, runner: WorkflowRunner) -> WorkflowRunner:
    """``runner``, wrapped in :class:`ContextFreeRunner` when ``converter`` reads no context."""
    if reads_context(converter):
        return runner
    return ContextFreeRunner(runner, stores_externally=converter.external_storage is not None)


class ContextFreeRunner(WorkflowRunner):
    """Runs workflows with ``inner``; its instances answer the serialization-context question
    with "none" themselves (only for a converter that reads no context: :func:`runner_for`),
    and the external store's too unless ``stores_externally``."""

    def __init__(self, inner: WorkflowRunner, *, stores_externally: bool = False) -> None:
        self.inner = inner
        self.stores_externally = stores_externally

    def prepare_workflow(self, defn: temporalio.workflow._Definition) -> None:
        self.inner.prepare_workflow(defn)

    def create_instance(self, det: WorkflowInstanceDetails) -> WorkflowInstance:
        return _ContextFreeInstance(self.inner.create_instance(det), self.stores_externally)

    def set_worker_level_failure_exception_types(
        self, types: Sequence[type[BaseException]]
    ) -> None:
        self.inner.set_worker_level_failure_exception_types(types)


class _ContextFreeInstance(WorkflowInstance):
    def __init__(self, inner: WorkflowInstance, stores_externally: bool) -> None:
        self._inner = inner
        self._stores_externally = stores_externally

    def activate(self, act: WorkflowActivation) -> WorkflowActivationCompletion:
        return self._inner.activate(act)

    def get_serialization_context(self, command_info: object) -> SerializationContext | None:
        return None

    def get_external_store_context(self, command_info: object) -> StorageDriverStoreContext:
        if not self._stores_externally:  # nothing is stored: the context goes unread
            return StorageDriverStoreContext(target=None)
        return self._inner.get_external_store_context(command_info)  # type: ignore[arg-type]

    def get_info(self) -> temporalio.workflow.Info:
        return self._inner.get_info()

    def get_thread_id(self) -> int | None:
        return self._inner.get_thread_id()
