// What the account routes need, built once by the app (no globals): tokens, the sign-in throttle, and
// whether cookies must be Secure.
import { createLoginThrottle, type LoginPolicy, type LoginThrottle } from './login-throttle';
import type { TokenService } from './token';

export interface AccountsContext {
  tokens: TokenService;
  throttle: LoginThrottle;
  secureCookies: boolean;
}

export function createAccountsContext(tokens: TokenService, secureCookies: boolean, policy: Partial<LoginPolicy> = {}): AccountsContext {
  return { tokens, secureCookies, throttle: createLoginThrottle(policy) };
}
