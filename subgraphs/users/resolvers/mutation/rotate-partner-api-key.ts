import { spreadPayload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const rotatePartnerApiKey: NonNullable<MutationResolvers['rotatePartnerApiKey']> = async (_parent, { input }, context) =>
  spreadPayload(await context.services.partnerApps.rotateKey(context, input), ['partnerApp', 'apiKey', 'key']);
