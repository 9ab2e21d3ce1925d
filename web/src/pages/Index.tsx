// The studio page: a video becomes a session; clicks or a sentence make objects whose masks show at
// once; Track fills the timeline; an effect and a sound make the export.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { api, ApiError, type PromptPoint } from "../lib/api";
import { DEFAULT_FPS } from "../lib/fps";
import type { Box } from "../lib/geometry";
import { pointsKey } from "../lib/objects";
import { sessionApi } from "../lib/session-api";
import { checkVideoFile, DEFAULT_LIMITS, type UploadLimits } from "../lib/validate";
import { useStudioSession } from "../hooks/session";
import { useTracking } from "../hooks/tracking";
import type { TaskErrorHandler } from "../hooks/tasks";
import { Header } from "../components/Header";
import { VideoUploader } from "../components/VideoUploader";
import { VideoStage, type VideoMeta, type VideoStageHandle } from "../components/VideoStage";
import { MaskOverlay } from "../components/MaskOverlay";
import { Timeline } from "../components/Timeline";
import { WorkflowTabs, type Mode } from "../components/WorkflowTabs";
import { ObjectList } from "../components/ObjectList";
import { TrackControls } from "../components/TrackControls";
import { RenderPanel, type RenderChoice } from "../components/RenderPanel";
import { ProcessingStatus } from "../components/ProcessingStatus";
import { ResultViewer } from "../components/ResultViewer";
import { DownloadPanel } from "../components/DownloadPanel";
import { SessionStatus } from "../components/SessionStatus";
import { notify } from "../components/ui/sonner";

/** The effect each tab starts the export with. */
const TAB_EFFECT: Record<Mode, RenderChoice["effect"]> = { click: "overlay", chat: "spotlight", remove: "remove" };

function useLimits() {
  const health = useQuery({ queryKey: ["health"], queryFn: api.health, refetchInterval: 30_000, retry: 1 });
  const limits: UploadLimits = useMemo(() => {
    const l = health.data?.limits;
    return {
      maxUploadMb: l?.max_upload_mb ?? DEFAULT_LIMITS.maxUploadMb,
      maxDurationS: l?.max_duration_s ?? DEFAULT_LIMITS.maxDurationS,
      formats: l?.formats?.length ? l.formats : DEFAULT_LIMITS.formats,
    };
  }, [health.data]);
  return { health, limits };
}

/** A file dropped anywhere on the page (not only on the drop zone) is taken as the new video. */
function usePageDrop(onDrop: (file: File) => void) {
  const ref = useRef(onDrop);
  ref.current = onDrop;
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (e.dataTransfer?.types.includes("Files")) e.preventDefault();
    };
    const drop = (e: DragEvent) => {
      const dropped = e.dataTransfer?.files?.[0];
      if (!dropped) return;
      e.preventDefault();
      ref.current(dropped);
    };
    window.addEventListener("dragover", over);
    window.addEventListener("drop", drop);
    return () => {
      window.removeEventListener("dragover", over);
      window.removeEventListener("drop", drop);
    };
  }, []);
}

/** One object URL per picked file, released when replaced or when the page goes away. */
function useObjectUrl(file: File | null): string | null {
  const url = useMemo(() => (file ? URL.createObjectURL(file) : null), [file]);
  useEffect(() => () => {
    if (url) URL.revokeObjectURL(url);
  }, [url]);
  return url;
}

export function Index() {
  const { health, limits } = useLimits();
  const showError = useCallback((message: string) => notify(message, "error"), []);
  const session = useStudioSession(showError);
  // A task that fails shows why in its own panel (always on screen); refused requests toast.
  const taskError: TaskErrorHandler = useCallback((message, _error, fromTask) => {
    if (!fromTask) notify(message, "error");
  }, []);
  const tracking = useTracking(session, taskError);
  const { info, objects, selectedId, masks } = session;
  const videoUrl = useObjectUrl(session.file);
  const stage = useRef<VideoStageHandle>(null);

  const [mode, setMode] = useState<Mode>("click");
  const [measuredFps, setMeasuredFps] = useState(DEFAULT_FPS);
  const [frameIdx, setFrameIdx] = useState(0);
  const [negativeMode, setNegativeMode] = useState(false);
  const [prompt, setPrompt] = useState("");
  const [chat, setChat] = useState<{ answer?: string; error?: string; suggestions: string[] }>({ suggestions: [] });
  const [choice, setChoice] = useState<RenderChoice>({ effect: "overlay", audio: "original", target: "object", background: "blur" });

  const onFile = (picked: File) => {
    tracking.reset();
    setMeasuredFps(DEFAULT_FPS);
    setFrameIdx(0);
    setChat({ suggestions: [] });
    session.open(picked);
  };
  usePageDrop((dropped) => {
    const problem = checkVideoFile(dropped, limits);
    if (problem) showError(problem);
    else onFile(dropped);
  });

  const onMode = (next: Mode) => {
    setMode(next);
    setChoice((c) => ({ ...c, effect: TAB_EFFECT[next] }));
  };

  const onMeta = useCallback(
    (meta: VideoMeta) => {
      if (meta.duration > limits.maxDurationS + 0.05) {
        notify(`This video is ${meta.duration.toFixed(1)} s long; the server accepts up to ${limits.maxDurationS} s and may refuse it.`, "info");
      }
    },
    [limits.maxDurationS],
  );

  const onAddPoint = (point: PromptPoint, frame: number) => {
    if (!info) return notify("The video is still being prepared; click again in a moment.", "info");
    if (selectedId !== null && tracking.trackingIds.includes(selectedId)) {
      return notify("This object is being tracked: wait for it to finish, or cancel it, then correct it.", "info");
    }
    session.addPoint(point, frame);
  };

  const onChat = () => {
    if (!prompt.trim() || !session.sessionId) return;
    setChat({ suggestions: [] });
    session.text.mutate(prompt, {
      onSuccess: (answer) => {
        setChat({ answer: answer.ai_response, suggestions: [] });
        if (answer.audio) setChoice((c) => ({ ...c, audio: answer.audio! }));
        if (answer.frame_idx !== null) stage.current?.seekToFrame(answer.frame_idx);
      },
      onError: (error) => setChat({ error: error.message, suggestions: error instanceof ApiError ? error.suggestions : [] }),
    });
  };

  const selected = objects.find((o) => o.id === selectedId) ?? null;
  const markers = objects.flatMap((o) =>
    (session.points[pointsKey(o.id, frameIdx)] ?? []).map((p) => ({ ...p, faint: o.id !== selectedId })),
  );
  const saved = objects.filter((o) => o.saved);
  const renderBlocker = !info
    ? "Choose a video first."
    : saved.length === 0
      ? "Click an object (or find one in Chat) first."
      : tracking.track.busy
        ? "Tracking is running; export when it is done."
        : saved.some((o) => !o.propagated)
          ? "Track the objects first, so every frame has its mask."
          : null;
  const renderTask = tracking.render.task;
  const renderOverlay = (box: Box, shownFrame: number) =>
    info && (
      <MaskOverlay
        masks={masks}
        version={masks.version}
        frameIdx={shownFrame}
        width={info.width}
        height={info.height}
        box={box}
        objects={objects}
        selectedId={selectedId}
      />
    );

  return (
    <div className="min-h-screen">
      <Header health={health.data} error={health.isError} />
      <main className="mx-auto flex max-w-7xl flex-col gap-6 px-4 py-6">
        <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
          <div className="flex min-w-0 flex-col gap-3">
            <VideoUploader limits={limits} file={session.file} onFile={onFile} onReject={showError} compact={!!session.file} />
            {session.file && videoUrl && (
              <>
                <SessionStatus creating={session.creating} info={info} />
                <VideoStage
                  key={videoUrl}
                  ref={stage}
                  src={videoUrl}
                  interactive
                  markers={markers}
                  negativeMode={negativeMode}
                  fps={info?.fps ?? measuredFps}
                  fpsKnown={!!info}
                  frameCount={info?.frame_count}
                  onFps={setMeasuredFps}
                  onMeta={onMeta}
                  onAddPoint={onAddPoint}
                  onFrameChange={setFrameIdx}
                  stillFrameUrl={session.sessionId ? (n) => sessionApi.frameUrl(session.sessionId!, n) : undefined}
                  renderOverlay={renderOverlay}
                />
                {info && objects.length > 0 && (
                  <Timeline
                    masks={masks}
                    version={masks.version}
                    frameCount={info.frame_count}
                    frameIdx={frameIdx}
                    objects={objects}
                    selectedId={selectedId}
                    onSeek={(n) => stage.current?.seekToFrame(n)}
                  />
                )}
              </>
            )}
          </div>

          <div className="flex min-w-0 flex-col gap-4">
            <WorkflowTabs
              mode={mode}
              onMode={onMode}
              hasVideo={!!session.file}
              points={{
                points: selected ? session.pointsOn(selected.id, frameIdx) : [],
                frameIdx,
                objectName: selected?.name ?? null,
                negativeMode,
                onNegativeMode: setNegativeMode,
                onUndo: () => void session.undoPoint(frameIdx),
                onClear: () => void session.clearPoints(frameIdx),
                previewing: session.previewPending > 0,
              }}
              chat={{
                prompt,
                onPrompt: setPrompt,
                suggestions: chat.suggestions,
                onChat,
                busy: session.text.isPending,
                answer: chat.answer,
                error: chat.error,
              }}
            />
            <ObjectList
              objects={objects}
              selectedId={selectedId}
              onSelect={session.select}
              onAdd={() => session.addObject()}
              onRename={session.rename}
              onRecolor={session.recolor}
              onDelete={(id) => void session.deleteObject(id)}
              tracking={tracking.trackingIds}
              disabled={!info}
            >
              <TrackControls tracking={tracking} frameCount={info?.frame_count ?? 0} />
            </ObjectList>
            <RenderPanel
              choice={choice}
              onChoice={setChoice}
              hasAudio={info?.has_audio ?? true}
              blocker={renderBlocker}
              busy={tracking.render.busy}
              onRender={() => tracking.startRender({ ...choice, object_ids: saved.map((o) => o.id) })}
            >
              {renderTask && (
                <ProcessingStatus task={renderTask} onCancel={tracking.render.cancel} cancelling={tracking.render.cancelling} label="Export" />
              )}
            </RenderPanel>
          </div>
        </div>

        {renderTask?.status === "complete" && videoUrl && (
          <div className="flex flex-col gap-4" data-testid="result">
            <h2 className="text-base font-semibold">Result</h2>
            <ResultViewer
              key={renderTask.task_id}
              result={renderTask.result}
              originalUrl={videoUrl}
              defaultView={renderTask.result.effect === "remove" ? "side" : "result"}
            />
            <DownloadPanel result={renderTask.result} />
          </div>
        )}
      </main>
    </div>
  );
}
