/** Roles a signed-in account can hold. */
export const Roles = ['CUSTOMER', 'VENDOR', 'ADMIN'] as const;
export type Role = (typeof Roles)[number];

/** Who is calling, as proven by a verified access token. Never built from a bare header. */
export interface Viewer {
  userId: string;
  role: Role;
  /** Set only for VENDOR: the one vendor this account acts for. */
  vendorId: string | null;
}
