import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import { DownloadPanel } from "./DownloadPanel";

describe("DownloadPanel", () => {
  it("links every output with a download filename", () => {
    render(
      <DownloadPanel
        result={{
          masked_video_url: "/uploads/abc/masked_video.mp4",
          masks_url: "/uploads/abc/masks.zip",
          audio_url: "/uploads/abc/vocals.wav",
          ai_response: "not a file",
        }}
      />,
    );
    const links = screen.getAllByRole("link");
    expect(links.map((a) => [a.getAttribute("href"), a.getAttribute("download")])).toEqual([
      ["/uploads/abc/masked_video.mp4", "masked_video.mp4"],
      ["/uploads/abc/vocals.wav", "vocals.wav"],
      ["/uploads/abc/masks.zip", "masks.zip"],
    ]);
    expect(screen.getByRole("link", { name: /Tracked video/ })).toBeTruthy();
    expect(screen.getByRole("link", { name: /Masks/ })).toBeTruthy();
  });

  it("renders nothing without outputs", () => {
    const { container } = render(<DownloadPanel result={{ ai_response: "hi" }} />);
    expect(container.innerHTML).toBe("");
  });
});
