"""The one error type for problems a user must fix; its message says how."""


class AssistantError(Exception):
    """A problem the user can fix; shown as one line, never as a traceback."""
