import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { useState } from "react";
import type { PromptPoint } from "../lib/api";
import { WorkflowTabs, type Mode } from "./WorkflowTabs";

function Harness({ onChat = () => {}, suggestions = [] as string[], points = [] as PromptPoint[] }) {
  const [mode, setMode] = useState<Mode>("click");
  const [prompt, setPrompt] = useState("");
  const [negativeMode, setNegativeMode] = useState(false);
  return (
    <WorkflowTabs
      mode={mode}
      onMode={setMode}
      hasVideo
      points={{
        points,
        frameIdx: 3,
        objectName: "Object 1",
        negativeMode,
        onNegativeMode: setNegativeMode,
        onClear: () => {},
        onUndo: () => {},
      }}
      chat={{ prompt, onPrompt: setPrompt, suggestions, onChat, busy: false }}
    />
  );
}

describe("WorkflowTabs", () => {
  it("moves between tabs with the arrow keys (roving focus)", async () => {
    render(<Harness />);
    const click = screen.getByRole("tab", { name: "Click" });
    click.focus();
    fireEvent.keyDown(click, { key: "ArrowRight" });
    const chat = screen.getByRole("tab", { name: "Chat" });
    // Radix moves focus on the next tick; focus selects (automatic activation).
    await waitFor(() => expect(document.activeElement).toBe(chat));
    expect(chat.getAttribute("aria-selected")).toBe("true");
    expect(click.tabIndex).toBe(-1);
    fireEvent.keyDown(chat, { key: "End" });
    await waitFor(() => expect(screen.getByRole("tab", { name: "Remove" }).getAttribute("aria-selected")).toBe("true"));
    expect(screen.getByRole("tabpanel").textContent).toContain("erase");
  });

  it("fills the prompt from an example chip and submits with Enter", () => {
    const onChat = vi.fn();
    render(<Harness onChat={onChat} suggestions={["person", "drums"]} />);
    // Radix tabs select on mouse down (as a native tab strip does), not on click.
    fireEvent.mouseDown(screen.getByRole("tab", { name: "Chat" }));
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

  it("says what the selected object has on the frame shown; undo only when there is a point", () => {
    const { unmount } = render(<Harness />);
    expect(screen.getByText(/No points of Object 1 on frame 3/)).toBeTruthy();
    expect((screen.getByRole("button", { name: /Undo/ }) as HTMLButtonElement).disabled).toBe(true);
    unmount();
    render(<Harness points={[{ x: 10, y: 20, positive: true }, { x: 30, y: 40, positive: false }]} />);
    expect(screen.getByRole("tabpanel").textContent).toContain("1 object point, 1 “not this” point on frame 3 (Object 1)");
    expect((screen.getByRole("button", { name: /Undo/ }) as HTMLButtonElement).disabled).toBe(false);
  });

  it("labels each panel by its tab and keeps one point type chosen", () => {
    render(<Harness />);
    const panel = screen.getByRole("tabpanel");
    expect(panel.getAttribute("aria-labelledby")).toBe(screen.getByRole("tab", { name: "Click" }).id);
    const group = screen.getByRole("radiogroup", { name: "Next point marks" });
    const checked = () => within(group).getAllByRole("radio").filter((r) => r.getAttribute("aria-checked") === "true").map((r) => r.textContent);
    expect(checked()).toEqual(["+ Object"]);
    fireEvent.click(within(group).getByRole("radio", { name: "− Not this" }));
    expect(checked()).toEqual(["− Not this"]);
    // Pressing the chosen one again does not leave the group with no choice.
    fireEvent.click(within(group).getByRole("radio", { name: "− Not this" }));
    expect(checked()).toEqual(["− Not this"]);
  });
});
