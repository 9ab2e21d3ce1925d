// The masks the browser knows, by frame and object, as the API sent them (COCO RLE): from clicks'
// answers, a propagation's streamed frames and per-frame reads. Components subscribe to changes.
import { decodeRle, rleArea, type Rle } from "./rle";

export interface MaskEntry {
  rle: Rle;
  /** Pixels in the mask (0: computed, not visible on that frame). */
  area: number;
}

/** Decoded masks kept at once: a frame at 854x480 is 410 kB per object. */
const DECODED_KEPT = 48;

export class MaskCache {
  private frames = new Map<number, Map<number, MaskEntry>>();
  private decoded = new Map<MaskEntry, Uint8Array>();
  private listeners = new Set<() => void>();
  /** Bumped on every change (for React's useSyncExternalStore). */
  version = 0;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  private changed() {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }

  /** One object's mask on one frame. */
  set(frameIdx: number, objectId: number, rle: Rle): void {
    this.put(frameIdx, objectId, rle);
    this.changed();
  }

  /** Several objects' masks on one frame (one change). */
  setFrame(frameIdx: number, masks: Record<string, Rle>): void {
    for (const [objectId, rle] of Object.entries(masks)) this.put(frameIdx, Number(objectId), rle);
    this.changed();
  }

  private put(frameIdx: number, objectId: number, rle: Rle) {
    let frame = this.frames.get(frameIdx);
    if (!frame) this.frames.set(frameIdx, (frame = new Map()));
    frame.set(objectId, { rle, area: rleArea(rle) });
  }

  /** The masks known on a frame, by object id (undefined: nothing known there yet). */
  frame(frameIdx: number): ReadonlyMap<number, MaskEntry> | undefined {
    return this.frames.get(frameIdx);
  }

  has(frameIdx: number): boolean {
    return this.frames.has(frameIdx);
  }

  /** The object's mask as one byte per pixel, row-major (decoded once while in use). */
  pixels(entry: MaskEntry): Uint8Array {
    let mask = this.decoded.get(entry);
    if (mask) {
      this.decoded.delete(entry); // most recently used last
    } else {
      mask = decodeRle(entry.rle);
    }
    this.decoded.set(entry, mask);
    while (this.decoded.size > DECODED_KEPT) this.decoded.delete(this.decoded.keys().next().value!);
    return mask;
  }

  /** Per frame, whether the object is visible there: 1 visible, 0 absent, -1 not known. */
  coverage(objectId: number, frameCount: number): Int8Array {
    const out = new Int8Array(frameCount).fill(-1);
    for (const [frameIdx, masks] of this.frames) {
      const entry = masks.get(objectId);
      if (entry && frameIdx < frameCount) out[frameIdx] = entry.area > 0 ? 1 : 0;
    }
    return out;
  }

  /** Forget one object (it was deleted). */
  dropObject(objectId: number): void {
    for (const masks of this.frames.values()) masks.delete(objectId);
    this.changed();
  }

  clear(): void {
    this.frames.clear();
    this.decoded.clear();
    this.changed();
  }
}
