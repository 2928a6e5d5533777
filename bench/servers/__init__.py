"""Baseline processes: the least a handler or a responder can do, on the same machine."""
