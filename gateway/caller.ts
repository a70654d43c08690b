import type { Viewer } from '../platform/auth/viewer.ts';

/**
 * Who is calling, as budgets and safelists see it. The class picks the budget (each class has
 * its own, from config); `id` is whose budget is spent: a partner app's API key, a signed-in
 * account, or else the client's address. VENDOR accounts count as customers.
 */
export type CallerClass = 'anonymous' | 'customer' | 'partner' | 'admin';

export interface Caller {
  class: CallerClass;
  /** The budget's key, prefixed by its kind so kinds never collide: `key:<id>`, `user:<id>`, `ip:<address>`. */
  id: string;
  /** Set for partner apps: the app whose persisted-query manifest the request must keep to. */
  partnerAppId: string | null;
}

/** The caller of a request without an API key: the signed-in account, or else the client's address. */
export function callerOf(viewer: Viewer | null, clientIp: string): Caller {
  if (!viewer) return { class: 'anonymous', id: `ip:${clientIp}`, partnerAppId: null };
  return { class: viewer.role === 'ADMIN' ? 'admin' : 'customer', id: `user:${viewer.userId}`, partnerAppId: null };
}

/** A request with a valid partner API key: the app's own budget and manifest, whichever key of it was sent. */
export function partnerCaller(appId: string): Caller {
  return { class: 'partner', id: `key:${appId}`, partnerAppId: appId };
}
