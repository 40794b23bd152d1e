import { QueryClient } from '@tanstack/react-query';
import { ApiError } from '@/api';

/** Server state lives here; retries only what may succeed later (network drops, 5xx). */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      refetchOnWindowFocus: false,
      retry: (count, err) => (err instanceof ApiError ? (err.isNetwork || err.status >= 500) && count < 3 : count < 1),
    },
    mutations: { retry: false },
  },
});
