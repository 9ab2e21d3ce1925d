// Picking a video: drag-and-drop or the file dialog, checked locally before anything is sent.
import { useRef, useState, type DragEvent } from "react";
import { checkVideoFile, type UploadLimits } from "../lib/validate";
import { formatBytes } from "../lib/format";
import { cn } from "../lib/utils";
import { Button } from "./ui/button";

interface Props {
  limits: UploadLimits;
  file: File | null;
  onFile: (file: File) => void;
  onReject: (message: string) => void;
  compact?: boolean;
}

export function VideoUploader({ limits, file, onFile, onReject, compact }: Props) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  const accept = (candidate: File | undefined) => {
    if (!candidate) return;
    const problem = checkVideoFile(candidate, limits);
    if (problem) onReject(problem);
    else onFile(candidate);
  };

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    event.stopPropagation(); // handled here; the page-wide drop handler must not take it again
    setDragging(false);
    accept(event.dataTransfer.files?.[0]);
  };

  const acceptAttr = ["video/*", ...limits.formats.map((f) => `.${f.replace(/^\./, "")}`)].join(",");
  const input = (
    <input
      ref={inputRef}
      id="video-file"
      type="file"
      accept={acceptAttr}
      className="sr-only"
      tabIndex={-1}
      aria-label="Video file"
      data-testid="file-input"
      onChange={(e) => {
        accept(e.target.files?.[0]);
        e.target.value = ""; // picking the same file again still fires change
      }}
    />
  );

  if (compact && file) {
    return (
      <div
        className="flex flex-wrap items-center justify-between gap-2 rounded-lg border border-slate-800 bg-slate-900 px-3 py-2 text-sm"
        onDragOver={(e) => e.preventDefault()}
        onDrop={onDrop}
      >
        <p className="min-w-0 truncate text-slate-300">
          <span className="font-medium text-slate-100">{file.name}</span>
          <span className="text-slate-400"> · {formatBytes(file.size)}</span>
        </p>
        {input}
        <Button variant="outline" size="sm" onClick={() => inputRef.current?.click()}>
          Replace video
        </Button>
      </div>
    );
  }

  return (
    <section
      aria-labelledby="upload-title"
      onDragEnter={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragOver={(e) => e.preventDefault()}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
      data-testid="drop-zone"
      className={cn(
        "flex flex-col items-center justify-center gap-4 rounded-xl border-2 border-dashed px-6 py-16 text-center transition-colors",
        dragging ? "border-indigo-400 bg-indigo-950/40" : "border-slate-700 bg-slate-900/60",
      )}
    >
      <svg viewBox="0 0 24 24" className="h-12 w-12 text-indigo-400" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
        <rect x="3" y="5" width="14" height="14" rx="2" />
        <path d="M17 10l4-2v8l-4-2" />
        <path d="M10 9v6M7 12l3-3 3 3" />
      </svg>
      <div>
        <h2 id="upload-title" className="text-lg font-semibold">
          Drop a video here
        </h2>
        <p className="mt-1 text-sm text-slate-400">
          {limits.formats.map((f) => f.toUpperCase()).join(", ")} · up to {limits.maxUploadMb} MB and {limits.maxDurationS} s.
          It stays on this machine.
        </p>
      </div>
      {input}
      <Button onClick={() => inputRef.current?.click()}>Choose a video</Button>
    </section>
  );
}
