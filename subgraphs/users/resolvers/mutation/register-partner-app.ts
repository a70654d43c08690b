import { spreadPayload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const registerPartnerApp: NonNullable<MutationResolvers['registerPartnerApp']> = async (_parent, { input }, context) =>
  spreadPayload(await context.services.partnerApps.register(context, input), ['partnerApp', 'apiKey', 'key']);
