"""Pipeline stages the workflows and sessions are built from: opening and decoding the video,
the engine cache, the mask store, concurrency between stages, effects, rendering at the source
resolution, outputs, progress, stems, prompt intent and the removal's mask check."""
