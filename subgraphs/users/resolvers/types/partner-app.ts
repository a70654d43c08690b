import type { PartnerAppResolvers } from '../../__generated__/resolvers-types.ts';

export const PartnerApp: PartnerAppResolvers = {
  apiKeys: (app, _args, context) => context.services.partnerApps.keys(context, app),
  manifest: (app, _args, context) => context.services.partnerApps.manifest(context, app),
};
