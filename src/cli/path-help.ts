// `coffer path-help PATH`: Vault's path-help command. GET /v1/PATH?help=1 and print the server's
// help text for the path (its route, parameters and description; for a mount, its paths), or with
// -format=json the path's OpenAPI document.

import { expectArgs, Exit, type CommandSpec } from './base.js';
import { sanitizePath } from './generic.js';
import { ApiError, ConnectionError, isObject } from './http.js';

const SEALED = `Error: Coffer is sealed.

The "path-help" command requires Coffer to be unsealed so that the mount
points of the secret engines are known.`;

export const pathHelpCommand: CommandSpec = {
  name: 'path-help',
  synopsis: 'Retrieve API help for paths',
  args: '[options] PATH',
  sets: ['http', 'format'],
  help: `
  Retrieves API help for paths. All endpoints in Coffer provide built-in help
  in markdown format. This includes system paths, secret engines, and auth
  methods.

  Get help for the thing mounted at secret/:

      $ coffer path-help secret/

  The response object will return additional paths to retrieve help:

      $ coffer path-help secret/data/my-secret

  If -format is specified as JSON, the output will be in OpenAPI format.`,
  async run(c) {
    expectArgs(c.args, 1);
    const path = sanitizePath(c.args[0]!);
    let body;
    try {
      body = await c.client().requestBare('GET', path, { query: { help: '1' }, wrapTtl: '' });
    } catch (e) {
      if (e instanceof ApiError && e.status === 503 && e.errors.some((m) => /sealed/i.test(m))) throw new Exit(2, SEALED);
      if (e instanceof ApiError || e instanceof ConnectionError) throw new Exit(2, `Error retrieving help: ${e.message}`);
      throw e;
    }
    if (c.format === 'json') {
      c.ui.out(JSON.stringify(isObject(body.openapi) ? body.openapi : null));
      return 0;
    }
    c.ui.out(typeof body.help === 'string' ? body.help : '');
    return 0;
  },
};
