// Class names: conditional joining (clsx) with later Tailwind classes overriding earlier ones (tailwind-merge),
// so a component's `className` prop can adjust the kit's defaults.
import { clsx, type ClassValue } from "clsx";
import { twMerge } from "tailwind-merge";

export function cn(...inputs: ClassValue[]): string {
  return twMerge(clsx(inputs));
}
