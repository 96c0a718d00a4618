"""Contributions and moderation: the proposal forms and their JSON API, the private queue of submissions, the
moderators' desk, sessions and CSRF tokens."""
