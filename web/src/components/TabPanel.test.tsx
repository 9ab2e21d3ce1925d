import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { TabPanel, type Mode } from "./TabPanel";

function Harness({ onChat = () => {}, suggestions = [] as string[] }) {
  const [mode, setMode] = useState<Mode>("click");
  const [prompt, setPrompt] = useState("");
  return (
    <TabPanel
      mode={mode}
      onMode={setMode}
      hasVideo
      busy={false}
      points={[]}
      pointsFrame={null}
      negativeMode={false}
      onNegativeMode={() => {}}
      onClear={() => {}}
      onUndo={() => {}}
      prompt={prompt}
      onPrompt={setPrompt}
      suggestions={suggestions}
      onTrack={() => {}}
      onChat={onChat}
      onRemove={() => {}}
    />
  );
}

describe("TabPanel", () => {
  it("moves between tabs with the arrow keys (roving focus)", () => {
    render(<Harness />);
    const click = screen.getByRole("tab", { name: "Click" });
    click.focus();
    fireEvent.keyDown(click, { key: "ArrowRight" });
    const chat = screen.getByRole("tab", { name: "Chat" });
    expect(chat.getAttribute("aria-selected")).toBe("true");
    expect(document.activeElement).toBe(chat);
    expect(click.tabIndex).toBe(-1);
    fireEvent.keyDown(chat, { key: "End" });
    expect(screen.getByRole("tab", { name: "Remove" }).getAttribute("aria-selected")).toBe("true");
    expect(screen.getByRole("button", { name: "Remove object" })).toBeTruthy();
  });

  it("fills the prompt from an example chip and submits with Enter", () => {
    const onChat = vi.fn();
    render(<Harness onChat={onChat} suggestions={["person", "drums"]} />);
    fireEvent.click(screen.getByRole("tab", { name: "Chat" }));
    const submit = screen.getByRole("button", { name: "Find and isolate" }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "isolate drums" }));
    const box = screen.getByLabelText("What should I find?") as HTMLTextAreaElement;
    expect(box.value).toBe("isolate drums");
    fireEvent.click(screen.getByRole("button", { name: "person" }));
    expect(box.value).toBe("person");
    fireEvent.submit(box.form!);
    expect(onChat).toHaveBeenCalledOnce();
  });

  it("offers nothing to track until a positive point exists", () => {
    render(<Harness />);
    expect((screen.getByRole("button", { name: "Track object" }) as HTMLButtonElement).disabled).toBe(true);
  });
});
