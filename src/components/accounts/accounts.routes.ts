// JSON API for accounts. Tokens are returned in the body; pages use the cookie flow in accounts.pages.ts.
import { Router } from 'express';
import { NotFoundError } from '../../lib/errors';
import { parseInput } from '../../lib/validation';
import { loginSchema, passwordChangeSchema, profileSchema, registerSchema, rolesSchema, userIdParamsSchema } from './accounts.schemas';
import { updateProfile } from './user.repository';
import * as accounts from './accounts.service';
import { requireRole, requireUser } from './auth.middleware';
import type { AccountsContext } from './accounts.context';

export function accountsApiRouter({ tokens, throttle }: AccountsContext): Router {
  const router = Router();

  router.post('/api/auth/register', async (req, res) => {
    const session = await accounts.register(parseInput(registerSchema, req.body), tokens, throttle, { address: req.ip ?? '' });
    res.status(201).json(session);
  });

  router.post('/api/auth/login', async (req, res) => {
    res.json(await accounts.login(parseInput(loginSchema, req.body), tokens, throttle, { address: req.ip ?? '' }));
  });

  // This token only; the user's other sessions go on.
  router.post('/api/auth/logout', requireUser, async (req, res) => {
    await accounts.logout({ userId: req.user!.id, sid: req.auth!.sid, exp: req.auth!.exp });
    res.status(204).end();
  });

  router.post('/api/auth/logout-all', requireUser, async (req, res) => {
    await accounts.logoutEverywhere(req.user!);
    res.status(204).end();
  });

  // Every session ends; the answer carries a fresh token for this client.
  router.post('/api/me/password', requireUser, async (req, res) => {
    const input = parseInput(passwordChangeSchema, req.body);
    res.json(await accounts.changePassword(req.user!.id, input, tokens, throttle, { address: req.ip ?? '' }));
  });

  router.get('/api/me', requireUser, (req, res) => {
    res.json({ user: req.user });
  });

  router.patch('/api/me', requireUser, async (req, res) => {
    const changes = parseInput(profileSchema, req.body);
    res.json({ user: await updateProfile(req.user!.id, changes) });
  });

  router.patch('/api/users/:id/roles', requireRole('admin'), async (req, res) => {
    const { id } = parseInput(userIdParamsSchema, req.params);
    const { roles } = parseInput(rolesSchema, req.body);
    const user = await accounts.changeRoles(req.user!, id, roles).catch((err: unknown) => {
      throw err instanceof NotFoundError ? new NotFoundError('No such user.') : err;
    });
    res.json({ user });
  });

  return router;
}
