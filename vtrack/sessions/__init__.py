"""Interactive editing sessions: upload once, prompt on any frame, propagate, render effects.

What is durable and what is a cache (see DEVELOPING.md):
- durable: the working-resolution frame store, the prompts per (object, frame) and the masks per
  frame (COCO RLE). Prompts live in the job store (SQLite or Redis), frames and masks in the
  data dir, so any API or worker process can serve a session and a restart loses nothing;
- cache: the engine sessions (`engine_sessions`), rebuilt by replaying the prompts whenever one
  is missing (after a restart, on another worker, after eviction).
"""
