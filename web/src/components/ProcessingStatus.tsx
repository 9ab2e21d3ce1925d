// Live progress of one task: its steps as the API names them, overall progress, notices, Cancel.
import type { ProcessingStep, Task } from "../lib/api";
import { isTerminal } from "../lib/api";
import { cn } from "../lib/utils";
import { Button } from "./ui/button";

interface Props {
  task: Task;
  onCancel?: () => void;
  cancelling?: boolean;
  /** What the task is, for people and tests ("Tracking", "Export"). */
  label?: string;
}

const STATUS_WORDS: Record<string, string> = {
  pending: "waiting",
  processing: "running",
  complete: "done",
  error: "failed",
  cancelled: "cancelled",
  skipped: "skipped",
};

function StepIcon({ status }: { status: string }) {
  if (status === "complete")
    return (
      <svg viewBox="0 0 20 20" className="h-5 w-5 text-emerald-400" fill="currentColor" aria-hidden="true">
        <path d="M10 18a8 8 0 100-16 8 8 0 000 16zm3.7-9.3l-4 4a1 1 0 01-1.4 0l-2-2 1.4-1.4 1.3 1.3 3.3-3.3 1.4 1.4z" />
      </svg>
    );
  if (status === "processing")
    return (
      <svg viewBox="0 0 20 20" className="h-5 w-5 animate-spin text-indigo-400" fill="none" aria-hidden="true">
        <circle cx="10" cy="10" r="7" stroke="currentColor" strokeOpacity="0.25" strokeWidth="3" />
        <path d="M17 10a7 7 0 00-7-7" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
      </svg>
    );
  if (status === "error")
    return (
      <svg viewBox="0 0 20 20" className="h-5 w-5 text-red-400" fill="currentColor" aria-hidden="true">
        <path d="M10 18a8 8 0 100-16 8 8 0 000 16zM9 5h2v6H9zm0 8h2v2H9z" />
      </svg>
    );
  if (status === "skipped" || status === "cancelled")
    return (
      <svg viewBox="0 0 20 20" className="h-5 w-5 text-slate-400" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
        <circle cx="10" cy="10" r="7" />
        <path d="M6.5 10h7" strokeLinecap="round" />
      </svg>
    );
  return <span aria-hidden="true" className="m-1 inline-block h-3 w-3 rounded-full border-2 border-slate-600" />;
}

function headline(task: Task): string {
  switch (task.status) {
    case "complete":
      return "Done";
    case "error":
      return "Failed";
    case "cancelled":
      return "Cancelled";
    case "pending":
      return "Waiting to start…";
    default: {
      const current = task.steps.find((s) => s.status === "processing");
      return current ? `${current.label}…` : "Working…";
    }
  }
}

export function ProcessingStatus({ task, onCancel, cancelling, label }: Props) {
  const pct = Math.round(Math.min(1, Math.max(0, task.status === "complete" ? 1 : task.progress)) * 100);
  const running = !isTerminal(task.status);
  return (
    <section
      aria-label={label ? `${label} status` : "Processing status"}
      data-testid="processing-status"
      data-task={label?.toLowerCase()}
      data-status={task.status}
      className="rounded-lg border border-border bg-card p-4"
    >
      <div className="flex items-center justify-between gap-3">
        <h3 className="text-sm font-semibold" aria-live="polite">
          {headline(task)}
        </h3>
        {running && onCancel && (
          <Button variant="destructive" size="sm" onClick={onCancel} disabled={cancelling}>
            {cancelling ? "Cancelling…" : "Cancel"}
          </Button>
        )}
      </div>
      <div
        role="progressbar"
        aria-label="Progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        className="mt-3 h-2 overflow-hidden rounded-full bg-slate-800"
      >
        <div
          className={cn(
            "h-full rounded-full transition-[width] duration-300",
            task.status === "error" ? "bg-red-500" : task.status === "cancelled" ? "bg-slate-500" : "bg-indigo-500",
          )}
          style={{ width: `${pct}%` }}
        />
      </div>
      {task.steps.length > 0 && (
        <ol className="mt-3 space-y-1.5 text-sm">
          {task.steps.map((step: ProcessingStep) => (
            <li key={step.id} className="flex items-center gap-2" data-testid="step" data-step-status={step.status}>
              <StepIcon status={step.status} />
              <span className={cn(step.status === "pending" || step.status === "skipped" ? "text-slate-400" : "text-slate-100")}>
                {step.label}
              </span>
              <span className="sr-only">: {STATUS_WORDS[step.status] ?? step.status}</span>
            </li>
          ))}
        </ol>
      )}
      {task.error &&
        (task.status === "cancelled" ? (
          <p className="mt-3 rounded bg-slate-800 px-3 py-2 text-sm text-slate-300">{task.error}</p>
        ) : (
          <p role="alert" className="mt-3 rounded bg-red-950/60 px-3 py-2 text-sm text-red-200">
            {task.error}
          </p>
        ))}
      {task.notices.length > 0 && (
        <ul className="mt-3 space-y-1 text-xs text-amber-200" aria-label="Notices">
          {task.notices.map((n, i) => (
            <li key={i} className="flex gap-1.5">
              <span aria-hidden="true">ⓘ</span>
              {n}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
