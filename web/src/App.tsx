// Root: query client and toasts around the one studio page.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { ToastProvider } from "./components/Toaster";
import { Index } from "./pages/Index";

export function App() {
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false } } }));
  return (
    <QueryClientProvider client={client}>
      <ToastProvider>
        <Index />
      </ToastProvider>
    </QueryClientProvider>
  );
}
