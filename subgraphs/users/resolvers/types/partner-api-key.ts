import type { PartnerApiKeyResolvers } from '../../__generated__/resolvers-types.ts';
import { isKeyUsable } from '../../domain/partner-app.ts';

export const PartnerApiKey: PartnerApiKeyResolvers = {
  // The app's status is shown on the app itself; here only the key's own dates count.
  active: (key) => isKeyUsable(key, 'ACTIVE', new Date()),
};
