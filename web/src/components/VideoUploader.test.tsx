import { describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { VideoUploader } from "./VideoUploader";
import { DEFAULT_LIMITS } from "../lib/validate";

describe("VideoUploader", () => {
  it("accepts a dropped video and rejects other files with a message", () => {
    const onFile = vi.fn();
    const onReject = vi.fn();
    render(<VideoUploader limits={DEFAULT_LIMITS} file={null} onFile={onFile} onReject={onReject} />);
    const zone = screen.getByTestId("drop-zone");
    const clip = new File(["x"], "clip.mp4", { type: "video/mp4" });
    fireEvent.drop(zone, { dataTransfer: { files: [clip] } });
    expect(onFile).toHaveBeenCalledWith(clip);
    fireEvent.drop(zone, { dataTransfer: { files: [new File(["x"], "a.pdf", { type: "application/pdf" })] } });
    expect(onReject.mock.calls[0][0]).toMatch(/not a video/);
  });

  it("opens the file picker from a real button", () => {
    render(<VideoUploader limits={DEFAULT_LIMITS} file={null} onFile={() => {}} onReject={() => {}} />);
    const input = screen.getByTestId("file-input") as HTMLInputElement;
    const click = vi.spyOn(input, "click");
    fireEvent.click(screen.getByRole("button", { name: "Choose a video" }));
    expect(click).toHaveBeenCalled();
  });
});
