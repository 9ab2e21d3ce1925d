// HTTP plumbing typed by the generated schema: which paths and methods exist, what each answers,
// and the server's `detail` turned into an error a person can read.
import type { paths } from "./api-schema";

export const API_BASE: string = (import.meta.env.VITE_API_URL ?? "").replace(/\/+$/, "");

export type ApiPath = keyof paths;
type Method = "get" | "post" | "patch" | "delete";
/** The methods a path really has (the schema marks the others `?: never`). */
export type MethodOf<P extends ApiPath> = { [M in Method]: paths[P][M] extends undefined ? never : M }[Method];
type Operation<P extends ApiPath, M extends MethodOf<P>> = NonNullable<paths[P][M]>;
type JsonOf<R> = R extends { content: { "application/json": infer T } } ? T : never;
type Responses<O> = O extends { responses: infer R } ? R : never;

/** The JSON a successful (2xx) answer of `M P` carries, from the schema (null for 204 No Content). */
export type ResponseOf<P extends ApiPath, M extends MethodOf<P>> = {
  [S in keyof Responses<Operation<P, M>>]: S extends 200 | 201 | 202 ? JsonOf<Responses<Operation<P, M>>[S]> : S extends 204 ? null : never;
}[keyof Responses<Operation<P, M>>];

/** The JSON body `M P` takes, from the schema. */
export type JsonBodyOf<P extends ApiPath, M extends MethodOf<P>> = Operation<P, M> extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : never;

/** The query parameters `M P` takes, from the schema. */
export type QueryOf<P extends ApiPath, M extends MethodOf<P>> = Operation<P, M> extends { parameters: { query?: infer Q } }
  ? NonNullable<Q>
  : never;

/** The multipart form a POST takes, from the schema (a file field is a Blob). */
export type FormOf<P extends ApiPath> = paths[P]["post"] extends { requestBody: { content: { "multipart/form-data": infer F } } }
  ? F
  : never;

/** `{task_id}` in a path template becomes a required `task_id` parameter. */
export type PathParams<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? { [K in Name]: string | number } & PathParams<Rest>
  : unknown;

/** An HTTP failure carrying the server's `detail` (already phrased for a person). */
export class ApiError extends Error {
  readonly status: number;
  /** Prompts the server can ground instead (422 "prompt not understood"). */
  readonly suggestions: string[];
  constructor(status: number, message: string, suggestions: string[] = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.suggestions = suggestions;
  }
}

const FALLBACK_MESSAGES: Record<number, string> = {
  400: "The server could not use this request.",
  404: "Not found on the server.",
  413: "The video is too large for the server.",
  415: "This file is not a video the server can read.",
  422: "The server did not understand the request.",
  429: "The server is busy. Try again in a moment.",
  503: "The server is busy. Try again in a moment.",
};

/** Turns `{"detail": ...}` (a string, or a list of validation errors) into one sentence. */
export function describeError(status: number, body: unknown): string {
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (typeof detail === "string" && detail.trim()) return detail;
  if (Array.isArray(detail) && detail.length > 0) {
    return detail
      .map((d) => {
        const item = d as { msg?: string; loc?: unknown[] };
        const field = Array.isArray(item.loc) ? item.loc.filter((p) => p !== "body").join(".") : "";
        return field ? `${field}: ${item.msg ?? "invalid"}` : (item.msg ?? "invalid input");
      })
      .join("; ");
  }
  return FALLBACK_MESSAGES[status] ?? `The server answered ${status}.`;
}

/** An absolute-or-relative URL for a path the API returned (`/uploads/...`) or an endpoint. */
export function apiUrl(path: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return path;
  return `${API_BASE}${path.startsWith("/") ? "" : "/"}${path}`;
}

/** A path template with its parameters filled in (each one URL-encoded). */
export function pathOf<P extends ApiPath>(template: P, params: PathParams<P>): string {
  const values = params as Record<string, string | number>;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(values[name])));
}

export async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(apiUrl(path), { ...init, headers: { Accept: "application/json", ...init?.headers } });
  } catch {
    throw new ApiError(0, "Cannot reach the VTrackAI server. Is it running?");
  }
  const text = await response.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!response.ok) {
    const suggestions = (body as { suggestions?: unknown } | null)?.suggestions;
    throw new ApiError(
      response.status,
      describeError(response.status, body),
      Array.isArray(suggestions) ? suggestions.filter((s): s is string => typeof s === "string") : [],
    );
  }
  return body as T;
}

type HasParams<P extends string> = P extends `${string}{${string}}${string}` ? true : false;

type CallOptions<P extends ApiPath, M extends MethodOf<P>> = {
  form?: FormOf<P>;
  json?: JsonBodyOf<P, M>;
  query?: QueryOf<P, M>;
  headers?: Record<string, string>;
} & (HasParams<P> extends true ? { params: PathParams<P> } : { params?: never });

/** Options are required exactly when the path has parameters to fill. */
type CallArgs<P extends ApiPath, M extends MethodOf<P>> = HasParams<P> extends true
  ? [options: CallOptions<P, M>]
  : [options?: CallOptions<P, M>];

type LooseOptions = {
  params?: Record<string, string | number>;
  form?: Record<string, unknown>;
  json?: unknown;
  query?: Record<string, string | number | boolean | null | undefined>;
  headers?: Record<string, string>;
};

/** `?name=value` for the query parameters given (absent ones left out). */
export function queryString(query: LooseOptions["query"]): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== null && value !== undefined) search.append(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** Calls `method template` as the schema declares it and returns its typed answer: a multipart
 * `form` or a `json` body, `query` parameters, path `params`. */
export function call<P extends ApiPath, M extends MethodOf<P>>(method: M, template: P, ...[options]: CallArgs<P, M>): Promise<ResponseOf<P, M>> {
  const { params, form, json, query, headers } = (options ?? {}) as LooseOptions;
  const path = (params ? pathOf(template, params as PathParams<P>) : template) + queryString(query);
  const body = form ? toFormData(form) : json !== undefined ? JSON.stringify(json) : undefined;
  return request<ResponseOf<P, M>>(path, {
    method: method.toUpperCase(),
    headers: json !== undefined ? { "Content-Type": "application/json", ...headers } : headers,
    body,
  });
}

/** Multipart fields: files as files, numbers as their decimal text; absent (null/undefined) fields left out. */
export function toFormData(fields: Record<string, unknown>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === null || value === undefined) continue;
    if (value instanceof Blob) form.append(name, value, (value as File).name || `${name}.bin`);
    else form.append(name, String(value));
  }
  return form;
}
