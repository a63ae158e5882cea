/**
 * Authentication and authorization for the apiserver: client certificates and bearer tokens in,
 * a `UserInfo` out; RBAC over roles and bindings decides; 401 and 403 bodies worded as upstream.
 *
 *   const tokens = await openTokenStore(join(dataDir, tokensFile), { clock, random });
 *   const authenticate = createAuthenticator({ caPem: ca.certPem, tokens });
 *   const rbac = createRbacAuthorizer({ source });
 *   const user = await authenticate(authRequestOf(req));
 *   if (!user) return json(401, unauthorizedStatus());
 *   const { allowed, reason } = await rbac.authorize(user, attrs);
 *   if (!allowed) return json(403, forbiddenStatus(user, attrs, reason));
 */
export * from './access-review.ts';
export * from './attributes.ts';
export * from './auth-status.ts';
export * from './authn.ts';
export * from './bootstrap-policy.ts';
export * from './errors.ts';
export * from './rbac.ts';
export * from './rbac-rules.ts';
export * from './rbac-source.ts';
export * from './token-roles.ts';
export * from './tokens.ts';
export * from './user-info.ts';
