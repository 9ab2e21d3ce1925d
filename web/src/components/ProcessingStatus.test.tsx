import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, within } from "@testing-library/react";
import { ProcessingStatus } from "./ProcessingStatus";
import type { Task } from "../lib/api";
import { taskOf } from "../test/fixtures";

const base: Task = taskOf({
  task_id: "t",
  status: "processing",
  progress: 0.4,
  error: null,
  result: {},
  notices: [],
  steps: [
    { id: "sam3", label: "SAM3 point tracking", status: "complete" },
    { id: "mask", label: "Generating mask overlay", status: "processing" },
    { id: "track", label: "Tracking across frames", status: "pending" },
  ],
});

describe("ProcessingStatus", () => {
  it("lists the API's step labels in order with their status", () => {
    render(<ProcessingStatus task={base} />);
    const steps = screen.getAllByTestId("step");
    expect(steps.map((s) => s.textContent)).toEqual([
      "SAM3 point tracking: done",
      "Generating mask overlay: running",
      "Tracking across frames: waiting",
    ]);
    expect(steps.map((s) => s.getAttribute("data-step-status"))).toEqual(["complete", "processing", "pending"]);
  });

  it("headlines the running step and shows progress", () => {
    render(<ProcessingStatus task={base} />);
    expect(screen.getByRole("heading").textContent).toBe("Generating mask overlay…");
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("40");
  });

  it("offers Cancel only while running", () => {
    const onCancel = vi.fn();
    const { rerender } = render(<ProcessingStatus task={base} onCancel={onCancel} />);
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(onCancel).toHaveBeenCalledOnce();
    rerender(<ProcessingStatus task={{ ...base, status: "complete", progress: 1 }} onCancel={onCancel} />);
    expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("100");
  });

  it("shows the error and notices", () => {
    render(
      <ProcessingStatus
        task={{ ...base, status: "error", error: "The object left the frame.", notices: ["Downscaled to 854x480."] }}
      />,
    );
    expect(screen.getByRole("heading").textContent).toBe("Failed");
    expect(screen.getByRole("alert").textContent).toBe("The object left the frame.");
    expect(within(screen.getByRole("list", { name: "Notices" })).getByText("Downscaled to 854x480.")).toBeTruthy();
  });
});
