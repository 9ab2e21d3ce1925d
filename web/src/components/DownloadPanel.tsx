// Download links for every output file a finished task produced.
import type { TaskResult } from "../lib/api";
import { outputsOf } from "../lib/outputs";

// Inline icons: emoji fonts are missing on many Linux desktops and headless browsers.
const ICON_PATHS: Record<string, string> = {
  video: "M4 6h11v12H4zM15 10l5-3v10l-5-3",
  audio: "M9 18V6l10-2v12M9 18a3 3 0 11-6 0 3 3 0 016 0zM19 16a3 3 0 11-6 0 3 3 0 016 0z",
  archive: "M4 5h16v4H4zM5 9h14v10H5zM10 13h4",
};

function Icon({ kind }: { kind: string }) {
  return (
    <svg viewBox="0 0 24 24" className="h-5 w-5 shrink-0 text-indigo-300" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" aria-hidden="true">
      <path d={ICON_PATHS[kind] ?? ICON_PATHS.archive} />
    </svg>
  );
}

export function DownloadPanel({ result }: { result: TaskResult }) {
  const outputs = outputsOf(result);
  if (outputs.length === 0) return null;
  return (
    <section aria-labelledby="downloads-title" className="rounded-lg border border-border bg-card p-4" data-testid="download-panel">
      <h3 id="downloads-title" className="text-sm font-semibold">
        Downloads
      </h3>
      <ul className="mt-3 grid gap-2 sm:grid-cols-2">
        {outputs.map((o) => (
          <li key={o.key}>
            <a
              href={o.url}
              download={o.filename}
              data-output={o.key}
              className="flex items-center gap-3 rounded-md border border-input bg-secondary px-3 py-2 text-sm hover:border-ring hover:bg-accent focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
            >
              <Icon kind={o.kind} />
              <span className="min-w-0 flex-1">
                <span className="block font-medium">{o.label}</span>
                <span className="block truncate text-xs text-slate-400">{o.filename}</span>
              </span>
              <svg viewBox="0 0 20 20" className="h-4 w-4 shrink-0 text-slate-400" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
                <path d="M10 3v10M5 9l5 5 5-5M4 17h12" />
              </svg>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
