// `coffer k8s scan PATH...`: finds plaintext secrets in Kubernetes manifests (Secrets, env values,
// ConfigMaps, Kustomize secretGenerators) and prints them as file:line:column findings, JSON or SARIF,
// never a value. Exit 0 clean, 1 found, 2 error, so it can gate CI. The scan is src/k8s/scan/.

import { pathToFileURL } from 'node:url';
import { Exit, ArgsError, type CommandSpec } from './base.js';
import { scanFiles } from '../k8s/scan/index.js';
import { jsonReport, sarifReport, textReport } from '../k8s/scan/report.js';
import { gather, MAX_FILE_BYTES } from '../k8s/scan/walk.js';
import { VERSION } from '../server/version.js';

const FORMATS = ['text', 'json', 'sarif'];

export const scanCommand: CommandSpec = {
  name: 'k8s scan',
  synopsis: 'Finds plaintext secrets in Kubernetes manifests',
  args: '[options] PATH...',
  sets: [],
  errorExitCode: 2,
  help: `
  Walks files and folders of YAML and JSON manifests (multi-document files,
  Helm-rendered output, kustomizations) and reports every plaintext secret as
  file:line:column: each key of a Secret's data or stringData, each Kustomize
  secretGenerator literal, file and env entry, and credential-looking values
  (AWS keys, private keys, passwords in URLs, tokens: secretlint's recommended
  rules, plus an entropy check on env values and ConfigMap data, and any literal
  whose name says credential, such as DB_PASSWORD=hunter2), a Secret's copy in the
  kubectl.kubernetes.io/last-applied-configuration annotation, and Kustomize
  configMapGenerator literals, files and env files that look like credentials.
  Move what it finds with \`coffer k8s migrate\`. A value is
  never printed: findings show the key and a fingerprint (sha256: and 12 hex
  digits of the value). Skips .git and node_modules, follows no symlink out of
  the tree, reads no file over ${MAX_FILE_BYTES / 1024 / 1024} MiB.

  Exit code 0 when nothing is found, 1 when something is, 2 on an error.

      $ coffer k8s scan deploy/

  For a code-scanning UI:

      $ coffer k8s scan -format=sarif . > coffer-scan.sarif`,
  flags: {
    format: { type: 'string', default: 'text', usage: 'Output: "text" (file:line:column: rule: message), "json" or "sarif" (SARIF 2.1.0).' },
  },
  async run(c) {
    const format = c.str('format').toLowerCase();
    if (!FORMATS.includes(format)) throw new ArgsError(`-format must be text, json or sarif, not "${c.str('format')}"`);
    if (c.args.length === 0) throw new ArgsError('Not enough arguments (expected at least 1, got 0): give the files or folders to scan');
    try {
      const g = gather(c.args);
      const result = await scanFiles(g.files, g.readRef);
      result.errors.unshift(...g.errors);
      result.warnings.unshift(...g.warnings);
      if (format === 'json') c.ui.raw(jsonReport(result, g.files.length));
      else if (format === 'sarif') c.ui.raw(sarifReport(result, VERSION, pathToFileURL(process.cwd()).href));
      else c.ui.raw(textReport(result));
      for (const w of result.warnings) c.ui.err(`warning: ${w.file}: ${w.message}`);
      for (const e of result.errors) c.ui.err(`error: ${e.file}${e.line ? `:${e.line}:${e.column ?? 1}` : ''}: ${e.message}`);
      const n = result.findings.length;
      if (format === 'text') c.ui.err(`${n} finding${n === 1 ? '' : 's'} in ${g.files.length} file${g.files.length === 1 ? '' : 's'} scanned`);
      return result.errors.length > 0 ? 2 : n > 0 ? 1 : 0;
    } catch (e) {
      throw new Exit(2, `Error scanning: ${(e as Error).message}`);
    }
  },
};
