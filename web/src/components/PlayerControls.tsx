// The player's controls: play/pause, a frame back and forward, the frame scrubber, where we are.
import type { ReactNode } from "react";
import { formatTime } from "../lib/format";
import { Button } from "./ui/button";
import { Tooltip, TooltipContent, TooltipTrigger } from "./ui/tooltip";

/** A player button named by its action; the tooltip also tells the key that does the same on the frame. */
function IconButton({
  label,
  shortcut,
  onClick,
  disabled,
  children,
}: {
  label: string;
  shortcut: string;
  onClick: () => void;
  disabled?: boolean;
  children: ReactNode;
}) {
  return (
    <Tooltip>
      <TooltipTrigger asChild>
        <Button variant="outline" size="icon" aria-label={label} onClick={onClick} disabled={disabled}>
          {children}
        </Button>
      </TooltipTrigger>
      <TooltipContent>
        {label} <kbd className="ml-1 rounded border border-input px-1 font-mono">{shortcut}</kbd>
      </TooltipContent>
    </Tooltip>
  );
}

interface Props {
  playing: boolean;
  canPlay: boolean;
  frameIdx: number;
  frameCount: number;
  fps: number;
  fpsMeasured: boolean;
  onTogglePlay: () => void;
  onSeekFrame: (frameIdx: number) => void;
}

export function PlayerControls({ playing, canPlay, frameIdx, frameCount, fps, fpsMeasured, onTogglePlay, onSeekFrame }: Props) {
  const last = Math.max(0, frameCount - 1);
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <IconButton label={playing ? "Pause" : "Play"} shortcut="Space" onClick={onTogglePlay} disabled={!canPlay}>
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
      <IconButton label="Previous frame" shortcut="," onClick={() => onSeekFrame(frameIdx - 1)}>
        ‹
      </IconButton>
      <IconButton label="Next frame" shortcut="." onClick={() => onSeekFrame(frameIdx + 1)}>
        ›
      </IconButton>
      <label className="flex min-w-[8rem] flex-1 items-center">
        <span className="sr-only">Frame</span>
        <input
          type="range"
          min={0}
          max={last}
          step={1}
          value={Math.min(frameIdx, last)}
          aria-valuetext={`frame ${frameIdx} of ${last}`}
          onChange={(e) => onSeekFrame(Number(e.target.value))}
          className="w-full accent-indigo-500"
          data-testid="frame-scrubber"
        />
      </label>
      <span className="tabular-nums text-slate-400" data-testid="frame-readout">
        {formatTime(frameIdx / (fps || 24))} · frame {frameIdx}
        {frameCount ? `/${last}` : ""}
        <span className="text-slate-400" data-testid="fps-readout" title={fpsMeasured ? "from the video" : "assumed until measured"}>
          {" "}
          · {Math.round(fps * 100) / 100} fps
        </span>
      </span>
    </div>
  );
}
