"""Multi-step work built from operations: waiting for long-running work, and the helpers built on it."""
