// The Chat tab: a sentence finds objects in the session (one per instance found) and names the
// sound to keep; the studio's answer shows under it.
import type { FormEvent } from "react";
import { Button } from "./ui/button";

export const EXAMPLE_PROMPTS = ["isolate drums", "the singer", "the person on the left"];

export interface ChatFormProps {
  prompt: string;
  onPrompt: (prompt: string) => void;
  /** Prompts the server offered after it could not ground the last one. */
  suggestions?: string[];
  onChat: () => void;
  ready: boolean;
  busy: boolean;
  /** The studio's answer to the last prompt. */
  answer?: string | null;
  /** Why the last prompt found nothing (shown here, where the person is looking). */
  error?: string | null;
}

export function ChatForm({ prompt, onPrompt, suggestions = [], onChat, ready, busy, answer, error }: ChatFormProps) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChat();
  };
  return (
    <form onSubmit={submit} className="flex flex-col gap-3">
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
        className="w-full resize-y rounded-md border border-input bg-background px-3 py-2 text-sm placeholder:text-muted-foreground focus-visible:border-ring focus-visible:outline-2 focus-visible:outline-ring"
      />
      <div className="flex flex-wrap gap-2" aria-label="Example prompts" role="group">
        {EXAMPLE_PROMPTS.map((example) => (
          <button key={example} type="button" className="chip" onClick={() => onPrompt(example)}>
            {example}
          </button>
        ))}
      </div>
      {suggestions.length > 0 && (
        <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Prompts the studio can find">
          <span className="text-xs text-muted-foreground">Try instead:</span>
          {suggestions.map((s) => (
            <button key={s} type="button" className="chip border-primary/60" onClick={() => onPrompt(s)}>
              {s}
            </button>
          ))}
        </div>
      )}
      {!ready && <p className="text-sm text-amber-200">Choose a video first.</p>}
      <Button type="submit" className="self-start" disabled={!ready || busy || !prompt.trim()}>
        {busy ? "Looking…" : "Find and isolate"}
      </Button>
      {error && (
        <p role="alert" className="rounded-lg border border-red-500/40 bg-red-950/50 p-3 text-sm text-red-100" data-testid="chat-error">
          {error}
        </p>
      )}
      {answer && (
        <div className="rounded-lg border border-indigo-500/40 bg-indigo-950/50 p-3 text-sm" data-testid="ai-response" aria-live="polite">
          <p className="mb-1 text-xs font-semibold uppercase tracking-wide text-indigo-300">Studio</p>
          <p className="whitespace-pre-line">{answer}</p>
        </div>
      )}
    </form>
  );
}
