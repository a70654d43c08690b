import type { Viewer } from '../../../platform/auth/viewer.ts';
import { forbidden, unauthenticated } from '../../../platform/errors/graphql-errors.ts';

/** Access failures are thrown (UNAUTHENTICATED / FORBIDDEN), never returned as userErrors. */
export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}

export function requireAdmin(viewer: Viewer | null): Viewer {
  const signedIn = requireViewer(viewer);
  if (signedIn.role !== 'ADMIN') throw forbidden('Only administrators can do this.');
  return signedIn;
}
