import { EntityManager } from 'typeorm';

export const ROUTES = ['B1', 'Z', 'ALFA', 'ONDERWIJS', 'WI2013'] as const;
/** leerroute */
export type Route = (typeof ROUTES)[number];

/**
 * The largest group per route when the auditor set nothing (DOMAIN.md: 16 per route, 12 for ALFA;
 * the official figures live in the yearly Handleiding).
 */
export const DEFAULT_ROUTE_MAXIMA: Readonly<Record<Route, number>> = {
  B1: 16,
  Z: 16,
  ALFA: 12,
  ONDERWIJS: 16,
  WI2013: 16,
};

/**
 * The one place that knows the route maxima: the GROUP_SIZE_EXCEEDED rule's `routeMaxima` parameter
 * (set by an auditor) where it names a route, the defaults otherwise.
 */
export async function routeMaxima(manager: EntityManager): Promise<Record<Route, number>> {
  const rows: { maxima: Partial<Record<string, unknown>> | null }[] = await manager.query(
    `SELECT parameters -> 'routeMaxima' AS maxima FROM rules WHERE code = 'GROUP_SIZE_EXCEEDED'`,
  );
  const configured = rows[0]?.maxima ?? {};
  const valueFor = (route: Route): number => {
    const value = configured[route];
    return typeof value === 'number' && Number.isInteger(value) && value > 0
      ? value
      : DEFAULT_ROUTE_MAXIMA[route];
  };
  return Object.fromEntries(ROUTES.map((route) => [route, valueFor(route)])) as Record<Route, number>;
}
