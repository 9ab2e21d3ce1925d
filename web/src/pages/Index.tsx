// The studio page: holds the video, the point prompts and one task per workflow.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, type PromptPoint } from "../lib/api";
import { DEFAULT_FPS } from "../lib/fps";
import { checkVideoFile, DEFAULT_LIMITS, type UploadLimits } from "../lib/validate";
import { useWorkflowTask, type TaskErrorHandler } from "../hooks/tasks";
import { Header } from "../components/Header";
import { VideoUploader } from "../components/VideoUploader";
import { VideoStage, type VideoMeta } from "../components/VideoStage";
import { WorkflowTabs, type Mode } from "../components/WorkflowTabs";
import { ProcessingStatus } from "../components/ProcessingStatus";
import { ResultViewer } from "../components/ResultViewer";
import { DownloadPanel } from "../components/DownloadPanel";
import { notify } from "../components/ui/sonner";

/** The API accepts 1 to 32 clicks per request. */
const MAX_POINTS = 32;

export function Index() {
  const health = useQuery({ queryKey: ["health"], queryFn: api.health, refetchInterval: 30_000, retry: 1 });

  const limits: UploadLimits = useMemo(() => {
    const l = health.data?.limits;
    return {
      maxUploadMb: l?.max_upload_mb ?? DEFAULT_LIMITS.maxUploadMb,
      maxDurationS: l?.max_duration_s ?? DEFAULT_LIMITS.maxDurationS,
      formats: l?.formats?.length ? l.formats : DEFAULT_LIMITS.formats,
    };
  }, [health.data]);

  const [file, setFile] = useState<File | null>(null);
  const [videoUrl, setVideoUrl] = useState<string | null>(null);
  const [fps, setFps] = useState(DEFAULT_FPS);
  const [mode, setMode] = useState<Mode>("click");
  // Prompts all belong to one frame (the API takes one frame_idx).
  const [prompts, setPrompts] = useState<{ frame: number | null; points: PromptPoint[] }>({ frame: null, points: [] });
  const { points, frame: pointsFrame } = prompts;
  const [negativeMode, setNegativeMode] = useState(false);
  const [prompt, setPrompt] = useState("");

  const [suggestions, setSuggestions] = useState<string[]>([]);
  const modeRef = useRef<Mode>(mode);
  modeRef.current = mode;
  const showError = useCallback((message: string) => notify(message, "error"), []);
  // A job that fails shows its reason in its own panel; a toast is only needed when that panel is
  // not on screen. Refused requests (4xx) always toast.
  const errorHandler = useCallback(
    (tab: Mode, label: string): TaskErrorHandler =>
      (message, error, fromTask) => {
        if (tab === "chat") setSuggestions(error?.suggestions ?? []);
        if (!fromTask) notify(message, "error");
        else if (modeRef.current !== tab) notify(`${label} failed: ${message}`, "error");
      },
    [],
  );
  const tasks = {
    click: useWorkflowTask(useMemo(() => errorHandler("click", "Tracking"), [errorHandler])),
    chat: useWorkflowTask(useMemo(() => errorHandler("chat", "Chat"), [errorHandler])),
    remove: useWorkflowTask(useMemo(() => errorHandler("remove", "Removal"), [errorHandler])),
  };
  const current = tasks[mode];

  // One object URL per picked file, made in the same update as the file (so the stage never sees a
  // revoked URL) and released when replaced or when the page goes away.
  const urlRef = useRef<string | null>(null);
  useEffect(
    () => () => {
      if (urlRef.current) URL.revokeObjectURL(urlRef.current);
    },
    [],
  );

  const resetTasks = () => {
    tasks.click.reset();
    tasks.chat.reset();
    tasks.remove.reset();
  };

  const onFile = (picked: File) => {
    resetTasks();
    setPrompts({ frame: null, points: [] });
    setFps(DEFAULT_FPS);
    if (urlRef.current) URL.revokeObjectURL(urlRef.current);
    urlRef.current = URL.createObjectURL(picked);
    setVideoUrl(urlRef.current);
    setFile(picked);
  };

  const onFileRef = useRef<(file: File) => void>(() => {});
  onFileRef.current = (dropped: File) => {
    const problem = checkVideoFile(dropped, limits);
    if (problem) showError(problem);
    else onFile(dropped);
  };

  const onMeta = useCallback(
    (meta: VideoMeta) => {
      if (meta.duration > limits.maxDurationS + 0.05) {
        notify(
          `This video is ${meta.duration.toFixed(1)} s long; the server accepts up to ${limits.maxDurationS} s and may refuse it.`,
          "info",
        );
      }
    },
    [limits.maxDurationS],
  );

  const onAddPoint = useCallback(
    (point: PromptPoint, frameIdx: number) => {
      if (prompts.frame === frameIdx && prompts.points.length >= MAX_POINTS) {
        notify(`Up to ${MAX_POINTS} points per object; undo or clear some first.`, "info");
        return;
      }
      // A point on another frame starts a new set.
      setPrompts((prev) => ({
        frame: frameIdx,
        points: prev.frame === null || prev.frame === frameIdx ? [...prev.points, point] : [point],
      }));
    },
    [prompts],
  );

  // A file dropped anywhere on the page (not only on the drop zone) is taken as the new video,
  // instead of the browser navigating away to play it.
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes("Files")) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      const dropped = e.dataTransfer?.files?.[0];
      if (!dropped) return;
      e.preventDefault();
      onFileRef.current(dropped);
    };
    window.addEventListener("dragover", over);
    window.addEventListener("drop", drop);
    return () => {
      window.removeEventListener("dragover", over);
      window.removeEventListener("drop", drop);
    };
  }, []);

  const clearPoints = () => setPrompts({ frame: null, points: [] });
  const undoPoint = () =>
    setPrompts((prev) => (prev.points.length <= 1 ? { frame: null, points: [] } : { ...prev, points: prev.points.slice(0, -1) }));

  const onTrack = () => {
    if (!file || pointsFrame === null) return;
    tasks.click.submit(() => api.trackPoint(file, points, pointsFrame));
  };
  const onRemove = () => {
    if (!file || pointsFrame === null) return;
    tasks.remove.submit(() => api.removeObject(file, points, pointsFrame));
  };
  const onChat = () => {
    if (!file || !prompt.trim()) return;
    setSuggestions([]);
    tasks.chat.submit(() => api.textToVideo(file, prompt));
  };

  const task = current.task;
  const aiResponse = mode === "chat" && task?.status === "complete" ? (task.result.ai_response ?? null) : null;

  return (
    <div className="min-h-screen">
      <Header health={health.data} error={health.isError} />
      <main className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-6">
        <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <div className="flex min-w-0 flex-col gap-3">
            {file && videoUrl ? (
              <>
                <VideoUploader limits={limits} file={file} onFile={onFile} onReject={showError} compact />
                <VideoStage
                  key={videoUrl}
                  src={videoUrl}
                  interactive={mode !== "chat"}
                  points={mode === "chat" ? [] : points}
                  pointsFrame={pointsFrame}
                  negativeMode={negativeMode}
                  fps={fps}
                  onFps={setFps}
                  onMeta={onMeta}
                  onAddPoint={onAddPoint}
                />
              </>
            ) : (
              <VideoUploader limits={limits} file={null} onFile={onFile} onReject={showError} />
            )}
          </div>

          <div className="flex min-w-0 flex-col gap-4">
            <WorkflowTabs
              mode={mode}
              onMode={setMode}
              hasVideo={!!file}
              busy={current.busy}
              points={points}
              pointsFrame={pointsFrame}
              negativeMode={negativeMode}
              onNegativeMode={setNegativeMode}
              onClear={clearPoints}
              onUndo={undoPoint}
              prompt={prompt}
              onPrompt={setPrompt}
              suggestions={suggestions}
              onTrack={onTrack}
              onChat={onChat}
              onRemove={onRemove}
            >
              {aiResponse && (
                <div className="rounded-lg border border-indigo-500/40 bg-indigo-950/50 p-3 text-sm" data-testid="ai-response">
                  <p className="mb-1 text-xs font-semibold uppercase tracking-wide text-indigo-300">Studio</p>
                  <p className="whitespace-pre-line">{aiResponse}</p>
                </div>
              )}
              {task && <ProcessingStatus task={task} onCancel={current.cancel} cancelling={current.cancelling} />}
            </WorkflowTabs>
          </div>
        </div>

        {task?.status === "complete" && videoUrl && (
          <div className="flex flex-col gap-4" data-testid={`result-${mode}`}>
            <h2 className="text-base font-semibold">Result</h2>
            <ResultViewer
              key={task.task_id}
              result={task.result}
              originalUrl={videoUrl}
              defaultView={mode === "remove" ? "side" : "result"}
            />
            <DownloadPanel result={task.result} />
          </div>
        )}
      </main>
    </div>
  );
}
