// What other components may use from accounts.
export { accountsApiRouter } from './accounts.routes';
export { accountsPagesRouter } from './accounts.pages';
export { authenticate, requireRole, requireUser, SESSION_COOKIE } from './auth.middleware';
export { ensureAdmin, type AdminBootstrapResult } from './accounts.service';
export { createTokenService, type TokenService } from './token';
export { createAccountsContext, type AccountsContext } from './accounts.context';
export { DEFAULT_LOGIN_POLICY, clientKey, type LoginPolicy } from './login-throttle';
export { startSessionHousekeeping } from './session-housekeeping';
export { ROLES, type Role } from './user.model';
export type { PublicUser } from './user.repository';
export { findCertificateHolder, findUserById, findUsersByIds } from './user.repository';
export { userAdminPagesRouter } from './users.pages';
export { findUserByEmail } from './user.repository';
