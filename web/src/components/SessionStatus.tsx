// Where the session stands: the upload being prepared (sent and decoded once), then what it holds.
import type { SessionInfo } from "../lib/session-api";

export function SessionStatus({ creating, info }: { creating: boolean; info: SessionInfo | null }) {
  if (!creating && !info) return null;
  return (
    <div role="status" className="text-xs text-muted-foreground" data-testid="session-status" data-ready={!!info}>
      {info ? (
        <>
          Ready: {info.frame_count} frames at {info.width}×{info.height}
          {info.has_audio ? ", with sound" : ", no sound"}.
          {info.notices.map((n) => (
            <span key={n} className="block text-amber-200">
              {n}
            </span>
          ))}
        </>
      ) : (
        "Preparing the video (uploading, decoding its frames once)…"
      )}
    </div>
  );
}
