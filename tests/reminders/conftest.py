"""The reminders run jobs through the worker too: the same guard of the test's connection."""

from tests.runtime.conftest import _keep_the_test_connection

__all__ = ["_keep_the_test_connection"]
