"""The two kinds of failure a run can end with, and their exit statuses."""

from __future__ import annotations


class UsageError(Exception):
    """A user's mistake in options, environment, config file, schedule or field names.

    The CLI prints the message as one line and exits with status 2.
    """

    exit_code = 2


class RunFailure(Exception):
    """A failure at run time that is not the user's input (e.g. broker unreachable).

    The CLI prints the message as one line and exits with status 1.
    """

    exit_code = 1
