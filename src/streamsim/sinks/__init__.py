"""Sinks: where serialized events go (stdout, file, memory; Kafka in its own module)."""
