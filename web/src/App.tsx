// Root: the query client and the toasts around the one studio page.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { Toaster } from "./components/ui/sonner";
import { Index } from "./pages/Index";

export function App() {
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false } } }));
  return (
    <QueryClientProvider client={client}>
      <Index />
      <Toaster />
    </QueryClientProvider>
  );
}
