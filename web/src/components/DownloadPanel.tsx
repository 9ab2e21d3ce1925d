// Download links for every output file a finished task produced.
import { outputsOf, type TaskResult } from "../lib/api";

const ICONS: Record<string, string> = { video: "🎬", audio: "🎧", archive: "🗂️" };

export function DownloadPanel({ result }: { result: TaskResult }) {
  const outputs = outputsOf(result);
  if (outputs.length === 0) return null;
  return (
    <section aria-labelledby="downloads-title" className="rounded-lg border border-slate-800 bg-slate-900 p-4" data-testid="download-panel">
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
              className="flex items-center gap-3 rounded-md border border-slate-700 bg-slate-800 px-3 py-2 text-sm hover:border-indigo-400 hover:bg-slate-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-400"
            >
              <span aria-hidden="true">{ICONS[o.kind]}</span>
              <span className="min-w-0 flex-1">
                <span className="block font-medium">{o.label}</span>
                <span className="block truncate text-xs text-slate-400">{o.filename}</span>
              </span>
              <span aria-hidden="true" className="text-slate-400">↓</span>
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
