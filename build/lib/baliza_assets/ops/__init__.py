"""Operator commands (`baliza doctor`, `verify`, `fetch-payload`, `query`, `retry-failed`, `backup`)."""
