/**
 * Authorizers in a chain, as kube-apiserver's `--authorization-mode=Node,RBAC`: the first that
 * allows wins; when none does, their reasons are joined into the 403 message.
 */
import type { RequestAttributes } from './attributes.ts';
import { forbiddenMessage } from './auth-status.ts';
import type { Decision } from './rbac.ts';
import type { UserInfo } from './user-info.ts';

export interface ChainedAuthorizer {
  authorize(user: UserInfo, attrs: RequestAttributes): Promise<Decision>;
}

export function unionAuthorizer(authorizers: readonly ChainedAuthorizer[]) {
  return {
    async authorize(user: UserInfo, attrs: RequestAttributes): Promise<Decision> {
      const reasons: string[] = [];
      for (const a of authorizers) {
        const d = await a.authorize(user, attrs);
        if (d.allowed) return d;
        if (d.reason) reasons.push(d.reason);
      }
      return { allowed: false, reason: reasons.join(', ') };
    },
    forbiddenMessage: (user: UserInfo, attrs: RequestAttributes, reason?: string) =>
      forbiddenMessage(user, attrs, reason),
  };
}
