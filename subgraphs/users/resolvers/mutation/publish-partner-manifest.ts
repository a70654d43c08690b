import { spreadPayload } from '../../../../platform/graphql/payload.ts';
import type { MutationResolvers } from '../../__generated__/resolvers-types.ts';

export const publishPartnerManifest: NonNullable<MutationResolvers['publishPartnerManifest']> = async (_parent, { input }, context) =>
  spreadPayload(await context.services.partnerApps.publishManifest(context, input), ['partnerApp', 'manifest']);
