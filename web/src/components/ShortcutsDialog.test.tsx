import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { SHORTCUTS, ShortcutsDialog } from "./ShortcutsDialog";

describe("ShortcutsDialog", () => {
  it("opens as a labelled modal listing every shortcut, and Escape closes it back to its button", async () => {
    render(<ShortcutsDialog />);
    const trigger = screen.getByRole("button", { name: "Shortcuts" });
    trigger.focus();
    fireEvent.click(trigger);
    const dialog = await screen.findByRole("dialog", { name: "Keyboard shortcuts" });
    expect(dialog.getAttribute("aria-describedby")).toBeTruthy();
    expect(within(dialog).getAllByRole("term")).toHaveLength(SHORTCUTS.length);
    await waitFor(() => expect(dialog.contains(document.activeElement)).toBe(true));
    fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(document.activeElement).toBe(trigger);
  });
});
