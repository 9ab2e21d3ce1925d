// The app header: name, what the server is running on (from /api/health), keyboard shortcuts.
import type { Health } from "../lib/api";
import { cn } from "../lib/utils";
import { ShortcutsDialog } from "./ShortcutsDialog";
import { Tooltip, TooltipContent, TooltipTrigger } from "./ui/tooltip";

function engineLine(health: Health): string {
  const active = health.active;
  return [
    health.device,
    active?.vision && `vision: ${active.vision}`,
    active?.audio && `audio: ${active.audio}`,
    active?.inpaint && `inpaint: ${active.inpaint}`,
  ]
    .filter(Boolean)
    .join(" · ");
}

export function Header({ health, error }: { health?: Health; error?: boolean }) {
  const online = !!health && !error;
  const engines = online ? engineLine(health) : "";
  return (
    <header className="border-b border-border bg-card/80">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-x-4 gap-y-1 px-4 py-3">
        <div className="flex items-center gap-3">
          <span aria-hidden="true" className="grid size-8 place-items-center rounded-lg bg-primary">
            <svg viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="2.5">
              <circle cx="12" cy="12" r="5" />
              <path d="M12 2v4M12 18v4M2 12h4M18 12h4" />
            </svg>
          </span>
          <div>
            <h1 className="text-lg font-semibold leading-tight">VTrackAI Studio</h1>
            <p className="text-xs text-muted-foreground">Track, describe and remove objects in video — on your machine</p>
          </div>
        </div>
        <div className="flex items-center gap-2">
          <Tooltip>
            <TooltipTrigger asChild>
              {/* Focusable so keyboard users get the same details as the mouse. */}
              <p tabIndex={0} className="flex items-center gap-2 rounded text-xs text-muted-foreground focus-visible:outline-2 focus-visible:outline-ring" data-testid="server-status">
                <span
                  aria-hidden="true"
                  className={cn("size-2 shrink-0 rounded-full", online ? "bg-emerald-400" : error ? "bg-red-500" : "bg-slate-500")}
                />
                {online ? `Server ready${engines ? ` · ${engines}` : ""}` : error ? "Server unreachable" : "Connecting…"}
              </p>
            </TooltipTrigger>
            <TooltipContent>
              {online
                ? `Version ${health.version ?? "?"}; ${health.active_tasks ?? 0} job(s) running or waiting. GET /api/health lists every engine.`
                : "The page reads /api/health every 30 s."}
            </TooltipContent>
          </Tooltip>
          <ShortcutsDialog />
        </div>
      </div>
    </header>
  );
}
