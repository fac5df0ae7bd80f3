"""The one completion rule: an officer's status on a course, decided once and used by every page and export."""
