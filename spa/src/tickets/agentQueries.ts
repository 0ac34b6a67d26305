// Server data only the console needs: the directory, teams, saved replies, ticket pages.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import { keys } from '../api/queries';
import type { SavedReply, Team, TicketPage, User } from '../api/types';

export function useUsers() {
  return useQuery({
    queryKey: keys.users,
    queryFn: () => api<{ items: User[] }>('/users', { query: { limit: 100 } }),
    select: (d) => d.items,
    staleTime: 300_000,
  });
}

export function useTeams() {
  return useQuery({
    queryKey: keys.teams,
    queryFn: () => api<{ items: Team[] }>('/teams'),
    select: (d) => d.items,
    staleTime: 300_000,
  });
}

export function useSavedReplies() {
  return useQuery({
    queryKey: keys.savedReplies,
    queryFn: () => api<{ items: SavedReply[] }>('/saved-replies'),
    select: (d) => d.items,
    staleTime: 60_000,
  });
}

export function useTicketList(params: Record<string, string> | null) {
  return useInfiniteQuery({
    queryKey: keys.ticketList(params ?? {}),
    enabled: params !== null,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      api<TicketPage>('/tickets', { query: { ...params, cursor: pageParam ?? undefined } }),
    getNextPageParam: (last) => last.next_cursor,
  });
}

/** The queue the agent last looked at, in order, for j/k on a ticket page. */
const ORDER_KEY = 'hd-queue-order';

export function rememberQueueOrder(numbers: string[]): void {
  sessionStorage.setItem(ORDER_KEY, JSON.stringify(numbers));
}

export function neighbour(number: string, step: 1 | -1): string | null {
  let order: string[] = [];
  try {
    order = JSON.parse(sessionStorage.getItem(ORDER_KEY) ?? '[]');
  } catch {
    return null;
  }
  const i = order.indexOf(number);
  return i >= 0 ? (order[i + step] ?? null) : null;
}
