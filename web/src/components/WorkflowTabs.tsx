// The ways to pick objects in a session, as tabs: Click (clicks, then an effect), Chat (a sentence
// finds them and names the sound), Remove (clicks, then erase them). All share the session's objects.
import type { ReactNode } from "react";
import { ChatForm, type ChatFormProps } from "./ChatForm";
import { PointControls, type PointControlsProps } from "./PointControls";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "./ui/tabs";

export type Mode = "click" | "chat" | "remove";

export const TABS: { id: Mode; label: string; hint: string }[] = [
  { id: "click", label: "Click", hint: "Click an object: its mask shows at once. Track follows it through the video" },
  { id: "chat", label: "Chat", hint: "Describe what to find and the sound to keep; fix what it finds with clicks" },
  { id: "remove", label: "Remove", hint: "Click the object to erase, track it, then remove it (and its sound)" },
];

interface Props {
  mode: Mode;
  onMode: (mode: Mode) => void;
  hasVideo: boolean;
  points: PointControlsProps;
  chat: Omit<ChatFormProps, "ready">;
  /** Shown under every tab's own controls (the objects, Track). */
  children?: ReactNode;
}

export function WorkflowTabs({ mode, onMode, hasVideo, points, chat, children }: Props) {
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
          {tab.id === "chat" ? <ChatForm {...chat} ready={hasVideo} /> : <PointControls {...points} />}
          {!hasVideo && tab.id !== "chat" && <p className="text-sm text-amber-200">Choose a video first.</p>}
          {children}
        </TabsContent>
      ))}
    </Tabs>
  );
}
