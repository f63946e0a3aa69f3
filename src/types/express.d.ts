import type { PublicUser } from '../components/accounts/user.repository';
import type { Locale } from '../lib/i18n';

declare global {
  namespace Express {
    interface Request {
      user?: PublicUser;
      /** The session behind req.user: which sign-in, when its token expires, and how it was presented. */
      auth?: { sid: string; exp: number; via: 'bearer' | 'cookie' };
      locale: Locale;
    }
  }
}

export {};
