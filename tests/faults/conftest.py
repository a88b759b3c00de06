"""Fault tests reuse the API fixtures (in-process app, real dev server and worker) and the
end-to-end stack (real worker and API processes)."""

from tests.api.conftest import api, auth  # noqa: F401
from tests.e2e.test_stack import stack  # noqa: F401
