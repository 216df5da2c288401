"""Actions of the core: help, cancel, operator handoff, profile and phone linking, the channel for notifications,
clarification."""
