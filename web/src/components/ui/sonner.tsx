// Toasts (sonner) themed like the rest of the kit; `notify` is the one way the app raises one.
import { Toaster as Sonner, toast } from "sonner";

export type ToastTone = "error" | "info" | "success";

const DURATION_MS: Record<ToastTone, number> = { error: 8000, info: 4000, success: 4000 };

/** Shows a message; the same message again refreshes its toast instead of stacking a second one. */
export function notify(message: string, tone: ToastTone = "error"): void {
  const show = tone === "error" ? toast.error : tone === "success" ? toast.success : toast.info;
  show(message, { id: message, duration: DURATION_MS[tone], testId: "toast" });
}

export function Toaster() {
  return (
    <Sonner
      theme="dark"
      position="bottom-right"
      visibleToasts={4}
      closeButton
      richColors
      containerAriaLabel="Notifications"
      toastOptions={{ classNames: { toast: "text-sm", closeButton: "focus-visible:outline-2 focus-visible:outline-ring" } }}
    />
  );
}
