import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen } from "@testing-library/react";
import { VideoStage } from "./VideoStage";

function setup(interactive = true) {
  const onAddPoint = vi.fn();
  render(
    <VideoStage
      src="blob:clip"
      interactive={interactive}
      markers={[]}
      negativeMode={false}
      fps={24}
      onFps={() => {}}
      onMeta={() => {}}
      onAddPoint={onAddPoint}
    />,
  );
  const video = screen.getByTestId("source-video") as HTMLVideoElement;
  Object.defineProperty(video, "videoWidth", { value: 320 });
  Object.defineProperty(video, "videoHeight", { value: 240 });
  Object.defineProperty(video, "paused", { value: true, configurable: true });
  video.getBoundingClientRect = () => ({ left: 0, top: 0, width: 640, height: 360, right: 640, bottom: 360, x: 0, y: 0, toJSON() {} });
  return { onAddPoint, video, target: screen.getByTestId("click-target") };
}

beforeEach(() => {
  vi.spyOn(HTMLMediaElement.prototype, "pause").mockImplementation(() => {});
});

describe("VideoStage", () => {
  it("maps a click on the pillarboxed picture to frame percentages", () => {
    const { onAddPoint, video, target } = setup();
    video.currentTime = 0.5;
    fireEvent.click(target, { clientX: 80 + 120, clientY: 90 });
    expect(onAddPoint).toHaveBeenCalledWith({ x: 25, y: 25, positive: true }, 12);
  });

  it("shift-click places a negative point; clicks on the bars place nothing", () => {
    const { onAddPoint, target } = setup();
    fireEvent.click(target, { clientX: 320, clientY: 180, shiftKey: true });
    expect(onAddPoint).toHaveBeenLastCalledWith({ x: 50, y: 50, positive: false }, 0);
    fireEvent.click(target, { clientX: 20, clientY: 180 });
    expect(onAddPoint).toHaveBeenCalledTimes(1);
  });

  it("places points from the keyboard with a crosshair", () => {
    const { onAddPoint, target } = setup();
    target.focus();
    fireEvent.keyDown(target, { key: "ArrowRight" });
    fireEvent.keyDown(target, { key: "ArrowUp", shiftKey: true });
    expect(screen.getByTestId("crosshair")).toBeTruthy();
    fireEvent.keyDown(target, { key: "Enter" });
    expect(onAddPoint).toHaveBeenCalledWith({ x: 52, y: 40, positive: true }, 0);
    fireEvent.keyDown(target, { key: "Enter", shiftKey: true });
    expect(onAddPoint).toHaveBeenLastCalledWith({ x: 52, y: 40, positive: false }, 0);
  });

  it("places nothing when not interactive", () => {
    const { onAddPoint, target } = setup(false);
    fireEvent.click(target, { clientX: 320, clientY: 180 });
    fireEvent.keyDown(target, { key: "Enter" });
    expect(onAddPoint).not.toHaveBeenCalled();
  });
});
