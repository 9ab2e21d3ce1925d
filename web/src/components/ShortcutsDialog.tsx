// The keyboard shortcuts of the video frame, in a dialog any page part can open.
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "./ui/dialog";
import { Button } from "./ui/button";

export const SHORTCUTS: { keys: string[]; action: string }[] = [
  { keys: ["←", "→", "↑", "↓"], action: "Move the crosshair (with Shift: bigger steps)" },
  { keys: ["Enter"], action: "Place a point on the object" },
  { keys: ["Shift", "Enter"], action: "Place a “not this” point" },
  { keys: ["Space"], action: "Play or pause" },
  { keys: [","], action: "Previous frame" },
  { keys: ["."], action: "Next frame" },
];

export function ShortcutsDialog() {
  return (
    <Dialog>
      <DialogTrigger asChild>
        <Button variant="ghost" size="sm">
          Shortcuts
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Keyboard shortcuts</DialogTitle>
          <DialogDescription>Focus the video frame (Tab) first; the tabs move with the arrow keys.</DialogDescription>
        </DialogHeader>
        <dl className="grid grid-cols-[auto_1fr] items-center gap-x-4 gap-y-2 text-sm" data-testid="shortcut-list">
          {SHORTCUTS.map(({ keys, action }) => (
            <div key={action} className="contents">
              <dt className="flex gap-1">
                {keys.map((k) => (
                  <kbd key={k} className="rounded border border-input bg-secondary px-1.5 py-0.5 font-mono text-xs">
                    {k}
                  </kbd>
                ))}
              </dt>
              <dd className="text-muted-foreground">{action}</dd>
            </div>
          ))}
        </dl>
      </DialogContent>
    </Dialog>
  );
}
