// Shared set-up for the userpass unit tests: a harness mounted at auth/userpass/ and a login helper.

import { userpassBackendFactory } from '../../../../src/server/auth/userpass/index.js';
import { createHarness, type Harness, type HarnessResult } from '../../../support/backend-harness.js';

export const userpass = (mountPoint = 'auth/userpass/'): Promise<Harness> => createHarness(userpassBackendFactory, { mountPoint });

export const login = (h: Harness, name: string, password: string): Promise<HarnessResult> => h.request('update', `login/${name}`, { password });
