// The three workflows as tabs: Click (point-to-track), Chat (text-to-video), Remove (object removal).
import { useRef, type FormEvent, type KeyboardEvent, type ReactNode } from "react";
import type { PromptPoint } from "../lib/api";
import { cx } from "../lib/format";

export type Mode = "click" | "chat" | "remove";

export const TABS: { id: Mode; label: string; hint: string }[] = [
  { id: "click", label: "Click", hint: "Track an object by clicking it" },
  { id: "chat", label: "Chat", hint: "Describe what to find and isolate" },
  { id: "remove", label: "Remove", hint: "Erase an object from the video" },
];

export const EXAMPLE_PROMPTS = ["isolate drums", "the singer", "the person on the left"];

interface PointControlsProps {
  points: PromptPoint[];
  pointsFrame: number | null;
  negativeMode: boolean;
  onNegativeMode: (on: boolean) => void;
  onClear: () => void;
  onUndo: () => void;
}

function PointControls({ points, pointsFrame, negativeMode, onNegativeMode, onClear, onUndo }: PointControlsProps) {
  const positives = points.filter((p) => p.positive).length;
  const negatives = points.length - positives;
  return (
    <div className="flex flex-col gap-3">
      <p className="text-sm text-slate-300" data-testid="points-summary">
        {points.length === 0 ? (
          <>Pause on a frame where the object is visible and click it. Shift-click marks what is <em>not</em> the object.</>
        ) : (
          <>
            {positives} object point{positives === 1 ? "" : "s"}
            {negatives > 0 && `, ${negatives} “not this” point${negatives === 1 ? "" : "s"}`} on frame {pointsFrame}.
          </>
        )}
      </p>
      <div className="flex flex-wrap gap-2">
        <div role="radiogroup" aria-label="Next point marks" className="flex rounded-md border border-slate-700 p-0.5">
          {(
            [
              [false, "+ Object"],
              [true, "− Not this"],
            ] as const
          ).map(([negative, label]) => (
            <button
              key={label}
              type="button"
              role="radio"
              aria-checked={negativeMode === negative}
              onClick={() => onNegativeMode(negative)}
              className={cx(
                "rounded px-3 py-1 text-sm focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-indigo-400",
                negativeMode === negative
                  ? negative
                    ? "bg-red-900 text-red-50"
                    : "bg-emerald-800 text-emerald-50"
                  : "text-slate-300 hover:bg-slate-800",
              )}
            >
              {label}
            </button>
          ))}
        </div>
        <button type="button" className="btn-secondary" onClick={onUndo} disabled={points.length === 0}>
          Undo point
        </button>
        <button type="button" className="btn-secondary" onClick={onClear} disabled={points.length === 0}>
          Clear points
        </button>
      </div>
    </div>
  );
}

interface Props extends PointControlsProps {
  mode: Mode;
  onMode: (mode: Mode) => void;
  hasVideo: boolean;
  busy: boolean;
  prompt: string;
  onPrompt: (prompt: string) => void;
  /** Prompts the server offered after it could not ground the last one. */
  suggestions?: string[];
  onTrack: () => void;
  onChat: () => void;
  onRemove: () => void;
  children?: ReactNode;
}

export function TabPanel(props: Props) {
  const { mode, onMode, hasVideo, busy, points, prompt, onPrompt } = props;
  const tabRefs = useRef<Record<Mode, HTMLButtonElement | null>>({ click: null, chat: null, remove: null });

  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    let next = -1;
    if (event.key === "ArrowRight") next = (index + 1) % TABS.length;
    else if (event.key === "ArrowLeft") next = (index - 1 + TABS.length) % TABS.length;
    else if (event.key === "Home") next = 0;
    else if (event.key === "End") next = TABS.length - 1;
    if (next < 0) return;
    event.preventDefault();
    onMode(TABS[next].id);
    tabRefs.current[TABS[next].id]?.focus();
  };

  const submitChat = (event: FormEvent) => {
    event.preventDefault();
    props.onChat();
  };

  const noVideo = !hasVideo && <p className="text-sm text-amber-200">Choose a video first.</p>;

  return (
    <div className="rounded-xl border border-slate-800 bg-slate-900/60">
      <div role="tablist" aria-label="Workflows" className="grid grid-cols-3 border-b border-slate-800">
        {TABS.map((tab, i) => (
          <button
            key={tab.id}
            ref={(el) => {
              tabRefs.current[tab.id] = el;
            }}
            id={`tab-${tab.id}`}
            role="tab"
            type="button"
            aria-selected={mode === tab.id}
            aria-controls={`panel-${tab.id}`}
            tabIndex={mode === tab.id ? 0 : -1}
            onClick={() => onMode(tab.id)}
            onKeyDown={(e) => onTabKey(e, i)}
            className={cx(
              "-mb-px border-b-2 px-3 py-3 text-sm font-medium focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-400",
              mode === tab.id ? "border-indigo-400 text-white" : "border-transparent text-slate-400 hover:text-slate-200",
            )}
          >
            {tab.label}
          </button>
        ))}
      </div>

      <div id={`panel-${mode}`} role="tabpanel" aria-labelledby={`tab-${mode}`} className="flex flex-col gap-4 p-4">
        <p className="text-sm text-slate-400">{TABS.find((t) => t.id === mode)?.hint}.</p>

        {mode === "chat" ? (
          <form onSubmit={submitChat} className="flex flex-col gap-3">
            <label htmlFor="prompt" className="text-sm font-medium">
              What should I find?
            </label>
            <textarea
              id="prompt"
              data-testid="prompt-input"
              rows={2}
              value={prompt}
              onChange={(e) => onPrompt(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && !e.shiftKey) {
                  e.preventDefault();
                  e.currentTarget.form?.requestSubmit();
                }
              }}
              placeholder="e.g. isolate drums"
              maxLength={300}
              className="w-full resize-y rounded-md border border-slate-700 bg-slate-950 px-3 py-2 text-sm placeholder:text-slate-400 focus-visible:border-indigo-400 focus-visible:outline-2 focus-visible:outline-indigo-400"
            />
            <div className="flex flex-wrap gap-2" aria-label="Example prompts" role="group">
              {EXAMPLE_PROMPTS.map((example) => (
                <button key={example} type="button" className="chip" onClick={() => onPrompt(example)}>
                  {example}
                </button>
              ))}
            </div>
            {props.suggestions && props.suggestions.length > 0 && (
              <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Prompts the studio can find">
                <span className="text-xs text-slate-400">Try instead:</span>
                {props.suggestions.map((s) => (
                  <button key={s} type="button" className="chip border-indigo-500/60" onClick={() => onPrompt(s)}>
                    {s}
                  </button>
                ))}
              </div>
            )}
            {noVideo}
            <button type="submit" className="btn-primary self-start" disabled={!hasVideo || busy || !prompt.trim()}>
              {busy ? "Working…" : "Find and isolate"}
            </button>
          </form>
        ) : (
          <>
            <PointControls {...props} />
            {noVideo}
            <button
              type="button"
              className="btn-primary self-start"
              disabled={!hasVideo || busy || !points.some((p) => p.positive)}
              onClick={mode === "click" ? props.onTrack : props.onRemove}
            >
              {busy ? "Working…" : mode === "click" ? "Track object" : "Remove object"}
            </button>
          </>
        )}
        {props.children}
      </div>
    </div>
  );
}
