"""Job state (SQLite), the worker pool that runs pipelines, and cleanup of old results."""
