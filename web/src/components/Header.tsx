// The app header: name, and what the server is running on (from /api/health).
import type { Health } from "../lib/api";
import { cx } from "../lib/format";

export function Header({ health, error }: { health?: Health; error?: boolean }) {
  const online = !!health && !error;
  const active = health?.active;
  return (
    <header className="border-b border-slate-800 bg-slate-900/80">
      <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-x-4 gap-y-1 px-4 py-3">
        <div className="flex items-center gap-3">
          <span aria-hidden="true" className="grid h-8 w-8 place-items-center rounded-lg bg-indigo-600">
            <svg viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="2.5">
              <circle cx="12" cy="12" r="5" />
              <path d="M12 2v4M12 18v4M2 12h4M18 12h4" />
            </svg>
          </span>
          <div>
            <h1 className="text-lg font-semibold leading-tight">VTrackAI Studio</h1>
            <p className="text-xs text-slate-400">Track, describe and remove objects in video — on your machine</p>
          </div>
        </div>
        <div className="flex items-center gap-2 text-xs text-slate-400" data-testid="server-status">
          <span
            aria-hidden="true"
            className={cx("h-2 w-2 rounded-full", online ? "bg-emerald-400" : error ? "bg-red-500" : "bg-slate-500")}
          />
          {online ? (
            <span>
              Server ready
              {health?.device ? ` · ${health.device}` : ""}
              {active?.vision ? ` · vision: ${active.vision}` : ""}
              {active?.audio ? ` · audio: ${active.audio}` : ""}
              {active?.inpaint ? ` · inpaint: ${active.inpaint}` : ""}
            </span>
          ) : (
            <span>{error ? "Server unreachable" : "Connecting…"}</span>
          )}
        </div>
      </div>
    </header>
  );
}
