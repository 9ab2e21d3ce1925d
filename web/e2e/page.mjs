// Page helpers for the flows: a page that fails on console errors, the studio opened on a clip,
// clicks at frame percentages, tasks waited for, media checked, screenshots, axe-core.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { JOB_TIMEOUT_MS, OUT, assert } from "./config.mjs";

/** A page that records console errors and page errors; the flow fails if any appear. */
export async function newCheckedPage(context, name) {
  const page = await context.newPage();
  const problems = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console.error: ${msg.text()} ${JSON.stringify(msg.location())}`);
  });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("requestfailed", (req) => {
    // Aborted media range requests happen when a <video> changes source; not an error.
    if (!/ERR_ABORTED/.test(req.failure()?.errorText ?? "")) problems.push(`requestfailed: ${req.url()} ${req.failure()?.errorText}`);
  });
  // Record the text fields of every multipart POST (Chromium does not expose file-bearing bodies).
  await page.addInitScript(() => {
    const original = window.fetch;
    window.__sentForms = [];
    window.fetch = (input, init) => {
      if (init?.body instanceof FormData) {
        const fields = {};
        for (const [k, v] of init.body.entries()) fields[k] = typeof v === "string" ? v : `<file ${v.name} ${v.size} B>`;
        window.__sentForms.push({ url: String(input), fields });
      }
      return original(input, init);
    };
  });
  page.problems = problems;
  page.flowName = name;
  page.apiCalls = [];
  page.on("request", (req) => {
    const path = new URL(req.url()).pathname;
    if (path.startsWith("/api/task/")) page.apiCalls.push(`${req.method()} ${path}`);
  });
  return page;
}

/** Opens the studio, picks the clip and waits for its session: answers POST /api/sessions's 201 JSON. */
export async function openStudio(page, base, clip) {
  await page.goto(base, { waitUntil: "domcontentloaded" });
  await page.getByRole("heading", { name: "VTrackAI Studio" }).waitFor();
  await page.getByText("Server ready").waitFor({ timeout: 15000 });
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === "/api/sessions" && r.request().method() === "POST", { timeout: 60000 }),
    page.getByTestId("file-input").setInputFiles(clip),
  ]);
  assert(response.status() === 201, `POST /api/sessions answered ${response.status()}`);
  await page.waitForFunction(() => {
    const v = document.querySelector('[data-testid="source-video"]');
    return v && v.readyState >= 2 && v.videoWidth > 0;
  });
  await page.locator('[data-testid="session-status"][data-ready="true"]').waitFor({ timeout: 30000 });
  return response.json();
}

/** Client coordinates of (x%, y%) of the picture inside the object-fit: contain source video. */
export async function framePointToClient(page, xPct, yPct) {
  return page.evaluate(
    ([x, y]) => {
      const v = document.querySelector('[data-testid="source-video"]');
      const r = v.getBoundingClientRect();
      const s = Math.min(r.width / v.videoWidth, r.height / v.videoHeight);
      const w = v.videoWidth * s;
      const h = v.videoHeight * s;
      return { x: r.left + (r.width - w) / 2 + (x / 100) * w, y: r.top + (r.height - h) / 2 + (y / 100) * h };
    },
    [xPct, yPct],
  );
}


/** Waits for the task shown in a panel ("tracking" or "export") to complete; returns the steps seen. */
export async function waitForTask(page, task, scope = task) {
  const status = page.locator(`[data-testid="processing-status"][data-task="${task}"]`);
  await status.waitFor({ timeout: 30000 });
  const seenSteps = new Set();
  const deadline = Date.now() + JOB_TIMEOUT_MS;
  for (;;) {
    const state = await status.getAttribute("data-status").catch(() => null);
    for (const s of await status.getByTestId("step").evaluateAll((els) => els.map((e) => `${e.textContent}`))) seenSteps.add(s);
    if (state === "complete") break;
    if (state === "error" || state === "cancelled") {
      const text = await status.innerText();
      throw new Error(`${scope} ended ${state}: ${text.replace(/\s+/g, " ")}`);
    }
    if (Date.now() > deadline) throw new Error(`${scope} still ${state} after ${JOB_TIMEOUT_MS / 1000}s`);
    await page.waitForTimeout(200);
  }
  return [...seenSteps];
}

/** Clicks (x%, y%) of the picture (shift: a "not this" point); answers the prompt request's JSON body
 * and the time of the click (performance.now() in the page). */
export async function clickFrame(page, xPct, yPct, { shift = false } = {}) {
  const target = await framePointToClient(page, xPct, yPct);
  const clickedAt = await page.evaluate(() => performance.now());
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url().includes("/prompts") && r.method() === "POST", { timeout: 10000 }),
    (async () => {
      if (shift) await page.keyboard.down("Shift");
      await page.mouse.click(target.x, target.y);
      if (shift) await page.keyboard.up("Shift");
    })(),
  ]);
  return { sent: request.postDataJSON(), request, clickedAt };
}

/** What the mask overlay shows: {frame, objects: [ids], pixels, paintedAt}. */
export async function overlayState(page) {
  return page.evaluate(() => {
    const d = document.querySelector('[data-testid="mask-overlay"]')?.dataset ?? {};
    return { frame: Number(d.frame), objects: d.objects ? d.objects.split(",").map(Number) : [], pixels: Number(d.pixels ?? 0), paintedAt: Number(d.paintedAt ?? 0) };
  });
}

/** Waits until the overlay shows `objectId`'s mask on `frame`, painted after `since` (page ms). */
export async function waitForMask(page, objectId, frame, since = 0, timeout = 15000) {
  await page.waitForFunction(
    ([id, f, t]) => {
      const d = document.querySelector('[data-testid="mask-overlay"]')?.dataset;
      return d && Number(d.frame) === f && (d.objects ?? "").split(",").map(Number).includes(id) && Number(d.paintedAt) > t;
    },
    [objectId, frame, since],
    { timeout, polling: "raf" },
  );
  return overlayState(page);
}

/** Frames with a known mask per object, from the timeline's text: {objectId: {known, visible}}. */
export async function timelineCoverage(page) {
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[data-testid="timeline-row"]')].map((li) => [
        li.dataset.object,
        { known: Number(li.dataset.known), visible: Number(li.dataset.visible) },
      ]),
    ),
  );
}

/** Presses Track (by mouse or, with `keyboard`, Enter on the focused button) and waits for it. */
export async function trackAndWait(page, { keyboard = false } = {}) {
  const button = page.getByTestId("track-button");
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url().includes("/propagate") && r.method() === "POST"),
    keyboard ? button.focus().then(() => page.keyboard.press("Enter")) : button.click(),
  ]);
  const steps = await waitForTask(page, "tracking");
  return { sent: request.postDataJSON(), steps };
}

/** Chooses an effect (and a sound) in the export panel, renders, waits: answers the request body. */
export async function renderAndWait(page, effect, audio) {
  const panel = page.getByTestId("render-panel");
  await panel.getByLabel("Effect").selectOption(effect);
  if (audio) await panel.getByLabel("Sound").selectOption(audio);
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url().includes("/render") && r.method() === "POST"),
    panel.getByRole("button", { name: effect === "remove" ? "Remove object" : "Render video" }).click(),
  ]);
  const steps = await waitForTask(page, "export");
  return { sent: request.postDataJSON(), steps };
}

export async function assertVideoPlays(page, selector) {
  const handle = page.locator(selector).first();
  await handle.waitFor({ state: "attached", timeout: 15000 });
  await page.waitForFunction(
    (sel) => {
      const v = document.querySelector(sel);
      return v && (v.readyState >= 2 || v.error);
    },
    selector,
    { timeout: 20000 },
  );
  const info = await page.evaluate(async (sel) => {
    const v = document.querySelector(sel);
    if (v.error) return { error: `MediaError ${v.error.code} ${v.error.message}` };
    v.muted = true;
    const t0 = v.currentTime;
    await v.play();
    await new Promise((r) => setTimeout(r, 700));
    const advanced = v.currentTime > t0;
    const readyState = v.readyState;
    v.pause();
    return { readyState, advanced, duration: v.duration, width: v.videoWidth, height: v.videoHeight };
  }, selector);
  assert(!info.error, `${selector}: ${info.error}`);
  assert(info.readyState >= 2 && info.advanced, `${selector} did not play: ${JSON.stringify(info)}`);
  return info;
}

export async function assertDownload(page, key, kind) {
  const link = page.locator(`[data-testid="download-panel"] a[data-output="${key}"]`);
  await link.waitFor({ timeout: 5000 });
  const href = await link.getAttribute("href");
  assert(await link.getAttribute("download"), `${key} link has no download attribute`);
  const url = new URL(href, page.url()).toString();
  const res = await page.request.get(url);
  assert(res.ok(), `${key}: GET ${href} answered ${res.status()}`);
  const type = res.headers()["content-type"] ?? "";
  const body = await res.body();
  if (kind === "mp4") {
    assert(type.startsWith("video/mp4"), `${key}: content-type ${type}`);
    assert(body.subarray(4, 8).toString("latin1") === "ftyp", `${key}: no ftyp box at byte 4`);
  } else if (kind === "wav") {
    assert(/audio\/(x-)?wav/.test(type), `${key}: content-type ${type}`);
    assert(body.subarray(0, 4).toString("latin1") === "RIFF" && body.subarray(8, 12).toString("latin1") === "WAVE", `${key}: not a WAV`);
  } else if (kind === "webm") {
    assert(type.startsWith("video/webm"), `${key}: content-type ${type}`);
    assert(body.subarray(0, 4).toString("hex") === "1a45dfa3", `${key}: no EBML header`);
  } else if (kind === "json") {
    assert(type.startsWith("application/json"), `${key}: content-type ${type}`);
    JSON.parse(body.toString("utf8"));
  } else if (kind === "zip") {
    assert(body.subarray(0, 2).toString("latin1") === "PK", `${key}: not a zip`);
  }
  return `${key} ${type} ${body.length} B`;
}

/** Waits for finite CSS transitions and animations (a toast sliding in) so the screenshot shows the settled page. */
export async function settle(page) {
  await page.evaluate(() =>
    Promise.race([
      Promise.all(
        document
          .getAnimations()
          .filter((a) => Number.isFinite(a.effect?.getComputedTiming().endTime))
          .map((a) => a.finished.catch(() => {})),
      ),
      new Promise((r) => setTimeout(r, 2000)),
    ]),
  );
}

export async function shot(page, name) {
  await settle(page);
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core on the page; serious or critical WCAG A/AA violations fail the flow. */
export async function checkAccessibility(page, label) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  const serious = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert(serious.length === 0, `${label}: accessibility violations:\n  ${serious.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.join(", ")}`).join("\n  ")}`);
  return result.map((v) => `${v.id}:${v.impact}`);
}

/** Drops a file on an element the way a person drags one from the desktop. */
export async function dropFile(page, selector, path, mimeType = "video/mp4") {
  const bytes = readFileSync(path).toString("base64");
  await page.evaluate(
    async ({ selector, bytes, name, mimeType }) => {
      const data = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([data], name, { type: mimeType }));
      const target = document.querySelector(selector);
      for (const type of ["dragenter", "dragover", "drop"]) {
        target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
      }
    },
    { selector, bytes, name: path.split("/").pop(), mimeType },
  );
}

export function checkProblems(page) {
  assert(page.problems.length === 0, `console/page errors:\n  ${page.problems.join("\n  ")}`);
}

/** The shortcuts dialog from the keyboard: opens on Enter, holds focus, passes axe, Escape returns focus. */
export async function checkShortcutsDialog(page) {
  const trigger = page.getByRole("button", { name: "Shortcuts" });
  await trigger.focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await dialog.waitFor({ timeout: 5000 });
  const focusInside = await dialog.evaluate((el) => el.contains(document.activeElement));
  assert(focusInside, "focus did not move into the shortcuts dialog");
  await page.keyboard.press("Tab");
  assert(await dialog.evaluate((el) => el.contains(document.activeElement)), "Tab left the open dialog");
  const rows = await page.getByTestId("shortcut-list").locator("dt").count();
  assert(rows >= 5, `shortcuts dialog lists ${rows} keys`);
  const shotPath = await shot(page, "click-0-shortcuts-dialog");
  const a11y = await checkAccessibility(page, "shortcuts dialog");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached", timeout: 5000 });
  assert(await trigger.evaluate((el) => el === document.activeElement), "focus did not return to the Shortcuts button");
  return { a11y, screenshot: shotPath };
}

/** A player button's tooltip shows on keyboard focus and names the key that does the same. */
export async function checkTooltip(page, buttonName, shortcut) {
  await page.getByRole("button", { name: buttonName }).focus();
  const tip = page.getByRole("tooltip");
  await tip.waitFor({ timeout: 5000 });
  const text = (await tip.innerText()).replace(/\s+/g, " ").trim();
  assert(text.includes(buttonName) && text.includes(shortcut), `tooltip of ${buttonName} says "${text}"`);
  await page.keyboard.press("Escape");
  await tip.waitFor({ state: "detached", timeout: 5000 });
  return text;
}
