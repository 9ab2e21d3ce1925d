// A finished task's media: the result video beside (or instead of) the original, and audio stems.
import { useState } from "react";
import { apiUrl, type TaskResult } from "../lib/api";
import { cn } from "../lib/utils";
import { ToggleGroup, ToggleGroupItem } from "./ui/toggle-group";

type View = "side" | "result" | "original";

const VIEWS: [View, string][] = [
  ["result", "Result"],
  ["original", "Original"],
  ["side", "Side by side"],
];

interface Props {
  result: TaskResult;
  originalUrl: string;
  defaultView?: View;
}

const VIDEO_KEYS = ["video_url", "inpainted_video_url", "highlighted_video_url", "masked_video_url", "stem_video_url"] as const;

export function primaryVideoUrl(result: TaskResult): string | null {
  for (const key of VIDEO_KEYS) {
    const value = result[key];
    if (typeof value === "string" && value) return apiUrl(value);
  }
  return null;
}

export function ResultViewer({ result, originalUrl, defaultView = "result" }: Props) {
  const [view, setView] = useState<View>(defaultView);
  const videoUrl = primaryVideoUrl(result);
  // A cutout has transparency: a checkerboard behind it shows where.
  const transparent = !!videoUrl && /\.webm($|\?)/.test(videoUrl);
  const audio = typeof result.audio_url === "string" && result.audio_url ? apiUrl(result.audio_url) : null;
  const rest =
    typeof result.complement_audio_url === "string" && result.complement_audio_url ? apiUrl(result.complement_audio_url) : null;

  return (
    <section aria-label="Result" className="flex flex-col gap-3" data-testid="result-viewer">
      {videoUrl && (
        <>
          <ToggleGroup
            type="single"
            aria-label="Compare with the original"
            value={view}
            onValueChange={(value) => value && setView(value as View)}
          >
            {VIEWS.map(([value, label]) => (
              <ToggleGroupItem key={value} value={value}>
                {label}
              </ToggleGroupItem>
            ))}
          </ToggleGroup>
          <div className={cn("grid gap-3", view === "side" ? "sm:grid-cols-2" : "max-w-3xl")}>
            <figure className={cn(view === "result" && "hidden")}>
              <video
                src={originalUrl}
                controls
                playsInline
                preload="auto"
                muted
                aria-label="Original video"
                className="aspect-video max-h-[60vh] w-full rounded-lg bg-black object-contain"
              />
              <figcaption className="mt-1 text-xs text-slate-400">Original</figcaption>
            </figure>
            <figure className={cn(view === "original" && "hidden")}>
              <video
                src={videoUrl}
                data-testid="result-video"
                controls
                playsInline
                preload="auto"
                aria-label="Result video"
                className={cn("aspect-video max-h-[60vh] w-full rounded-lg object-contain", transparent ? "checkerboard" : "bg-black")}
              />
              <figcaption className="mt-1 text-xs text-slate-400">Result</figcaption>
            </figure>
          </div>
        </>
      )}
      {audio && (
        <div className="rounded-lg border border-border bg-card p-3">
          <p className="mb-2 text-sm font-medium" id="stem-label">
            Isolated audio
          </p>
          <audio src={audio} controls preload="metadata" className="w-full" aria-labelledby="stem-label" data-testid="result-audio" />
          {rest && (
            <>
              <p className="mb-2 mt-3 text-sm font-medium" id="rest-label">
                Everything else
              </p>
              <audio src={rest} controls preload="metadata" className="w-full" aria-labelledby="rest-label" />
            </>
          )}
        </div>
      )}
    </section>
  );
}
