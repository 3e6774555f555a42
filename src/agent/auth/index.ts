// The auto_auth methods by type name.

import type { MethodConfig } from '../config/index.js';
import { approleMethod } from './approle.js';
import { kubernetesMethod } from './kubernetes.js';
import type { AuthMethod } from './method.js';
import { tokenFileMethod } from './token-file.js';

export function createAuthMethod(m: MethodConfig): AuthMethod {
  switch (m.type) {
    case 'kubernetes':
      return kubernetesMethod(m);
    case 'approle':
      return approleMethod(m);
    case 'token_file':
      return tokenFileMethod(m);
  }
}

export { AuthHandler, type AuthHandlerOptions, type TokenEvent } from './handler.js';
export { LocalAuthError, type AuthMethod, type LoginResult } from './method.js';
