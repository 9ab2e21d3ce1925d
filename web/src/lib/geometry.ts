// Where the picture sits inside a <video> element, and how a click maps to frame percentages.

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Insets {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

const NO_INSETS: Insets = { top: 0, right: 0, bottom: 0, left: 0 };

/**
 * The rectangle the frame occupies inside an element box under `object-fit: contain`
 * (letterboxed top/bottom or pillarboxed left/right), in the same units as `box`.
 * `insets` are the element's border + padding, which the content box excludes.
 */
export function containedFrameBox(box: Box, videoWidth: number, videoHeight: number, insets: Insets = NO_INSETS): Box {
  const content: Box = {
    left: box.left + insets.left,
    top: box.top + insets.top,
    width: Math.max(0, box.width - insets.left - insets.right),
    height: Math.max(0, box.height - insets.top - insets.bottom),
  };
  if (!(videoWidth > 0 && videoHeight > 0) || content.width === 0 || content.height === 0) return content;
  const scale = Math.min(content.width / videoWidth, content.height / videoHeight);
  const width = videoWidth * scale;
  const height = videoHeight * scale;
  return {
    left: content.left + (content.width - width) / 2,
    top: content.top + (content.height - height) / 2,
    width,
    height,
  };
}

/**
 * A client point (CSS pixels, as in MouseEvent.clientX/Y) as percentages (0-100) of the video
 * frame, or null when it falls on the letterbox bars. getBoundingClientRect and clientX share CSS
 * pixels, so the device-pixel ratio cancels out and needs no correction here.
 */
export function clientToFramePercent(
  clientX: number,
  clientY: number,
  elementBox: Box,
  videoWidth: number,
  videoHeight: number,
  insets: Insets = NO_INSETS,
): { x: number; y: number } | null {
  const frame = containedFrameBox(elementBox, videoWidth, videoHeight, insets);
  if (frame.width <= 0 || frame.height <= 0) return null;
  const x = ((clientX - frame.left) / frame.width) * 100;
  const y = ((clientY - frame.top) / frame.height) * 100;
  // Half a pixel of slack so a click on the frame's very edge still counts.
  const slackX = 50 / frame.width;
  const slackY = 50 / frame.height;
  if (x < -slackX || x > 100 + slackX || y < -slackY || y > 100 + slackY) return null;
  return { x: clamp(x, 0, 100), y: clamp(y, 0, 100) };
}

/** Frame percentages back to client coordinates (to draw a point where it was placed). */
export function framePercentToClient(
  x: number,
  y: number,
  elementBox: Box,
  videoWidth: number,
  videoHeight: number,
  insets: Insets = NO_INSETS,
): { x: number; y: number } {
  const frame = containedFrameBox(elementBox, videoWidth, videoHeight, insets);
  return { x: frame.left + (x / 100) * frame.width, y: frame.top + (y / 100) * frame.height };
}

/** The index of the frame shown at `time` seconds (the server clamps out-of-range values). */
export function frameIndexAt(time: number, fps: number): number {
  if (!Number.isFinite(time) || time <= 0 || !(fps > 0)) return 0;
  // A tiny epsilon keeps 0.04166666 s × 24 from rounding the wrong way at .5 boundaries.
  return Math.max(0, Math.round(time * fps + 1e-6));
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Border + padding of an element, read from its computed style. */
export function elementInsets(el: Element): Insets {
  const style = getComputedStyle(el);
  const px = (v: string) => parseFloat(v) || 0;
  return {
    top: px(style.borderTopWidth) + px(style.paddingTop),
    right: px(style.borderRightWidth) + px(style.paddingRight),
    bottom: px(style.borderBottomWidth) + px(style.paddingBottom),
    left: px(style.borderLeftWidth) + px(style.paddingLeft),
  };
}
