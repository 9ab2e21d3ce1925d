// What the tracked objects become in the exported video (the effect) and what it sounds like.
import type { ReactNode } from "react";
import type { Effect, RenderOptions } from "../lib/session-api";
import { Button } from "./ui/button";

export const EFFECTS: { id: Effect; label: string }[] = [
  { id: "overlay", label: "Overlay in colour" },
  { id: "cutout", label: "Cutout (transparent)" },
  { id: "spotlight", label: "Spotlight" },
  { id: "blur", label: "Blur" },
  { id: "pixelate", label: "Pixelate" },
  { id: "background", label: "New background" },
  { id: "remove", label: "Remove objects" },
];

/** The stems the studio's separators name (the Demucs 4-stem set); the server checks the name. */
export const STEMS = ["vocals", "drums", "bass", "other"];

export function audioChoices(hasAudio: boolean): { id: string; label: string }[] {
  if (!hasAudio) return [{ id: "none", label: "No sound (the video has none)" }];
  return [
    { id: "original", label: "Original sound" },
    { id: "none", label: "No sound" },
    ...STEMS.map((s) => ({ id: `stem:${s}`, label: `Only the ${s}` })),
    ...STEMS.map((s) => ({ id: `without:${s}`, label: `Without the ${s}` })),
  ];
}

export type RenderChoice = Required<Pick<RenderOptions, "effect" | "audio" | "target" | "background">>;

interface Props {
  choice: RenderChoice;
  onChoice: (choice: RenderChoice) => void;
  hasAudio: boolean;
  /** Why rendering cannot start yet (null: it can). */
  blocker: string | null;
  busy: boolean;
  onRender: () => void;
  children?: ReactNode;
}

const selectClass =
  "w-full rounded-md border border-input bg-secondary px-2 py-1.5 text-sm focus-visible:border-ring focus-visible:outline-2 focus-visible:outline-ring";

export function RenderPanel({ choice, onChoice, hasAudio, blocker, busy, onRender, children }: Props) {
  const set = (change: Partial<RenderChoice>) => onChoice({ ...choice, ...change });
  const audio = audioChoices(hasAudio);
  const audioValue = audio.some((a) => a.id === choice.audio) ? choice.audio : audio[0].id;
  const byBackground = choice.background !== "blur";
  return (
    <section aria-labelledby="render-title" className="flex flex-col gap-3 rounded-xl border border-border bg-card/60 p-4" data-testid="render-panel">
      <h2 id="render-title" className="text-sm font-semibold">
        Export
      </h2>
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="flex flex-col gap-1 text-sm">
          Effect
          <select className={selectClass} value={choice.effect} onChange={(e) => set({ effect: e.target.value as Effect })}>
            {EFFECTS.map((e) => (
              <option key={e.id} value={e.id}>
                {e.label}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          Sound
          <select className={selectClass} value={audioValue} onChange={(e) => set({ audio: e.target.value })}>
            {audio.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        {(choice.effect === "blur" || choice.effect === "pixelate") && (
          <label className="flex flex-col gap-1 text-sm">
            Apply to
            <select className={selectClass} value={choice.target} onChange={(e) => set({ target: e.target.value as RenderChoice["target"] })}>
              <option value="object">the objects</option>
              <option value="background">everything but the objects</option>
            </select>
          </label>
        )}
        {choice.effect === "background" && (
          <div className="flex flex-wrap items-end gap-2 text-sm">
            <label className="flex flex-col gap-1">
              Background
              <select className={selectClass} value={byBackground ? "colour" : "blur"} onChange={(e) => set({ background: e.target.value === "blur" ? "blur" : "#00b140" })}>
                <option value="blur">blurred</option>
                <option value="colour">a colour</option>
              </select>
            </label>
            {byBackground && (
              <input
                type="color"
                aria-label="Background colour"
                value={choice.background}
                onChange={(e) => set({ background: e.target.value })}
                className="h-8 w-10 rounded border border-input bg-transparent p-0"
              />
            )}
          </div>
        )}
      </div>
      {blocker && <p className="text-sm text-amber-200">{blocker}</p>}
      <Button className="self-start" onClick={onRender} disabled={!!blocker || busy}>
        {busy ? "Working…" : choice.effect === "remove" ? "Remove object" : "Render video"}
      </Button>
      {children}
    </section>
  );
}
