"""Which function runs a job of each kind.

A domain app registers its operations in its AppConfig.ready():
`registry.register("segments.deliver", "segments.delivery.deliver_job", label=...)`.
The jobs app names functions by their dotted path, so it imports no domain app.
"""

from dataclasses import dataclass

from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Operation:
    kind: str
    path: str
    label: str

    def function(self):
        return import_string(self.path)


_operations = {}


def register(kind, path, *, label):
    """Let jobs of `kind` run the function at `path`: `function(job, **job.params)`.

    The function reports progress with jobs.services.report_progress, stops between
    batches when jobs.services.should_stop says so, and may return the result link
    ({"url": ..., "label": ...}). Registering a kind again replaces it.
    """
    _operations[kind] = Operation(kind=kind, path=path, label=label)


def unregister(kind):
    _operations.pop(kind, None)


def get(kind):
    """The operation registered for `kind`; LookupError when there is none."""
    try:
        return _operations[kind]
    except KeyError:
        raise LookupError(
            f"No operation is registered for jobs of kind {kind!r}."
        ) from None


def label(kind):
    operation = _operations.get(kind)
    return operation.label if operation else kind
