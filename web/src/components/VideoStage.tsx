// The source video with frame controls and a click/keyboard target for placing point prompts.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from "react";
import type { PromptPoint } from "../lib/api";
import { clamp, clientToFramePercent, containedFrameBox, elementInsets, frameIndexAt, type Box } from "../lib/geometry";
import { DEFAULT_FPS, measureFps, probeFps } from "../lib/fps";
import { formatTime } from "../lib/format";
import { cn } from "../lib/utils";
import { Button } from "./ui/button";
import { Tooltip, TooltipContent, TooltipTrigger } from "./ui/tooltip";

export interface VideoMeta {
  width: number;
  height: number;
  duration: number;
}

interface Props {
  src: string;
  /** When false the video only plays; clicks and Enter place nothing. */
  interactive: boolean;
  points: PromptPoint[];
  pointsFrame: number | null;
  negativeMode: boolean;
  fps: number;
  onFps: (fps: number) => void;
  onMeta: (meta: VideoMeta) => void;
  onAddPoint: (point: PromptPoint, frameIdx: number) => void;
  onFrameChange?: (frameIdx: number) => void;
  onPreviewError?: () => void;
}

/** A player button named by its action; the tooltip also tells the key that does the same on the frame. */
function IconButton({ label, shortcut, onClick, children }: { label: string; shortcut: string; onClick: () => void; children: ReactNode }) {
  return (
    <Tooltip>
      <TooltipTrigger asChild>
        <Button variant="outline" size="icon" aria-label={label} onClick={onClick}>
          {children}
        </Button>
      </TooltipTrigger>
      <TooltipContent>
        {label} <kbd className="ml-1 rounded border border-input px-1 font-mono">{shortcut}</kbd>
      </TooltipContent>
    </Tooltip>
  );
}

const STEP_PCT = 2;
const BIG_STEP_PCT = 10;

export function VideoStage({
  src,
  interactive,
  points,
  pointsFrame,
  negativeMode,
  fps,
  onFps,
  onMeta,
  onAddPoint,
  onFrameChange,
  onPreviewError,
}: Props) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [intrinsic, setIntrinsic] = useState({ width: 0, height: 0 });
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [crosshair, setCrosshair] = useState({ x: 50, y: 50 });
  const [keyboardFocus, setKeyboardFocus] = useState(false);
  const fpsKnown = useRef(false);

  const frameIdx = frameIndexAt(time, fps || DEFAULT_FPS);

  useEffect(() => {
    onFrameChange?.(frameIdx);
  }, [frameIdx, onFrameChange]);

  // Track the element's size so drawn points stay on the picture when the layout changes.
  useLayoutEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const update = () => setSize({ width: video.clientWidth, height: video.clientHeight });
    update();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(update);
    observer.observe(video);
    return () => observer.disconnect();
  }, []);

  // Per-video state starts fresh because the parent keys this component by `src`.
  const [previewFailed, setPreviewFailed] = useState(false);

  // Read the real frame rate from a hidden copy as soon as the video is picked...
  useEffect(() => {
    let cancelled = false;
    void probeFps(src).then((measured) => {
      if (!cancelled && measured && !fpsKnown.current) {
        fpsKnown.current = true;
        onFps(measured);
      }
    });
    return () => {
      cancelled = true;
    };
  }, [src, onFps]);

  // ...and, failing that, while the video plays; until then the default applies.
  useEffect(() => {
    const video = videoRef.current;
    if (!video || !playing || fpsKnown.current) return;
    return measureFps(video, (measured) => {
      fpsKnown.current = true;
      onFps(measured);
    });
  }, [playing, onFps]);

  const frame: Box = containedFrameBox(
    { left: 0, top: 0, width: size.width, height: size.height },
    intrinsic.width,
    intrinsic.height,
  );

  const seekToFrame = useCallback(
    (idx: number) => {
      const video = videoRef.current;
      if (!video) return;
      video.pause();
      const rate = fps || DEFAULT_FPS;
      const last = Math.max(0, Math.floor((video.duration || 0) * rate) - 1);
      // A millisecond past the frame's start shows that frame, not the one before it.
      video.currentTime = clamp(idx, 0, last) / rate + 0.001;
    },
    [fps],
  );

  const togglePlay = useCallback(() => {
    const video = videoRef.current;
    if (!video) return;
    if (video.paused || video.ended) {
      video.play().catch(() => {
        /* autoplay policies may refuse; the button stays "Play" */
      });
    } else {
      video.pause();
    }
  }, []);

  const place = useCallback(
    (x: number, y: number, negative: boolean) => {
      const video = videoRef.current;
      if (!video || !interactive) return;
      if (!video.paused) video.pause();
      onAddPoint({ x, y, positive: !negative }, frameIndexAt(video.currentTime, fps || DEFAULT_FPS));
    },
    [fps, interactive, onAddPoint],
  );

  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const video = videoRef.current;
    if (!video || !interactive) return;
    const rect = video.getBoundingClientRect();
    const pct = clientToFramePercent(
      event.clientX,
      event.clientY,
      { left: rect.left, top: rect.top, width: rect.width, height: rect.height },
      video.videoWidth,
      video.videoHeight,
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
    switch (event.key) {
      case "ArrowLeft":
        move(-step, 0);
        break;
      case "ArrowRight":
        move(step, 0);
        break;
      case "ArrowUp":
        move(0, -step);
        break;
      case "ArrowDown":
        move(0, step);
        break;
      case "Enter":
        if (!interactive) return;
        setKeyboardFocus(true);
        place(crosshair.x, crosshair.y, event.shiftKey || negativeMode);
        break;
      case " ":
        togglePlay();
        break;
      case ",":
        seekToFrame(frameIdx - 1);
        break;
      case ".":
        seekToFrame(frameIdx + 1);
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const totalFrames = duration > 0 ? Math.max(1, Math.round(duration * (fps || DEFAULT_FPS))) : 0;
  const visiblePoints = points.map((p, i) => ({ ...p, i }));
  const onOtherFrame = pointsFrame !== null && pointsFrame !== frameIdx;

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
          onTimeUpdate={(e) => setTime(e.currentTarget.currentTime)}
          onSeeked={(e) => setTime(e.currentTarget.currentTime)}
          onPlay={() => setPlaying(true)}
          onPause={(e) => {
            setPlaying(false);
            setTime(e.currentTarget.currentTime);
          }}
          onEnded={() => setPlaying(false)}
          onError={() => {
            setPreviewFailed(true);
            onPreviewError?.();
          }}
        />
        {previewFailed && (
          <p
            role="status"
            className="pointer-events-none absolute inset-x-0 top-1/2 -translate-y-1/2 px-6 text-center text-sm text-slate-300"
            data-testid="preview-failed"
          >
            This browser cannot preview this file. The server may still read it: use Chat, or place a point with the
            keyboard (arrows, then Enter) — or convert it to MP4 (H.264).
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
          <svg
            className="pointer-events-none absolute inset-0 h-full w-full"
            width={size.width}
            height={size.height}
            aria-hidden="true"
          >
            {visiblePoints.map((p) => {
              const cxp = frame.left + (p.x / 100) * frame.width;
              const cyp = frame.top + (p.y / 100) * frame.height;
              const color = p.positive ? "#34d399" : "#f87171";
              return (
                <g key={p.i} opacity={onOtherFrame ? 0.35 : 1} data-testid="point-marker">
                  <circle cx={cxp} cy={cyp} r={9} fill="rgba(0,0,0,0.45)" stroke={color} strokeWidth={2.5} />
                  <path
                    d={p.positive ? `M${cxp - 4} ${cyp}h8M${cxp} ${cyp - 4}v8` : `M${cxp - 4} ${cyp}h8`}
                    stroke={color}
                    strokeWidth={2.5}
                    strokeLinecap="round"
                  />
                </g>
              );
            })}
            {keyboardFocus && interactive && (
              <g data-testid="crosshair">
                <line
                  x1={frame.left + (crosshair.x / 100) * frame.width}
                  x2={frame.left + (crosshair.x / 100) * frame.width}
                  y1={frame.top}
                  y2={frame.top + frame.height}
                  stroke="rgba(129,140,248,0.8)"
                  strokeDasharray="4 4"
                />
                <line
                  y1={frame.top + (crosshair.y / 100) * frame.height}
                  y2={frame.top + (crosshair.y / 100) * frame.height}
                  x1={frame.left}
                  x2={frame.left + frame.width}
                  stroke="rgba(129,140,248,0.8)"
                  strokeDasharray="4 4"
                />
                <circle
                  cx={frame.left + (crosshair.x / 100) * frame.width}
                  cy={frame.top + (crosshair.y / 100) * frame.height}
                  r={12}
                  fill="none"
                  stroke="#818cf8"
                  strokeWidth={2}
                />
              </g>
            )}
          </svg>
        </div>
      </div>

      <div className="flex flex-wrap items-center gap-2 text-sm">
        <IconButton label={playing ? "Pause" : "Play"} shortcut="Space" onClick={togglePlay}>
          {playing ? (
            <svg viewBox="0 0 20 20" className="size-4" fill="currentColor" aria-hidden="true">
              <path d="M5 4h3v12H5zM12 4h3v12h-3z" />
            </svg>
          ) : (
            <svg viewBox="0 0 20 20" className="size-4" fill="currentColor" aria-hidden="true">
              <path d="M6 4l10 6-10 6z" />
            </svg>
          )}
        </IconButton>
        <IconButton label="Previous frame" shortcut="," onClick={() => seekToFrame(frameIdx - 1)}>
          ‹
        </IconButton>
        <IconButton label="Next frame" shortcut="." onClick={() => seekToFrame(frameIdx + 1)}>
          ›
        </IconButton>
        <label className="flex min-w-[8rem] flex-1 items-center">
          <span className="sr-only">Position in video</span>
          <input
            type="range"
            min={0}
            max={duration || 0}
            step={1 / (fps || DEFAULT_FPS)}
            value={Math.min(time, duration || 0)}
            onChange={(e) => {
              const video = videoRef.current;
              if (!video) return;
              video.pause();
              video.currentTime = Number(e.target.value);
              setTime(video.currentTime);
            }}
            className="w-full accent-indigo-500"
          />
        </label>
        <span className="tabular-nums text-slate-400" data-testid="frame-readout">
          {formatTime(time)} · frame {frameIdx}
          {totalFrames ? `/${totalFrames - 1}` : ""}
          <span className="text-slate-400" data-testid="fps-readout" title={fpsKnown.current ? "measured from the video" : "assumed until measured"}>
            {" "}
            · {Math.round((fps || DEFAULT_FPS) * 100) / 100} fps
          </span>
        </span>
      </div>
    </div>
  );
}
