// Client-side checks of a picked file, before anything is uploaded (the server checks again).

export interface UploadLimits {
  maxUploadMb: number;
  maxDurationS: number;
  formats: string[];
}

export const DEFAULT_LIMITS: UploadLimits = {
  maxUploadMb: 100,
  maxDurationS: 10,
  formats: ["mp4", "webm", "mov", "avi", "mkv"],
};

const VIDEO_EXTENSIONS = ["mp4", "m4v", "webm", "mov", "avi", "mkv", "ogv"];

/** Returns a message for a person when the file cannot be used, else null. */
export function checkVideoFile(file: File, limits: UploadLimits = DEFAULT_LIMITS): string | null {
  const ext = file.name.includes(".") ? file.name.split(".").pop()!.toLowerCase() : "";
  const allowed = new Set([...limits.formats.map((f) => f.toLowerCase().replace(/^\./, "")), ...VIDEO_EXTENSIONS]);
  const looksLikeVideo = file.type.startsWith("video/") || (!file.type && allowed.has(ext)) || allowed.has(ext);
  if (!looksLikeVideo) {
    return `“${file.name}” is not a video. Use ${limits.formats.map((f) => f.toUpperCase()).join(", ")}.`;
  }
  if (file.size === 0) return `“${file.name}” is empty.`;
  const maxBytes = limits.maxUploadMb * 1024 * 1024;
  if (file.size > maxBytes) {
    return `“${file.name}” is ${(file.size / (1024 * 1024)).toFixed(1)} MB; the limit is ${limits.maxUploadMb} MB.`;
  }
  return null;
}
