import type { BaseRequestContext } from '../../platform/graphql/request-context.ts';
import type { AddressService } from './application/address.service.ts';
import type { AuthService } from './application/auth.service.ts';
import type { UsersLoaders } from './application/loaders.ts';
import type { UserService } from './application/user.service.ts';
import type { VendorService } from './application/vendor.service.ts';

/** The process-wide services, built once in app.ts. */
export interface UsersServices {
  auth: AuthService;
  users: UserService;
  addresses: AddressService;
  vendors: VendorService;
}

/** What every users resolver receives: the caller (verified token), fresh loaders, the services. */
export interface UsersContext extends BaseRequestContext {
  /** New per request, so batching and caching never cross callers. */
  loaders: UsersLoaders;
  services: UsersServices;
  /**
   * Accounts this request signed in (sign-up, log-in, refresh). The caller holds no token for
   * them yet, but the payload of that mutation may show the account's own private fields.
   */
  signedInNow: Set<string>;
}
