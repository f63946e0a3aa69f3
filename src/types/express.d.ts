import type { PublicUser } from '../components/accounts/user.repository';
import type { Locale } from '../lib/i18n';

declare global {
  namespace Express {
    interface Request {
      user?: PublicUser;
      locale: Locale;
    }
  }
}

export {};
