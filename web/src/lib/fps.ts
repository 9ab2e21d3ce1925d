// Reads a video's frame rate from requestVideoFrameCallback metadata while it plays.

export const DEFAULT_FPS = 24;
const COMMON_RATES = [23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60];

/** Snaps a measured rate to the nearest common one when it is within 4% (measurements jitter). */
export function snapFps(measured: number): number {
  if (!(measured > 0) || !Number.isFinite(measured)) return DEFAULT_FPS;
  let best = measured;
  let bestErr = Infinity;
  for (const rate of COMMON_RATES) {
    const err = Math.abs(rate - measured) / rate;
    if (err < bestErr) {
      best = rate;
      bestErr = err;
    }
  }
  return bestErr <= 0.04 ? best : Math.round(measured * 100) / 100;
}

interface FrameMeta {
  mediaTime: number;
  presentedFrames: number;
}

type RvfcVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: (now: number, meta: FrameMeta) => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

/**
 * Calls `onFps` once a stable rate is measured from consecutive presented frames. Needs the video
 * to play for a few frames; returns a function that stops listening. No-op where unsupported.
 */
export function measureFps(video: HTMLVideoElement, onFps: (fps: number) => void): () => void {
  const v = video as RvfcVideo;
  if (typeof v.requestVideoFrameCallback !== "function") return () => {};
  let handle = 0;
  let stopped = false;
  let last: FrameMeta | null = null;
  const samples: number[] = [];
  const onFrame = (_now: number, meta: FrameMeta) => {
    if (stopped) return;
    if (last && meta.presentedFrames === last.presentedFrames + 1) {
      const dt = meta.mediaTime - last.mediaTime;
      if (dt > 0.001 && dt < 0.5) samples.push(1 / dt);
    }
    last = { mediaTime: meta.mediaTime, presentedFrames: meta.presentedFrames };
    if (samples.length >= 8) {
      const sorted = [...samples].sort((a, b) => a - b);
      onFps(snapFps(sorted[Math.floor(sorted.length / 2)]));
      stopped = true;
      return;
    }
    handle = v.requestVideoFrameCallback!(onFrame);
  };
  handle = v.requestVideoFrameCallback(onFrame);
  return () => {
    stopped = true;
    v.cancelVideoFrameCallback?.(handle);
  };
}

/**
 * Measures a video's frame rate without touching the visible player: a detached, muted copy plays
 * a dozen frames and reports their presentation times. Resolves null where that is unsupported or
 * takes longer than `timeoutMs`.
 */
export function probeFps(src: string, timeoutMs = 4000): Promise<number | null> {
  if (typeof document === "undefined") return Promise.resolve(null);
  const probe = document.createElement("video") as RvfcVideo;
  if (typeof probe.requestVideoFrameCallback !== "function") return Promise.resolve(null);
  return new Promise((resolve) => {
    let stop = () => {};
    const finish = (fps: number | null) => {
      clearTimeout(timer);
      stop();
      probe.pause();
      probe.removeAttribute("src");
      probe.load();
      resolve(fps);
    };
    const timer = setTimeout(() => finish(null), timeoutMs);
    probe.muted = true;
    probe.playsInline = true;
    probe.preload = "auto";
    probe.src = src;
    stop = measureFps(probe, (fps) => finish(fps));
    probe.play().catch(() => finish(null));
  });
}
