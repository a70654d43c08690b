import { DateTime } from '../../../platform/graphql/scalars.ts';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { addAddress } from './mutation/add-address.ts';
import { applyForVendor } from './mutation/apply-for-vendor.ts';
import { approveVendor } from './mutation/approve-vendor.ts';
import { deleteAddress } from './mutation/delete-address.ts';
import { logIn } from './mutation/log-in.ts';
import { logOut } from './mutation/log-out.ts';
import { publishPartnerManifest } from './mutation/publish-partner-manifest.ts';
import { reactivateUser } from './mutation/reactivate-user.ts';
import { refreshAccessToken } from './mutation/refresh-access-token.ts';
import { registerPartnerApp } from './mutation/register-partner-app.ts';
import { rejectVendor } from './mutation/reject-vendor.ts';
import { revokePartnerApiKey } from './mutation/revoke-partner-api-key.ts';
import { rotatePartnerApiKey } from './mutation/rotate-partner-api-key.ts';
import { signUp } from './mutation/sign-up.ts';
import { suspendUser } from './mutation/suspend-user.ts';
import { suspendVendor } from './mutation/suspend-vendor.ts';
import { updateAddress } from './mutation/update-address.ts';
import { updateProfile } from './mutation/update-profile.ts';
import { me } from './query/me.ts';
import { partnerApp } from './query/partner-app.ts';
import { partnerApps } from './query/partner-apps.ts';
import { user } from './query/user.ts';
import { users } from './query/users.ts';
import { vendor } from './query/vendor.ts';
import { vendors } from './query/vendors.ts';
import { PartnerApiKey } from './types/partner-api-key.ts';
import { PartnerApp } from './types/partner-app.ts';
import { PartnerManifestInfo } from './types/partner-manifest-info.ts';
import { User } from './types/user.ts';
import { Vendor } from './types/vendor.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query: { me, user, users, vendor, vendors, partnerApps, partnerApp },
  Mutation: {
    signUp,
    logIn,
    refreshAccessToken,
    logOut,
    updateProfile,
    addAddress,
    updateAddress,
    deleteAddress,
    applyForVendor,
    approveVendor,
    rejectVendor,
    suspendVendor,
    suspendUser,
    reactivateUser,
    registerPartnerApp,
    rotatePartnerApiKey,
    revokePartnerApiKey,
    publishPartnerManifest,
  },
  PartnerApp,
  PartnerApiKey,
  PartnerManifestInfo,
  User,
  Vendor,
};
