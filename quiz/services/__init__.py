"""Use cases: each takes a session (or nothing), returns frozen results, never commits or prints."""
