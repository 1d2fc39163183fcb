"""Tests against a real Kafka broker (see conftest.py)."""
