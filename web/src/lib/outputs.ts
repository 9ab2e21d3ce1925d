// The files a finished task offers, labelled for people: the labels come from the schema (RESULT_FILES).
import { RESULT_FILES } from "./api-schema";
import { apiUrl, type TaskResult } from "./api";

export type OutputKind = "video" | "audio" | "archive";

export interface Output {
  key: (typeof RESULT_FILES)[number]["key"];
  label: string;
  kind: OutputKind;
  url: string;
  filename: string;
}

const KIND_BY_EXTENSION: Record<string, OutputKind> = { mp4: "video", webm: "video", mov: "video", wav: "audio", mp3: "audio", flac: "audio" };
const KIND_ORDER: OutputKind[] = ["video", "audio", "archive"];

function fileName(url: string): string {
  return decodeURIComponent(url.split("?")[0].split("/").pop() || "");
}

/** Every output present in `result`: videos, then sounds, then archives, each in the schema's order. */
export function outputsOf(result: TaskResult | undefined): Output[] {
  if (!result) return [];
  const found: Output[] = [];
  for (const { key, label } of RESULT_FILES) {
    const value = result[key];
    if (typeof value !== "string" || !value) continue;
    const filename = fileName(value) || key;
    const kind = KIND_BY_EXTENSION[filename.split(".").pop()?.toLowerCase() ?? ""] ?? "archive";
    found.push({ key, label, kind, url: apiUrl(value), filename });
  }
  return found.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
}
