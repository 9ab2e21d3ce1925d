// A session on real footage (a short piece of a DAVIS-2016 sequence, cut at run time): click the
// object, its mask shows within a second and overlaps the human mask; a second object; Track;
// correct on the worst later frame; track again from there; export a cutout and an overlay.
// Masks are read back from the API and scored against the human masks by vtrack.testing.davis_clip.
import { spawnSync } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { ROOT, VENV, assert, log } from "./config.mjs";
import {
  assertDownload,
  assertVideoPlays,
  checkAccessibility,
  checkProblems,
  clickFrame,
  newCheckedPage,
  openStudio,
  renderAndWait,
  shot,
  timelineCoverage,
  trackAndWait,
  waitForMask,
} from "./page.mjs";

const SEQ = process.env.E2E_DAVIS_SEQ ?? "bear";
const FRAMES = Number(process.env.E2E_DAVIS_FRAMES ?? 30);
/** The bar for the preview: the mask is on screen within a second of the click. */
const PREVIEW_MS = 1000;
/** On a machine busier than its cores, only the browser's share (decode + paint) is held to this. */
const UI_SHARE_MS = 300;

function davis(args, input) {
  const run = spawnSync(join(VENV, "bin/python"), ["-m", "vtrack.testing.davis_clip", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    input: input === undefined ? undefined : JSON.stringify(input),
  });
  assert(run.status === 0, `davis_clip ${args[0]} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** Object `oid`'s masks on `frames`, read from the API (GET /api/sessions/{id}/masks). */
async function apiMasks(page, sessionId, oid, frames) {
  const out = {};
  for (const f of frames) {
    const res = await page.request.get(new URL(`/api/sessions/${sessionId}/masks?frame_idx=${f}`, page.url()).toString());
    assert(res.ok(), `GET masks of frame ${f}: ${res.status()}`);
    const rle = (await res.json()).masks[String(oid)];
    if (rle) out[String(f)] = rle;
  }
  return out;
}

const mean = (values) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
const range = (from, to) => Array.from({ length: to - from }, (_, i) => from + i);

/** Click → mask on screen: how long, and how much of it was the server's answer. */
async function previewTiming(page, clicked) {
  const painted = await waitForMask(page, clicked.sent.object_id, clicked.sent.frame_idx, clicked.clickedAt);
  const response = await clicked.request.response();
  const answer = await response.json();
  const totalMs = painted.paintedAt - clicked.clickedAt;
  const serverMs = clicked.request.timing().responseEnd;
  const load = loadavg()[0] / cpus().length;
  return { painted, answer, totalMs: Math.round(totalMs), serverMs: Math.round(serverMs), load: Math.round(load * 100) / 100 };
}

function checkPreviewTime(t) {
  if (t.load <= 1.5) {
    assert(t.totalMs <= PREVIEW_MS, `the mask showed ${t.totalMs} ms after the click (server ${t.serverMs} ms); the bar is ${PREVIEW_MS} ms`);
    return "whole";
  }
  // A shared, overloaded machine: the server's time is not the UI's to keep; the rest is.
  log(`load ${t.load} per core: holding only the browser's share of the preview to ${UI_SHARE_MS} ms`);
  assert(t.totalMs - t.serverMs <= UI_SHARE_MS, `decoding and painting took ${t.totalMs - t.serverMs} ms after the answer`);
  return "browser share";
}

/** Scrubs to `frame` with the keyboard (the frame slider's arrow keys). */
async function scrubTo(page, frame) {
  const slider = page.getByTestId("frame-scrubber");
  await slider.focus();
  await page.keyboard.press("Home");
  for (let i = 0; i < frame; i++) await page.keyboard.press("ArrowRight");
  await page.getByTestId("frame-readout").filter({ hasText: `frame ${frame}/` }).waitFor({ timeout: 5000 });
}

async function firstClick(page, clip, info) {
  const clicked = await clickFrame(page, clip.click[0], clip.click[1]);
  const timing = await previewTiming(page, clicked);
  const held = checkPreviewTime(timing);
  assert(timing.painted.pixels === timing.answer.area, `overlay painted ${timing.painted.pixels} px, the API mask has ${timing.answer.area}`);
  const stored = await apiMasks(page, info.session_id, 1, [0]);
  const iou = davis(["score", "--seq", SEQ], stored)["0"].iou;
  assert(iou >= 0.5, `the first click's mask overlaps the human mask by IoU ${iou} < 0.5`);
  return { ...timing, held, iou, painted: undefined, answer: undefined };
}

async function secondObject(page, clip) {
  await page.getByRole("button", { name: "+ Add object" }).click();
  const clicked = await clickFrame(page, clip.background_click[0], clip.background_click[1]);
  assert(clicked.sent.object_id === 2, `the second object's clicks went to object ${clicked.sent.object_id}`);
  const painted = await waitForMask(page, 2, 0, clicked.clickedAt);
  assert(painted.objects.includes(1) && painted.objects.includes(2), `overlay shows objects ${painted.objects}`);
  const colours = await page.locator('[data-testid="object-row"] input[type="color"]').evaluateAll((els) => els.map((e) => e.value));
  assert(colours.length === 2 && colours[0] !== colours[1], `object colours ${colours}`);
  return { colours };
}

/** The worst later frame of object 1, the robot's click there, and the IoU before and after it. */
async function correctWorstFrame(page, info) {
  const later = range(1, info.frame_count);
  const before = davis(["score", "--seq", SEQ], await apiMasks(page, info.session_id, 1, later));
  const [k, worst] = Object.entries(before).sort((a, b) => a[1].iou - b[1].iou)[0];
  const frame = Number(k);
  assert(worst.click, `frame ${frame} needs no correction`);
  await page.getByRole("radio", { name: /^Clicks go to Object 1/ }).check();
  await scrubTo(page, frame);
  await waitForMask(page, 1, frame);
  const clicked = await clickFrame(page, worst.click.x, worst.click.y, { shift: !worst.click.positive });
  assert(clicked.sent.frame_idx === frame && clicked.sent.object_id === 1, `correction sent ${JSON.stringify(clicked.sent)}`);
  assert(clicked.sent.points[0].positive === worst.click.positive, "shift-click did not mark 'not this'");
  const answer = await (await clicked.request.response()).json();
  assert(answer.corrects, "the click on a tracked frame did not correct its mask");
  await waitForMask(page, 1, frame, clicked.clickedAt);
  const after = davis(["score", "--seq", SEQ], { [k]: answer.mask })[k].iou;
  const meanBefore = mean(Object.values(before).map((s) => s.iou));
  return { frame, click: worst.click, iouBefore: worst.iou, iouAfter: after, meanLaterBefore: meanBefore, before };
}

export async function session(ctx) {
  const clip = davis(["clip", join(ctx.tmp, `${SEQ}.mp4`), "--seq", SEQ, "--frames", String(FRAMES)]);
  if (clip.skip) return { skipped: clip.skip };
  const page = await newCheckedPage(ctx.context, "session");
  const info = await openStudio(page, ctx.base, clip.path);
  assert(info.frame_count === clip.frames && info.width === clip.width, `session ${JSON.stringify(info)}`);
  const shots = [];

  const preview = await firstClick(page, clip, info);
  shots.push(await shot(page, "session-1-click"));
  const second = await secondObject(page, clip);
  shots.push(await shot(page, "session-2-second-object"));

  const tracked = await trackAndWait(page);
  assert(!("start_frame_idx" in tracked.sent), `the first Track sent ${JSON.stringify(tracked.sent)}`);
  const coverage = await timelineCoverage(page);
  assert(coverage["1"]?.known === info.frame_count && coverage["2"]?.known === info.frame_count, `timeline ${JSON.stringify(coverage)}`);
  shots.push(await shot(page, "session-3-tracked"));

  const correction = await correctWorstFrame(page, info);
  shots.push(await shot(page, "session-4-corrected"));
  const retracked = await trackAndWait(page);
  assert(retracked.sent.start_frame_idx === correction.frame, `Track after the correction sent ${JSON.stringify(retracked.sent)}`);
  const later = davis(["score", "--seq", SEQ], await apiMasks(page, info.session_id, 1, range(1, info.frame_count)));
  const kept = later[String(correction.frame)].iou;
  assert(Math.abs(kept - correction.iouAfter) < 1e-6, `the corrected frame changed on re-tracking (${correction.iouAfter} -> ${kept})`);
  await page.getByTestId("frame-scrubber").focus();
  shots.push(await shot(page, "session-5-retracked"));

  const cutout = await renderAndWait(page, "cutout");
  const cutoutVideo = await assertVideoPlays(page, '[data-testid="result-video"]');
  const downloads = [await assertDownload(page, "video_url", "webm"), await assertDownload(page, "png_sequence_url", "zip")];
  shots.push(await shot(page, "session-6-cutout"));
  const overlay = await renderAndWait(page, "overlay");
  const overlayVideo = await assertVideoPlays(page, '[data-testid="result-video"]');
  downloads.push(await assertDownload(page, "video_url", "mp4"), await assertDownload(page, "masks_url", "zip"));
  shots.push(await shot(page, "session-7-overlay"));
  const a11y = await checkAccessibility(page, "session after two exports");
  checkProblems(page);
  await page.close();
  const { before: _before, ...corrected } = correction;
  return {
    clip: { seq: SEQ, frames: clip.frames, click: clip.click },
    preview,
    second,
    tracked: tracked.sent,
    correction: { ...corrected, meanLaterAfter: mean(Object.values(later).map((s) => s.iou)) },
    retracked: retracked.sent,
    exports: { cutout: cutout.sent, overlay: overlay.sent, cutoutVideo, overlayVideo },
    downloads,
    a11y,
    screenshots: shots,
  };
}
