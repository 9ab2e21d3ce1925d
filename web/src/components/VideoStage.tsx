// The source video with frame controls, a click/keyboard target for point prompts, and whatever the
// page draws over the picture (the masks). A file this browser cannot play is shown frame by frame
// as the server decoded it.
import {
  forwardRef,
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
  type ReactNode,
} from "react";
import type { PromptPoint } from "../lib/api";
import { clamp, clientToFramePercent, containedFrameBox, elementInsets, frameIndexAt, type Box } from "../lib/geometry";
import { DEFAULT_FPS, measureFps, probeFps } from "../lib/fps";
import { cn } from "../lib/utils";
import { PlayerControls } from "./PlayerControls";
import { PointMarkers, type Marker } from "./PointMarkers";

export interface VideoMeta {
  width: number;
  height: number;
  duration: number;
}

export interface VideoStageHandle {
  seekToFrame: (frameIdx: number) => void;
}

interface Props {
  src: string;
  /** When false the video only plays; clicks and Enter place nothing. */
  interactive: boolean;
  /** The points on the frame shown. */
  markers: Marker[];
  negativeMode: boolean;
  fps: number;
  /** The rate is the video's own (from the server or measured), not the default. */
  fpsKnown?: boolean;
  /** Frames in the video, when known (the server counted them). */
  frameCount?: number;
  onFps: (fps: number) => void;
  onMeta: (meta: VideoMeta) => void;
  onAddPoint: (point: PromptPoint, frameIdx: number) => void;
  onFrameChange?: (frameIdx: number) => void;
  /** Frame n as a picture, for a file the browser cannot play. */
  stillFrameUrl?: (frameIdx: number) => string;
  /** Drawn over the picture (`frame`: where the picture is, in the stage's pixels). */
  renderOverlay?: (frame: Box, frameIdx: number) => ReactNode;
}

const STEP_PCT = 2;
const BIG_STEP_PCT = 10;

type RvfcVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: (now: number, meta: { mediaTime: number }) => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

/** The element's size, kept current, so what is drawn stays on the picture when the layout changes. */
function useElementSize(ref: React.RefObject<HTMLElement | null>) {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => setSize({ width: el.clientWidth, height: el.clientHeight });
    update();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(update);
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return [size, setSize] as const;
}

/** The frame rate read from a hidden copy as soon as the video is picked, else while it plays. */
function useFpsProbe(src: string, videoRef: React.RefObject<HTMLVideoElement | null>, playing: boolean, onFps: (fps: number) => void) {
  const known = useRef(false);
  useEffect(() => {
    let cancelled = false;
    void probeFps(src).then((measured) => {
      if (!cancelled && measured && !known.current) {
        known.current = true;
        onFps(measured);
      }
    });
    return () => {
      cancelled = true;
    };
  }, [src, onFps]);
  useEffect(() => {
    const video = videoRef.current;
    if (!video || !playing || known.current) return;
    return measureFps(video, (measured) => {
      known.current = true;
      onFps(measured);
    });
  }, [playing, onFps, videoRef]);
  return known.current;
}

/** While playing, the time of the frame on screen (requestVideoFrameCallback), not the 4 Hz timeupdate. */
function useFrameClock(videoRef: React.RefObject<HTMLVideoElement | null>, playing: boolean, setTime: (t: number) => void) {
  useEffect(() => {
    const video = videoRef.current as RvfcVideo | null;
    if (!video || !playing || !video.requestVideoFrameCallback) return;
    let handle = 0;
    const tick = (_: number, meta: { mediaTime: number }) => {
      setTime(meta.mediaTime);
      handle = video.requestVideoFrameCallback!(tick);
    };
    handle = video.requestVideoFrameCallback(tick);
    return () => video.cancelVideoFrameCallback?.(handle);
  }, [playing, videoRef, setTime]);
}

export const VideoStage = forwardRef<VideoStageHandle, Props>(function VideoStage(props, ref) {
  const { src, interactive, markers, negativeMode, fps, frameCount, onFps, onMeta, onAddPoint, onFrameChange, stillFrameUrl, renderOverlay } = props;
  const videoRef = useRef<HTMLVideoElement>(null);
  const [size, setSize] = useElementSize(videoRef);
  const [intrinsic, setIntrinsic] = useState({ width: 0, height: 0 });
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [crosshair, setCrosshair] = useState({ x: 50, y: 50 });
  const [keyboardFocus, setKeyboardFocus] = useState(false);
  // Per-video state starts fresh because the parent keys this component by `src`.
  const [previewFailed, setPreviewFailed] = useState(false);
  const [stillIdx, setStillIdx] = useState(0);
  const measured = useFpsProbe(src, videoRef, playing, onFps);
  useFrameClock(videoRef, playing, setTime);

  const rate = fps || DEFAULT_FPS;
  const stills = previewFailed && !!stillFrameUrl;
  const frames = frameCount ?? (duration > 0 ? Math.max(1, Math.round(duration * rate)) : 0);
  const frameIdx = stills ? stillIdx : frameIndexAt(time, rate);

  useEffect(() => {
    onFrameChange?.(frameIdx);
  }, [frameIdx, onFrameChange]);

  const frame: Box = containedFrameBox({ left: 0, top: 0, width: size.width, height: size.height }, intrinsic.width, intrinsic.height);

  const seekToFrame = useCallback(
    (idx: number) => {
      const last = Math.max(0, frames - 1);
      if (stills) return setStillIdx(clamp(Math.round(idx), 0, last));
      const video = videoRef.current;
      if (!video) return;
      video.pause();
      // A millisecond past the frame's start shows that frame, not the one before it.
      video.currentTime = clamp(Math.round(idx), 0, last) / rate + 0.001;
      setTime(video.currentTime);
    },
    [frames, rate, stills],
  );
  useImperativeHandle(ref, () => ({ seekToFrame }), [seekToFrame]);

  const togglePlay = useCallback(() => {
    const video = videoRef.current;
    if (!video || stills) return;
    if (video.paused || video.ended) {
      video.play().catch(() => {
        /* autoplay policies may refuse; the button stays "Play" */
      });
    } else {
      video.pause();
    }
  }, [stills]);

  const place = (x: number, y: number, negative: boolean) => {
    const video = videoRef.current;
    if (!video || !interactive) return;
    if (!video.paused) video.pause();
    onAddPoint({ x, y, positive: !negative }, stills ? stillIdx : frameIndexAt(video.currentTime, rate));
  };

  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const video = videoRef.current;
    if (!video || !interactive) return;
    const rect = video.getBoundingClientRect();
    const pct = clientToFramePercent(
      event.clientX,
      event.clientY,
      { left: rect.left, top: rect.top, width: rect.width, height: rect.height },
      intrinsic.width || video.videoWidth,
      intrinsic.height || video.videoHeight,
      elementInsets(video),
    );
    setKeyboardFocus(false);
    if (!pct) return; // on the letterbox bars: not part of the frame
    setCrosshair(pct);
    place(pct.x, pct.y, event.shiftKey || negativeMode);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const step = event.shiftKey ? BIG_STEP_PCT : STEP_PCT;
    const move = (dx: number, dy: number) => {
      setKeyboardFocus(true);
      setCrosshair((c) => ({ x: clamp(c.x + dx, 0, 100), y: clamp(c.y + dy, 0, 100) }));
    };
    const keys: Record<string, () => void> = {
      ArrowLeft: () => move(-step, 0),
      ArrowRight: () => move(step, 0),
      ArrowUp: () => move(0, -step),
      ArrowDown: () => move(0, step),
      " ": togglePlay,
      ",": () => seekToFrame(frameIdx - 1),
      ".": () => seekToFrame(frameIdx + 1),
    };
    if (event.key === "Enter" && interactive) {
      setKeyboardFocus(true);
      place(crosshair.x, crosshair.y, event.shiftKey || negativeMode);
    } else if (keys[event.key]) {
      keys[event.key]();
    } else {
      return;
    }
    event.preventDefault();
  };

  return (
    <div className="flex flex-col gap-2">
      <div
        className="relative w-full overflow-hidden rounded-lg bg-black"
        style={{
          // The frame's own shape when known (16:9 until then); capped so controls stay on screen.
          aspectRatio: intrinsic.width && intrinsic.height ? `${intrinsic.width} / ${intrinsic.height}` : "16 / 9",
          maxHeight: "65vh",
        }}
      >
        <video
          ref={videoRef}
          src={src}
          data-testid="source-video"
          className="absolute inset-0 h-full w-full object-contain"
          playsInline
          preload="auto"
          onLoadedMetadata={(e) => {
            const v = e.currentTarget;
            setIntrinsic({ width: v.videoWidth, height: v.videoHeight });
            setDuration(v.duration);
            setSize({ width: v.clientWidth, height: v.clientHeight });
            onMeta({ width: v.videoWidth, height: v.videoHeight, duration: v.duration });
          }}
          onTimeUpdate={(e) => {
            // while playing, the frame clock keeps the time where the browser has one
            if (!playing || !(e.currentTarget as RvfcVideo).requestVideoFrameCallback) setTime(e.currentTarget.currentTime);
          }}
          onSeeked={(e) => setTime(e.currentTarget.currentTime)}
          onPlay={() => setPlaying(true)}
          onPause={(e) => {
            setPlaying(false);
            setTime(e.currentTarget.currentTime);
          }}
          onEnded={() => setPlaying(false)}
          onError={() => setPreviewFailed(true)}
        />
        {stills && (
          <img
            src={stillFrameUrl(frameIdx)}
            alt=""
            data-testid="still-frame"
            className="absolute inset-0 h-full w-full object-contain"
            onLoad={(e) => {
              const img = e.currentTarget;
              setIntrinsic({ width: img.naturalWidth, height: img.naturalHeight });
              setSize({ width: img.clientWidth, height: img.clientHeight });
            }}
          />
        )}
        {previewFailed && !stills && (
          <p
            role="status"
            className="pointer-events-none absolute inset-x-0 top-1/2 -translate-y-1/2 px-6 text-center text-sm text-slate-300"
            data-testid="preview-failed"
          >
            This browser cannot play this file. If the server can read it, its frames show here once it is prepared.
          </p>
        )}
        <div
          data-testid="click-target"
          role="application"
          tabIndex={0}
          aria-roledescription="video frame"
          aria-label={
            interactive
              ? `Video frame ${frameIdx}. Click the object, or move the crosshair with the arrow keys and press Enter to place a point. Shift adds a “not this” point. Space plays or pauses; comma and period step one frame.`
              : `Video frame ${frameIdx}. Space plays or pauses; comma and period step one frame.`
          }
          onClick={onClick}
          onKeyDown={onKeyDown}
          onBlur={() => setKeyboardFocus(false)}
          className={cn(
            "absolute inset-0 outline-none focus-visible:ring-4 focus-visible:ring-inset focus-visible:ring-indigo-400",
            interactive ? (negativeMode ? "cursor-not-allowed" : "cursor-crosshair") : "cursor-default",
          )}
        >
          {renderOverlay?.(frame, frameIdx)}
          <PointMarkers
            width={size.width}
            height={size.height}
            frame={frame}
            markers={markers}
            crosshair={keyboardFocus && interactive ? crosshair : null}
          />
        </div>
      </div>
      <PlayerControls
        playing={playing}
        canPlay={!stills}
        frameIdx={frameIdx}
        frameCount={frames}
        fps={rate}
        fpsMeasured={props.fpsKnown ?? measured}
        onTogglePlay={togglePlay}
        onSeekFrame={seekToFrame}
      />
    </div>
  );
});
