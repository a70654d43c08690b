import type { SessionRevoker } from '../../../platform/auth/session-revocations.ts';
import type { BaseRequestContext } from '../../../platform/graphql/request-context.ts';
import { NEVER_ABORTED } from '../../../platform/http/caller-signal.ts';
import type { AccessTokenSigner } from '../infra/access-token-signer.ts';
import type { AddressRepository } from '../infra/address.repository.ts';
import type { LoginRateLimiter } from '../infra/login-rate-limiter.ts';
import type { PartnerAppRepository } from '../infra/partner-app.repository.ts';
import type { PartnerMirror } from '../infra/partner-mirror.ts';
import type { PasswordHasher } from '../infra/password-hasher.ts';
import type { SessionRepository } from '../infra/session.repository.ts';
import type { SignUpRateLimiter } from '../infra/sign-up-rate-limiter.ts';
import type { OperationInspector } from '../domain/partner-app.ts';
import type { UserRepository } from '../infra/user.repository.ts';
import type { VendorCache } from '../infra/vendor-cache.ts';
import type { VendorRepository } from '../infra/vendor.repository.ts';
import { createAddressService, type AddressService } from './address.service.ts';
import { createAuthService, type AuthService } from './auth.service.ts';
import { createUsersLoaders } from './loaders.ts';
import { createPartnerAppService, type PartnerAppService } from './partner-app.service.ts';
import type { UsersScope } from './scope.ts';
import { createUserService, type UserService } from './user.service.ts';
import { createVendorService, type VendorService } from './vendor.service.ts';

/** What the services are built from: the repositories, the Redis pieces, the keys and a clock. */
export interface UsersAppDeps {
  users: UserRepository;
  sessions: SessionRepository;
  vendors: VendorRepository;
  addresses: AddressRepository;
  vendorCache: VendorCache;
  loginLimiter: LoginRateLimiter;
  signUpLimiter: SignUpRateLimiter;
  hasher: PasswordHasher;
  signer: AccessTokenSigner;
  /** The shared list of ended sessions that every verifier reads. */
  revocations: SessionRevoker;
  refreshTokenTtlSeconds: number;
  partnerApps: PartnerAppRepository;
  /** The copy of partner keys and manifests in Redis (PARTNERS_KEY_PREFIX) that gateways read. */
  partnerMirror: PartnerMirror;
  /** Parses a manifest's operation bodies (graphql-js, in infra). */
  inspectOperations: OperationInspector;
  /** Makes a new random partner API key. */
  newPartnerApiKey: () => string;
  /** The clock; specs move it to expire tokens without waiting. */
  now?: () => Date;
  /** The outbox relay, nudged after a write that queued a message (absent: it polls, or specs read the table). */
  outbox?: { nudge(): void } | null;
}

/** The process-wide services; every method takes the request's scope first. */
export interface UsersServices {
  auth: AuthService;
  users: UserService;
  addresses: AddressService;
  vendors: VendorService;
  partnerApps: PartnerAppService;
}

export interface UsersApp {
  /** Built once; every method takes the request's scope first. */
  services: UsersServices;
  /**
   * The request with its own DataLoaders and sign-ins, so nothing request-bound crosses callers,
   * and its caller's signal (the server's; specs may omit it).
   */
  scopeFor(request: BaseRequestContext, signal?: AbortSignal): UsersScope;
}

/** The users services over given repositories, caches and keys: app.ts serves them, specs call them directly. */
export function createUsersApp(deps: UsersAppDeps): UsersApp {
  const now = deps.now ?? (() => new Date());
  return {
    services: {
      auth: createAuthService({ ...deps, now }),
      users: createUserService({ users: deps.users, revocations: deps.revocations, now }),
      addresses: createAddressService({ addresses: deps.addresses }),
      vendors: createVendorService({ vendors: deps.vendors, cache: deps.vendorCache, revocations: deps.revocations, now, outbox: deps.outbox ?? null }),
      partnerApps: createPartnerAppService({
        partnerApps: deps.partnerApps,
        mirror: deps.partnerMirror,
        inspectOperations: deps.inspectOperations,
        newApiKey: deps.newPartnerApiKey,
        now,
      }),
    },
    scopeFor: (request, signal = NEVER_ABORTED) => ({ ...request, signal, loaders: createUsersLoaders(deps, signal), signedInNow: new Set<string>() }),
  };
}
