// The three workflows as tabs: Click (point-to-track), Chat (text-to-video), Remove (object removal).
import type { FormEvent, ReactNode } from "react";
import { PointControls, type PointControlsProps } from "./PointControls";
import { Button } from "./ui/button";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "./ui/tabs";

export type Mode = "click" | "chat" | "remove";

export const TABS: { id: Mode; label: string; hint: string }[] = [
  { id: "click", label: "Click", hint: "Track an object by clicking it" },
  { id: "chat", label: "Chat", hint: "Describe what to find and isolate" },
  { id: "remove", label: "Remove", hint: "Erase an object from the video" },
];

export const EXAMPLE_PROMPTS = ["isolate drums", "the singer", "the person on the left"];

interface ChatFormProps {
  prompt: string;
  onPrompt: (prompt: string) => void;
  /** Prompts the server offered after it could not ground the last one. */
  suggestions?: string[];
  onChat: () => void;
}

interface Props extends PointControlsProps, ChatFormProps {
  mode: Mode;
  onMode: (mode: Mode) => void;
  hasVideo: boolean;
  busy: boolean;
  onTrack: () => void;
  onRemove: () => void;
  /** The current workflow's answer and progress, shown under its controls. */
  children?: ReactNode;
}

function ChatForm({ prompt, onPrompt, suggestions = [], onChat, ready, busy }: ChatFormProps & { ready: boolean; busy: boolean }) {
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
      {!ready && <NoVideo />}
      <Button type="submit" className="self-start" disabled={!ready || busy || !prompt.trim()}>
        {busy ? "Working…" : "Find and isolate"}
      </Button>
    </form>
  );
}

function NoVideo() {
  return <p className="text-sm text-amber-200">Choose a video first.</p>;
}

export function WorkflowTabs(props: Props) {
  const { mode, onMode, hasVideo, busy, points } = props;
  return (
    <Tabs value={mode} onValueChange={(value) => onMode(value as Mode)} className="rounded-xl border border-border bg-card/60">
      <TabsList aria-label="Workflows">
        {TABS.map((tab) => (
          <TabsTrigger key={tab.id} value={tab.id}>
            {tab.label}
          </TabsTrigger>
        ))}
      </TabsList>
      {TABS.map((tab) => (
        <TabsContent key={tab.id} value={tab.id}>
          <p className="text-sm text-muted-foreground">{tab.hint}.</p>
          {tab.id === "chat" ? (
            <ChatForm {...props} ready={hasVideo} busy={busy} />
          ) : (
            <>
              <PointControls {...props} />
              {!hasVideo && <NoVideo />}
              <Button
                className="self-start"
                disabled={!hasVideo || busy || !points.some((p) => p.positive)}
                onClick={tab.id === "click" ? props.onTrack : props.onRemove}
              >
                {busy ? "Working…" : tab.id === "click" ? "Track object" : "Remove object"}
              </Button>
            </>
          )}
          {props.children}
        </TabsContent>
      ))}
    </Tabs>
  );
}
