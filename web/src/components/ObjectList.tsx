// The session's objects: pick the one clicks go to, rename it, recolour it, delete it, add another.
import { useState, type ReactNode } from "react";
import type { StudioObject } from "../lib/objects";
import { Button } from "./ui/button";

interface Props {
  objects: StudioObject[];
  selectedId: number | null;
  onSelect: (id: number) => void;
  onAdd: () => void;
  onRename: (id: number, name: string) => void;
  onRecolor: (id: number, color: string) => void;
  onDelete: (id: number) => void;
  /** Objects being tracked right now. */
  tracking: number[];
  disabled?: boolean;
  children?: ReactNode;
}

function status(obj: StudioObject, tracking: boolean): string {
  if (tracking) return "tracking…";
  if (!obj.saved) return "click it on the video";
  return obj.propagated ? "tracked" : "not tracked yet";
}

function NameField({ obj, onRename, disabled }: { obj: StudioObject; onRename: (name: string) => void; disabled?: boolean }) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    const name = draft?.trim();
    if (name && name !== obj.name) onRename(name.slice(0, 80));
    setDraft(null);
  };
  return (
    <input
      type="text"
      value={draft ?? obj.name}
      aria-label={`Name of ${obj.name}`}
      disabled={disabled}
      maxLength={80}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === "Enter") e.currentTarget.blur();
        if (e.key === "Escape") setDraft(null);
      }}
      className="min-w-0 flex-1 rounded-md border border-transparent bg-transparent px-2 py-1 text-sm hover:border-input focus-visible:border-ring focus-visible:outline-2 focus-visible:outline-ring"
    />
  );
}

export function ObjectList({ objects, selectedId, onSelect, onAdd, onRename, onRecolor, onDelete, tracking, disabled, children }: Props) {
  return (
    <section aria-labelledby="objects-title" className="flex flex-col gap-3 rounded-xl border border-border bg-card/60 p-4" data-testid="object-list">
      <div className="flex items-center justify-between gap-2">
        <h2 id="objects-title" className="text-sm font-semibold">
          Objects
        </h2>
        <Button variant="outline" size="sm" onClick={onAdd} disabled={disabled}>
          + Add object
        </Button>
      </div>
      {objects.length === 0 ? (
        <p className="text-sm text-muted-foreground">Click something on the video to start an object, or find it by text in the Chat tab.</p>
      ) : (
        <ul className="flex flex-col gap-1" aria-label="Objects in this video">
          {objects.map((obj) => {
            const busy = tracking.includes(obj.id);
            return (
              <li
                key={obj.id}
                data-testid="object-row"
                data-object={obj.id}
                data-selected={obj.id === selectedId}
                className="flex items-center gap-2 rounded-md px-1 py-1 data-[selected=true]:bg-secondary"
              >
                <input
                  type="radio"
                  name="selected-object"
                  checked={obj.id === selectedId}
                  onChange={() => onSelect(obj.id)}
                  aria-label={`Clicks go to ${obj.name}`}
                  className="size-4 shrink-0 accent-indigo-500"
                />
                <input
                  type="color"
                  value={obj.color}
                  aria-label={`Colour of ${obj.name}`}
                  disabled={disabled}
                  onChange={(e) => onRecolor(obj.id, e.target.value)}
                  className="h-6 w-8 shrink-0 cursor-pointer rounded border border-input bg-transparent p-0"
                />
                <NameField obj={obj} onRename={(name) => onRename(obj.id, name)} disabled={disabled} />
                <span className="shrink-0 text-xs text-muted-foreground" data-testid="object-status">
                  {status(obj, busy)}
                </span>
                <Button variant="ghost" size="sm" aria-label={`Delete ${obj.name}`} disabled={disabled || busy} onClick={() => onDelete(obj.id)}>
                  <svg viewBox="0 0 20 20" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.8" aria-hidden="true">
                    <path d="M4 6h12M8 6V4h4v2M6 6l1 10h6l1-10" />
                  </svg>
                </Button>
              </li>
            );
          })}
        </ul>
      )}
      {children}
    </section>
  );
}
