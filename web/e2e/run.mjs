// End-to-end: the real `vtrack serve` (embedded engines) driven by headless Chromium.
//
//   npm run e2e                     all flows
//   npm run e2e -- click chat       only some flows (click, chat, remove, narrow, errors)
//
// Env: CHROMIUM (default /usr/bin/chromium), VTRACK_VENV (default ../.venv), E2E_CLIP (a video to
// use instead of generating one; E2E_CLICK="x,y" percent of its object), E2E_TIMEOUT_S per job,
// E2E_BASE_URL (test an already running studio instead of starting one), E2E_PROMPT (chat flow).
// The server is started on a free port with a fresh VTRACK_DATA_DIR and stopped at the end.
// Screenshots and the server log go to ../test-output/e2e/.
import { spawn, spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const WEB = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ROOT = resolve(WEB, "..");
const OUT = resolve(ROOT, "test-output/e2e");
const VENV = process.env.VTRACK_VENV ?? resolve(ROOT, ".venv");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const JOB_TIMEOUT_MS = Number(process.env.E2E_TIMEOUT_S ?? 240) * 1000;
const ALL_FLOWS = ["click", "chat", "remove", "narrow", "fps", "errors"];

const started = Date.now();
const log = (...args) => console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s]`, ...args);

// ---------------------------------------------------------------- helpers

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createNetServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

async function waitForHealth(base, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) return await res.json();
      lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError = String(err.cause?.code ?? err);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`server not healthy after ${timeoutMs / 1000}s (${lastError})`);
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

const MIME = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };

/** Serves web/dist and forwards /api and /uploads to the real server (same origin, SSE streamed). */
function startUiProxy(port, backendPort) {
  const dist = join(WEB, "dist");
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/uploads/")) {
      const upstream = httpRequest(
        { host: "127.0.0.1", port: backendPort, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on("error", () => {
        res.writeHead(502).end();
      });
      req.pipe(upstream);
      res.on("close", () => upstream.destroy());
      return;
    }
    let file = join(dist, decodeURIComponent(url.pathname));
    if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) file = join(dist, "index.html");
    res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  return new Promise((r) => server.listen(port, "127.0.0.1", () => r(server)));
}

// ---------------------------------------------------------------- page helpers

/** A page that records console errors and page errors; the flow fails if any appear. */
async function newCheckedPage(context, name) {
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

async function openStudio(page, base, clip) {
  await page.goto(base, { waitUntil: "domcontentloaded" });
  await page.getByRole("heading", { name: "VTrackAI Studio" }).waitFor();
  await page.getByText("Server ready").waitFor({ timeout: 15000 });
  await page.getByTestId("file-input").setInputFiles(clip);
  await page.waitForFunction(() => {
    const v = document.querySelector('[data-testid="source-video"]');
    return v && v.readyState >= 2 && v.videoWidth > 0;
  });
}

/** Client coordinates of (x%, y%) of the picture inside the object-fit: contain source video. */
async function framePointToClient(page, xPct, yPct) {
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


async function waitForTask(page, scope) {
  const status = page.getByTestId("processing-status");
  await status.waitFor({ timeout: 30000 });
  const seenSteps = new Set();
  const deadline = Date.now() + JOB_TIMEOUT_MS;
  for (;;) {
    const state = await status.getAttribute("data-status").catch(() => null);
    for (const s of await page.getByTestId("step").evaluateAll((els) => els.map((e) => `${e.textContent}`))) seenSteps.add(s);
    if (state === "complete") break;
    if (state === "error" || state === "cancelled") {
      const text = await status.innerText();
      throw new Error(`${scope} ended ${state}: ${text.replace(/\s+/g, " ")}`);
    }
    if (Date.now() > deadline) throw new Error(`${scope} still ${state} after ${JOB_TIMEOUT_MS / 1000}s`);
    await page.waitForTimeout(250);
  }
  return [...seenSteps];
}

async function assertVideoPlays(page, selector) {
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

async function assertDownload(page, key, kind) {
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
  } else if (kind === "zip") {
    assert(body.subarray(0, 2).toString("latin1") === "PK", `${key}: not a zip`);
  }
  return `${key} ${type} ${body.length} B`;
}

/** Waits for finite CSS transitions and animations (a toast sliding in) so the screenshot shows the settled page. */
async function settle(page) {
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

async function shot(page, name) {
  await settle(page);
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core on the page; serious or critical WCAG A/AA violations fail the flow. */
async function checkAccessibility(page, label) {
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
async function dropFile(page, selector, path, mimeType = "video/mp4") {
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

function checkProblems(page) {
  assert(page.problems.length === 0, `console/page errors:\n  ${page.problems.join("\n  ")}`);
}

// ---------------------------------------------------------------- flows

async function placeClick(page, clip, expectFrame = 0) {
  const target = await framePointToClient(page, clip.click[0], clip.click[1]);
  await page.mouse.click(target.x, target.y);
  await page.getByTestId("points-summary").filter({ hasText: `1 object point on frame ${expectFrame}` }).waitFor({ timeout: 5000 });
}

/** Submits a workflow; the studio asks for the async answer (RFC 7240) and follows the job itself. */
async function submitAndCheckFields(page, buttonName, endpoint) {
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url().includes(endpoint) && r.method() === "POST"),
    page.getByRole("button", { name: buttonName }).click(),
  ]);
  const prefer = request.headers()["prefer"];
  assert(prefer === "respond-async", `POST ${endpoint} sent Prefer: ${prefer}`);
  const response = await request.response();
  // RFC 7240: the preference is honoured with 202 Accepted and the task's Location.
  assert(response?.status() === 202, `POST ${endpoint} answered ${response?.status()}, not 202`);
  const location = (await response.allHeaders())["location"] ?? "";
  assert(/^\/api\/task\/\w+$/.test(location), `POST ${endpoint}: Location ${location}`);
  const sent = await page.evaluate((ep) => window.__sentForms.filter((f) => f.url.includes(ep)).pop(), endpoint);
  assert(sent, `no multipart POST to ${endpoint} was recorded`);
  return sent.fields;
}

/** The shortcuts dialog from the keyboard: opens on Enter, holds focus, passes axe, Escape returns focus. */
async function checkShortcutsDialog(page) {
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
async function checkTooltip(page, buttonName, shortcut) {
  await page.getByRole("button", { name: buttonName }).focus();
  const tip = page.getByRole("tooltip");
  await tip.waitFor({ timeout: 5000 });
  const text = (await tip.innerText()).replace(/\s+/g, " ").trim();
  assert(text.includes(buttonName) && text.includes(shortcut), `tooltip of ${buttonName} says "${text}"`);
  await page.keyboard.press("Escape");
  await tip.waitFor({ state: "detached", timeout: 5000 });
  return text;
}

const flows = {
  async click(ctx) {
    const page = await newCheckedPage(ctx.context, "click");
    await page.goto(ctx.base, { waitUntil: "domcontentloaded" });
    await page.getByText("Server ready").waitFor({ timeout: 15000 });
    const a11yEmpty = await checkAccessibility(page, "empty page");
    const dialog = await checkShortcutsDialog(page);
    await page.goto("about:blank");
    await openStudio(page, ctx.base, ctx.clip.path);
    const tooltip = await checkTooltip(page, "Next frame", ".");
    await placeClick(page, ctx.clip);
    const shotPoint = await shot(page, "click-1-point-placed");
    const fields = await submitAndCheckFields(page, "Track object", "/api/track-point");
    assert(Math.abs(Number(fields.x) - ctx.clip.click[0]) < 0.6, `sent x=${fields.x}, expected ≈${ctx.clip.click[0]}`);
    assert(Math.abs(Number(fields.y) - ctx.clip.click[1]) < 0.6, `sent y=${fields.y}, expected ≈${ctx.clip.click[1]}`);
    assert(fields.frame_idx === "0", `sent frame_idx=${fields.frame_idx}`);
    const steps = await waitForTask(page, "track-point");
    // Progress came over Server-Sent Events, with no fallback polling.
    const streams = page.apiCalls.filter((c) => c.endsWith("/events"));
    const polls = page.apiCalls.filter((c) => c.startsWith("GET") && !c.endsWith("/events"));
    assert(streams.length === 1 && polls.length === 0, `expected one event stream and no polling, saw ${JSON.stringify(page.apiCalls)}`);
    assert(steps.some((s) => s.endsWith(": running")), `no step was ever seen running: ${steps}`);
    const video = await assertVideoPlays(page, '[data-testid="result-video"]');
    const downloads = [await assertDownload(page, "masked_video_url", "mp4")];
    if (await page.locator('a[data-output="masks_url"]').count()) downloads.push(await assertDownload(page, "masks_url", "zip"));
    const done = await shot(page, "click-2-complete");
    const a11yDone = await checkAccessibility(page, "finished track");
    checkProblems(page);
    await page.close();
    return {
      sent: fields,
      steps,
      video,
      downloads,
      tooltip,
      a11y: { empty: a11yEmpty, dialog: dialog.a11y, done: a11yDone },
      screenshots: [dialog.screenshot, shotPoint, done],
    };
  },

  async chat(ctx) {
    const page = await newCheckedPage(ctx.context, "chat");
    await openStudio(page, ctx.base, ctx.clip.path);
    await page.getByRole("tab", { name: "Chat" }).click();
    const prompt = process.env.E2E_PROMPT ?? "isolate drums";
    await page.getByLabel("What should I find?").fill(prompt);
    const fields = await submitAndCheckFields(page, "Find and isolate", "/api/text-to-video");
    assert(fields.prompt === prompt, `sent prompt=${fields.prompt}`);
    const steps = await waitForTask(page, "text-to-video");
    await page.getByTestId("ai-response").scrollIntoViewIfNeeded();
    const response = (await page.getByTestId("ai-response").innerText({ timeout: 5000 })).trim();
    assert(response.length > 10, `ai_response looks empty: ${response}`);
    const video = await assertVideoPlays(page, '[data-testid="result-video"]');
    const downloads = [await assertDownload(page, "highlighted_video_url", "mp4")];
    if (await page.locator('a[data-output="audio_url"]').count()) {
      downloads.push(await assertDownload(page, "audio_url", "wav"));
      await page.waitForFunction(() => {
        const a = document.querySelector('[data-testid="result-audio"]');
        return a && (a.readyState >= 1 || a.error);
      });
      const audioOk = await page.evaluate(() => !document.querySelector('[data-testid="result-audio"]').error);
      assert(audioOk, "isolated audio failed to load in <audio>");
    }
    for (const key of ["stem_video_url"]) {
      if (await page.locator(`a[data-output="${key}"]`).count()) downloads.push(await assertDownload(page, key, "mp4"));
    }
    for (const key of ["complement_audio_url"]) {
      if (await page.locator(`a[data-output="${key}"]`).count()) downloads.push(await assertDownload(page, key, "wav"));
    }
    const done = await shot(page, "chat-complete");
    const a11y = await checkAccessibility(page, "finished chat");
    checkProblems(page);
    await page.close();
    return { sent: fields, steps, aiResponse: response, video, downloads, a11y, screenshots: [done] };
  },

  async remove(ctx) {
    const page = await newCheckedPage(ctx.context, "remove");
    await openStudio(page, ctx.base, ctx.clip.path);
    // Keyboard only this time: the tabs move with the arrow keys (roving focus), then the frame.
    await page.getByRole("tab", { name: "Click" }).focus();
    for (const next of ["Chat", "Remove"]) {
      await page.keyboard.press("ArrowRight");
      await page.waitForFunction((name) => document.activeElement?.textContent === name, next, { timeout: 5000 });
    }
    const removeTab = page.getByRole("tab", { name: "Remove" });
    assert((await removeTab.getAttribute("aria-selected")) === "true", "ArrowRight twice did not select the Remove tab");
    await page.getByRole("button", { name: "Remove object" }).waitFor();
    const target = page.getByTestId("click-target");
    await target.focus();
    const [cx, cy] = ctx.clip.click.map((v) => Math.round(v / 2) * 2); // the crosshair moves in 2 % steps
    const moves = [
      [cx > 50 ? "ArrowRight" : "ArrowLeft", Math.abs(cx - 50) / 2],
      [cy > 50 ? "ArrowDown" : "ArrowUp", Math.abs(cy - 50) / 2],
    ];
    for (const [key, n] of moves) for (let i = 0; i < n; i++) await page.keyboard.press(key);
    await page.keyboard.press("Enter");
    await page.getByTestId("points-summary").filter({ hasText: "1 object point on frame 0" }).waitFor({ timeout: 5000 });
    await page.getByTestId("crosshair").waitFor();
    const keyboardShot = await shot(page, "remove-1-keyboard-point");
    const fields = await submitAndCheckFields(page, "Remove object", "/api/remove-object");
    assert(Math.abs(Number(fields.x) - ctx.clip.click[0]) < 1.5, `sent x=${fields.x}, expected ≈${ctx.clip.click[0]}`);
    assert(Math.abs(Number(fields.y) - ctx.clip.click[1]) < 1.5, `sent y=${fields.y}, expected ≈${ctx.clip.click[1]}`);
    const steps = await waitForTask(page, "remove-object");
    const video = await assertVideoPlays(page, '[data-testid="result-video"]');
    const downloads = [await assertDownload(page, "inpainted_video_url", "mp4")];
    const done = await shot(page, "remove-2-complete");
    checkProblems(page);
    await page.close();
    return { sent: fields, steps, video, downloads, screenshots: [keyboardShot, done] };
  },

  /** A 390 px phone screen: nothing overflows sideways and a point can be placed and tracked. */
  async narrow(ctx) {
    const context = await ctx.browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
    const page = await newCheckedPage(context, "narrow");
    try {
      await page.goto(ctx.base, { waitUntil: "domcontentloaded" });
      await page.getByText("Server ready").waitFor({ timeout: 15000 });
      await dropFile(page, '[data-testid="drop-zone"]', ctx.clip.path);
      await page.waitForFunction(() => {
        const v = document.querySelector('[data-testid="source-video"]');
        return v && v.readyState >= 2 && v.videoWidth > 0;
      });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflow <= 0, `page scrolls sideways by ${overflow}px at 390px`);
      const target = await framePointToClient(page, ctx.clip.click[0], ctx.clip.click[1]);
      await page.mouse.click(target.x, target.y);
      await page.getByTestId("points-summary").filter({ hasText: "1 object point" }).waitFor({ timeout: 5000 });
      const fields = await submitAndCheckFields(page, "Track object", "/api/track-point");
      // At DPR 3 the percentages must be the same as at DPR 1.
      assert(Math.abs(Number(fields.x) - ctx.clip.click[0]) < 1.5, `sent x=${fields.x} at DPR 3`);
      await waitForTask(page, "track-point (narrow)");
      await assertVideoPlays(page, '[data-testid="result-video"]');
      const overflowAfter = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert(overflowAfter <= 0, `result page scrolls sideways by ${overflowAfter}px at 390px`);
      const done = await shot(page, "narrow-390-complete");
      checkProblems(page);
      return { sent: fields, screenshots: [done] };
    } finally {
      await context.close();
    }
  },

  /** A 30 fps clip: the rate is read from the video, a later frame's index is sent, Cancel works. */
  async fps(ctx) {
    const clip30 = join(ctx.tmp, "clip30.mp4");
    const made = spawnSync(join(VENV, "bin/python"), ["-m", "vtrack.testing.make_clip", clip30, "--fps", "30"], { cwd: ROOT, encoding: "utf8" });
    assert(made.status === 0, `make_clip --fps 30 failed:\n${made.stderr}`);
    const page = await newCheckedPage(ctx.context, "fps");
    await openStudio(page, ctx.base, clip30);
    await page.getByTestId("fps-readout").filter({ hasText: "30 fps" }).waitFor({ timeout: 8000 });
    for (let i = 0; i < 15; i++) {
      await page.getByRole("button", { name: "Next frame" }).click();
      await page.getByTestId("frame-readout").filter({ hasText: `frame ${i + 1}/` }).waitFor({ timeout: 3000 });
    }
    await page.waitForFunction(() => document.querySelector('[data-testid="source-video"]').readyState >= 2);
    const target = await framePointToClient(page, 50, 50);
    await page.mouse.click(target.x, target.y);
    await page.getByTestId("points-summary").filter({ hasText: "on frame 15" }).waitFor({ timeout: 5000 });
    const fields = await submitAndCheckFields(page, "Track object", "/api/track-point");
    assert(fields.frame_idx === "15", `sent frame_idx=${fields.frame_idx}, expected 15`);
    const status = page.getByTestId("processing-status");
    await status.waitFor();
    let outcome = await status.getAttribute("data-status");
    if (outcome !== "complete") {
      await page.getByRole("button", { name: "Cancel" }).click();
      await page.locator('[data-testid="processing-status"][data-status="cancelled"], [data-testid="processing-status"][data-status="complete"]').waitFor({ timeout: 30000 });
      outcome = await status.getAttribute("data-status");
    }
    const done = await shot(page, "fps-30-cancelled");
    checkProblems(page);
    await page.close();
    return { sent: fields, outcome, screenshots: [done] };
  },

  /** The server's own messages reach the person as toasts. */
  async errors(ctx) {
    const page = await newCheckedPage(ctx.context, "errors");
    await openStudio(page, ctx.base, ctx.clip.path);
    // A prompt the server cannot ground: the task ends in error and its message is shown.
    await page.getByRole("tab", { name: "Chat" }).click();
    await page.getByLabel("What should I find?").fill("a unicorn");
    await page.getByRole("button", { name: "Find and isolate" }).click();
    await page.locator('[data-testid="processing-status"][data-status="error"]').waitFor({ timeout: JOB_TIMEOUT_MS });
    const taskError = await page.getByTestId("processing-status").getByRole("alert").innerText();
    assert(/unicorn/.test(taskError), `task error does not mention the prompt: ${taskError}`);
    // Shown once, in the panel, not again in a toast on top of it.
    assert((await page.getByTestId("toast").filter({ hasText: "unicorn" }).count()) === 0, "task error also toasted");
    const chatShot = await shot(page, "errors-chat-unknown-prompt");
    await page.getByRole("tab", { name: "Click" }).click();
    // A client-side refusal: not a video.
    await page.getByTestId("file-input").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") });
    const local = await page.getByTestId("toast").filter({ hasText: "not a video" }).innerText({ timeout: 5000 });
    // A server-side refusal: a file that claims to be MP4 but is not one (client checks pass).
    await page.getByTestId("file-input").setInputFiles({ name: "fake.mp4", mimeType: "video/mp4", buffer: Buffer.from("definitely not a video".repeat(50)) });
    await page.getByTestId("preview-failed").waitFor({ timeout: 5000 });
    await page.getByTestId("click-target").focus();
    await page.keyboard.press("Enter");
    // The browser cannot decode it either: it logs nothing, but the server must refuse it.
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().includes("/api/track-point")),
      page.getByRole("button", { name: "Track object" }).click(),
    ]);
    const status = res.status();
    assert(status >= 400 && status < 500, `fake.mp4 answered ${status}`);
    const detail = (await res.json()).detail;
    const toast = page.getByTestId("toast").filter({ hasText: detail.slice(0, 40) });
    await toast.waitFor({ timeout: 5000 });
    const done = await shot(page, "errors-toast");
    // The 4xx itself is logged by Chromium as a failed resource load; that one is expected.
    page.problems = page.problems.filter((p) => !(p.includes("status of 4") && p.includes("/api/track-point")));
    checkProblems(page);
    await page.close();
    return { taskError, local, server: `${status} ${detail}`, screenshots: [chatShot, done] };
  },
};

// ---------------------------------------------------------------- main

/** Starts `vtrack serve` on a free port with a fresh data dir; returns the URL the browser uses. */
async function startServerAndUi(tmp, cleanup) {
  const port = await freePort();
  const dataDir = join(tmp, "data");
  const serverLog = join(OUT, "server.log");
  writeFileSync(serverLog, "");
  const server = spawn(join(VENV, "bin/vtrack"), ["serve", "--host", "127.0.0.1", "--port", String(port)], {
    cwd: ROOT,
    env: { ...process.env, VTRACK_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logChunks = [];
  server.stdout.on("data", (d) => logChunks.push(d));
  server.stderr.on("data", (d) => logChunks.push(d));
  cleanup.push(async () => {
    if (server.exitCode === null) {
      server.kill("SIGTERM");
      await Promise.race([new Promise((r) => server.once("exit", r)), new Promise((r) => setTimeout(r, 8000))]);
      if (server.exitCode === null) server.kill("SIGKILL");
    }
    writeFileSync(serverLog, Buffer.concat(logChunks));
  });
  const backend = `http://127.0.0.1:${port}`;
  const health = await waitForHealth(backend, server, 90000);
  log(`server up on ${backend}: engines ${JSON.stringify(health.active)} device ${health.device}`);

  // Test the production path (FastAPI serving the build) when its static copy is this build;
  // otherwise serve this build ourselves in front of the same server.
  const staticIndex = join(ROOT, "vtrack/api/static/index.html");
  const sameBuild = existsSync(staticIndex) && readFileSync(staticIndex, "utf8") === readFileSync(join(WEB, "dist/index.html"), "utf8");
  let base = backend;
  if (!sameBuild) {
    const uiPort = await freePort();
    const proxy = await startUiProxy(uiPort, port);
    cleanup.push(() => {
      proxy.closeAllConnections();
      return new Promise((r) => proxy.close(r));
    });
    base = `http://127.0.0.1:${uiPort}`;
    log(`UI from web/dist via ${base} (vtrack/api/static is not this build; 'make web' copies it)`);
  } else {
    log("UI served by FastAPI from vtrack/api/static");
  }
  return base;
}


async function main() {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const selected = wanted.length ? wanted : ALL_FLOWS;
  for (const f of selected) if (!flows[f]) throw new Error(`unknown flow ${f}; known: ${ALL_FLOWS.join(", ")}`);
  mkdirSync(OUT, { recursive: true });
  for (const f of readdirSync(OUT)) if (f.endsWith(".png")) rmSync(join(OUT, f));
  assert(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM)`);
  assert(existsSync(join(VENV, "bin/vtrack")), `no ${VENV}/bin/vtrack: run 'make setup' first`);

  log("building the UI");
  const build = spawnSync("npm", ["run", "--silent", "build"], { cwd: WEB, stdio: ["ignore", "pipe", "inherit"] });
  assert(build.status === 0, "npm run build failed");

  const tmp = mkdtempSync(join(tmpdir(), "vtrack-e2e-"));
  const cleanup = [];
  let failures = 0;
  try {
    // The test clip, with the click on its object.
    let clip;
    if (process.env.E2E_CLIP) {
      clip = { path: resolve(process.env.E2E_CLIP), click: (process.env.E2E_CLICK ?? "50,50").split(",").map(Number) };
    } else {
      const out = join(tmp, "clip.mp4");
      const made = spawnSync(join(VENV, "bin/python"), ["-m", "vtrack.testing.make_clip", out], { cwd: ROOT, encoding: "utf8" });
      assert(made.status === 0, `make_clip failed:\n${made.stderr}`);
      const m = /click_pct=([\d.]+),([\d.]+)/.exec(made.stdout);
      clip = { path: out, click: m ? [Number(m[1]), Number(m[2])] : [50, 50] };
    }
    log(`clip ${clip.path}, object at ${clip.click.join("%, ")}%`);

    let base;
    if (process.env.E2E_BASE_URL) {
      // An already running studio (e.g. `make run`): test it as it is, UI included.
      base = process.env.E2E_BASE_URL.replace(/\/+$/, "");
      const health = await (await fetch(`${base}/api/health`)).json();
      log(`using the running server at ${base}: engines ${JSON.stringify(health.active)}`);
    } else {
      base = await startServerAndUi(tmp, cleanup);
    }

    // launch() gives every run a fresh temporary profile (user-data-dir) and removes it after.
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--autoplay-policy=no-user-gesture-required",
      ],
    });
    cleanup.unshift(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const ctx = { context, browser, base, clip, tmp };

    const results = [];
    for (const name of selected) {
      const t0 = Date.now();
      log(`flow ${name} …`);
      try {
        const detail = await flows[name](ctx);
        results.push({ name, ok: true, s: (Date.now() - t0) / 1000, detail });
        log(`flow ${name} passed in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      } catch (err) {
        failures += 1;
        results.push({ name, ok: false, s: (Date.now() - t0) / 1000, error: String(err.stack ?? err) });
        log(`flow ${name} FAILED: ${err.message}`);
        for (const page of context.pages()) {
          await page.screenshot({ path: join(OUT, `FAILED-${name}.png`), fullPage: true }).catch(() => {});
          await page.close().catch(() => {});
        }
      }
    }
    writeFileSync(join(OUT, "results.json"), JSON.stringify(results, null, 2));
    console.log("\n" + results.map((r) => `${r.ok ? "PASS" : "FAIL"}  ${r.name.padEnd(7)} ${r.s.toFixed(1)}s`).join("\n"));
    for (const r of results) if (!r.ok) console.log(`\n--- ${r.name}\n${r.error}`);
    console.log(`\ne2e took ${((Date.now() - started) / 1000).toFixed(1)}s; screenshots in ${OUT}`);
    // The summary alone on the last line, in the plain "N passed, N failed" form CI reads.
    console.log(`e2e: ${results.length - failures} passed, ${failures} failed`);
  } finally {
    for (const fn of cleanup) await Promise.resolve().then(fn).catch(() => {});
    rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(failures ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
