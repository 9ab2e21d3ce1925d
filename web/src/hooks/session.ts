// One editing session on TanStack Query: the upload (POST /api/sessions), its objects, each click's
// mask at once (latest click wins per object and frame), the masks known so far, the text prompt.
import { useCallback, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { PromptPoint } from "../lib/api";
import { MaskCache } from "../lib/mask-cache";
import { draftObject, fromServer, nextObjectId, pointsKey, type StudioObject } from "../lib/objects";
import { sessionApi, type SessionInfo, type TextAnswer } from "../lib/session-api";
import { usePromptSender } from "./prompt-sender";

export const sessionKey = (sessionId: string) => ["session", sessionId] as const;

/** The API takes 1 to 32 points per object and frame. */
export const MAX_POINTS = 32;

export type SessionErrorHandler = (message: string) => void;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The objects the studio shows: the server's, then those added here without a click yet. */
function useObjects(sessionId: string | null, onError: SessionErrorHandler) {
  const client = useQueryClient();
  const detail = useQuery({
    queryKey: sessionKey(sessionId ?? ""),
    queryFn: () => sessionApi.get(sessionId!),
    enabled: !!sessionId,
    staleTime: Infinity,
  });
  const [drafts, setDrafts] = useState<StudioObject[]>([]);
  const [looks, setLooks] = useState<Record<number, { name?: string; color?: string }>>({});
  const objects = useMemo(() => {
    const saved = (detail.data?.objects ?? []).map(fromServer);
    const ids = new Set(saved.map((o) => o.id));
    const all = [...saved, ...drafts.filter((d) => !ids.has(d.id))].sort((a, b) => a.id - b.id);
    return all.map((o) => ({ ...o, ...looks[o.id] }));
  }, [detail.data, drafts, looks]);
  const refresh = useCallback(
    () => (sessionId ? client.invalidateQueries({ queryKey: sessionKey(sessionId) }) : Promise.resolve()),
    [client, sessionId],
  );
  const saveLook = useCallback(
    async (id: number, look: { name?: string; color?: string }) => {
      setLooks((prev) => ({ ...prev, [id]: { ...prev[id], ...look } }));
      if (!sessionId || !detail.data?.objects.some((o) => o.object_id === id)) return;
      try {
        await sessionApi.updateObject(sessionId, id, look);
        await refresh();
      } catch (error) {
        onError(messageOf(error));
      }
    },
    [sessionId, detail.data, refresh, onError],
  );
  return { detail, objects, drafts, setDrafts, looks, setLooks, refresh, saveLook };
}

export function useStudioSession(onError: SessionErrorHandler) {
  const [file, setFile] = useState<File | null>(null);
  const [info, setInfo] = useState<SessionInfo | null>(null);
  const [masks] = useState(() => new MaskCache());
  useSyncExternalStore(masks.subscribe, masks.getVersion);
  const sessionId = info?.session_id ?? null;
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;
  const report = useCallback((message: string) => onErrorRef.current(message), []);

  const { detail, objects, setDrafts, looks, setLooks, refresh, saveLook } = useObjects(sessionId, report);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [points, setPoints] = useState<Record<string, PromptPoint[]>>({});

  const fileRef = useRef<File | null>(null);
  const creation = useMutation({
    mutationFn: (video: File) => sessionApi.create(video),
    onSuccess: (created, video) => {
      if (fileRef.current === video) setInfo(created);
      else sessionApi.remove(created.session_id).catch(() => {}); // a newer file was picked meanwhile
    },
    onError: (error) => report(messageOf(error)),
  });

  /** A new video: the old session is deleted, a new one uploaded. */
  const open = useCallback(
    (picked: File) => {
      if (sessionId) sessionApi.remove(sessionId).catch(() => {});
      fileRef.current = picked;
      setFile(picked);
      setInfo(null);
      setDrafts([]);
      setLooks({});
      setPoints({});
      setSelectedId(null);
      masks.clear();
      creation.mutate(picked);
    },
    [sessionId, creation, masks, setDrafts, setLooks],
  );

  // An object's first mask makes it the server's: give it the name and colour shown here. Every
  // answer changes what the server says of it (its prompts, whether it is tracked): read it again.
  const onSaved = useCallback(
    async (id: number, wasSaved: boolean) => {
      const shown = objects.find((o) => o.id === id) ?? draftObject(id);
      if (!wasSaved && sessionId) await sessionApi.updateObject(sessionId, id, { name: shown.name, color: shown.color }).catch(() => {});
      await refresh();
    },
    [objects, sessionId, refresh],
  );
  const sender = usePromptSender(sessionId, masks, setPoints, report, onSaved);

  const addObject = useCallback(() => {
    const id = nextObjectId(objects);
    if (id === null) return report("No more objects fit in this session; delete one first.");
    setDrafts((prev) => [...prev, draftObject(id)]);
    setSelectedId(id);
    return id;
  }, [objects, report, setDrafts]);

  const addPoint = useCallback(
    (point: PromptPoint, frameIdx: number) => {
      let id = objects.some((o) => o.id === selectedId) ? selectedId : null;
      if (id === null) id = addObject() ?? null;
      if (id === null) return;
      const key = pointsKey(id, frameIdx);
      const list = [...(points[key] ?? []), point];
      if (list.length > MAX_POINTS) return report(`Up to ${MAX_POINTS} points per object on a frame; undo some first.`);
      setPoints((prev) => ({ ...prev, [key]: list }));
      sender.send(id, frameIdx, list, objects.find((o) => o.id === id)?.saved ?? false);
    },
    [objects, selectedId, addObject, points, sender, report],
  );

  const deleteObject = useCallback(
    async (id: number) => {
      const saved = objects.find((o) => o.id === id)?.saved;
      if (saved && sessionId) {
        try {
          await sessionApi.deleteObject(sessionId, id);
        } catch (error) {
          return report(messageOf(error));
        }
      }
      masks.dropObject(id);
      setDrafts((prev) => prev.filter((d) => d.id !== id));
      setPoints((prev) => Object.fromEntries(Object.entries(prev).filter(([k]) => !k.startsWith(`${id}:`))));
      if (selectedId === id) setSelectedId(null);
      await refresh();
    },
    [objects, sessionId, masks, setDrafts, selectedId, refresh, report],
  );

  /** Takes the last point (or all) off the selected object on a frame; none left: the object starts over. */
  const removePoints = useCallback(
    async (frameIdx: number, all: boolean) => {
      const obj = objects.find((o) => o.id === selectedId);
      if (!obj) return;
      const key = pointsKey(obj.id, frameIdx);
      const list = all ? [] : (points[key] ?? []).slice(0, -1);
      if (list.length > 0) {
        setPoints((prev) => ({ ...prev, [key]: list }));
        return sender.send(obj.id, frameIdx, list, true);
      }
      if (obj.promptFrames.some((f) => f !== frameIdx)) {
        return report("This object has clicks on other frames too: add a point here, or delete the object to start over.");
      }
      const look = { name: obj.name, color: obj.color };
      await deleteObject(obj.id);
      setDrafts((prev) => [...prev, { ...draftObject(obj.id), ...look }]);
      setSelectedId(obj.id);
    },
    [objects, selectedId, points, sender, deleteObject, report, setDrafts],
  );

  const text = useMutation({
    mutationFn: (prompt: string) => sessionApi.text(sessionId!, prompt),
    onSuccess: async (answer: TextAnswer) => {
      for (const found of answer.objects) {
        masks.set(found.frame_idx, found.object_id, found.mask);
        const color = looks[found.object_id]?.color ?? draftObject(found.object_id).color;
        await sessionApi.updateObject(sessionId!, found.object_id, { color }).catch(() => {});
      }
      if (answer.objects.length) setSelectedId(answer.objects[0].object_id);
      await refresh();
    },
  });

  return {
    file,
    info,
    sessionId,
    creating: creation.isPending,
    detail: detail.data ?? null,
    objects,
    selectedId,
    select: setSelectedId,
    addObject,
    deleteObject,
    rename: (id: number, name: string) => saveLook(id, { name }),
    recolor: (id: number, color: string) => saveLook(id, { color }),
    masks,
    pointsOn: (objectId: number, frameIdx: number) => points[pointsKey(objectId, frameIdx)] ?? [],
    points,
    addPoint,
    undoPoint: (frameIdx: number) => removePoints(frameIdx, false),
    clearPoints: (frameIdx: number) => removePoints(frameIdx, true),
    previewPending: sender.pending,
    open,
    refresh,
    text,
  };
}

export type StudioSession = ReturnType<typeof useStudioSession>;
